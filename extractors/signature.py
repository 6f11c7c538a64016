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
BULLET = re.compile(r"^\s*[-+•–]\s*")
LABEL = re.compile(r"^\s*(?:n[o0]i\s*nh\w{0,3}n)\s*:?", re.I)


def _ev(ln: Line, raw: str) -> Evidence:
    return Evidence(raw=raw, page=ln.page, box=ln.box, confidence=ln.confidence)


def signature_from_lines(lines: list[Line]) -> Signature:
    sig = Signature()
    ev: dict[str, Evidence] = {}
    for ln in lines:
        t = clean(ln.text.strip().strip("*")) or ""
        if not t:
            continue
        if sig.authority is None and AUTHORITY.match(t):
            sig.authority, ev["authority"] = t, _ev(ln, ln.text)
        elif sig.deputy is None and DEPUTY.match(t):
            sig.deputy, ev["deputy"] = t, _ev(ln, ln.text)
        elif sig.position is None and (best_match(t, V.POSITIONS, threshold=80) or
                                       (is_upper_text(t) and len(t) < 50 and sig.authority is not None)):
            sig.position, ev["position"] = t, _ev(ln, ln.text)
        elif NAME.match(t) and len(t.split()) <= 5:
            if sig.signer is None or key(sig.signer) != key(t):
                sig.signer, ev["signer"] = t, _ev(ln, ln.text)
    sig.evidence = ev
    return sig


def recipients_from_lines(lines: list[Line]) -> list[str]:
    items: list[str] = []
    for ln in lines:
        t = ln.text.strip()
        if LABEL.match(key(t)) or LABEL.match(t):
            rest = LABEL.sub("", t, count=1).strip() if LABEL.match(t) else ""
            if rest and BULLET.match(rest):
                items.append(rest)
            continue
        if BULLET.match(t):
            items.append(t)
        elif items:
            items[-1] = f"{items[-1]} {t}"
    out = []
    for it in items:
        it = BULLET.sub("", it, count=1)
        it = clean(it.rstrip().rstrip(",;").rstrip())
        if it:
            out.append(it)
    return out
