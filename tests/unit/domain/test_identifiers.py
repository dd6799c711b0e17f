from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationError
from domain.identifiers import (
    PROVINCE_CODES,
    IdNumberFacts,
    Sex,
    carrier_of,
    format_fa,
    id_number_matches,
    make_id_number,
    mask_account,
    mask_id_number,
    mask_phone,
    normalize_account_number,
    normalize_id_number,
    normalize_phone,
    parse_fa,
    parse_id_number,
    to_e164,
)
from domain.providers import (
    Provider,
    ProviderKind,
    all_providers,
    provider,
    providers_of_kind,
)

ENTER_ID = "Enter your personal ID number: 12 digits"
NOT_A_PROVINCE = "The first 3 digits are not a province code. Check the number on your ID card"
ENTER_PHONE = "Enter a mobile phone number: 10 digits starting with 0"

# --- Personal ID numbers ---


@pytest.mark.parametrize(
    "text",
    [
        "087084000999",
        "087 084 000 999",
        "087.084.000.999",
        "087-084-000-999",
        "  087084000999\n",
    ],
)
def test_normalize_id_number_strips_separators(text: str) -> None:
    assert normalize_id_number(text) == "087084000999"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "08708400099",
        "0870840009999",
        "08708400099a",
        "O87084000999",
        "087084000999x",
        "+87084000999",
        "087_084_000_999",
        "０８７０８４０００９９９",  # full-width digits
        "٠٨٧٠٨٤٠٠٠٩٩٩",  # Arabic-Indic digits
    ],
)
def test_normalize_id_number_wants_12_digits(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_id_number(text)
    assert raised.value.message == ENTER_ID


@pytest.mark.parametrize("text", ["000084000999", "003084000999", "097084000999", "999084000999"])
def test_normalize_id_number_wants_a_province_code(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_id_number(text)
    assert raised.value.message == NOT_A_PROVINCE


def test_province_codes() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)


@pytest.mark.parametrize(
    ("number", "facts"),
    [
        ("087084000999", IdNumberFacts("087", "Đồng Tháp", "male", 1984)),
        ("001199000123", IdNumberFacts("001", "Hà Nội", "female", 1999)),
        ("079200000001", IdNumberFacts("079", "Hồ Chí Minh", "male", 2000)),
        ("096305123456", IdNumberFacts("096", "Cà Mau", "female", 2005)),
        ("048401000000", IdNumberFacts("048", "Đà Nẵng", "male", 2101)),
        ("048599000000", IdNumberFacts("048", "Đà Nẵng", "female", 2199)),
    ],
)
def test_parse_id_number(number: str, facts: IdNumberFacts) -> None:
    assert parse_id_number(number) == facts


@pytest.mark.parametrize(
    ("number", "birth_date", "sex", "expected"),
    [
        ("087084000999", date(1984, 7, 1), "male", True),
        ("087 084 000 999", date(1984, 7, 1), "male", True),
        ("087084000999", date(1984, 7, 1), "female", False),
        ("087084000999", date(1985, 7, 1), "male", False),
        ("087084000999", date(2084, 7, 1), "male", False),
        ("087184000999", date(1984, 7, 1), "female", True),
        ("087284000999", date(2084, 7, 1), "male", True),
        ("087305000999", date(2005, 1, 31), "female", True),
        ("087305000999", date(1905, 1, 31), "female", False),
        ("not a number", date(1984, 7, 1), "male", False),
        ("003084000999", date(1984, 7, 1), "male", False),
    ],
)
def test_id_number_matches(number: str, birth_date: date, sex: Sex, expected: bool) -> None:
    assert id_number_matches(number, birth_date, sex) is expected


def test_make_id_number() -> None:
    assert make_id_number("087", 1984, "male", 999) == "087084000999"
    assert make_id_number("001", 2005, "female", 123456) == "001305123456"
    for bad in [("003", 1984, "male", 1), ("001", 1899, "male", 1), ("001", 1984, "x", 1)]:
        with pytest.raises(ValueError):
            make_id_number(*bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        make_id_number("001", 1984, "male", 1_000_000)


@given(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(1900, 2399),
    st.sampled_from(["male", "female"]),
    st.integers(0, 999_999),
)
def test_make_id_number_round_trips(province: str, year: int, sex: Sex, serial: int) -> None:
    number = make_id_number(province, year, sex, serial)
    assert normalize_id_number(number) == number
    facts = parse_id_number(number)
    assert (facts.province_code, facts.birth_year, facts.sex) == (province, year, sex)
    assert id_number_matches(number, date(year, 6, 15), sex)


def test_mask_id_number() -> None:
    assert mask_id_number("087084000999") == "••••••••0999"
    assert mask_id_number("0999") == "••••"


# --- Mobile numbers ---


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84912345678",
        "+84 912 345 678",
        "(+84) 912 345 678",
        "84912345678",
        "0084912345678",
        " 0912345678 ",
        "912345678",
    ],
)
def test_normalize_phone(text: str) -> None:
    assert normalize_phone(text) == "0912345678"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "091234567",
        "09123456789",
        "02438251234",  # Hà Nội landline
        "+14155552671",
        "0912ABC678",
        "0912345678 ext 5",
        "1900 1234",
        "+",
        "0000000000",
        "0112345678",
        "0912345678" * 5,
        "０９１２３４５６７８",  # full-width digits
    ],
)
def test_normalize_phone_rejects(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_phone(text)
    assert raised.value.message == ENTER_PHONE


@pytest.mark.parametrize(
    ("phone", "carrier"),
    [
        ("0321234567", "viettel"),
        ("0391234567", "viettel"),
        ("0861234567", "viettel"),
        ("0961234567", "viettel"),
        ("0981234567", "viettel"),
        ("0812345678", "vinaphone"),
        ("0851234567", "vinaphone"),
        ("0881234567", "vinaphone"),
        ("0912345678", "vinaphone"),
        ("0941234567", "vinaphone"),
        ("0701234567", "mobifone"),
        ("0761234567", "mobifone"),
        ("0791234567", "mobifone"),
        ("0896123456", "mobifone"),
        ("0901234567", "mobifone"),
        ("0931234567", "mobifone"),
        ("0522123456", "vietnamobile"),
        ("0561234567", "vietnamobile"),
        ("0581234567", "vietnamobile"),
        ("0921234567", "vietnamobile"),
        ("0591234567", "gmobile"),
        ("0991234567", "gmobile"),
        ("0871234567", "itel"),
        ("+84 87 123 4567", "itel"),
    ],
)
def test_carrier_of(phone: str, carrier: str) -> None:
    assert carrier_of(phone) == carrier


@pytest.mark.parametrize("phone", ["", "not a phone", "02438251234"])
def test_carrier_of_invalid_number(phone: str) -> None:
    assert carrier_of(phone) is None


def test_mask_phone_and_e164() -> None:
    assert mask_phone("0912345678") == "091•••5678"
    assert mask_phone("12345") == "•••••"
    assert to_e164("0912 345 678") == "+84912345678"
    with pytest.raises(ValidationError):
        to_e164("12")


# --- Account numbers ---

VIETCOMBANK = provider("970436")
TECHCOMBANK = provider("970407")


@pytest.mark.parametrize(
    "text",
    ["0011001234567", "0011 0012 3456 7", "0011.0012.34567", "0011-0012-34567", " 0011001234567 "],
)
def test_normalize_account_number_strips_separators(text: str) -> None:
    assert normalize_account_number(text, VIETCOMBANK) == "0011001234567"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the account number"),
        (" - ", "Enter the account number"),
        ("0011O01234567", "Enter the account number using digits only"),
        ("0011_001234567", "Enter the account number using digits only"),
        ("+0011001234567", "Enter the account number using digits only"),
        ("００１１００１２３４５６７", "Enter the account number using digits only"),
    ],
)
def test_normalize_account_number_wants_digits(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_account_number(text, VIETCOMBANK)
    assert raised.value.message == message


@pytest.mark.parametrize("text", ["123456789", "123456789012345"])
def test_normalize_account_number_checks_length_per_bank(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_account_number(text, VIETCOMBANK)
    assert raised.value.params == {"bank": "Vietcombank", "shortest": 10, "longest": 14}
    assert str(raised.value) == (
        "A Vietcombank account number has 10 to 14 digits. Check it and try again"
    )


def test_normalize_account_number_lengths() -> None:
    assert normalize_account_number("1234567890", VIETCOMBANK) == "1234567890"
    assert normalize_account_number("12345678901234", VIETCOMBANK) == "12345678901234"
    assert normalize_account_number("1" * 19, TECHCOMBANK) == "1" * 19


@pytest.mark.parametrize("bank", providers_of_kind("bank"), ids=lambda bank: bank.short_name)
def test_no_bank_accepts_more_than_19_digits(bank: Provider) -> None:
    with pytest.raises(ValidationError):
        normalize_account_number("1" * 20, bank)


def test_phone_providers_use_the_mobile_number() -> None:
    assert normalize_account_number("+84 912 345 678", provider("momo")) == "0912345678"
    assert normalize_account_number("0912345678", provider("vnptmoney")) == "0912345678"
    with pytest.raises(ValidationError) as raised:
        normalize_account_number("0011001234567", provider("viettelmoney"))
    assert raised.value.message == ENTER_PHONE


def test_mask_account() -> None:
    assert mask_account("0011001234567") == "•••• 4567"
    assert mask_account("123") == "••••"


# --- Financial-address strings ---


@pytest.mark.parametrize(
    ("kind", "code", "number", "expected"),
    [
        ("bank", "970436", "0011001234567", "account:0011001234567@970436"),
        ("bank", "970436", "0011 0012 34567", "account:0011001234567@970436"),
        ("mobile_money", "vnptmoney", "0912345678", "mobile:0912345678@vnptmoney"),
        ("mobile_money", "viettelmoney", "+84961234567", "mobile:0961234567@viettelmoney"),
        ("ewallet", "momo", "0912 345 678", "mobile:0912345678@momo"),
    ],
)
def test_format_and_parse_fa(kind: ProviderKind, code: str, number: str, expected: str) -> None:
    text = format_fa(kind, code, number)
    assert text == expected
    assert parse_fa(text) == (kind, code, normalize_account_number(number, provider(code)))


def test_parse_fa_fields() -> None:
    parts = parse_fa("mobile:0912345678@momo")
    assert (parts.kind, parts.provider_code, parts.number) == ("ewallet", "momo", "0912345678")


def test_format_fa_rejects_a_kind_that_does_not_fit() -> None:
    with pytest.raises(ValueError):
        format_fa("ewallet", "970436", "0011001234567")
    with pytest.raises(ValueError):
        format_fa("bank", "nope", "0011001234567")
    with pytest.raises(ValidationError):
        format_fa("bank", "970436", "12")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "account:0011001234567",
        "account:0011001234567@",
        "account:@970436",
        "account:0011001234567@999999",
        "account:0011001234567@970436@970436",
        "mobile:0011001234567@970436",
        "account:0912345678@momo",
        "account:abc@970436",
        "account:001@970436",
        "mobile:0912345678@MOMO",
        "mobile:84912345678@momo",
        "mobile:0912 345 678@momo",
        "iban:0011001234567@970436",
        "account:00110012345678901234@970436",
    ],
)
def test_parse_fa_rejects(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_fa(text)


# --- Arbitrary text never raises anything but ValidationError ---

DIGITISH = st.text(alphabet="0123456789 +-.()@:abcdefghijklmnopqrstuvwxyz\u00a0", max_size=40)


@given(st.one_of(st.text(), DIGITISH))
def test_normalize_id_number_only_raises_validation_error(text: str) -> None:
    try:
        number = normalize_id_number(text)
    except ValidationError:
        return
    assert normalize_id_number(number) == number
    parse_id_number(number)


@given(st.one_of(st.text(), DIGITISH))
def test_normalize_phone_only_raises_validation_error(text: str) -> None:
    try:
        phone = normalize_phone(text)
    except ValidationError:
        return
    assert len(phone) == 10 and phone.startswith("0") and phone.isdigit()
    assert normalize_phone(phone) == phone


@given(st.one_of(st.text(), DIGITISH), st.sampled_from(all_providers()))
def test_normalize_account_number_only_raises_validation_error(text: str, bank: Provider) -> None:
    try:
        number = normalize_account_number(text, bank)
    except ValidationError:
        return
    assert number.isascii() and number.isdigit() and len(number) <= 19


@given(st.one_of(st.text(), DIGITISH))
def test_parse_fa_only_raises_validation_error(text: str) -> None:
    try:
        parts = parse_fa(text)
    except ValidationError:
        return
    assert format_fa(*parts) == text.strip()
