"""Consistency checks on the extracted numbers (CONVENTIONS.md, "checks").

Pure functions that only ADD checks, never edit values. Each returns `list[Check]` with status
"pass" or "fail"; a rule that cannot tie its numbers clearly emits nothing (a wrong "fail" is worse
than no check).

Tables (`checks_for_table`):
- `group_sum`: a numbered row followed by child rows (empty number cell): parent = sum of children.
- `column_sum`: a total row ("Cộng") = the sum of the data rows above it, per column.
- `participants_population`: in a column group, joined + not joined = population, per row.
- `rate`: a "Tỷ lệ (%)" column = joined / population × 100; a share row of a share group
  = its count (the same-label row of a count group) / the count group's whole × 100.
- `share_sum`: a group row whose label says its children are shares of one whole: they sum to 100.
`checks_across_tables` adds `group_sum` for a breakdown whose total is printed in another table.

Prose (`checks_for_text`, `checks_for_paragraphs`): `amount_words`, and lists of parts of a stated
total ("… là 153.953 người, gồm các nhóm: + A: 8.541 thẻ, chiếm 5,5% …"): `rate`, `share_sum`,
`group_sum`.

Header (`check_header_annex_number`): a "Kèm theo <own kind> số N" caption vs the header number.

Tolerances: counts are exact; a printed rate or share is right when within half a unit of its last
printed digit; n shares may sum to 100 ± n half units.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from rapidfuzz import fuzz

from extractors import vocabulary as V
from extractors.amount_words import find_amount_in_words
from extractors.keywords import find_keyword, key
from extractors.numbers import find_quantities, fold_with_offsets, parse_number
from extractors.tables import key_column
from pipeline.record import CellValue, Check, Table

_EPS = 1e-9  # float noise allowed on top of every tolerance

# ---------------------------------------------------------------------------------------------
# numbers: printed precision and Vietnamese formatting
# ---------------------------------------------------------------------------------------------

_DECIMALS = re.compile(
    r"""
    \d{1,3}(?:\.\d{3})+,(?P<gfrac>\d+)    # 1.234,56: digits after the decimal comma
  | \d+,(?P<frac>\d+)                     # 87,45
  | \d+\.(?P<dfrac>\d{1,2})(?!\d)         # 98.5: a dot not before 3 digits is a decimal point
    """,
    re.VERBOSE,
)


def printed_decimals(raw: str | None) -> int:
    """Digits after the decimal mark of a printed number: "98,8" 1, "10,80%" 2, "100%" 0."""
    if not raw:
        return 0
    m = _DECIMALS.search(raw)
    if m is None:
        return 0
    return len(m["gfrac"] or m["frac"] or m["dfrac"])


def half_unit(raw: str | None) -> float:
    """Half a unit of the last printed digit: "98,8" 0.05, "100%" 0.5."""
    return 0.5 * 10 ** -printed_decimals(raw)


def within(expected: float, printed: float, tolerance: float) -> bool:
    return abs(expected - printed) <= tolerance + _EPS


def fmt(value: float, decimals: int | None = None) -> str:
    """Vietnamese formatting: 131667 -> "131.667", 10.7196 (2) -> "10,72", -5 -> "-5"."""
    if decimals is None:
        decimals = 0 if abs(value - round(value)) < _EPS else 2
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _fmt_signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt(value)


# ---------------------------------------------------------------------------------------------
# table geometry
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Geometry:
    kcol: Optional[int]  # the number (STT) column, if any
    lcol: int  # the label column
    value_cols: tuple[int, ...]


def _geometry(table: Table) -> _Geometry:
    width = len(table.columns) or max((len(r) for r in table.rows), default=0)
    kcol = key_column(table.columns, table.rows) if table.rows else None
    lcol = 0 if kcol is None else 1
    return _Geometry(kcol, lcol, tuple(c for c in range(width) if c not in (kcol, lcol)))


def _cell(table: Table, r: int, c: int) -> Optional[str]:
    row = table.rows[r] if r < len(table.rows) else []
    return row[c] if c < len(row) else None


def _value(table: Table, r: int, c: int) -> Optional[CellValue]:
    row = table.values[r] if r < len(table.values) else []
    v = row[c] if c < len(row) else None
    return v if v is not None and v.value is not None else None


def _kind(table: Table, r: int) -> str:
    return table.row_kinds[r] if r < len(table.row_kinds) else "data"


def _label(table: Table, g: _Geometry, r: int) -> str:
    return _cell(table, r, g.lcol) or ""


def _column(table: Table, c: int) -> str:
    return table.columns[c] if c < len(table.columns) else f"c{c + 1}"


def _where_row(table: Table, r: int) -> str:
    return f"table:{table.id}:r{r + 1}"


def _where_col(table: Table, c: int) -> str:
    return f"table:{table.id}:c{c + 1}"


def _says_percent(text: str) -> bool:
    """A header or label that announces percentages: "Tỷ lệ …", "(%)", "tỷ lệ %"."""
    k = key(text)
    return "%" in k or k.startswith("ty le") or " ty le " in f" {k} "


def _percent_column(table: Table, c: int) -> bool:
    return _says_percent(_column(table, c))


def _percent_row(table: Table, g: _Geometry, r: int) -> bool:
    if _says_percent(_label(table, g, r)):
        return True
    return any((v := _value(table, r, c)) is not None and v.unit == "%" for c in g.value_cols)


def _is_percent_cell(v: CellValue) -> bool:
    return v.unit == "%"


def _numbered(table: Table, g: _Geometry, r: int) -> bool:
    return g.kcol is not None and bool(_cell(table, r, g.kcol))


def _groups(table: Table, g: _Geometry) -> list[tuple[int, list[int]]]:
    """(parent, children): a numbered row followed by two or more rows with an empty number cell."""
    out = []
    if g.kcol is None:
        return out
    n = len(table.rows)
    for r in range(n):
        if not _numbered(table, g, r) or _kind(table, r) == "total":
            continue
        children = []
        j = r + 1
        while j < n and not _numbered(table, g, j) and _kind(table, j) == "data" and _label(table, g, j):
            children.append(j)
            j += 1
        if len(children) >= 2:
            out.append((r, children))
    return out


def _partial_list(label: str) -> bool:
    """"Trong đó:" (of which) announces some of the parts, not all of them."""
    return key(label).startswith("trong do")


# ---------------------------------------------------------------------------------------------
# table rules
# ---------------------------------------------------------------------------------------------


def _sum_check(rule: str, where: str, parts: list[CellValue], whole: CellValue, what: str) -> Check:
    """Parts of a count vs its printed whole; exact unless the cells print decimals."""
    total = sum(p.value for p in parts)
    decimals = max(printed_decimals(p.raw) for p in parts + [whole])
    tolerance = 0.0 if decimals == 0 else sum(half_unit(p.raw) for p in parts) + half_unit(whole.raw)
    ok = within(total, whole.value, tolerance)
    terms = " + ".join(fmt(p.value, printed_decimals(p.raw)) for p in parts)
    message = (f"{what}: {terms} = {fmt(total, decimals)}, "
               + ("matching" if ok else "but") + f" the printed total {fmt(whole.value, decimals)}")
    if not ok:
        message += f" (difference {_fmt_signed(round(total - whole.value, decimals))})"
    return Check(rule=rule, status="pass" if ok else "fail", message=message, where=where,
                 expected=whole.value, actual=total)


def _group_sum_checks(table: Table, g: _Geometry) -> list[Check]:
    out = []
    for parent, children in _groups(table, g):
        label = _label(table, g, parent)
        if _percent_row(table, g, parent) or _partial_list(label):
            continue
        if any(_partial_list(_label(table, g, j)) or _percent_row(table, g, j) for j in children):
            continue
        for c in g.value_cols:
            whole = _value(table, parent, c)
            parts = [_value(table, j, c) for j in children]
            if whole is None or any(p is None for p in parts) or _percent_column(table, c):
                continue
            what = (f"{_column(table, c)} (c{c + 1}): '{label}' vs its rows "
                    f"r{children[0] + 1}-r{children[-1] + 1}")
            out.append(_sum_check("group_sum", _where_row(table, parent), parts, whole, what))
    return out


def _column_sum_checks(table: Table, g: _Geometry) -> list[Check]:
    out = []
    start = 0
    for t in range(len(table.rows)):
        if _kind(table, t) != "total":
            continue
        rows = [r for r in range(start, t)
                if _kind(table, r) == "data" and (g.kcol is None or _numbered(table, g, r))]
        start = t + 1
        if len(rows) < 2:
            continue
        for c in g.value_cols:
            whole = _value(table, t, c)
            parts = [_value(table, r, c) for r in rows]
            if whole is None or any(p is None for p in parts) or _percent_column(table, c):
                continue
            if _is_percent_cell(whole) or any(_is_percent_cell(p) for p in parts):
                continue
            what = (f"{_column(table, c)}: rows r{rows[0] + 1}-r{rows[-1] + 1} vs the "
                    f"'{_label(table, g, t)}' row r{t + 1}")
            out.append(_sum_check("column_sum", _where_col(table, c), parts, whole, what))
    return out


# Leaf headers of a participants / population column group. Exact folded prefixes decide first;
# rapidfuzz only helps OCR-damaged headers.
_LEAF_ROLES: dict[str, tuple[str, ...]] = {
    "not_joined": ("Số người chưa tham gia", "Chưa tham gia", "Số người chưa có thẻ"),
    "joined": ("Số người đã tham gia", "Số người tham gia", "Đã tham gia", "Số người có thẻ"),
    "population": ("Dân số", "Tổng dân số", "Tổng số dân", "Số dân"),
    "rate": ("Tỷ lệ", "Tỷ lệ tham gia", "Tỷ lệ đã tham gia", "Tỷ lệ bao phủ"),
}
_PARENS = re.compile(
    r"""
    \([^)]*\)      # a parenthesized unit or note: "(người)", "(%)"
    """,
    re.VERBOSE,
)


def leaf_role(leaf: str) -> Optional[str]:
    """joined | not_joined | population | rate for a leaf header, else None."""
    k = key(_PARENS.sub(" ", leaf)).strip(" :%")
    if not k:
        return None
    best: tuple[int, Optional[str]] = (0, None)
    for role, words in _LEAF_ROLES.items():
        for w in words:
            kw = key(w)
            exact = k == kw or (k.startswith(kw + " ") and role != "rate")
            if exact and len(kw) > best[0]:
                best = (len(kw), role)
    if best[1] is not None:
        return best[1]
    scored = []
    for role, words in _LEAF_ROLES.items():
        for w in words:
            kw = key(w)
            if len(kw) >= 5 and role != "rate":
                scored.append((fuzz.ratio(k[: len(kw)], kw), role))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 88 and (len(scored) == 1 or scored[1][0] < scored[0][0]
                                          or scored[1][1] == scored[0][1]):
        return scored[0][1]
    return None


def _column_groups(table: Table, g: _Geometry) -> dict[str, dict[str, int]]:
    """Group name (the header part before the last " › ") -> role -> column."""
    groups: dict[str, dict[str, int]] = {}
    for c in g.value_cols:
        name = _column(table, c)
        group, _, leaf = name.rpartition(" › ")
        role = leaf_role(leaf)
        if role is not None:
            groups.setdefault(group, {}).setdefault(role, c)
    return groups


def _population_checks(table: Table, g: _Geometry) -> list[Check]:
    out = []
    for group, cols in _column_groups(table, g).items():
        period = group or "table"
        for r in range(len(table.rows)):
            if _kind(table, r) not in ("data", "total"):
                continue
            joined = _value(table, r, cols["joined"]) if "joined" in cols else None
            pop = _value(table, r, cols["population"]) if "population" in cols else None
            if "not_joined" in cols:
                not_joined = _value(table, r, cols["not_joined"])
                if None not in (joined, not_joined, pop):
                    total = joined.value + not_joined.value
                    ok = within(total, pop.value, 0.0)
                    leaf = _column(table, cols["population"]).rpartition(" › ")[2]
                    msg = (f"{period} ({_label(table, g, r)}): {fmt(joined.value)} đã tham gia + "
                           f"{fmt(not_joined.value)} chưa tham gia = {fmt(total)}, "
                           f"{'equal to' if ok else 'but'} {leaf} is printed {fmt(pop.value)}")
                    if not ok:
                        msg += f" (difference {_fmt_signed(total - pop.value)})"
                    out.append(Check(rule="participants_population", status="pass" if ok else "fail",
                                     message=msg, where=_where_row(table, r),
                                     expected=pop.value, actual=total))
            if "rate" in cols:
                rate = _value(table, r, cols["rate"])
                if None not in (joined, pop, rate) and pop.value > 0:
                    out.append(_rate_check(
                        _where_row(table, r), joined.value, pop.value, rate,
                        f"{period} ({_label(table, g, r)}): {_column(table, cols['rate']).rpartition(' › ')[2]}",
                        "population"))
    return out


def _rate_check(where: str, part: float, whole: float, printed: CellValue | _Share, what: str,
                whole_name: str) -> Check:
    """A printed rate vs part / whole × 100 at the printed precision."""
    expected = part / whole * 100
    decimals = printed_decimals(printed.raw)
    ok = within(expected, printed.value, half_unit(printed.raw))
    msg = (f"{what}: {printed.raw} printed; {fmt(part)} / {fmt(whole)} ({whole_name}) = "
           f"{fmt(expected, max(decimals, 2))}%" + ("" if ok else f", not {fmt(printed.value, decimals)}%"))
    return Check(rule="rate", status="pass" if ok else "fail", message=msg, where=where,
                 expected=round(expected, 6), actual=printed.value)


_SPACES = re.compile(
    r"""
    \s+    # a run of whitespace
    """,
    re.VERBOSE,
)
_SHARE_LABEL = re.compile(
    r"""
    ^ty[ ]le[ ]                 # "Tỷ lệ …"
    (?P<subject>.+?)            # … of what
    (?:[ ]theo[ ].+?)?          # an optional breakdown "theo các nhóm …"
    [ ]?(?:tren|/)[ ]?          # "trên" / "/" (over)
    tong[ ]so[ ]                # "tổng số" (the total number of)
    (?P<whole>.+)$              # the whole
    """,
    re.VERBOSE,
)


def is_share_label(label: str) -> bool:
    """A group label saying its children are shares of one whole: "Cơ cấu …", or "Tỷ lệ X (theo …)
    trên tổng số X" with the same X (a coverage rate "Tỷ lệ người nghèo có thẻ/tổng số người nghèo"
    is not)."""
    k = key(_PARENS.sub(" ", label)).replace("%", " ")
    k = _SPACES.sub(" ", k).strip(" :")
    if k.startswith("co cau"):
        return True
    m = _SHARE_LABEL.match(k)
    return m is not None and fuzz.ratio(m["subject"].strip(), m["whole"].strip()) >= 90


def _labels_match(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(fuzz.ratio(key(x), key(y)) >= 90 for x, y in zip(a, b))


def _share_checks(table: Table, g: _Geometry) -> list[Check]:
    out = []
    groups = _groups(table, g)
    for parent, children in groups:
        label = _label(table, g, parent)
        if not is_share_label(label):
            continue
        percent = "%" in label
        counts = _count_group_for(table, g, groups, children)
        for c in g.value_cols:
            shares = [(j, _value(table, j, c)) for j in children]
            present = [(j, v) for j, v in shares if v is not None and (percent or _is_percent_cell(v))]
            if not present:
                continue
            total = sum(v.value for _, v in present)
            tolerance = sum(half_unit(v.raw) for _, v in present)
            complete = len(present) == len(children)
            ok = within(total, 100.0, tolerance)
            if complete or total > 100 + tolerance + _EPS:
                terms = " + ".join(v.raw for _, v in present)
                note = "" if complete else f" ({len(children) - len(present)} rows without a number)"
                msg = (f"{_column(table, c)}: shares r{children[0] + 1}-r{children[-1] + 1} of "
                       f"'{label}' sum to {terms} = {fmt(total, 2)}%{note}, "
                       f"{'within' if ok else 'not'} 100% ± {fmt(tolerance, 2)}")
                out.append(Check(rule="share_sum", status="pass" if ok else "fail", message=msg,
                                 where=_where_col(table, c), expected=100.0, actual=round(total, 6)))
            if counts is not None:
                out.extend(_share_rate_checks(table, g, c, children, counts))
    return out


def _count_group_for(table: Table, g: _Geometry, groups, share_children: list[int]):
    """The count group whose children carry the same labels as the share group's children."""
    labels = [_label(table, g, j) for j in share_children]
    for parent, children in groups:
        if children == share_children or _percent_row(table, g, parent):
            continue
        if any(_percent_row(table, g, j) for j in children):
            continue
        if _labels_match([_label(table, g, j) for j in children], labels):
            return parent, children
    return None


