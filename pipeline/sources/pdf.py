"""Born-digital PDFs → pages of positioned lines (pdfplumber), streamed page by page.

Per page: words with font name and size; superscript digits (smaller, raised) become footnote
markers; ruled tables (pdfplumber's lattice finder) become rows of cells; the foot-of-page area
below a short rule, in smaller type, is marked as footnotes; page numbers are dropped; lines with
a wide gap (two columns: header block, Nơi nhận beside the signature) are split in two.
The per-page choice between the text layer and OCR is made here, with its reason.
"""
from __future__ import annotations

import hashlib
import io
import statistics
from dataclasses import dataclass
from typing import Iterator, Optional

from extractors.textnorm import collapse, nfc
from pipeline.document import Cell, Line, Marker, Page, SourceDoc
from pipeline.record import ErrorItem
from pipeline.sources.errors import SourceError

MIN_TEXT_CHARS = 20  # fewer characters than this on a page: the text layer is not the page's text
COLUMN_GAP = 36.0  # points of empty space inside a line that separate two columns
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "intersection_tolerance": 3}


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


def open_pdf(data: bytes, file: str, password: Optional[str] = None):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SourceError(file, "not a PDF (no %PDF signature)")
    # pdfminer encodes the password as Latin-1 for RC4/AES-128 files (UTF-8 for AES-256); writers
    # use UTF-8 for a password outside Latin-1, so that spelling is tried next.
    candidates = [password or ""]
    if password and not password.isascii():
        candidates.append(password.encode("utf-8").decode("latin-1"))
    for k, pwd in enumerate(candidates):
        try:
            pdf = pdfplumber.open(io.BytesIO(data), password=pwd)
            _ = len(pdf.pages)
            return pdf
        except (PDFSyntaxError, Exception) as raised:  # pdfminer raises many kinds on damaged files
            exc = _unwrap(raised)
            if k + 1 < len(candidates) and isinstance(exc, (PDFPasswordIncorrect, UnicodeEncodeError)):
                continue
            _raise_open_error(exc, file, password)
    raise AssertionError("unreachable")


def _raise_open_error(exc: BaseException, file: str, password: Optional[str]):
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if isinstance(exc, PDFPasswordIncorrect) or (password and isinstance(exc, UnicodeEncodeError)):
        raise SourceError(file, "encrypted PDF: a password is needed to open it (use --password)"
                          if not password else "encrypted PDF: the password is wrong")
    if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
        raise SourceError(file, f"encrypted PDF that cannot be opened: {exc}")
    raise SourceError(file, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc or 'no detail'})")


