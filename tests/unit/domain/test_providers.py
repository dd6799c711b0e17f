import pytest

from domain.providers import (
    MAX_ACCOUNT_LENGTH,
    all_providers,
    bank_by_bin,
    find_provider,
    provider,
    provider_by_bin,
    providers_of_kind,
    search_banks,
)

REFERENCE_BANKS = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970416": "ACB",
    "970422": "MB",
    "970432": "VPBank",
    "970403": "Sacombank",
    "970423": "TPBank",
    "970449": "LPBank",
    "970443": "SHB",
    "970437": "HDBank",
    "970441": "VIB",
    "970440": "SeABank",
    "970454": "BVBank",
    "970431": "Eximbank",
    "970426": "MSB",
    "546034": "CAKE",
    "546035": "Ubank",
    "963388": "Timo",
}


def test_every_reference_bank_is_listed_under_its_bin() -> None:
    banks = providers_of_kind("bank")
    assert {bank.bin: bank.short_name for bank in banks} == REFERENCE_BANKS
    assert all(bank.code == bank.bin and bank.carrier is None for bank in banks)


def test_ewallets() -> None:
    wallets = providers_of_kind("ewallet")
    assert [p.code for p in wallets] == ["momo", "shopeepay", "vnpay", "zalopay"]
    assert all(p.bin is None and p.carrier is None for p in wallets)


@pytest.mark.parametrize(
    ("code", "bin", "carrier"),
    [
        ("viettelmoney", "971005", "viettel"),
        ("vnptmoney", "971011", "vinaphone"),
        ("mobifonemoney", None, "mobifone"),
    ],
)
def test_mobile_money(code: str, bin: str | None, carrier: str) -> None:
    service = provider(code)
    assert service.kind == "mobile_money"
    assert service.bin == bin
    assert service.carrier == carrier


def test_account_lengths_are_sane() -> None:
    for each in all_providers():
        assert each.account_lengths, each.code
        assert max(each.account_lengths) <= MAX_ACCOUNT_LENGTH, each.code
        assert min(each.account_lengths) >= 6, each.code
        assert each.full_name and each.short_name


def test_vietcombank_details() -> None:
    vcb = provider("970436")
    assert vcb.full_name == "Ngân hàng TMCP Ngoại thương Việt Nam"
    assert vcb.account_lengths == (10, 11, 12, 13, 14)
    assert vcb.accepting_payments


def test_codes_are_unique() -> None:
    codes = [p.code for p in all_providers()]
    assert len(codes) == len(set(codes)) == 28


def test_lookup() -> None:
    assert provider("momo").short_name == "MoMo"
    assert find_provider("momo") is provider("momo")
    assert find_provider("nope") is None
    with pytest.raises(KeyError):
        provider("nope")


def test_providers_of_kind_is_sorted_by_short_name() -> None:
    for kind in ("bank", "ewallet", "mobile_money"):
        names = [p.short_name.casefold() for p in providers_of_kind(kind)]
        assert names == sorted(names)
    with pytest.raises(ValueError):
        providers_of_kind("bakery")  # type: ignore[arg-type]


def test_bank_by_bin() -> None:
    assert bank_by_bin("970436") is provider("970436")
    assert bank_by_bin("999999") is None
    assert bank_by_bin("971005") is None
    assert provider_by_bin("971005") is provider("viettelmoney")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("ngoai thuong", "Vietcombank"),
        ("NGOẠI THƯƠNG", "Vietcombank"),
        ("Ngoại thương Việt Nam", "Vietcombank"),
        ("vcb", "Vietcombank"),
        ("vietcom", "Vietcombank"),
        ("vietin", "VietinBank"),
        ("Quân Đội", "MB"),
        ("mb bank", "MB"),
        ("mb", "MB"),
        ("970403", "Sacombank"),
        ("thuong tin sai gon", "Sacombank"),
        ("hàng hải", "MSB"),
        ("nong nghiep", "Agribank"),
        ("  techcombank  ", "Techcombank"),
        ("Timo", "Timo"),
    ],
)
def test_search_banks(query: str, first: str) -> None:
    found = search_banks(query)
    assert found
    assert found[0].short_name == first


def test_search_banks_empty_query_returns_all_banks() -> None:
    assert search_banks("") == providers_of_kind("bank")
    assert search_banks("   ") == providers_of_kind("bank")


@pytest.mark.parametrize("query", ["zzz", "momo", "viettel money", "123456789"])
def test_search_banks_without_match(query: str) -> None:
    assert search_banks(query) == []


def test_search_banks_matches_every_word() -> None:
    assert [p.short_name for p in search_banks("sai gon")] == ["Sacombank", "SHB"]
