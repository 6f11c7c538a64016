"""Born-digital PDFs → pages of positioned lines (pdfplumber), streamed page by page.

Per page: words with font name and size; superscript digits (smaller, raised) become footnote
markers; ruled tables (pdfplumber's lattice finder) become rows of cells; the foot-of-page area
below a short rule, in smaller type, is marked as footnotes; page numbers are dropped; lines with
a wide gap (two columns: header block, Nơi nhận beside the signature) are split in two.
The per-page choice between the text layer and OCR is made here, with its reason.
"""
from __future__ import annotations

import io
from typing import Iterator, Optional

from pipeline.document import Line, Page, SourceDoc
from pipeline.record import ErrorItem
from pipeline.sources import pdf_layout
from pipeline.sources.errors import SourceError
from pipeline.sources.pdf_layout import source_from_pages
from pipeline.sources.pdf_layout import (  # noqa: F401  (shared with the PDFium source; names kept here)
    COLUMN_GAP, MIN_TEXT_CHARS, _Word, _assemble, _body_size, _cell_from_chars, _inside, _is_sup,
    _line_from_segment, _lines_from_words, _mark_page_numbers, _mark_paragraph_breaks, _word)

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "intersection_tolerance": 3}


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
    return source_from_pages(open_pdf(data, file, password), file, data, sha256, iter_pages, max_pages)


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
    page.lines = _assemble(lines, table_lines, body_size)
    return page


def _find_tables(pl_page) -> list:
    edges = len(pl_page.lines) + len(pl_page.rects)
    if edges < 6:  # no grid on this page: skip the costly table finder
        return []
    return [t for t in pl_page.find_tables(TABLE_SETTINGS) if len(t.rows) >= 1 and len(t.rows[0].cells) >= 2]  # one row: a table continued from the page before


def _words(pl_page, exclude_boxes) -> list[_Word]:
    out = []
    for w in pl_page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, x_tolerance=1.5,
                                   y_tolerance=2):
        box = (w["x0"], w["top"], w["x1"], w["bottom"])
        if exclude_boxes and _inside(box, exclude_boxes):
            continue
        out.append(_word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"], w.get("fontname", "")))
    return out


def _mark_footnote_area(pl_page, lines: list[Line], body_size: float) -> None:
    """Lines below a short rule in the lower part of the page, in smaller type, are footnotes."""
    pdf_layout._mark_footnote_area(pl_page.lines + pl_page.rects, lines, body_size, float(pl_page.width),
                                   float(pl_page.height))


def _table_top(table) -> float:
    return table.bbox[1]


def _table_rows(pl_page, table, number: int, k: int) -> list[Line]:
    """Rows of a ruled table as lines with cells (text, box, bold, markers)."""
    chars = pl_page.within_bbox(table.bbox).chars if table.bbox else []
    return pdf_layout._rows_to_lines(chars, table.bbox, [(row.cells, row.bbox) for row in table.rows], number, k)
