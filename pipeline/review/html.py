"""Items and page images → the static HTML of the review (one page per document, one index).

Pure string building. Every value that comes from a document — texts, raw texts, file names, golden
values, warnings — goes through `esc` (html.escape, quotes included) and nothing else reaches the HTML:
documents are untrusted input. The one small script only toggles classes and scrolls; it never builds
HTML from data. No network: CSS and JS are inline, images are files beside the page.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Optional

from pipeline.review.boxes import KINDS, LOW_CONFIDENCE, Item
from pipeline.review.locate import SrcPage
from pipeline.review.render import PageImage
from pipeline.review.verdicts import CORRECT, EXTRA, LENIENT, MISSING, WRONG


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


COLORS = {
    "header": "#1f77b4", "signature": "#9467bd", "recipient": "#8c564b", "section": "#2ca02c",
    "footnote-marker": "#e377c2", "footnote-body": "#c2185b", "reference": "#ff7f0e", "table-cell": "#17becf",
    "measure": "#d62728", "assignment": "#7b8a00", "check": "#555555",
}
VERDICT_MARK = {CORRECT: "✓", LENIENT: "≈", WRONG: "✗", MISSING: "∅", EXTRA: "+"}
VERDICT_TEXT = {
    CORRECT: "correct (matches the golden record exactly)",
    LENIENT: "matches the golden record only leniently (case, diacritics or small differences)",
    WRONG: "wrong", MISSING: "missing (in the golden record, not extracted)",
    EXTRA: "extra (extracted, not in the golden record)",
}
SELECTED_FILL = "rgba(255, 212, 0, 0.55)"  # the selected value's box (the browser test looks for it)


@dataclass
class FamilyScore:
    family: str
    strict: tuple[float, float, float]  # P, R, F1
    lenient: tuple[float, float, float]
    counts: tuple[int, int, int]  # strict TP, FP, FN


@dataclass
class DocView:
    """Everything one document's page shows."""

    name: str
    file: str
    status: str
    media_type: str
    page_count: int
    page_modes: list[str]
    items: list[Item]
    images: dict[int, PageImage] = field(default_factory=dict)  # page → image (PDF and image inputs)
    texts: dict[int, SrcPage] = field(default_factory=dict)  # page → lines (text inputs, or no image)
    page_texts: dict[int, str] = field(default_factory=dict)  # the record's pages[].text: the last resort
    low_lines: dict[int, list] = field(default_factory=dict)  # page → [(box, confidence, text)] (OCR lines)
    scores: Optional[list[FamilyScore]] = None
    overall: Optional[tuple[FamilyScore, float, float]] = None  # overall (micro), macro F1 strict, lenient
    golden_name: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the review could not do (no source file, …)
    ocr_confidence: Optional[float] = None


CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#1b1b1b;background:#eceff1}
a{color:#0b57d0}
header.top{background:#263238;color:#fff;padding:8px 14px}
header.top a{color:#cfe3ff}
header.top h1{font-size:17px;margin:2px 0}
.meta{font-size:12.5px;color:#cfd8dc}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;font-weight:600;background:#cfd8dc;color:#111}
.badge.success{background:#c8e6c9}.badge.partial{background:#ffe0b2}.badge.failure,.badge.failed{background:#ffcdd2}
.help{background:#fffde7;border-bottom:1px solid #e0d990;padding:6px 14px;font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;padding:6px 14px;background:#fff;border-bottom:1px solid #cfd8dc;font-size:12.5px}
.legend label{cursor:pointer;white-space:nowrap}
.sw{display:inline-block;width:12px;height:12px;border:2px solid;vertical-align:-2px;margin-right:3px}
.summary{padding:4px 14px;background:#fff;border-bottom:1px solid #cfd8dc;max-height:30vh;overflow:auto}
.summary details{margin:2px 0}
table.scores{border-collapse:collapse;font-size:12.5px;margin:4px 0}
table.scores td,table.scores th{padding:1px 8px;text-align:right;border-bottom:1px solid #eceff1}
table.scores td:first-child,table.scores th:first-child{text-align:left}
table.scores td.low{background:#ffcdd2;font-weight:600}
table.scores th{font-weight:600;text-align:right}
main{display:flex;height:calc(100vh - var(--top,190px))}
#pages{flex:1 1 60%;overflow:auto;padding:12px}
#record{flex:1 1 40%;max-width:640px;overflow:auto;background:#fff;border-left:1px solid #b0bec5;padding:6px 10px}
.page{position:relative;margin:0 auto 18px;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:1000px}
.page img{display:block;width:100%;height:100%}
.pno{position:absolute;left:-2px;top:-16px;font-size:11px;color:#546e7a}
.bx{position:absolute;border:1.5px solid var(--c);background:color-mix(in srgb,var(--c) 12%,transparent);cursor:pointer}
.bx:hover{background:color-mix(in srgb,var(--c) 28%,transparent)}
.bx.low{border-style:dotted;border-width:2.5px}
.bx.restored{background-image:repeating-linear-gradient(45deg,color-mix(in srgb,var(--c) 30%,transparent) 0 3px,transparent 3px 7px)}
.bx.v-wrong,.bx.v-missing{border-color:#c62828;border-width:2.5px}
.bx.v-wrong::after,.bx.v-lenient::after,.bx.v-extra::after{position:absolute;right:-7px;top:-9px;font-size:11px;font-weight:700;line-height:13px;padding:0 2px;border-radius:6px;color:#fff}
.bx.v-wrong::after{content:"✗";background:#c62828}.bx.v-lenient::after{content:"≈";background:#ef6c00}.bx.v-extra::after{content:"+";background:#6a1b9a}
.bx.sel{background:""" + SELECTED_FILL + """ !important;border:3px solid #000 !important;z-index:5}
.lowline{position:absolute;border-bottom:2px dotted #e65100;pointer-events:auto}
.textpage{padding:18px 22px;font:13px/1.55 "DejaVu Serif",Georgia,serif;white-space:pre-wrap;overflow-wrap:anywhere}
.ln{min-height:1.2em}
.ln.restored{text-decoration:underline wavy #8e24aa;text-decoration-thickness:1px;text-underline-offset:3px}
.hl{background:color-mix(in srgb,var(--c) 18%,transparent);border-bottom:2px solid var(--c);cursor:pointer}
.hl.v-wrong,.hl.v-missing{border-bottom:2px solid #c62828;outline:1px dashed #c62828}
.hl.sel{background:""" + SELECTED_FILL + """ !important;outline:2px solid #000}
.hide-k{display:none !important}
#record h3{font-size:14px;margin:10px 0 4px;padding:2px 6px;border-left:5px solid var(--c);background:#f5f7f8}
#record ol{list-style:none;margin:0;padding:0}
.it{padding:3px 6px;border-bottom:1px solid #eceff1;cursor:pointer;display:grid;grid-template-columns:1.4em 1fr;gap:0 4px}
.it:hover{background:#f1f8ff}
.it.sel{background:#fff3b0;outline:2px solid #000}
.it .vm{font-weight:700;text-align:center}
.it.v-correct .vm{color:#2e7d32}.it.v-lenient .vm{color:#ef6c00}.it.v-wrong .vm,.it.v-missing .vm{color:#c62828}.it.v-extra .vm{color:#6a1b9a}
.it .lab{font-size:12px;color:#546e7a;margin-right:4px}
.it .val{overflow-wrap:anywhere}
.it .gold{display:block;color:#b71c1c;font-size:12.5px}
.it .gold::before{content:"golden: ";font-weight:600}
.it .det{display:block;font-size:12px;color:#37474f}
.tag{display:inline-block;font-size:11px;padding:0 4px;border-radius:4px;margin-left:4px;vertical-align:1px}
.tag.nobox{background:#eceff1;color:#455a64}.tag.low{background:#fff3e0;color:#e65100}.tag.rest{background:#f3e5f5;color:#6a1b9a}.tag.found{background:#e8f5e9;color:#2e7d32}
.only-problems .it.v-correct,.only-problems .it.nov{display:none}
ul.warn{margin:2px 0;padding-left:20px;font-size:12.5px}
table.docs{border-collapse:collapse;margin:10px 14px;background:#fff;font-size:13px}
table.docs th{background:#37474f;color:#fff;cursor:pointer;padding:5px 8px;text-align:left;position:sticky;top:0;white-space:nowrap}
table.docs th[aria-sort=ascending]::after{content:" ▲"}table.docs th[aria-sort=descending]::after{content:" ▼"}
table.docs td{padding:4px 8px;border-bottom:1px solid #eceff1;vertical-align:top}
table.docs td.n{text-align:right;font-variant-numeric:tabular-nums}
table.docs tr:hover td{background:#f1f8ff}
.why{font-size:12px;color:#b71c1c}
"""

JS_DOC = """
(function(){
var sel=[];
function clear(){sel.forEach(function(e){e.classList.remove('sel')});sel=[];}
function select(id,from){
  clear();
  var li=document.getElementById('i-'+id);
  var marks=document.querySelectorAll('[data-ids~="'+CSS.escape(id)+'"]');
  if(li){li.classList.add('sel');sel.push(li);}
  marks.forEach(function(m){m.classList.add('sel');sel.push(m);});
  if(from!=='list'&&li){li.scrollIntoView({block:'nearest'});}
  if(from!=='page'&&marks.length){marks[0].scrollIntoView({block:'center',inline:'nearest'});}
  if(history.replaceState){history.replaceState(null,'','#'+id);}
}
document.addEventListener('click',function(ev){
  var t=ev.target.closest('[data-ids]');
  if(t&&t.closest('#pages')){var ids=t.getAttribute('data-ids').split(' ');select(ids[0],'page');return;}
  var li=ev.target.closest('.it');
  if(li){select(li.getAttribute('data-id'),'list');}
});
document.querySelectorAll('input[data-kind]').forEach(function(cb){
  cb.addEventListener('change',function(){
    var k=cb.getAttribute('data-kind');
    document.querySelectorAll('.k-'+k).forEach(function(e){e.classList.toggle('hide-k',!cb.checked)});
  });
});
var op=document.getElementById('only-problems');
if(op){op.addEventListener('change',function(){document.getElementById('record').classList.toggle('only-problems',op.checked)});}
function fit(){var h=document.querySelector('.fixed');if(h){document.documentElement.style.setProperty('--top',h.offsetHeight+'px');}}
fit();window.addEventListener('resize',fit);
window.baocaoSelect=select;
if(location.hash.length>1){var id=decodeURIComponent(location.hash.slice(1));if(document.getElementById('i-'+id)){select(id);}}
})();
"""

JS_INDEX = """
(function(){
var table=document.querySelector('table.docs');if(!table)return;
var ths=table.querySelectorAll('th');
ths.forEach(function(th,col){
  th.addEventListener('click',function(){
    var asc=th.getAttribute('aria-sort')!=='ascending';
    ths.forEach(function(h){h.removeAttribute('aria-sort')});
    th.setAttribute('aria-sort',asc?'ascending':'descending');
    var rows=Array.prototype.slice.call(table.tBodies[0].rows);
    rows.sort(function(a,b){
      var x=a.cells[col].getAttribute('data-sort'),y=b.cells[col].getAttribute('data-sort');
      var nx=parseFloat(x),ny=parseFloat(y),r;
      if(!isNaN(nx)&&!isNaN(ny)){r=nx-ny;}else{r=(x||'').localeCompare(y||'');}
      return asc?r:-r;
    });
    rows.forEach(function(r){table.tBodies[0].appendChild(r)});
  });
});
})();
"""


def _pct(v: float, whole: float) -> str:
    return f"{100.0 * v / whole:.3f}%" if whole else "0%"


def _title(item: Item) -> str:
    """The hover text: what the value is, its text, raw text, confidence, verdict."""
    parts = [f"{KINDS[item.kind]} {item.label}".strip(), item.text]
    if item.raw and item.raw != item.text:
        parts.append(("printed (before restoring): " if item.restored else "raw: ") + item.raw)
    if item.confidence is not None:
        parts.append(f"OCR confidence {item.confidence:.0f}" + (" (low)" if item.low_confidence else ""))
    if item.verdict:
        parts.append(VERDICT_TEXT[item.verdict] + (f" — golden: {item.golden}" if item.golden is not None
                                                    and item.verdict != CORRECT else ""))
    return "\n".join(p for p in parts if p)


def _classes(item: Item, base: str) -> str:
    c = [base, f"k-{item.kind}"]
    if item.verdict:
        c.append(f"v-{item.verdict}")
    if item.low_confidence:
        c.append("low")
    if item.restored:
        c.append("restored")
    return " ".join(c)


def _box_html(item: Item, img: PageImage) -> str:
    x0, top, x1, bottom = item.box
    pad = 1.0  # points around the text, so a box does not cut through the glyphs
    x0, top, x1, bottom = max(0.0, x0 - pad), max(0.0, top - pad), x1 + pad, bottom + pad
    style = (f"left:{_pct(x0, img.width)};top:{_pct(top, img.height)};width:{_pct(x1 - x0, img.width)};"
             f"height:{_pct(bottom - top, img.height)};--c:{COLORS[item.kind]}")
    return (f'<div class="{esc(_classes(item, "bx"))}" id="b-{esc(item.id)}" data-ids="{esc(item.id)}" '
            f'style="{style}" title="{esc(_title(item))}"></div>')


def _image_page(number: int, img: PageImage, items: list[Item], low_lines: list) -> str:
    out = [f'<section class="page" id="page-{number}" style="aspect-ratio:{img.width:.2f}/{img.height:.2f}">',
           f'<span class="pno">page {number}</span>']
    if img.path:
        out.append(f'<img src="../{esc(img.path)}" alt="page {number}" loading="lazy" decoding="async">')
    for box, conf, text in low_lines:
        x0, top, x1, bottom = box
        out.append(f'<div class="lowline" style="left:{_pct(x0, img.width)};top:{_pct(top, img.height)};'
                   f'width:{_pct(x1 - x0, img.width)};height:{_pct(bottom - top, img.height)}" '
                   f'title="{esc(f"low OCR confidence {conf:.0f}: {text}")}"></div>')
    # large boxes first, so that a small one (a measure inside a reference) is on top and clickable
    for item in sorted(items, key=lambda i: -(i.box[2] - i.box[0]) * (i.box[3] - i.box[1])):
        out.append(_box_html(item, img))
    out.append("</section>")
    return "".join(out)


def _segments(text: str, spans: list[tuple[int, int, Item]]) -> str:
    """A line's text with highlighted spans; overlapping spans are cut into segments, each naming all
    its items (innermost first), coloured as the innermost."""
    if not spans:
        return esc(text)
    cuts = sorted({0, len(text)} | {a for a, _, _ in spans} | {b for _, b, _ in spans})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        seg = text[a:b]
        cover = sorted((it for s, e, it in spans if s <= a and b <= e), key=lambda it: _span_len(spans, it))
        if not cover:
            out.append(esc(seg))
            continue
        inner = cover[0]
        ids = " ".join(it.id for it in cover)
        out.append(f'<span class="{esc(_classes(inner, "hl"))}" data-ids="{esc(ids)}" style="--c:{COLORS[inner.kind]}" '
                   f'title="{esc(_title(inner))}">{esc(seg)}</span>')
    return "".join(out)


def _span_len(spans, item) -> int:
    return sum(e - s for s, e, it in spans if it is item)


def _text_page(number: int, page: SrcPage, items: list[Item]) -> str:
    by_line: dict[int, list[tuple[int, int, Item]]] = {}
    for it in items:
        for pg, li, a, b in it.spans:
            if pg == number:
                by_line.setdefault(li, []).append((a, b, it))
    out = [f'<section class="page textpage" id="page-{number}"><span class="pno">page {number} (text)</span>']
    for i, ln in enumerate(page.lines):
        attrs = ' class="ln restored"' + f' title="{esc("printed (before restoring): " + (ln.raw or ""))}"' \
            if ln.restored else ' class="ln"'
        out.append(f"<div{attrs}>{_segments(ln.text, by_line.get(i, []))}</div>")
    out.append("</section>")
    return "".join(out)


def _plain_page(number: int, text: str) -> str:
    return (f'<section class="page textpage" id="page-{number}"><span class="pno">page {number} (text from the '
            f'record; no source file to draw)</span>{esc(text)}</section>')


def _item_html(item: Item) -> str:
    mark = VERDICT_MARK.get(item.verdict, "") if item.verdict else ""
    cls = _classes(item, "it") + ("" if item.verdict else " nov")
    tags = []
    if item.box is None and not item.spans and item.verdict != MISSING:
        tags.append('<span class="tag nobox" title="the record keeps no place for this value and its text was not '
                    'found on the page">no box</span>')
    elif item.box_from == "lines" or (item.spans and item.box is None):
        tags.append('<span class="tag found" title="the record keeps no box; found by its text in the page\'s '
                    'lines">found by text</span>')
    if item.low_confidence:
        tags.append(f'<span class="tag low">OCR {item.confidence:.0f}</span>')
    if item.restored:
        tags.append('<span class="tag rest">restored</span>')
    page = f' data-page="{item.page}"' if item.page else ""
    lab = f'<span class="lab">{esc(item.label)}{" · p." + str(item.page) if item.page else ""}</span>'
    val = esc(item.text) if item.text else "<i>(not extracted)</i>"
    extra = []
    if item.golden is not None and item.verdict in (WRONG, MISSING, LENIENT):
        extra.append(f'<span class="gold">{esc(item.golden)}</span>')
    for name, value, verdict, golden in item.details:
        if verdict:
            extra.append(f'<span class="det">{esc(name)}: {VERDICT_MARK.get(verdict, "")} golden '
                         f'{esc(golden if golden is not None else "(empty)")}</span>')
    if item.raw and item.raw != item.text and item.kind not in ("measure",):
        extra.append(f'<span class="det">{"printed" if item.restored else "raw"}: {esc(item.raw)}</span>')
    return (f'<li class="{esc(cls)}" id="i-{esc(item.id)}" data-id="{esc(item.id)}"{page} '
            f'title="{esc(_title(item))}"><span class="vm">{esc(mark)}</span><span class="val">{lab}{val}'
            f'{"".join(tags)}{"".join(extra)}</span></li>')


def _scores_html(view: DocView) -> str:
    """Families as columns (so that the table stays short), the measures as rows."""
    if not view.scores:
        return ""
    cols = list(view.scores)
    if view.overall:
        cols.append(FamilyScore("overall (micro)", view.overall[0].strict, view.overall[0].lenient,
                                view.overall[0].counts))
    head = "<tr><th></th>" + "".join(f"<th>{esc(c.family)}</th>" for c in cols) + \
        ("<th>macro F1</th>" if view.overall else "") + "</tr>"
    rows = [head]
    for label, get, fmt in (("strict F1", lambda c: c.strict[2], "{:.3f}"), ("strict P", lambda c: c.strict[0], "{:.3f}"),
                            ("strict R", lambda c: c.strict[1], "{:.3f}"), ("lenient F1", lambda c: c.lenient[2], "{:.3f}"),
                            ("lenient P", lambda c: c.lenient[0], "{:.3f}"), ("lenient R", lambda c: c.lenient[1], "{:.3f}"),
                            ("TP", lambda c: c.counts[0], "{}"), ("FP", lambda c: c.counts[1], "{}"),
                            ("FN", lambda c: c.counts[2], "{}")):
        cells = []
        for c in cols:
            low = ' class="low"' if label == "strict F1" and c.strict[2] < 0.95 else ""
            cells.append(f"<td{low}>{fmt.format(get(c))}</td>")
        macro = ""
        if view.overall:
            macro = {"strict F1": f"<td>{view.overall[1]:.3f}</td>", "lenient F1": f"<td>{view.overall[2]:.3f}</td>"
                     }.get(label, "<td></td>")
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}{macro}</tr>")
    return (f'<div class="scores"><b>Scores against golden <code>{esc(view.golden_name)}</code></b> '
            '— the numbers <code>baocao eval</code> prints (TP/FP/FN strict; strict F1 under 0.95 tinted)'
            f'<table class="scores">{"".join(rows)}</table></div>')


def _list_block(title: str, lines: list[str]) -> str:
    if not lines:
        return ""
    return (f"<details{' open' if len(lines) <= 6 else ''}><summary>{esc(title)} ({len(lines)})</summary>"
            f'<ul class="warn">{"".join(f"<li>{esc(x)}</li>" for x in lines)}</ul></details>')


def document_html(view: DocView) -> str:
    items = view.items
    pages_html = []
    numbers = sorted(set(range(1, view.page_count + 1)) | set(view.images) | set(view.texts))
    by_page: dict[int, list[Item]] = {}
    for it in items:
        if it.box is not None and it.page:
            by_page.setdefault(it.page, []).append(it)
    for n in numbers:
        if n in view.images:
            pages_html.append(_image_page(n, view.images[n], by_page.get(n, []), view.low_lines.get(n, [])))
        elif n in view.texts:
            pages_html.append(_text_page(n, view.texts[n], items))
        else:
            pages_html.append(_plain_page(n, view.page_texts.get(n, "")))

    groups = []
    for kind, label in KINDS.items():
        its = [it for it in items if it.kind == kind]
        if not its:
            continue
        bad = sum(1 for it in its if it.verdict in (WRONG, MISSING, EXTRA))
        head = f"{label}s ({len(its)}{f', {bad} to check' if bad else ''})"
        groups.append(f'<h3 class="k-{kind}" style="--c:{COLORS[kind]}">{esc(head)}</h3>'
                      f'<ol class="k-{kind}">{"".join(_item_html(it) for it in its)}</ol>')

    legend = ['<span><b>Show:</b></span>']
    for kind, label in KINDS.items():
        n = sum(1 for it in items if it.kind == kind)
        if n:
            legend.append(f'<label><input type="checkbox" checked data-kind="{kind}"> <span class="sw" '
                          f'style="border-color:{COLORS[kind]};background:{COLORS[kind]}33"></span>'
                          f'{esc(label)} ({n})</label>')
    if view.scores is not None:
        legend.append('<label><input type="checkbox" id="only-problems"> only values to check</label>')
        legend.append('<span>✓ correct · ≈ lenient only · ✗ wrong (golden shown) · ∅ missing · + extra</span>')
    legend.append(f'<span><span class="sw" style="border-style:dotted;border-color:#e65100"></span>OCR confidence '
                  f'&lt; {LOW_CONFIDENCE:.0f}</span>')
    legend.append('<span><span class="sw" style="border-color:#8e24aa;background:repeating-linear-gradient(45deg,'
                  '#ce93d8 0 2px,#fff 2px 4px)"></span>restored diacritics (printed text on hover)</span>')

    modes = ", ".join(f"{m} ×{view.page_modes.count(m)}" for m in dict.fromkeys(view.page_modes))
    boxed = sum(1 for it in items if it.box is not None or it.spans)
    nobox = sum(1 for it in items if it.box is None and not it.spans and it.verdict != MISSING)
    conf = f" · OCR mean confidence {view.ocr_confidence:.1f}" if view.ocr_confidence is not None else ""
    summary = [_scores_html(view), _list_block("Errors", view.errors), _list_block("Warnings", view.warnings),
               _list_block("Review notes", view.notes)]
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{esc(view.name)} — baocao review</title><style>{CSS}</style></head>
<body><div class="fixed">
<header class="top"><a href="../index.html">← all documents</a>
<h1>{esc(view.name)} <span class="badge {esc(view.status)}">{esc(view.status)}</span></h1>
<div class="meta">{esc(view.file)} · {esc(view.media_type)} · {view.page_count} page(s): {esc(modes)}{esc(conf)}
 · {len(items)} values, {boxed} shown on their page, {nobox} without a place</div></header>
<div class="help">Each box on a page is one extracted value, coloured by kind. <b>Click a box</b> to find its
value in the record on the right; <b>click a value</b> to see it on its page. Hover for the raw text,
OCR confidence and golden value.</div>
<div class="legend">{"".join(legend)}</div>
<div class="summary">{"".join(summary)}</div></div>
<main><div id="pages">{"".join(pages_html)}</div>
<div id="record"><b>Extracted record</b>{"".join(groups)}</div></main>
<script>{JS_DOC}</script></body></html>
"""


@dataclass
class IndexRow:
    name: str
    href: Optional[str]  # None: no page (the input failed)
    kind: str  # born-digital | scan | text | image
    status: str
    pages: int = 0
    failed_checks: int = 0
    warnings: int = 0
    errors: int = 0
    ocr_confidence: Optional[float] = None
    nobox: int = 0
    to_check: Optional[int] = None  # wrong + missing + extra values (with golden)
    strict_f1: Optional[float] = None
    lenient_f1: Optional[float] = None
    reason: str = ""


def _num(v, fmt: str = "{}", missing: str = "—", sort_missing: str = "") -> str:
    if v is None:
        return f'<td class="n" data-sort="{sort_missing}">{missing}</td>'
    return f'<td class="n" data-sort="{v}">{fmt.format(v)}</td>'


def index_html(title: str, rows: list[IndexRow], aggregate: Optional[tuple[float, float, int]] = None,
               notes: Optional[list[str]] = None) -> str:
    golden = any(r.strict_f1 is not None for r in rows)
    head = ["document", "input", "status", "pages", "failed checks", "warnings", "errors", "OCR confidence",
            "no box"]
    if golden:
        head += ["to check", "strict F1", "lenient F1"]
    body = []
    for r in rows:
        name = (f'<a href="{esc(r.href)}">{esc(r.name)}</a>' if r.href else esc(r.name))
        why = f'<div class="why">{esc(r.reason)}</div>' if r.reason else ""
        cells = [f'<td data-sort="{esc(r.name)}">{name}{why}</td>', f'<td data-sort="{esc(r.kind)}">{esc(r.kind)}</td>',
                 f'<td data-sort="{esc(r.status)}"><span class="badge {esc(r.status)}">{esc(r.status)}</span></td>',
                 _num(r.pages), _num(r.failed_checks), _num(r.warnings), _num(r.errors),
                 _num(r.ocr_confidence, "{:.1f}", sort_missing="101"), _num(r.nobox)]
        if golden:
            cells += [_num(r.to_check, sort_missing="-1"), _num(r.strict_f1, "{:.3f}", sort_missing="2"),
                      _num(r.lenient_f1, "{:.3f}", sort_missing="2")]
        body.append(f"<tr>{''.join(cells)}</tr>")
    agg = ""
    if aggregate:
        s, l, n = aggregate
        agg = (f"<p style='margin:6px 14px'>Over the {n} document(s) with a golden record: strict F1 "
               f"<b>{s:.3f}</b>, lenient F1 <b>{l:.3f}</b> (micro, as <code>baocao eval</code> computes it).</p>")
    sort_hint = "worst first by strict F1" if golden else "most failed checks first"
    notes_html = _list_block("Review notes", notes or [])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{esc(title)} — baocao review</title><style>{CSS}</style></head>
<body><header class="top"><h1>{esc(title)}</h1><div class="meta">{len(rows)} document(s) · sorted {sort_hint};
click a column to sort by it (failed checks, warnings, OCR confidence …), click a document to review it</div></header>
<div class="help">Each document's page shows its pages with a box over every extracted value and the record beside
them. <b>failed checks</b>: consistency checks the extracted numbers fail (totals that do not add up);
<b>no box</b>: values the review could not place on their page{'; <b>to check</b>: values wrong, missing or extra against the golden record' if golden else ''}.</div>
<div class="summary">{notes_html}</div>{agg}
<table class="docs"><thead><tr>{''.join(f'<th>{esc(h)}</th>' for h in head)}</tr></thead>
<tbody>{''.join(body)}</tbody></table>
<script>{JS_INDEX}</script></body></html>
"""
