"""Reading pages as a person would: status, headings, labels, messages, the SMS inbox."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def page(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.get_data(as_text=True)[:500]}"
    )
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def heading(soup: BeautifulSoup) -> str:
    return soup.find("h1").get_text(" ", strip=True)


def title(soup: BeautifulSoup) -> str:
    return soup.title.get_text(strip=True)


def error_messages(soup: BeautifulSoup) -> list[str]:
    summary = soup.select(".error-summary li")
    return [li.get_text(" ", strip=True) for li in summary]


def text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ", strip=True).split())


def latest_code(client, phone: str) -> str:
    """The code in the newest SMS to `phone`: the only 6-digit number in the text."""
    messages = [m for m in client.get("/sim/outbox.json").get_json() if m["phone"] == phone]
    assert messages, f"no SMS to {phone}"
    codes = re.findall(r"(?<!\d)\d{6}(?!\d)", messages[0]["text"])
    assert len(codes) == 1, messages[0]["text"]
    return codes[0]


def sign_in(client, person) -> None:
    """Through the real pages: ID number, then the code from the simulated phone."""
    response = client.post("/signin", data={"id_number": person.id_number})
    assert response.status_code == 303, response.status_code
    code = latest_code(client, person.phone)
    response = client.post("/signin/code", data={"code": code})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/"), (
        response.status_code,
        response.headers.get("Location"),
    )
