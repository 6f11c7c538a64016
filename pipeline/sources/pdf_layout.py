"""Page layout from positioned words, shared by the PDF sources (pdfplumber in pdf.py, PDFium in pdfium.py).

Pure functions on plain values: words (`_Word`), characters as dicts with the keys pdfplumber gives
them (text, x0, x1, top, bottom, size, fontname), rules as dicts with x0, x1, top, bottom, and table
rows as (cell boxes or None, row box). Coordinates are pdfplumber's: points, origin top-left.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Optional, Sequence

from extractors.textnorm import collapse, nfc
from pipeline.document import Cell, Line, Marker

MIN_TEXT_CHARS = 20  # fewer characters than this on a page: the text layer is not the page's text
COLUMN_GAP = 36.0  # points of empty space inside a line that separate two columns


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool


def _inside(box, boxes, pad: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return any(b[0] - pad <= cx <= b[2] + pad and b[1] - pad <= cy <= b[3] + pad for b in boxes)


def _word(text: str, x0: float, x1: float, top: float, bottom: float, size: float, fontname: str) -> _Word:
    """A word from the text and font name of its characters (bold / italic from the font name)."""
    font = (fontname or "").lower()
    return _Word(nfc(text), x0, x1, top, bottom, float(size), "bold" in font, "italic" in font or "oblique" in font)


def _body_size(words: list[_Word]) -> float:
    sizes = [round(w.size, 1) for w in words for _ in range(len(w.text))]
    return statistics.mode(sizes) if sizes else 12.0


def _is_sup(w: _Word, base: Optional[_Word], body_size: float) -> bool:
    if not w.text.isdigit() or len(w.text) > 3:
        return False
    small = w.size <= 0.8 * (base.size if base else body_size)
    raised = base is not None and w.bottom < base.bottom - 0.15 * base.size
    return small and (raised or base is None)


def _lines_from_words(words: list[_Word], body_size: float, number: int) -> list[Line]:
    """Group words into lines by baseline, then split a line at wide gaps (columns).

    Baselines, not boxes: a 12.5 pt signature line beside two 10 pt Nơi nhận lines overlaps both
    boxes but shares neither baseline. Superscript digits (small, raised) join the line they sit on.
    """
    small = [w for w in words if w.text.isdigit() and len(w.text) <= 3 and w.size <= 0.8 * body_size]
    normal = sorted((w for w in words if w not in small), key=lambda w: (w.bottom, w.x0))
    rows: list[list[_Word]] = []
    for w in normal:
        for row in reversed(rows[-4:]):
            base = row[0].bottom
            if abs(w.bottom - base) <= 0.35 * min(w.size, row[0].size):
                row.append(w)
                break
        else:
            rows.append([w])
    for w in small:
        best, best_d = None, None
        for row in rows:
            d = row[0].bottom - w.bottom
            x_near = min(r.x0 for r in row) - 20 <= w.x0 <= max(r.x1 for r in row) + 20
            if -1.0 <= d <= 0.7 * row[0].size and x_near and (best_d is None or abs(d) < best_d):
                best, best_d = row, abs(d)
        if best is not None:
            best.append(w)
        else:
            rows.append([w])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        segment: list[_Word] = []
        for w in row:
            if segment and w.x0 - segment[-1].x1 > COLUMN_GAP:
                lines.append(_line_from_segment(segment, body_size, number))
                segment = []
            segment.append(w)
        if segment:
            lines.append(_line_from_segment(segment, body_size, number))
    lines.sort(key=lambda ln: (round(ln.box[1]), ln.box[0]))
    return lines


def _raw_if_different(ws, text: str):
    """The printed words when they differ from the line's text (markers taken out); None otherwise,
    so that a page's lines do not hold their text twice."""
    raw = " ".join(w.text for w in ws)
    return None if raw == text else raw