def _unwrap(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions in PdfminerException (the original is its first
    argument and its context): the original, so that a wrong password is told from damage."""
    seen = 0
    while type(exc).__name__ == "PdfminerException" and seen < 5:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__context__
        if inner is None:
            break
        exc, seen = inner, seen + 1
    return exc


def pdf_to_source(data: bytes, file: str, password: Optional[str] = None, sha256: Optional[str] = None,
                  max_pages: Optional[int] = None) -> SourceDoc:
    pdf = open_pdf(data, file, password)
    sha = sha256 or hashlib.sha256(data).hexdigest()
    doc = SourceDoc(file=file, sha256=sha, media_type="application/pdf", pages=[])
    try:
        for page in iter_pages(pdf, file, doc, max_pages):
            doc.pages.append(page)
    finally:
        pdf.close()
    if not doc.pages:
        raise SourceError(file, "PDF has no pages")
    return doc


def iter_pages(pdf, file: str, doc: SourceDoc, max_pages: Optional[int] = None) -> Iterator[Page]:
    """Yield one `Page` at a time and release pdfplumber's caches for it (flat memory)."""
    n = len(pdf.pages)
    if max_pages is not None and n > max_pages:
        doc.warnings.append(f"{file}: {n} pages, only the first {max_pages} read (--max-pages)")
        n = max_pages
    for i in range(n):
        pl_page = pdf.pages[i]
        try:
            yield page_to_lines(pl_page, i + 1)
        except Exception as exc:  # one broken page fails alone
            doc.errors.append(ErrorItem(stage="source", page=i + 1, message=f"{file} page {i + 1}: {exc}"))
            yield Page(number=i + 1, lines=[], mode="text-layer", mode_reason=f"page could not be read: {exc}")
        finally:
            pl_page.close()
            pl_page.page_obj = None


def page_to_lines(pl_page, number: int) -> Page:
    chars = pl_page.chars
    text_chars = sum(1 for c in chars if not c["text"].isspace())
    page = Page(number=number, lines=[], mode="text-layer", width=float(pl_page.width),
                height=float(pl_page.height))
    if text_chars < MIN_TEXT_CHARS:
        page.mode_reason = f"text layer has {text_chars} characters (< {MIN_TEXT_CHARS}): needs OCR"
        return page
    page.mode_reason = f"text layer with {text_chars} characters"

    tables = _find_tables(pl_page)
    table_boxes = [t.bbox for t in tables]
    words = _words(pl_page, table_boxes)
    body_size = _body_size(words)
    lines = _lines_from_words(words, body_size, number)
    _mark_footnote_area(pl_page, lines, body_size)
    _mark_page_numbers(lines, float(pl_page.height))
    table_lines = [(_table_top(t), row) for k, t in enumerate(tables) for row in _table_rows(pl_page, t, number, k)]
    merged = sorted([(ln.box[1], ln) for ln in lines] + table_lines, key=lambda x: x[0])
    page.lines = [ln for _, ln in merged]
    _mark_paragraph_breaks(page.lines, body_size)
    return page


def _find_tables(pl_page) -> list:
    edges = len(pl_page.lines) + len(pl_page.rects)
    if edges < 6:  # no grid on this page: skip the costly table finder
        return []
    return [t for t in pl_page.find_tables(TABLE_SETTINGS) if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2]


def _inside(box, boxes, pad: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return any(b[0] - pad <= cx <= b[2] + pad and b[1] - pad <= cy <= b[3] + pad for b in boxes)


def _words(pl_page, exclude_boxes) -> list[_Word]:
    out = []
    for w in pl_page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, x_tolerance=1.5,
                                   y_tolerance=2):
        box = (w["x0"], w["top"], w["x1"], w["bottom"])
        if exclude_boxes and _inside(box, exclude_boxes):
            continue
        font = w.get("fontname", "")
        out.append(_Word(nfc(w["text"]), w["x0"], w["x1"], w["top"], w["bottom"], float(w["size"]),
                         "bold" in font.lower(), "italic" in font.lower() or "oblique" in font.lower()))
    return out


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
                raw=" ".join(w.text for w in ws))


def _mark_footnote_area(pl_page, lines: list[Line], body_size: float) -> None:
    """Lines below a short rule in the lower part of the page, in smaller type, are footnotes."""
    height, width = float(pl_page.height), float(pl_page.width)
    rules = [
        ln for ln in pl_page.lines + pl_page.rects
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
            if ln.markers and ln.markers[0].offset == 0:
                continue


def _mark_page_numbers(lines: list[Line], height: float) -> None:
    for ln in lines:
        if ln.text.strip().isdigit() and len(ln.text.strip()) <= 4 and (ln.box[1] < 0.08 * height or ln.box[3] > 0.92 * height):
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


def _table_top(table) -> float:
    return table.bbox[1]


def _table_rows(pl_page, table, number: int, k: int) -> list[Line]:
    """Rows of a ruled table as lines with cells (text, box, bold, markers)."""
    out = []
    chars = pl_page.within_bbox(table.bbox).chars if table.bbox else []
    for r, row in enumerate(table.rows):
        cells = []
        for cb in row.cells:
            if cb is None:
                cells.append(Cell(text=None))
                continue
            cell_chars = [c for c in chars if cb[0] <= (c["x0"] + c["x1"]) / 2 <= cb[2]
                          and cb[1] <= (c["top"] + c["bottom"]) / 2 <= cb[3]]
            cells.append(_cell_from_chars(cell_chars, cb))
        if all(c.text is None for c in cells):
            continue
        top = min((c.box[1] for c in cells if c.box), default=table.bbox[1])
        box = (table.bbox[0], row.bbox[1], table.bbox[2], row.bbox[3])
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
