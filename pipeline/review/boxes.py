"""A record → the values a reviewer looks at: one highlight item per extracted value, with its kind,
page, box (PDF points from the top left), text, raw text, confidence, restored flag and golden verdict.

Pure: a record (the JSON dict `baocao extract` writes; older or partial records are read tolerantly)
and, optionally, its golden verdicts (verdicts.py) in; items out. Values the record holds no box for get
`box=None` here; locate.py may find them in the page's lines later, else they are listed as "no box".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from extractors.textnorm import clean, fold
from pipeline.review.verdicts import CORRECT, EXTRA, LENIENT, MISSING, WRONG, FieldVerdict, ItemVerdict, Verdicts

# Kinds of highlight, in the order the record panel lists them, with the label the page shows.
KINDS: dict[str, str] = {
    "header": "Header field",
    "signature": "Signature",
    "recipient": "Recipient",
    "section": "Section heading",
    "footnote-marker": "Footnote marker",
    "footnote-body": "Footnote body",
    "reference": "Reference",
    "table-cell": "Table cell",
    "measure": "Measure",
    "assignment": "Assignment",
    "check": "Failed check",
}
LOW_CONFIDENCE = 80.0  # OCR confidence (Tesseract's 0-100, a line's mean) under which a value is marked

HEADER_FIELDS = ("issuer_parent", "issuer", "ref", "number", "doc_type", "place", "date", "title")
SIGNATURE_FIELDS = ("authority", "deputy", "position", "signer")


@dataclass
class Item:
    id: str  # unique in the document, used as the HTML id (ASCII)
    kind: str  # a key of KINDS
    family: str  # evaluate's field family the value is scored in
    label: str  # what the value is ("issuer", "III.2", "t1 r3 c2", …)
    text: str  # the value as extracted (may be "")
    page: Optional[int] = None
    box: Optional[tuple[float, float, float, float]] = None
    box_from: Optional[str] = None  # "record" | "lines" (found in the page's lines) | None: no box
    raw: Optional[str] = None  # the printed text, when the record keeps it
    confidence: Optional[float] = None  # OCR confidence of the value's line
    restored: bool = False  # the printed text had lost its diacritics (restored by the pipeline)
    verdict: Optional[str] = None  # verdicts.VERDICTS, None without golden
    golden: Optional[str] = None  # the golden value, where it differs
    details: list[tuple[str, str, Optional[str], Optional[str]]] = field(default_factory=list)
    # (field, value, verdict, golden value) for the record panel
    needles: list[str] = field(default_factory=list)  # texts to look for when the record has no box
    pages: list[int] = field(default_factory=list)  # pages the value may be on (tables, footnote bodies)
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)  # text view: (page, line, start, end)

    @property
    def low_confidence(self) -> bool:
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (list, tuple)):
        return ", ".join(_s(x) for x in v)
    return str(v)


def _box(v: Any) -> Optional[tuple[float, float, float, float]]:
    try:
        x0, top, x1, bottom = (float(c) for c in v)
    except (TypeError, ValueError):
        return None
    if not (x1 > x0 and bottom > top):
        return None
    return x0, top, x1, bottom


def _int(v: Any) -> Optional[int]:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _prov(d: Any) -> dict:
    return d if isinstance(d, dict) else {}


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


_VIET_MARKS = re.compile(r"[^\x00-\x7f]")  # any non-ASCII letter: diacritics, đ


def is_restored(text: Optional[str], raw: Optional[str]) -> bool:
    """The printed text had lost its diacritics and the value carries them back: the same letters
    without marks, and the raw text has fewer non-ASCII letters (not merely another spelling)."""
    if not text or not raw:
        return False
    t, r = clean(text) or "", clean(raw) or ""
    if t == r or fold(t) not in fold(r):
        return False
    return len(_VIET_MARKS.findall(r)) < len(_VIET_MARKS.findall(t)) * 0.5


def _apply(item: Item, iv: Optional[ItemVerdict], field_order: tuple[str, ...] = ()) -> None:
    """Set the item's verdict and per-field details from its golden verdict."""
    if iv is None:
        return
    item.verdict = EXTRA if not iv.aligned else iv.verdict
    for name, fv in iv.fields.items():
        if fv.verdict in (WRONG, LENIENT, MISSING):
            item.details.append((name, "", fv.verdict, fv.golden))
    wrong = [fv for fv in iv.fields.values() if fv.verdict in (WRONG, MISSING)]
    if len(iv.fields) == 1 and wrong:
        item.golden = wrong[0].golden


