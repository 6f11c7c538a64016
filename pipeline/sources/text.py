"""Text renderings (.txt, .md) → pages of lines, with the flags a PDF would give.

Conventions of the renderings (record-contract.md, "Text renderings"): `**bold**`, `<b>`, `*italic*`,
`#` headings, `<sup>N</sup>` footnote markers and bodies, `\\*` for a literal star, `-----` rules,
tab-separated table rows; a line holding only a form feed is a page break. Without form feeds, a
block of footnote bodies ends a page.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

from extractors.textnorm import collapse, nfc, starts_lower
from pipeline.document import Cell, Line, Marker, Page, SourceDoc
from extractors.restore import restore_text, vietnamese_score
from pipeline.sources.errors import SourceError

RESTORE_BELOW = 0.5  # Vietnamese score under which a text's diacritics are taken as lost
RESTORE_MIN_WORDS = 30  # fewer words than this say too little about the language to restore

SUP = re.compile(r"<sup>\s*([^<]{1,4}?)\s*</sup>", re.I)
CHECKBOX = re.compile(r"<input[^>]*type=\"?checkbox\"?[^>]*/?>", re.I)
TAGS = re.compile(r"</?(?:b|i|em|strong|u|br|span)[^>]*>", re.I)
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
HEADING = re.compile(r"^\s*(#{1,6})\s+")
# A footnote body: a marker at the very start of a line, then text.
FOOTNOTE_START = re.compile(r"^\s*<sup>\s*(\d{1,3}|\*)\s*</sup>\s*(?=\S)", re.I)
# "Bold" emphasis glued between two headings on one line: "**II. A****1. B**".
GLUED_BOLD = re.compile(r"\*\*\*\*(?=\S)")
TERMINAL = tuple(".;:!?…”\"')")


def decode_text(data: bytes, file: str) -> tuple[str, list[str]]:
    """Bytes → str. UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 with a warning."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), warnings
    try:
        return data.decode("utf-8-sig"), warnings
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if b"\x00" in data[:4096]:
        raise SourceError(file, "binary data, not a text rendering")
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise SourceError(file, f"not UTF-8 text (invalid byte at offset {bad_at}) and not Windows-1258")
    warnings.append(f"{file}: not valid UTF-8 (byte offset {bad_at}); decoded as Windows-1258")
    return nfc(text), warnings


def strip_markup(text: str) -> str:
    text = CHECKBOX.sub("☐", text)
    text = TAGS.sub("", text)
    text = text.replace("\\*", "\x00")  # a literal star survives the emphasis removal
    text = re.sub(r"\*+", "", text)
    text = text.replace("\x00", "*")
    return text


@dataclass
class _Inline:
    text: str
    markers: list[Marker] = field(default_factory=list)


def inline_to_text(raw: str) -> _Inline:
    """Remove markup; footnote markers become `Marker`s at their offsets in the clean text."""
    out = ""
    markers: list[Marker] = []
    pos = 0
    for m in SUP.finditer(raw):
        out += nfc(strip_markup(raw[pos : m.start()]))  # offsets count composed characters
        markers.append(Marker(label=m.group(1).strip(), offset=len(collapse(out)) if out.strip() else 0))
        pos = m.end()
    out += strip_markup(raw[pos:])
    text = collapse(nfc(out))
    # offsets were counted on the collapsed prefix; clamp to the final text
    for mk in markers:
        mk.offset = min(mk.offset, len(text))
    return _Inline(text, markers)


def _is_bold(raw: str, bold_open: bool) -> tuple[bool, bool]:
    """Whether the whole line is bold, and whether a ** run stays open after it."""
    s = raw.strip()
    stars = len(re.findall(r"(?<!\\)\*\*", s))
    starts = s.startswith("**") or s.startswith("<b>") or bool(re.match(r"^#+\s+\*\*", s))
    ends = s.endswith("**") or s.endswith("</b>")
    whole = (starts and ends) or (bold_open and ends) or (bold_open and stars == 0)
    open_after = bold_open ^ (stars % 2 == 1)
    return whole or (starts and open_after), open_after


