"""Tables: header rows (multi-level), data rows (rows cut by a page break merged back), column
names, row kinds and parsed cell values. Input is rows of cells from any source."""
from __future__ import annotations

import re
from typing import Optional

from extractors import vocabulary as V
from extractors.keywords import key
from extractors.numbers import is_blank_cell, parse_quantity
from extractors.sections import normalize_roman
from extractors.textnorm import clean
from pipeline.document import Block, Line, TableBlock
from pipeline.record import CellValue, Prov, Table

KEY_HEADERS = ("stt", "tt", "so tt", "so thu tu")
_TOTAL_KEYS = tuple(key(w) for w in V.TOTAL_WORDS)


def _cells(ln: Line) -> list[Optional[str]]:
    return [clean(c.text) for c in (ln.cells or [])]


def _is_number_cell(text: Optional[str]) -> bool:
    if not text:
        return False
    q = parse_quantity(text)
    if q is None or q.value is None:
        return False
    return not (q.unit is None and re.fullmatch(r"(19|20)\d\d", text.strip()))


def merge_cut_rows(rows: list[Line]) -> list[tuple[list[Optional[str]], list[Line]]]:
    """Rows as cell texts; a row cut by a page break (its continuation starts a new page or follows a
    blank line, has an empty first cell, text only where the row had text, and no numbers) is joined."""
    out: list[tuple[list[Optional[str]], list[Line]]] = []
    for ln in rows:
        cells = _cells(ln)
        if out:
            prev_cells, prev_lines = out[-1]
            after_break = ln.break_before or ln.page != prev_lines[-1].page
            width_ok = len(cells) == len(prev_cells)
            only_where_text = all(c is None or (i < len(prev_cells) and prev_cells[i]) for i, c in enumerate(cells))
            if (after_break and width_ok and not cells[0] and any(cells) and only_where_text
                    and not any(_is_number_cell(c) for c in cells) and _reads_on(prev_cells, cells)):
                merged = [
                    clean(f"{p} {c}") if p and c else (p or c) for p, c in zip(prev_cells, cells)
                ]
                out[-1] = (merged, prev_lines + [ln])
                continue
        out.append((cells, [ln]))
    return out


def _reads_on(prev: list[Optional[str]], cont: list[Optional[str]]) -> bool:
    """Whether the cells after a break continue the row before it, rather than being the next
    sibling row of a template ("Nhóm do …" after "Nhóm do …" is a sibling)."""
    for p, c in zip(prev, cont):
        if p and c:
            if c[0].islower():
                return True
            if p.rstrip().endswith((".", ";", ":")):
                return False
            return p.split()[0].lower() != c.split()[0].lower()
    return False


def split_header(rows: list[list[Optional[str]]]) -> int:
    """Number of header rows: the first row, then rows whose first cell is empty and that hold no
    number other than a year."""
    if not rows:
        return 0
    n = 1
    while n < len(rows) and not rows[n][0] and not any(_is_number_cell(c) for c in rows[n]):
        if n + 1 >= len(rows):
            break
        n += 1
    return n


def column_names(header_rows: list[list[Optional[str]]], width: int) -> list[str]:
    """One name per column: header levels joined with ' › '; a spanning group header fills the empty
    cells to its right (within its parent's span), an empty cell under a label is spanned from above."""
    filled = [list(r) + [None] * (width - len(r)) for r in header_rows]
    for r, row in enumerate(filled):
        for j in range(1, width):
            if row[j] is None and row[j - 1] is not None:
                has_below = any(filled[r2][j] for r2 in range(r + 1, len(filled)))
                same_parent = r == 0 or filled[r - 1][j] == filled[r - 1][j - 1]
                if has_below and same_parent:
                    row[j] = row[j - 1]
    names = []
    for j in range(width):
        parts: list[str] = []
        for row in filled:
            if row[j] and (not parts or parts[-1] != row[j]):
                parts.append(row[j])
        names.append(" › ".join(parts))
    return names


