"""The link-or-change journey through the HTTP layer: one question per page, review, code."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from domain.models import AuditEvent, ChangeRequest, FinancialAddress, Notification, OtpChallenge
from domain.security import decrypt, encrypt
from domain.vietqr import static_payload
from extensions import db, limiter
from tests.change_factories import make_change_request, make_sim_account
from tests.factories import make_beneficiary
from tests.pages import error_messages, heading, latest_code, page, sign_in, text, title

JOURNEY = "change_journey"
REGISTERED = "0903123456"


def _signed_in(client, **fields):
    beneficiary = make_beneficiary(
        full_name=fields.pop("full_name", "Nguyễn Văn An"),
        phone=fields.pop("phone", REGISTERED),
        account=fields.pop("account", ("bank", "970405", "1506205123456")),
        **fields,
    )
    sign_in(client, beneficiary.person)
    return beneficiary


def _location(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


def _fingerprint(soup) -> str:
    return soup.find("input", attrs={"name": "fingerprint"})["value"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _answer_bank(client, bank="970436", number="0071000123456"):
    client.post("/account/change/kind", data={"kind": "bank"})
    client.post("/account/change/bank", data={"provider": bank})
    return client.post("/account/change/account-number", data={"number": number})


def _send_code(client):
    soup = page(client.get("/account/change/check"))
    response = client.post("/account/change/check", data={"fingerprint": _fingerprint(soup)})
    assert _location(response).endswith("/account/change/confirm")
    return page(client.get("/account/change/confirm"))


def _confirm_challenges() -> int:
    return db.session.scalar(
        select(func.count()).select_from(OtpChallenge).where(
            OtpChallenge.purpose == "confirm_change")
    )


def _journey(client) -> dict:
    """The journey's answers, with the sealed account number opened."""
    with client.session_transaction() as session:
        stored = dict(session.get(JOURNEY, {}))
    if "number_sealed" in stored:
        stored["number"] = decrypt(stored.pop("number_sealed").encode())
    return stored


def _set_journey(client, **answers) -> None:
    """Replace the journey's answers, sealing the number as the app does."""
    stored = {name: value for name, value in answers.items() if name != "number"}
    if "number" in answers:
        stored["number_sealed"] = encrypt(answers["number"]).decode()
    with client.session_transaction() as session:
        session[JOURNEY] = stored


# --- Whole journeys ---


def test_link_a_bank_account_chosen_from_the_list(client):
    beneficiary = _signed_in(client)
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN VAN AN")
    soup = page(client.get("/account/change"))
    assert heading(soup) == "Thay đổi nơi nhận trợ cấp"
    soup = page(client.get("/account/change/kind"))
    assert {i["value"] for i in soup.find_all("input", attrs={"name": "kind"})} == {
        "bank", "ewallet", "mobile_money"}
    assert soup.find("form", attrs={"action": "/account/change/kind"}).has_attr("novalidate")

    assert _location(client.post("/account/change/kind", data={"kind": "bank"})).endswith(
        "/account/change/bank")
    soup = page(client.get("/account/change/bank?q=ngoai thuong"))
    assert [label.find("strong").get_text() for label in soup.select(".radio__label")] == [
        "Vietcombank"]
    assert _location(client.post("/account/change/bank", data={"provider": "970436"})).endswith(
        "/account/change/account-number")
    response = client.post("/account/change/account-number", data={"number": "0071 000.123456"})
    assert _location(response).endswith("/account/change/check")

    soup = page(client.get("/account/change/check"))
    review = text(soup.select_one("[data-review]"))
    assert "Vietcombank" in review and "•••• 3456" in review and "NGUYEN VAN AN" in review
    assert "0071000123456" not in str(soup)
    assert soup.select_one("[data-holder-warning]") is None

    soup = _send_code(client)
    assert "Vietcombank" in text(soup)
    sms = client.get("/sim/outbox.json").get_json()[0]
    assert sms["phone"] == REGISTERED
    assert "Vietcombank •••• 3456" in sms["text"]
    response = client.post("/account/change/confirm", data={
        "code": latest_code(client, REGISTERED), "fingerprint": _fingerprint(soup)})
    location = _location(response)
    assert re.search(r"/account/requests/\d+/sent$", location)
    soup = page(client.get(location))
    request = db.session.scalar(select(ChangeRequest))
    assert heading(soup) == "Đã gửi yêu cầu"
    assert request.reference in text(soup)
    assert "Phường Cao Lãnh" in text(soup)
    assert request.beneficiary_id == beneficiary.id
    assert request.high_risk is False
    assert _journey(client) == {}
    submitted = client.get("/sim/outbox.json").get_json()[0]
    assert request.reference in submitted["text"]


