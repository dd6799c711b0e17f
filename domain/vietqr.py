"""VietQR: the NAPAS 247 interbank-transfer QR code (EMVCo merchant-presented format).

Every field is ID (2 digits), length (2 digits), value; the code ends with a CRC-16 field.
"""

import re
from dataclasses import dataclass

from domain.errors import N_, ValidationError

NAPAS_AID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
TO_CARD = "QRIBFTTC"
SERVICES = (TO_ACCOUNT, TO_CARD)
MAX_ACCOUNT_LENGTH = 19
MAX_PURPOSE_LENGTH = 25
MAX_AMOUNT = 10**13 - 1  # the amount field holds at most 13 characters
MAX_CODE_LENGTH = 512  # EMVCo limit for a whole payload
PURPOSE_TAG = "08"

_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
_TAG = re.compile(r"[0-9]{2}")

NOT_VIETQR = N_("This is not a VietQR code. Copy the code text from your banking app again")
DAMAGED = N_("The code is incomplete or damaged. Copy the code text from your banking app again")
BAD_CHECKSUM = N_(
    "The code is damaged: its check digits do not match. "
    "Copy the code text from your banking app again"
)


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


@dataclass(frozen=True)
class VietQR:
    """A transfer to one account or card.

    `dynamic` defaults to "has an amount"; a decoded code keeps what its field 01 says.
    `additional_data` keeps the other sub-fields of field 62 (e.g. 01 bill number), sorted by tag.
    """

    bin: str
    account: str
    service: str = TO_ACCOUNT
    amount: int | None = None
    purpose: str | None = None
    dynamic: bool | None = None
    additional_data: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.bin, str) or not re.fullmatch(r"[0-9]{6}", self.bin):
            raise ValidationError(
                N_("The code does not name a bank: its bank number (BIN) must be 6 digits")
            )
        if not isinstance(self.account, str) or not re.fullmatch(r"[0-9]{1,19}", self.account):
            raise ValidationError(N_("The account number in the code must be 1 to 19 digits"))
        if self.service not in SERVICES:
            raise ValidationError(N_("This code is not for a transfer to a bank account or card"))
        if self.amount is not None and (
            type(self.amount) is not int or not 1 <= self.amount <= MAX_AMOUNT
        ):
            raise ValidationError(N_("The amount in the code must be a whole number of dong"))
        if self.purpose == "":
            object.__setattr__(self, "purpose", None)
        if self.purpose is not None and not (
            isinstance(self.purpose, str)
            and len(self.purpose) <= MAX_PURPOSE_LENGTH
            and _PRINTABLE_ASCII.fullmatch(self.purpose)
        ):
            raise ValidationError(
                N_(
                    "The payment message in the code must be at most %(max)d characters, "
                    "without accents"
                ),
                max=MAX_PURPOSE_LENGTH,
            )
        if self.dynamic is None:
            object.__setattr__(self, "dynamic", self.amount is not None)
        additional = tuple(sorted(self.additional_data))
        tags = [tag for tag, _ in additional]
        if len(set(tags)) != len(tags) or not all(
            _TAG.fullmatch(tag)
            and tag != PURPOSE_TAG
            and len(value) <= 99
            and _PRINTABLE_ASCII.fullmatch(value)
            for tag, value in additional
        ):
            raise ValidationError(DAMAGED)
        object.__setattr__(self, "additional_data", additional)
        if len(self._additional_field()) > 99:
            raise ValidationError(DAMAGED)

    @property
    def initiation(self) -> str:
        """Field 01: "11" for a static code, "12" for a dynamic one."""
        return "12" if self.dynamic else "11"

    def _additional_field(self) -> str:
        sub_fields = list(self.additional_data)
        if self.purpose is not None:
            sub_fields.append((PURPOSE_TAG, self.purpose))
        return "".join(_tlv(tag, value) for tag, value in sorted(sub_fields))


def _tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= 99:
        raise ValueError(f"field {tag} cannot hold {len(value)} characters")
    return f"{tag}{len(value):02d}{value}"