def _field_item(family: str, kind: str, name: str, value: Any, evidence: dict, fv: Optional[FieldVerdict],
                has_golden: bool) -> Item:
    e = _prov(evidence.get(name))
    item = Item(id=f"{family[:3]}-{name}", kind=kind, family=family, label=name.replace("_", " "), text=_s(value),
                page=_int(e.get("page")), box=_box(e.get("box")), raw=e.get("raw"), confidence=e.get("confidence"))
    item.restored = is_restored(item.text, item.raw)
    if fv is not None:
        item.verdict = fv.verdict
        if fv.verdict in (WRONG, MISSING, LENIENT):
            item.golden = fv.golden
    elif has_golden and value not in (None, ""):
        item.verdict = None  # the golden does not score this field
    item.needles = [x for x in (item.raw, item.text) if x]
    return item


def record_items(record: dict, verdicts: Optional[Verdicts] = None) -> list[Item]:
    """Every value of the record that has a place in the document, in the order of KINDS."""
    items: list[Item] = []
    v = verdicts
    for family, kind, names in (("header", "header", HEADER_FIELDS), ("signature", "signature", SIGNATURE_FIELDS)):
        part = _prov(record.get(family))
        evidence = _prov(part.get("evidence"))
        iv = v.get(family) if v else None
        for name in names:
            value = part.get(name)
            fv = iv.fields.get(name) if iv else None
            if value in (None, "") and (fv is None or fv.verdict != MISSING):
                continue
            items.append(_field_item(family, kind, name, value, evidence, fv, v is not None))

    for i, text in enumerate(_list(record.get("recipients"))):
        it = Item(id=f"rcp-{i}", kind="recipient", family="recipients", label=f"{i + 1}", text=_s(text))
        it.needles = [it.text]
        _apply(it, v.get("recipients", i) if v else None)
        items.append(it)

    for i, s in enumerate(_list(record.get("sections"))):
        s = _prov(s)
        pv = _prov(s.get("prov"))
        it = Item(id=f"sec-{i}", kind="section", family="sections", label=_s(s.get("id")), text=_s(s.get("title")),
                  page=_int(s.get("page")) or _int(pv.get("page")), box=_box(pv.get("box")), raw=s.get("raw"),
                  confidence=pv.get("confidence"))
        it.restored = is_restored(it.text, it.raw)
        it.needles = [x for x in (it.raw, it.text) if x]
        _apply(it, v.get("sections", i) if v else None)
        items.append(it)

    for i, f in enumerate(_list(record.get("footnotes"))):
        f = _prov(f)
        pv = _prov(f.get("prov"))
        marker = _s(f.get("marker"))
        iv = v.get("footnotes", i) if v else None
        m = Item(id=f"fnm-{i}", kind="footnote-marker", family="footnotes", label=marker, text=marker,
                 page=_int(pv.get("page")) or _int(f.get("page")), box=_box(pv.get("box")),
                 confidence=pv.get("confidence"))
        body = Item(id=f"fnb-{i}", kind="footnote-body", family="footnotes", label=marker, text=_s(f.get("text")),
                    page=_int(f.get("page")), pages=[p for p in _list(f.get("pages")) if _int(p)])
        body.needles = [body.text]
        if iv is not None:  # the marker carries the marker's verdict, the body its text's (and page)
            m.verdict = EXTRA if not iv.aligned else (iv.fields["marker"].verdict if "marker" in iv.fields else None)
            _apply(body, iv)
            body.details = [d for d in body.details if d[0] != "marker"]
            fv = iv.fields.get("text")
            body.verdict = EXTRA if not iv.aligned else (fv.verdict if fv else body.verdict)
            if fv is not None and fv.verdict in (WRONG, MISSING, LENIENT):
                body.golden = fv.golden
        items += [m, body]

    for i, r in enumerate(_list(record.get("references"))):
        r = _prov(r)
        pv = _prov(r.get("prov"))
        label = " ".join(x for x in (_s(r.get("kind")), _s(r.get("number"))) if x)
        text = "; ".join(x for x in (label, _s(r.get("date")), _s(r.get("issuer")), _s(r.get("subject"))) if x)
        it = Item(id=f"ref-{i}", kind="reference", family="references", label=label, text=text,
                  page=_int(pv.get("page")), box=_box(pv.get("box")), raw=r.get("raw"), confidence=pv.get("confidence"))
        it.details = [(k, _s(r.get(k)), None, None) for k in ("kind", "number", "date", "issuer", "subject", "cited_in")
                      if r.get(k)]
        it.needles = [x for x in (it.raw, _s(r.get("number"))) if x]
        _apply(it, v.get("references", i) if v else None)
        items.append(it)

    cell_pages = _cell_pages(record)
    for ti, t in enumerate(_list(record.get("tables"))):
        items += _table_items(ti, _prov(t), v.get("tables", ti) if v else None, cell_pages)

    for i, m in enumerate(_list(record.get("measures"))):
        m = _prov(m)
        pv = _prov(m.get("prov"))
        unit = _s(m.get("unit"))
        text = f"{_s(m.get('indicator'))} = {_s(m.get('value'))}{(' ' + unit) if unit else ''}"
        it = Item(id=f"mea-{i}", kind="measure", family="measures", label=_s(m.get("raw")), text=text,
                  page=_int(pv.get("page")), box=_box(pv.get("box")), raw=m.get("raw"), confidence=pv.get("confidence"))
        it.details = [(k, _s(m.get(k)), None, None) for k in ("indicator", "value", "unit", "period", "scope", "kind",
                                                              "qualifier", "source") if m.get(k) not in (None, "")]
        it.needles = [x for x in (it.raw,) if x]
        _apply(it, v.get("measures", i) if v else None)
        items.append(it)

    for i, a in enumerate(_list(record.get("assignments"))):
        a = _prov(a)
        pv = _prov(a.get("prov"))
        text = f"{_s(a.get('agency'))} ({_s(a.get('role'))}): {_s(a.get('task'))}"
        if a.get("deadline"):
            text += f" — by {_s(a.get('deadline'))}"
        it = Item(id=f"asg-{i}", kind="assignment", family="assignments", label=_s(a.get("agency")), text=text,
                  page=_int(pv.get("page")), box=_box(pv.get("box")), raw=a.get("raw"), confidence=pv.get("confidence"))
        it.needles = [x for x in (_s(a.get("agency")),) if x]
        _apply(it, v.get("assignments", i) if v else None)
        items.append(it)

    for i, c in enumerate(_list(record.get("checks"))):
        c = _prov(c)
        if c.get("status") != "fail":
            continue
        it = Item(id=f"chk-{i}", kind="check", family="checks", label=f"{_s(c.get('rule'))} @ {_s(c.get('where'))}",
                  text=_s(c.get("message")))
        _apply(it, v.get("checks", i) if v else None)
        items.append(it)

    if v is not None:
        items += missing_items(v)
    return items


