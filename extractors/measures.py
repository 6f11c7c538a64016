"""Measures: every statistic, from table cells and from prose (indicator, value, unit, period,
scope, actual or target, qualifier), each with its raw text and where it came from."""
from __future__ import annotations

import re
from typing import Optional

from extractors import vocabulary as V
from extractors.dates import year_period
from extractors.keywords import contains_keyword, key
from extractors.numbers import find_quantities
from extractors.textnorm import clean
from pipeline.record import Measure, Prov, Table

UNIT_IN_LABEL = re.compile(
    r"""\(\s*(?P<unit>%|người|thẻ|lượt|hộ|đồng|triệu\s+đồng|tỷ\s+đồng|doanh\s+nghiệp|cơ\s+sở)\s*\)  # "(%)" "(người)"
      | tỷ\s+lệ\s+%                                                                             # "tỷ lệ %"
    """,
    re.VERBOSE | re.I,
)
_LOCALITY_KEYS = tuple(key(w) for w in V.LOCALITY_WORDS)
_LEAD_FILLERS = re.compile(r"^\s*(?:đạt|là|chiếm|trong\s+đó|gồm|với|có|được|và|,|:|;|-|\+)\s*", re.I)
_TRAIL_FILLERS = re.compile(
    r"\s*(?:đạt|là|chiếm|khoảng|trên|dưới|hơn|gần|tối\s+thiểu|tối\s+đa|ít\s+nhất|từ|có|với|tổ\s+chức|"
    r"kiểm\s+tra|được|:|,)\s*$", re.I)


def unit_from_label(label: Optional[str]) -> Optional[str]:
    if not label:
        return None
    m = UNIT_IN_LABEL.search(label)
    if not m:
        return None
    u = m.group("unit")
    return re.sub(r"\s+", " ", u.lower()) if u else "%"


def is_locality_stub(stub_header: Optional[str], labels: list[str]) -> bool:
    if stub_header and any(key(stub_header).startswith(k) for k in _LOCALITY_KEYS if len(k) > 3):
        return True
    named = [lab for lab in labels if lab]
    hits = sum(1 for lab in named if any(key(lab).startswith(k + " ") for k in _LOCALITY_KEYS))
    return bool(named) and hits >= 0.6 * len(named)


def _kind_of(text: str) -> Optional[str]:
    if contains_keyword(text, V.TARGET_WORDS):
        return "target"
    if contains_keyword(text, V.ACTUAL_WORDS):
        return "actual"
    return None


def measures_from_table(table: Table) -> list[Measure]:
    out: list[Measure] = []
    if not table.rows:
        return out
    width = len(table.columns)
    kcol = 0 if table.columns and key(table.columns[0]) in ("stt", "tt", "so tt") else None
    lcol = 0 if kcol is None else 1
    labels = [r[lcol] if lcol < len(r) else None for r in table.rows]
    locality = is_locality_stub(table.columns[lcol] if lcol < width else None, labels)
    caption_kind = _kind_of(table.caption or "")
    parent_label: Optional[str] = None
    for r, (row, vals) in enumerate(zip(table.rows, table.values), start=1):
        label = row[lcol] if lcol < len(row) else None
        numbered = kcol is not None and bool(row[kcol])
        if numbered or kcol is None:
            parent_label = label if numbered else parent_label
            indicator_base = label
        else:
            indicator_base = f"{parent_label} › {label}" if parent_label and label else label
        for c, cv in enumerate(vals, start=1):
            if cv is None or cv.value is None:
                continue
            col = table.columns[c - 1] if c - 1 < width else ""
            leaf = col.split(" › ")[-1] if col else ""
            if locality:
                indicator, scope = leaf or (label or ""), label
            else:
                indicator, scope = indicator_base or leaf, None
            unit = cv.unit or unit_from_label(leaf) or unit_from_label(label)
            kind = _kind_of(col) or caption_kind or "actual"
            qual = None
            m = re.match(r"^\s*(trên|dưới|hơn|khoảng|tối thiểu|tối đa|gần)\s", cv.raw, re.I)
            if m:
                qual = m.group(1).lower()
            out.append(Measure(indicator=clean(indicator) or "", value=cv.value, unit=unit, period=year_period(col),
                               scope=clean(scope), kind=kind, qualifier=qual, raw=cv.raw,
                               source=f"table:{table.id}:r{r}:c{c}", prov=Prov(page=table.page, box=cv.box)))
    return out


def _clause_before(text: str, start: int, floor: int) -> str:
    seg = text[floor:start]
    cut = max(seg.rfind(";"), seg.rfind(". "), seg.rfind(":"), seg.rfind("("), seg.rfind(","))
    if cut >= 0 and len(seg[cut + 1:].split()) >= 2:
        seg = seg[cut + 1:]
    elif cut >= 0:
        # too short after the comma: take the clause before it as well
        prev = seg[:cut]
        cut2 = max(prev.rfind(";"), prev.rfind(". "), prev.rfind(":"), prev.rfind("("))
        seg = seg[cut2 + 1:] if cut2 >= 0 else seg
    seg = re.sub(r"^\s*[-+•]\s*", "", seg)
    for _ in range(3):
        seg = _TRAIL_FILLERS.sub("", seg)
        seg = _LEAD_FILLERS.sub("", seg)
    return clean(seg) or ""


