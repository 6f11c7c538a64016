"""One keyword matcher for every extractor: diacritic-folded keys, rapidfuzz for OCR damage.

"KE HOACH", "Ké hoach", "KẾ HOẠCH" all match the vocabulary word "KẾ HOẠCH"; a prefix match tells
where the keyword ends in the original text so callers can slice the raw string.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from rapidfuzz import fuzz
from unidecode import unidecode

from extractors.textnorm import fold, nfc

# OCR (English model) confusions seen in folded keys: digits and symbols standing for letters.
_OCR_KEY_FIXES = (
    (re.compile(r"(?<=[a-z])6(?=[a-z\s:]|$)"), "o"),   # "s6" -> "so"
    (re.compile(r"(?<=[a-z])1(?=[a-z])"), "l"),        # "1ap" inside words
    (re.compile(r"\bsb(?=\s*:)"), "so"),               # "Sb:" -> "So:"
    (re.compile(r"€"), "e"),                           # "1€" -> "le" after the next fix
)


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """Folded matching key of `text` (no diacritics, lower case, single spaces)."""
    k = fold(text)
    for pattern, repl in _OCR_KEY_FIXES:
        k = pattern.sub(repl, k)
    return k


def char_keys(text: str) -> list[str]:
    """Folded form of each character of `text` (same length as text), for mapping spans back."""
    return [unidecode(nfc(c)).lower() or " " for c in text]


def fuzzy_equal(a: str, b: str, threshold: float = 85.0) -> bool:
    ka, kb = key(a), key(b)
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < 4:
        return False
    return fuzz.ratio(ka, kb) >= threshold


def best_match(text: str, vocabulary: Iterable[str], threshold: float = 85.0) -> Optional[str]:
    """The vocabulary word `text` is (whole-string match), tolerant of lost diacritics and OCR noise."""
    kt = key(text)
    best, best_score = None, 0.0
    for word in vocabulary:
        kw = key(word)
        if kt == kw:
            return word
        score = fuzz.ratio(kt, kw) if min(len(kt), len(kw)) >= 4 else 0.0
        if score > best_score:
            best, best_score = word, score
    return best if best_score >= threshold else None


def match_prefix(text: str, vocabulary: Iterable[str], threshold: float = 85.0) -> Optional[tuple[str, int]]:
    """The vocabulary word that `text` starts with, and the length of the matched prefix of `text`.

    Exact folded prefixes win; otherwise a fuzzy match of the first len(word) characters (OCR).
    """
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    folded = "".join(char_keys(stripped))
    candidates = sorted(vocabulary, key=lambda w: -len(w))
    for word in candidates:
        kw = key(word)
        if folded.startswith(kw) and (len(folded) == len(kw) or not folded[len(kw)].isalnum()):
            return word, lead + _span_for_folded(stripped, len(kw))
    for word in candidates:
        kw = key(word)
        if len(kw) < 5:
            continue
        head = folded[: len(kw)]
        if fuzz.ratio(head, kw) >= threshold and (len(folded) == len(kw) or not folded[len(kw)].isalnum()):
            return word, lead + _span_for_folded(stripped, len(kw))
    return None


def find_keyword(text: str, vocabulary: Iterable[str]) -> Optional[tuple[str, int, int]]:
    """First occurrence of any vocabulary word in `text` (folded, word-bounded): (word, start, end)."""
    folded = "".join(char_keys(text))
    best = None
    for word in sorted(vocabulary, key=lambda w: -len(w)):
        kw = key(word)
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(kw) + r"(?![a-z0-9])", folded):
            start = _index_for_folded(text, m.start())
            end = _index_for_folded(text, m.end())
            if best is None or start < best[1]:
                best = (word, start, end)
            break
    return best


def contains_keyword(text: str, vocabulary: Iterable[str]) -> bool:
    return find_keyword(text, vocabulary) is not None


def _span_for_folded(text: str, folded_len: int) -> int:
    """Number of characters of `text` whose folded forms make up the first `folded_len` characters."""
    total = 0
    for i, c in enumerate(text):
        if total >= folded_len:
            return i
        total += len(unidecode(nfc(c)).lower() or " ")
    return len(text)


def _index_for_folded(text: str, folded_index: int) -> int:
    return _span_for_folded(text, folded_index)

