#!/usr/bin/env python3
"""Benchmark of `baocao ingest` on a generated archive of documents.

The archive (a zip): born-digital PDFs (the first 2-5 pages of a sample PDF, `tools/make_samples.
make_long_pdf`, each made distinct by a trailing PDF comment so that none is a duplicate), text
renderings (the text samples, each with a distinct last line), and scanned PDFs (one page of a sample
rendered at 200 dpi and degraded like a flatbed scan with `tools/make_scans.py`'s helpers, a different
skew and specks each: no OCR cache hit).

Measured, each `baocao ingest` a fresh subprocess with a fresh OCR cache:
- documents and pages per second with 1 and 2 workers on the born-digital part alone (the speedup) and
  on the whole archive;
- peak memory (resident set of the ingest and all its worker processes, summed, sampled every 0.5 s) at
  100 documents and at the whole archive, split into extraction (workers alive) and the build of the
  tables (the driver alone), and the driver's own exact peak (the kernel's VmHWM: the build's peak,
  which a 0.5 s sample can miss);
- the cost of `--resume` on the finished dataset.

    .venv/bin/python benchmarks/ingest.py [--docs 1000] [--scans 50] [--work DIR] [--skip-full-1]

Writes benchmarks/ingest.json.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
SAMPLES = ROOT / "samples"
PDF_SAMPLES = ["000_born_digital.pdf", "001_born_digital.pdf", "002_born_digital.pdf", "004_born_digital.pdf"]
TEXT_SAMPLES = ["000_text.txt", "001_text.txt", "002_text.txt", "004_text.txt"]  # 003 is restored: slow, rare


def make_corpus(work: Path, docs: int, scans: int) -> dict:
    """Write born/*.pdf, text/*.txt, scans/*.pdf under work/corpus and zip them; returns the counts."""
    from pypdf import PdfReader, PdfWriter

    import make_scans
    import pypdfium2 as pdfium
    import numpy as np

    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    for d in ("born", "text", "scans"):
        (corpus / d).mkdir(parents=True)
    n_text = (docs - scans) * 35 // 95
    n_born = docs - scans - n_text
    readers = [PdfReader(str(SAMPLES / s)) for s in PDF_SAMPLES]
    pages_total = 0
    for i in range(n_born):
        r = readers[i % len(readers)]
        n = min(len(r.pages), 2 + i % 4)
        w = PdfWriter()
        for p in range(n):
            w.add_page(r.pages[p])
        buf = io.BytesIO()
        w.write(buf)
        (corpus / "born" / f"b{i:04d}.pdf").write_bytes(buf.getvalue() + f"\n% copy {i}\n".encode())
        pages_total += n
    texts = [(SAMPLES / s).read_text(encoding="utf-8") for s in TEXT_SAMPLES]
    for i in range(n_text):
        (corpus / "text" / f"t{i:04d}.txt").write_text(texts[i % len(texts)] + f"\nBản sao số {i + 1}.\n",
                                                       encoding="utf-8")
    pdfs = [pdfium.PdfDocument(str(SAMPLES / s)) for s in PDF_SAMPLES]
    for i in range(scans):
        pdf = pdfs[i % len(pdfs)]
        rng = np.random.default_rng(1000 + i)
        img = make_scans.degrade(make_scans.render(pdf, 1 + (i // len(pdfs)) % 2, 200), 200, rng,
                                 make_scans.pick_angle(rng))
        make_scans.write_image_pdf(corpus / "scans" / f"s{i:04d}.pdf",
                                   [(make_scans.jpeg_bytes(img, 200), img.width, img.height, 200)], f"bench scan {i}")
    archive = zip_corpus(work)
    return {"born_digital": n_born, "text": n_text, "scanned": scans, "born_digital_pages": pages_total,
            "archive_bytes": archive.stat().st_size}


def zip_corpus(work: Path) -> Path:
    """The corpus as one zip, its members in a fixed shuffled order: any stretch of the archive (the
    first 100 documents, two documents in flight) has the archive's own mix of kinds."""
    import random

    corpus = work / "corpus"
    files = sorted(f for f in corpus.rglob("*") if f.is_file())
    random.Random(0).shuffle(files)
    archive = work / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f.relative_to(corpus).as_posix())
    return archive


def subset_zip(work: Path, name: str, members: list[str]) -> Path:
    src = zipfile.ZipFile(work / "archive.zip")
    out = work / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for m in members:
            zf.writestr(m, src.read(m))
    return out


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(RSS of the process, RSS of it and all its descendants) in bytes."""
    try:
        own = proc.memory_info().rss
    except psutil.Error:
        return 0, 0
    total = own
    for c in proc.children(recursive=True):
        try:
            total += c.memory_info().rss
        except psutil.Error:
            pass
    return own, total


def driver_hwm(pid: int) -> int:
    """The process's own peak resident set so far (the kernel's VmHWM, in bytes): exact, where a
    sample every 0.5 s can miss a short peak (a table's load into DuckDB lasts a fraction of that)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_ingest(args: list[str], cache: Path) -> dict:
    import resource

    env = {**os.environ, "BAOCAO_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    ps = psutil.Process(proc.pid)
    peak = {"driver": 0, "total": 0, "extracting": 0, "building": 0, "driver_hwm": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak["driver_hwm"] = max(peak["driver_hwm"], driver_hwm(proc.pid))
            own, total = tree_rss(ps)
            peak["driver"] = max(peak["driver"], own)
            peak["total"] = max(peak["total"], total)
            # with workers alive: extraction; the driver alone: start-up and the build of the tables
            phase = "extracting" if total > own else "building"
            peak[phase] = max(peak[phase], total)
            time.sleep(0.5)  # psutil's walk of the tree costs CPU: often enough for a peak, not more

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the ingest and every descendant it reaped
    cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    done.set()
    th.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{err[-3000:]}")
    # cores_used = CPU seconds / wall seconds: how much of the machine the run got (others share it)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 1), "cores_used": round(cpu / wall, 2),
            "peak_rss_driver_mb": round(peak["driver"] / 2**20, 1),
            "peak_rss_total_mb": round(peak["total"] / 2**20, 1),
            "peak_rss_extracting_mb": round(peak["extracting"] / 2**20, 1),
            "peak_rss_building_mb": round(peak["building"] / 2**20, 1),
            "peak_rss_driver_hwm_mb": round(peak["driver_hwm"] / 2**20, 1), "exit": proc.returncode,
            "summary": [ln for ln in err.splitlines() if ln.startswith(("inputs:", "this run:"))]}


def dataset_numbers(ds: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(ds / "dataset.duckdb"), read_only=True)
    try:
        docs, pages = con.execute("SELECT count(*), sum(page_count) FROM documents").fetchone()
        ocr = con.execute("SELECT count(*) FROM pages WHERE mode = 'ocr'").fetchone()[0]
        status = dict(con.execute("SELECT status, count(*) FROM inputs WHERE kind <> 'archive' GROUP BY 1").fetchall())
    finally:
        con.close()
    return {"documents": docs, "pages": int(pages or 0), "ocr_pages": ocr, "inputs": status}


def measure(work: Path, label: str, archive: Path, workers: int, extra: list[str] = ()) -> dict:
    ds = work / f"ds-{label}-w{workers}"
    shutil.rmtree(ds, ignore_errors=True)
    cache = Path(tempfile.mkdtemp(prefix="ocr-cache-", dir=work))
    r = run_ingest([str(archive), "--out", str(ds), "--workers", str(workers), *extra], cache)
    r.update(dataset_numbers(ds))
    r["docs_per_s"] = round(r["documents"] / r["wall_s"], 2)
    r["pages_per_s"] = round(r["pages"] / r["wall_s"], 2)
    r["label"], r["workers"] = label, workers
    print(json.dumps(r, ensure_ascii=False), flush=True)
    shutil.rmtree(cache, ignore_errors=True)
    return r


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--scans", type=int, default=50)
    ap.add_argument("--work", default=None)
    ap.add_argument("--reuse-corpus", action="store_true", help="keep WORK/archive.zip from an earlier run")
    ap.add_argument("--skip-full-1", action="store_true", help="skip the whole archive with 1 worker (slowest)")
    ap.add_argument("--speedup-only", action="store_true",
                    help="only the born-digital 1 and 2 worker runs (a quieter moment), added to --out as 'speedup_rerun'")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "ingest.json"))
    a = ap.parse_args()
    work = Path(a.work or tempfile.mkdtemp(prefix="baocao-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    corpus_json = work / "corpus.json"
    if a.reuse_corpus and corpus_json.exists() and (work / "corpus").is_dir():
        corpus = json.loads(corpus_json.read_text())
        zip_corpus(work)
    else:
        corpus = make_corpus(work, a.docs, a.scans)
        corpus["generate_s"] = round(time.perf_counter() - t0, 1)
        corpus_json.write_text(json.dumps(corpus))
    print(json.dumps(corpus), flush=True)
    names = zipfile.ZipFile(work / "archive.zip").namelist()  # in the archive's (shuffled) order
    born = subset_zip(work, "born.zip", sorted(n for n in names if n.startswith("born/"))[:300])
    small = subset_zip(work, "small.zip", names[:100])  # the first 100 documents: the archive's own mix
    runs = []
    result = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": {
        "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "python": platform.python_version(),
        "load_avg_start": os.getloadavg()[0]}, "corpus": corpus, "runs": runs}

    def save():
        result["machine"]["load_avg_now"] = os.getloadavg()[0]
        Path(a.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    if a.speedup_only:
        pair = [measure(work, "born-digital-300", born, w) for w in (1, 2)]
        previous = json.loads(Path(a.out).read_text(encoding="utf-8"))
        previous["speedup_rerun"] = {"measured_at": result["measured_at"], "load_avg_start": result["machine"][
            "load_avg_start"], "load_avg_end": os.getloadavg()[0], "runs": pair,
            "speedup_1_to_2": round(pair[1]["docs_per_s"] / pair[0]["docs_per_s"], 2)}
        Path(a.out).write_text(json.dumps(previous, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    for w in (1, 2):
        runs.append(measure(work, "born-digital-300", born, w))
        save()
    b1, b2 = runs[0], runs[1]
    result["speedup_born_digital_1_to_2"] = round(b2["docs_per_s"] / b1["docs_per_s"], 2)
    save()
    runs.append(measure(work, "mixed-100", small, 2))
    save()
    full2 = measure(work, f"archive-{a.docs}", work / "archive.zip", 2)
    runs.append(full2)
    save()
    # --resume on the finished dataset: nothing to do, tables up to date
    ds = work / f"ds-archive-{a.docs}-w2"
    resume = []
    for _ in range(3):
        r = run_ingest([str(work / "archive.zip"), "--out", str(ds), "--workers", "2", "--resume"], work / "cache-r")
        resume.append(r["wall_s"])
    result["resume_finished_s"] = {"runs": resume, "median": sorted(resume)[1]}
    save()
    if not a.skip_full_1:
        runs.append(measure(work, f"archive-{a.docs}", work / "archive.zip", 1))
        save()
    print(json.dumps({k: result[k] for k in ("speedup_born_digital_1_to_2", "resume_finished_s")}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
