import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationError
from domain.vietqr import (
    BAD_CHECKSUM,
    DAMAGED,
    NOT_VIETQR,
    VietQR,
    crc16_ccitt_false,
    decode,
    encode,
    static_payload,
)

# NAPAS worked example from the reference.
EXAMPLE = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def signed(body: str) -> str:
    """A code with correct check digits, whatever its body says."""
    body += "6304"
    return body + crc16_ccitt_false(body)


def build(
    *,
    bin: str = "970436",
    account: str = "0011001234567",
    aid: str = "A000000727",
    service: str | None = "QRIBFTTA",
    initiation: str | None = "11",
    currency: str | None = "704",
    amount: str | None = None,
    country: str | None = "VN",
    additional: str | None = None,
    extra: str = "",
) -> str:
    merchant = tlv("00", aid) + tlv("01", tlv("00", bin) + tlv("01", account))
    if service is not None:
        merchant += tlv("02", service)
    body = tlv("00", "01")
    body += tlv("01", initiation) if initiation is not None else ""
    body += tlv("38", merchant)
    body += tlv("53", currency) if currency is not None else ""
    body += tlv("54", amount) if amount is not None else ""
    body += tlv("58", country) if country is not None else ""
    body += tlv("62", additional) if additional is not None else ""
    return signed(body + extra)


def test_crc_check_value() -> None:
    assert crc16_ccitt_false("123456789") == "29B1"
    assert crc16_ccitt_false("") == "FFFF"


def test_crc_of_the_worked_example() -> None:
    assert crc16_ccitt_false(EXAMPLE[:-4]) == "2E2E"


def test_decode_the_worked_example() -> None:
    qr = decode(EXAMPLE)
    assert qr.bin == "970403"
    assert qr.account == "0011012345678"
    assert qr.service == "QRIBFTTA"
    assert qr.amount == 180000
    assert qr.purpose == "thanh toan don hang"
    assert qr.dynamic is True
    assert qr.initiation == "12"
    assert qr.additional_data == (("01", "NPS6869"),)


def test_encode_the_worked_example() -> None:
    qr = VietQR(
        bin="970403",
        account="0011012345678",
        amount=180000,
        purpose="thanh toan don hang",
        additional_data=(("01", "NPS6869"),),
    )
    assert encode(qr) == EXAMPLE
    assert encode(decode(EXAMPLE)) == EXAMPLE


def test_decode_trims_pasted_whitespace_and_accepts_lower_case_check_digits() -> None:
    assert decode(f"  \n{EXAMPLE}\t\n") == decode(EXAMPLE)
    assert decode(EXAMPLE[:-4] + "2e2e") == decode(EXAMPLE)


def test_static_payload() -> None:
    code = static_payload("970436", "0011001234567")
    assert code.startswith("000201010211")
    qr = decode(code)
    assert qr == VietQR(bin="970436", account="0011001234567", purpose="TRO CAP AN SINH")
    assert (qr.amount, qr.dynamic, qr.initiation) == (None, False, "11")


def test_dynamic_follows_the_amount_unless_given() -> None:
    assert VietQR(bin="970436", account="1", amount=5).dynamic is True
    assert VietQR(bin="970436", account="1").dynamic is False
    assert decode(encode(VietQR(bin="970436", account="1", dynamic=True))).dynamic is True
    assert decode(build(initiation="12")).dynamic is True
    assert decode(build(initiation="11", amount="500000")).dynamic is False


def test_decode_keeps_what_the_code_says() -> None:
    code = build(
        service="QRIBFTTC",
        account="9704031234567890123",
        initiation=None,
        amount="500000",
        additional=tlv("07", "T01") + tlv("08", "TRO CAP") + tlv("01", "B1"),
    )
    qr = decode(code)
    assert qr.service == "QRIBFTTC"
    assert qr.account == "9704031234567890123"
    assert qr.amount == 500000
    assert qr.dynamic is True
    assert qr.purpose == "TRO CAP"
    assert qr.additional_data == (("01", "B1"), ("07", "T01"))


def test_decode_ignores_unknown_fields() -> None:
    code = build(extra=tlv("59", "NGUYEN VAN AN") + tlv("60", "HA NOI") + tlv("64", "0002vi"))
    assert decode(code).account == "0011001234567"


