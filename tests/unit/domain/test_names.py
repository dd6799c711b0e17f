from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.names import name_tokens, names_match, normalize_name

MATCHING = [
    ("NGUYEN VAN AN", "Nguyễn Văn An"),
    ("An Nguyen Van", "Nguyễn Văn An"),
    ("Nguyễn Văn Ân", "NGUYEN VAN AN"),
    ("nguyễn văn an", "NGUYỄN VĂN AN"),
    ("Trần Thị Đào", "TRAN THI DAO"),
    ("đỗ đức đạt", "DO DUC DAT"),
    ("ĐẶNG THÙY TRÂM", "Dang Thuy Tram"),
    ("  Lê   Thị  Hồng  ", "LE THI HONG"),
    ("Phạm\tMinh\nTuấn", "pham minh tuan"),
    ("Bùi Thị Xuân", "Xuân Bùi Thị"),
    ("Nguyễn Thị Ngọc Ánh", "NGUYEN THI NGOC ANH"),
    ("Võ Thị Sáu", "VO THI SAU"),
    ("Lý Thường Kiệt", "LY THUONG KIET"),
    ("Dương Văn Minh", "Duong Van Minh"),
    ("Huỳnh Tấn Phát", "HUYNH TAN PHAT"),
    ("Ưng Hoàng Phúc", "UNG HOANG PHUC"),
    ("Nguye\u0302\u0303n Va\u0306n An", "Nguyễn Văn An"),  # decomposed input
    ("Ngô Bả\u200bo Châu", "NGO BAO CHAU"),  # zero-width space pasted inside a word
    ("Hồ\u00a0Xuân Hương", "HO XUAN HUONG"),  # no-break space
    ("Tôn Nữ Thị Ninh", "Ton Nu Thi Ninh"),
]

NOT_MATCHING = [
    ("Nguyễn Văn A", "Nguyễn Văn An"),
    ("Nguyễn Văn An", "Nguyễn Văn Anh"),
    ("Nguyễn Văn An", "Nguyễn An"),
    ("Nguyễn Văn An", "Nguyễn Văn An An"),
    ("NGUYEN VAN AN", "NGUYEN VANAN"),
    ("Trần Thị Đào", "Trần Thị Đạo Đào"),
    ("Đặng", "Dang Dang"),
    ("Lê Văn Tám", "Lê Văn Tâm Hai"),
    ("Phạm Minh Tuấn", "Phạm Minh Tuân Anh"),
    ("Hoàng Thái", "Hoàng Thanh"),
    ("", ""),
    ("", "Nguyễn Văn An"),
    ("Nguyễn Văn An", ""),
    ("   ", "   "),
    ("\u200b", "\u200b"),
]


@pytest.mark.parametrize(("a", "b"), MATCHING)
def test_names_match(a: str, b: str) -> None:
    assert names_match(a, b)
    assert names_match(b, a)


@pytest.mark.parametrize(("a", "b"), NOT_MATCHING)
def test_names_do_not_match(a: str, b: str) -> None:
    assert not names_match(a, b)
    assert not names_match(b, a)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  nguyễn   văn  ân ", "NGUYEN VAN AN"),
        ("Đỗ Đức", "DO DUC"),
        ("đinh bộ lĩnh", "DINH BO LINH"),
        ("Ưng Ơn", "UNG ON"),
        ("", ""),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


def test_name_tokens_are_sorted() -> None:
    assert name_tokens("Nguyễn Văn An") == ["AN", "NGUYEN", "VAN"]
    assert name_tokens("   ") == []


@given(st.lists(st.text(min_size=1, max_size=8), max_size=4), st.randoms())
def test_word_order_never_matters(words: list[str], random: Random) -> None:
    shuffled = list(words)
    random.shuffle(shuffled)
    assert names_match(" ".join(words), " ".join(shuffled)) == bool(name_tokens(" ".join(words)))


@given(st.text(), st.text())
def test_matching_is_symmetric(a: str, b: str) -> None:
    assert names_match(a, b) == names_match(b, a)
