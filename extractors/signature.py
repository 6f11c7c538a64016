"""Signature block (T/M, TM., KT., position, name) and the Nơi nhận list, from the zone's lines."""
from __future__ import annotations

import re
from typing import Optional

from extractors import vocabulary as V
from extractors.keywords import best_match, key
from extractors.textnorm import clean, is_upper_text
from pipeline.document import Line
from pipeline.record import Evidence, Signature

AUTHORITY = re.compile(r"^\s*(?:T/M|T\.M|TM\.?|Q\.|TL\.|TUQ\.)\s+\S", re.I)
DEPUTY = re.compile(r"^\s*KT\.?\s+\S")
NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")
BULLET = re.compile(r"""
    ^ \s* [_~.,`'‘]{0,2} \s*     # specks an OCR reads before a dash ("_- UBND tỉnh;")
    (?: (?: [-+•–] | [“"~] (?=\s) ) \s* )+   # a bullet (an OCR's quote or tilde for one), or a doubled one
""", re.VERBOSE)
TRAILING_SPECKS = re.compile(r"""
    (?<= [;,.] ) [\s\\|~_`'.:]* $       # after the item's own ';' or '.': an OCR's specks ("Bộ Y tế; \\..")
  | \s+ [\\|~_`'.:\-–]+ $               # specks standing apart at the end ("thành phố ~", "BTG. -")
""", re.VERBOSE)
LABEL = re.compile(r"^\s*(?:#+\s*)?n[o0d]i\s*nh\w{0,3}n\s*:?", re.I)  # on the folded key


def _ev(ln: Line, raw: str) -> Evidence:
    return Evidence(raw=raw, page=ln.page, box=ln.box, confidence=ln.confidence)


STRAY_CONFIDENCE = 60.0  # a short OCR'd line read with less confidence is a stroke of the signature or seal
MIN_OCR_TEXT_HEIGHT = 4.5  # points: OCR'd text is taller (6-point type and up)


def is_stray_line(ln: Line) -> bool:
    """A line of at most three characters and no letter ("2", "1'"), or an OCR'd line a few points
    tall or short and read unsure ("Ở", "Mỹ Í"): in the signature zone, a stroke of the drawn
    signature or the seal as OCR reads it, not a line of the document."""
    t = ln.text.strip()
    if len(t) <= 3 and not any(c.isalpha() for c in t):
        return True
    if ln.confidence is None:  # a text layer's line: no OCR noise to suspect
        return False
    if ln.box is not None and ln.box[3] - ln.box[1] < MIN_OCR_TEXT_HEIGHT:
        return True  # ink a few points tall: a flourish of the signature ("Ở", "Mỹ Í" 3 pt high)
    return ln.confidence < STRAY_CONFIDENCE and len(t) <= 6 and not BULLET.match(t)


def _position_form(t: str) -> str:
    """A position title with the diacritics of the one vocabulary entry whose letters it has (OCR's
    "THƯỜNG TRỤC" → "THƯỜNG TRỰC"); left as read when none or several have them."""
    from rapidfuzz import fuzz

    kt = key(t)
    forms = [p for p in V.POSITIONS if key(p) == kt]
    if len(forms) == 1:
        return forms[0]
    if forms:
        return t
    # a letter misread too ("THƯỜNG TRUUC"): the one title clearly nearest, letters nearly all alike
    scored = sorted(((fuzz.ratio(kt, key(p)), p) for p in V.POSITIONS), reverse=True)
    if scored[0][0] >= POSITION_MATCH and (len(scored) < 2 or scored[1][0] < scored[0][0] - 5):
        return scored[0][1]
    return t


POSITION_MATCH = 92.0  # rapidfuzz ratio of folded keys for a misread position title


def _deputy_form(t: str) -> str:
    m = re.match(r"^(KT\.?\s+)(.+)$", t)
    return f"{m.group(1)}{_position_form(m.group(2))}" if m else t


# The collegial bodies a signer signs for (after T/M, TM., TL., Q., TUQ.); kept here, not in the
# vocabulary module, whose every phrase also feeds the restorer's model
AUTHORITY_BODIES: tuple[str, ...] = (
    "BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN",
    "BAN CHỈ ĐẠO", "BAN CÁN SỰ ĐẢNG", "ĐẢNG ĐOÀN", "ĐẢNG ỦY", "ỦY BAN MẶT TRẬN TỔ QUỐC", "BAN THƯỜNG TRỰC",
    "BAN TUYÊN GIÁO", "BAN DÂN VẬN", "BAN TỔ CHỨC", "HỘI ĐỒNG", "TỈNH ỦY", "HUYỆN ỦY", "THÀNH ỦY",
)
_BODIES_LONGEST_FIRST = sorted(AUTHORITY_BODIES, key=lambda b: -len(b.split()))
AUTHORITY_GLUED = re.compile(r"^(T/M|T\.M|TM\.|Q\.|TL\.|TUQ\.)(?=[^\W\d_])", re.I)


