"""Layout: the zones of a document, and what page breaks split joined back.

From the pages of lines a source gives: the header block (issuer, number, place/date, motto), the
document type and title, the body (paragraph blocks and tables in reading order), the footnote
bodies (a body continued on the next page joined), the signature block and the Nơi nhận list.
Body sentences and table rows cut by a page break are joined here, once, for every extractor.
"""
from __future__ import annotations

import re
from typing import Optional

from extractors import vocabulary as V
from extractors.keywords import best_match, key
from extractors.signature import is_stray_line
from extractors.textnorm import collapse, starts_lower
from pipeline.document import Block, FootnoteBody, Layout, Line, SourceDoc, TableBlock

TERMINAL = tuple(".;:!?…”\"')")

# Start of a numbered heading or item: roman, arabic/dotted, letter, part words.
NUMBERED = re.compile(
    r"""^\s*(?:
        (?:[IVXL][IVXLl1|]*)\s*[.:]\s          # roman: I. II. (OCR: Il. I11.)
      | \d{1,2}(?:\.\d{1,2}){0,3}\s?[.)]\s*(?=\S)   # arabic or dotted: 1. 4.3. 2.1. 1)
      | [a-zđ]\)\s                             # letter: a) b)
    )""",
    re.VERBOSE,
)
BULLET = re.compile(r"""
    ^ \s* [_~.,`'‘]{0,2} \s*     # specks an OCR reads before a dash ("_- UBND tỉnh;")
    (?: [-+•–]                   # the bullet
      | [“"~] (?=\s)             # … or an OCR's reading of a dash: a quote or tilde with a space after
    ) \s* (?=\S)
""", re.VERBOSE)


def build_layout(source: SourceDoc) -> Layout:
    layout = Layout()
    lines = [ln for p in source.pages for ln in p.lines if ln.role not in ("page-number",)]
    footnote_lines = [ln for ln in lines if ln.role == "footnote"]
    body_lines = [ln for ln in lines if ln.role != "footnote"]
    layout.footnotes = footnotes_from_lines(footnote_lines)

    start = _split_header(body_lines, layout)
    rest = body_lines[start:]
    zone = _find_signature_zone(rest)
    if zone is not None:
        s, e = zone
        zone_lines = [ln for ln in rest[s:e] if ln.role != "rule"]
        layout.recipient_lines, layout.signature_lines = _split_zone(zone_lines)
        rest = rest[:s] + rest[e:]
    layout.body = blocks_from_lines(rest)
    return layout


# --- footnotes -------------------------------------------------------------------------------

def footnotes_from_lines(lines: list[Line]) -> list[FootnoteBody]:
    """A line starting with a marker opens a body; lines without one continue the last body
    (also across a page break: the continuation at the foot of the next page)."""
    bodies: list[FootnoteBody] = []
    for ln in lines:
        if ln.markers and ln.markers[0].offset == 0:
            bodies.append(FootnoteBody(label=ln.markers[0].label, text=ln.text, lines=[ln]))
        elif bodies:
            bodies[-1].lines.append(ln)
            bodies[-1].text = collapse(bodies[-1].text + " " + ln.text)
        else:
            # a continuation whose start we never saw: keep it, unlabelled
            bodies.append(FootnoteBody(label="?", text=ln.text, lines=[ln]))
    return bodies


# --- header ----------------------------------------------------------------------------------

def _is_doc_type(ln: Line) -> Optional[str]:
    text = ln.text.strip()
    if not text or ln.cells is not None or len(text) > 40:
        return None
    return best_match(text, V.DOC_TYPES, threshold=84)


