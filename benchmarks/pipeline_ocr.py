#!/usr/bin/env python3
"""The pipeline against raw Tesseract on the scanned samples: character error rate per kind of page,
and seconds per page on one core and on two.

    .venv/bin/python benchmarks/pipeline_ocr.py                 # 200-dpi scans of 000, 001, 002, 004 (~15 min)
    .venv/bin/python benchmarks/pipeline_ocr.py --dpi 300 --no-speed

For every page of ``samples/scans/NNN_scanDPI.pdf`` (``tools/make_scans.py``):

* **raw Tesseract**: the page's JPEG as stored in the PDF, ``tesseract page.jpg stdout -l vie --psm 3
  --oem 1`` (``OMP_THREAD_LIMIT=1``), one page after another on one core (``taskset -c 0``);
* **the pipeline**: ``baocao extract`` of the scanned PDF in a fresh process with an empty OCR cache
  (so every Tesseract call is paid for), pinned to one core with ``BAOCAO_OCR_WORKERS=1``, then to
  two cores with 2 workers; the page text is the record's ``pages[].text`` (body lines and table rows
  in reading order, footnotes last).

Both are scored against two references, texts NFC and every run of whitespace one space:

* ``record``: the page text of the born-digital copy's record (``extract`` of
  ``samples/NNN_born_digital.pdf``): the record a scan must reproduce — same reading order, table
  rows cell by cell, footnotes last. This is the pipeline's target (≤ 1% overall, ≤ 2% on tables);
* ``truth``: ``samples/scans/truth/NNN_pNN.truth`` (pdfplumber's ``extract_text()`` of the
  born-digital page), which ``benchmarks/ocr_cer.py`` uses: its table pages read multi-level headers
  in pdfplumber's letter order, so neither output matches them well.

``cer`` = Levenshtein distance / reference length, pooled per page kind (manifest: header, prose,
table). Seconds: wall and CPU (user + system of the process and its children) per page.
Writes ``benchmarks/pipeline_ocr.json`` and prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "scans"
sys.path.insert(0, str(ROOT / "benchmarks"))
from ocr_cer import norm, page_jpeg, score  # noqa: E402  (the same scoring and page images)

PY = str(ROOT / ".venv" / "bin" / "python")
KINDS = ("header", "prose", "table")


def taskset(cores: str) -> list[str]:
    return ["taskset", "-c", cores] if shutil.which("taskset") else []


def timed(cmd: list[str], env: dict) -> tuple[float, float, int, bytes]:
    """Run a command; wall s, CPU s of it and its children (os.wait4), exit status, stdout."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        out.seek(0)
        return wall, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status), out.read()


def pipeline_run(pdf: Path, workers: int, cores: str, tmp: Path) -> dict:
    """extract() of a scanned PDF in a fresh process, cold OCR cache; the record and the times."""
    cache = tmp / f"cache-{pdf.stem}-{workers}"
    out = tmp / f"out-{pdf.stem}-{workers}"
    env = dict(os.environ, BAOCAO_CACHE=str(cache), BAOCAO_OCR_WORKERS=str(workers), OMP_THREAD_LIMIT="1")
    cmd = taskset(cores) + [PY, "-m", "pipeline.cli", "extract", str(pdf), "-o", str(out)]
    wall, cpu, rc, _ = timed(cmd, env)
    rec = json.loads((out / f"{pdf.stem}.json").read_text(encoding="utf-8")) if rc in (0, 1) else None
    shutil.rmtree(cache, ignore_errors=True)
    return {"wall_s": wall, "cpu_s": cpu, "rc": rc, "record": rec}


def raw_run(pdf: Path, page: int, tmp: Path) -> dict:
    img = tmp / f"{pdf.stem}.p{page:02d}.jpg"
    img.write_bytes(page_jpeg(pdf, page))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = taskset("0") + ["tesseract", str(img), "stdout", "-l", "vie", "--psm", "3", "--oem", "1"]
    wall, cpu, rc, text = timed(cmd, env)
    return {"wall_s": wall, "cpu_s": cpu, "rc": rc, "text": text.decode("utf-8", "replace")}


def pooled(rows: list[dict], who: str, ref: str) -> dict:
    chars = sum(r[f"{who}_vs_{ref}"]["ref_chars"] for r in rows)
    dist = sum(r[f"{who}_vs_{ref}"]["dist"] for r in rows)
    return {"pages": len(rows), "ref_chars": chars, "cer": round(dist / max(1, chars), 4)}


