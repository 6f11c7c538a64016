"""Assignments of a plan: who must do what, by when (golden/CONVENTIONS.md, "assignments").

Only plans (KẾ HOẠCH, CHƯƠNG TRÌNH, …) assign work. Three shapes are read from the body blocks:

* label lines "Đơn vị chủ trì: A, B" (`lead`) and "Đơn vị phối hợp (thực hiện): …" (`coordinate`),
  whose task is the title of the numbered section they close; a label with nothing after its colon
  takes the following "+ Agency: task" items, each with its own task;
* sentences "Giao cho X chủ trì, phối hợp với Y …" (X `lead`, Y `coordinate`) and "Giao cho X có
  trách nhiệm …" / "giao trách nhiệm X …" (`responsible`), task = the rest of the sentence;
* numbered items under the TỔ CHỨC THỰC HIỆN heading that name agencies (`responsible`): a heading
  "1. Sở Y tế" takes the text under it up to the next heading, a sentence "3. Các cơ quan … căn cứ …"
  takes the rest of itself and the paragraphs under it; under an item that names no agency, each
  paragraph that opens with an agency is that agency's task.

Keywords are matched on word tokens with diacritic-folded keys (`keywords.key`), fuzzily for
multi-word phrases, so OCR text without diacritics ("TO CHUC THUC HIEN", "phdi hop") matches;
values are always sliced from the original text. Every function here is pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from rapidfuzz import fuzz

from extractors import vocabulary as V
from extractors.dates import find_deadline
from extractors.keywords import key
from extractors.sections import first_sentence, heading_of
from extractors.textnorm import clean, collapse, strip_trailing_punct
from pipeline.document import Block
from pipeline.record import Assignment

Role = str  # "lead" | "coordinate" | "responsible"

FUZZY_THRESHOLD = 85.0  # rapidfuzz ratio for multi-word phrases (OCR damage)
FUZZY_MIN_LEN = 5  # folded phrases shorter than this must match exactly
FUZZY_WORD_RATIO = 50.0  # ... and each word of a fuzzy phrase must be at least this close

_WORD = re.compile(
    r"""
    [^\s.,;:()\[\]“”"!?]+     # a run of characters that are neither space nor punctuation
    """,
    re.VERBOSE,
)
_LIST_MARKER = re.compile(
    r"""
    ^\s*                      # from the start of the block
    (?:[-+•–—_*]\s*)+         # one or more bullet marks: "- ", "+ ", OCR "_- "
    """,
    re.VERBOSE,
)
_END_MARK = re.compile(
    r"""
    \.\s*/\s*\.?              # the end-of-document mark "./." (OCR: "./")
    [^.]{0,3}\s*$             # then at most a few OCR crumbs ("./ W")
    """,
    re.VERBOSE,
)

ORGANIZE = V.ORGANIZE_HEADINGS + V.ORGANIZE_HEADINGS_MORE
ROLE_WORDS = V.LEAD_WORDS + V.COORDINATE_WORDS + V.RESPONSIBLE_WORDS
HEADS = tuple(h for h in V.AGENCY_HEADS if key(h) != "cac")  # "các" needs a collective noun


# --- tokens and phrases ------------------------------------------------------------------------

@dataclass(frozen=True)
class Tok:
    """A word of a text: its folded key and its span in the text."""

    key: str
    start: int
    end: int
    upper: bool  # first character is upper case


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Tok, ...]:
    return tuple(Tok(key(m.group()), m.start(), m.end(), m.group()[0].isupper()) for m in _WORD.finditer(text))


@lru_cache(maxsize=1024)
def _phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(key(phrase)))


def _adjacent(text: str, toks: tuple[Tok, ...], i: int, n: int) -> bool:
    """Tokens i … i+n-1 are separated by spaces only (no punctuation inside a phrase)."""
    return all(not text[toks[j].end:toks[j + 1].start].strip() for j in range(i, i + n - 1))


def phrase_at(text: str, toks: tuple[Tok, ...], i: int, phrases: Iterable[str], fuzzy: bool = True) -> int:
    """Number of tokens of the longest phrase of `phrases` starting at token i (0 if none).

    Exact on folded keys; a multi-word phrase of at least FUZZY_MIN_LEN folded characters also
    matches fuzzily (OCR: "phdi hop" is "phối hợp", "Trung tim" is "Trung tâm").
    """
    best = 0
    for phrase in phrases:
        words = _phrase_keys(phrase)
        n = len(words)
        if n <= best or i + n > len(toks) or not _adjacent(text, toks, i, n):
            continue
        got = " ".join(t.key for t in toks[i:i + n])
        want = " ".join(words)
        if got == want or (fuzzy and _fuzzy_words([t.key for t in toks[i:i + n]], words)):
            best = n
    return best


def _fuzzy_words(got: list[str], want: tuple[str, ...]) -> bool:
    """OCR-damaged multi-word phrase: close as a whole and word by word ("phdi hop" ~ "phoi hop",
    but not "giao trach nhiem uy" ~ "giao trach nhiem cho")."""
    joined = " ".join(want)
    if len(want) < 2 or len(joined) < FUZZY_MIN_LEN:
        return False
    if fuzz.ratio(" ".join(got), joined) < FUZZY_THRESHOLD:
        return False
    return all(fuzz.ratio(g, w) >= FUZZY_WORD_RATIO for g, w in zip(got, want))


def find_phrase(text: str, toks: tuple[Tok, ...], phrases: Iterable[str], start: int = 0) -> Optional[tuple[int, int]]:
    """(token index, length) of the first occurrence of any phrase from token `start` on."""
    phrases = tuple(phrases)
    for i in range(start, len(toks)):
        n = phrase_at(text, toks, i, phrases)
        if n:
            return i, n
    return None


# --- agencies ----------------------------------------------------------------------------------

def agency_at(text: str, toks: tuple[Tok, ...], i: int) -> bool:
    """Token i starts an agency: a capitalised head word (Sở, Phòng, Ủy ban, …) or "các" + an
    agency noun ("các cơ quan", "các huyện")."""
    if i >= len(toks):
        return False
    if toks[i].key == "cac":
        return phrase_at(text, toks, i + 1, V.COLLECTIVE_AGENCY_NOUNS) > 0
    if not toks[i].upper or phrase_at(text, toks, i, V.NON_AGENCY_STARTS):
        return False
    return phrase_at(text, toks, i, HEADS) > 0


def _task_verb_at(text: str, toks: tuple[Tok, ...], i: int, start: int) -> bool:
    """A lower-case task verb at token i that is not a noun after "các"/"những" nor part of the
    head ("Ban chỉ đạo")."""
    if toks[i].upper or i <= start + 1:
        return False
    if not phrase_at(text, toks, i, V.TASK_VERBS, fuzzy=False):  # fuzzy verbs hit names ("tập Trang")
        return False
    return not any(phrase_at(text, toks, j, V.NOUN_DETERMINERS) == i - j for j in (i - 1, i - 2) if j >= 0)


def list_end(text: str, toks: tuple[Tok, ...], start: int) -> int:
    """Token index where the agency list that starts at token `start` ends (len(toks) if it runs
    to the end): at a role word, at a task verb, or after "(có) liên quan" followed by more words."""
    for i in range(start + 1, len(toks)):
        if phrase_at(text, toks, i, ROLE_WORDS) or _task_verb_at(text, toks, i, start):
            return i
        n = phrase_at(text, toks, i, V.AGENCY_LIST_ENDS)
        j = i + n
        if n and j < len(toks) and not text[toks[j - 1].end:toks[j].start].strip():
            return j
    return len(toks)


def _drop_request(text: str) -> str:
    """"đề nghị Liên đoàn …" → "Liên đoàn …"."""
    toks = tokens(text)
    n = phrase_at(text, toks, 0, V.REQUEST_WORDS) if toks else 0
    return text[toks[n].start:] if n and n < len(toks) else text


def _drop_coordinate_tail(text: str) -> str:
    """"Liên đoàn Lao động thành phố phối hợp thực hiện" → "Liên đoàn Lao động thành phố"."""
    toks = tokens(text)
    for i in range(1, len(toks)):
        n = phrase_at(text, toks, i, V.COORDINATE_TAILS)
        if n and i + n == len(toks):
            return text[:toks[i].start]
    return text


def clean_agency(text: str) -> Optional[str]:
    out = _drop_coordinate_tail(_drop_request(text.strip()))
    return clean(strip_trailing_punct(out, ".:;,"))


def split_agencies(text: str) -> list[str]:
    """One name per agency: split at ";" and at ", " when an agency follows (after an optional
    "đề nghị"); "đề nghị" and "phối hợp thực hiện" are dropped; "và" is no split point."""
    out: list[str] = []
    for piece in text.split(";"):
        toks = tokens(piece)
        cuts = [0]
        for i in range(1, len(toks)):
            if "," not in piece[toks[i - 1].end:toks[i].start]:
                continue
            j = i + phrase_at(piece, toks, i, V.REQUEST_WORDS)
            if agency_at(piece, toks, j):
                cuts.append(toks[i].start)
        cuts.append(len(piece))
        for a, b in zip(cuts, cuts[1:]):
            name = clean_agency(piece[a:b])
            if name:
                out.append(name)
    return out


# --- building assignments ----------------------------------------------------------------------

def make_assignment(agency: str, role: Role, task: Optional[str], block: Block) -> Assignment:
    """An Assignment with the deadline of its task ("trước ngày 21/6/2019") and the block's place.
    The task's final "." goes, as a section title's does (golden/CONVENTIONS.md)."""
    task = clean(re.sub(r"\s*\.$", "", task)) if task else None
    found = find_deadline(task) if task else None
    return Assignment(
        agency=agency, role=role, task=task,
        deadline=found[0] if found else None, raw=found[1] if found else None, prov=block.prov,
    )


def sentence_task(text: str) -> Optional[str]:
    """The rest of a sentence as a task: trimmed, its final "." or ";" dropped."""
    return clean(strip_trailing_punct(text, ".;,:")) or None


def strip_marker(text: str) -> tuple[str, str]:
    """(bullet marks, text without them)."""
    m = _LIST_MARKER.match(text)
    return (m.group().strip(), text[m.end():]) if m else ("", text)


def section_title(text: str) -> Optional[str]:
    """The title of a numbered heading block, as the sections extractor gives it."""
    h = heading_of(text)
    if h is None:
        return None
    return clean(strip_trailing_punct(first_sentence(clean(h[2]) or "")))


def is_plan(doc_type: Optional[str]) -> bool:
    if not doc_type:
        return False
    toks = tokens(doc_type)
    return bool(toks) and phrase_at(doc_type, toks, 0, V.PLAN_DOC_TYPES) > 0


# --- "Đơn vị chủ trì: …" / "Đơn vị phối hợp: …" ----------------------------------------------------

def _label_at(body: str, toks: tuple[Tok, ...], i: int) -> Optional[tuple[Role, int]]:
    """(role, index after the colon) of a label "Đơn vị chủ trì:" at token i."""
    for role, labels in (("coordinate", V.COORDINATE_LABELS), ("lead", V.LEAD_LABELS)):
        n = phrase_at(body, toks, i, labels)
        if n:
            rest = body[toks[i + n - 1].end:]
            if rest.lstrip().startswith(":"):
                return role, len(body) - len(rest.lstrip()) + 1
            if i == 0 and rest.strip() in ("", ".", ";", ","):
                return role, len(body)  # a label alone on its line, its colon misread or lost ("chủ trì.")
    return None


def label_of(text: str) -> list[tuple[Role, str]]:
    """(role, value) of each label of a label line: "Đơn vị chủ trì: A, B" → [("lead", "A, B")];
    "Chủ trì: A; phối hợp: B" → both. [] when the line opens with no label."""
    _, body = strip_marker(text)
    toks = tokens(body)
    first = _label_at(body, toks, 0) if toks else None
    if first is None:
        return []
    found = [(0, first)]
    for i in range(1, len(toks)):
        gap = body[toks[i - 1].end:toks[i].start]
        label = _label_at(body, toks, i) if (";" in gap or "." in gap) else None
        if label:
            found.append((i, label))
    out = []
    for k, (i, (role, value_start)) in enumerate(found):
        value_end = toks[found[k + 1][0]].start if k + 1 < len(found) else len(body)
        out.append((role, body[value_start:value_end].strip(" ;.")))
    return out


def colon_item(text: str) -> Optional[tuple[list[str], str]]:
    """An item "+ Agency, Agency: task" → (agencies, task); None when no agency opens it."""
    _, body = strip_marker(text)
    if ":" not in body:
        return None
    head, task = body.split(":", 1)
    toks = tokens(head)
    if not agency_at(head, toks, 0) or list_end(head, toks, 0) < len(toks):
        return None
    agencies = split_agencies(head)
    return (agencies, task.strip()) if agencies and task.strip() else None


def label_assignments(blocks: list[Block]) -> list[tuple[int, Assignment]]:
    """Label lines and the "+ Agency: task" items after an empty label, with their block index."""
    out: list[tuple[int, Assignment]] = []
    title: Optional[str] = None
    open_role: Optional[Role] = None  # role of an empty label whose items follow
    for i, b in enumerate(blocks):
        h = heading_of(b.text)
        labels = label_of(h[2] if h else b.text)
        if h and not labels:
            title, open_role = section_title(b.text), None
            continue
        if labels:
            open_role = None
            for role, value in labels:
                open_role = None if value else role
                out += [(i, make_assignment(a, role, title, b)) for a in split_agencies(value)]
            continue
        item = colon_item(b.text) if open_role else None
        if item is None:
            open_role = None
            continue
        agencies, task = item
        out += [(i, make_assignment(a, open_role, task, b)) for a in agencies]
    return out


# --- "Giao cho X chủ trì, phối hợp với Y …" -------------------------------------------------------------

def _skip_with(text: str, toks: tuple[Tok, ...], i: int) -> int:
    """Past the "với"/"cùng" after "phối hợp"."""
    return i + 1 if i < len(toks) and toks[i].key in ("voi", "cung") else i


def _coordinators_after(text: str, toks: tuple[Tok, ...], i: int) -> tuple[list[str], int]:
    """The "phối hợp với Y, Z" list at token i: (agencies, token where the task starts)."""
    coord = phrase_at(text, toks, i, V.COORDINATE_WORDS)
    c = _skip_with(text, toks, i + coord)
    if not coord or not agency_at(text, toks, c):
        return [], i
    end = list_end(text, toks, c)
    return split_agencies(text[toks[c].start:toks[end - 1].end]), end


def _roles_after(text: str, toks: tuple[Tok, ...], e: int, direct: bool) -> tuple[Role, list[str], int]:
    """What follows the agencies of a "Giao …" sentence at token e: (their role, coordinators,
    token where the task starts)."""
    lead = phrase_at(text, toks, e, V.LEAD_WORDS)
    if lead:
        coordinators, task_start = _coordinators_after(text, toks, e + lead)
        return "lead", coordinators, task_start
    resp = phrase_at(text, toks, e, V.RESPONSIBLE_WORDS)
    if resp:
        return "responsible", [], e + resp
    if not direct and phrase_at(text, toks, e, V.COORDINATE_WORDS):
        return "coordinate", [], e
    return "responsible", [], e


def giao_sentence(text: str, toks: tuple[Tok, ...], g: int, n: int, direct: bool) -> list[tuple[str, Role, Optional[str]]]:
    """(agency, role, task) of one "Giao …" phrase at token g (n tokens long); the task runs to the
    end of its sentence. `direct` is true for "giao trách nhiệm X …" (X is responsible)."""
    s = g + n
    if not agency_at(text, toks, s):
        return []
    sentence_end = toks[g].start + len(first_sentence(text[toks[g].start:]))
    e = list_end(text, toks, s)
    if e >= len(toks) or toks[e].start >= sentence_end:
        return []
    agencies = split_agencies(text[toks[s].start:toks[e - 1].end])
    role, coordinators, task_start = _roles_after(text, toks, e, direct)
    task = None
    if task_start < len(toks) and toks[task_start].start < sentence_end:
        task = sentence_task(text[toks[task_start].start:sentence_end])
    return [(a, role, task) for a in agencies] + [(a, "coordinate", task) for a in coordinators]


def giao_in_text(text: str) -> list[tuple[str, Role, Optional[str]]]:
    """Every "Giao cho …" / "giao trách nhiệm …" sentence of a text."""
    toks = tokens(text)
    out: list[tuple[str, Role, Optional[str]]] = []
    i = 0
    while i < len(toks):
        if i > 0 and toks[i - 1].key == "duoc":  # "được giao nhiệm vụ" describes, does not assign
            i += 1
            continue
        n = phrase_at(text, toks, i, V.ASSIGN_RESPONSIBLE)
        direct = bool(n)
        if not n:
            n = phrase_at(text, toks, i, V.ASSIGN_TO)
        if not n and toks[i].key == "giao" and toks[i].upper:
            n = 1  # "Giao Sở Y tế chủ trì …"
        found = giao_sentence(text, toks, i, n, direct) if n else []
        out += found
        i += n if found else 1
    return out


def giao_assignments(blocks: list[Block]) -> list[tuple[int, Assignment]]:
    return [(i, make_assignment(a, role, task, b)) for i, b in enumerate(blocks) for a, role, task in giao_in_text(b.text)]


def has_giao(text: str) -> bool:
    return bool(giao_in_text(text))


# --- numbered agency items under TỔ CHỨC THỰC HIỆN ---------------------------------------------------

def heading_rank(kind: str, number: str) -> int:
    """Depth of a heading: parts 0, roman 1, arabic 2 (+1 per dot), letters 6."""
    if kind in ("part", "block"):
        return 0
    if kind == "roman":
        return 1
    if kind == "arabic":
        return 2 + number.count(".")
    return 6


def is_organize_heading(title: str) -> bool:
    """"TỔ CHỨC THỰC HIỆN" (OCR "TO CHUC THUC HIEN"), optionally "… KẾ HOẠCH"."""
    title = strip_trailing_punct(title)
    toks = tokens(title)
    if not toks:
        return False
    n = phrase_at(title, toks, 0, ORGANIZE)
    if not n:
        return False
    rest = title[toks[n - 1].end:].strip(" .:-–")
    return not rest or bool(rest and phrase_at(rest, tokens(rest), 0, V.ORGANIZE_HEADING_TAILS) == len(tokens(rest)))


def is_closing(text: str) -> bool:
    """The closing paragraph of a plan: "Trên đây là …", an end mark "./.", or an unbulleted
    request to other bodies ("…; đề nghị các cấp ủy …")."""
    marker, body = strip_marker(text)
    toks = tokens(body)
    if not toks or heading_of(text):
        return False
    if phrase_at(body, toks, 0, V.CLOSING_OPENERS) or _END_MARK.search(body):
        return True
    if marker:
        return False
    for i in range(len(toks)):
        n = phrase_at(body, toks, i, V.CLOSING_REQUESTS)
        if n and agency_at(body, toks, i + n):
            return True
    return False


def _after_clause(text: str, toks: tuple[Tok, ...], i: int) -> int:
    """Past a leading clause "Căn cứ vào Kế hoạch …, " to the subject after its comma."""
    if not phrase_at(text, toks, i, V.CLAUSE_OPENERS):
        return i
    for j in range(i + 1, len(toks)):
        gap = text[toks[j - 1].end:toks[j].start]
        if "." in gap or ";" in gap:
            return i
        if "," in gap and agency_at(text, toks, j):
            return j
    return i


@dataclass(frozen=True)
class Subject:
    """Agencies that open a text and what follows them."""

    agencies: list[str]
    rest: Optional[str]  # None when the whole text is the agency list (a heading "Sở Y tế")
    colon: bool = False  # "Agency: task" rather than "Agency verb …"


def subject_of(text: str) -> Optional[Subject]:
    """The agencies that open `text` (after "Đề nghị" or a leading "Căn cứ …," clause), or None."""
    text = strip_marker(text)[1]
    toks = tokens(text)
    if not toks:
        return None
    i = _after_clause(text, toks, phrase_at(text, toks, 0, V.REQUEST_WORDS))
    if not agency_at(text, toks, i):
        return None
    e = list_end(text, toks, i)
    colon = text.find(":", toks[i].start)
    if colon >= 0 and (e >= len(toks) or toks[e].start > colon):
        agencies = split_agencies(text[toks[i].start:colon])
        return Subject(agencies, text[colon + 1:].strip() or None, True) if agencies else None
    if e >= len(toks):
        agencies = split_agencies(text[toks[i].start:])
        return Subject(agencies, None) if agencies else None
    agencies = split_agencies(text[toks[i].start:toks[e - 1].end])
    return Subject(agencies, text[toks[e].start:]) if agencies else None


def body_text(blocks: list[Block]) -> str:
    """Text of blocks as one task: list marks removed, items joined with one space."""
    return collapse(" ".join(strip_marker(b.text)[1] for b in blocks))


@dataclass
class Item:
    """A heading under TỔ CHỨC THỰC HIỆN (or None for the text before the first one) and its body."""

    index: int
    heading: Optional[Block]
    body: list[Block]


def _is_agency_heading(b: Block) -> bool:
    h = heading_of(b.text)
    return h is not None and subject_of(h[2]) is not None


def organize_rank(b: Block, h: Optional[tuple[str, str, str]]) -> Optional[int]:
    """Rank of the section a TỔ CHỨC THỰC HIỆN heading opens; an unnumbered bold or markdown
    heading ranks as a roman one. None for any other block."""
    if h is not None:
        return heading_rank(h[0], h[1]) if is_organize_heading(h[2]) else None
    if (b.bold or b.heading) and is_organize_heading(strip_marker(b.text)[1]):
        return heading_rank("roman", "I")
    return None


def organize_items(blocks: list[Block]) -> list[Item]:
    """Every heading inside a TỔ CHỨC THỰC HIỆN section, with the blocks under it. The section ends
    at a heading of its rank or higher, or at the closing paragraph."""
    items: list[Item] = []
    zone: Optional[int] = None  # rank of the organize heading
    cur: Optional[Item] = None
    cur_rank = 99
    for i, b in enumerate(blocks):
        h = heading_of(b.text)
        rank = organize_rank(b, h)
        if rank is not None:
            zone, cur, cur_rank = rank, Item(i, None, []), 99
            items.append(cur)
            continue
        if zone is None:
            continue
        if is_closing(b.text):
            zone = None
            continue
        if h:
            rank = heading_rank(h[0], h[1])
            if rank <= zone:
                zone = None
                continue
            if rank <= cur_rank or cur is None or cur.heading is None or _is_agency_heading(b):
                cur, cur_rank = Item(i, b, []), rank
                items.append(cur)
                continue
        if cur is not None:
            cur.body.append(b)
    return items


def item_assignments(item: Item) -> list[tuple[int, Assignment]]:
    """`responsible` assignments of one item under TỔ CHỨC THỰC HIỆN: its agency heading with the
    text under it, or (a heading that names no agency) the paragraphs under it that open with one.
    A "Giao cho …" heading is read by the Giao rule alone."""
    title = heading_of(item.heading.text)[2] if item.heading is not None else None
    if title is not None and has_giao(title):
        return []
    subject = subject_of(title) if title is not None else None
    if subject is not None:
        task = _item_task(subject, item.body)
        return [(item.index, make_assignment(a, "responsible", task, item.heading)) for a in subject.agencies]
    return [a for k, b in enumerate(item.body) for a in _paragraph_assignments(item.index + 1 + k, b)]


def _item_task(subject: Subject, body: list[Block]) -> Optional[str]:
    """An agency heading's task: what follows the agency in the heading, then the text under it."""
    under = body_text(body)
    if subject.rest is None:
        return under or None
    if under:
        return collapse(subject.rest + " " + under)
    return clean(subject.rest) if subject.colon else sentence_task(subject.rest)


def _paragraph_assignments(index: int, b: Block) -> list[tuple[int, Assignment]]:
    """A paragraph under a heading that names no agency: "Agency verb …" or "Agency: task"."""
    if heading_of(b.text) or has_giao(b.text):
        return []
    subject = subject_of(b.text)
    if subject is None or subject.rest is None:
        return []
    task = clean(subject.rest) if subject.colon else sentence_task(subject.rest)
    return [(index, make_assignment(a, "responsible", task, b)) for a in subject.agencies]


def organize_assignments(blocks: list[Block]) -> list[tuple[int, Assignment]]:
    return [a for item in organize_items(blocks) for a in item_assignments(item)]


# --- entry point -----------------------------------------------------------------------------------

def assignments_from_blocks(blocks: list, doc_type: str | None) -> list[Assignment]:
    """Assignments of a plan's body blocks (Blocks and TableBlocks in reading order), in reading
    order; [] for documents that are not plans."""
    if not is_plan(doc_type):
        return []
    paras = [b for b in blocks if isinstance(b, Block)]
    found = label_assignments(paras) + giao_assignments(paras) + organize_assignments(paras)
    found.sort(key=lambda x: x[0])
    out: list[Assignment] = []
    seen: set[tuple] = set()
    for _, a in found:
        k = (a.agency, a.role, a.task)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out