def encode(qr: VietQR) -> str:
    """The code text to put in a QR image."""
    beneficiary = _tlv("00", qr.bin) + _tlv("01", qr.account)
    merchant = _tlv("00", NAPAS_AID) + _tlv("01", beneficiary) + _tlv("02", qr.service)
    fields = [_tlv("00", "01"), _tlv("01", qr.initiation), _tlv("38", merchant), _tlv("53", "704")]
    if qr.amount is not None:
        fields.append(_tlv("54", str(qr.amount)))
    fields.append(_tlv("58", "VN"))
    additional = qr._additional_field()
    if additional:
        fields.append(_tlv("62", additional))
    body = "".join(fields) + "6304"
    return body + crc16_ccitt_false(body)


def static_payload(bin: str, account: str, purpose: str = "TRO CAP AN SINH") -> str:
    """A static code (no amount) for transfers to this account."""
    return encode(VietQR(bin=bin, account=account, purpose=purpose))


def _parse_fields(text: str) -> dict[str, str]:
    """ID-length-value fields in order; duplicates, empty values and short reads are damage."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if not re.fullmatch(r"[0-9]{4}", header):
            raise ValidationError(DAMAGED)
        tag, length = header[:2], int(header[2:])
        value = text[position + 4 : position + 4 + length]
        if length == 0 or len(value) != length or tag in fields:
            raise ValidationError(DAMAGED)
        fields[tag] = value
        position += 4 + length
    return fields


def decode(text: str) -> VietQR:
    """The transfer a pasted VietQR code describes; ValidationError for anything else.

    Checks structure, check digits and the NAPAS fields; whether the BIN belongs to a bank the
    app knows is for the caller. Unknown fields (59 name, 60 city, …) are ignored.
    """
    code = text.strip()
    if not code:
        raise ValidationError(N_("Paste the code text from your banking app"))
    if (
        len(code) > MAX_CODE_LENGTH
        or not _PRINTABLE_ASCII.fullmatch(code)
        or not code.startswith("000201")
    ):
        raise ValidationError(NOT_VIETQR)
    if len(code) < 8 or code[-8:-4] != "6304":
        raise ValidationError(DAMAGED)
    if crc16_ccitt_false(code[:-4]) != code[-4:].upper():
        raise ValidationError(BAD_CHECKSUM)

    fields = _parse_fields(code)
    if list(fields)[-1] != "63":
        raise ValidationError(DAMAGED)
    initiation = fields.get("01")
    if initiation not in (None, "11", "12"):
        raise ValidationError(DAMAGED)

    merchant = _parse_fields(fields["38"]) if "38" in fields else {}
    if merchant.get("00") != NAPAS_AID:
        raise ValidationError(
            N_("This code is not for a NAPAS 247 transfer. Use the VietQR code of a bank account")
        )
    if "01" not in merchant:
        raise ValidationError(DAMAGED)
    beneficiary = _parse_fields(merchant["01"])
    if fields.get("53") != "704":
        raise ValidationError(
            N_("This code is for a payment in another currency. Use a code for Vietnamese dong")
        )
    if fields.get("58") != "VN":
        raise ValidationError(
            N_(
                "This code is for a payment outside Viet Nam. "
                "Use the VietQR code of a Vietnamese bank account"
            )
        )

    amount: int | None = None
    if "54" in fields:
        if not re.fullmatch(r"[0-9]{1,13}", fields["54"]):
            raise ValidationError(N_("The amount in the code must be a whole number of dong"))
        amount = int(fields["54"])

    additional = _parse_fields(fields["62"]) if "62" in fields else {}
    purpose = additional.pop(PURPOSE_TAG, None)

    return VietQR(
        bin=beneficiary.get("00", ""),
        account=beneficiary.get("01", ""),
        service=merchant.get("02", TO_ACCOUNT),
        amount=amount,
        purpose=purpose,
        dynamic=None if initiation is None else initiation == "12",
        additional_data=tuple(additional.items()),
    )
