"""`baocao review INPUT_OR_RECORD... -o REPORT_DIR [--golden GOLDEN_DIR]`: the static HTML review.

I/O at the edge: find the records (record files, folders of them, a dataset of `baocao ingest`, or
documents extracted here), their source files and golden records; the work is the pure functions of
verdicts.py, boxes.py, locate.py and html.py. A document that fails is listed with its reason and the
others are still written (exit 1); nothing already written is left half-written (atomic writes).
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from pipeline.files import write_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class Entry:
    """One document to review."""

    name: str  # the golden stem and page name: the record file's or the input's stem
    record: Optional[dict] = None
    source: Optional[Path] = None  # the original input file, when known and reachable
    source_doc: object = None  # the SourceDoc of an extraction run here (lines of every page, OCR'd too)
    source_hint: list[Path] = field(default_factory=list)  # where else the source may be
    origin: str = ""  # what was given (for messages)
    failed: Optional[str] = None  # why there is no record
    status: Optional[str] = None  # the manifest's status, for dataset entries


def register(sub) -> None:
    r = sub.add_parser("review", help="write a static HTML review report: page images with a box over every "
                                      "extracted value, the record beside them, golden verdicts")
    r.add_argument("inputs", nargs="+", metavar="INPUT_OR_RECORD",
                   help="documents (.pdf .txt .md .png .jpg .tif, extracted here), records (.json), folders of "
                        "either, or a dataset folder of `baocao ingest`")
    r.add_argument("-o", "--output", required=True, metavar="REPORT_DIR")
    r.add_argument("--golden", action="append", default=[], metavar="GOLDEN_DIR",
                   help="golden records (<stem>.json) to mark every value correct, wrong or missing (repeatable)")
    r.add_argument("--sources", action="append", default=[], metavar="DIR",
                   help="where to look for the source files of records (searched by name, checked by SHA-256)")
    r.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help="for documents extracted here, as in `baocao extract`")
    r.add_argument("--password", default=None, help="password of encrypted PDFs")
    r.set_defaults(func=cmd_review)


# --- finding what to review ------------------------------------------------------------------------

def _is_record(d) -> bool:
    return isinstance(d, dict) and isinstance(d.get("source"), dict) and "schema_version" in d


def _read_record(path: Path) -> tuple[Optional[dict], Optional[str]]:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"unreadable record ({type(exc).__name__}: {exc})"
    if not _is_record(d):
        return None, "not a baocao record (no schema_version/source)"
    return d, None


def _manifest(dataset: Path) -> list[dict]:
    """The dataset's manifest entries (last line per input wins; a torn last line is skipped). Also reads
    a manifest.json holding a list of entries."""
    entries: dict[str, dict] = {}
    for name in ("manifest.jsonl", "manifest.json"):
        p = dataset / name
        if not p.is_file():
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        rows = []
        if name.endswith(".jsonl"):
            for line in text.splitlines():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    continue
        else:
            try:
                data = json.loads(text)
                rows = data if isinstance(data, list) else data.get("entries", []) if isinstance(data, dict) else []
            except ValueError:
                pass
        for e in rows:
            if isinstance(e, dict) and e.get("input"):
                entries[str(e["input"])] = e
    return list(entries.values())


def _stem(name: str) -> str:
    base = re.split(r"[\\/!]", name)[-1]  # archive members are named "archive.zip!member.pdf" or a/b/c
    return Path(base).stem or base


def _dataset_entries(dataset: Path) -> tuple[list[Entry], list[str]]:
    records = dataset / "records"
    manifest = _manifest(dataset)
    by_record: dict[str, list[dict]] = {}
    out: list[Entry] = []
    notes = []
    for e in manifest:
        rec = e.get("record")
        if rec:
            by_record.setdefault(Path(str(rec)).name, []).append(e)
        elif e.get("status") in ("failed", "skipped") and e.get("kind") != "archive":
            out.append(Entry(name=_stem(str(e["input"])), origin=str(e["input"]), status=e.get("status"),
                             failed=f"{e.get('status')}: {e.get('reason') or 'no reason recorded'}"))
    for path in sorted(records.glob("*.json")):
        rec, why = _read_record(path)
        ms = by_record.get(path.name, [])
        name = _stem(str(ms[0]["input"])) if ms else (_stem(rec["source"].get("file", path.stem)) if rec else path.stem)
        entry = Entry(name=name, record=rec, origin=str(path), failed=why,
                      status=ms[0].get("status") if ms else None)
        for m in ms:
            entry.source_hint += [Path(str(m["input"])), dataset.parent / str(m["input"])]
        out.append(entry)
    if not manifest:
        notes.append(f"{dataset}: no manifest (manifest.jsonl): records reviewed without their input status")
    return out, notes


def collect(paths: list[str], extract_doc) -> tuple[list[Entry], list[str], list[str]]:
    """The entries to review, notes (skipped files), problems (inputs that do not exist)."""
    from pipeline.extraction import SUPPORTED_SUFFIXES

    entries: list[Entry] = []
    notes: list[str] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and (p / "records").is_dir():
            es, ns = _dataset_entries(p)
            entries += es
            notes += ns
        elif p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and (f.suffix.lower() == ".json" or
                                                                       f.suffix.lower() in SUPPORTED_SUFFIXES))
            if not found:
                problems.append(f"{p}: folder holds no record (.json) or document")
            for f in found:
                e = _file_entry(f, extract_doc, quiet=True)
                if e is None:
                    notes.append(f"{f}: not a baocao record, skipped")
                else:
                    entries.append(e)
        elif p.is_file():
            e = _file_entry(p, extract_doc, quiet=False)
            if e is not None:
                entries.append(e)
        else:
            problems.append(f"{p}: no such file or folder")
    return entries, notes, problems


def _file_entry(f: Path, extract_doc, quiet: bool) -> Optional[Entry]:
    if f.suffix.lower() == ".json":
        rec, why = _read_record(f)
        if rec is None and quiet and why and why.startswith("not a baocao record"):
            return None  # a folder's other JSON files (layouts, manifests)
        return Entry(name=f.stem, record=rec, origin=str(f), failed=why,
                     source_hint=[f.parent / rec["source"].get("file", "")] if rec else [])
    return extract_doc(f)


def extract_entry(path: Path, password: Optional[str], ocr: str) -> Entry:
    """Extract a document here, keeping the source reader's pages (their lines place every value)."""
    from pipeline.document import DocState
    from pipeline.extraction import read_source, record_from_state
    from pipeline.sources.errors import SourceError
    from pipeline.stages import STAGES, run_stages

    entry = Entry(name=path.stem, origin=str(path), source=path)
    try:
        data = path.read_bytes()
        src = read_source(data, path.name, password=password, ocr=ocr)
        state = run_stages(DocState(source=src), STAGES)
        entry.record = json.loads(record_from_state(state).to_json())
        entry.source_doc = src
    except SourceError as exc:
        entry.failed = exc.reason
    except OSError as exc:
        entry.failed = f"cannot read file: {exc.strerror or exc}"
    except Exception as exc:  # an unexpected bug must not stop the batch
        entry.failed = f"internal error {type(exc).__name__}: {exc}"
    return entry


