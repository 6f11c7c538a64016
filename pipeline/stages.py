"""The stage list: each stage reads the document state and adds its own slot (`state.parts[name]`).

A stage never rewrites another stage's output. A stage that fails records an error item and the
document becomes partial; the stages after it still run on what there is.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Callable

from extractors.assignments import assignments_from_blocks
from extractors.checks import (check_header_annex_number, checks_across_tables, checks_for_paragraphs,
                               checks_for_table, checks_for_text)
from extractors.footnotes import footnotes_from_bodies, orphan_markers
from extractors.header import header_from_zone
from extractors.keywords import key
from extractors.measures import measures_from_table, measures_from_text
from extractors.references import Citation, merge_references, references_from_table, references_in_text
from extractors.sections import heading_of, numbering_warnings, sections_from_blocks
from extractors.signature import recipients_from_lines, signature_from_lines
from extractors.tables import caption_for, table_from_block
from extractors.vocabulary import TARGET_WORDS
from extractors.keywords import contains_keyword
from pipeline.document import Block, DocState, TableBlock
from pipeline.layout import build_layout
from pipeline.record import ErrorItem, Header, Signature


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[DocState], object]


def layout_stage(st: DocState):
    return build_layout(st.source)


def header_stage(st: DocState) -> Header:
    L = st.parts["layout"]
    width = st.source.pages[0].width if st.source.pages else None
    return header_from_zone(L.header_lines, L.doc_type_line, L.title_lines, page_width=width)


def sections_stage(st: DocState):
    sections = sections_from_blocks(st.parts["layout"].body)
    st.warnings.extend(numbering_warnings(sections))
    return sections


def footnotes_stage(st: DocState):
    L = st.parts["layout"]
    missing = orphan_markers(L.footnotes, L.body)
    if missing:
        st.warnings.append(f"footnote markers without a body: {', '.join(missing)}")
    return footnotes_from_bodies(L.footnotes, L.body)


def tables_stage(st: DocState):
    body = st.parts["layout"].body
    tables = []
    for i, b in enumerate(body):
        if isinstance(b, TableBlock):
            tables.append(table_from_block(b, caption_for(body, i)))
    return tables


def _doc_kind(st: DocState) -> str:
    h: Header = st.parts.get("header") or Header()
    return key(h.doc_type or "")


def _self_citation(c: Citation, text: str, doc_kind: str) -> bool:
    """A 'Kèm theo <own kind> …' caption cites the document itself."""
    before = key(text[max(0, c.start - 30): c.start])
    return "kem theo" in before and key(c.ref.kind) == doc_kind


def references_stage(st: DocState):
    L = st.parts["layout"]
    doc_kind = _doc_kind(st)
    by_marker = {f.label: f for f in L.footnotes}
    tables = {t.id: t for t in st.parts.get("tables", [])}
    cites: list[Citation] = []
    done_notes: set[str] = set()
    for b in L.body:
        if isinstance(b, Block):
            for c in references_in_text(b.text, "body", b.page):
                c.self_cite = _self_citation(c, b.text, doc_kind)
                c.ref.prov = b.prov_at(c.start)
                cites.append(c)
            for m in b.markers:
                body = by_marker.get(m.label)
                if body is not None and m.label not in done_notes:
                    done_notes.add(m.label)
                    cites.extend(references_in_text(body.text, f"footnote:{m.label}", body.lines[0].page))
        elif isinstance(b, TableBlock) and b.id in tables:
            t = tables[b.id]
            header = t.columns or (t.header_rows[-1] if t.header_rows else [])
            cites.extend(references_from_table(header, t.rows, t.id, t.page))
    for f in L.footnotes:  # bodies whose marker was not seen in the body
        if f.label not in done_notes:
            cites.extend(references_in_text(f.text, f"footnote:{f.label}", f.lines[0].page))
    if L.title_lines:
        title = " ".join(ln.text for ln in L.title_lines)
        cites.extend(references_in_text(title, "body", L.title_lines[0].page))
    return merge_references(cites)


def signature_stage(st: DocState) -> Signature:
    return signature_from_lines(st.parts["layout"].signature_lines)


def recipients_stage(st: DocState):
    return recipients_from_lines(st.parts["layout"].recipient_lines)


def measures_stage(st: DocState):
    L = st.parts["layout"]
    h: Header = st.parts.get("header") or Header()
    doc_year = int(h.date[:4]) if h.date else None
    out = []
    captions = {id(caption_for(L.body, i)) for i, b in enumerate(L.body) if isinstance(b, TableBlock)}
    context_kind = None
    for b in L.body:
        if isinstance(b, Block):
            h = heading_of(b.text)
            if h is not None and h[0] in ("roman", "part", "block", "arabic"):
                if h[0] in ("roman", "part", "block"):
                    context_kind = "target" if contains_keyword(h[2], TARGET_WORDS) else None
                elif contains_keyword(h[2][:120], ("mục tiêu", "chỉ tiêu")):
                    context_kind = "target"
            if id(b) in captions:
                continue
            out.extend(measures_from_text(b.text, b.page, context_kind, doc_year, locate=b.prov_at))
    for t in st.parts.get("tables", []):
        out.extend(measures_from_table(t))
    for f in L.footnotes:
        out.extend(measures_from_text(f.text, f.lines[0].page, None, doc_year))
    return out


def assignments_stage(st: DocState):
    h: Header = st.parts.get("header") or Header()
    return assignments_from_blocks(st.parts["layout"].body, h.doc_type)


def checks_stage(st: DocState):
    L = st.parts["layout"]
    out = []
    tables = st.parts.get("tables", [])
    for t in tables:
        out.extend(checks_for_table(t))
    out.extend(checks_across_tables(tables))
    # paragraphs together: a total stated in one and its parts listed in the next ones
    out.extend(checks_for_paragraphs([(b.text, f"text:p{b.page}") for b in L.body if isinstance(b, Block)]))
    for f in L.footnotes:
        out.extend(checks_for_text(f.text, f"text:p{f.lines[0].page}"))
    h: Header = st.parts.get("header") or Header()
    captions = [(b.text, f"text:p{b.page}") for b in L.body if isinstance(b, Block) and "kem theo" in key(b.text)]
    out.extend(check_header_annex_number(h.number, h.ref, h.doc_type, captions))
    return out


# The pipeline, in order. Each name is the slot the stage fills.
STAGES: list[Stage] = [
    Stage("layout", layout_stage),
    Stage("header", header_stage),
    Stage("sections", sections_stage),
    Stage("footnotes", footnotes_stage),
    Stage("tables", tables_stage),
    Stage("references", references_stage),
    Stage("signature", signature_stage),
    Stage("recipients", recipients_stage),
    Stage("measures", measures_stage),
    Stage("assignments", assignments_stage),
    Stage("checks", checks_stage),
]


def run_stages(state: DocState, stages: list[Stage] = STAGES) -> DocState:
    for stage in stages:
        if stage.name != "layout" and "layout" not in state.parts:
            break  # nothing to extract from
        try:
            state.parts[stage.name] = stage.run(state)
        except Exception as exc:  # a failed stage is data: the record is partial, not lost
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            state.errors.append(ErrorItem(stage=stage.name, message=f"{type(exc).__name__}: {exc} "
                                          f"(at {tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})"))
    return state
