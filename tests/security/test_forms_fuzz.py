"""Hypothesis on every form's fields: arbitrary text in every field of every form a citizen
or a staff member can reach never produces a server error."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.change_factories import make_change_request
from tests.factories import make_beneficiary
from tests.review_factories import make_admin, make_officer, make_support
from tests.security.sessions import signed_in_client

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "", " ", "0" * 5000, "' OR 1=1 --", "<script>alert(1)</script>", "\x00", "٣٣٣٣٣٣",
        "０９１２３４５６７８", "087084000999", "+84912345678", "%s%s%n", "../../etc/passwd",
        "😀" * 50, "\u202e", "NaN", "-1", "1e309",
    ]),
)


def _forms(client, urls: list[str]) -> dict[str, set[str]]:
    """Every POST form found on these pages: its action and the names of its fields."""
    found: dict[str, set[str]] = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            names = {
                field["name"]
                for field in form.find_all(["input", "select", "textarea"])
                if field.get("name") and field.get("name") != "csrf_token"
            }
            found.setdefault(form.get("action") or url, set()).update(names)
    return found


def _pages(app) -> list[str]:
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        and not rule.rule.startswith("/api/")
    )


def _fuzz(client, forms: dict[str, set[str]], data) -> None:
    for action, names in forms.items():
        values = {name: data.draw(HOSTILE_TEXT) for name in names or {"value"}}
        response = client.post(action, data=values)
        assert response.status_code < 500, (action, values, response.status_code)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_citizen_forms_survive_arbitrary_text(app, data):
    beneficiary = make_beneficiary(account=("bank", "970436", "0011001234567"))
    client = signed_in_client(app, person=beneficiary.person)
    forms = _forms(client, _pages(app) + ["/account/change/kind", "/family/invite"])
    assert len(forms) >= 5, forms
    _fuzz(client, forms, data)
    _fuzz(app.test_client(), _forms(app.test_client(), ["/signin"]), data)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_staff_forms_survive_arbitrary_text(app, data):
    beneficiary = make_beneficiary(account=("bank", "970436", "0011001234567"))
    request = make_change_request(beneficiary=beneficiary)
    officer = make_officer()
    pages = _pages(app) + [f"/staff/review/{request.id}"]
    for staff in (officer, make_support(), make_admin()):
        client = signed_in_client(app, staff=staff)
        forms = _forms(client, pages)
        _fuzz(client, forms, data)
    _fuzz(app.test_client(), _forms(app.test_client(), ["/staff/signin"]), data)
