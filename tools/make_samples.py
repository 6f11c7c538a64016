#!/usr/bin/env python3
"""Sample generator for baocao.

Writes into ``samples/``:

* ``NNN_text.txt`` -- byte-identical copies of the five seeds in ``/work/shared/seeds``;
* ``NNN_born_digital.pdf`` for seeds 000, 001, 002, 004 -- A4 PDFs typeset from the seed text with
  reportlab's low-level canvas and a small flow-layout engine of our own (justified paragraphs,
  real superscript footnote markers, footnote bodies at the foot of the page that continue on the
  next page, ruled tables with merged header cells, the two-column header block, the signature
  block beside the "Nơi nhận" list, page numbers at the top centre);
* ``NNN_born_digital.layout.json`` -- the layout truth the generator knows (pages of sections,
  footnotes, tables and the signature).

It also provides helpers for tests and benchmarks (they write nothing committed):
``make_long_pdf``, ``make_encrypted_pdf`` and ``make_corrupt_pdf``.

The generator knows the seeds: per-seed hints (``SEED_HINTS``) say which paragraph continues a
footnote cut by an original page break, which table row is drawn cut across a page break, which
blocks start an annex on a new page, and so on.  The extraction code must not know any of this.

Regenerate with::

    .venv/bin/python tools/make_samples.py

The output is deterministic (reportlab ``invariant=1``): the same bytes on every run.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"  # the project's shared/ lies beside the repository
SAMPLES_DIR = ROOT / "samples"

SEED_FILES = {
    "000": "000_064c36287ce1d9ed.txt",
    "001": "001_bc826bd2a5e95693.txt",
    "002": "002_2571ff96c225effc.txt",
    "003": "003_69ca203426d3105d.txt",
    "004": "004_a31c708f6b5fea5a.txt",
}
PDF_SEEDS = ("000", "001", "002", "004")

# ---------------------------------------------------------------------------------------------
# Per-seed hints.  Prefixes are matched against the first line of a block (raw seed markup).
# ---------------------------------------------------------------------------------------------
SEED_HINTS: dict[str, dict] = {
    "000": {
        # the paragraph continues footnote 1 (cut by the original page break after "kế hoạch phát")
        "fn_continuations": {"triển BHYT giai đoạn 2017": "1"},
        # table row drawn as the seed shows it: cut across a page break, continuation row on top
        # of the next page (table index 0, the continuation row's raw line)
        "keep_cut_rows": ["\t\thội năm 2021\t"],
        "new_page": ["## BIỂU MẪU"],
        "centered": ["## BIỂU MẪU", "**Kèm theo Báo cáo tổng kết"],
    },
    "001": {
        "new_page": ["xây dựng báo cáo tổng kết 10 năm", "**PHỤ LỤC**"],
        "centered": ["xây dựng báo cáo tổng kết 10 năm", "**PHỤ LỤC**", "**Báo cáo tổng kết 10 năm"],
        "bold": ["xây dựng báo cáo tổng kết 10 năm"],
    },
    "002": {
        "new_page": ["**BIỂU GIAO CHỈ TIÊU"],
        "centered": ["**BIỂU GIAO CHỈ TIÊU", "*(Kèm theo Kế hoạch"],
    },
    "004": {
        # the seed lost all bold markup: bold the roman headings and the numbered headings
        "auto_headings": True,
    },
}

# ---------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF = {
    (False, False): "DejaVuSerif",
    (True, False): "DejaVuSerif-Bold",
    (False, True): "DejaVuSerif-Italic",
    (True, True): "DejaVuSerif-BoldItalic",
}
SANS = {
    (False, False): "DejaVuSans",
    (True, False): "DejaVuSans-Bold",
    (False, True): "DejaVuSans-Oblique",
    (True, True): "DejaVuSans-BoldOblique",
}
_FONT_FILES = {
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic": "DejaVuSerif-Italic.ttf",
    "DejaVuSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
_CMAPS: dict[str, set[int]] = {}


def register_fonts() -> None:
    if _CMAPS:
        return
    for name, fname in _FONT_FILES.items():
        f = TTFont(name, str(FONT_DIR / fname))
        pdfmetrics.registerFont(f)
        _CMAPS[name] = set(f.face.charToGlyph.keys())
    from reportlab.lib.fonts import addMapping

    for fam, table in (("DejaVuSerif", SERIF), ("DejaVuSans", SANS)):
        for (b, i), name in table.items():
            addMapping(fam, int(b), int(i), name)


def sw(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


# ---------------------------------------------------------------------------------------------
# Page geometry (A4, Vietnamese administrative layout: left 30 mm, right 15 mm, top/bottom 20 mm)
# ---------------------------------------------------------------------------------------------
MM = 72.0 / 25.4
PAGE_W, PAGE_H = 595.2756, 841.8898
MARGIN_L, MARGIN_R = 30 * MM, 15 * MM
MARGIN_T, MARGIN_B = 20 * MM, 20 * MM
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R
BODY_TOP = PAGE_H - MARGIN_T
BODY_H = PAGE_H - MARGIN_T - MARGIN_B
WIDE_TABLE_X0, WIDE_TABLE_X1 = 15 * MM, PAGE_W - 12 * MM

BODY_SIZE, BODY_LEADING = 12.0, 15.5
PARA_SPACE = 8.0  # extra space between paragraphs (line gap is ~3.5 pt)
FIRST_INDENT = 28.0
FN_SIZE, FN_LEADING = 10.0, 12.0
FN_SEP = 14.0  # space taken by the rule above the footnote area
SUP_RATIO, RISE_RATIO = 7.0 / 12.0, 4.0 / 12.0


# ---------------------------------------------------------------------------------------------
# Inline markup
# ---------------------------------------------------------------------------------------------
@dataclass
class Run:
    text: str
    bold: bool
    italic: bool
    sup: Optional[str] = None  # footnote marker label for a superscript run


_TOK = re.compile(r'(\\\*|\*\*|\*|</?b>|</?i>|<sup>\s*(\d+)\s*</sup>|<input type="checkbox"\s*/?>|\n)')


def parse_inline(s: str, bold: bool = False, italic: bool = False) -> list[Run]:
    runs: list[Run] = []
    tb, ti, bt, it = bold, italic, 0, 0
    pos = 0

    def eff():
        return (tb or bt > 0), (ti or it > 0)

    for m in _TOK.finditer(s):
        if m.start() > pos:
            runs.append(Run(s[pos:m.start()], *eff()))
        tok = m.group(1)
        if tok == "\\*":
            runs.append(Run("*", *eff()))
        elif tok == "**":
            tb = not tb
        elif tok == "*":
            ti = not ti
        elif tok == "<b>":
            bt += 1
        elif tok == "</b>":
            bt = max(0, bt - 1)
        elif tok == "<i>":
            it += 1
        elif tok == "</i>":
            it = max(0, it - 1)
        elif tok.startswith("<sup"):
            runs.append(Run(m.group(2), *eff(), sup=m.group(2)))
        elif tok.startswith("<input"):
            runs.append(Run("☐", *eff()))
        elif tok == "\n":
            runs.append(Run("\n", *eff()))
        pos = m.end()
    if pos < len(s):
        runs.append(Run(s[pos:], *eff()))
    return runs


def plain(s: str) -> str:
    """Text as printed: markup removed, whitespace collapsed."""
    s = re.sub(r"^\s*#+\s*", "", s)
    s = "".join(r.text for r in parse_inline(s) if r.sup is None)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------------------------
# Words and lines
# ---------------------------------------------------------------------------------------------
@dataclass
class Frag:
    text: str
    font: str
    size: float
    rise: float = 0.0
    width: float = 0.0


@dataclass
class Word:
    frags: list[Frag] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    space_font: str = SERIF[(False, False)]
    space_size: float = BODY_SIZE

    @property
    def width(self) -> float:
        return sum(f.width for f in self.frags)

    @property
    def space_w(self) -> float:
        return sw(" ", self.space_font, self.space_size)


BREAK = "BREAK"


@dataclass
class Style:
    size: float = BODY_SIZE
    leading: float = BODY_LEADING
    align: str = "justify"  # justify | left | center
    first_indent: float = 0.0
    left_indent: float = 0.0  # indent of the continuation lines
    bold: bool = False
    italic: bool = False


def _frags(text: str, bold: bool, italic: bool, size: float, rise: float) -> list[Frag]:
    """Split text into fragments by glyph availability (DejaVu Serif, falling back to Sans)."""
    serif, sans = SERIF[(bold, italic)], SANS[(bold, italic)]
    out: list[Frag] = []
    for ch in text:
        font = serif if ord(ch) in _CMAPS[serif] else sans
        if out and out[-1].font == font:
            out[-1].text += ch
        else:
            out.append(Frag(ch, font, size, rise))
    for f in out:
        f.width = sw(f.text, f.font, f.size)
    return out


def words_from_runs(runs: list[Run], style: Style) -> list:
    words: list = []
    cur: Optional[Word] = None
    sup_size = round(style.size * SUP_RATIO, 1)
    rise = round(style.size * RISE_RATIO, 1)
    for run in runs:
        if run.text == "\n":
            if cur:
                words.append(cur)
                cur = None
            words.append(BREAK)
            continue
        if run.sup is not None:
            if cur is None:
                cur = Word(space_font=SERIF[(run.bold, run.italic)], space_size=style.size)
            cur.frags += _frags(run.text, run.bold, run.italic, sup_size, rise)
            cur.refs.append(run.sup)
            continue
        for part in re.split(r"( +)", run.text):
            if not part:
                continue
            if part.isspace():
                if cur:
                    words.append(cur)
                    cur = None
                continue
            if cur is None:
                cur = Word()
            cur.frags += _frags(part, run.bold, run.italic, style.size, 0.0)
            cur.space_font = SERIF[(run.bold, run.italic)]
            cur.space_size = style.size
    if cur:
        words.append(cur)
    return words


@dataclass
class Line:
    words: list[Word]
    last: bool
    indent: float

    @property
    def natural(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.width for w in self.words) + sum(w.space_w for w in self.words[:-1])

    @property
    def refs(self) -> list[str]:
        return [r for w in self.words for r in w.refs]

    @property
    def text(self) -> str:
        return " ".join("".join(f.text for f in w.frags) for w in self.words)


def _split_long_word(word: Word, avail: float) -> list[Word]:
    pieces: list[Word] = []
    cur = Word(space_font=word.space_font, space_size=word.space_size)
    for fr in word.frags:
        for ch in fr.text:
            w = sw(ch, fr.font, fr.size)
            if cur.frags and cur.width + w > avail:
                pieces.append(cur)
                cur = Word(space_font=word.space_font, space_size=word.space_size)
            if cur.frags and cur.frags[-1].font == fr.font and cur.frags[-1].size == fr.size \
                    and cur.frags[-1].rise == fr.rise:
                cur.frags[-1].text += ch
                cur.frags[-1].width += w
            else:
                cur.frags.append(Frag(ch, fr.font, fr.size, fr.rise, w))
    if cur.frags:
        pieces.append(cur)
    if pieces:
        pieces[-1].refs = list(word.refs)
    return pieces


def break_lines(words: list, width: float, style: Style) -> list[Line]:
    lines: list[Line] = []
    cur: list[Word] = []
    cur_w = 0.0
    indent = style.first_indent

    def flush(last: bool):
        nonlocal cur, cur_w, indent
        lines.append(Line(cur, last, indent))
        cur, cur_w, indent = [], 0.0, style.left_indent

    for word in words:
        if word is BREAK:
            flush(True)
            continue
        avail = width - indent
        add = word.width + (cur[-1].space_w if cur else 0.0)
        if cur and cur_w + add > avail + 0.01:
            flush(False)
            avail = width - indent
            add = word.width
        if not cur and word.width > avail + 0.01:
            pieces = _split_long_word(word, avail)
            for p in pieces[:-1]:
                cur = [p]
                flush(False)
            word = pieces[-1]
            add = word.width
        cur.append(word)
        cur_w += add
    if cur or not lines:
        flush(True)
    else:
        lines[-1].last = True
    return lines


def layout_text(markup: str, width: float, style: Style) -> list[Line]:
    runs = parse_inline(markup, style.bold, style.italic)
    return break_lines(words_from_runs(runs, style), width, style)


def draw_line(c, line: Line, x: float, baseline: float, width: float, align: str) -> None:
    if not line.words:
        return
    avail = width - line.indent
    nat = line.natural
    extra, off = 0.0, 0.0
    n = len(line.words)
    if align == "justify" and not line.last and n > 1:
        extra = max(0.0, (avail - nat) / (n - 1))
    elif align == "center":
        off = (avail - nat) / 2
    elif align == "right":
        off = avail - nat
    xx = x + line.indent + off
    for i, word in enumerate(line.words):
        for fr in word.frags:
            t = c.beginText()
            t.setTextOrigin(xx, baseline + fr.rise)
            t.setFont(fr.font, fr.size)
            t.textOut(fr.text)
            c.drawText(t)
            xx += fr.width
        if i < n - 1:
            t = c.beginText()
            t.setTextOrigin(xx, baseline)
            t.setFont(word.space_font, word.space_size)
            t.textOut(" ")
            c.drawText(t)
            xx += word.space_w + extra


def baseline_offset(size: float, leading: float) -> float:
    """Distance from the top of a line box to its baseline."""
    return (leading - size) / 2 + size * 0.86


# ---------------------------------------------------------------------------------------------
# Pagination
# ---------------------------------------------------------------------------------------------
@dataclass
class Item:
    kind: str  # box | space | break
    h: float = 0.0
    draw: Optional[Callable] = None  # draw(c, y_top)
    refs: list[str] = field(default_factory=list)
    keep_next: bool = False
    meta: Optional[dict] = None


@dataclass
class FnLine:
    marker: str
    h: float
    draw: Callable  # draw(c, y_top)


@dataclass
class PageOut:
    number: int
    items: list = field(default_factory=list)  # (Item, y_top)
    fn: list = field(default_factory=list)  # FnLine
    content: bool = False


class Paginator:
    def __init__(self, footnotes: dict[str, list[FnLine]]):
        self.footnotes = footnotes
        self.pages: list[PageOut] = []
        self.pending: list[FnLine] = []
        self.assigned: set[str] = set()
        self.log: list[tuple[dict, int, float]] = []
        self.fn_pages: dict[str, list[int]] = {}
        self.stretch_log: dict[int, float] = {}
        self.y = 0.0
        self.new_page()

    @property
    def page(self) -> PageOut:
        return self.pages[-1]

    def fn_h(self, page: Optional[PageOut] = None) -> float:
        page = page or self.page
        return (FN_SEP if page.fn else 0.0) + sum(f.h for f in page.fn)

    def _put_fn(self, lines: list[FnLine]) -> None:
        for ln in lines:
            self.page.fn.append(ln)
            pages = self.fn_pages.setdefault(ln.marker, [])
            if self.page.number not in pages:
                pages.append(self.page.number)

    def new_page(self) -> None:
        self.pages.append(PageOut(len(self.pages) + 1))
        self.y = 0.0
        if self.pending:
            cap = BODY_H * 0.6
            take = []
            used = FN_SEP
            while self.pending and used + self.pending[0].h <= cap:
                used += self.pending[0].h
                take.append(self.pending.pop(0))
            self._put_fn(take)

    def fits(self, h: float) -> bool:
        return self.y + h + self.fn_h() <= BODY_H + 0.01

    def _place(self, it: Item) -> None:
        self.page.items.append((it, self.y))
        self.y += it.h
        self.page.content = True
        if it.meta:
            self.log.append((it.meta, self.page.number, self.y))

    def _group_h(self, items: list[Item], i: int) -> float:
        h, j = 0.0, i
        while j < len(items):
            it = items[j]
            if it.kind == "break":
                break
            if it.kind == "space":
                h += it.h if j > i else 0.0
            else:
                h += it.h
                if not it.keep_next:
                    break
            j += 1
        return h

    def _place_with_refs(self, it: Item) -> bool:
        new = [m for m in dict.fromkeys(it.refs) if m not in self.assigned and m in self.footnotes]
        lines = [ln for m in new for ln in self.footnotes[m]]
        if self.pending:
            if not self.fits(it.h) and self.page.content:
                return False
            self._place(it)
            self.pending.extend(lines)
            self.assigned.update(new)
            return True
        sep = FN_SEP if not self.page.fn else 0.0
        avail = BODY_H - self.y - it.h - self.fn_h() - sep
        need = sum(ln.h for ln in lines)
        if need <= avail + 0.01:
            self._place(it)
            self._put_fn(lines)
            self.assigned.update(new)
            return True
        k, used = 0, 0.0
        while k < len(lines) and used + lines[k].h <= avail + 0.01:
            used += lines[k].h
            k += 1
        if k >= min(2, len(lines)) or not self.page.content:
            self._place(it)
            self._put_fn(lines[:k])
            self.pending.extend(lines[k:])
            self.assigned.update(new)
            return True
        return False

    def _stretch(self, table: int) -> None:
        """Before a forced break inside a table: let the rows on this page fill it to the foot, so
        that the row before the break ends at the bottom of the page."""
        slack = BODY_H - self.y - self.fn_h()
        self.stretch_log[table] = slack
        rows = [it for it, _ in self.page.items if it.meta and it.meta.get("table") == table and "row" in it.meta]
        if slack <= 0 or not rows:
            return
        per = slack / len(rows)
        shift, out = 0.0, []
        for it, y in self.page.items:
            out.append((it, y + shift))
            if it in rows:
                it.h += per
                shift += per
        self.page.items = out
        self.y += slack

    def run(self, items: list[Item]) -> None:
        i = 0
        while i < len(items):
            it = items[i]
            if it.kind == "break":
                if it.meta and "stretch_table" in it.meta:
                    self._stretch(it.meta["stretch_table"])
                if self.page.content:
                    self.new_page()
                i += 1
                continue
            if it.kind == "space":
                if self.page.content:
                    if self.fits(it.h):
                        self.y += it.h
                    else:
                        self.new_page()
                i += 1
                continue
            group = self._group_h(items, i)
            if group > BODY_H * 0.5:
                group = it.h
            if self.page.content and not self.fits(group):
                self.new_page()
                continue
            if it.refs:
                if not self._place_with_refs(it):
                    self.new_page()
                    continue
            else:
                if self.page.content and not self.fits(it.h):
                    self.new_page()
                    continue
                self._place(it)
            i += 1
        while self.pending:
            self.new_page()


# ---------------------------------------------------------------------------------------------
# Seed parsing
# ---------------------------------------------------------------------------------------------
@dataclass
class El:
    kind: str  # para | heading | item | center | rule | table | break
    text: str = ""
    tight: bool = False  # list item directly under the previous one (no blank line)
    rows: list = field(default_factory=list)  # table rows (raw cells)
    cut_before: set = field(default_factory=set)  # table: rows drawn after a forced page break
    level: int = 0
    bold: bool = False
    keep_next: bool = False


@dataclass
class Doc:
    key: str
    header: dict
    body: list[El]
    footnotes: dict[str, list[str]]  # marker -> paragraphs (raw markup)
    closing: Optional[dict]


def split_blocks(text: str) -> list[list[str]]:
    blocks, cur = [], []
    for line in text.split("\n"):
        if line.strip() == "":
            if cur:
                blocks.append(cur)
                cur = []
        else:
            cur.append(line.rstrip())
    if cur:
        blocks.append(cur)
    return blocks


_BULLET = re.compile(r"^\s*(?:-\s+(?=\+\s)|)([-+])\s+")
_NUMBERED = re.compile(r"^(?:PHẦN\s+[IVXLC]+|[IVXLC]+\.|\d+(?:\.\d+)*\.?(?=\s)|[a-zđ]\))\s*")
_MOTTO = re.compile(r"CỘNG HÒA|CỘNG HOÀ|ĐẢNG CỘNG SẢN|Độc lập")
_DOCTYPES = {"BÁO CÁO", "KẾ HOẠCH", "CÔNG VĂN", "QUYẾT ĐỊNH", "THÔNG BÁO", "TỜ TRÌNH", "CHƯƠNG TRÌNH"}


def _is_bullet(line: str) -> bool:
    return bool(re.match(r"^\s*(-|\+)\s+", line))


def _bullet_text(line: str) -> str:
    s = line.strip()
    m = re.match(r"^-\s+(\+\s+.*)$", s)  # markdown nesting artefact "- + text"
    return m.group(1) if m else s


def _whole_bold(s: str) -> bool:
    return s.startswith("**") and s.endswith("**") and len(s) > 4 and "**" not in s[2:-2]


def _starts(block: list[str], prefixes) -> bool:
    first = block[0]
    return any(first.startswith(p) or first.strip().startswith(p) for p in prefixes)


def parse_seed(key: str, text: str) -> Doc:
    hints = SEED_HINTS.get(key, {})
    text = unicodedata.normalize("NFC", text.replace("\r", ""))
    blocks = split_blocks(text)

    # ---- header and title
    i_doc = next(i for i, b in enumerate(blocks) if plain(b[0]) in _DOCTYPES)
    header = {"issuer": [], "star": False, "so": None, "motto": [], "date": None}
    for b in blocks[:i_doc]:
        for line in b:
            p = plain(line)
            if not p:
                continue
            if p == "*":
                header["star"] = True
            elif re.match(r"^Số\b", p):
                header["so"] = p
            elif ", ngày" in p:
                header["date"] = p
            elif _MOTTO.search(p):
                header["motto"].append(p)
            else:
                header["issuer"].append(p)
    header["doc_type"] = plain(blocks[i_doc][0])
    header["title"] = [plain(line) for line in blocks[i_doc + 1] if plain(line)]
    i = i_doc + 2
    if i < len(blocks) and blocks[i][0].strip() == "-----":
        i += 1
    rest = blocks[i:]

    # ---- closing (Nơi nhận + signature): the "Nơi nhận" block, the list, authority, name
    closing = None
    i_close = next((k for k, b in enumerate(rest) if plain(b[0]).startswith("Nơi nhận")), None)
    annex: list[list[str]] = []
    if i_close is not None:
        cb = rest[i_close:i_close + 4]
        title = re.sub(r"^\s*#+\s*", "", cb[0][0]).strip()
        closing = {
            "title": title,
            "items": [_bullet_text(x)[2:].strip() if _bullet_text(x).startswith("- ") else plain(x)
                      for x in cb[1]],
            "authority": [plain(x) for x in cb[2]],
            "name": [x.strip() for x in cb[3]],
        }
        annex = rest[i_close + 4:]
        rest = rest[:i_close]

    footnotes: dict[str, list[str]] = {}
    body = classify(rest, hints, footnotes)
    if annex:
        body.append(El("break"))
        body += classify(annex, hints, footnotes)
    body = join_cut_paragraphs(body)
    if hints.get("auto_headings"):
        body = auto_headings(body)
    for k, el in enumerate(body):
        if el.kind in ("heading", "para", "center") and k + 1 < len(body) and body[k + 1].kind == "table":
            el.keep_next = True
    return Doc(key, header, body, footnotes, closing)


def classify(blocks: list[list[str]], hints: dict, footnotes: dict[str, list[str]]) -> list[El]:
    out: list[El] = []
    fn_cont = hints.get("fn_continuations", {})
    centered = hints.get("centered", [])
    new_page = hints.get("new_page", [])
    bold_blocks = hints.get("bold", [])
    keep_cut = hints.get("keep_cut_rows", [])
    last_fn: Optional[str] = None
    i = 0
    while i < len(blocks):
        b = blocks[i]
        first = b[0].strip()
        if _starts(b, new_page) and out:
            out.append(El("break"))
        # footnote continuation (hinted)
        cont = next((m for p, m in fn_cont.items() if first.startswith(p)), None)
        if cont is not None:
            footnotes[cont][-1] += " " + " ".join(x.strip() for x in b)
            i += 1
            continue
        # tables (consecutive tab blocks form one table; blank lines were original page breaks)
        if any("\t" in x for x in b):
            rows: list[list[str]] = []
            cut_before: set[int] = set()
            seg_starts: list[tuple[int, str]] = []
            while i < len(blocks) and any("\t" in x for x in blocks[i]):
                for n, line in enumerate(blocks[i]):
                    cells = [c.strip() for c in line.split("\t")]
                    if n == 0 and rows:
                        seg_starts.append((len(rows), line))
                    rows.append(cells)
                i += 1
            nc = max(len(r) for r in rows)
            rows = [r + [""] * (nc - len(r)) for r in rows]
            # rows cut by the original page breaks: merge, unless the hints keep them cut
            merged: list[list[str]] = []
            for idx, row in enumerate(rows):
                seg = next((ln for s, ln in seg_starts if s == idx), None)
                prev = merged[-1] if merged else None
                is_cont = (seg is not None and prev is not None and row[0] == ""
                           and not any(re.fullmatch(r"[\d.,%\s-]+", plain(c)) for c in row)
                           and all(not c or prev[k] for k, c in enumerate(row)) and any(row))
                if is_cont and seg.strip() in [k.strip() for k in keep_cut]:
                    cut_before.add(len(merged))
                    merged.append(row)
                elif is_cont:
                    for k, c in enumerate(row):
                        if c:
                            prev[k] = (prev[k] + " " + c).strip()
                else:
                    merged.append(row)
            out.append(El("table", rows=merged, cut_before=cut_before))
            last_fn = None
            continue
        if first == "-----":
            out.append(El("rule"))
            i += 1
            continue
        # footnote bodies
        if re.match(r"^<sup>\s*\d+\s*</sup>", first):
            for line in b:
                m = re.match(r"^<sup>\s*(\d+)\s*</sup>", line.strip())
                if m:
                    last_fn = m.group(1)
                    footnotes[last_fn] = [line.strip()]
                else:
                    footnotes[last_fn][-1] += " " + line.strip()
            i += 1
            while i < len(blocks) and _is_bullet(blocks[i][0]):
                footnotes[last_fn] += [_bullet_text(x) for x in blocks[i]]
                i += 1
            continue
        last_fn = None
        is_center = _starts(b, centered)
        raw = "\n".join(x.strip() for x in b)
        if first.startswith("#") or _whole_bold(raw.replace("****", "")) or "****" in raw:
            level = len(re.match(r"^(#*)", first).group(1))
            body = re.sub(r"^#+\s*", "", raw)
            parts = body.split("****") if "****" in body else [body]
            for n, part in enumerate(parts):
                part = part.strip()
                if len(parts) > 1:
                    part = ("**" if n > 0 else "") + part + ("**" if n < len(parts) - 1 else "")
                if _whole_bold(part):
                    part = part[2:-2]
                out.append(El("center" if is_center else "heading", part, level=level, bold=True))
        elif is_center:
            out.append(El("center", raw, bold=_starts(b, bold_blocks)))
        elif _is_bullet(first):
            for n, line in enumerate(b):
                out.append(El("item", _bullet_text(line), tight=n > 0))
        else:
            out.append(El("para", raw, bold=_starts(b, bold_blocks)))
        i += 1
    return out


def join_cut_paragraphs(body: list[El]) -> list[El]:
    """Join a paragraph cut by an original page break: a plain paragraph starting in lower case
    continues the previous paragraph or list item (unless that one ended its sentence)."""
    out: list[El] = []
    for el in body:
        if (el.kind == "para" and out and out[-1].kind in ("para", "item")
                and re.match(r"^[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
                             el.text)
                and not plain(out[-1].text).endswith(".")):
            out[-1].text = out[-1].text.rstrip() + " " + el.text.lstrip()
            continue
        out.append(el)
    return out


def auto_headings(body: list[El]) -> list[El]:
    """For a seed without bold markup: roman upper-case lines and numbered lines that head text
    (not followed by another numbered line) become bold headings."""
    for el in body:
        p = plain(el.text)
        if el.kind == "para" and re.match(r"^[IVX]+\.\s", p) and p == p.upper():
            el.kind, el.bold = "heading", True
    for k, el in enumerate(body):
        p = plain(el.text)
        if el.kind != "para" or not re.match(r"^\d+\.\s", p) or "\n" in el.text:
            continue
        nxt = body[k + 1] if k + 1 < len(body) else None
        if nxt is None or nxt.kind in ("heading", "break", "table"):
            continue
        if nxt.kind == "para" and re.match(r"^\d+\.\s", plain(nxt.text)):
            continue
        el.kind, el.bold = "heading", True
    return body


# ---------------------------------------------------------------------------------------------
# Building layout items
# ---------------------------------------------------------------------------------------------
def text_items(markup: str, width: float, style: Style, x: float, space_before: float,
               keep_next: bool = False, meta: Optional[dict] = None, orphans: bool = True) -> list[Item]:
    lines = layout_text(markup, width, style)
    items: list[Item] = [Item("space", space_before)] if space_before else []
    bo = baseline_offset(style.size, style.leading)
    n = len(lines)
    for k, ln in enumerate(lines):
        def draw(c, y, ln=ln):
            draw_line(c, ln, x, y - bo, width, style.align)
        kn = keep_next or (orphans and n >= 3 and (k == 0 or k == n - 2)) or (orphans and n == 2 and k == 0)
        items.append(Item("box", style.leading, draw, ln.refs, kn, meta if k == 0 else None))
    return items


def section_kind(el: El) -> Optional[str]:
    p = plain(el.text)
    if el.kind == "center":
        return "part" if p in ("BIỂU MẪU", "PHỤ LỤC") else ("title" if el.bold or el.text.startswith("**") else None)
    if el.kind == "heading":
        return "heading"
    if el.kind == "para":
        if _NUMBERED.match(p) and re.match(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\))\s", p):
            return "numbered"
        if el.bold or el.text.startswith("**") or el.text.startswith("<b>"):
            return "bold"
    return None


def header_items(h: dict) -> list[Item]:
    items: list[Item] = []
    left_w = TEXT_W * 0.43
    right_w = TEXT_W - left_w
    lx = MARGIN_L + left_w / 2
    rx = MARGIN_L + left_w + right_w / 2
    LH, RULE = 15.0, 8.0
    left: list = [(p, SERIF[(k == len(h["issuer"]) - 1, False)]) for k, p in enumerate(h["issuer"])]
    if h["star"]:
        left.append(("*", SERIF[(False, False)]))
    elif h["issuer"]:
        left.append(("RULE", sw(h["issuer"][-1], SERIF[(True, False)], 12) * 0.4))
    right: list = [(p, SERIF[(True, False)]) for p in h["motto"]]
    if h["motto"]:
        right.append(("RULE", sw(h["motto"][-1], SERIF[(True, False)], 12) * 0.55))

    def col_h(col):
        return sum(RULE if t == "RULE" else LH for t, _ in col)

    top_h = max(col_h(left), col_h(right))
    has_last = bool(h["so"] or h["date"])
    total = top_h + ((4 + LH) if has_last else 0)
    if total <= 0:
        return items

    def draw(c, y):
        for col, cx in ((left, lx), (right, rx)):
            yy = y
            for t, f in col:
                if t == "RULE":
                    c.setLineWidth(0.6)
                    c.line(cx - f / 2, yy - RULE / 2, cx + f / 2, yy - RULE / 2)
                    yy -= RULE
                else:
                    _centered(c, t, f, 12, cx, yy - baseline_offset(12, LH))
                    yy -= LH
        yb = y - top_h - (4 if top_h else 0) - baseline_offset(12, LH)
        if h["so"]:
            _centered(c, h["so"], SERIF[(False, False)], 12, lx, yb)
        if h["date"]:
            _centered(c, h["date"], SERIF[(False, True)], 12, rx, yb)

    items.append(Item("box", total, draw, meta={"header": True}))
    return items


def _centered(c, text: str, font: str, size: float, cx: float, baseline: float) -> None:
    style = Style(size=size, align="center", bold="Bold" in font, italic="Italic" in font)
    line = break_lines(words_from_runs([Run(text, style.bold, style.italic)], style), 10000, style)[0]
    draw_line(c, line, cx - line.natural / 2, baseline, line.natural, "left")


def title_items(h: dict) -> list[Item]:
    items: list[Item] = []
    w = TEXT_W
    x = MARGIN_L
    st = Style(size=14, leading=18, align="center", bold=True)
    items += text_items(h["doc_type"], w, st, x, 16, keep_next=True, orphans=False)
    st2 = Style(size=12.5, leading=16, align="center", bold=True)
    for k, t in enumerate(h["title"]):
        items += text_items(t.replace("**", ""), w, st2, x, 2 if k == 0 else 0, keep_next=True, orphans=False)

    def rule(c, y):
        c.setLineWidth(0.6)
        c.line(PAGE_W / 2 - 45 + (MARGIN_L - MARGIN_R) / 2, y - 7, PAGE_W / 2 + 45 + (MARGIN_L - MARGIN_R) / 2, y - 7)

    items.append(Item("box", 14, rule))
    return items


def closing_item(cl: dict) -> Item:
    left_w = TEXT_W * 0.47
    right_x0 = MARGIN_L + TEXT_W * 0.45
    right_w = TEXT_W - TEXT_W * 0.45
    # left column: Nơi nhận
    t = cl["title"]
    m = re.match(r"^(Nơi nhận:?)(.*)$", t)
    head, tail = (m.group(1), m.group(2)) if m else (t, "")
    st_head = Style(size=12, leading=15, align="left")
    head_lines = layout_text(f"<b><i>{head}</i></b>{tail}", left_w, st_head)
    st_item = Style(size=10, leading=12.2, align="left", left_indent=8)
    item_lines = []
    for it in cl["items"]:
        item_lines += layout_text("- " + it, left_w, st_item)
    left_h = len(head_lines) * 15 + 2 + len(item_lines) * 12.2
    # right column: authority, space for the signature, name
    st_auth = Style(size=12.5, leading=16, align="center", bold=True)
    auth_lines = [ln for a in cl["authority"] for ln in layout_text(a, right_w, st_auth)]
    names = cl["name"]
    sig_gap = 72.0
    right_h = len(auth_lines) * 16 + sig_gap + 16
    h = max(left_h, right_h) + 6

    def draw(c, y):
        yy = y
        for ln in head_lines:
            draw_line(c, ln, MARGIN_L, yy - baseline_offset(12, 15), left_w, "left")
            yy -= 15
        yy -= 2
        for ln in item_lines:
            draw_line(c, ln, MARGIN_L, yy - baseline_offset(10, 12.2), left_w, "left")
            yy -= 12.2
        yy = y
        for ln in auth_lines:
            draw_line(c, ln, right_x0, yy - baseline_offset(12.5, 16), right_w, "center")
            yy -= 16
        # lines before the printed name (e.g. an italic facsimile) sit in the signature space
        extra = names[:-1]
        gy = yy - sig_gap / 2 - 6 * (len(extra) - 1)
        for e in extra:
            for ln in layout_text(e, right_w, Style(size=12, leading=14, align="center")):
                draw_line(c, ln, right_x0, gy, right_w, "center")
                gy -= 14
        yy -= sig_gap
        name = plain(names[-1])
        for ln in layout_text(name, right_w, Style(size=12.5, leading=16, align="center", bold=True)):
            draw_line(c, ln, right_x0, yy - baseline_offset(12.5, 16), right_w, "center")

    return Item("box", h, draw, meta={"signature": True, "recipients": len(cl["items"])})


# ---- tables -----------------------------------------------------------------------------------
@dataclass
class TCell:
    r: int
    c: int
    rs: int
    cs: int
    text: str


def header_count(rows: list[list[str]]) -> int:
    n = 1
    while n < len(rows) and rows[n][0] == "" and not any(
            re.fullmatch(r"[\d.,%]+", plain(x)) for x in rows[n]):
        n += 1
    return min(n, len(rows) - 1) if len(rows) > 1 else 1


def header_spans(rows: list[list[str]], H: int, nc: int) -> list[TCell]:
    covered = [[False] * nc for _ in range(H)]
    cells: list[TCell] = []
    for r in range(H):
        for c in range(nc):
            if covered[r][c]:
                continue
            t = rows[r][c]
            cs = rs = 1
            if t:
                while (c + cs < nc and rows[r][c + cs] == "" and not covered[r][c + cs]
                       and any(rows[rr][c + cs] for rr in range(r + 1, H))):
                    cs += 1
                while r + rs < H and all(rows[r + rs][cc] == "" for cc in range(c, c + cs)):
                    rs += 1
            else:
                while r + rs < H and rows[r + rs][c] == "" and not covered[r + rs][c]:
                    rs += 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    covered[rr][cc] = True
            cells.append(TCell(r, c, rs, cs, t))
    return cells


_NUMERIC_CELL = re.compile(r"^[\d.,%\-–\s/]*$|^[IVX]+$|^☐$")


TABLE_VPAD: dict[int, float] = {}  # per-table vertical cell padding (chosen by render_pdf)


def table_items(el: El, index: int, cuts_log: list) -> list[Item]:
    rows = el.rows
    nc = len(rows[0])
    H = header_count(rows)
    if nc >= 10:
        x0, avail = WIDE_TABLE_X0, WIDE_TABLE_X1 - WIDE_TABLE_X0
        size = 8.0
    else:
        x0, avail = MARGIN_L, TEXT_W
        size = 9.0 if nc >= 6 else 10.5
    spans = header_spans(rows, H, nc)
    while True:
        pad = 2.0 if size <= 8.5 else 3.0
        st_h = Style(size=size, leading=round(size * 1.22, 2), align="center", bold=True)
        st_d = Style(size=size, leading=round(size * 1.22, 2), align="left")
        mins = [0.0] * nc
        maxs = [0.0] * nc

        def measure(text, st, c, header):
            ws = [w for w in words_from_runs(parse_inline(text, st.bold, st.italic), st) if w is not BREAK]
            if not ws:
                return
            mn = max(w.width for w in ws) + 2 * pad
            mx = sum(w.width for w in ws) + sum(w.space_w for w in ws[:-1]) + 2 * pad
            if header:
                mx = max(mn, mx / 2)
            mins[c] = max(mins[c], mn)
            maxs[c] = max(maxs[c], mx)

        for row in rows[H:]:
            for c, t in enumerate(row):
                measure(t, st_d, c, False)
        empty_cols = [c for c in range(nc) if maxs[c] == 0.0]
        for cell in spans:
            if cell.cs == 1:
                measure(cell.text, st_h, cell.c, True)
        for c in empty_cols:  # a form column to fill in: room for its whole header on one line
            maxs[c] = maxs[c] * 2 + 16
        mins = [m + 1.0 for m in mins]
        maxs = [max(a, b, 4 * pad) for a, b in zip(mins, maxs)]
        mins = [max(m, 4 * pad) for m in mins]
        if sum(mins) <= avail or size <= 6.5:
            break
        size -= 0.5
    widths = _distribute(mins, maxs, avail)
    tw = sum(widths)
    if nc >= 10:
        x0 = (PAGE_W - tw) / 2
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    lead = st_h.leading
    vpad = TABLE_VPAD.get(index, 2.5)

    def cell_lines(text, st, w, align):
        s = Style(size=st.size, leading=st.leading, align=align, bold=st.bold, italic=st.italic)
        return layout_text(text, w - 2 * pad, s)

    items: list[Item] = []
    # header block: all header rows with their spans, one box
    hcells = []
    row_h = [0.0] * H
    for cell in spans:
        w = xs[cell.c + cell.cs] - xs[cell.c]
        lines = cell_lines(cell.text, st_h, w, "center") if cell.text else []
        need = len(lines) * lead + 2 * vpad
        hcells.append((cell, lines, need))
        if cell.rs == 1:
            row_h[cell.r] = max(row_h[cell.r], need)
    row_h = [max(h, lead + 2 * vpad) for h in row_h]
    for cell, lines, need in hcells:
        if cell.rs > 1:
            have = sum(row_h[cell.r:cell.r + cell.rs])
            if need > have:
                row_h[cell.r + cell.rs - 1] += need - have
    tops = [0.0]
    for h in row_h:
        tops.append(tops[-1] + h)
    header_refs = [r for _, lines, _ in hcells for ln in lines for r in ln.refs]
    first_row = " | ".join(plain(c) for c in rows[0] if plain(c))

    def draw_header(c, y, hcells=hcells, tops=tops):
        c.setLineWidth(0.5)
        for cell, lines, _ in hcells:
            x = xs[cell.c]
            w = xs[cell.c + cell.cs] - x
            yt = y - tops[cell.r]
            h = tops[cell.r + cell.rs] - tops[cell.r]
            c.rect(x, yt - h, w, h, stroke=1, fill=0)
            _draw_cell_lines(c, lines, x + pad, yt, w - 2 * pad, h, lead, size, "center")

    items.append(Item("space", 6))
    items.append(Item("box", tops[-1], draw_header, header_refs, keep_next=True,
                      meta={"table": index, "first_row": first_row, "columns": nc, "header_rows": H,
                            "rows": len(rows)}))
    for ridx in range(H, len(rows)):
        row = rows[ridx]
        if ridx in el.cut_before:
            items.append(Item("break", meta={"stretch_table": index}))
        cl = []
        h = lead + 2 * vpad
        for cidx, t in enumerate(row):
            w = widths[cidx]
            p = plain(t)
            align = "center" if _NUMERIC_CELL.match(p) and len(p) < 12 else "left"
            lines = cell_lines(t, st_d, w, align) if t else []
            cl.append((lines, align))
            h = max(h, len(lines) * lead + 2 * vpad)
        refs = [r for lines, _ in cl for ln in lines for r in ln.refs]
        cut = ridx in el.cut_before or ridx + 1 in el.cut_before
        item = Item("box", h, None, refs, keep_next=False, meta={"table": index, "row": ridx})
        if cut:
            item.meta["cut_row"] = True

        def draw_row(c, y, cl=cl, item=item, top=cut):
            c.setLineWidth(0.5)
            h = item.h
            for cidx, (lines, align) in enumerate(cl):
                x = xs[cidx]
                w = widths[cidx]
                c.rect(x, y - h, w, h, stroke=1, fill=0)
                hh = len(lines) * lead + 2 * vpad if top else h  # a cut row's text sits at its top
                _draw_cell_lines(c, lines, x + pad, y, w - 2 * pad, hh, lead, size, align)

        item.draw = draw_row
        items.append(item)
    if el.cut_before:
        cuts_log.append({"table": index, "rows": sorted(el.cut_before)})
    items.append(Item("space", 4))
    return items


def _draw_cell_lines(c, lines, x, y_top, w, h, lead, size, align):
    block = len(lines) * lead
    yy = y_top - (h - block) / 2
    for ln in lines:
        draw_line(c, ln, x, yy - baseline_offset(size, lead), w, align)
        yy -= lead


def _distribute(mins: list[float], maxs: list[float], avail: float) -> list[float]:
    n = len(mins)
    if sum(maxs) <= avail:
        extra = avail - sum(maxs)
        tot = sum(maxs)
        return [m + extra * m / tot for m in maxs]
    widths: list[Optional[float]] = [None] * n
    remaining = avail
    free = list(range(n))
    while True:
        share = remaining / len(free)
        fixed = [c for c in free if maxs[c] <= share]
        if not fixed:
            break
        for c in fixed:
            widths[c] = maxs[c]
            remaining -= maxs[c]
        free = [c for c in free if c not in fixed]
        if not free:
            break
    if free:
        smin = sum(mins[c] for c in free)
        smax = sum(maxs[c] for c in free)
        f = 0.0 if smax == smin else max(0.0, min(1.0, (remaining - smin) / (smax - smin)))
        for c in free:
            widths[c] = mins[c] + (maxs[c] - mins[c]) * f
        if remaining < smin:  # overflow: shrink proportionally
            k = remaining / smin
            for c in free:
                widths[c] = mins[c] * k
    return [float(w) for w in widths]


# ---- footnotes --------------------------------------------------------------------------------
def footnote_lines(marker: str, paras: list[str]) -> list[FnLine]:
    out: list[FnLine] = []
    st = Style(size=FN_SIZE, leading=FN_LEADING, align="justify", first_indent=14)
    bo = baseline_offset(FN_SIZE, FN_LEADING)
    for para in paras:
        for ln in layout_text(para, TEXT_W, st):
            def draw(c, y, ln=ln):
                draw_line(c, ln, MARGIN_L, y - bo, TEXT_W, "justify")
            out.append(FnLine(marker, FN_LEADING, draw))
    return out


# ---- the whole document -----------------------------------------------------------------------
def build_items(doc: Doc, cuts_log: list) -> list[Item]:
    items: list[Item] = []
    items += header_items(doc.header)
    items += title_items(doc.header)
    table_index = 0
    prev: Optional[El] = None
    closing_done = False
    body_st = Style(first_indent=FIRST_INDENT)
    for el in doc.body:
        if el.kind == "break" and doc.closing and not closing_done:
            items.append(Item("space", 10))
            items.append(closing_item(doc.closing))
            closing_done = True
        kind = section_kind(el) if el.kind != "table" else None
        meta = {"section": plain(el.text), "kind": kind} if kind else None
        if el.kind == "break":
            items.append(Item("break"))
        elif el.kind == "rule":
            def rule(c, y):
                c.setLineWidth(0.6)
                cx = MARGIN_L + TEXT_W / 2
                c.line(cx - 45, y - 6, cx + 45, y - 6)
            items.append(Item("box", 12, rule))
        elif el.kind == "table":
            items += table_items(el, table_index, cuts_log)
            table_index += 1
        elif el.kind == "heading":
            st = Style(first_indent=FIRST_INDENT, bold=True)
            items += text_items(el.text, TEXT_W, st, MARGIN_L, 10, keep_next=True, meta=meta, orphans=False)
        elif el.kind == "center":
            w = TEXT_W * 0.9
            st = Style(size=13 if (prev is None or prev.kind == "break") else 12, leading=16.5,
                       align="center", bold=el.bold)
            items += text_items(el.text, w, st, MARGIN_L + (TEXT_W - w) / 2, 8, keep_next=True,
                                meta=meta, orphans=False)
        elif el.kind == "item":
            sp = 2.0 if el.tight else PARA_SPACE
            items += text_items(el.text, TEXT_W, body_st, MARGIN_L, sp, keep_next=el.keep_next, meta=None)
        else:
            st = Style(first_indent=FIRST_INDENT, bold=el.bold)
            items += text_items(el.text, TEXT_W, st, MARGIN_L, PARA_SPACE, keep_next=el.keep_next, meta=meta)
        prev = el
    if doc.closing and not closing_done:
        items.append(Item("space", 10))
        items.append(closing_item(doc.closing))
    return items


def render_pdf(key: str, out_pdf: Path, out_json: Path) -> dict:
    register_fonts()
    text = (SEEDS_DIR / SEED_FILES[key]).read_text(encoding="utf-8")
    doc = parse_seed(key, text)
    fns = {m: footnote_lines(m, paras) for m, paras in doc.footnotes.items()}

    def paginate():
        cuts_log: list = []
        pg = Paginator(fns)
        pg.run(build_items(doc, cuts_log))
        return pg, cuts_log

    TABLE_VPAD.clear()
    pg, cuts_log = paginate()
    # The rows before a forced cut are stretched to fill their page: first pick the cell padding
    # that leaves the least to stretch.
    for cut in cuts_log:
        best = None
        for k in range(0, 25):
            TABLE_VPAD[cut["table"]] = 2.5 + k * 0.25
            slack = paginate()[0].stretch_log.get(cut["table"])
            if slack is not None and slack >= 0 and (best is None or slack < best[0] - 0.5):
                best = (slack, TABLE_VPAD[cut["table"]])
        TABLE_VPAD[cut["table"]] = best[1] if best else 2.5
    pg, cuts_log = paginate()
    missing = set(fns) - pg.assigned
    if missing:
        raise RuntimeError(f"{key}: footnotes without a marker in the body: {sorted(missing)}")

    c = rl_canvas.Canvas(str(out_pdf), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(f"baocao sample {key} ({SEED_FILES[key]})")
    c.setAuthor("baocao tools/make_samples.py")
    c.setCreator("baocao tools/make_samples.py (reportlab)")
    c.setSubject(doc.header["doc_type"])
    for page in pg.pages:
        if page.number >= 2:
            c.setFont(SERIF[(False, False)], 10)
            c.drawCentredString(MARGIN_L + TEXT_W / 2, PAGE_H - 12 * MM, str(page.number))
        for it, y in page.items:
            if it.draw:
                it.draw(c, BODY_TOP - y)
        if page.fn:
            total = sum(f.h for f in page.fn)
            yt = MARGIN_B + total
            c.setLineWidth(0.5)
            c.line(MARGIN_L, yt + FN_SEP / 2, MARGIN_L + TEXT_W / 3, yt + FN_SEP / 2)
            for f in page.fn:
                f.draw(c, yt)
                yt -= f.h
        c.showPage()
    c.save()

    # ---- layout truth
    sections, tables, signature_page = [], {}, None
    for meta, p, _y in pg.log:
        if "section" in meta:
            sections.append({"text": meta["section"], "page": p, "kind": meta["kind"]})
        elif "table" in meta:
            t = tables.setdefault(meta["table"], {"index": meta["table"], "pages": []})
            if p not in t["pages"]:
                t["pages"].append(p)
            for k in ("first_row", "columns", "header_rows", "rows"):
                if k in meta:
                    t[k] = meta[k]
            if meta.get("cut_row"):
                t.setdefault("cut_rows", []).append({"row": meta["row"], "page": p})
        elif meta.get("signature"):
            signature_page = p
    footnotes = [{"marker": m, "pages": pg.fn_pages.get(m, [])}
                 for m in sorted(doc.footnotes, key=lambda x: int(x))]
    layout = {
        "source": SEED_FILES[key],
        "page_count": len(pg.pages),
        "page_size": [round(PAGE_W, 2), round(PAGE_H, 2)],
        "sections": sections,
        "footnotes": footnotes,
        "tables": [tables[k] for k in sorted(tables)],
        "signature_page": signature_page,
    }
    out_json.write_text(json.dumps(layout, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return layout


# ---------------------------------------------------------------------------------------------
# Helpers for tests and benchmarks
# ---------------------------------------------------------------------------------------------
def make_long_pdf(path, pages: int, source_pdf=SAMPLES_DIR / "000_born_digital.pdf") -> Path:
    """Write an N-page born-digital PDF by repeating the pages of ``source_pdf`` (pypdf; resources
    are shared, so 1,000 pages take about a second)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(source_pdf))
    writer = PdfWriter()
    n = len(reader.pages)
    for i in range(pages):
        writer.add_page(reader.pages[i % n])
    path = Path(path)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def make_encrypted_pdf(src, dst, user_password: Optional[str], owner_password: str = "owner",
                       algorithm: str = "AES-128") -> Path:
    """Encrypt ``src`` into ``dst``.  ``user_password`` None or "" gives a PDF that opens without a
    password (owner password only); ``algorithm`` is a pypdf name: "AES-128", "RC4-128", "AES-256"."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(src))
    writer.encrypt(user_password=user_password or "", owner_password=owner_password, algorithm=algorithm)
    dst = Path(dst)
    with open(dst, "wb") as fh:
        writer.write(fh)
    return dst


def make_corrupt_pdf(dst, source_pdf=SAMPLES_DIR / "000_born_digital.pdf") -> Path:
    """Write a PDF that no reader can open: the "%PDF" header and the first part of a real file,
    cut mid-stream, with its object keywords garbled and no catalog, xref table or trailer."""
    dst = Path(dst)
    try:
        data = Path(source_pdf).read_bytes()
    except OSError:
        data = b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    head = data[:min(len(data) // 3, 6000)]
    head = head.replace(b" obj", b" 0bj").replace(b"endobj", b"endo6j").replace(b"/Catalog", b"/Cat4log")
    garbage = bytes((i * 131 + 17) % 256 for i in range(2048))
    dst.write_bytes(head + b"\nstream\n" + garbage)
    return dst


# ---------------------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    SAMPLES_DIR.mkdir(exist_ok=True)
    for key, fname in SEED_FILES.items():
        shutil.copyfile(SEEDS_DIR / fname, SAMPLES_DIR / f"{key}_text.txt")
    keys = [a for a in argv if a in PDF_SEEDS] or list(PDF_SEEDS)
    for key in keys:
        lay = render_pdf(key, SAMPLES_DIR / f"{key}_born_digital.pdf",
                         SAMPLES_DIR / f"{key}_born_digital.layout.json")
        fn = ", ".join(f"{f['marker']}:{f['pages']}" for f in lay["footnotes"])
        print(f"{key}: {lay['page_count']} pages; footnotes {fn or '-'}; "
              f"tables {[t['pages'] for t in lay['tables']]}; signature p{lay['signature_page']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
