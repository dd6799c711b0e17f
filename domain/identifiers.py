"""Personal ID numbers, mobile numbers, account numbers and financial-address strings."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

import phonenumbers

from domain.errors import N_, ValidationError
from domain.providers import MAX_ACCOUNT_LENGTH, Provider, ProviderKind, find_provider

Sex = Literal["male", "female"]

MASK = "•"
_SEPARATORS = re.compile(r"[\s.\-]+")

# Birth-registration province codes, Circular 07/2016/TT-BCA; they stay valid after the 2025 merger.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


# --- Personal ID number (số định danh cá nhân) ---


@dataclass(frozen=True)
class IdNumberFacts:
    province_code: str
    province_name: str
    sex: Sex
    birth_year: int


def normalize_id_number(text: str) -> str:
    """The 12-digit personal ID number, without the spaces, dots or dashes people type."""
    number = _SEPARATORS.sub("", text)
    if not re.fullmatch(r"[0-9]{12}", number):
        raise ValidationError(N_("Enter your personal ID number: 12 digits"))
    if number[:3] not in PROVINCE_CODES:
        raise ValidationError(
            N_("The first 3 digits are not a province code. Check the number on your ID card")
        )
    return number


def parse_id_number(id_number: str) -> IdNumberFacts:
    """Province, sex and birth year encoded in a personal ID number."""
    number = normalize_id_number(id_number)
    # The 4th digit counts centuries from 1900, two per century: even for men, odd for women.
    century_and_sex = int(number[3])
    return IdNumberFacts(
        province_code=number[:3],
        province_name=PROVINCE_CODES[number[:3]],
        sex="female" if century_and_sex % 2 else "male",
        birth_year=1900 + 100 * (century_and_sex // 2) + int(number[4:6]),
    )


def id_number_matches(id_number: str, birth_date: date, sex: Sex) -> bool:
    """Whether the ID number's century-and-sex digit and year digits agree with the registry."""
    if sex not in ("male", "female"):
        raise ValueError(f"unknown sex {sex!r}")
    try:
        facts = parse_id_number(id_number)
    except ValidationError:
        return False
    return facts.birth_year == birth_date.year and facts.sex == sex