def test_link_an_e_wallet(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "ewallet"})
    soup = page(client.get("/account/change/provider"))
    assert heading(soup) == "Ví điện tử nào?"
    assert {i["value"] for i in soup.find_all("input", attrs={"name": "provider"})} == {
        "momo", "zalopay", "shopeepay", "vnpay"}
    client.post("/account/change/provider", data={"provider": "zalopay"})
    response = client.post("/account/change/phone-number", data={"number": "+84 903 123 456"})
    assert _location(response).endswith("/account/change/check")
    assert _journey(client)["number"] == REGISTERED
    soup = page(client.get("/account/change/check"))
    assert "ZaloPay" in text(soup)
    assert "cũng gửi thông báo" not in text(soup)


def test_mobile_money_needs_a_number_of_its_carrier(client):
    _signed_in(client, phone="0945333444")
    client.post("/account/change/kind", data={"kind": "mobile_money"})
    client.post("/account/change/provider", data={"provider": "vnptmoney"})
    soup = page(client.post("/account/change/phone-number", data={"number": "0987654321"}))
    assert title(soup).startswith("Lỗi:")
    assert error_messages(soup) == [
        "Tài khoản VNPT Money dùng số điện thoại VinaPhone. Hãy nhập số VinaPhone, hoặc chọn "
        "dịch vụ của nhà mạng điện thoại bạn đang dùng"]
    assert soup.find("input", attrs={"name": "number"})["aria-invalid"] == "true"
    response = client.post("/account/change/phone-number", data={"number": "0912 345 678"})
    assert _location(response).endswith("/account/change/check")
    soup = page(client.get("/account/change/check"))
    assert "cũng gửi thông báo đến số 091•••5678" in text(soup)


def test_a_wallet_on_another_number_gets_its_own_notice(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "mobile_money"})
    client.post("/account/change/provider", data={"provider": "viettelmoney"})
    client.post("/account/change/phone-number", data={"number": "0987654321"})
    soup = _send_code(client)
    client.post("/account/change/confirm", data={
        "code": latest_code(client, REGISTERED), "fingerprint": _fingerprint(soup)})
    to_wallet = [m for m in client.get("/sim/outbox.json").get_json()
                 if m["phone"] == "0987654321"]
    assert len(to_wallet) == 1 and "Viettel Money" in to_wallet[0]["text"]


def test_paste_a_vietqr_code(client):
    _signed_in(client)
    soup = page(client.get("/account/change/vietqr"))
    assert soup.find("textarea", attrs={"name": "code"})
    code = static_payload("970415", "104870123456", purpose="chuyen tien")
    response = client.post("/account/change/vietqr", data={"code": f"\n {code} \n"})
    assert _location(response).endswith("/account/change/check")
    assert _journey(client)["via"] == "vietqr"
    soup = page(client.get("/account/change/check"))
    assert "VietinBank" in text(soup) and "•••• 3456" in text(soup)
    assert soup.find("a", class_="back-link")["href"].endswith("/account/change/vietqr")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("", "Dán nội dung mã"),
        ("https://example.com/qr", "không phải là mã VietQR"),
        (static_payload("970436", "0071000123456")[:-4] + "0000", "kiểm tra"),
        (static_payload("999999", "0071000123456"), "chưa chi trả vào được"),
    ],
)
def test_a_bad_vietqr_code_gets_a_clear_message(client, code, words):
    _signed_in(client)
    soup = page(client.post("/account/change/vietqr", data={"code": code}))
    assert title(soup).startswith("Lỗi:")
    (message,) = error_messages(soup)
    assert words in message
    assert _journey(client) == {}


def test_english_pages(client):
    _signed_in(client)
    soup = page(client.get("/account/change/kind?lang=en"))
    assert soup.find("legend").get_text(strip=True) == "Where do you want your benefit paid?"
    client.post("/account/change/kind", data={"kind": "bank"})
    client.post("/account/change/bank", data={"provider": "970436"})
    soup = page(client.post("/account/change/account-number", data={"number": "12"}))
    assert title(soup).startswith("Error:")
    assert error_messages(soup) == [
        "A Vietcombank account number has 10 to 14 digits. Check it and try again"]


