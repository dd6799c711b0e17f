"""Where a benefit can be paid: banks, e-wallets and mobile-money services.

One table, changed here and nowhere else. Account-number lengths are deliberately lenient
(vanity and phone-number accounts are common); verify against each bank before tightening.
"""

from dataclasses import dataclass
from typing import Literal

from domain.names import normalize_name

ProviderKind = Literal["bank", "ewallet", "mobile_money"]
Carrier = Literal["viettel", "vinaphone", "mobifone"]

PROVIDER_KINDS: tuple[ProviderKind, ...] = ("bank", "ewallet", "mobile_money")
MAX_ACCOUNT_LENGTH = 19  # VietQR beneficiary field limit
DEFAULT_ACCOUNT_LENGTHS = tuple(range(6, MAX_ACCOUNT_LENGTH + 1))
PHONE_ACCOUNT_LENGTHS = (10,)


@dataclass(frozen=True)
class Provider:
    code: str
    kind: ProviderKind
    short_name: str
    full_name: str
    bin: str | None = None
    account_lengths: tuple[int, ...] = DEFAULT_ACCOUNT_LENGTHS
    carrier: Carrier | None = None
    accepting_payments: bool = True
    aliases: tuple[str, ...] = ()


_VPBANK = "Ngân hàng TMCP Việt Nam Thịnh Vượng"

# BIN, short name, full legal name, shortest and longest account number, other names people use.
_BANKS: tuple[tuple[str, str, str, int, int, tuple[str, ...]], ...] = (
    ("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam", 10, 14, ("VCB",)),
    ("970415", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam", 10, 14, ("CTG", "ICB")),
    ("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", 8, 14, ()),
    ("970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", 12, 15, ()),
    ("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam", 6, 19, ("TCB",)),
    ("970416", "ACB", "Ngân hàng TMCP Á Châu", 6, 14, ()),
    ("970422", "MB", "Ngân hàng TMCP Quân đội", 6, 19, ("MBBank", "Military Bank")),
    ("970432", "VPBank", _VPBANK, 6, 19, ()),
    ("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín", 10, 14, ("STB",)),
    ("970423", "TPBank", "Ngân hàng TMCP Tiên Phong", 8, 14, ()),
    ("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam", 9, 14, ("LienVietPostBank",)),
    ("970443", "SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội", 9, 14, ()),
    ("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh", 9, 16, ()),
    ("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam", 6, 19, ()),
    ("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á", 9, 16, ()),
    ("970454", "BVBank", "Ngân hàng TMCP Bản Việt", 9, 15, ("Viet Capital Bank", "VCCB")),
    ("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam", 9, 16, ("EIB",)),
    ("970426", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam", 10, 16, ("Maritime Bank",)),
    ("546034", "CAKE", f"Ngân hàng số CAKE by VPBank - {_VPBANK}", 6, 19, ()),
    ("546035", "Ubank", f"Ngân hàng số Ubank by VPBank - {_VPBANK}", 6, 19, ()),
    ("963388", "Timo", "Ngân hàng số Timo by Ban Viet Bank - Ngân hàng TMCP Bản Việt", 6, 19, ()),
)

_PROVIDERS: tuple[Provider, ...] = (
    *(
        Provider(
            code=bin,
            kind="bank",
            short_name=short_name,
            full_name=full_name,
            bin=bin,
            account_lengths=tuple(range(shortest, longest + 1)),
            aliases=aliases,
        )
        for bin, short_name, full_name, shortest, longest, aliases in _BANKS
    ),
    Provider(
        code="momo",
        kind="ewallet",
        short_name="MoMo",
        full_name="Công ty Cổ phần Dịch vụ Di động Trực tuyến",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
        aliases=("M_Service",),
    ),
    Provider(
        code="zalopay",
        kind="ewallet",
        short_name="ZaloPay",
        full_name="Công ty Cổ phần Zion",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
    ),
    Provider(
        code="shopeepay",
        kind="ewallet",
        short_name="ShopeePay",
        full_name="Công ty Cổ phần ShopeePay",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
    ),
    Provider(
        code="vnpay",
        kind="ewallet",
        short_name="VNPAY",
        full_name="Công ty Cổ phần Giải pháp Thanh toán Việt Nam",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
    ),
    Provider(
        code="viettelmoney",
        kind="mobile_money",
        short_name="Viettel Money",
        full_name="Tổng Công ty Dịch vụ số Viettel",
        bin="971005",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
        carrier="viettel",
        aliases=("ViettelPay",),
    ),
    Provider(
        code="vnptmoney",
        kind="mobile_money",
        short_name="VNPT Money",
        full_name="Tập đoàn Bưu chính Viễn thông Việt Nam",
        bin="971011",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
        carrier="vinaphone",
        aliases=("VNPT Pay",),
    ),
    Provider(
        code="mobifonemoney",
        kind="mobile_money",
        short_name="MobiFone Money",
        full_name="Tổng Công ty Viễn thông MobiFone",
        account_lengths=PHONE_ACCOUNT_LENGTHS,
        carrier="mobifone",
    ),
)

_BY_CODE: dict[str, Provider] = {p.code: p for p in _PROVIDERS}
_BY_BIN: dict[str, Provider] = {p.bin: p for p in _PROVIDERS if p.bin}


def _sort_key(p: Provider) -> str:
    return p.short_name.casefold()


def all_providers() -> list[Provider]:
    """Every provider, sorted by kind (banks first) and then short name."""
    return sorted(_PROVIDERS, key=lambda p: (PROVIDER_KINDS.index(p.kind), _sort_key(p)))


def provider(code: str) -> Provider:
    """The provider with this code; KeyError if there is none."""
    return _BY_CODE[code]


def find_provider(code: str) -> Provider | None:
    return _BY_CODE.get(code)


def providers_of_kind(kind: ProviderKind) -> list[Provider]:
    if kind not in PROVIDER_KINDS:
        raise ValueError(f"unknown provider kind {kind!r}")
    return sorted((p for p in _PROVIDERS if p.kind == kind), key=_sort_key)


def provider_by_bin(bin: str) -> Provider | None:
    """The bank or mobile-money service that holds this NAPAS BIN."""
    return _BY_BIN.get(bin)


def bank_by_bin(bin: str) -> Provider | None:
    found = _BY_BIN.get(bin)
    return found if found is not None and found.kind == "bank" else None


def _searchable(p: Provider) -> tuple[str, ...]:
    return tuple(normalize_name(text) for text in (p.short_name, *p.aliases, p.full_name))


def search_banks(query: str) -> list[Provider]:
    """Banks where every word of the query starts a word of a name, alias or BIN.

    Ignores case and diacritics; exact and prefix matches on a short name or alias come first.
    """
    banks = providers_of_kind("bank")
    words = normalize_name(query).split()
    if not words:
        return banks
    joined = "".join(words)
    ranked: list[tuple[int, Provider]] = []
    for bank in banks:
        names = _searchable(bank)
        short_names = [name.replace(" ", "") for name in names[:-1]]
        haystack = " ".join((*names, bank.bin or ""))
        haystack_words = haystack.split()
        if joined in short_names:
            rank = 0
        elif any(name.startswith(joined) for name in short_names):
            rank = 1
        elif joined in haystack.replace(" ", "") or all(
            any(candidate.startswith(word) for candidate in haystack_words) for word in words
        ):
            rank = 2
        else:
            continue
        ranked.append((rank, bank))
    return [bank for _, bank in sorted(ranked, key=lambda item: (item[0], _sort_key(item[1])))]