def _share_rate_checks(table: Table, g: _Geometry, c: int, share_children: list[int], counts) -> list[Check]:
    parent, children = counts
    values = [_value(table, j, c) for j in children]
    whole = _value(table, parent, c)
    if whole is not None:
        base, base_name = whole.value, f"r{parent + 1}"
    elif all(v is not None for v in values):
        base, base_name = sum(v.value for v in values), f"sum of r{children[0] + 1}-r{children[-1] + 1}"
    else:
        return []
    if base <= 0:
        return []
    out = []
    for sj, cj in zip(share_children, children):
        share, count = _value(table, sj, c), _value(table, cj, c)
        if share is None or count is None:
            continue
        what = f"{_column(table, c)} (c{c + 1}): share of '{_label(table, g, sj)}' (count r{cj + 1})"
        out.append(_rate_check(_where_row(table, sj), count.value, base, share, what, base_name))
    return out


def checks_for_table(table: Table) -> list[Check]:
    """Every table rule on one table: group_sum, column_sum, participants_population, rate, share_sum."""
    if not table.rows:
        return []
    g = _geometry(table)
    return (_group_sum_checks(table, g) + _column_sum_checks(table, g)
            + _population_checks(table, g) + _share_checks(table, g))


# A breakdown row "Số X theo các nhóm …" and the total "Tổng số X" printed in another table.
_BREAKDOWN_LABEL = re.compile(
    r"""
    ^(?:tong[ ])?so[ ]          # "Số" / "Tổng số" (the number of)
    (?P<what>.+?)               # … what
    [ ]theo[ ].+$               # "theo các nhóm đối tượng": broken down by groups
    """,
    re.VERBOSE,
)
_TOTAL_LABEL = re.compile(
    r"""
    ^tong[ ]so[ ]               # "Tổng số" (the total number of)
    (?P<what>.+)$               # … what
    """,
    re.VERBOSE,
)
# Phrases that name the same people: "người dân" (citizens) is "người" (persons).
_SAME_PHRASES: tuple[tuple[str, str], ...] = (("nguoi dan", "nguoi"),)


