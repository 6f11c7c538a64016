"""Header: issuer block, number/symbol, place and date, document type, title.

Works on the header zone's lines. With boxes (PDF, OCR) the issuer is the left column; without
(text), the issuer lines are the upper-case lines before "Số". OCR may glue the two columns into
one line ("UY BAN NHAN DAN CONG HOA XA HOI …"): the motto is cut out by fuzzy alignment.
"""
from __future__ import annotations

import re
from typing import Optional

from rapidfuzz import fuzz

from extractors import vocabulary as V
from extractors.dates import parse_date
from extractors.keywords import best_match, char_keys, key
from extractors.textnorm import clean, collapse, is_upper_text
from pipeline.document import Line
from pipeline.record import Evidence, Header

REF_LINE = re.compile(
    r"""(?:^|\s)
        (?:S[ốoóòỏõọôồổỗộ]|So|SO|SỐ|Sb|S6|S0)   # the label "Số" (OCR: Sb, S6)
        \s*[:.]?\s*                            # optional colon
        (?P<ref>
          (?P<num>\d+)?                        # the number, blank in drafts
          \s*                                  # stray spaces before the symbol
          [-/]\s*[A-Za-zĐđ0-9][\w.]*          # symbol: /KH-UBND, -BC/ThU
          (?:\s*[-/]\s*[A-Za-zĐđ0-9][\w.]*)*   # more parts, stray spaces allowed: /KH- UBND
        )
    """,
    re.VERBOSE,
)
PLACE_DATE = re.compile(
    r"""(?P<place>[^,\n]{2,40}?)\s*,\s*          # place, before the comma
        (?P<date>ng[aà]y\b.*)$                   # "ngày … tháng … năm …" (blank or filled)
    """,
    re.VERBOSE | re.IGNORECASE,
)
LOCALITY_START = ("HUYỆN", "TỈNH", "THÀNH PHỐ", "XÃ", "PHƯỜNG", "QUẬN", "THỊ XÃ", "THỊ TRẤN", "TP.")


TITLE_EDGE_SPECKS = re.compile(r"""
    ^ [-–—_~.·]+ \s+        # a dash before the first word: the rule under the doc type, as OCR reads it
  | (?<=\w) \. $           # a full stop after the last word: a trích yếu ends with none (a speck)
""", re.VERBOSE)
TITLE_TRAILING_SPECK = re.compile(r"""
    \s+ [-–—~_'`.:]+ $    # a dash or dot standing apart after the title's last word: a speck or rule end
""", re.VERBOSE)


def header_from_zone(header_lines: list[Line], doc_type_line: Optional[Line], title_lines: list[Line],
                     page_width: Optional[float] = None) -> Header:
    h = Header()
    ev: dict[str, Evidence] = {}
    pieces = _split_glued_columns(header_lines)

    ref_piece = None
    for ln, text in pieces:
        m = REF_LINE.search(" " + text)
        if m and ref_piece is None:
            raw_ref = m.group("ref")
            h.ref = re.sub(r"\s+", "", raw_ref)
            h.number = int(m.group("num")) if m.group("num") else None
            ev["ref"] = _ev(ln, text)
            ref_piece = (ln, text)
            rest = (" " + text)[m.end():].strip()
            if rest:
                _place_date(h, ev, ln, rest)
            continue
        if h.date is None and h.place is None:
            _place_date(h, ev, ln, text)

    issuer_lines = _issuer_lines(pieces, ref_piece, page_width)
    _set_issuer(h, ev, issuer_lines)

    if doc_type_line is not None:
        dt = best_match(doc_type_line.text, V.DOC_TYPES, threshold=84)
        h.doc_type = dt if dt else clean(doc_type_line.text.upper())
        ev["doc_type"] = _ev(doc_type_line, doc_type_line.text)
    # a rule under the document type, as OCR reads it (":", "—"), is no part of the title
    title_lines = [ln for ln in title_lines if any(c.isalnum() for c in ln.text)]
    if title_lines:
        title = TITLE_TRAILING_SPECK.sub("", clean(" ".join(ln.text for ln in title_lines)))
        h.title = TITLE_EDGE_SPECKS.sub("", title) or title
        ev["title"] = _ev(title_lines[0], " ".join(ln.text for ln in title_lines))
        if h.doc_type is None and re.match(r"^\s*V/v\b", title_lines[0].text, re.I):
            h.doc_type = "CÔNG VĂN"
    h.evidence = ev
    return h