class SourceFinder:
    """The source file of a record: as named, beside the record, in the manifest, in --sources folders;
    used only when its SHA-256 is the record's (else the boxes would be drawn on another document)."""

    def __init__(self, dirs: list[str]):
        self.dirs = [Path(d) for d in dirs]
        self._by_name: Optional[dict[str, list[Path]]] = None

    def _index(self) -> dict[str, list[Path]]:
        if self._by_name is None:
            self._by_name = {}
            for d in self.dirs:
                for f in d.rglob("*") if d.is_dir() else []:
                    if f.is_file():
                        self._by_name.setdefault(f.name, []).append(f)
        return self._by_name

    def find(self, entry: Entry) -> tuple[Optional[Path], Optional[bytes], str]:
        rec = entry.record or {}
        src = rec.get("source") or {}
        name, sha = str(src.get("file") or ""), src.get("sha256")
        cands = [c for c in entry.source_hint if str(c)]
        if name:
            cands += [Path(name)] + self._index().get(Path(name).name, [])
        seen = set()
        for c in cands:
            if c in seen or not c.is_file():
                continue
            seen.add(c)
            try:
                data = c.read_bytes()
            except OSError:
                continue
            if not sha or hashlib.sha256(data).hexdigest() == sha:
                return c, data, ""
        if not name:
            return None, None, "the record names no source file"
        why = "not found" if not seen else "found, but its SHA-256 is not the record's"
        return None, None, (f"source file {name} {why} (give its folder with --sources): pages shown as the "
                            "record's text, without boxes")