_CELL = re.compile(r"(?<=\t)(?P<open><b>|\*\*)?(?P<text>[^\t<>*\n]+?)(?P<close></b>|\*\*)?(?=\t|\n|$)")


def _table_labels_spelled(text: str) -> str:
    """A restored table cell that is a total row's label of the vocabulary but for its marks takes
    the vocabulary's spelling ("Công" → "Cộng", "Tong so" → "Tổng số"): alone in its cell it has
    no context, and the restorer reads it by its commonest syllable."""
    from extractors.restore import fold
    from extractors.vocabulary import TOTAL_WORDS

    labels = {fold(w): w for w in TOTAL_WORDS}

    def spell(m: "re.Match") -> str:
        cell = m.group("text")
        form = labels.get(fold(cell.strip()))
        if form is None or cell.strip() == form:
            return m.group(0)
        if cell.strip().isupper():
            form = form.upper()
        return (m.group("open") or "") + cell.replace(cell.strip(), form) + (m.group("close") or "")

    return _CELL.sub(spell, text)


def text_to_source(data: bytes, file: str, sha256: Optional[str] = None) -> SourceDoc:
    text, warnings = decode_text(data, file)
    sha = sha256 or hashlib.sha256(data).hexdigest()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    printed = text.split("\n")
    score = vietnamese_score(text)
    if score < RESTORE_BELOW and len(re.findall(r"[^\W\d_]{2,}", text)) >= RESTORE_MIN_WORDS:
        # diacritics lost (old OCR, ASCII archive): parse the restored text, keep each printed line as raw
        text = _table_labels_spelled(restore_text(text).text)
        warnings.append(f"{file}: text is not Vietnamese as written (score {score:.2f}): diacritics restored, "
                        "printed text kept as raw")
    lines = _parse_lines(text.split("\n"), printed)
    has_form_feeds = any(ln.role == "page-break" for ln in lines)
    if not has_form_feeds:
        lines = _footnote_blocks_end_pages(lines)
    pages = _split_pages(lines)
    if not any(ln.text for p in pages for ln in p.lines):
        raise SourceError(file, "empty document: no text")
    return SourceDoc(file=file, sha256=sha, media_type="text/plain", pages=pages, warnings=warnings)


def _parse_lines(raw_lines: list[str], printed: Optional[list[str]] = None) -> list[Line]:
    """Lines of the rendering; `printed` (same length) is the text as printed when `raw_lines` is a
    restoration of it: each Line keeps its printed line as `raw`."""
    out: list[Line] = []
    pending_break = True
    pending_hard = False
    bold_open = False
    for index, raw in enumerate(raw_lines):
        if raw.strip(" \t") == "\f":
            out.append(Line(text="", page=0, role="page-break"))
            pending_break = True
            continue
        raw = raw.replace("\f", "")
        if not raw.strip():
            pending_break = True
            pending_hard = False
            bold_open = False
            continue
        if RULE.match(raw):
            out.append(Line(text="", page=0, role="rule", raw=raw))
            pending_break = True
            continue
        hard_next = raw.endswith("  ") or raw.endswith("\\")
        for piece in GLUED_BOLD.sub("**\n**", raw).split("\n"):
            line = _parse_one(piece, bold_open)
            bold_open = line.pop("bold_open")
            ln = Line(page=0, **line)
            if printed is not None and printed[index] != raw:
                ln.raw = printed[index]
            ln.break_before = pending_break
            ln.hard_break = pending_hard and not pending_break
            out.append(ln)
            pending_break = False
            pending_hard = False
        pending_hard = hard_next
    return out