def test_decode_without_service_means_to_account() -> None:
    assert decode(build(service=None)).service == "QRIBFTTA"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste the code text from your banking app"),
        ("   \n ", "Paste the code text from your banking app"),
        ("hello world", NOT_VIETQR),
        ("https://example.com/pay?to=0011001234567", NOT_VIETQR),
        ("0011001234567", NOT_VIETQR),
        ("000201 ☃ 63041234", NOT_VIETQR),
        (EXAMPLE.replace("thanh toan", "thanh toán"), NOT_VIETQR),
        (EXAMPLE * 5, NOT_VIETQR),
        (EXAMPLE[:-1], DAMAGED),
        (EXAMPLE[:-8], DAMAGED),
        (EXAMPLE[:50], DAMAGED),
        ("000201", DAMAGED),
        (EXAMPLE[:-4] + "0000", BAD_CHECKSUM),
        (EXAMPLE[:-4] + "2E2F", BAD_CHECKSUM),
        (EXAMPLE[:-4] + "ZZZZ", BAD_CHECKSUM),
        (EXAMPLE.replace("180000", "980000"), BAD_CHECKSUM),
        (EXAMPLE + "\n" + EXAMPLE, NOT_VIETQR),
        (signed(EXAMPLE[:-8].replace("5802VN", "5803VN")), DAMAGED),
        (signed(EXAMPLE[:-8].replace("5802VN", "58AAVN")), DAMAGED),
        (signed(EXAMPLE[:-8].replace("38570010", "38990010")), DAMAGED),
        (signed(EXAMPLE[:-8].replace("5802VN", "5800")), DAMAGED),
        (signed(EXAMPLE[:-8] + "5802VN"), DAMAGED),
        (signed(EXAMPLE[:-8]) + "0000", DAMAGED),
        (build(initiation="13"), DAMAGED),
        (build(additional="0819no length"), DAMAGED),
        (signed("000201" + tlv("63", "1234")), DAMAGED),
    ],
)
def test_decode_rejects(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        decode(text)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (signed(tlv("00", "01") + tlv("53", "704") + tlv("58", "VN")), "NAPAS"),
        (build(aid="A000000999"), "NAPAS"),
        (build(currency="840"), "currency"),
        (build(currency=None), "currency"),
        (build(country="US"), "outside Viet Nam"),
        (build(country=None), "outside Viet Nam"),
        (build(bin="97043"), "BIN"),
        (build(bin="97040A"), "BIN"),
        (build(bin="9704030"), "BIN"),
        (build(account="1" * 20), "1 to 19 digits"),
        (build(account="0011-001234"), "1 to 19 digits"),
        (build(amount="18000.50"), "whole number"),
        (build(amount="0"), "whole number"),
        (build(amount="-5"), "whole number"),
        (build(amount="12345678901234"), "whole number"),
        (build(additional=tlv("08", "x" * 26)), "at most %(max)d characters"),
        (build(service="QRPUSH"), "transfer to a bank account or card"),
    ],
)
def test_decode_explains_what_is_wrong(code: str, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        decode(code)
    assert words in raised.value.message


def test_decode_rejects_a_missing_beneficiary() -> None:
    merchant = tlv("00", "A000000727") + tlv("02", "QRIBFTTA")
    code = signed(tlv("00", "01") + tlv("38", merchant) + tlv("53", "704") + tlv("58", "VN"))
    with pytest.raises(ValidationError):
        decode(code)


@pytest.mark.parametrize(
    "fields",
    [
        {"bin": "97043"},
        {"account": ""},
        {"account": "1" * 20},
        {"service": "QRPUSH"},
        {"amount": 0},
        {"amount": True},
        {"amount": 10**13},
        {"purpose": "x" * 26},
        {"purpose": "thanh toán"},
        {"additional_data": (("08", "twice"),)},
        {"additional_data": (("01", "a"), ("01", "b"))},
        {"additional_data": (("1", "a"),)},
        {"additional_data": (("01", "a" * 60), ("02", "b" * 60))},
    ],
)
def test_vietqr_rejects_values_it_cannot_encode(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        VietQR(**{"bin": "970436", "account": "0011001234567", **fields})  # type: ignore[arg-type]


def test_empty_purpose_means_none() -> None:
    assert VietQR(bin="970436", account="1", purpose="").purpose is None


# --- Properties ---

ASCII_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1)

VIETQR_VALUES = st.builds(
    VietQR,
    bin=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[0-9]{1,19}", fullmatch=True),
    service=st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
    amount=st.none() | st.integers(1, 10**13 - 1),
    purpose=st.none() | ASCII_TEXT.filter(lambda text: len(text) <= 25),
    dynamic=st.none() | st.booleans(),
    additional_data=st.lists(
        st.tuples(
            st.from_regex(r"[0-9]{2}", fullmatch=True).filter(lambda tag: tag != "08"),
            ASCII_TEXT.filter(lambda text: len(text) <= 20),
        ),
        max_size=2,
        unique_by=lambda field: field[0],
    ).map(tuple),
)


@given(VIETQR_VALUES)
def test_decode_encode_round_trip(qr: VietQR) -> None:
    code = encode(qr)
    assert decode(code) == qr
    assert encode(decode(code)) == code


@given(st.text())
def test_decode_only_raises_validation_error_on_any_text(text: str) -> None:
    try:
        decode(text)
    except ValidationError:
        pass


@given(st.text(alphabet="0123456789ABCDEFVNQRIT ", max_size=200))
def test_decode_only_raises_validation_error_past_the_check_digits(body: str) -> None:
    try:
        decode(signed("000201" + body))
    except ValidationError:
        pass


@given(VIETQR_VALUES, st.data())
def test_mutated_code_only_raises_validation_error(qr: VietQR, data: st.DataObject) -> None:
    code = encode(qr)[:-8]
    position = data.draw(st.integers(0, len(code) - 1))
    replacement = data.draw(st.text(alphabet="0123456789AZ", max_size=3))
    mutated = signed(code[:position] + replacement + code[position + 1 :])
    try:
        decode(mutated)
    except ValidationError:
        pass
