"""Find the values the record keeps no box for in the document's own lines.

The record has boxes for header fields, headings, markers, measures, numeric table cells; not for text
cells, footnote bodies, recipients, most references, and nothing at all for text inputs. The source
reader's lines (text, box, cells) are what the extraction read, so a value's printed text is looked up
in them: its lines give the box (PDF pages) or the character spans to highlight (text inputs). What is
not found stays "no box". Pure: lines in, items updated.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from extractors.textnorm import clean
from pipeline.review.boxes import Item, is_restored

Box = tuple[float, float, float, float]
CELL_SEP = " │ "  # between the cells of a table row in the text view
PREFIX = 40  # a long value not found whole is looked for by its first characters (footnote bodies
# continue on the next page, references run on past the cited number)


@dataclass
class SrcLine:
    """One line as the source reader gave it; a table row's text is its cells joined by CELL_SEP, with
    each cell's (start, end, box) in `cells`."""

    text: str
    box: Optional[Box] = None
    raw: Optional[str] = None  # the printed text where it differs (lost diacritics, OCR's reading)
    confidence: Optional[float] = None
    role: str = "body"
    cells: list[tuple[int, int, Optional[Box]]] = field(default_factory=list)

    @property
    def restored(self) -> bool:
        return is_restored(self.text, self.raw)


@dataclass
class SrcPage:
    number: int
    mode: str  # text-layer | ocr | text
    lines: list[SrcLine] = field(default_factory=list)
    width: Optional[float] = None  # points
    height: Optional[float] = None


def _union(boxes: list[Box]) -> Optional[Box]:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _key(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else text  # offsets must stay those of the text


class PageIndex:
    """The page's non-cell lines joined by one space, to find a value that wraps over lines."""

    def __init__(self, page: SrcPage):
        self.page = page
        self.lines = [(i, ln) for i, ln in enumerate(page.lines) if ln.text]
        parts, self.starts = [], []
        pos = 0
        for _, ln in self.lines:
            self.starts.append(pos)
            parts.append(ln.text)
            pos += len(ln.text) + 1
        self.joined = _key(" ".join(parts))
        self.line_starts = set(self.starts)
        self.cells = [(i, k, ln.text[a:b], a, b, box) for i, ln in enumerate(page.lines)
                      for k, (a, b, box) in enumerate(ln.cells)]

    def find(self, needle: str) -> Optional[tuple[int, int]]:
        """The needle's first occurrence that starts a line, else its first occurrence (a place name is
        also part of the issuer's name above it; the place line starts with it)."""
        k = _key(needle)
        first = None
        at = self.joined.find(k)
        while at >= 0:
            if first is None:
                first = at
            if at in self.line_starts:
                return at, at + len(k)
            at = self.joined.find(k, at + 1)
        return None if first is None else (first, first + len(k))

    def spans(self, s: int, e: int) -> list[tuple[int, int, int]]:
        """(line index in the page, start, end) of the joined range [s, e)."""
        out = []
        for (i, ln), st in zip(self.lines, self.starts):
            a, b = max(s, st), min(e, st + len(ln.text))
            if a < b:
                out.append((i, a - st, b - st))
        return out


def _needles(item: Item) -> list[str]:
    out = []
    for n in item.needles:
        n = clean(n)
        if not n:
            continue
        out.append(n)
        if len(n) > PREFIX:
            cut = n[:PREFIX].rsplit(" ", 1)[0]
            out.append(cut)
    return out


def _mark(item: Item, page: SrcPage, spans: list[tuple[int, int, int]], source: str) -> None:
    item.page = item.page or page.number
    lines = [page.lines[i] for i, _, _ in spans]
    if item.box is None:
        box = _union([ln.box for ln in lines])
        if box is not None:
            item.box, item.box_from = box, source
    item.spans = [(page.number, i, a, b) for i, a, b in spans]
    restored = [ln for ln in lines if ln.restored]
    if restored and not item.restored:
        item.restored = True
        item.raw = item.raw if item.raw and item.raw != item.text else " / ".join(ln.raw or "" for ln in restored)
    conf = [ln.confidence for ln in lines if ln.confidence is not None]
    if item.confidence is None and conf:
        item.confidence = min(conf)


def locate(items: list[Item], pages: list[SrcPage]) -> None:
    """Give boxes (or text spans) to the items that lack them, from the source's lines. Table cells
    are matched to the source's cells in reading order; other values by their printed text, on their
    page when known."""
    by_number = {p.number: p for p in pages}
    index = {p.number: PageIndex(p) for p in pages}
    for item in items:
        if item.box is not None and item.box_from is None:
            item.box_from = "record"
    for item in items:  # a boxed cell of a table over several pages: its page is where the source has that box
        if item.kind == "table-cell" and item.box is not None and item.page is None:
            item.page = _page_of_box(item.box, item.pages, index)
            if item.page is None:
                item.box, item.box_from = None, None  # a box without its page cannot be drawn
    cell_used: set[tuple[int, int]] = set()
    cell_pos = (0, -1, -1)  # (page, line, cell) of the last matched cell: cells are matched in order
    for item in items:
        needles = _needles(item)
        if not needles:
            continue
        want_text_spans = item.page is not None and by_number.get(item.page) is not None and \
            by_number[item.page].mode == "text"
        if item.box is not None and not want_text_spans:
            continue
        candidates = [item.page] if item.page else (item.pages or sorted(by_number))
        if item.kind == "table-cell" and item.box is None:
            hit = _find_cell(item, candidates, index, cell_used, cell_pos)
            if hit is not None:
                number, li, k, a, b, box = hit
                cell_pos = (number, li, k)
                cell_used.add(cell_pos)
                if box is not None:
                    item.box, item.box_from = box, "lines"
                _mark(item, by_number[number], [(li, a, b)], "lines")
                continue
        for n in needles:
            found = None
            for number in candidates:
                ix = index.get(number)
                r = ix.find(n) if ix else None
                if r is not None:
                    found = (ix, r)
                    break
            if found:
                ix, (s, e) = found
                _mark(item, ix.page, ix.spans(s, e), "lines")
                break


def _find_cell(item: Item, candidates: list[int], index: dict[int, PageIndex], used: set, pos: tuple):
    """The source cell of a record cell: the first unused one with the same text after the last match
    (reading order), else any unused one on the table's pages (a repeated header, a merged row)."""
    want = _key(clean(item.text) or "")
    for after in (True, False):
        for number in candidates:
            ix = index.get(number)
            for li, k, text, a, b, box in (ix.cells if ix else []):
                at = (number, li, k)
                if at in used or (after and at <= pos):
                    continue
                if _key(clean(text) or "") == want:
                    return number, li, k, a, b, box
    return None


def _page_of_box(box: Box, pages: list[int], index: dict[int, PageIndex]) -> Optional[int]:
    for number in pages:
        ix = index.get(number)
        for _, _, _, _, _, b in (ix.cells if ix else []):
            if b is not None and all(abs(p - q) < 0.5 for p, q in zip(b, box)):
                return number
    return None