def md_table(headers: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(headers))) + "|"]
    return "\n".join(out + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--samples", default="000,001,002,004")
    ap.add_argument("--no-speed", action="store_true", help="skip the two-core run")
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "pipeline_ocr.json"))
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from pipeline.extraction import extract

    manifest = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
    kind = {(s, p["page"]): p["kind"] for s, t in manifest["truth"].items() for p in t["pages"]}
    truth = {(s, p["page"]): (SCANS / p["file"]).read_text(encoding="utf-8")
             for s, t in manifest["truth"].items() for p in t["pages"]}
    files = [f for f in manifest["files"] if f["kind"] == "image_pdf" and f["dpi"] == args.dpi
             and f["sample"] in args.samples.split(",")]
    load_start = os.getloadavg()
    rows, runs = [], []
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        for f in files:
            pdf = SCANS / f["file"]
            ref_rec = extract(ROOT / f["source"]).model_dump()
            print(f"{f['file']}: pipeline on 1 core …", file=sys.stderr)
            one = pipeline_run(pdf, 1, "0", tmp)
            two = None if args.no_speed else pipeline_run(pdf, 2, "0,1", tmp)
            print(f"{f['file']}: raw Tesseract, page by page on 1 core …", file=sys.stderr)
            raw_wall = raw_cpu = 0.0
            rec_pages = {p["number"]: p["text"] for p in (one["record"] or {}).get("pages", [])}
            for pg in f["pages"]:
                raw = raw_run(pdf, pg["page"], tmp)
                raw_wall += raw["wall_s"]
                raw_cpu += raw["cpu_s"]
                src = pg["source_page"]
                if not src or pg.get("blank"):
                    continue
                key = (f["sample"], src)
                ref_text = ref_rec["pages"][src - 1]["text"]
                hyp = rec_pages.get(pg["page"], "")
                row = {"file": f["file"], "page": pg["page"], "source_page": src, "kind": kind[key],
                       "sideways": bool(pg.get("sideways")), "angle_deg": pg.get("angle_deg"),
                       "pipeline_vs_record": score(hyp, ref_text), "raw_vs_record": score(raw["text"], ref_text),
                       "pipeline_vs_truth": score(hyp, truth[key]), "raw_vs_truth": score(raw["text"], truth[key]),
                       "pipeline_head": norm(hyp)[:120]}
                for k in ("pipeline_vs_record", "raw_vs_record", "pipeline_vs_truth", "raw_vs_truth"):
                    row[k] = {"ref_chars": row[k]["ref_chars"], "dist": row[k]["dist"], "cer": round(row[k]["cer"], 4)}
                rows.append(row)
            n = f["page_count"]
            runs.append({"file": f["file"], "pages": n,
                         "raw_1core_s_per_page": round(raw_wall / n, 3), "raw_1core_cpu_s_per_page": round(raw_cpu / n, 3),
                         "pipeline_1core_s_per_page": round(one["wall_s"] / n, 3),
                         "pipeline_1core_cpu_s_per_page": round(one["cpu_s"] / n, 3),
                         "pipeline_2core_s_per_page": round(two["wall_s"] / n, 3) if two else None,
                         "rc": [one["rc"], two["rc"] if two else None]})
            print(f"  {runs[-1]}", file=sys.stderr)

    summary = {}
    for ref in ("record", "truth"):
        for who in ("raw", "pipeline"):
            for k in KINDS:
                sel = [r for r in rows if r["kind"] == k]
                if sel:
                    summary[f"{who}_vs_{ref}/{k}"] = pooled(sel, who, ref)
            summary[f"{who}_vs_{ref}/all"] = pooled(rows, who, ref)
    tot = {k: sum(r[k] * r["pages"] for r in runs if r[k] is not None) for k in
           ("raw_1core_s_per_page", "raw_1core_cpu_s_per_page", "pipeline_1core_s_per_page",
            "pipeline_1core_cpu_s_per_page", "pipeline_2core_s_per_page")}
    pages = sum(r["pages"] for r in runs)
    speed = {k: round(v / max(1, pages), 3) for k, v in tot.items()}
    speed["pipeline_over_raw_1core_wall"] = round(tot["pipeline_1core_s_per_page"] / tot["raw_1core_s_per_page"], 2)
    speed["pipeline_over_raw_1core_cpu"] = round(tot["pipeline_1core_cpu_s_per_page"] / tot["raw_1core_cpu_s_per_page"], 2)
    if not args.no_speed:
        speed["two_core_speedup"] = round(tot["pipeline_1core_s_per_page"] / tot["pipeline_2core_s_per_page"], 2)
    result = {"measured": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "dpi": args.dpi, "cpus": os.cpu_count(),
              "platform": platform.platform(), "load_average_start": load_start, "load_average_end": os.getloadavg(),
              "summary": summary, "speed": speed, "runs": runs, "pages": rows}
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")

    print(f"CER per kind of page, {args.dpi}-dpi scans ({len(rows)} pages), against the born-digital record's "
          "page text (and pdfplumber's extract_text):\n")
    body = []
    for k in KINDS + ("all",):
        if f"raw_vs_record/{k}" in summary:
            body.append([k, summary[f"raw_vs_record/{k}"]["pages"], pct(summary[f"raw_vs_record/{k}"]["cer"]),
                         pct(summary[f"pipeline_vs_record/{k}"]["cer"]), pct(summary[f"raw_vs_truth/{k}"]["cer"]),
                         pct(summary[f"pipeline_vs_truth/{k}"]["cer"])])
    print(md_table(["page kind", "pages", "raw Tesseract vs record", "pipeline vs record",
                    "raw vs extract_text", "pipeline vs extract_text"], body))
    print("\nSeconds per page (cold OCR cache):\n")
    print(md_table(["file", "pages", "raw 1 core s", "raw CPU s", "pipeline 1 core s", "pipeline CPU s", "pipeline 2 cores s"],
                   [[r["file"], r["pages"], r["raw_1core_s_per_page"], r["raw_1core_cpu_s_per_page"],
                     r["pipeline_1core_s_per_page"], r["pipeline_1core_cpu_s_per_page"], r["pipeline_2core_s_per_page"]]
                    for r in runs]))
    print(f"\n{json.dumps(speed)}\nload average {load_start} → {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
