"""Dates, deadlines and periods as printed in Vietnamese reports, to ISO strings.

"ngày 5 tháng 3 năm 2020", "Ngày 03/02/2020", "5 /3/2020" (OCR spacing) and the folded OCR
"ngay 15 thang 6 nam 2021" are all dates; a left-blank "ngày … tháng … năm …" is not. Matching runs
on folded text (`numbers.fold_with_offsets`) and spans point into the original text.
"""
from __future__ import annotations

import datetime as dt
import re

from extractors.numbers import fold_with_offsets

# Years outside this range are a number, not a date of a report ("ngày 15/5/0019" is an OCR slip).
_MIN_YEAR, _MAX_YEAR = 1900, 2100

# Date shapes without the leading "ngày", on folded text; each names its day, month and year groups.
_NUMERIC = r"""
    (?<![\d/.\-])                         # not the tail of a number or a document number
    (?P<{p}d>\d{{1,2}}) [ ]?              # day; OCR puts a space before or after the slash
    (?P<{p}sep>[/.\-]) [ ]?               # one separator, used twice
    (?P<{p}m>\d{{1,2}}) [ ]?
    (?P={p}sep) [ ]?
    (?P<{p}y>\d{{4}})                     # four-digit year only
    (?![\d/])                             # not followed by more of a number
"""
_WORDS = r"""
    (?<![\d/.\-])
    (?P<{p}d>\d{{1,2}}) \s+               # day
    thang \s+ (?P<{p}m>\d{{1,2}}) [ ,]*\s*  # "tháng" month, an optional comma
    nam \s+ (?P<{p}y>\d{{4}})             # "năm" year
    (?!\d)
"""
_ISO = r"""
    (?<![\d/.\-])
    (?P<{p}y>\d{{4}}) - (?P<{p}m>\d{{1,2}}) - (?P<{p}d>\d{{1,2}})  # 2019-05-15
    (?![\d/\-])
"""
# Day and month without a year, for deadlines only ("trước ngày 20/11").
_DAY_MONTH = r"""
    (?<![\d/.\-])
    (?P<{p}d>\d{{1,2}}) [ ]? / [ ]? (?P<{p}m>\d{{1,2}})   # 20/11
    (?![\d/]|\.\d)                                        # not a full date or a decimal
  | (?<![\d/.\-])
    (?P<{p}wd>\d{{1,2}}) \s+ thang \s+ (?P<{p}wm>\d{{1,2}})  # 20 tháng 11
    (?!\d|\s+nam\s+\d)                                    # ... with no year after it
"""

_DATE_PREFIX = r"(?:(?<![a-z])ngay\s+)?"  # the "ngày" before a date belongs to its span

_DATE = re.compile(
    rf"""
    {_DATE_PREFIX}
    (?:
        {_WORDS.format(p="w")}            # ngày 29 tháng 3 năm 2024
      | {_NUMERIC.format(p="n")}          # 03/02/2020, 5 /3/2020, 03.02.2020
      | {_ISO.format(p="i")}              # 2019-05-15
    )
    """,
    re.VERBOSE,
)

# Words that open a deadline, folded: "trước ngày", "chậm nhất là ngày", "hạn chót".
_DEADLINE = re.compile(
    rf"""
    (?<![a-z])
    (?:
        truoc                                          # trước
      | cham[ ]nhat (?:[ ]la)? (?:[ ](?:truoc|vao))?   # chậm nhất (là) (trước|vào)
      | han[ ](?:chot|cuoi)                            # hạn chót / hạn cuối
    )
    [ ]+
    {_DATE_PREFIX}
    (?:
        {_WORDS.format(p="w")}
      | {_NUMERIC.format(p="n")}
      | {_ISO.format(p="i")}
      | {_DAY_MONTH.format(p="dm")}
    )
    """,
    re.VERBOSE,
)

_YEAR = r"(?:19|20)\d\d"
_YEAR_RANGE = re.compile(
    rf"""
    (?<![\d.,/])(?P<y1>{_YEAR})            # first year, not inside a number
    (?:
        \s*-{{1,2}}\s*                     # 2009-2014 / 2009 - 2014 ("–" folds to "-", "—" to "--")
      | \s+den\s+(?:nam\s+)?               # 2020 đến (năm) 2023
    )
    (?P<y2>{_YEAR})(?![\d.,]\d|\d)         # second year
    """,
    re.VERBOSE,
)
_SINGLE_YEAR = re.compile(
    rf"""
    (?<![\d.,])(?P<y>{_YEAR})              # a year, not inside "182.330" ("7/2021" is fine)
    (?![\d.,]\d|\d|/\d)                    # not the head of a longer number or of "2021/2022"
    """,
    re.VERBOSE,
)


def _iso(day: str, month: str, year: str | None) -> str | None:
    if year is None:
        return None
    y, m, d = int(year), int(month), int(day)
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None  # 31/02/2020


def _match_iso(m: re.Match) -> str | None:
    for p in ("w", "n", "i"):
        if m[f"{p}d"] is not None:
            return _iso(m[f"{p}d"], m[f"{p}m"], m[f"{p}y"])
    return None


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every valid full date in `text` as (start, end, ISO); a leading "ngày" is part of the span."""
    folded, offsets = fold_with_offsets(text)
    found = []
    for m in _DATE.finditer(folded):
        iso = _match_iso(m)
        if iso is not None:
            found.append((offsets[m.start()], offsets[m.end()], iso))
    return found


def parse_date(text: str) -> str | None:
    """ISO date of the first full date in `text` ("ngày 8 tháng 11 năm 2018" -> "2018-11-08").

    None for left-blank dates ("ngày … tháng … năm …"), invalid dates and two-digit years.
    """
    if not text:
        return None
    dates = find_dates(text)
    return dates[0][2] if dates else None


def find_deadline(text: str) -> tuple[str | None, str] | None:
    """The first deadline in `text` as (ISO date or None, the deadline as printed).

    "trước ngày 15/5/2019" -> ("2019-05-15", "trước ngày 15/5/2019"); without a year
    ("trước ngày 20/11") the date is None and the printed text is still returned.
    """
    if not text:
        return None
    folded, offsets = fold_with_offsets(text)
    for m in _DEADLINE.finditer(folded):
        raw = text[offsets[m.start()]:offsets[m.end()]]
        if m["dmd"] is not None or m["dmwd"] is not None:
            day, month = (m["dmd"], m["dmm"]) if m["dmd"] is not None else (m["dmwd"], m["dmwm"])
            if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
                return None, raw
            continue
        iso = _match_iso(m)
        if iso is not None:
            return iso, raw
    return None


def year_period(text: str) -> str | None:
    """A period label normalized: "2009 – 2014" -> "2009-2014", "Đến hết năm 2018" -> "2018",
    "31/12/2018" -> "2018-12-31"; None when `text` names no period or several unrelated years."""
    if not text:
        return None
    folded, _ = fold_with_offsets(text)
    span = _YEAR_RANGE.search(folded)
    if span and int(span["y1"]) < int(span["y2"]):
        return f"{span['y1']}-{span['y2']}"
    dates = find_dates(text)
    if dates:
        return dates[0][2]
    years = {m["y"] for m in _SINGLE_YEAR.finditer(folded)}
    return years.pop() if len(years) == 1 else None
