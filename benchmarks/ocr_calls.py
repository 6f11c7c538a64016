#!/usr/bin/env python3
"""Where the OCR pipeline's time over raw Tesseract goes: its Tesseract calls, by kind, against raw
Tesseract on the same pages, and what is left for the pipeline's own Python work.

    .venv/bin/python benchmarks/ocr_calls.py [--samples 000,001,002,004] [--dpi 200]

For each ``samples/scans/NNN_scanDPI.pdf``, on one core (``OMP_THREAD_LIMIT=1``, one OCR worker, a
fresh OCR cache: every call paid for):

* raw Tesseract: ``tesseract page.jpg stdout -l vie --psm 3 --oem 1`` on each page's JPEG as stored,
  as ``benchmarks/pipeline_ocr.py`` runs it; CPU seconds of the processes;
* ``extract()`` in this process with pytesseract's ``image_to_data`` wrapped to record each call's
  language, page segmentation mode, image size and the CPU seconds of its Tesseract process (the
  children's user + system time around the call); the rest of the extraction's CPU is the pipeline's
  own work (rendering, preparing, grids, restoring, the extractors).

Calls are grouped as ``page`` (a page's prose, psm 3), ``cells`` (a table's cells, psm 6: the ruled
grid read cell by cell, which raw Tesseract does not do) and ``re-reads`` (small crops read again,
psm 7 and the numeral psm 6: heading numbers, footnote markers, lost words, figures; each a process
start and a model load). Writes ``benchmarks/ocr_calls.json`` and prints a Markdown table of the
ratios to raw Tesseract's CPU.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from pipeline_ocr import SCANS, raw_run  # noqa: E402  (the same raw baseline)


def kind_of(lang: str, config: str) -> str:
    psm = config.split("--psm")[1].split()[0] if "--psm" in config else "3"
    if psm == "3":
        return "page"
    if psm == "6" and lang != "eng":
        return "cells"
    return "re-reads"


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def measure(pdf: Path) -> dict:
    import pytesseract
    from PIL import Image

    from pipeline.extraction import extract

    calls = []
    original = pytesseract.image_to_data

    def recorded(image, lang=None, config="", **kw):
        c0 = children_cpu()
        data = original(image, lang=lang, config=config, **kw)
        size = Image.open(image).size if isinstance(image, str) else image.size
        calls.append({"kind": kind_of(lang or "", config), "cpu_s": children_cpu() - c0, "pixels": size[0] * size[1]})
        return data

    pytesseract.image_to_data = recorded
    try:
        c0, p0 = children_cpu(), time.process_time()
        extract(pdf)
        total_tesseract = children_cpu() - c0
        own = time.process_time() - p0
    finally:
        pytesseract.image_to_data = original
    by_kind = {}
    for c in calls:
        k = by_kind.setdefault(c["kind"], {"calls": 0, "cpu_s": 0.0})
        k["calls"] += 1
        k["cpu_s"] += c["cpu_s"]
    return {"tesseract_cpu_s": total_tesseract, "pipeline_own_cpu_s": own,
            "by_kind": {k: {"calls": v["calls"], "cpu_s": round(v["cpu_s"], 2)} for k, v in by_kind.items()}}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--samples", default="000,001,002,004")
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "ocr_calls.json"))
    args = ap.parse_args(argv)
    os.environ.update(OMP_THREAD_LIMIT="1", BAOCAO_OCR_WORKERS="1")
    rows = []
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        os.environ["BAOCAO_CACHE"] = str(tmp / "cache")  # read when the OCR runs: every call is paid for
        for sample in args.samples.split(","):
            pdf = SCANS / f"{sample}_scan{args.dpi}.pdf"
            import pypdfium2 as pdfium

            pages = len(pdfium.PdfDocument(str(pdf)))
            raw = sum(raw_run(pdf, p, tmp)["cpu_s"] for p in range(1, pages + 1))
            row = {"file": pdf.name, "pages": pages, "raw_cpu_s": round(raw, 2), **measure(pdf)}
            print(json.dumps(row), file=sys.stderr)
            rows.append(row)
    raw = sum(r["raw_cpu_s"] for r in rows)
    kinds = ("page", "cells", "re-reads")
    tot = {k: sum(r["by_kind"].get(k, {}).get("cpu_s", 0.0) for r in rows) for k in kinds}
    calls = {k: sum(r["by_kind"].get(k, {}).get("calls", 0) for r in rows) for k in kinds}
    own = sum(r["pipeline_own_cpu_s"] for r in rows)
    summary = {"pages": sum(r["pages"] for r in rows), "raw_cpu_s": round(raw, 2),
               "calls": calls, "cpu_s": {k: round(v, 2) for k, v in tot.items()},
               "pipeline_own_cpu_s": round(own, 2),
               "over_raw": {"page": round(tot["page"] / raw, 3),
                            "page+cells": round((tot["page"] + tot["cells"]) / raw, 3),
                            "all_tesseract": round(sum(tot.values()) / raw, 3),
                            "all": round((sum(tot.values()) + own) / raw, 3)}}
    out = {"measured": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "dpi": args.dpi, "load_average": os.getloadavg(),
           "summary": summary, "runs": rows}
    Path(args.output).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print("| Tesseract calls | calls | CPU s | × raw Tesseract's CPU (cumulative) |\n|---|---:|---:|---:|")
    acc = 0.0
    for k in kinds:
        acc += tot[k]
        print(f"| {k} | {calls[k]} | {tot[k]:.1f} | {acc / raw:.2f}× |")
    print(f"| + the pipeline's own work | | {own:.1f} | {(acc + own) / raw:.2f}× |")
    print(f"\nraw Tesseract: {raw:.1f} CPU s on {summary['pages']} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