def _what(text: str) -> str:
    k = f" {text} "
    for a, b in _SAME_PHRASES:
        k = k.replace(f" {a} ", f" {b} ")
    return k.strip()


def checks_across_tables(tables: list[Table]) -> list[Check]:
    """`group_sum` for a breakdown row without numbers ("Số người tham gia BHYT theo các nhóm đối
    tượng") against the total of the same thing printed in another table ("Tổng số người dân tham
    gia BHYT"), per column with the same header."""
    totals: list[tuple[Table, int, str]] = []
    for t in tables:
        g = _geometry(t)
        for r in range(len(t.rows)):
            m = _TOTAL_LABEL.match(key(_label(t, g, r)))
            if m:
                totals.append((t, r, _what(m["what"])))
    out = []
    for t in tables:
        g = _geometry(t)
        for parent, children in _groups(t, g):
            m = _BREAKDOWN_LABEL.match(key(_label(t, g, parent)))
            if m is None or _percent_row(t, g, parent) or any(_percent_row(t, g, j) for j in children):
                continue
            what = _what(m["what"])
            for other, r, other_what in totals:
                if other is t or what != other_what:
                    continue
                out.extend(_cross_sum(t, g, parent, children, other, r))
    return out


def _cross_sum(t: Table, g: _Geometry, parent: int, children: list[int], other: Table, r: int) -> list[Check]:
    out = []
    for c in g.value_cols:
        if _value(t, parent, c) is not None or _percent_column(t, c):
            continue
        name = _column(t, c)
        oc = next((j for j, n in enumerate(other.columns) if n == name), None)
        whole = _value(other, r, oc) if oc is not None else None
        parts = [_value(t, j, c) for j in children]
        if whole is None or any(p is None for p in parts) or _is_percent_cell(whole):
            continue
        what = (f"{name} (c{c + 1}): rows r{children[0] + 1}-r{children[-1] + 1} of "
                f"'{_label(t, g, parent)}' vs '{_label(other, _geometry(other), r)}' "
                f"(table {other.id} r{r + 1} c{oc + 1})")
        out.append(_sum_check("group_sum", _where_row(t, parent), parts, whole, what))
    return out


