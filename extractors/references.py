"""References: every other document the text cites (kind, number, date, issuer, subject).

Citations are found on the diacritic-folded text (so that OCR'd "Ké hoach s6 45/KH-UBND ngay
15/3/2021 ciia …" still parses) and every value is sliced from the original text. Tables of
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
DATED_CITATION = re.compile(
    rf"""
    (?<![a-z])(?P<kind>{_KIND_ALT})             # a document kind without a number …
    (?=\s*,?\s*(?:ngay|ngdy|ngiy)\s+\d)        # … but with its date: "Công văn ngày 03/02/2020"
    """,
    re.VERBOSE,
)
TIME_UNIT_AFTER = re.compile(r"^\s+(?:thang|nam|ngay|quy|tuan|gio)\b")  # "Báo cáo 6 tháng": a duration
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s?-\s?(?:19|20)\d\d")        # "Kế hoạch 2021-2025": a period
# Words that fold to "ve" but are not "về" (bảo vệ, vẽ, vẻ, vế).
NOT_VE = {"vệ", "vẽ", "vẻ", "vế"}


@dataclass
class Citation:
    ref: Reference
    where: str
    start: int = 0
    self_cite: bool = False


def _kind_name(folded_kind: str) -> str:
    fk = re.sub(r"\s+", " ", folded_kind)
    for k, canonical in _KIND_KEYS:
        if k == fk:
            return canonical
    return folded_kind


class _Scan:
    """One text, folded once: regexes run on `folded`, values are sliced from `text`."""

    def __init__(self, text: str):
        self.text = text
        self.folded, self.offs = fold_with_offsets(text)

    def orig(self, a: int, b: int) -> str:
        return self.text[self.offs[a]: self.offs[b]]

    def upper_at(self, i: int) -> bool:
        return i < len(self.folded) and self.text[self.offs[i]].isupper()

    def is_ve(self, i: int) -> bool:
        """Whether the folded word at `i` ("ve") is "về" in the original (not "bảo vệ")."""
        m = re.match(r"\S+", self.text[self.offs[i]:])
        return bool(m) and m.group(0).lower() not in NOT_VE

    def is_abbreviation_before(self, i: int) -> bool:
        """A '.' at `i` that ends an abbreviation ("TP. Hồ Chí Minh"), not a sentence."""
        m = re.search(r"(\S+)$", self.text[: self.offs[i]])
        word = m.group(1) if m else ""
        return bool(re.fullmatch(r"[A-ZĐ][A-Za-zĐđ]{0,2}", word))

    def end_of_clause(self, start: int, stop_at_agency: bool) -> int:
        """End of the phrase at `start`: ';', a sentence end, a line end, ', ' before the clause's own
        subject (an agency) or a second citation, " và <kind> số …"."""
        folded, n, i = self.folded, len(self.folded), start
        while i < n:
            c = folded[i]
            if c in ";\n":
                return i
            if c == "." and (i + 1 == n or (folded[i + 1] == " " and self.upper_at(i + 2)
                                            and not self.is_abbreviation_before(i))):
                return i
            if c == ":" and (i + 1 == n or folded[i + 1] == " "):
                return i
            if c == "," and folded[i + 1: i + 2] == " ":
                rest = folded[i + 2:]
                if stop_at_agency and self.upper_at(i + 2) and any(
                        rest.startswith(a + " ") for a in _CLAUSE_SUBJECT_KEYS):
                    return i
                if stop_at_agency and _KIND_START.match(rest):
                    return i
            if c == " " and folded.startswith(" va ", i) and _KIND_START.match(folded[i + 4:]):
                return i
            i += 1
        return n

    def date_after(self, pos: int) -> tuple[Optional[str], int]:
        """The ISO date of a "ngày …" right at `pos`, and the position after it."""
        dm = DATE_AFTER.match(self.folded[pos:])
        if not dm:
            return None, pos
        return parse_date(self.orig(pos + dm.start("date"), pos + dm.end("date"))), pos + dm.end()

    def issuer_end(self, s: int) -> int:
        """The issuer runs up to ' về ', ',', ';', a sentence end, a date, a verb, or ')' + lower case."""
        e = self.end_of_clause(s, stop_at_agency=False)
        seg = self.folded[s:e]
        cuts = [len(seg)]
        for mm in re.finditer(r"\s(?:ve|vee)\s", seg):
            if self.is_ve(s + mm.start() + 1):
                cuts.append(mm.start())
                break
        for pat in (r",", r"\s(?:ngay)\s+\d", r"\s(?:thuc hien|ban hanh|tai)\s",
                    r"(?<=\))\s(?=[a-z])"):  # "(khóa XI) một số vấn đề …": the body's name ends at ")"
            mm = re.search(pat, seg)
            if mm:
                cuts.append(mm.start())
        return s + min(cuts)

    def tail(self, pos: int) -> tuple[Optional[str], Optional[str], Optional[str], int]:
        """Date, issuer and subject after a citation's number (or kind), and where they end."""
        date, pos = self.date_after(pos)
        issuer = None
        im = ISSUER_AFTER.match(self.folded[pos:])
        if im:
            s = pos + im.end()
            e = self.issuer_end(s)
            issuer = clean(self.orig(s, e).rstrip(" ,"))
            pos = e
            if date is None:  # "… của Tỉnh ủy ngày 15/6/2021"
                date, pos = self.date_after(pos)
        subject = None
        sm = SUBJECT_AFTER.match(self.folded[pos:])
        s = pos + sm.end() if sm and self.is_ve(pos + sm.end()) else None
        if s is None:
            # "… ngày 25/10/2017 Hội nghị lần thứ sáu … về …": a "về" later in the same clause
            clause_end = self.end_of_clause(pos, stop_at_agency=True)
            for later in re.finditer(r"\s(?=(?:ve|vee)\s)", self.folded[pos:clause_end]):
                if _KIND_START.search(self.folded[pos: pos + later.start()]):
                    break
                if self.is_ve(pos + later.end()):
                    s = pos + later.end()
                    break
        if s is not None:
            e = self.end_of_clause(s, stop_at_agency=True)
            subject = clean(self.orig(s, e).rstrip(" ,"))
        return date, issuer, subject, pos

    def kind_is_one_phrase(self, m: re.Match) -> bool:
        """A kind whose first word is lower case but a later word capitalised spans two phrases:
        "thực hiện Pháp lệnh" is not "Hiến pháp"."""
        words = self.orig(m.start("kind"), m.end("kind")).split()
        return not (len(words) > 1 and words[0][:1].islower() and any(w[:1].isupper() for w in words[1:]))