# --- Answers are kept, and the steps are enforced ---


def test_the_account_number_is_sealed_in_the_session_cookie(client):
    _signed_in(client)
    _answer_bank(client)
    with client.session_transaction() as session:
        raw = str(dict(session))
    assert "0071000123456" not in raw
    assert _journey(client)["number"] == "0071000123456"
    # A number that cannot be opened counts as not answered.
    with client.session_transaction() as session:
        session[JOURNEY] = {**session[JOURNEY], "number_sealed": "forged"}
    assert client.get("/account/change/check").headers["Location"].endswith(
        "/account/change/account-number")


def test_name_inquiries_are_rate_limited_per_person(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "bank"})
    client.post("/account/change/bank", data={"provider": "970436"})
    statuses = {
        client.post("/account/change/account-number",
                    data={"number": f"00710001{index:05d}"}).status_code
        for index in range(30)
    }
    assert statuses == {303}
    response = client.post("/account/change/vietqr",
                           data={"code": static_payload("970436", "0071000999999")})
    assert response.status_code == 429


def test_back_links_keep_the_answers(client):
    _signed_in(client)
    _answer_bank(client)
    soup = page(client.get("/account/change/account-number"))
    assert soup.find("input", attrs={"name": "number"})["value"] == "0071000123456"
    assert soup.find("a", class_="back-link")["href"].endswith("/account/change/bank")
    soup = page(client.get("/account/change/bank"))
    assert soup.find("input", attrs={"name": "provider", "value": "970436"}).has_attr("checked")
    soup = page(client.get("/account/change/kind"))
    assert soup.find("input", attrs={"name": "kind", "value": "bank"}).has_attr("checked")


def test_changing_the_kind_starts_the_answers_again(client):
    _signed_in(client)
    _answer_bank(client)
    client.post("/account/change/kind", data={"kind": "bank"})
    assert _journey(client)["number"] == "0071000123456"
    client.post("/account/change/kind", data={"kind": "ewallet"})
    assert _journey(client) == {"kind": "ewallet"}


def test_bank_search_without_a_match(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "bank"})
    soup = page(client.get("/account/change/bank?q=zzzz"))
    assert 'Không có ngân hàng nào khớp với "zzzz"' in text(soup)
    assert not soup.select(".radio")
    soup = page(client.get("/account/change/bank"))
    assert len(soup.select(".radio")) == 21


@pytest.mark.parametrize(
    ("method", "path", "data", "expected"),
    [
        ("get", "/account/change/bank", None, "/account/change/kind"),
        ("post", "/account/change/bank", {"provider": "970436"}, "/account/change/kind"),
        ("post", "/account/change/account-number", {"number": "0071000123456"},
         "/account/change/kind"),
        ("post", "/account/change/provider", {"provider": "momo"}, "/account/change/kind"),
        ("post", "/account/change/phone-number", {"number": REGISTERED}, "/account/change/kind"),
        ("get", "/account/change/check", None, "/account/change/kind"),
        ("post", "/account/change/check", {"fingerprint": "x"}, "/account/change/kind"),
        ("post", "/account/change/confirm", {"code": "123456", "fingerprint": "x"},
         "/account/change/kind"),
        ("post", "/account/change/confirm/resend", {}, "/account/change/kind"),
    ],
)
def test_a_skipped_step_is_refused(client, method, path, data, expected):
    _signed_in(client)
    response = getattr(client, method)(path, data=data)
    assert _location(response).endswith(expected)
    soup = page(client.get(_location(response)))
    assert "Còn thiếu câu trả lời" in text(soup)
    assert _count(ChangeRequest) == 0


def test_a_later_step_of_the_other_branch_is_refused(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "ewallet"})
    response = client.post("/account/change/bank", data={"provider": "970436"})
    assert _location(response).endswith("/account/change/kind")
    client.post("/account/change/kind", data={"kind": "bank"})
    assert _location(client.get("/account/change/account-number")).endswith(
        "/account/change/bank")
    assert _location(client.get("/account/change/phone-number")).endswith(
        "/account/change/kind")