def _cell_text(row: Any, j: int) -> str:
    row = _list(row)
    return _s(row[j]) if j < len(row) else ""


_TABLE_SOURCE = re.compile(r"""^table:(?P<table>[^:]+)   # table:t2
                               :r(?P<row>\d+):c(?P<col>\d+)$  # :r1:c3, body row and column from 1""", re.VERBOSE)


def _cell_pages(record: dict) -> dict[tuple[str, int, int], int]:
    """The page of a table's body cell, from the measures read in it (a table spanning pages keeps one
    page; its cells' boxes would otherwise have none)."""
    out = {}
    for m in _list(record.get("measures")):
        m = _prov(m)
        hit = _TABLE_SOURCE.match(str(m.get("source") or ""))
        page = _int(_prov(m.get("prov")).get("page"))
        if hit and page:
            out[(hit["table"], int(hit["row"]) - 1, int(hit["col"]) - 1)] = page
    return out


def _table_items(ti: int, t: dict, iv: Optional[ItemVerdict], cell_pages: dict) -> list[Item]:
    """One item per non-empty cell (header and body), boxes from the parsed values where the record
    keeps them; golden cells the table lacks become missing cells."""
    tid = _s(t.get("id")) or f"t{ti + 1}"
    pages = [p for p in _list(t.get("pages")) if _int(p)] or ([t["page"]] if _int(t.get("page")) else [])
    values = _list(t.get("values"))
    out: list[Item] = []
    seen: set[tuple[str, int, int]] = set()
    for grid, rows in (("header_rows", _list(t.get("header_rows"))), ("rows", _list(t.get("rows")))):
        for i, row in enumerate(rows):
            for j, cell in enumerate(_list(row)):
                cv = iv.cells.get((grid, i, j)) if iv else None
                if cell in (None, "") and cv is None:
                    continue
                seen.add((grid, i, j))
                val = _prov(_list(values[i])[j]) if grid == "rows" and i < len(values) and j < len(_list(values[i])) else {}
                prefix = "h" if grid == "header_rows" else "r"
                it = Item(id=f"cel-{ti}-{prefix}{i}-{j}", kind="table-cell", family="tables",
                          label=f"{tid} {'header ' if prefix == 'h' else ''}r{i + 1} c{j + 1}", text=_s(cell),
                          box=_box(val.get("box")), raw=val.get("raw") if val.get("raw") != cell else None,
                          pages=list(pages))
                if it.box is not None:
                    it.page = pages[0] if len(pages) == 1 else cell_pages.get((tid, i, j)) if prefix == "r" else None
                it.needles = [it.text] if it.text else []
                if iv is not None:
                    it.verdict = EXTRA if not iv.aligned else (cv.verdict if cv else None)
                    if cv is not None and cv.verdict in (WRONG, MISSING, LENIENT):
                        it.golden = cv.golden
                out.append(it)
    if iv is not None:
        for (grid, i, j), cv in iv.cells.items():
            if (grid, i, j) not in seen and cv.verdict == MISSING:
                prefix = "h" if grid == "header_rows" else "r"
                out.append(Item(id=f"cel-{ti}-{prefix}{i}-{j}", kind="table-cell", family="tables",
                                label=f"{tid} {'header ' if prefix == 'h' else ''}r{i + 1} c{j + 1}", text="",
                                verdict=MISSING, golden=cv.golden, pages=list(pages)))
        for name in ("caption", "page"):
            fv = iv.fields.get(name)
            if fv is not None and fv.verdict != CORRECT:
                out.append(Item(id=f"tbl-{ti}-{name}", kind="table-cell", family="tables", label=f"{tid} {name}",
                                text=_s(t.get(name)), verdict=fv.verdict if iv.aligned else EXTRA, golden=fv.golden,
                                page=_int(t.get("page")), needles=[_s(t.get(name))] if name == "caption" else []))
    return out