# ---------------------------------------------------------------------------------------------
# prose
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Share:
    value: float
    raw: str


@dataclass(frozen=True)
class _Count:
    start: int  # offsets in the paragraph text
    end: int
    value: float
    raw: str
    share: Optional[_Share] = None
    unit: Optional[str] = None  # None when the printed unit is not in the vocabulary (OCR)


@dataclass(frozen=True)
class _Part:
    count: Optional[_Count]
    where: str
    label: str


# A count followed by its share: "8.541 thẻ, chiếm 5,5%", "153.953 người (chiếm 99,2%)"; the unit
# may be OCR-damaged ("80.185 th"), the share says the number is a count. On folded text.
_COUNT_SHARE = re.compile(
    r"""
    (?<![\d.,/])                                 # a whole number, not a date's tail
    (?P<count>\d{1,3}(?:\.\d{3})+|\d+)           # the count: 8.541 / 35
    (?![\d]|[.,/]\d)                             # … ends here
    (?:[ ]+(?P<unit>[a-z]+(?:[ ][a-z]+){0,2}))?  # its unit, maybe OCR-damaged
    [ ]*[,(][ ]*                                 # a comma or an opening parenthesis
    chiem[ ]+                                    # "chiếm" (accounts for)
    (?:ty[ ]le[ ]+)?                             # optional "tỷ lệ"
    (?P<share>\d+(?:,\d+)?)[ ]?%                 # the share: 5,5%
    """,
    re.VERBOSE,
)