def test_confirm_without_a_code_goes_back_to_the_review(client):
    _signed_in(client)
    _answer_bank(client)
    assert _location(client.get("/account/change/confirm")).endswith("/account/change/check")


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/account/change/kind", {"kind": "cash"}, "Chọn cách bạn muốn nhận trợ cấp"),
        ("/account/change/kind", {}, "Chọn cách bạn muốn nhận trợ cấp"),
    ],
)
def test_a_value_not_offered_is_refused(client, path, data, message):
    _signed_in(client)
    soup = page(client.post(path, data=data))
    assert error_messages(soup) == [message]
    assert _journey(client) == {}


def test_a_provider_not_offered_is_refused(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "bank"})
    soup = page(client.post("/account/change/bank", data={"provider": "momo"}))
    assert error_messages(soup) == ["Chọn ngân hàng của bạn trong danh sách"]
    client.post("/account/change/kind", data={"kind": "mobile_money"})
    soup = page(client.post("/account/change/provider", data={"provider": "momo"}))
    assert error_messages(soup) == ["Chọn nhà cung cấp trong danh sách"]
    assert "provider" not in _journey(client)


def test_a_tampered_session_is_revalidated(client):
    _signed_in(client)
    _answer_bank(client)
    _set_journey(client, **{**_journey(client), "number": "12ab"})
    response = client.get("/account/change/check")
    assert _location(response).endswith("/account/change/account-number")
    soup = page(client.get(_location(response)))
    assert "Số tài khoản chỉ gồm chữ số" in text(soup)


def test_the_holder_name_always_comes_from_the_bank(client):
    _signed_in(client)
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="TRAN THI MAI")
    _answer_bank(client)
    _set_journey(client, **{**_journey(client), "holder": "NGUYEN VAN AN"})
    soup = page(client.get("/account/change/check"))
    assert "TRAN THI MAI" in text(soup.select_one("[data-review-holder]"))
    assert soup.select_one("[data-holder-warning]") is not None
    assert _journey(client)["holder"] == "TRAN THI MAI"


def test_a_tampered_fingerprint_is_refused(client):
    _signed_in(client)
    _answer_bank(client)
    response = client.post("/account/change/check", data={"fingerprint": "0" * 32})
    assert _location(response).endswith("/account/change/check")
    soup = page(client.get("/account/change/check"))
    assert "Thông tin đã thay đổi từ lúc trang này hiện ra" in text(soup)
    assert _confirm_challenges() == 0

    soup = _send_code(client)
    response = client.post("/account/change/confirm", data={
        "code": latest_code(client, REGISTERED), "fingerprint": "0" * 32})
    assert _location(response).endswith("/account/change/check")
    assert _count(ChangeRequest) == 0
    assert "challenge" not in _journey(client)


def test_content_changed_after_the_code_was_sent_makes_the_code_useless(client):
    _signed_in(client)
    _answer_bank(client)
    _send_code(client)
    code = latest_code(client, REGISTERED)
    # Another tab changes the number after the code was sent for the first one.
    _answer_bank(client, number="0071000999999")
    challenge = db.session.scalar(
        select(OtpChallenge.public_id).where(OtpChallenge.purpose == "confirm_change"))
    _set_journey(client, **{**_journey(client), "challenge": challenge})
    soup = page(client.get("/account/change/confirm"))
    response = client.post("/account/change/confirm", data={
        "code": code, "fingerprint": _fingerprint(soup)})
    assert _location(response).endswith("/account/change/check")
    soup = page(client.get("/account/change/check"))
    assert "mã đó không dùng được nữa" in text(soup)
    assert _count(ChangeRequest) == 0
    assert "change_request.code_mismatch" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_wrong_code_says_how_many_tries_are_left(client):
    _signed_in(client)
    _answer_bank(client)
    soup = _send_code(client)
    code = latest_code(client, REGISTERED)
    wrong = "000000" if code != "000000" else "111111"
    soup = page(client.post("/account/change/confirm", data={
        "code": wrong, "fingerprint": _fingerprint(soup)}))
    assert error_messages(soup) == [
        "Mã chưa đúng. Hãy xem lại tin nhắn và thử lại: còn 4 lần thử."]
    soup = page(client.post("/account/change/confirm", data={
        "code": "12", "fingerprint": _fingerprint(soup)}))
    assert error_messages(soup) == ["Nhập mã 6 chữ số trong tin nhắn SMS"]
    response = client.post("/account/change/confirm", data={
        "code": code, "fingerprint": _fingerprint(soup)})
    assert "/sent" in _location(response)