def _split_header(lines: list[Line], layout: Layout) -> int:
    """Find the doc type line; what precedes it is the header block, what follows it the title."""
    first_page = lines[0].page if lines else 1
    limit = min(len(lines), 40)
    for i in range(limit):
        ln = lines[i]
        if ln.page != first_page:
            break
        if i > 0 and NUMBERED.match(ln.text) and not _looks_like_header_line(ln):
            break
        if _is_doc_type(ln):
            layout.header_lines = [x for x in lines[:i] if x.role != "rule"]
            layout.doc_type_line = ln
            j = i + 1
            title: list[Line] = []
            while j < len(lines):
                t = lines[j]
                if t.role == "rule" or t.cells is not None:
                    if t.role == "rule" and title:
                        j += 1
                    break
                first = next((c for c in t.text if c.isalpha()), "")
                if title and ((t.break_before and not first.islower()) or NUMBERED.match(t.text)):
                    break  # (a line going on in small letters is the title's, whatever its geometry)
                title.append(t)
                j += 1
            layout.title_lines = title
            return j
    # no document type printed: a công văn ("V/v …" under its number) or a header-less text
    header: list[Line] = []
    for i in range(limit):
        ln = lines[i]
        if ln.page != first_page or ln.cells is not None:
            break
        if re.match(r"^\s*V/v\b", ln.text, re.I):
            layout.header_lines = header
            title = [ln]
            j = i + 1
            while j < len(lines) and not lines[j].break_before and lines[j].cells is None:
                title.append(lines[j])
                j += 1
            layout.title_lines = title
            return j
        if not _looks_like_header_line(ln):
            break
        header.append(ln)
    layout.header_lines = [x for x in header if x.role != "rule"]
    return len(header)


def _looks_like_header_line(ln: Line) -> bool:
    t = ln.text.strip()
    k = key(t)
    if ln.role == "rule" or t in ("*", "***", "-"):
        return True
    if re.match(r"^(so|sb|s6)\s*:?\s*\d*\s*/", k) or re.match(r"^(so|sb)\s*:?\s*\d+-", k):
        return True
    if re.search(r",\s*ngay\b", k):
        return True
    if best_match(t, V.MOTTO_LINES, threshold=80):
        return True
    letters = [c for c in t if c.isalpha()]
    return bool(letters) and len(t) < 70 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


# --- signature zone --------------------------------------------------------------------------

def _is_recipients_label(text: str) -> bool:
    # "Nơi nhận", OCR'd "Noi nhgn", "N0i nhan"
    return bool(re.match(r"^\s*(?:#+\s*)?n[o0d]i\s*nh\w{0,3}n\b", key(text)))


def _is_filing_item(text: str) -> bool:
    """The list's last item, "Lưu: VT, …" (where the office files its copy), with or without its dash."""
    return bool(re.match(r"^\s*(?:[-+•]\s*)?luu\b", key(text)))


def _authority_at(text: str) -> Optional[int]:
    """Offset where a T/M, TM., KT. line starts inside `text` (OCR may glue it to another column)."""
    m = re.search(r"(?:^|\s)((?:T/M|T\.M|TM\.?|KT\.?|TL\.|TUQ\.|Q\.)\s+[A-ZĐÀ-Ỹ])", text)
    return m.start(1) if m else None


def _find_signature_zone(lines: list[Line]) -> Optional[tuple[int, int]]:
    start = None
    for i, ln in enumerate(lines):
        if ln.cells is not None:
            continue
        t = ln.text.strip()
        if _is_recipients_label(t) or (_authority_at(t) == 0 and len(t) < 60):
            start = i
            break
    if start is None:
        return None
    # the zone runs while lines look like recipients or signature lines
    end = start
    name_key: Optional[str] = None
    name_box = None
    items_after_name: set[int] = set()
    for j in range(start, len(lines)):
        ln = lines[j]
        t = ln.text.strip()
        if ln.cells is not None:
            break
        if name_key is not None:
            # after the name: the Nơi nhận column beside it goes on, and a repeated name is the same signer
            left_col = bool(name_box and ln.box and ln.box[2] < name_box[0] and ln.page == lines[j - 1].page)
            above = _above_in_column(lines, start, j) or lines[j - 1]  # a repeated name may come between
            item_above = BULLET.match(above.text) or id(above) in items_after_name
            recipient_like = BULLET.match(t) or (item_above and not _is_upper_short(t))
            if key(t) == name_key or is_stray_line(ln):
                end = j + 1
                continue
            if left_col and recipient_like and (_zone_line(ln, above) or (item_above and len(t) < 120)):
                end = j + 1
                items_after_name.add(id(ln))  # an item whose dash the OCR lost, or its next line
                continue
            break
        if j > start and (NUMBERED.match(t) and not BULLET.match(t)):
            break
        if j > start and ln.heading is not None and not _is_recipients_label(t):
            break
        if _zone_line(ln, _above_in_column(lines, start, j)):
            end = j + 1
            if _is_name_like(t) and not BULLET.match(t):
                name_key = key(t)
                name_box = ln.box
        else:
            break
    return start, end