def key_column(names: list[str], rows: list[list[Optional[str]]]) -> Optional[int]:
    if names and key(names[0]) in KEY_HEADERS:
        return 0
    firsts = [r[0] for r in rows if r and r[0]]
    if firsts and all(re.fullmatch(r"\d{1,3}\.?|[IVXL]+\.?", f) for f in firsts):
        return 0
    return None


def row_kind(cells: list[Optional[str]], lines: list[Line], kcol: Optional[int], lcol: int) -> str:
    label = cells[lcol] if lcol < len(cells) else None
    if label and key(label).rstrip(":") in _TOTAL_KEYS:
        return "total"
    first = cells[kcol] if kcol is not None else None
    if first and normalize_roman(first.rstrip(".")) and not first.rstrip(".").isdigit():
        return "group"
    bold = lines[0].cells is not None and lcol < len(lines[0].cells) and lines[0].cells[lcol].bold
    values = [c for i, c in enumerate(cells) if i not in (kcol, lcol)]
    if bold and first and not any(_is_number_cell(v) for v in values):
        return "subgroup"
    return "data"


def caption_for(body: list, index: int) -> Optional[Block]:
    """The heading or bold title just above a table ("(Kèm theo …)" lines skipped)."""
    i = index - 1
    note: Optional[Block] = None
    while i >= 0:
        b = body[i]
        if not isinstance(b, Block):
            return None
        t = b.text.strip()
        if not any(ch.isalnum() for ch in t):
            i -= 1  # a rule or dash under the title, as OCR reads it (":", "—"): not a caption
            continue
        if t.startswith("(") and t.endswith(")"):
            if "kem theo" not in key(t) and note is None:
                note = b  # "(đánh dấu x …)" under a caption belongs to it
            i -= 1
            continue
        if len(t) <= 300 and (b.bold or b.heading is not None or _looks_like_caption(t)):
            if note is not None and i == index - 2:
                return Block(text=f"{b.text} {note.text}", lines=b.lines + note.lines, bold=b.bold, heading=b.heading)
            return b
        return None
    return None


def _looks_like_caption(t: str) -> bool:
    k = key(t)
    return bool(re.match(r"^(\d{1,2}(\.\d{1,2})*\.?|[ivx]+\.)\s", k)) or any(
        k.startswith(key(w)) for w in V.CAPTION_WORDS) or t.endswith(":")


def table_from_block(tb: TableBlock, caption: Optional[Block]) -> Table:
    merged = merge_cut_rows(tb.rows)
    all_cells = [c for c, _ in merged]
    width = max(len(c) for c in all_cells)
    all_cells = [c + [None] * (width - len(c)) for c in all_cells]
    nh = split_header(all_cells)
    header_rows, data = all_cells[:nh], all_cells[nh:]
    names = column_names(header_rows, width)
    kcol = key_column(names, data)
    lcol = 0 if kcol is None else 1
    kinds, values = [], []
    for (cells, lines) in merged[nh:]:
        cells = cells + [None] * (width - len(cells))
        boxes = [c.box for c in (lines[0].cells or [])] + [None] * width
        kinds.append(row_kind(cells, lines, kcol, lcol))
        row_vals = []
        for j, c in enumerate(cells):
            if j in (kcol, lcol) or c is None or is_blank_cell(c):
                row_vals.append(None)
                continue
            q = parse_quantity(c)
            row_vals.append(CellValue(value=q.value, unit=q.unit, raw=c, box=boxes[j])
                            if q and q.value is not None else None)
        values.append(row_vals)
    first = tb.rows[0]
    return Table(
        id=tb.id, page=first.page, caption=caption.text if caption else None, header_rows=header_rows,
        rows=data, columns=names, row_kinds=kinds, values=values,
        pages=sorted({ln.page for ln in tb.rows}),
        prov=Prov(page=first.page, box=first.box, confidence=first.confidence),
    )