# --- one document ----------------------------------------------------------------------------------

def src_pages(doc, usable_modes: Optional[set[int]] = None) -> list:
    """SourceDoc pages → locate.SrcPage (a table row's cells as lines of their own)."""
    from pipeline.review.locate import CELL_SEP, SrcLine, SrcPage
    from pipeline.sources.text import strip_markup

    out = []
    for pg in doc.pages:
        if usable_modes is not None and pg.number not in usable_modes:
            continue
        lines = []
        for ln in pg.lines:
            if ln.role == "rule":
                continue
            if ln.cells:
                text, cells = "", []
                for c in ln.cells:
                    if c.text:
                        text += CELL_SEP if text else ""
                        cells.append((len(text), len(text) + len(c.text), c.box))
                        text += c.text
                lines.append(SrcLine(text=text, box=ln.box, raw=ln.raw, confidence=ln.confidence, role="row",
                                     cells=cells))
                continue
            raw = strip_markup(ln.raw) if ln.raw and pg.mode == "text" else ln.raw  # the printed line, unmarked
            lines.append(SrcLine(text=ln.text, box=ln.box, raw=raw, confidence=ln.confidence, role=ln.role))
        out.append(SrcPage(number=pg.number, mode=pg.mode, lines=lines, width=pg.width, height=pg.height))
    return out


def reread_source(data: bytes, rec: dict, file: str):
    """The source reader's pages of a record's input, without OCR (text layers and texts only: cheap)."""
    from pipeline.extraction import PDF_SUFFIXES, TEXT_SUFFIXES, _pdf_reader

    media = (rec.get("source") or {}).get("media_type", "")
    suffix = Path(file).suffix.lower()
    if media == "application/pdf" or suffix in PDF_SUFFIXES:
        modes = (rec.get("source") or {}).get("page_modes") or []
        keep = {i + 1 for i, m in enumerate(modes) if m == "text-layer"}
        doc = _pdf_reader(file)(data, file, sha256=(rec.get("source") or {}).get("sha256"))
        return src_pages(doc, keep)
    if media.startswith("text/") or suffix in TEXT_SUFFIXES:
        from pipeline.sources.text import text_to_source

        return src_pages(text_to_source(data, file))
    return []


def _record_pages(rec: dict) -> list:
    """Last resort: the record's pages[].text, one line per text line (no boxes, no raw)."""
    from pipeline.review.locate import SrcLine, SrcPage

    out = []
    for p in rec.get("pages") or []:
        if isinstance(p, dict) and isinstance(p.get("number"), int):
            out.append(SrcPage(number=p["number"], mode="text",
                               lines=[SrcLine(text=t) for t in str(p.get("text") or "").split("\n")]))
    return out


def _family_scores(doc) -> tuple[list, tuple]:
    from pipeline.review.html import FamilyScore

    def fs(name, s, l):
        return FamilyScore(name, (s.precision, s.recall, s.f1), (l.precision, l.recall, l.f1), (s.tp, s.fp, s.fn))

    rows = [fs(f, doc.strict.families[f], doc.lenient.families[f]) for f in doc.families]
    overall = fs("overall", doc.strict.overall, doc.lenient.overall)
    return rows, (overall, doc.strict.macro_f1, doc.lenient.macro_f1)


def _golden_for(name: str, golden_dirs: list[Path]) -> tuple[Optional[dict], Optional[Path], Optional[str]]:
    for d in golden_dirs:
        p = d / f"{name}.json"
        if p.is_file():
            try:
                g = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                return None, p, f"golden {p}: unreadable ({exc})"
            if not isinstance(g, dict):
                return None, p, f"golden {p}: not a JSON object"
            return g, p, None
    return None, None, None


