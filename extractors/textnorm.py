"""Text normalization shared by every extractor.

Output values keep their diacritics (NFC). `fold` builds matching keys only: it strips diacritics
(unidecode), lower-cases and collapses spaces, so that "Số", "So", "Sb" and "SỐ" compare as keys.
"""
from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_WS = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str | None:
    """NFC, whitespace runs collapsed to one space, trimmed; None stays None, "" becomes None."""
    if text is None:
        return None
    out = _WS.sub(" ", nfc(text)).strip()
    return out or None


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Matching key: no diacritics, lower case, single spaces. Đ/đ fold to d."""
    return _WS.sub(" ", unidecode(nfc(text)).lower()).strip()


def strip_trailing_punct(text: str, chars: str = ".:;,") -> str:
    return text.rstrip().rstrip(chars).rstrip()


def is_upper_text(text: str) -> bool:
    """True when the letters of `text` are upper case (a heading like 'KẾT QUẢ THỰC HIỆN')."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def starts_lower(text: str) -> bool:
    for c in text.lstrip():
        if c.isalpha():
            return c.islower()
        if c.isdigit():
            return False
        if c in "-+•*":
            return False
    return False
