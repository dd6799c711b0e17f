"""A registered and an unregistered ID number cannot be told apart by content, status,
headers or timing of the sign-in steps."""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

from tests.factories import make_person

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _normalise(body: str) -> str:
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", body)
    return re.sub(r"\d{1,2}:\d{2}(:\d{2})?", "HH:MM", body)


def _start(app, id_number: str, address: str = "192.0.2.1"):
    with app.test_client() as client:
        client.environ_base["REMOTE_ADDR"] = address
        started = time.perf_counter()
        response = client.post("/signin", data={"id_number": id_number})
        elapsed = time.perf_counter() - started
        follow = client.get(response.headers["Location"])
        return response, follow, elapsed


def test_same_content_status_and_headers(app):
    person = make_person()
    a, a_page, _ = _start(app, person.id_number)
    b, b_page, _ = _start(app, "087084765432")
    assert (a.status_code, a.headers["Location"]) == (b.status_code, b.headers["Location"])
    assert sorted(k for k, _ in a.headers if k != "Set-Cookie") == sorted(
        k for k, _ in b.headers if k != "Set-Cookie"
    )
    assert _normalise(a_page.get_data(as_text=True)) == _normalise(b_page.get_data(as_text=True))


def test_timing_of_registered_and_unregistered_numbers_is_alike(app):
    """Interleaved samples; the medians are recorded and must not differ grossly.

    A loose bound (noise on a shared machine is large); the figures go to tests/artifacts/.
    """
    registered = [make_person(phone=f"09120{n:05d}") for n in range(40)]
    unknown = [f"08708{n:07d}" for n in range(40)]
    known_times, unknown_times = [], []
    for n, (person, other) in enumerate(zip(registered, unknown, strict=True)):
        known_times.append(_start(app, person.id_number, f"198.51.100.{n}")[2])
        unknown_times.append(_start(app, other, f"203.0.113.{n}")[2])
    known_median = statistics.median(known_times)
    unknown_median = statistics.median(unknown_times)
    ratio = known_median / unknown_median
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "enumeration-timing.json").write_text(
        json.dumps(
            {"registered_median_ms": known_median * 1000,
             "unregistered_median_ms": unknown_median * 1000, "ratio": ratio},
            indent=2,
        )
    )
    assert 0.5 < ratio < 2.0, ratio
