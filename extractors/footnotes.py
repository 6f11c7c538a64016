"""Footnotes: one per marker, linked to its body (bodies continued across pages were joined by layout)."""
from __future__ import annotations

from pipeline.document import Block, FootnoteBody
from pipeline.record import Footnote, Prov


def footnotes_from_bodies(bodies: list[FootnoteBody], body_blocks: list) -> list[Footnote]:
    marker_prov: dict[str, Prov] = {}
    for b in body_blocks:
        if not isinstance(b, Block):
            continue
        for ln in b.lines:
            for m in ln.markers:
                marker_prov.setdefault(m.label, Prov(page=ln.page, box=m.box or ln.box, confidence=ln.confidence))
    out = []
    for body in bodies:
        out.append(Footnote(marker=body.label, text=body.text, page=body.lines[0].page, pages=body.pages,
                            prov=marker_prov.get(body.label)))
    return out


def orphan_markers(bodies: list[FootnoteBody], body_blocks: list) -> list[str]:
    """Markers in the body whose footnote body was not found (a warning, not an error)."""
    have = {b.label for b in bodies}
    seen: list[str] = []
    for b in body_blocks:
        if isinstance(b, Block):
            for m in b.markers:
                if m.label not in have and m.label not in seen:
                    seen.append(m.label)
    return seen
