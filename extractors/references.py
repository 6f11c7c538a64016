"""References: every other document the text cites (kind, number, date, issuer, subject).

Citations are found on the diacritic-folded text (so that OCR'd "Ké hoach s6 126/KH-UBND ngay
28/6/2022 ciia …" still parses) and every value is sliced from the original text. Tables of
documents (an issuing-body column, a number column, a date column) give issuer and date per row.
`merge_references` deduplicates across body, footnotes and tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from extractors import vocabulary as V
from extractors.dates import parse_date
from extractors.keywords import key
from extractors.numbers import fold_with_offsets
from extractors.textnorm import clean
from pipeline.record import Prov, Reference

_KIND_KEYS = sorted(((key(k), k) for k in V.REFERENCE_KINDS), key=lambda kv: -len(kv[0]))
_KIND_ALT = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k, _ in _KIND_KEYS)

CITATION = re.compile(
    rf"""
    (?<![a-z])(?P<kind>{_KIND_ALT})             # the document kind (folded)
    (?P<name>(?:\s+[a-z][\w,]*){{0,4}}?)         # a law's name before "số": "Luật BHYT số …"
    \s*
    (?:(?P<so>s[o0ebd6]{{0,2}}):?\s*)?            # "số" (OCR: s6, sb, sé, se6, a lone s)
    (?P<num>
        \d{{1,5}}                               # the number
        (?:\s?[-/]\s?[0-9a-z]+(?:\.[0-9a-z]+)*)*  # its symbol: /UBND, -CT/TW, /2016/NQ-HĐND, -CTr/Th.U
    )
    (?![\d/])
    """,
    re.VERBOSE,
)
DATE_AFTER = re.compile(
    r"""^\s*,?\s*
        (?:ngay|ngdy|ngiy)\s+                        # "ngày"
        (?P<date>\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4}     # 07/9/2009
               |\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})  # 27 tháng 3 năm 2019
    """,
    re.VERBOSE,
)
ISSUER_AFTER = re.compile(
    r"""^\s*,?\s*
        (?:cua|ciia|cia|cta|caa|ctia|ctua)\s+       # "của" (OCR variants)
    """,
    re.VERBOSE,
)
_KIND_START = re.compile(rf"(?:{_KIND_ALT})\s+(?:so\s+)?\d")
SUBJECT_AFTER = re.compile(r"^\s*,?\s*(?=(?:ve|vee)\s)")
# Bodies that start a new clause as its subject: ", Ban Thường vụ … xây dựng" ends a subject.
_CLAUSE_SUBJECT_KEYS = tuple(key(a) for a in (
    "Ban", "Ủy ban", "Uỷ ban", "UBND", "Sở", "Phòng", "Thành ủy", "Tỉnh ủy", "Tỉnh uỷ", "Huyện ủy", "Đảng ủy",
    "Bộ", "Chính phủ", "Thủ tướng", "Hội đồng", "HĐND", "Trung tâm", "Đài"))


_KIND_IN_NAME = re.compile(rf"(?<![a-z])(?:{_KIND_ALT})(?![a-z])")


@dataclass
class Citation:
    ref: Reference
    where: str
    start: int = 0
    self_cite: bool = False


def _is_doc_number(num: str, had_so: bool) -> bool:
    if re.search(r"[-/]", num):
        return not re.fullmatch(r"\d{1,2}/\d{1,2}(/\d{2,4})?", num)  # not a date
    return had_so or len(num) <= 3


def _kind_name(folded_kind: str) -> str:
    fk = re.sub(r"\s+", " ", folded_kind)
    for k, canonical in _KIND_KEYS:
        if k == fk:
            return canonical
    return folded_kind


def _end_of_clause(folded: str, start: int, stop_at_agency: bool) -> int:
    """End of the phrase that starts at `start`: ';', a sentence end, a line end, or ', ' before an
    agency name (the clause's own subject starts there)."""
    i = start
    n = len(folded)
    while i < n:
        c = folded[i]
        if c in ";\n":
            return i
        if c == "." and (i + 1 == n or folded[i + 1] == " " and i + 2 < n and _upper_at(i + 2)):
            return i
        if c == ":" and (i + 1 == n or folded[i + 1] == " "):
            return i
        if stop_at_agency and c == "," and folded[i + 1 : i + 2] == " ":
            rest = folded[i + 2 :]
            if any(rest.startswith(a + " ") for a in _CLAUSE_SUBJECT_KEYS) and _upper_at(i + 2):
                return i
            if _KIND_START.match(rest):
                return i
        if c == " " and folded.startswith(" va ", i) and _KIND_START.match(folded[i + 4:]):
            return i  # "… và Kế hoạch số …": a second citation, not part of this subject
        i += 1
    return n


_UPPER_AT: list = [None]


def _upper_at(i: int) -> bool:
    text = _UPPER_AT[0]
    return bool(text) and i < len(text) and text[i].isupper()


def references_in_text(text: str, where: str, page: Optional[int] = None) -> list[Citation]:
    folded, offs = fold_with_offsets(text)
    _UPPER_AT[0] = "".join(text[offs[i]] for i in range(len(folded)))
    out: list[Citation] = []
    pos0 = 0
    while True:
        m = CITATION.search(folded, pos0)
        if m is None:
            break
        pos0 = m.end()
        num_f = m.group("num")
        name = m.group("name") or ""
        if (name and not m.group("so")) or _KIND_IN_NAME.search(name) or not _is_doc_number(num_f, bool(m.group("so"))):
            # words between kind and number need a "số" and no other kind: "kế hoạch thực hiện Chỉ thị số 38"
            pos0 = m.start("kind") + 1
            continue
        o = lambda i: offs[i]  # noqa: E731 - folded index -> original index
        kind = _kind_name(m.group("kind"))
        number = re.sub(r"\s+", "", text[o(m.start("num")) : o(m.end("num"))])
        pos = m.end()
        date, pos = _date_after(text, folded, offs, pos)
        issuer = None
        im = ISSUER_AFTER.match(folded[pos:])
        if im:
            s = pos + im.end()
            e = _issuer_end(folded, s)
            issuer = clean(text[o(s) : o(e)].rstrip(" ,"))
            pos = e
            if date is None:  # "… của Tỉnh ủy ngày 12/8/2021"
                date, pos = _date_after(text, folded, offs, pos)
        subject = None
        sm = SUBJECT_AFTER.match(folded[pos:])
        if sm is None:
            # "… ngày 25/10/2017 Hội nghị lần thứ sáu … về …": a "về" later in the same clause
            clause_end = _end_of_clause(folded, pos, stop_at_agency=True)
            later = re.search(r"\s(?=(?:ve|vee)\s)", folded[pos:clause_end])
            if later and not _KIND_START.search(folded[pos: pos + later.start()]):
                sm = later
        if sm:
            s = pos + sm.end()
            e = _end_of_clause(folded, s, stop_at_agency=True)
            subject = clean(text[o(s) : o(e)].rstrip(" ,"))
        raw = clean(text[o(m.start()) : o(max(pos, m.end()))])
        ref = Reference(kind=kind, number=number, date=date, issuer=issuer, subject=subject, cited_in=[where],
                        raw=raw, prov=Prov(page=page))
        out.append(Citation(ref=ref, where=where, start=o(m.start())))
    return out


def _date_after(text: str, folded: str, offs: list[int], pos: int) -> tuple[Optional[str], int]:
    """The ISO date of a "ngày …" right at `pos` of the folded text, and the position after it."""
    dm = DATE_AFTER.match(folded[pos:])
    if not dm:
        return None, pos
    return parse_date(text[offs[pos + dm.start("date")]: offs[pos + dm.end("date")]]), pos + dm.end()


def _issuer_end(folded: str, s: int) -> int:
    """The issuer runs up to ' về ', ',', ';', a sentence end, or a following date."""
    e = _end_of_clause(folded, s, stop_at_agency=False)
    seg = folded[s:e]
    cuts = [len(seg)]
    for pat in (r"\s(?:ve|vee)\s", r",", r"\s(?:ngay)\s+\d", r"\s(?:thuc hien|ban hanh|tai)\s",
                r"(?<=\))\s(?=[a-z])"):  # "(khóa XI) một số vấn đề …": the body's name ends at ")"
        mm = re.search(pat, seg)
        if mm:
            cuts.append(mm.start())
    return s + min(cuts)


def references_from_table(header: list[Optional[str]], rows: list[list[Optional[str]]], table_id: str,
                          page: Optional[int] = None) -> list[Citation]:
    """Citations in a table's cells; a table of documents gives issuer and date columns per row."""
    hk = [key(h or "") for h in header]
    issuer_col = next((i for i, h in enumerate(hk) if "co quan" in h or "don vi ban hanh" in h), None)
    date_col = next((i for i, h in enumerate(hk) if h.startswith("ngay") or "ngay thang" in h or "hieu luc" in h), None)
    where = f"table:{table_id}"
    out: list[Citation] = []
    for row in rows:
        for c, cell in enumerate(row):
            if not cell or c in (issuer_col, date_col):
                continue
            cites = references_in_text(cell, where, page)
            if cites and issuer_col is not None:
                first = cites[0].ref
                if first.issuer is None and issuer_col < len(row) and row[issuer_col]:
                    first.issuer = clean(row[issuer_col])
                if first.date is None and date_col is not None and date_col < len(row) and row[date_col]:
                    first.date = parse_date(row[date_col])
            out.extend(cites)
    return out


def _ref_key(r: Reference) -> tuple:
    if r.number:
        return (key(r.kind), key(r.number).replace(" ", ""))
    return (key(r.kind), r.date, key(r.issuer or ""))


def merge_references(citations: list[Citation]) -> list[Reference]:
    """Deduplicate on (kind, number); the first citation gives each field, later ones fill nulls."""
    merged: dict[tuple, Reference] = {}
    for c in citations:
        if c.self_cite:
            continue
        k = _ref_key(c.ref)
        if k not in merged:
            merged[k] = c.ref.model_copy(deep=True)
            continue
        m = merged[k]
        for f in ("date", "issuer", "subject"):
            if getattr(m, f) is None and getattr(c.ref, f) is not None:
                setattr(m, f, getattr(c.ref, f))
        for w in c.ref.cited_in:
            if w not in m.cited_in:
                m.cited_in.append(w)
    return list(merged.values())