def make_id_number(province_code: str, birth_year: int, sex: Sex, serial: int) -> str:
    """A well-formed ID number for demo data; `serial` fills the last 6 digits."""
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    if not 1900 <= birth_year <= 2399:
        raise ValueError(f"birth year {birth_year} cannot be encoded")
    if sex not in ("male", "female"):
        raise ValueError(f"unknown sex {sex!r}")
    if not 0 <= serial <= 999_999:
        raise ValueError(f"serial {serial} is not 0–999999")
    century_and_sex = 2 * ((birth_year - 1900) // 100) + (sex == "female")
    return f"{province_code}{century_and_sex}{birth_year % 100:02d}{serial:06d}"


def mask_id_number(id_number: str) -> str:
    """Only the last 4 digits: "••••••••0999"."""
    return _mask(id_number, keep_start=0, keep_end=4)


def _mask(text: str, *, keep_start: int, keep_end: int) -> str:
    if len(text) <= keep_start + keep_end:
        return MASK * len(text)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + MASK * hidden + text[len(text) - keep_end :]


# --- Mobile numbers ---

# Prefixes as allocated; a number ported to another carrier keeps its prefix.
CARRIER_PREFIXES: dict[str, str] = {
    **dict.fromkeys(
        ["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098"],
        "viettel",
    ),
    **dict.fromkeys(["081", "082", "083", "084", "085", "088", "091", "094"], "vinaphone"),
    **dict.fromkeys(["070", "076", "077", "078", "079", "089", "090", "093"], "mobifone"),
    **dict.fromkeys(["052", "056", "058", "092"], "vietnamobile"),
    **dict.fromkeys(["059", "099"], "gmobile"),
    "087": "itel",
}

_PHONE_CHARS = re.compile(r"\+?[0-9]{1,17}")


def normalize_phone(text: str) -> str:
    """A Vietnamese mobile number in national form, "0912345678".

    Accepts "0912 345 678", "+84 912 345 678", "84912345678" and similar.
    """
    invalid = ValidationError(N_("Enter a mobile phone number: 10 digits starting with 0"))
    compact = re.sub(r"[\s.\-()]+", "", text)
    # Letters would otherwise be read as keypad digits by phonenumbers.
    if not _PHONE_CHARS.fullmatch(compact):
        raise invalid
    try:
        parsed = phonenumbers.parse(compact, "VN")
    except phonenumbers.NumberParseException:
        raise invalid from None
    if (
        parsed.country_code != 84
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise invalid
    national = f"0{parsed.national_number}"
    if len(national) != 10:
        raise invalid
    return national


def carrier_of(phone: str) -> str | None:
    """The carrier that was allocated the number's prefix, or None if unknown or invalid."""
    try:
        national = normalize_phone(phone)
    except ValidationError:
        return None
    return CARRIER_PREFIXES.get(national[:3])


def to_e164(phone: str) -> str:
    """The international form, +84912345678, of any accepted form of a mobile number."""
    return "+84" + normalize_phone(phone)[1:]


def mask_phone(phone: str) -> str:
    """The first 3 and last 4 digits: "091•••5678"."""
    return _mask(phone, keep_start=3, keep_end=4)


# --- Account numbers ---


def normalize_account_number(text: str, provider: Provider) -> str:
    """The account number at this provider: digits only, of a length the provider issues.

    E-wallets and mobile money are addressed by the owner's mobile number.
    """
    if provider.kind != "bank":
        return normalize_phone(text)
    number = _SEPARATORS.sub("", text)
    if not number:
        raise ValidationError(N_("Enter the account number"))
    if not re.fullmatch(r"[0-9]+", number):
        raise ValidationError(N_("Enter the account number using digits only"))
    if len(number) > MAX_ACCOUNT_LENGTH or len(number) not in provider.account_lengths:
        shortest = min(provider.account_lengths)
        longest = min(max(provider.account_lengths), MAX_ACCOUNT_LENGTH)
        if shortest == longest:
            raise ValidationError(
                N_("A %(bank)s account number has %(count)d digits. Check it and try again"),
                bank=provider.short_name,
                count=shortest,
            )
        raise ValidationError(
            N_(
                "A %(bank)s account number has %(shortest)d to %(longest)d digits. "
                "Check it and try again"
            ),
            bank=provider.short_name,
            shortest=shortest,
            longest=longest,
        )
    return number


def mask_account(number: str) -> str:
    """Only the last 4 digits: "•••• 4567"."""
    if len(number) <= 4:
        return MASK * 4
    return f"{MASK * 4} {number[-4:]}"


# --- Financial-address strings ---


class FinancialAddressParts(NamedTuple):
    kind: ProviderKind
    provider_code: str
    number: str


_FA_PATTERN = re.compile(r"(account|mobile):([0-9]{1,19})@([a-z0-9]{1,20})")


def format_fa(kind: ProviderKind, provider_code: str, number: str) -> str:
    """The address string: account:0011001234567@970436 for a bank (its code is the BIN),
    mobile:0912345678@momo for an e-wallet or mobile money.

    Raises ValueError for an unknown provider or a kind that does not match it, and
    ValidationError if the number is not valid at that provider.
    """
    found = find_provider(provider_code)
    if found is None or found.kind != kind:
        raise ValueError(f"no {kind} provider with code {provider_code!r}")
    canonical = normalize_account_number(number, found)
    scheme = "account" if kind == "bank" else "mobile"
    return f"{scheme}:{canonical}@{found.code}"


def parse_fa(text: str) -> FinancialAddressParts:
    """(kind, provider code, number) from a string made by `format_fa`."""
    invalid = ValidationError(N_("This payment address is not valid. Choose the account again"))
    match = _FA_PATTERN.fullmatch(text.strip())
    if match is None:
        raise invalid
    scheme, number, code = match.groups()
    found = find_provider(code)
    if found is None or (scheme == "account") != (found.kind == "bank"):
        raise invalid
    try:
        canonical = normalize_account_number(number, found)
    except ValidationError:
        raise invalid from None
    if canonical != number:
        raise invalid
    return FinancialAddressParts(found.kind, found.code, number)