def _above_in_column(lines: list[Line], start: int, j: int) -> Optional[Line]:
    """The zone's line above lines[j] in the same column (Nơi nhận on the left, the signature on the
    right: sorted by height, the two columns interleave, and an item cut at its line end goes on
    under the item, not under the signature line beside it)."""
    ln = lines[j]
    if ln.box is None:
        return lines[j - 1] if j > start else None
    for k in range(j - 1, start - 1, -1):
        b = lines[k].box
        if b is None or lines[k].page != ln.page:
            return lines[k]
        if b[0] < ln.box[2] and ln.box[0] < b[2]:
            return lines[k]
    return None


def _zone_line(ln: Line, prev: Optional[Line]) -> bool:
    t = ln.text.strip()
    if ln.role == "rule" or not any(c.isalnum() for c in t) or is_stray_line(ln):
        return True  # empty, or an OCR's specks ("~", ":", a stroke of the signature read "2") between the zone's lines
    if _is_recipients_label(t) or BULLET.match(t) or _authority_at(t) is not None or _is_filing_item(t):
        return True
    if best_match(t, V.POSITIONS, threshold=80) or _is_upper_short(t):
        return True
    if _is_name_like(t) or _trailing_name(t):
        return True
    # continuation of a recipient item cut at the line end
    if prev is not None and BULLET.match(prev.text) and not prev.text.rstrip().endswith((",", ";", ".")):
        return len(t) < 120
    return False


def _is_upper_short(t: str) -> bool:
    letters = [c for c in t if c.isalpha()]
    return bool(letters) and len(t) <= 60 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")
TRAILING_NAME = re.compile(r"[^\w\s]\s*([A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4})\s*$")


def _is_name_like(t: str) -> bool:
    t = t.strip().strip("*").strip()
    return bool(NAME.match(t)) and len(t.split()) <= 5


def _trailing_name(t: str) -> Optional[str]:
    m = TRAILING_NAME.search(t)
    return m.group(1) if m else None