def _clause_after(text: str, end: int) -> str:
    seg = text[end:]
    stop = re.compile(r"[;:.,(]|\s(?:vào|đến|trong|năm|và|trên\s+địa\s+bàn|với)\s")
    pos = 0
    while True:
        m = stop.search(seg, pos)
        if m is None:
            break
        # "các xã, phường …": a comma after one or two words lists, it does not end the clause
        if m.group(0) == "," and len(seg[:m.start()].split()) <= 2:
            pos = m.end()
            continue
        seg = seg[: m.start()]
        break
    return clean(seg) or ""


def _printed_quantity(raw: str, qualifier: Optional[str]) -> str:
    """The number and unit as printed, without the qualifier words around them."""
    if qualifier:
        raw = re.sub(rf"^\s*{re.escape(qualifier)}\s+|\s+{re.escape(qualifier)}\s*$", "", raw, flags=re.I)
    return raw.strip()


RATE_WORDS = re.compile(r"(?:tỷ|tỉ)\s*lệ|mức\s+độ|mức\s+hưởng", re.I)
SPAN_PERIOD = re.compile(
    r"""(?:từ|trong)\s+(?:năm\s+)?(?P<a>\d{4})      # "Từ năm 2009"
        \s*(?:đến|-|–)\s*(?:năm\s+)?(?P<b>\d{4})    # "đến năm 2019"
    """,
    re.VERBOSE | re.I,
)
NOUN_UNITS = ("doanh nghiệp", "hội nghị", "đơn vị", "cơ sở", "bệnh viện", "phòng khám", "trạm y tế")


def measures_from_text(text: str, page: Optional[int], context_kind: Optional[str] = None,
                       doc_year: Optional[int] = None, locate=None) -> list[Measure]:
    """Quantities with a unit in running text; the indicator is the clause they measure.

    A statistic about a year after the document's own is a target ("đến hết năm 2030, 100% …").
    `locate(offset) -> Prov` gives the provenance of a character (its line's page and box)."""
    out: list[Measure] = []
    floor = 0
    sentence_kind = None
    last_indicator = ""
    lead = SPAN_PERIOD.match(text.strip())
    block_period = f"{lead.group('a')}-{lead.group('b')}" if lead else None
    for start, end, q in find_quantities(text):
        sent_start = max(text.rfind(". ", 0, start) + 1, 0)
        sent_end = text.find(". ", end)
        sentence = text[sent_start: sent_end if sent_end >= 0 else len(text)]
        before = _clause_before(text, start, max(floor, sent_start))
        after = _clause_after(text, end)
        lead_word = re.search(r"(chiếm|chiem)\s*$", text[max(0, start - 12):start], re.I)
        only_connectors = not re.sub(r"(?i)\b(?:năm|và|hoặc|đến|vào)\b|\d|[\s,;%]", "", before)
        rate = RATE_WORDS.search(before)
        if (lead_word or (only_connectors and out and out[-1].raw and floor)) and last_indicator:
            indicator = last_indicator  # a share of the count before it, or a second value of one indicator
        elif rate:
            indicator = clean(before[rate.start():]) or before
        elif q.unit == "%" and after and len(after.split()) >= 2:
            indicator = after
        elif q.unit in NOUN_UNITS:
            indicator = clean(f"{q.unit} {after}") if after else q.unit
        else:
            indicator = before or after
        last_indicator = indicator
        sentence_kind = _kind_of(sentence) if contains_keyword(sentence, ("phấn đấu", "mục tiêu", "chỉ tiêu")) else None
        prov = locate(start) if locate else Prov(page=page)
        period = _period_near(text, sent_start, start, end, sent_end) or block_period
        future = doc_year is not None and period is not None and period[:4].isdigit() and int(period[:4]) > doc_year
        kind = sentence_kind or context_kind or ("target" if future else "actual")
        out.append(Measure(indicator=indicator, value=q.value, unit=q.unit, period=period, scope=None, kind=kind,
                           qualifier=q.qualifier, raw=_printed_quantity(text[start:end], q.qualifier),
                           source=f"text:p{prov.page}" if prov.page else "text", prov=prov))
        floor = end
    return out


def _period_near(text: str, sent_start: int, start: int, end: int, sent_end: int) -> Optional[str]:
    """The year right after the number ("96,2% năm 2025"), a span or year earlier in the sentence,
    or a "đến năm 2020" later in the same clause."""
    after = text[end: end + 14]
    m = re.match(r"\s*(?:vào\s+)?(?:năm|nam)\s+(\d{4})", after)
    if m:
        return m.group(1)
    before = text[sent_start:start]
    m = SPAN_PERIOD.search(before)
    if m:
        return f"{m.group('a')}-{m.group('b')}"
    m = re.search(r"(?:đến\s+hết\s+năm|đến\s+năm|năm|giai\s+đoạn)\s+(\d{4}(?:\s*[-–]\s*\d{4})?)", before, re.I)
    if m:
        return year_period(m.group(0))
    clause = text[end: sent_end if sent_end >= 0 else len(text)]
    clause = re.split(r"[;:]", clause, maxsplit=1)[0]
    m = re.search(r"(?:đến\s+hết\s+năm|đến\s+năm|vào\s+năm|trong\s+năm)\s+(\d{4})", clause, re.I)
    if m:
        return m.group(1)
    return None