def _is_doc_number(scan: _Scan, m: re.Match) -> bool:
    num, had_so = m.group("num"), bool(m.group("so"))
    if YEAR_RANGE.fullmatch(num):
        return False
    if re.search(r"[-/]", num):
        return not re.fullmatch(r"\d{1,2}/\d{1,2}(/\d{2,4})?", num)  # not a date
    if TIME_UNIT_AFTER.match(scan.folded[m.end("num"):]):
        return False
    return had_so or len(num) <= 3


def _kind_in_name(name: str) -> bool:
    """Another kind between the kind and its number, after other words ("kế hoạch thực hiện Chỉ thị số
    38"), means the number is the inner kind's; right after it ("Thông báo kết luận số") it is one name."""
    m = _KIND_IN_NAME.search(name)
    return bool(m) and bool(name[: m.start()].strip())


def references_in_text(text: str, where: str, page: Optional[int] = None) -> list[Citation]:
    scan = _Scan(text)
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []
    pos0 = 0
    while True:
        m = CITATION.search(scan.folded, pos0)
        if m is None:
            break
        pos0 = m.end()
        name = m.group("name") or ""
        if ((name and not m.group("so")) or _kind_in_name(name) or not _is_doc_number(scan, m)
                or not scan.kind_is_one_phrase(m)):
            pos0 = m.start("kind") + 1  # look again from inside: the real citation may start there
            continue
        number = re.sub(r"\s+", "", scan.orig(m.start("num"), m.end("num")))
        date, issuer, subject, pos = scan.tail(m.end())
        out.append(_citation(scan, m, number, date, issuer, subject, pos, where, page))
        taken.append((m.start(), max(pos, m.end())))
    for m in DATED_CITATION.finditer(scan.folded):
        if any(a <= m.start() < b for a, b in taken) or not scan.kind_is_one_phrase(m):
            continue
        date, issuer, subject, pos = scan.tail(m.end())
        if date is not None:
            out.append(_citation(scan, m, None, date, issuer, subject, pos, where, page))
    out.sort(key=lambda c: c.start)
    return out


def _citation(scan: _Scan, m: re.Match, number: Optional[str], date, issuer, subject, pos: int, where: str,
              page: Optional[int]) -> Citation:
    ref = Reference(kind=_kind_name(m.group("kind")), number=number, date=date, issuer=issuer, subject=subject,
                    cited_in=[where], raw=clean(scan.orig(m.start(), max(pos, m.end()))), prov=Prov(page=page))
    return Citation(ref=ref, where=where, start=scan.offs[m.start()])


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
            if cites:
                first = cites[0].ref
                if first.issuer is None and issuer_col is not None and issuer_col < len(row) and row[issuer_col]:
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