def _split_zone(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Recipients and signature lines, also when OCR glued the two columns into one line."""
    recipients: list[Line] = []
    signature: list[Line] = []
    for ln in lines:
        t = ln.text.strip()
        if is_stray_line(ln):
            continue  # a stroke of the signature or seal, read as "2" or "Mỹ Í": in neither list
        at = _authority_at(t)
        if at is not None and at > 0 and (BULLET.match(t) or _is_recipients_label(t)):
            recipients.append(_slice(ln, 0, at))
            signature.append(_slice(ln, at, len(ln.text)))
            continue
        name = _trailing_name(t)
        if BULLET.match(t) and name and len(name.split()) >= 3 and not _is_recipients_label(t):
            cut = t.rfind(name)  # an item with the signer's name glued on ("– UBND các xã’ Trần Văn An")
            recipients.append(_slice(ln, 0, cut))
            signature.append(_slice(ln, cut, len(t)))
            continue
        if _is_recipients_label(t) or BULLET.match(t):
            recipients.append(ln)
            continue
        if at == 0 or best_match(t, V.POSITIONS, threshold=80) or _is_upper_short(t) or _is_name_like(t):
            signature.append(ln)
            continue
        name = _trailing_name(t)
        if name:
            cut = t.rfind(name)
            recipients.append(_slice(ln, 0, cut))
            signature.append(_slice(ln, cut, len(t)))
            continue
        recipients.append(ln)
    return recipients, signature


def _slice(ln: Line, a: int, b: int) -> Line:
    return Line(text=ln.text[a:b].strip(), page=ln.page, box=ln.box, size=ln.size, bold=ln.bold,
                confidence=ln.confidence, raw=ln.raw)


# --- body blocks -----------------------------------------------------------------------------

def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def blocks_from_lines(lines: list[Line]) -> list:
    """Paragraph blocks and tables in reading order; cut sentences and table rows joined."""
    out: list = []
    tcount = 0
    for ln in lines:
        if ln.role == "rule":
            if out and isinstance(out[-1], Block):
                out[-1].kind = out[-1].kind  # a rule only ends the paragraph
            out.append(None)
            continue
        if ln.cells is not None:
            last = _last(out)
            if isinstance(last, TableBlock) and out[-1] is last and _same_shape(last, ln):
                last.rows.append(ln)
            else:
                tcount += 1
                out.append(TableBlock(id=f"t{tcount}", rows=[ln], index=len([b for b in out if b is not None])))
            continue
        text = ln.text.strip()
        if not text:
            continue
        last = out[-1] if out else None
        if isinstance(last, Block) and _continues(last, ln):
            last.lines.append(ln)
            last.text = collapse(last.text + " " + text)
            continue
        # a sentence cut by a page break (or a table / footnote between): join it
        prev_para = _last_para(out)
        if (prev_para is not None and starts_lower(text) and not NUMBERED.match(text) and not BULLET.match(text)
                and not _ends_sentence(prev_para.text) and prev_para.heading is None and not _is_heading_block(prev_para)
                and _only_tables_or_nothing_between(out, prev_para)):
            prev_para.lines.append(ln)
            prev_para.text = collapse(prev_para.text + " " + text)
            continue
        out.append(Block(text=text, lines=[ln], bold=ln.bold, heading=ln.heading))
    return [b for b in out if b is not None]


def _last(out: list):
    for b in reversed(out):
        if b is not None:
            return b
    return None


def _last_para(out: list) -> Optional[Block]:
    for b in reversed(out):
        if isinstance(b, Block):
            return b
        if isinstance(b, TableBlock):
            return None
    return None


def _only_tables_or_nothing_between(out: list, para: Block) -> bool:
    return _last(out) is para


def _is_heading_block(b: Block) -> bool:
    return b.bold and len(b.text) < 200 and not starts_lower(b.text)


def _same_shape(table: TableBlock, row: Line) -> bool:
    if table.rows[-1].table_id and row.table_id and table.rows[-1].table_id == row.table_id:
        return True
    return len(table.rows[0].cells or []) == len(row.cells or [])


OCR_SIZE_NOISE = 0.25  # share of the type size by which two OCR'd lines of one paragraph may differ


def _continues(block: Block, ln: Line) -> bool:
    """Whether `ln` continues the paragraph `block` (same paragraph, soft or hard line break)."""
    text = ln.text.strip()
    if ln.heading is not None or block.heading is not None and not ln.hard_break:
        return False
    if ln.break_before:
        return False
    if block.lines[-1].page != ln.page:
        return False
    if BULLET.match(text):
        prev = block.lines[-1].text.rstrip()
        # OCR wraps a range "2022\n- 2025": a dash before a digit continues the line
        return bool(re.match(r"^\s*-\s*\d", text)) and bool(re.search(r"\d$", prev))
    if NUMBERED.match(text) and not ln.hard_break:
        return False
    if ln.box is not None and not ln.hard_break:
        last = block.lines[-1]
        if ln.bold != block.bold:
            return False
        # a change of type size starts a new block (a heading over its subtitle); OCR'd sizes come
        # from word heights, which vary by a fifth along one paragraph (capitals, marks, short lines)
        tolerance = 0.6 if ln.confidence is None else OCR_SIZE_NOISE * max(ln.size or 0, last.size or 0)
        if ln.size and last.size and abs(ln.size - last.size) > tolerance:
            return False
    return True