_GOLD_KIND = {"recipients": "recipient", "sections": "section", "footnotes": "footnote-body",
              "references": "reference", "tables": "table-cell", "measures": "measure", "assignments": "assignment",
              "checks": "check"}


def _golden_text(family: str, g: dict) -> tuple[str, str]:
    """(label, text) of a golden item, to list what the extraction missed."""
    if family == "recipients":
        return "", _s(g.get("text"))
    if family == "sections":
        return _s(g.get("id")), _s(g.get("title"))
    if family == "footnotes":
        return _s(g.get("marker")), _s(g.get("text"))
    if family == "references":
        label = " ".join(x for x in (_s(g.get("kind")), _s(g.get("number"))) if x)
        return label, "; ".join(x for x in (label, _s(g.get("date")), _s(g.get("issuer")), _s(g.get("subject"))) if x)
    if family == "tables":
        return _s(g.get("id")), f"table {_s(g.get('id'))}: {_s(g.get('caption'))}"
    if family == "measures":
        unit = _s(g.get("unit"))
        return _s(g.get("raw")), f"{_s(g.get('indicator'))} = {_s(g.get('value'))}{(' ' + unit) if unit else ''}"
    if family == "assignments":
        return _s(g.get("agency")), f"{_s(g.get('agency'))} ({_s(g.get('role'))}): {_s(g.get('task'))}"
    return f"{_s(g.get('rule'))} @ {_s(g.get('where'))}", _s(g.get("message")) or _s(g.get("where"))


def missing_items(v: Verdicts) -> list[Item]:
    """Golden items no extracted item was aligned with: listed (with their golden page), never boxed."""
    out = []
    for n, (family, g) in enumerate(v.missing):
        label, text = _golden_text(family, g)
        out.append(Item(id=f"mis-{n}", kind=_GOLD_KIND[family], family=family, label=label, text="",
                        verdict=MISSING, golden=text, page=_int(g.get("page"))))
    return out