def _parse_one(raw: str, bold_open: bool) -> dict:
    heading = None
    body = raw
    hm = HEADING.match(body)
    if hm:
        heading = len(hm.group(1))
        body = body[hm.end() :]
    if "\t" in body:
        cells = []
        for c in body.split("\t"):
            inl = inline_to_text(c)
            cells.append(Cell(text=inl.text or None, bold=bool(re.search(r"<b>|\*\*", c)), markers=inl.markers))
        text = " ".join(c.text for c in cells if c.text)
        return dict(text=text, cells=cells, role="table", raw=raw, bold_open=False)
    bold, bold_after = _is_bold(body, bold_open)
    italic = bool(re.match(r"^\s*\*[^*].*[^*]\*\s*$", body.strip())) and not bold
    fm = FOOTNOTE_START.match(body)
    role = "body"
    markers: list[Marker] = []
    if fm:
        role = "footnote"
        inl = inline_to_text(body[fm.end() :])
        markers = [Marker(label=fm.group(1), offset=0)] + [m for m in inl.markers]
        text = inl.text
    else:
        inl = inline_to_text(body)
        text, markers = inl.text, inl.markers
    return dict(text=text, bold=bold, italic=italic, heading=heading, markers=markers, role=role, raw=raw,
                bold_open=bold_after)


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    paras: list[list[Line]] = []
    for ln in lines:
        if ln.role in ("page-break", "rule") or ln.break_before or not paras or ln.role == "footnote" and ln.markers:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    return paras


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def _footnote_blocks_end_pages(lines: list[Line]) -> list[Line]:
    """Mark footnote paragraphs and insert page breaks after each block of footnote bodies.

    A block is the footnote paragraphs (starting with a marker) and what continues them: list items
    under a body ending in ':' and lower-case paragraphs while the body is unfinished. A lower-case
    paragraph that follows a cut body sentence while an earlier footnote body is still unfinished is
    that footnote's continuation at the foot of the next page.
    """
    out: list[Line] = []
    in_block = False
    open_footnote: Optional[list[Line]] = None  # the last footnote paragraph, if its body is unfinished
    last_body_text = ""
    carried = 0
    for para in _paragraphs(lines):
        first = para[0]
        text = " ".join(ln.text for ln in para)
        is_list = bool(re.match(r"^\s*[-+•]\s", first.text))
        if first.role == "footnote" and first.markers:
            in_block = True
            open_footnote = para
            carried = 0
        elif in_block and first.role not in ("rule", "page-break") and first.cells is None and (
            (is_list and open_footnote is not None)
            or (starts_lower(first.text) and open_footnote is not None and not _ends_sentence(_text(open_footnote)))
        ):
            for ln in para:
                ln.role = "footnote"
            open_footnote = open_footnote + para
        elif (
            not in_block
            and open_footnote is not None
            and not _ends_sentence(_text(open_footnote))
            and starts_lower(first.text)
            and first.cells is None
            and last_body_text
            and not _ends_sentence(last_body_text)
        ):
            # continuation of an unfinished footnote body at the foot of the next page
            for ln in para:
                ln.role = "footnote"
            open_footnote = open_footnote + para
            in_block = True
        else:
            if in_block:
                out.append(Line(text="", page=0, role="page-break"))
                in_block = False
                carried += 1
                # an unfinished body continues at the foot of the next page only
                if open_footnote is not None and (_ends_sentence(_text(open_footnote)) or carried > 1):
                    open_footnote = None
            if first.role not in ("rule", "page-break"):
                last_body_text = text
        out.extend(para)
    return out


def _text(para: list[Line]) -> str:
    return " ".join(ln.text for ln in para)


def _split_pages(lines: list[Line]) -> list[Page]:
    pages: list[Page] = [Page(number=1, lines=[], mode="text", mode_reason="text rendering")]
    for ln in lines:
        if ln.role == "page-break":
            if pages[-1].lines:
                pages.append(Page(number=len(pages) + 1, lines=[], mode="text", mode_reason="text rendering"))
            continue
        ln.page = pages[-1].number
        pages[-1].lines.append(ln)
    if not pages[-1].lines and len(pages) > 1:
        pages.pop()
    return pages