def _ev(ln: Line, raw: str) -> Evidence:
    return Evidence(raw=raw, page=ln.page, box=ln.box, confidence=ln.confidence)


def _place_date(h: Header, ev: dict, ln: Line, text: str) -> None:
    m = PLACE_DATE.search(text)
    if not m:
        return
    place = clean(m.group("place"))
    if place and not re.search(r"\d", place):
        h.place = place
        ev["place"] = _ev(ln, m.group("place"))
    h.date = parse_date(m.group("date"))
    ev["date"] = _ev(ln, m.group("date"))


def _motto_span(text: str) -> Optional[tuple[int, int]]:
    """Where a national motto sits inside `text` (folded, fuzzy), as character offsets."""
    folded = "".join(char_keys(text))
    for motto in V.MOTTO_LINES:
        km = key(motto)
        if len(folded) < 8:
            continue
        al = fuzz.partial_ratio_alignment(km, folded)
        if al is not None and al.score >= 72 and (al.dest_end - al.dest_start) >= 0.6 * len(km):
            return _orig_index(text, al.dest_start), _orig_index(text, al.dest_end)
    return None


def _orig_index(text: str, folded_index: int) -> int:
    total = 0
    for i, c in enumerate(char_keys(text)):
        if total >= folded_index:
            return i
        total += len(c)
    return len(text)


def _split_glued_columns(lines: list[Line]) -> list[tuple[Line, str]]:
    """(line, text) pieces with motto text removed; a glued left/right line becomes its left part
    plus the right part (place/date) as a separate piece."""
    out: list[tuple[Line, str]] = []
    for ln in lines:
        text = ln.text.strip()
        if not text or text in ("*", "***") or set(text) <= set("-_*"):
            continue
        span = _motto_span(text)
        if span:
            left, right = text[: span[0]].strip(), text[span[1]:].strip()
            left = re.sub(r"\s+\S$", "", left)  # one stray letter of the motto left by OCR
            if left:
                out.append((ln, left))
            if right and len(right) > 3:
                out.append((ln, right))
            continue
        out.append((ln, text))
    return out


def _issuer_lines(pieces: list[tuple[Line, str]], ref_piece, page_width: Optional[float]) -> list[tuple[Line, str]]:
    """Upper-case lines of the left column above the number line."""
    out = []
    for ln, text in pieces:
        if ref_piece is not None and ln is ref_piece[0]:
            break
        if page_width and ln.box is not None and (ln.box[0] + ln.box[2]) / 2 > page_width * 0.5:
            continue  # right column: motto and date
        if PLACE_DATE.search(text) or REF_LINE.search(" " + text):
            continue
        if not is_upper_text(text):
            continue
        out.append((ln, text))
    return out


def _set_issuer(h: Header, ev: dict, lines: list[tuple[Line, str]]) -> None:
    if not lines:
        return
    texts = [collapse(t) for _, t in lines]
    if len(texts) == 1:
        h.issuer = texts[0]
        ev["issuer"] = _ev(lines[0][0], texts[0])
        return
    last = texts[-1]
    # "HUYỆN …" continues "ỦY BAN NHÂN DÂN"; "HUYỆN ỦY …" is a party committee, a body of its own
    last_is_locality = any(key(last).startswith(key(w)) for w in LOCALITY_START) and not re.match(
        r"^(huyen|tinh|thanh|thi|quan|xa|phuong)\s+(uy|ủy|uỷ)\b", key(last))
    if last_is_locality and len(texts) == 2:
        # one body printed over two lines: "ỦY BAN NHÂN DÂN" / "HUYỆN …"
        h.issuer = " ".join(texts)
        ev["issuer"] = _ev(lines[0][0], h.issuer)
        return
    h.issuer_parent = texts[0]
    ev["issuer_parent"] = _ev(lines[0][0], texts[0])
    h.issuer = " ".join(texts[1:])
    ev["issuer"] = _ev(lines[1][0], h.issuer)