def _input_kind(rec: dict) -> str:
    src = rec.get("source") or {}
    media, modes = src.get("media_type", ""), src.get("page_modes") or []
    if media.startswith("image/"):
        return "image"
    if media.startswith("text/"):
        return "text"
    if "ocr" in modes:
        return "scan" if all(m == "ocr" for m in modes) else "pdf, part OCR"
    return "born-digital"


def build_document(entry: Entry, out: Path, page_name: str, golden_dirs: list[Path], finder: SourceFinder):
    """Write one document's page; returns its index row."""
    from pipeline.evaluate import score_record
    from pipeline.review.boxes import LOW_CONFIDENCE, record_items
    from pipeline.review.html import DocView, IndexRow, document_html
    from pipeline.review.locate import locate
    from pipeline.review.render import PageRenderer
    from pipeline.review.verdicts import EXTRA, MISSING, WRONG, record_verdicts

    rec = entry.record
    src = rec.get("source") or {}
    notes: list[str] = []
    golden, gpath, gerr = _golden_for(entry.name, golden_dirs)
    if gerr:
        notes.append(gerr)
    elif golden_dirs and golden is None:
        notes.append(f"no golden record {entry.name}.json in {', '.join(map(str, golden_dirs))}: not scored")
    verdicts = record_verdicts(rec, golden) if golden is not None else None
    items = record_items(rec, verdicts)

    data = None
    path = entry.source
    if entry.source_doc is not None:
        pages = src_pages(entry.source_doc)
        data = path.read_bytes() if path else None
    else:
        path, data, why = finder.find(entry)
        if why:
            notes.append(why)
        pages = []
        if data is not None:
            try:
                pages = reread_source(data, rec, path.name)
            except Exception as exc:  # the source reads now as it did not then: show the record alone
                notes.append(f"{path}: cannot be read again ({type(exc).__name__}: {exc}); values not placed "
                             "by their text")
    media = src.get("media_type", "")
    drawable = data is not None and (media == "application/pdf" or media.startswith("image/"))
    numbers = {p.number for p in pages}
    record_pages = [p for p in _record_pages(rec) if p.number not in numbers or media.startswith("text/")]
    if not drawable:  # text inputs and unreachable sources: text pages (the source's, else the record's)
        have = {p.number for p in pages if p.mode == "text"}
        pages = [p for p in pages if p.mode == "text"] + [p for p in record_pages if p.number not in have]
    locate(items, pages)

    view = DocView(name=entry.name, file=str(src.get("file", "")), status=str(rec.get("status", "success")),
                   media_type=media, page_count=int(src.get("page_count") or len(rec.get("pages") or [])),
                   page_modes=list(src.get("page_modes") or []), items=items,
                   warnings=[str(w) for w in rec.get("warnings") or []],
                   errors=[f"{e.get('stage')}{' p.' + str(e['page']) if e.get('page') else ''}: {e.get('message')}"
                           if isinstance(e, dict) else str(e) for e in rec.get("errors") or []],
                   notes=notes, ocr_confidence=(src.get("ocr") or {}).get("mean_confidence"),
                   golden_name=str(gpath) if gpath else None)
    rendered = 0
    if drawable:
        renderer = PageRenderer(out, data, src.get("sha256") or hashlib.sha256(data).hexdigest(), media,
                                view.page_modes, reasons=src.get("page_mode_reasons") or [])
        try:
            for n in range(1, view.page_count + 1):
                try:
                    view.images[n] = renderer.page(n)
                except Exception as exc:  # one page that cannot be drawn: its text instead
                    notes.append(f"page {n}: cannot be drawn ({type(exc).__name__}: {exc})")
        finally:
            renderer.close()
        rendered = renderer.rendered
        for p in pages:
            if p.mode == "ocr":
                low = [(ln.box, ln.confidence, ln.raw or ln.text) for ln in p.lines
                       if ln.box and ln.confidence is not None and ln.confidence < LOW_CONFIDENCE]
                if low:
                    view.low_lines[p.number] = low
    view.texts = {p.number: p for p in pages if p.number not in view.images and p.mode == "text"}
    view.page_texts = {p["number"]: str(p.get("text") or "") for p in rec.get("pages") or [] if isinstance(p, dict)}
    score = score_record(rec, golden, name=entry.name) if golden is not None else None
    if score is not None:
        view.scores, view.overall = _family_scores(score)
    write_atomic(out / "docs" / page_name, document_html(view))

    row = IndexRow(name=entry.name, href=f"docs/{page_name}", kind=_input_kind(rec), status=view.status,
                   pages=view.page_count, failed_checks=sum(1 for c in rec.get("checks") or []
                                                            if isinstance(c, dict) and c.get("status") == "fail"),
                   warnings=len(view.warnings), errors=len(view.errors), ocr_confidence=view.ocr_confidence,
                   nobox=sum(1 for it in items if it.box is None and not it.spans and it.verdict != MISSING))
    if view.scores is not None:
        row.to_check = sum(1 for it in items if it.verdict in (WRONG, MISSING, EXTRA))
        row.strict_f1, row.lenient_f1 = view.overall[0].strict[2], view.overall[0].lenient[2]
    return row, score, rendered


