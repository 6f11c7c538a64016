#!/usr/bin/env python3
"""Tables in scans (pipeline/sources/ocr_tables.py): cell accuracy against the born-digital source,
the tables family of `baocao eval` with and without it, and seconds per table page.

    .venv/bin/python benchmarks/ocr_tables.py            # ~5 min, cold OCR cache
    .venv/bin/python benchmarks/ocr_tables.py --warm     # reuse $BAOCAO_CACHE (timings then mean little)
    .venv/bin/python benchmarks/ocr_tables.py --no-eval  # cells and timings only (~1 min)

**Cells.** Every page of ``samples/scans/NNN_scan200.pdf`` whose source page (``manifest.json``
page map: 001 has a blank sheet inserted) holds a ruled table in ``samples/NNN_born_digital.pdf``
(PDFium source, the reference) is rendered at 200 dpi by PDFium and read by ``page_from_image``
(preparation, then the table grid and its cells, then the page OCR), as ``baocao extract`` does.
Its table rows are compared with the source page's rows, in order:

* ``shape_ok``: the same number of rows, each with the same number of slots, and the same slots
  spanned (``Cell(None)`` without a box, where a merged cell spans);
* per cell (a slot either side has text or a box): ``exact`` when the two texts are equal after
  NFC and whitespace normalization; ``cer`` = Levenshtein distance (rapidfuzz) / source length,
  pooled (sum of distances / sum of lengths) per page and overall.

**Eval.** ``baocao extract`` on the four 200 dpi scans with the table reader off
(``BAOCAO_OCR_TABLES=0``: the page OCR reads the tables as text, as before) and on, then ``baocao
eval --json`` against ``golden/scans/NNN_scan200.json`` (the born-digital goldens with the page map
applied; without that folder, ``golden/NNN_born_digital.json`` copied under the scan's name).

**Time.** Wall seconds of ``page_from_image`` per table page with an empty OCR cache, and of its
table stage alone (grid + cell OCR), with the number of Tesseract calls of that stage. Two cores;
one page at a time here (``baocao extract`` runs two pages at once).

Writes ``benchmarks/ocr_tables.json`` and prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCANS = ROOT / "samples" / "scans"
DOCS = ["000", "001", "002", "004"]


def norm(s) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def source_rows(sample: str) -> dict[int, list]:
    from pipeline.sources.pdfium import pdfium_to_source

    f = ROOT / "samples" / f"{sample}_born_digital.pdf"
    doc = pdfium_to_source(f.read_bytes(), str(f))
    return {p.number: [ln for ln in p.lines if ln.cells is not None] for p in doc.pages}


def compare(ref: list, got: list) -> dict:
    from rapidfuzz.distance import Levenshtein

    shape = len(ref) == len(got) and all(
        len(a.cells) == len(b.cells) and all((x.box is None) == (y.box is None) for x, y in zip(a.cells, b.cells))
        for a, b in zip(ref, got))
    cells = exact = dist = length = 0
    wrong = []
    for a, b in zip(ref, got):
        for x, y in zip(a.cells, b.cells):
            if x.text is None and y.text is None and x.box is None and y.box is None:
                continue
            r, h = norm(x.text), norm(y.text)
            cells += 1
            exact += r == h
            dist += Levenshtein.distance(r, h)
            length += len(r)
            if r != h:
                wrong.append([r, h])
    # rows of the source the OCR did not give (or the other way round) count in full
    for a in ref[len(got):]:
        for x in a.cells:
            if x.text:
                cells += 1
                dist += len(norm(x.text))
                length += len(norm(x.text))
    return {"rows_ref": len(ref), "rows_ocr": len(got), "shape_ok": shape, "cells": cells, "exact": exact,
            "distance": dist, "ref_chars": length, "cer": round(dist / length, 4) if length else 0.0,
            "wrong": wrong}


def render(pdf: Path, page: int, dpi: int = 200):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        pg = doc[page - 1]
        img = pg.render(scale=dpi / 72.0, grayscale=True).to_pil()
        pg.close()
        return img
    finally:
        doc.close()


def cell_benchmark() -> list[dict]:
    from pipeline.sources import ocr, ocr_tables

    manifest = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
    kinds = {(s, p["page"]): p["kind"] for s, t in manifest["truth"].items() for p in t["pages"]}
    stage = {"s": 0.0, "calls": 0}
    real_read, real_cached, real_cfg = ocr_tables.read_page, ocr.tesseract_data_cached, ocr_tables.tesseract_config_cached

    def timed_read(*a, **k):
        t = time.perf_counter()
        try:
            return real_read(*a, **k)
        finally:
            stage["s"] += time.perf_counter() - t

    def counted(fn):
        def inner(*a, **k):
            stage["calls"] += 1
            return fn(*a, **k)
        return inner

    ocr_tables.read_page = timed_read
    out = []
    try:
        for f in manifest["files"]:
            if not f["file"].endswith("_scan200.pdf"):
                continue
            sample = f["sample"]
            ref = source_rows(sample)
            for p in f["pages"]:
                sp = p.get("source_page")
                if not sp or not ref.get(sp):
                    continue
                img = render(SCANS / f["file"], p["page"])
                stage.update(s=0.0, calls=0)
                # every Tesseract call counted; the page OCR's own one is taken off below
                ocr.tesseract_data_cached = counted(real_cached)
                ocr_tables.tesseract_config_cached = counted(real_cfg)
                t = time.perf_counter()
                page = ocr.page_from_image(img, p["page"], ocr.OcrSettings(), 200)
                total = time.perf_counter() - t
                rows = [ln for ln in page.lines if ln.cells is not None]
                row = {"file": f["file"], "page": p["page"], "source_page": sp, "kind": kinds.get((sample, sp)),
                       "tables_ref": len({ln.table_id for ln in ref[sp]}), "tables_ocr": len({ln.table_id for ln in rows}),
                       **compare(ref[sp], rows), "page_s": round(total, 2), "table_stage_s": round(stage["s"], 2),
                       "table_tesseract_calls": max(0, stage["calls"] - 1)}
                out.append(row)
                print(f"{f['file']} p{p['page']:>2}: rows {row['rows_ocr']}/{row['rows_ref']} shape "
                      f"{'ok' if row['shape_ok'] else 'DIFFERS'}, cells {row['exact']}/{row['cells']} exact, "
                      f"CER {row['cer']:.2%}, {row['page_s']:.1f} s (tables {row['table_stage_s']:.1f} s)",
                      flush=True)
    finally:
        ocr_tables.read_page = real_read
        ocr.tesseract_data_cached = real_cached
        ocr_tables.tesseract_config_cached = real_cfg
    return out


def eval_benchmark(tmp: Path, env: dict) -> dict:
    gold = tmp / "golden"
    gold.mkdir()
    inputs = []
    for n in DOCS:
        src = ROOT / "golden" / "scans" / f"{n}_scan200.json"
        if not src.exists():
            src = ROOT / "golden" / f"{n}_born_digital.json"
        shutil.copy(src, gold / f"{n}_scan200.json")
        inputs.append(str(SCANS / f"{n}_scan200.pdf"))
    result = {"golden": "golden/scans" if (ROOT / "golden" / "scans").exists() else "golden/NNN_born_digital"}
    for label, switch in (("before", "0"), ("after", "1")):
        out = tmp / label
        e = dict(env, BAOCAO_OCR_TABLES=switch)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", *inputs, "-o", str(out)], cwd=ROOT,
                       env=e, check=True, capture_output=True)
        took = time.perf_counter() - t
        rep = json.loads(subprocess.run([sys.executable, "-m", "pipeline.cli", "eval", str(out), str(gold), "--json"],
                                        cwd=ROOT, env=e, capture_output=True, text=True).stdout)
        agg = rep["aggregate"]
        result[label] = {
            "extract_s": round(took, 1),
            "tables": {m: agg[m]["families"]["tables"] for m in ("strict", "lenient")},
            "overall": {m: agg[m]["overall"] for m in ("strict", "lenient")},
            "families_f1": {k: v["f1"] for k, v in agg["strict"]["families"].items()},
            "documents_tables_f1": {d["name"]: d["strict"]["families"]["tables"]["f1"] for d in rep["documents"]},
        }
        print(f"eval {label}: tables F1 {result[label]['tables']['strict']['f1']:.3f} strict, overall "
              f"{result[label]['overall']['strict']['f1']:.3f} ({took:.0f} s extract)", flush=True)
    return result


def summary(rows: list[dict]) -> dict:
    def pool(rs):
        cells = sum(r["cells"] for r in rs)
        return {"pages": len(rs), "shape_ok": sum(r["shape_ok"] for r in rs), "cells": cells,
                "exact": sum(r["exact"] for r in rs),
                "exact_share": round(sum(r["exact"] for r in rs) / cells, 4) if cells else None,
                "cer": round(sum(r["distance"] for r in rs) / max(1, sum(r["ref_chars"] for r in rs)), 4),
                "page_s_median": round(statistics.median(r["page_s"] for r in rs), 2) if rs else None,
                "table_stage_s_median": round(statistics.median(r["table_stage_s"] for r in rs), 2) if rs else None,
                "table_stage_s_max": max((r["table_stage_s"] for r in rs), default=None)}
    return {"all pages with tables": pool(rows), "table pages (manifest kind)": pool([r for r in rows if r["kind"] == "table"])}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warm", action="store_true", help="use $BAOCAO_CACHE instead of an empty cache")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "ocr_tables.json"))
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="baocao-ocr-tables-"))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    if not args.warm:
        env["BAOCAO_CACHE"] = str(tmp / "cache")
    os.environ.update(env)
    try:
        from pipeline.sources.ocr import tesseract_version

        t0 = time.perf_counter()
        rows = cell_benchmark()
        res = {"tesseract": tesseract_version(), "cache": "warm" if args.warm else "cold",
               "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
               "summary": summary(rows), "pages": rows}
        if not args.no_eval:
            res["eval"] = eval_benchmark(tmp, env)
        res["total_wall_s"] = round(time.perf_counter() - t0, 1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    Path(args.output).write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print()
    print("| pages | shape ok | cells exact | cell CER | page s (median) | table stage s (median / max) |")
    print("|---|---|---|---|---|---|")
    for k, s in res["summary"].items():
        print(f"| {k}: {s['pages']} | {s['shape_ok']}/{s['pages']} | {s['exact']}/{s['cells']} "
              f"({s['exact_share']:.1%}) | {s['cer']:.2%} | {s['page_s_median']} | "
              f"{s['table_stage_s_median']} / {s['table_stage_s_max']} |")
    if "eval" in res:
        print()
        print("| eval (4 scans, strict) | tables P | R | F1 | overall F1 |")
        print("|---|---|---|---|---|")
        for label in ("before", "after"):
            e = res["eval"][label]
            t = e["tables"]["strict"]
            print(f"| {label} | {t['p']:.3f} | {t['r']:.3f} | {t['f1']:.3f} | {e['overall']['strict']['f1']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
