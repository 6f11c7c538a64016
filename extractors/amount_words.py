"""Amounts written in words, as in "879.000.000đ (Tám trăm bảy mươi chín triệu đồng)".

vn-numberwords evaluates the standard forms. It never fails, though: it skips words it does not
know ("abc" -> 0, "một phẩy năm" -> 15) and reads colloquial forms wrongly ("một triệu hai" ->
1000002, "hai tỷ rưỡi" -> 2000000000), and it misses the folded "ngan" (ngàn) and "ti" (tỉ).
So every input is first read by the strict grammar here: words are folded (OCR without diacritics
works), checked to be number words in a well-formed order, and spelled canonically for the
package. The grammar's own value is used for the forms the package gets wrong (rưỡi, phẩy, a
trailing digit after a scale word), and when the two disagree the input is ambiguous: None.
"""
from __future__ import annotations

import re
from decimal import Decimal

import vn_numberwords

from extractors.numbers import fold_with_offsets
from extractors.textnorm import clean, fold

# Folded word -> canonical number word. "muoi" is "mười" or "mươi" by position (see _canonical).
_WORDS: dict[str, str] = {
    "khong": "không", "mot": "một", "hai": "hai", "ba": "ba", "bon": "bốn", "tu": "tư",
    "nam": "năm", "lam": "lăm", "nham": "lăm", "sau": "sáu", "bay": "bảy", "tam": "tám",
    "chin": "chín", "muoi": "mười", "chuc": "chục", "tram": "trăm", "linh": "linh", "le": "linh",
    "nghin": "nghìn", "ngan": "nghìn", "nghan": "nghìn", "trieu": "triệu", "ty": "tỷ", "ti": "tỷ",
    "ruoi": "rưỡi", "phay": "phẩy",
}
_DIGITS: dict[str, int] = {
    "không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}
# Digit words that only follow a ten ("hai mươi tư", "mười lăm"), never stand alone.
_UNIT_ONLY = frozenset({"tư", "lăm"})
_SCALES: dict[str, int] = {"tỷ": 10**9, "triệu": 10**6, "nghìn": 10**3}
# Words around the number that are not part of it: the currency and "chẵn" (even amount).
_TRAILING = frozenset({"dong", "d", "vnd", "chan"})
_LABEL = ["bang", "chu"]  # "Bằng chữ:" (in words) before the amount, folded

_TOKEN = re.compile(
    r"""
    [^\W_]+    # a word or a digit run (a digit is never a number word, so it fails the lookup)
    """,
    re.VERBOSE,
)


class _Reading:
    """Parse state: `colloquial` is set when the value needed a form the package misreads."""

    def __init__(self) -> None:
        self.colloquial = False


def _canonical(folded_words: list[str]) -> list[str] | None:
    words: list[str] = []
    for w in folded_words:
        word = _WORDS.get(w)
        if word is None:
            return None
        if word == "mười" and words and words[-1] in _DIGITS and _DIGITS[words[-1]] >= 2:
            word = "mươi"  # "hai muoi" is twenty, a lone "muoi" is ten
        words.append(word)
    return words


def _group(words: list[str], reading: _Reading) -> int | None:
    """0..999 from "[D trăm] [mười U | D mươi U | linh D | D]"; None unless well formed."""
    if not words:
        return None
    value, rest = 0, words
    if len(rest) >= 2 and rest[1] == "trăm":
        if rest[0] not in _DIGITS or rest[0] in _UNIT_ONLY:
            return None
        value, rest = _DIGITS[rest[0]] * 100, rest[2:]
        if rest == ["rưỡi"]:
            reading.colloquial = True  # "một trăm rưỡi" is 150
            return value + 50
        if len(rest) == 1 and rest[0] in _DIGITS and _DIGITS[rest[0]] > 0:
            reading.colloquial = True  # "hai trăm mốt" is 210, "một trăm tư" 140
            return value + _DIGITS[rest[0]] * 10
        if rest[:1] == ["linh"]:
            if len(rest) == 2 and rest[1] in _DIGITS and _DIGITS[rest[1]] > 0:
                return value + _DIGITS[rest[1]]
            return None
        if not rest:
            return value
    tens = _tens(rest)
    return None if tens is None else value + tens


def _tens(words: list[str]) -> int | None:
    """0..99 from "mười [U]", "D mươi [U]", "D chục" or a lone digit."""
    if len(words) == 1 and words[0] in _DIGITS and words[0] not in _UNIT_ONLY:
        return _DIGITS[words[0]]
    if words[:1] == ["mười"]:
        tens, rest = 10, words[1:]
    elif len(words) >= 2 and words[1] in ("mươi", "chục") and words[0] in _DIGITS:
        if _DIGITS[words[0]] < 2 or words[0] in _UNIT_ONLY:
            return None
        tens, rest = _DIGITS[words[0]] * 10, words[2:]
    else:
        return None
    if not rest:
        return tens
    if len(rest) == 1 and rest[0] in _DIGITS and _DIGITS[rest[0]] > 0:
        return tens + _DIGITS[rest[0]]
    return None


def _integer(words: list[str], reading: _Reading) -> int | None:
    """Split at the largest scale word: "[left] tỷ [tail]", "[left] triệu [tail]", ...

    Above 10^12 "tỷ" repeats ("một nghìn tỷ tám trăm tỷ …", as vn-numberwords writes it): the first
    "tỷ" splits, and after a "nghìn tỷ" the tail may hold up to 999 tỷ.
    """
    for scale_word, scale in _SCALES.items():
        if scale_word not in words:
            continue
        i = words.index(scale_word)
        left, rest = words[:i], words[i + 1:]
        limit = scale
        if scale_word == "tỷ":
            value = _integer(left, reading)
            if left and left[-1] in _SCALES:
                limit = scale * _SCALES[left[-1]]  # "một nghìn tỷ" + below a thousand tỷ
        elif scale_word in rest:
            return None  # "một triệu hai triệu"
        else:
            value = _group(left, reading)
        if not value:
            return None
        tail = _tail(rest, scale, limit, reading)
        return None if tail is None else value * scale + tail
    return _group(words, reading)


def _tail(words: list[str], scale: int, limit: int, reading: _Reading) -> int | None:
    """What follows a scale word: below `limit`, or colloquial "rưỡi" / one digit."""
    if not words:
        return 0
    if words == ["rưỡi"]:
        reading.colloquial = True  # "hai tỷ rưỡi" is 2.5 tỷ
        return scale // 2
    if len(words) == 1 and words[0] in _DIGITS and _DIGITS[words[0]] > 0:
        reading.colloquial = True  # "một triệu hai" is 1.2 triệu
        return _DIGITS[words[0]] * scale // 10
    value = _integer(words, reading)
    return value if value is not None and value < limit else None


def _decimal(words: list[str]) -> Decimal | None:
    """"một phẩy năm" 1.5, "hai phẩy năm tỷ" 2.5e9, "một phẩy không năm" 1.05."""
    i = words.index("phẩy")
    left, right = words[:i], words[i + 1:]
    scale = 1
    if right and right[-1] in _SCALES:
        scale, right = _SCALES[right[-1]], right[:-1]
    reading = _Reading()
    whole = _integer(left, reading) if scale == 1 else _group(left, reading)
    if whole is None or not right:
        return None
    if all(w in _DIGITS and w not in _UNIT_ONLY for w in right):
        digits = "".join(str(_DIGITS[w]) for w in right)  # read digit by digit
    else:
        fraction = _group(right, reading)
        if fraction is None:
            return None
        digits = str(fraction)  # "một phẩy hai mươi lăm" is 1.25
    return (Decimal(whole) + Decimal("0." + digits)) * scale


def words_to_amount(text: str) -> float | None:
    """An amount in Vietnamese words as a number: "Tám trăm bảy mươi chín triệu đồng" -> 879000000.0.

    Tolerates case, lost diacritics, markup and a trailing "đồng (chẵn)"; None for anything that
    is not wholly a well-formed number in words.
    """
    text = clean(text)
    if text is None:
        return None
    tokens = _TOKEN.findall(fold(text))
    if tokens[:2] == _LABEL:
        tokens = tokens[2:]
    while tokens and tokens[-1] in _TRAILING:
        tokens.pop()
    words = _canonical(tokens) if tokens else None
    if not words:
        return None
    if "phẩy" in words:
        if words.count("phẩy") > 1:
            return None
        value = _decimal(words)
        return None if value is None else float(value)
    reading = _Reading()
    own = _integer(words, reading)
    if own is None:
        return None
    if reading.colloquial:
        return float(own)
    try:
        package = vn_numberwords.words_to_number(" ".join(words))
    except Exception:  # the package raising on a form the grammar accepts: keep the grammar's value
        return float(own)
    return float(own) if package == own else None


_AMOUNT_IN_WORDS = re.compile(
    r"""
    (?<![\d.,])\d{1,3}(?:\.\d{3})*(?:,\d+)?        # the amount in digits: 879.000.000
    [ ]*(?:d|dong|vnd|nghin\ dong|trieu\ dong|ty\ dong)?  # its currency unit, if printed
    [ ]*\(                                          # the parenthesis holding the words
    [ *_]*                                          # emphasis markup: "(*Tám ...*)"
    (?:bang\ chu\ *:\ *)?                           # an optional "Bằng chữ:" label
    (?P<words>[a-z]+(?:[ ,]+[a-z]+)*)               # the words
    [ ./*_]*\)                                      # closing markup, "./." and the parenthesis
    """,
    re.VERBOSE,
)


def find_amount_in_words(text: str) -> list[tuple[int, int, float, str]]:
    """Amounts in words in parentheses after digits: (start, end, value, words) of the words."""
    folded, offsets = fold_with_offsets(text)
    found = []
    for m in _AMOUNT_IN_WORDS.finditer(folded):
        start, end = offsets[m.start("words")], offsets[m.end("words")]
        words = text[start:end]
        value = words_to_amount(words)
        if value is not None:
            found.append((start, end, value, words))
    return found
