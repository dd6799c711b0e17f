"""Comparing Vietnamese personal names as people write them."""

import unicodedata

_STROKED_D = str.maketrans({"Đ": "D", "đ": "d"})


def normalize_name(text: str) -> str:
    """Upper-case ASCII-folded name with single spaces: "Nguyễn  văn Ân" → "NGUYEN VAN AN"."""
    decomposed = unicodedata.normalize("NFD", text).translate(_STROKED_D)
    # Format characters (zero-width spaces and joiners) slip in when names are pasted.
    kept = "".join(
        char
        for char in decomposed
        if not unicodedata.combining(char) and unicodedata.category(char) != "Cf"
    )
    return " ".join(kept.upper().split())


def name_tokens(text: str) -> list[str]:
    """The words of a normalised name, sorted, so that word order does not matter."""
    return sorted(normalize_name(text).split())


def names_match(a: str, b: str) -> bool:
    """Whether two names have the same words, ignoring diacritics, case, spacing and order."""
    tokens_a = name_tokens(a)
    return bool(tokens_a) and tokens_a == name_tokens(b)
