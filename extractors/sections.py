"""Sections: every numbered heading or numbered paragraph, with its path id.

Numbering kinds: parts (PHẦN I; PHỤ LỤC, BIỂU MẪU blocks), roman (I.), arabic and dotted (1., 4.3.),
letters (a)). The id is the path from the enclosing part down (see golden/CONVENTIONS.md); gaps
and restarts are kept as printed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from extractors.keywords import key
from extractors.textnorm import clean
from pipeline.document import Block
from pipeline.record import Prov, Section

ROMAN_HEAD = re.compile(
    r"""^\s*
        (?P<num>[IVXL][IVXLl1|]*)    # roman numeral (OCR reads I as l, 1 or |)
        \s*[.:]\s+                   # its dot
        (?P<title>\S.*)$             # the heading text
    """,
    re.VERBOSE | re.S,
)
ARABIC_HEAD = re.compile(
    r"""^\s*
        (?:
          (?P<dotted>\d{1,2}(?:\.\d{1,2}){1,3})  # a dotted number without its final dot: "1.1 Khái quát"
          \s+(?=[A-ZĐÀ-Ỹ])                    # followed by a capitalised title
        | (?P<num>\d{1,2}(?:\.\d{1,2}){0,3})   # 1 / 4.3 / 2.1.1
          \s?[.)]\s*                         # the closing dot or parenthesis
        )
        (?P<title>\S.*)$
    """,
    re.VERBOSE | re.S,
)
LETTER_HEAD = re.compile(
    r"""^\s*
        (?P<num>[a-zđ])\)\s+      # a) b)
        (?P<title>\S.*)$
    """,
    re.VERBOSE | re.S,
)
PART_HEAD = re.compile(
    r"""^\s*
        (?P<word>phan)\s+                     # PHẦN (folded)
        (?P<num>[ivxl1|]+|\d+)(?=[\s.:]|$)\.?:?\s*  # its numeral (OCR: "|" for I)
        (?P<title>.*)$
    """,
    re.VERBOSE | re.S,
)
BLOCK_PART = re.compile(
    r"""^\s*
        (?P<word>phu\s+luc|bieu\s+mau|de\s+cuong)   # PHỤ LỤC / BIỂU MẪU / ĐỀ CƯƠNG alone
        (?:\s+(?P<num>[ivxl]+|\d+))?\s*$
    """,
    re.VERBOSE,
)
PART_LABELS = {"phu luc": "PHỤ LỤC", "bieu mau": "BIỂU MẪU", "de cuong": "ĐỀ CƯƠNG"}
ABBREVIATIONS = ("TP", "Tp", "TS", "ThS", "BS", "Q", "TT", "P", "ĐC", "đ/c", "Th", "TW")


@dataclass
class _Path:
    part: Optional[str] = None
    roman: Optional[str] = None
    numeric: Optional[list[str]] = None
    letter: Optional[str] = None

    def id(self) -> str:
        parts = [p for p in (self.part, self.roman) if p]
        parts += self.numeric or []
        if self.letter:
            parts.append(self.letter)
        return ".".join(parts)


def roman_value(s: str) -> Optional[int]:
    s = s.upper().replace("L", "L")
    vals = {"I": 1, "V": 5, "X": 10, "L": 50}
    if not s or any(c not in vals for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = vals[c]
        total += -v if i + 1 < len(s) and vals[s[i + 1]] > v else v
    return total


def to_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def normalize_roman(raw: str) -> Optional[str]:
    """'Il' → 'II', 'I11' → 'III', '|' → 'I' (OCR), validated as a well-formed roman numeral ("VX" is not)."""
    s = raw.replace("|", "I").replace("l", "I").replace("1", "I")
    v = roman_value(s)
    return s if v and to_roman(v) == s else None


def first_sentence(text: str) -> str:
    """Up to the first '. ' followed by an upper-case letter (not after an abbreviation)."""
    for m in re.finditer(r"\.\s+(?=[A-ZĐÀ-Ỹ])", text):
        before = text[: m.start()].split()
        word = before[-1] if before else ""
        if word in ABBREVIATIONS or len(word) == 1:
            continue
        return text[: m.start()]
    return text


def heading_of(text: str) -> Optional[tuple[str, str, str]]:
    """(kind, number, title) of a numbered block; None when the block is not numbered."""
    k = key(text)
    m = PART_HEAD.match(k)
    if m:
        num = m.group("num").replace("|", "i").replace("1", "i").upper()
        if roman_value(num) or num.isdigit():
            title_start = len(text) - len(m.group("title")) if m.group("title") else len(text)
            return "part", num, text[title_start:].strip()
    m = BLOCK_PART.match(k)
    if m and len(text) < 30:
        label = PART_LABELS[re.sub(r"\s+", " ", m.group("word"))]
        num = (m.group("num") or "").upper()
        return "block", num, label
    m = ROMAN_HEAD.match(text)
    if m:
        num = normalize_roman(m.group("num"))
        if num:
            return "roman", num, m.group("title")
    m = ARABIC_HEAD.match(text)
    # not a number like 1.210, nor a sentence wrapped before a number ("thứ / 7. chủ nhật": no title
    # starts with a small letter)
    if m and not re.match(r"^\s*\d{1,2}[.,]\d{3}", text) and not m.group("title")[:1].islower():
        return "arabic", m.group("num") or m.group("dotted"), m.group("title")
    m = LETTER_HEAD.match(text)
    if m:
        return "letter", m.group("num"), m.group("title")
    return None


def sections_from_blocks(blocks: list) -> list[Section]:
    path = _Path()
    out: list[Section] = []
    for i, b in enumerate(blocks):
        if not isinstance(b, Block):
            continue
        h = heading_of(b.text)
        if h is None:
            continue
        kind, num, title = h
        if kind == "part" and not title.strip():
            # "PHẦN I" alone on its line takes the next line as its title
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(nxt, Block) and heading_of(nxt.text) is None and len(nxt.text) < 200:
                title = nxt.text
        if kind == "part":
            path = _Path(part=f"PHẦN {num}")
        elif kind == "block":
            path = _Path(part=f"{title} {num}".strip())
        elif kind == "roman":
            path = _Path(part=path.part, roman=num)
        elif kind == "arabic":
            path = _Path(part=path.part, roman=path.roman, numeric=num.split("."))
        else:
            path = _Path(part=path.part, roman=path.roman, numeric=path.numeric, letter=num)
        title_text = re.sub(r"\s*[.:]$", "", first_sentence(clean(title) or "").rstrip())
        if kind == "block":
            title_text = title
        sid = path.id()
        out.append(Section(id=sid, number=num, title=title_text, level=sid.count(".") + 1 if sid else 1,
                           page=b.page, raw=clean(b.text[:300]), prov=Prov(page=b.page, box=b.lines[0].box,
                                                                       confidence=b.lines[0].confidence)))
    return out


def _ordinal(number: str) -> Optional[int]:
    last = number.split(".")[-1]
    if last.isdigit():
        return int(last)
    if re.fullmatch(r"[a-zđ]", last):
        return ord(last) - ord("a") + 1
    return roman_value(last)


def numbering_warnings(sections: list[Section]) -> list[str]:
    """Gaps and restarts in the printed numbering, kept as printed but reported ("4.5 after 4.3")."""
    out: list[str] = []
    last_child: dict[str, Section] = {}
    for s in sections:
        parent = s.id.rsplit(".", 1)[0] if "." in s.id else ""
        prev = last_child.get(parent)
        cur, before = _ordinal(s.number), _ordinal(prev.number) if prev else None
        if prev is not None and cur is not None and before is not None and prev.level == s.level:
            if cur > before + 1:
                out.append(f"section numbering gap: {s.number} after {prev.number} (page {s.page})")
            elif cur <= before:
                out.append(f"section numbering restarts: {s.number} after {prev.number} (page {s.page})")
        last_child[parent] = s
        # a new parent starts its children afresh
        for k in [k for k in last_child if k == s.id or k.startswith(s.id + ".")]:
            del last_child[k]
    return out
