"""Vietnamese numerals and quantities: "152.307", "87,45%", "622.943 triệu đồng", "trên 99,5%".

Vietnamese writes "." between thousands and "," before decimals (record-contract.md, "Numbers").
Units and qualifiers are matched on folded keys (`textnorm.fold`), so OCR that lost its diacritics
("8.541 the", "155.163 nguoi") still finds them; the unit returned is always the vocabulary's
proper Vietnamese form, and `raw` keeps the printed text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

from extractors.textnorm import clean, fold, strip_trailing_punct


@dataclass(frozen=True)
class Quantity:
    value: float | None
    unit: str | None
    qualifier: str | None
    raw: str


# Units: proper form -> other printed spellings (abbreviations, OCR damage of the English model).
# Spellings differing only in diacritics need no entry: matching is on folded keys.
UNITS: dict[str, tuple[str, ...]] = {
    "%": ("phần trăm",),
    "người": ("nguol", "ngudi"),
    "thẻ": (),
    "lượt người": (),
    "lượt": (),
    "hộ": (),
    "doanh nghiệp": (),
    "đơn vị": (),
    "cơ sở": (),
    "bệnh viện": (),
    "phòng khám": (),
    "trạm y tế": (),
    "hội nghị": (),
    "đồng": ("đ", "vnđ"),
    "nghìn đồng": ("ngàn đồng",),
    "triệu đồng": (),
    "tỷ đồng": ("tỉ đồng",),
}

# Words before a number that bound it ("trên 99,5%"); "đạt" is a verb, not a qualifier.
QUALIFIERS_BEFORE: tuple[str, ...] = (
    "trên", "dưới", "tối thiểu", "tối đa", "khoảng", "hơn", "gần", "ít nhất", "xấp xỉ",
    "không quá", "không dưới", "từ",
)
# Words after the quantity that bound it ("95% trở lên").
QUALIFIERS_AFTER: tuple[str, ...] = ("trở lên", "trở xuống")

# Words after which a number is not a count: a year, day, month or article ("năm 2025 người"), or
# the tail of a mixed amount ("1 tỷ 200 triệu đồng"; OCR "ty 16 ngudi" is "tỷ lệ người").
_NOT_COUNT_AFTER: tuple[str, ...] = (
    "năm", "tháng", "ngày", "quý", "giai đoạn", "khóa", "điều", "chương",
    "tỷ", "tỉ", "triệu", "nghìn", "ngàn",
)

_BLANK_CELL = re.compile(
    r"""
    [-–—‒―.…_\s]*    # only dashes, dots, ellipses, underscores: a cell left empty
    """,
    re.VERBOSE,
)


def _keyed(words) -> dict[str, str]:
    """Folded key -> proper form."""
    return {fold(w): w for w in words}


# "đ" folds to "d", so "879.000.000d" (OCR lost the stroke) is đồng too
_UNIT_BY_KEY: dict[str, str] = {
    key: unit for unit, variants in UNITS.items() for key in _keyed((unit, *variants))
}
_QUAL_BEFORE_BY_KEY = _keyed(QUALIFIERS_BEFORE)
_QUAL_AFTER_BY_KEY = _keyed(QUALIFIERS_AFTER)


def _alternation(keys) -> str:
    """Regex alternation of folded keys, longest first so "luot nguoi" wins over "luot"."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_UNIT_RE = _alternation(_UNIT_BY_KEY)
_QUAL_BEFORE_RE = _alternation(_QUAL_BEFORE_BY_KEY)
_QUAL_AFTER_RE = _alternation(_QUAL_AFTER_BY_KEY)

_NUMBER = re.compile(
    r"""
    (?P<sign>[+\-−])?                                  # a sign attached to the digits
    (?:
        (?P<grouped>\d{1,3}(?:\.\d{3})+)(?:,(?P<gfrac>\d+))?  # 152.307 / 1.234,5: dots between thousands
      | (?P<int>\d+),(?P<frac>\d+)                     # 87,45: comma before decimals
      | (?P<dint>\d+)\.(?P<dfrac>\d{1,2})              # 98.5: a dot not before 3 digits is a decimal point
      | (?P<plain>\d+)                                 # 05, 100, 2043
    )
    """,
    re.VERBOSE,
)


def parse_number(text: str) -> float | None:
    """A Vietnamese numeral as float ("152.307" -> 131408.0, "87,45" -> 93.19); None unless well formed."""
    text = clean(text)
    if text is None:
        return None
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    if m["grouped"]:
        digits = m["grouped"].replace(".", "") + ("." + m["gfrac"] if m["gfrac"] else "")
    elif m["int"]:
        digits = f"{m['int']}.{m['frac']}"
    elif m["dint"]:
        digits = f"{m['dint']}.{m['dfrac']}"
    else:
        digits = m["plain"]
    value = float(int(digits)) if digits.isdigit() else float(digits)  # int() keeps big ints exact
    return -value if m["sign"] in ("-", "−") else value


def is_blank_cell(text: str | None) -> bool:
    """None, "", "-", "–", "—", "....." and "…" are blank; "x" is a mark and "0" a value."""
    return text is None or _BLANK_CELL.fullmatch(text) is not None


