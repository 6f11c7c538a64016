"""The model every source meets: pages of positioned lines, and the state the stages fill in.

A `Line` is what a PDF text layer, Tesseract or a text file gives for one printed line: its text
(markup removed, NFC), flags (bold, italic, heading level), footnote markers found in it, and
where the input knows it, a box and an OCR confidence. Table rows carry their cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from pipeline.record import Box, ErrorItem, Prov


@dataclass(slots=True)
class Marker:
    """A footnote marker (superscript digits) at a character offset of its line's text."""

    label: str
    offset: int
    box: Optional[Box] = None


@dataclass(slots=True)
class Cell:
    text: Optional[str]  # None for an empty cell
    box: Optional[Box] = None
    bold: bool = False
    markers: list[Marker] = field(default_factory=list)


@dataclass(slots=True)
class Line:
    text: str
    page: int
    box: Optional[Box] = None
    size: Optional[float] = None
    bold: bool = False
    italic: bool = False
    heading: Optional[int] = None  # markdown '#' level in text renderings
    markers: list[Marker] = field(default_factory=list)
    confidence: Optional[float] = None
    role: str = "body"  # body | footnote (foot-of-page area) | table | rule | page-number
    cells: Optional[list[Cell]] = None  # table rows only
    table_id: Optional[str] = None  # rows of one source table share an id
    break_before: bool = False  # a paragraph break (blank line / vertical gap) precedes this line
    hard_break: bool = False  # the source ended the previous line with an explicit line break
    raw: Optional[str] = None

    @property
    def prov(self) -> Prov:
        return Prov(page=self.page, box=self.box, confidence=self.confidence)


@dataclass
class Page:
    number: int
    lines: list[Line]
    mode: str = "text"  # text-layer | ocr | text
    mode_reason: str = ""
    width: Optional[float] = None
    height: Optional[float] = None
    confidence: Optional[float] = None


@dataclass
class SourceDoc:
    """What a source reader returns."""

    file: str
    sha256: str
    media_type: str
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    ocr: Optional[dict] = None


@dataclass
class Block:
    """A paragraph, heading or list item after layout: lines joined, page breaks mended."""

    text: str
    lines: list[Line]
    kind: str = "para"  # para | table-caption | note
    bold: bool = False
    heading: Optional[int] = None

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def markers(self) -> list[Marker]:
        out: list[Marker] = []
        for ln in self.lines:
            out.extend(ln.markers)
        return out

    @property
    def prov(self) -> Prov:
        return self.lines[0].prov

    def prov_at(self, offset: int) -> Prov:
        """Provenance of the line holding character `offset` of the block's text (lines are joined
        with one space)."""
        pos = 0
        for ln in self.lines:
            pos += len(ln.text.strip()) + 1
            if offset < pos:
                return ln.prov
        return self.lines[-1].prov


@dataclass
class TableBlock:
    """A table after layout: rows of cells, continued across page breaks."""

    id: str
    rows: list[Line]  # lines with cells
    caption: Optional[str] = None
    caption_block: Optional[Block] = None
    index: int = 0  # position among the body blocks: what precedes it

    @property
    def page(self) -> int:
        return self.rows[0].page


@dataclass
class FootnoteBody:
    label: str
    text: str
    lines: list[Line]

    @property
    def pages(self) -> list[int]:
        return sorted({ln.page for ln in self.lines})


@dataclass
class Layout:
    """Zones of the document, in reading order."""

    header_lines: list[Line] = field(default_factory=list)  # issuer block, number, place/date, motto
    doc_type_line: Optional[Line] = None
    title_lines: list[Line] = field(default_factory=list)
    body: list = field(default_factory=list)  # Blocks and TableBlocks in reading order
    footnotes: list[FootnoteBody] = field(default_factory=list)
    signature_lines: list[Line] = field(default_factory=list)
    recipient_lines: list[Line] = field(default_factory=list)


@dataclass
class DocState:
    """The document state the stages pass along; each stage fills its own slot."""

    source: SourceDoc
    layout: Optional[Layout] = None
    parts: dict = field(default_factory=dict)  # stage name -> its output
    warnings: list[str] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