def _authority_form(label: str):
    """The authority line ("TM. ỦY BAN NHÂN DÂN") in `label`, or None: as printed, or as an OCR
    gave it with specks before it and the space after the abbreviation lost ("_—TM.ỦY BAN NHÂN
    DÂN"), put back."""
    if not AUTHORITY.match(label):
        label = AUTHORITY_GLUED.sub(r"\1 ", re.sub(r"^(?:[^\w/]|_)+", "", label))
        if not (AUTHORITY.match(label) and label.isupper()):
            return None
    return _body_form(label)


def _body_form(label: str) -> str:
    """An authority line in capitals whose body, after its prefix, has the letters of one of the
    vocabulary's bodies takes that body's diacritics (an OCR's "T/M BAN THƯƠNG VỤ" → "THƯỜNG");
    what follows the body (a place: "ỦY BAN NHÂN DÂN HUYỆN …") stays as read."""
    m = re.match(r"^(\s*\S+\s+)(.*)$", label)
    if not m or not label.isupper():
        return label
    words = m.group(2).split()
    for body in _BODIES_LONGEST_FIRST:
        n = len(body.split())
        if len(words) >= n and key(" ".join(words[:n])) == key(body):
            return m.group(1) + " ".join([body] + words[n:])
    return label


def signature_from_lines(lines: list[Line]) -> Signature:
    sig = Signature()
    ev: dict[str, Evidence] = {}
    for ln in lines:
        t = clean(ln.text.strip().strip("*")) or ""
        if not t:
            continue
        label = t.rstrip(".,;:").rstrip()  # a speck after an upper-case label ("T/M BAN THƯỜNG VỤ.")
        authority = _authority_form(label) if sig.authority is None else None
        if authority is not None:
            sig.authority, ev["authority"] = authority, _ev(ln, ln.text)
        elif sig.deputy is None and DEPUTY.match(t):
            sig.deputy, ev["deputy"] = _deputy_form(label), _ev(ln, ln.text)
        elif sig.position is None and (best_match(t, V.POSITIONS, threshold=80) or
                                       (is_upper_text(t) and len(t) < 50 and sig.authority is not None)):
            sig.position, ev["position"] = _position_form(label), _ev(ln, ln.text)
        elif NAME.match(t) and len(t.split()) <= 5:
            # the same name read twice (an OCR of the drawn signature, then the printed name): the surer reading
            same = sig.signer is not None and key(sig.signer) == key(t)
            if not same or (ln.confidence or 0) > (ev["signer"].confidence or 0):
                sig.signer, ev["signer"] = t, _ev(ln, ln.text)
    sig.evidence = ev
    return sig


def _orig_len(text: str, folded_len: int) -> int:
    """How many characters of `text` fold to the first `folded_len` characters of its key."""
    for i in range(len(text) + 1):
        if len(key(text[:i])) >= folded_len:
            return i
    return len(text)


def _ends_short(ln: Optional[Line], right: Optional[float], width: Optional[float]) -> bool:
    """Whether a line stops well before its column's right edge: the item on it is finished."""
    if ln is None or ln.box is None or right is None or not width:
        return False
    return ln.box[2] < right - 0.2 * width


def recipients_from_lines(lines: list[Line]) -> list[str]:
    items: list[str] = []
    boxed = [ln.box for ln in lines if ln.box and BULLET.match(ln.text.strip())]
    right = max((b[2] for b in boxed), default=None)
    width = (right - min(b[0] for b in boxed)) if boxed else None
    prev: Optional[Line] = None
    for ln in lines:
        t = ln.text.strip()
        if not any(c.isalnum() for c in t) or is_stray_line(ln):
            continue  # an OCR's specks between the items ("~", ": :", a signature's stroke read "2" or "Mỹ Í")
        m = LABEL.match(key(t))
        if m:
            # what follows the label is an item only when it is one ("Nơi nhận: - Sở Y tế;"), not a stamp
            rest = t[_orig_len(t, m.end()):].strip()
            if rest and BULLET.match(rest):
                items.append(rest)
            continue
        if BULLET.match(t):
            items.append(t)
        elif items and not items[-1].rstrip().endswith((";", ".")) and not (
                t[:1].isupper() and _ends_short(prev, right, width)):
            items[-1] = f"{items[-1]} {t}"  # an item cut at the line end (also after a comma)
        elif items:
            items.append(t)  # after a closed item (by ";", or a short line): a new one whose dash the OCR lost
        prev = ln
    out = []
    for it in items:
        it = BULLET.sub("", it, count=1)
        it = TRAILING_SPECKS.sub("", it)
        it = clean(it.rstrip().rstrip(",;").rstrip())
        if it:
            out.append(it)
    return out