def test_too_many_wrong_codes_start_the_confirmation_again(client):
    _signed_in(client)
    _answer_bank(client)
    soup = _send_code(client)
    code = latest_code(client, REGISTERED)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        client.post("/account/change/confirm", data={"code": wrong,
                                                     "fingerprint": _fingerprint(soup)})
    response = client.post("/account/change/confirm", data={
        "code": wrong, "fingerprint": _fingerprint(soup)})
    assert _location(response).endswith("/account/change/check")
    soup = page(client.get("/account/change/check"))
    assert "nhập sai mã quá nhiều lần" in text(soup)
    assert _location(client.get("/account/change/confirm")).endswith("/account/change/check")


def test_an_expired_code(client):
    _signed_in(client)
    _answer_bank(client)
    soup = _send_code(client)
    code = latest_code(client, REGISTERED)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6)):
        response = client.post("/account/change/confirm", data={
            "code": code, "fingerprint": _fingerprint(soup)})
        assert _location(response).endswith("/account/change/check")
    assert _count(ChangeRequest) == 0


def test_resend_waits_then_sends_a_new_code(client):
    _signed_in(client)
    _answer_bank(client)
    _send_code(client)
    first = latest_code(client, REGISTERED)
    response = client.post("/account/change/confirm/resend")
    soup = page(client.get(_location(response)))
    assert "Bạn có thể yêu cầu mã mới sau" in text(soup)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61)):
        client.post("/account/change/confirm/resend")
        second = latest_code(client, REGISTERED)
        soup = page(client.get("/account/change/confirm"))
        response = client.post("/account/change/confirm", data={
            "code": second, "fingerprint": _fingerprint(soup)})
        assert "/sent" in _location(response)
    assert first != second or _count(ChangeRequest) == 1


def test_the_current_account_cannot_be_asked_for(client):
    _signed_in(client)
    client.post("/account/change/kind", data={"kind": "bank"})
    client.post("/account/change/bank", data={"provider": "970405"})
    soup = page(client.post("/account/change/account-number", data={"number": "1506205123456"}))
    assert error_messages(soup) == [
        "Trợ cấp của bạn đã được trả vào tài khoản này. Hãy nhập tài khoản khác"]


# --- Refusals: open request, lock, cooling off ---


def test_a_second_request_is_refused_with_a_link_to_the_open_one(client):
    beneficiary = _signed_in(client)
    request = make_change_request(beneficiary=beneficiary)
    soup = page(client.get("/account/change"))
    assert heading(soup) == "Hiện bạn không thể đổi tài khoản trực tuyến"
    assert request.reference in text(soup)
    link = soup.find("a", string="Xem yêu cầu của bạn")
    assert link["href"] == f"/account/requests/{request.id}"
    for path in ("/account/change/kind", "/account/change/bank", "/account/change/vietqr",
                 "/account/change/check", "/account/change/confirm"):
        assert _location(client.get(path)).endswith("/account/change")
    response = client.post("/account/change/kind", data={"kind": "bank"})
    assert _location(response).endswith("/account/change")
    assert _count(ChangeRequest) == 1


def test_a_request_opened_meanwhile_is_refused_at_the_last_step(client):
    beneficiary = _signed_in(client)
    _answer_bank(client)
    soup = _send_code(client)
    code = latest_code(client, REGISTERED)
    make_change_request(beneficiary=beneficiary, number="0071000999999")
    response = client.post("/account/change/confirm", data={
        "code": code, "fingerprint": _fingerprint(soup)})
    assert _location(response).endswith("/account/change")
    assert _count(ChangeRequest) == 1


def test_the_lock_refuses_every_step(client):
    beneficiary = _signed_in(client)
    beneficiary.online_changes_locked = True
    db.session.commit()
    soup = page(client.get("/account/change"))
    assert soup.select_one("[data-refusal=locked]")
    assert "UBND xã/phường" in text(soup)
    for path in ("/account/change/kind", "/account/change/bank", "/account/change/provider",
                 "/account/change/account-number", "/account/change/phone-number",
                 "/account/change/vietqr", "/account/change/check", "/account/change/confirm"):
        assert _location(client.get(path)).endswith("/account/change"), path
        assert _location(client.post(path, data={})).endswith("/account/change"), path