def _page_name(name: str, used: set[str]) -> str:
    """An ASCII file name for the document's page (the name itself is shown, escaped, in the page)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "document"
    base = base[:80]
    cand, n = f"{base}.html", 2
    while cand in used:
        cand, n = f"{base}-{n}.html", n + 1
    used.add(cand)
    return cand


def _sort_key(row) -> tuple:
    """Worst first: lowest strict F1 when scored, then most failed checks, warnings, lowest OCR confidence."""
    return (row.href is not None, row.strict_f1 if row.strict_f1 is not None else 2.0, -row.failed_checks,
            -row.warnings, row.ocr_confidence if row.ocr_confidence is not None else 101.0, row.name)


def run_review(inputs: list[str], output: str, golden: list[str], sources: list[str], ocr: str = "auto",
               password: Optional[str] = None, log=print) -> int:
    from pipeline.evaluate import aggregate
    from pipeline.review.html import IndexRow, index_html

    golden_dirs = [Path(g) for g in golden]
    for g in golden_dirs:
        if not g.is_dir():
            log(f"error: golden folder not found: {g}")
            return EXIT_USAGE
    out = Path(output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log(f"error: report folder {out}: {exc.strerror or exc}")
        return EXIT_USAGE
    t0 = time.perf_counter()
    entries, notes, problems = collect(inputs, lambda p: extract_entry(p, password, ocr))
    for msg in problems:
        log(f"error: {msg}")
    if not entries:
        return EXIT_FAILED if problems else EXIT_USAGE
    finder = SourceFinder(sources)
    rows: list[IndexRow] = []
    scores = []
    used: set[str] = set()
    failed = len(problems)
    rendered = 0
    for e in entries:
        if e.record is None:
            failed += 1
            log(f"error: {e.origin}: {e.failed}")
            rows.append(IndexRow(name=e.name, href=None, kind="—", status=e.status or "failed", reason=e.failed or ""))
            continue
        try:
            row, score, n = build_document(e, out, _page_name(e.name, used), golden_dirs, finder)
        except Exception as exc:  # one document's bug must not stop the report
            failed += 1
            log(f"error: {e.origin}: review failed: {type(exc).__name__}: {exc}")
            rows.append(IndexRow(name=e.name, href=None, kind="—", status="failed",
                                 reason=f"review failed: {type(exc).__name__}: {exc}"))
            continue
        rendered += n
        rows.append(row)
        if score is not None:
            scores.append(score)
    rows.sort(key=_sort_key)
    agg = None
    if scores:
        a = aggregate(scores)
        agg = (a.strict.f1, a.lenient.f1, len(scores))
    title = "baocao review: " + ", ".join(Path(i).name or i for i in inputs)[:200]
    write_atomic(out / "index.html", index_html(title, rows, agg, notes))
    pages = sum(r.pages for r in rows)
    log(f"{len(rows) - sum(1 for r in rows if r.href is None)} of {len(rows)} documents reviewed, {pages} pages "
        f"({rendered} drawn, the rest from the cache) in {time.perf_counter() - t0:.1f} s: open {out / 'index.html'}"
        + (f"; {failed} failed" if failed else ""))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_review(args) -> int:
    return run_review(args.inputs, args.output, args.golden, args.sources, ocr=args.ocr, password=args.password,
                      log=lambda m: print(m, file=sys.stderr))