@lru_cache(maxsize=4096)
def fold_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` folded char by char (unidecode, lower case) and, per folded char, its index in `text`.

    Unlike `fold` it keeps whitespace as is, so a match on the folded string maps back to a span
    of the original (NFC or not: combining marks fold to nothing). The offsets end with a sentinel
    len(text) so an end offset maps too. Cached: the extractors of amounts, numbers, dates,
    references and checks fold the same lines one after another.
    """
    if text.isascii():
        return text.lower(), tuple(range(len(text) + 1))
    pieces: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        pieces.append(folded)
        offsets.extend([i] * len(folded))
    offsets.append(len(text))
    return "".join(pieces), tuple(offsets)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return unidecode(ch).lower() if ord(ch) > 127 else ch.lower()


_CELL_QUANTITY = re.compile(
    rf"""
    (?:(?P<qual>{_QUAL_BEFORE_RE})\s+)?     # trên / tối thiểu / hơn ...
    (?P<num>[+\-]?\d[\d.,]*)                # the numeral, validated by parse_number
    \s*
    (?P<unit>{_UNIT_RE})?                   # %, người, triệu đồng, đ ...
    (?:\s+(?P<after>{_QUAL_AFTER_RE}))?     # trở lên / trở xuống
    """,
    re.VERBOSE,
)


def parse_quantity(text: str) -> Quantity | None:
    """A cell or phrase that is one quantity: "87,45%", "622.943 triệu đồng", "trên 99,5%", "152.307".

    None for blanks and for anything else around the number ("- Cơ sở y tế nhà nước: 18").
    """
    raw = clean(text)
    if raw is None or is_blank_cell(raw):
        return None
    body = strip_trailing_punct(raw, ".;,")  # a cell or phrase may end its sentence
    folded, offsets = fold_with_offsets(body)
    m = _CELL_QUANTITY.fullmatch(folded)
    if m is None:
        return None
    num = body[offsets[m.start("num")]:offsets[m.end("num")]]
    value = parse_number(num)
    if value is None:
        return None
    return Quantity(value=value, unit=_UNIT_BY_KEY.get(m["unit"]) if m["unit"] else None,
                    qualifier=_qualifier(m), raw=raw)


def _qualifier(m: re.Match) -> str | None:
    # "từ 95% trở lên": the closing word says more than the opening "từ"
    if m["after"]:
        return _QUAL_AFTER_BY_KEY[m["after"]]
    if m["qual"]:
        return _QUAL_BEFORE_BY_KEY[m["qual"]]
    return None


# Quantities in running prose, on folded text. A unit is required: a bare number in prose is a
# year, a day, a section or a document number far more often than a count.
_PROSE_QUANTITY = re.compile(
    rf"""
    (?:(?<![a-z])(?P<qual>{_QUAL_BEFORE_RE})[ ]+)?     # a qualifier word before the number
    (?<![\w.,/\-])                                     # not the tail of a date, decimal, "Covid-19", "số 12/2019"
    (?P<num>
        \d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?               # 152.307 / 1.234,5
      | \d+\.\d{{1,2}}(?=[ ]?%)                        # 98.5%: dot decimals only before a percent sign
      | \d+(?:,\d+)?                                   # 35 / 87,45
    )
    (?!\d|[.,/\-]\d|/)                                 # the whole number: not "01/02/2020", "số 12/KH"
    (?P<sep>[ ]*(?:\n[ ]*)?)                           # spaces, or one line break of a wrapped line
    (?P<unit>{_UNIT_RE})                               # the unit
    (?![a-z0-9])                                       # ... as a whole word ("doanh nghiep", not "d")
    (?:[ ]+(?P<after>{_QUAL_AFTER_RE})(?![a-z]))?      # trở lên / trở xuống
    """,
    re.VERBOSE,
)

_NOT_COUNT_BEFORE = re.compile(
    rf"""
    (?<![a-z])(?:{_alternation(fold(w) for w in _NOT_COUNT_AFTER)})  # năm / tháng / ngày ...
    [ ]+$                                                             # right before the number
    """,
    re.VERBOSE,
)


def find_quantities(text: str) -> list[tuple[int, int, Quantity]]:
    """Every number with a unit in prose, as (start, end, Quantity); the span includes qualifiers.

    Years, dates, document and section numbers and durations ("15 năm") have no unit of the
    vocabulary, so they are not matched.
    """
    folded, offsets = fold_with_offsets(text)
    found: list[tuple[int, int, Quantity]] = []
    for m in _PROSE_QUANTITY.finditer(folded):
        if _NOT_COUNT_BEFORE.search(folded, max(0, m.start() - 16), m.start()):
            continue
        start, end = offsets[m.start()], offsets[m.end()]
        unit_start = offsets[m.start("unit")]
        if "\n" in m["sep"] and not (text[unit_start].islower() or text[unit_start] == "%"):
            continue  # a capitalized word opening the next line begins a new item, not a unit
        if m["unit"] == "d" and m["sep"] and text[unit_start] not in "đĐ":
            continue  # a lone "d" is a unit only when attached or printed "đ"
        value = parse_number(text[offsets[m.start("num")]:offsets[m.end("num")]])
        if value is None:
            continue
        quantity = Quantity(value=value, unit=_UNIT_BY_KEY[m["unit"]], qualifier=_qualifier(m),
                            raw=text[start:end])
        found.append((start, end, quantity))
    return found