def _line_from_segment(ws: list[_Word], body_size: float, number: int) -> Line:
    base_words = [w for w in ws if not (w.text.isdigit() and w.size <= 0.8 * body_size)] or ws
    base = max(base_words, key=lambda w: w.size)
    text = ""
    markers: list[Marker] = []
    prev = None
    for w in ws:
        if _is_sup(w, base, body_size) and len(base_words) != len(ws):
            markers.append(Marker(label=w.text, offset=len(text), box=(w.x0, w.top, w.x1, w.bottom)))
            prev = w
            continue
        if text and prev is not None and w.x0 - prev.x1 > 0.8:
            text += " "
        elif text and prev is not None and markers and prev.text == markers[-1].label and w.x0 - prev.x1 > 0.5:
            text += " "
        text += w.text
        prev = w
    text = collapse(text)
    for m in markers:
        m.offset = min(m.offset, len(text))
    letters = [w for w in base_words if any(c.isalpha() for c in w.text)] or base_words
    bold = sum(len(w.text) for w in letters if w.bold) > 0.6 * sum(len(w.text) for w in letters)
    italic = sum(len(w.text) for w in letters if w.italic) > 0.6 * sum(len(w.text) for w in letters)
    box = (min(w.x0 for w in ws), min(w.top for w in ws), max(w.x1 for w in ws), max(w.bottom for w in ws))
    return Line(text=text, page=number, box=box, size=base.size, bold=bold, italic=italic, markers=markers,
                raw=_raw_if_different(ws, text))


def _mark_footnote_area(rulings: Sequence[dict], lines: list[Line], body_size: float, width: float,
                        height: float) -> None:
    """Lines below a short rule in the lower part of the page, in smaller type, are footnotes.

    `rulings` are the page's drawn lines and rectangles (dicts with x0, x1, top, bottom)."""
    rules = [
        ln for ln in rulings
        if abs(ln["top"] - ln["bottom"]) < 2 and 0.08 * width < (ln["x1"] - ln["x0"]) < 0.5 * width
        and ln["top"] > 0.35 * height
    ]
    if not rules:
        return
    rule_top = max(r["top"] for r in rules)
    candidates = [ln for ln in lines if ln.box[1] > rule_top]
    above = [ln.size for ln in lines if ln.box[3] <= rule_top and ln.text.strip()]
    # footnotes are set smaller than the body above the rule (the page may hold more footnote text)
    ref_size = statistics.median(above) if above else body_size
    if candidates and all(ln.size <= ref_size - 0.5 for ln in candidates if ln.text.strip()):
        for ln in candidates:
            ln.role = "footnote"


PAGE_NUMBER = re.compile(r"""
    ^ [\s\-–—"'‘’“”.,:·*]*      # dashes ("- 2 -"), or what an OCR makes of specks and dots
    \d{1,4}                     # the number
    [\s\-–—"'‘’“”.,:·*]* $
""", re.VERBOSE)


def _mark_page_numbers(lines: list[Line], height: float) -> None:
    for ln in lines:
        if PAGE_NUMBER.match(ln.text) and (ln.box[1] < 0.08 * height or ln.box[3] > 0.92 * height) and ln.cells is None:
            ln.role = "page-number"


def _mark_paragraph_breaks(lines: list[Line], body_size: float) -> None:
    prev = None
    left = min((ln.box[0] for ln in lines if ln.cells is None and ln.role == "body"), default=0.0)
    for ln in lines:
        if prev is None:
            ln.break_before = True
        else:
            gap = ln.box[1] - prev.box[3]
            size = ln.size or body_size
            # a first-line indent under a line that starts at the margin (centred lines are not indents)
            indented = (ln.cells is None and prev.cells is None and ln.box[0] > left + 0.8 * size
                        and prev.box[0] <= left + 2 and ln.box[0] > prev.box[0] + 0.8 * size)
            if ln.cells is not None and prev.cells is not None:
                ln.break_before = False  # rows of one table: a page change, not a gap, cuts a row
            else:
                ln.break_before = (gap > 0.45 * size or indented or ln.role != prev.role
                                   or (ln.cells is None) != (prev.cells is None))
        prev = ln