def test_after_unlocking_the_journey_waits_24_hours(client):
    beneficiary = _signed_in(client)
    unlocked = datetime.now(UTC)
    beneficiary.changes_allowed_from = unlocked + timedelta(hours=24)
    db.session.commit()
    soup = page(client.get("/account/change"))
    assert soup.select_one("[data-refusal=cooling_off]")
    local = (unlocked + timedelta(hours=24)).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%H:%M %d/%m/%Y") in text(soup)
    client.post("/session/keep-alive")
    with time_machine.travel(unlocked + timedelta(hours=24, minutes=1)):
        sign_in(client, beneficiary.person)
        soup = page(client.get("/account/change"))
        assert heading(soup) == "Thay đổi nơi nhận trợ cấp"


def test_someone_who_is_not_a_beneficiary_gets_404(client):
    from tests.factories import make_person

    sign_in(client, make_person(full_name="Trần Thị Mai"))
    for path in ("/account/change", "/account/change/kind", "/account/vietqr", "/account/lock"):
        assert client.get(path).status_code == 404
    soup = page(client.get("/account/"))
    assert "không nhận trợ cấp" in text(soup)


def test_no_page_of_the_journey_shows_the_full_number(client):
    _signed_in(client)
    _answer_bank(client)
    for path in ("/account/change/check", "/account/change/bank", "/account/change/kind"):
        assert "0071000123456" not in client.get(path).get_data(as_text=True)
    _send_code(client)
    assert "0071000123456" not in client.get("/account/change/confirm").get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent.details)).all()
    assert "0071000123456" not in str(events)


# --- No input gives a 500 ---

FIELD_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
) | st.sampled_from(["", " ", "0" * 5000, "970436", "bank", "momo", "\x00", "%(x)s", "{{ 1 }}"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=FIELD_TEXT)
def test_arbitrary_text_in_every_field_never_gives_a_500(client, value, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", False)
    if _count(FinancialAddress) == 0:
        _signed_in(client)
    posts = [
        ("/account/change/kind", {"kind": value}, {}),
        ("/account/change/bank", {"provider": value}, {"kind": "bank"}),
        ("/account/change/account-number", {"number": value},
         {"kind": "bank", "provider": "970436"}),
        ("/account/change/provider", {"provider": value}, {"kind": "ewallet"}),
        ("/account/change/phone-number", {"number": value},
         {"kind": "mobile_money", "provider": "viettelmoney"}),
        ("/account/change/vietqr", {"code": value}, {}),
        ("/account/change/check", {"fingerprint": value},
         {"kind": "bank", "provider": "970436", "number": "0071000123456", "holder": "X"}),
        ("/account/change/confirm", {"code": value, "fingerprint": value},
         {"kind": "bank", "provider": "970436", "number": "0071000123456", "holder": "X",
          "challenge": value[:200]}),
    ]
    for path, data, state in posts:
        _set_journey(client, **state)
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, value)
        response = client.get(path + "?q=" + value[:50].replace("&", "").replace("#", ""))
        assert response.status_code < 500, (path, value)
    short = value[:200]  # the app only ever stores validated, short answers
    _set_journey(client, kind=short, provider=short, number=short, holder=short)
    for path in ("/account/change/check", "/account/change/confirm", "/account/change/bank"):
        assert client.get(path).status_code < 500
    assert _count(ChangeRequest) == 0
    assert _count(Notification) == 1  # the sign-in code: no code went out for a review


def test_codes_for_a_change_are_rate_limited_per_person(client):
    _signed_in(client)
    _answer_bank(client)
    soup = page(client.get("/account/change/check"))
    statuses = [
        client.post("/account/change/check", data={"fingerprint": _fingerprint(soup)}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [303] * 10
    assert statuses[10] == 429
    assert _confirm_challenges() == 10


def test_journey_pages_have_no_inline_script_or_style(client):
    _signed_in(client)
    _answer_bank(client)
    for path in ("/account/", "/account/change", "/account/change/kind", "/account/change/bank",
                 "/account/change/account-number", "/account/change/vietqr",
                 "/account/change/check", "/account/lock", "/account/vietqr"):
        soup = page(client.get(path))
        assert all(script.get("src") for script in soup.find_all("script")), path
        assert not soup.find_all("style") and not soup.select("[style]"), path
        assert not [tag for tag in soup.find_all(True)
                    if any(name.startswith("on") for name in tag.attrs)], path