# Words that open a list of parts. On folded text.
_OPENER = re.compile(
    r"""
    (?<![a-z])                          # a whole word
    (?P<neg>khong[ ]+)?                 # "không bao gồm": a negation, not a list
    (?P<op>
        trong[ ]do                      # "trong đó": of which (maybe not all parts)
      | bao[ ]gom(?![ ]ca(?![a-z]))     # "bao gồm", not "bao gồm cả" (including also)
      | (?<!bao[ ])gom(?:[ ]co)?(?![ ]ca(?![a-z]))  # "gồm", "gồm có"
    )
    (?![a-z])                           # a whole word
    """,
    re.VERBOSE,
)

# A sentence end: a period (not an ellipsis) before an upper-case word, or the end.
_SENTENCE_END = re.compile(
    r"""
    (?<!\.)[.!?](?!\.)    # one period, not "..."
    (?=\s+\S|\s*$)        # followed by a space (the next char is tested for case) or the end
    """,
    re.VERBOSE,
)

_NOT_COUNT_WORDS = frozenset({"nam", "thang", "ngay", "quy", "khoa", "dieu", "so"})


def _sentence_ends(text: str) -> list[int]:
    ends = []
    for m in _SENTENCE_END.finditer(text):
        rest = text[m.end():].lstrip()
        if not rest or rest[0].isupper():
            ends.append(m.end())
    return ends


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the sentence holding `pos`."""
    ends = _sentence_ends(text)
    start = max((e for e in ends if e <= pos), default=0)
    end = min((e for e in ends if e > pos), default=len(text))
    return start, end


def _counts(text: str) -> list[_Count]:
    """Counts in `text` (numbers with a unit other than %, or followed by "chiếm X%"), in order."""
    folded, offsets = fold_with_offsets(text)
    found: dict[int, _Count] = {}
    for start, end, q in find_quantities(text):
        if q.unit in (None, "%") or q.value is None or q.qualifier is not None:
            continue
        found[start] = _Count(start, end, q.value, q.raw, unit=q.unit)
    for m in _COUNT_SHARE.finditer(folded):
        before = folded[: m.start("count")].split()
        if before and before[-1] in _NOT_COUNT_WORDS:
            continue
        start = offsets[m.start("count")]
        value = parse_number(m["count"])
        if value is None:
            continue
        share_raw = text[offsets[m.start("share")]:offsets[m.end()]]
        share = _Share(parse_number(m["share"]), share_raw)
        # a quantity find_quantities saw may start at the count or include a qualifier before it
        hit = next((k for k, c in found.items() if c.start <= start < c.end), None)
        if hit is not None:
            c = found[hit]
            found[hit] = _Count(c.start, c.end, c.value, c.raw, share, c.unit)
        else:
            end = offsets[m.end("unit")] if m["unit"] else offsets[m.end("count")]
            found[start] = _Count(start, end, value, text[start:end], share)
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class _Opener:
    start: int
    end: int
    exhaustive: bool  # "gồm" lists every part; "trong đó" may not


def _openers(text: str) -> list[_Opener]:
    folded, offsets = fold_with_offsets(text)
    out = []
    for m in _OPENER.finditer(folded):
        if m["neg"]:
            continue
        out.append(_Opener(offsets[m.start("op")], offsets[m.end("op")], not m["op"].startswith("trong")))
    return out


def _total_before(text: str, opener: _Opener, counts: list[_Count]) -> Optional[_Count]:
    """The one count stated in the clause before the opener ("… là 155.163 người …; trong đó")."""
    start, _ = _sentence_bounds(text, opener.start)
    head = text[start:opener.start]
    cut = max(head.rfind(";"), head.rfind(":"))
    if cut >= 0:
        # "A: 80.185 thẻ, chiếm 52,1%, bao gồm" keeps its count; "…; tỷ lệ 85,1%; trong đó" looks back
        clause = [c for c in counts if start + cut < c.start < opener.start]
        if not clause:
            clause = [c for c in counts if start <= c.start < opener.start]
    else:
        clause = [c for c in counts if start <= c.start < opener.start]
    return clause[0] if len(clause) == 1 else None


def _list_end(text: str, after: int) -> int:
    """Where an inline list ends: the sentence end, or the ")" closing a parenthesis it opened in."""
    _, end = _sentence_bounds(text, after)
    depth = text[:after].count("(") - text[:after].count(")")
    if depth > 0:
        close = text.find(")", after)
        if close >= 0:
            end = min(end, close)
    return end


_SPLIT_SEMI = re.compile(
    r"""
    ;             # items separated by semicolons
    """,
    re.VERBOSE,
)
_SPLIT_COMMA = re.compile(
    r"""
    ,[ ]*         # items separated by commas
  | [ ]+và[ ]+    # … and the last one by "và"
  | [ ]+va[ ]+    # … "va" without diacritics (OCR)
    """,
    re.VERBOSE,
)


def _inline_parts(text: str, start: int, end: int, counts: list[_Count], where: str) -> Optional[list[_Part]]:
    """The parts of an inline list text[start:end], one count each; None unless every item is tied."""
    region = text[start:end]
    splitter = _SPLIT_SEMI if ";" in region else _SPLIT_COMMA
    bounds, pos = [], 0
    for m in splitter.finditer(region):
        bounds.append((start + pos, start + m.start()))
        pos = m.end()
    bounds.append((start + pos, end))
    items: list[list[int]] = []  # [start, end] of items holding one count
    pending_start: Optional[int] = None
    for a, b in bounds:
        inside = [c for c in counts if a <= c.start < b]
        if len(inside) > 1:
            return None
        if not inside:
            if items:
                items[-1][1] = b  # "15 trạm y tế xã, phường": a tail of the item before
            elif pending_start is None:
                pending_start = a
            continue
        items.append([pending_start if pending_start is not None else a, b])
        pending_start = None
    parts = []
    for a, b in items:
        count = next(c for c in counts if a <= c.start < b)
        parts.append(_Part(count, where, text[a:b].strip(" :;,.")))
    return parts if len(parts) >= 2 else None


def _group_checks(total: Optional[_Count], total_label: str, parts: list[_Part], exhaustive: bool,
                  where: str) -> list[Check]:
    """rate, share_sum and group_sum for the parts of one stated total."""
    out: list[Check] = []
    with_share = [p for p in parts if p.count is not None and p.count.share is not None]
    # rate: only when the shares are of this total (most of them agree with it)
    if total is not None and total.value > 0 and with_share:
        rates = [_rate_check(p.where, p.count.value, total.value, p.count.share,
                             f"'{p.label[:80]}': {p.count.raw}", f"of {total.raw}")
                 for p in with_share]
        if 2 * sum(c.status == "pass" for c in rates) >= len(rates) and any(c.status == "pass" for c in rates):
            out.extend(rates)
    # share_sum: shares of one whole sum to 100
    if len(with_share) == len(parts) >= 2:
        s = sum(p.count.share.value for p in parts)
        tolerance = sum(half_unit(p.count.share.raw) for p in parts)
        ok = within(s, 100.0, tolerance)
        if ok:
            exhaustive = True  # the parts are all of the whole
        if exhaustive or s > 100 + tolerance + _EPS:
            terms = " + ".join(p.count.share.raw for p in parts)
            msg = (f"shares of {total.raw if total else 'one whole'} ('{total_label[:80]}'): {terms} = "
                   f"{fmt(s, 2)}%, {'within' if ok else 'not'} 100% ± {fmt(tolerance, 2)}")
            out.append(Check(rule="share_sum", status="pass" if ok else "fail", message=msg, where=where,
                             expected=100.0, actual=round(s, 6)))
    # group_sum: the parts of a list that names all of them
    if exhaustive and total is not None and all(p.count is not None for p in parts) and len(parts) >= 2:
        s = sum(p.count.value for p in parts)
        if _other_things(total, [p.count for p in parts], s):
            return out
        ok = within(s, total.value, 0.0)
        terms = " + ".join(fmt(p.count.value) for p in parts)
        msg = (f"'{total_label[:80]}': parts {terms} = {fmt(s)}, "
               + ("matching" if ok else "but") + f" the stated total {total.raw}")
        if not ok:
            msg += f" (difference {_fmt_signed(s - total.value)})"
        out.append(Check(rule="group_sum", status="pass" if ok else "fail", message=msg, where=where,
                         expected=total.value, actual=s))
    return out


def _other_things(total: _Count, parts: list[_Count], s: float) -> bool:
    """Parts in another unit than the total ("12 hội nghị gồm 300 lượt người, 5 đơn vị") may count
    other things: trusted only when their sum is near the total (kinds of one thing: "21 đơn vị
    gồm 03 bệnh viện, …", "153.953 người" of "8.541 thẻ" …)."""
    other_unit = any(p.unit and total.unit and p.unit != total.unit for p in parts)
    return other_unit and not (0.5 * total.value <= s <= 1.5 * total.value)


def _inline_checks(text: str, where: str) -> list[Check]:
    counts = _counts(text)
    out = []
    for op in _openers(text):
        after = op.end
        while after < len(text) and text[after] in " :":
            after += 1
        end = _list_end(text, after)
        if not any(after <= c.start < end for c in counts):
            continue
        total = _total_before(text, op, counts)
        if total is None:
            continue
        parts = _inline_parts(text, after, end, counts, where)
        if parts is None:
            continue
        start, _ = _sentence_bounds(text, op.start)
        out.extend(_group_checks(total, text[start:op.start].strip(), parts, op.exhaustive, where))
    return out


def amount_words_checks(text: str, where: str) -> list[Check]:
    """`amount_words`: "879.000.000đ (Tám trăm bảy mươi chín triệu đồng)" digits vs words."""
    out = []
    for start, _end, value, words in find_amount_in_words(text):
        folded, offsets = fold_with_offsets(text[:start])
        m = _DIGITS_BEFORE_WORDS.search(folded)
        if m is None:
            continue
        digits = parse_number(m["num"])
        if digits is None:
            continue
        scale = _SCALE.get(m["unit"] or "", 1)
        plain = within(value, digits, 0.5)
        ok = plain or within(value, digits * scale, 0.5)
        expected = digits if plain or scale == 1 else digits * scale
        printed = text[offsets[m.start("num")]:offsets[m.end("unit") if m["unit"] else m.end("num")]]
        msg = (f"{printed} in digits is {fmt(expected)}; the words '{words.strip(' *_')}' say "
               f"{fmt(value)}" + ("" if ok else f" (difference {_fmt_signed(value - expected)})"))
        out.append(Check(rule="amount_words", status="pass" if ok else "fail", message=msg, where=where,
                         expected=expected, actual=value))
    return out


_SCALE = {"nghin dong": 1e3, "ngan dong": 1e3, "trieu dong": 1e6, "ty dong": 1e9, "ti dong": 1e9}
_DIGITS_BEFORE_WORDS = re.compile(
    r"""
    (?<![\d.,])(?P<num>\d{1,3}(?:\.\d{3})*(?:,\d+)?)   # the amount in digits: 879.000.000
    [ ]*(?P<unit>d|dong|vnd|nghin[ ]dong|ngan[ ]dong|trieu[ ]dong|ty[ ]dong|ti[ ]dong)?  # its unit
    [ ]*\([ *_]*                                        # the parenthesis and emphasis markup
    (?:bang[ ]chu[ ]*:[ ]*)?                            # an optional "Bằng chữ:" label
    $                                                   # right before the words
    """,
    re.VERBOSE,
)

# ---------------------------------------------------------------------------------------------
# paragraphs and list levels
# ---------------------------------------------------------------------------------------------

_ITEM = re.compile(
    r"""
    ^[ \t_]*                  # indentation, an OCR underscore
    (?P<marker>[-+•–])        # a list marker
    [ \t]+                    # and a space
    """,
    re.VERBOSE,
)
_HEADING = re.compile(
    r"""
    ^[ \t]*
    (?:
        \d{1,2}(?:\.\d{1,2})*[.)]     # 1.  2.1.  3)
      | [IVXLl]{1,5}[.]               # II.  (OCR "Il.")
      | [a-zđ][)]                     # a)
      | PHẦN[ ]                       # PHẦN I
    )
    [ \t]+
    """,
    re.VERBOSE,
)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a page text: a blank line, a list item or a numbered heading starts one;
    other line breaks are wrapped lines and are joined with a space."""
    paras: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                paras.append(" ".join(current))
                current = []
            continue
        if current and (_ITEM.match(line) or _HEADING.match(line)):
            paras.append(" ".join(current))
            current = []
        current.append(line.strip())
    if current:
        paras.append(" ".join(current))
    return paras


def _marker(text: str) -> Optional[str]:
    m = _ITEM.match(text)
    return m["marker"].replace("–", "-") if m else None


def _levels(texts: list[str]) -> list[int]:
    """List depth per paragraph: 0 without a marker; markers numbered in order of first use."""
    order: dict[str, int] = {}
    out = []
    for t in texts:
        mk = _marker(t)
        if mk is None:
            out.append(0)
            continue
        order.setdefault(mk, len(order) + 1)
        out.append(order[mk])
    return out


def _strip_marker(text: str) -> str:
    m = _ITEM.match(text)
    return text[m.end():] if m else text


def _list_parent(text: str) -> Optional[tuple[_Count, _Opener]]:
    """A paragraph announcing the list below it: "…  là 155.163 người …; trong đó:"."""
    body = text.rstrip()
    if not body.endswith(":"):
        return None
    ops = _openers(body)
    if not ops:
        return None
    op = ops[-1]
    if body[op.end:].strip(" :").count(",") or ";" in body[op.end:]:
        return None  # the opener must close the paragraph: "gồm các nhóm đối tượng:"
    if any(op.end <= c.start for c in _counts(body)):
        return None  # an inline list
    total = _total_before(body, op, _counts(body))
    return (total, op) if total is not None else None


def _item_part(text: str, where: str) -> _Part:
    """A list item's own count: the first count, before any opener of a nested list; it must be the
    only one there unless its share ("chiếm X%") ties it."""
    body = _strip_marker(text)
    ops = _openers(body)
    limit = ops[0].start if ops else len(body)
    counts = [c for c in _counts(body) if c.start < limit]
    label = body[: counts[0].start].strip(" :;,.") if counts else body
    if not counts:
        return _Part(None, where, label)
    if len(counts) == 1 or counts[0].share is not None:
        return _Part(counts[0], where, label)
    return _Part(None, where, label)


def checks_for_paragraphs(paragraphs: list[tuple[str, str]]) -> list[Check]:
    """Prose checks over consecutive paragraphs (text, where) in reading order: amount_words, inline
    lists ("gồm 03 bệnh viện, 03 phòng khám và 15 trạm y tế") and lists spread over list items
    ("… là 153.953 người, gồm các nhóm đối tượng:" then "+ Nhóm …: 8.541 thẻ, chiếm 5,5%" …)."""
    texts = [t for t, _ in paragraphs]
    levels = _levels(texts)
    out: list[Check] = []
    for i, (text, where) in enumerate(paragraphs):
        out.extend(amount_words_checks(text, where))
        out.extend(_inline_checks(_strip_marker(text), where))
        parent = _list_parent(_strip_marker(text))
        if parent is None or i + 1 >= len(paragraphs) or levels[i + 1] <= levels[i]:
            continue
        total, op = parent
        child_level = levels[i + 1]
        parts = []
        for j in range(i + 1, len(paragraphs)):
            if levels[j] <= levels[i]:
                break
            if levels[j] == child_level:
                parts.append(_item_part(*paragraphs[j]))
        if len(parts) < 2:
            continue
        label = _strip_marker(text)
        start, _ = _sentence_bounds(label, op.start)
        out.extend(_group_checks(total, label[start:op.start].strip(" ;,"), parts, op.exhaustive, where))
    return out


def checks_for_text(text: str, where: str) -> list[Check]:
    """Prose checks on one text (a paragraph, a footnote body, or a page of lines: see
    `split_paragraphs`); every check gets `where` ("text:pN")."""
    return checks_for_paragraphs([(p, where) for p in split_paragraphs(text)])


# ---------------------------------------------------------------------------------------------
# header vs the "Kèm theo …" caption
# ---------------------------------------------------------------------------------------------

_NUMBER_AFTER_KIND = re.compile(
    r"""
    ^[ ]*(?:so[ ]*:?[ ]*)?        # optional "số" / "số:"
    (?P<num>\d+)                  # the number: 31
    [ ]*(?P<sym>[/-][\w./-]*)?    # its symbol: /KH-UBND
    """,
    re.VERBOSE,
)
_KEM_THEO = "kem theo"


def _annex_citation(caption: str) -> Optional[tuple[str, int, Optional[str]]]:
    """(kind, number, symbol) of "Kèm theo <kind> số N/SYM …"; None without a number."""
    k = key(caption)
    at = k.find(_KEM_THEO)
    if at < 0:
        return None
    rest = k[at + len(_KEM_THEO):].lstrip(" :")
    hit = find_keyword(rest, V.REFERENCE_KINDS)
    if hit is None:
        return None
    kind, s, e = hit
    if len(rest[:s].split()) > 1:
        return None  # the kind must follow "Kèm theo" (one stray word allowed)
    m = _NUMBER_AFTER_KIND.match(rest[e:])
    if m is None:
        return None
    return kind, int(m["num"]), (m["sym"] or None)


_SYMBOL_AT_END = re.compile(
    r"""
    [/-][\w./-]*$    # the symbol after the number: "/kh-ubnd", "-bc/thu"
    """,
    re.VERBOSE,
)


def _ref_symbol(ref: Optional[str]) -> Optional[str]:
    if not ref:
        return None
    m = _SYMBOL_AT_END.search(key(ref).replace(" ", ""))
    return m.group(0) if m else None


def check_header_annex_number(header_number: int | None, header_ref: str | None, doc_type: str | None,
                              captions: list[tuple[str, str]]) -> list[Check]:
    """`header_annex_number`: a "Kèm theo <the document's own kind> số N" caption must cite the
    header's number. No header number: no check."""
    if header_number is None:
        return []
    own_symbol = _ref_symbol(header_ref)
    out = []
    for text, _where in captions:
        cited = _annex_citation(text)
        if cited is None:
            continue
        kind, number, symbol = cited
        same_kind = (key(kind) == key(doc_type)) if doc_type else (
            own_symbol is not None and symbol is not None and symbol.replace(" ", "") == own_symbol)
        if not same_kind:
            continue
        if symbol and own_symbol and symbol.replace(" ", "") != own_symbol:
            continue  # "Kèm theo Kế hoạch 12-KH/TU" under a "…/KH-UBND" header cites another plan
        ok = number == header_number
        msg = (f"header ref is {header_ref or header_number} and the annex caption reads "
               f"\"{text.strip()}\": {number} {'=' if ok else '≠'} {header_number}")
        out.append(Check(rule="header_annex_number", status="pass" if ok else "fail", message=msg,
                         where="header", expected=float(header_number), actual=float(number)))
    return out