def _assemble(lines: list[Line], table_lines: list[tuple[float, Line]], body_size: float) -> list[Line]:
    """Text lines and table rows (each with its table's top) in reading order, paragraph breaks marked."""
    merged = sorted([(ln.box[1], ln) for ln in lines] + table_lines, key=lambda x: x[0])
    out = [ln for _, ln in merged]
    _mark_paragraph_breaks(out, body_size)
    return out


def _rows_to_lines(chars: list[dict], table_bbox, rows: Sequence[tuple[Sequence, Sequence[float]]], number: int,
                   k: int) -> list[Line]:
    """Rows of a ruled table as lines with cells (text, box, bold, markers).

    `chars` are the characters within the table's box; `rows` are (cell boxes, None where a merged
    cell spans, row box) in pdfplumber's `table.rows` semantics."""
    out = []
    centred = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, c) for c in chars]
    for cells_boxes, row_bbox in rows:
        # the row's box holds its cells: its characters first, then each cell's (same order)
        in_row = [t for t in centred if row_bbox[1] <= t[1] <= row_bbox[3]]
        cells = []
        for cb in cells_boxes:
            if cb is None:
                cells.append(Cell(text=None))
                continue
            cell_chars = [c for cx, cy, c in in_row if cb[0] <= cx <= cb[2] and cb[1] <= cy <= cb[3]]
            cells.append(_cell_from_chars(cell_chars, cb))
        if all(c.text is None for c in cells):
            continue
        box = (table_bbox[0], row_bbox[1], table_bbox[2], row_bbox[3])
        out.append(Line(text=" ".join(c.text for c in cells if c.text), page=number, box=box, cells=cells,
                        role="table", table_id=f"p{number}t{k}"))
    return out


def _cell_from_chars(chars: list, box) -> Cell:
    if not chars:
        return Cell(text=None, box=tuple(box))
    sizes = [c["size"] for c in chars if c["text"].strip()]
    base = statistics.median(sizes) if sizes else 9.0
    lines: dict[int, list] = {}
    for c in sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        key = next((k for k in lines if abs(k - c["bottom"]) < 0.6 * base), None)
        if key is None:
            key = round(c["bottom"])
            lines[key] = []
        lines[key].append(c)
    text_parts, markers = [], []
    for key in sorted(lines):
        row = sorted(lines[key], key=lambda c: c["x0"])
        s, prev = "", None
        for c in row:
            if c["text"].isdigit() and c["size"] <= 0.8 * base:
                markers.append(Marker(label=c["text"], offset=len(" ".join(text_parts + [s]).strip())))
                prev = c
                continue
            if prev is not None and c["x0"] - prev["x1"] > 0.2 * base and not s.endswith(" "):
                s += " "
            s += c["text"]
            prev = c
        text_parts.append(s)
    text = collapse(nfc(" ".join(text_parts)))
    letters = [c for c in chars if c["text"].isalnum()]
    bold = bool(letters) and sum("bold" in c["fontname"].lower() for c in letters) > 0.6 * len(letters)
    return Cell(text=text or None, box=tuple(box), bold=bold, markers=markers)


def source_from_pages(pdf, file: str, data: bytes, sha256, iter_pages, max_pages) -> "SourceDoc":
    """A PDF SourceDoc from an open document and its engine's page iterator (pages streamed one at a
    time; the document closed whatever happens)."""
    import hashlib

    from pipeline.document import SourceDoc
    from pipeline.sources.errors import SourceError

    doc = SourceDoc(file=file, sha256=sha256 or hashlib.sha256(data).hexdigest(), media_type="application/pdf",
                    pages=[])
    try:
        for page in iter_pages(pdf, file, doc, max_pages):
            doc.pages.append(page)
    finally:
        pdf.close()
    if not doc.pages:
        raise SourceError(file, "PDF has no pages")
    return doc
