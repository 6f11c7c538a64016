#!/usr/bin/env python3
"""Peak memory of the table build alone (`pipeline/ingest/dataset.py: build_dataset`) against the number
of records, to see whether it is flat in the size of the archive.

The records are real ones: `samples/` ingested once (`--exclude '*/scans/*'`, the born-digital PDFs and
the text renderings: 9 records, ~1.2 MB of JSON), or any dataset given with `--source`. A dataset of N
records is made by hard-linking them under N fake SHA-256 names (cycling through the source's records)
with one manifest line each (`/bench/copyNNNNN/<the original input>`), so the tables grow with N exactly
as they would with N distinct documents of that kind. Each N is built in a fresh subprocess
(`--child`), which reports:

- `baseline_mb`: its resident set after importing duckdb and pipeline.ingest (before any work; the build
  no longer uses pyarrow, which the driver does not import);
- `manifest_mb`: after loading the manifest (`Manifest.load`), and the bytes per entry (tracemalloc),
  which is then dropped, as the driver drops it (`Manifest.release`) before the build, which streams
  the compacted manifest.jsonl;
- `peak_mb`: ru_maxrss of the whole child (the build's peak, imports included), and per phase, from a
  thread sampling /proc/self/statm every 5 ms: staging the rows as CSV parts (`staging`), each DuckDB
  statement (COPY of a staged part to Parquet, CREATE TABLE per table, citations, CHECKPOINT);
- the row counts and the build's wall seconds.

    .venv/bin/python benchmarks/ingest_build.py [--n 100 300 1000 3000] [--repeat 2] [--work DIR]
                                               [--source DATASET] [--repeated-texts] [--name NAME]
                                               [--out benchmarks/ingest_build.json]

The results are added to --out under NAME (default: "latest"); the rounds already there are kept.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 2**20


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


def make_source(work: Path) -> Path:
    src = work / "source"
    if not (src / "manifest.jsonl").exists():
        shutil.rmtree(src, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(ROOT / "samples"), "--exclude",
                        "*/scans/*", "--out", str(src), "--workers", "1"], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
    return src


def distinct_copy(rec: dict, i: int) -> bytes:
    """The record's JSON with every page text prefixed by copy number i: no page equals another's."""
    pages = [{**p, "text": f"Bản sao {i}. {p['text']}" if p.get("text") else p.get("text")}
             for p in rec.get("pages") or []]
    return json.dumps({**rec, "pages": pages}, ensure_ascii=False).encode("utf-8")


def make_dataset(source: Path, ds: Path, n: int, repeated: bool = False) -> None:
    """N records from the source's under fake names, with a manifest line each: copies whose page texts
    are distinct, or (`repeated`) hard links of the originals."""
    from pipeline.ingest.dataset import record_file
    from pipeline.ingest.manifest import Manifest, compact_text

    originals = sorted((e for e in Manifest(source).load().values()
                        if e.get("record") and e["status"] in ("done", "partial")), key=lambda e: e["input"])
    records = {e["record"]: json.loads((source / e["record"]).read_text(encoding="utf-8")) for e in originals}
    shutil.rmtree(ds, ignore_errors=True)
    (ds / "records").mkdir(parents=True)
    entries = {}
    for i in range(n):
        e = dict(originals[i % len(originals)])
        sha = hashlib.sha256(f"{e['sha256']} copy {i}".encode()).hexdigest()
        if repeated:
            os.link(source / e["record"], ds / record_file(sha))
        else:
            (ds / record_file(sha)).write_bytes(distinct_copy(records[e["record"]], i))
        e.update(input=f"/bench/copy{i:05d}{e['input']}", sha256=sha, record=record_file(sha), container=None)
        entries[e["input"]] = e
    (ds / "manifest.jsonl").write_bytes(compact_text(entries))


def child(ds: Path) -> dict:
    import resource
    import tracemalloc

    import duckdb

    from pipeline.ingest import dataset as dataset_mod
    from pipeline.ingest.manifest import Manifest, digest

    out: dict = {"baseline_mb": rss() / MB}
    tracemalloc.start()
    m = Manifest(ds)
    entries = m.load()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    out["manifest_entries"] = len(entries)
    out["manifest_bytes_per_entry"] = round(held / max(1, len(entries)))
    out["manifest_mb"] = rss() / MB
    del entries, m  # as the driver does (Manifest.release): the build streams manifest.jsonl
    manifest_digest = digest((ds / "manifest.jsonl").read_bytes())

    phase = ["staging"]
    peaks: dict[str, int] = {}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            r, p = rss(), phase[0]
            if r > peaks.get(p, 0):
                peaks[p] = r
            time.sleep(0.005)

    class Con:  # the DuckDB connection, each statement a phase of its own
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            words = sql.split()
            staged = re.search(r"/\.stage-\d+/(\w+)/", " ".join(map(str, args)))
            table = re.match(r'CREATE OR REPLACE TABLE "?(\w+)', sql)
            if staged:  # a staged CSV part made Parquet
                name = f"Parquet part of {staged.group(1)}"
            elif table:
                name = f"CREATE {table.group(1)}"
            elif words[0] == "COPY" and '"references"' in sql:  # a chunk of the citations join
                name = "citations"
            else:
                name = " ".join(words[:3])
            phase[0] = f"duckdb {name}"
            return self.con.execute(sql, *args)

        def close(self):
            phase[0] = "close"
            self.con.close()

    connect = duckdb.connect
    limits: list[str] = []  # each connection's memory_limit: a load that ran out of memory is retried at 4×

    def recording_connect(*a, **k):
        limits.append((k.get("config") or {}).get("memory_limit"))
        return Con(connect(*a, **k))

    duckdb.connect = recording_connect
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.perf_counter()
    counts = dataset_mod.build_dataset(ds, manifest_digest)
    out["build_s"] = round(time.perf_counter() - t0, 2)
    stop.set()
    th.join()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["phases_mb"] = {k: round(v / MB, 1) for k, v in peaks.items()}
    out["duckdb_memory_limits"] = {m: limits.count(m) for m in dict.fromkeys(limits)}
    out["rows"] = counts
    out["parquet_bytes"] = sum(p.stat().st_size for p in (ds / "parquet").glob("**/*.parquet"))
    out["duckdb_bytes"] = (ds / "dataset.duckdb").stat().st_size
    import pyarrow.parquet as pq

    # a writer holds each row group's metadata until it closes the part (its footer): ~9 KB a group
    out["row_groups"] = sum(pq.ParquetFile(p).metadata.num_row_groups for p in (ds / "parquet").glob("**/*.parquet"))
    for k in ("baseline_mb", "manifest_mb", "peak_mb"):
        out[k] = round(out[k], 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[100, 300, 1000, 3000])
    ap.add_argument("--repeat", type=int, default=2, help="fresh builds per N (each a new process)")
    ap.add_argument("--work", default=None)
    ap.add_argument("--source", default=None, help="a dataset whose records are copied (default: samples/)")
    ap.add_argument("--repeated-texts", action="store_true", help="hard-link the records: every copy's pages repeat")
    ap.add_argument("--name", default="latest", help="the key of this round in --out")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "ingest_build.json"))
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(Path(a.child))))
        return 0
    work = Path(a.work or tempfile.mkdtemp(prefix="baocao-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    source = Path(a.source) if a.source else make_source(work)
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "code": git,
              "texts": "repeated (hard links)" if a.repeated_texts else "distinct (each copy's pages prefixed)",
              "machine": {
        "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
        "python": platform.python_version(), "load_avg_start": round(os.getloadavg()[0], 2)}, "runs": []}
    for n in a.n:
        ds = work / f"ds-{n}"
        make_dataset(source, ds, n, a.repeated_texts)
        for rep in range(a.repeat):
            for p in (ds / "parquet", ds / "dataset.duckdb", ds / "summary.json"):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
            proc = subprocess.run([sys.executable, __file__, "--child", str(ds)], cwd=ROOT, capture_output=True,
                                  text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            if proc.returncode:
                raise SystemExit(proc.stderr[-3000:])
            r = {"records": n, "repeat": rep, **json.loads(proc.stdout.splitlines()[-1])}
            print(json.dumps(r), flush=True)
            result["runs"].append(r)
        shutil.rmtree(ds, ignore_errors=True)
    result["machine"]["load_avg_end"] = round(os.getloadavg()[0], 2)
    summary = {}
    for n in a.n:
        peaks = [r["peak_mb"] for r in result["runs"] if r["records"] == n]
        summary[n] = {"peak_mb_median": round(statistics.median(peaks), 1), "peak_mb_runs": peaks,
                      "baseline_mb": round(statistics.median(r["baseline_mb"] for r in result["runs"]
                                                             if r["records"] == n), 1)}
    result["summary"] = summary
    print("| records | peak MB (runs) | baseline MB after imports | after the manifest | manifest B/input | row groups | build s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in a.n:
        runs = [r for r in result["runs"] if r["records"] == n]
        print(f"| {n:,} | {summary[n]['peak_mb_median']} ({', '.join(str(p) for p in summary[n]['peak_mb_runs'])}) "
              f"| {summary[n]['baseline_mb']} | {runs[0]['manifest_mb']} | {runs[0]['manifest_bytes_per_entry']} "
              f"| {runs[0].get('row_groups', '')} | {statistics.median(r['build_s'] for r in runs):.1f} |")
    print(f"load average {result['machine']['load_avg_start']} at start, {result['machine']['load_avg_end']} at end")
    out = Path(a.out)
    rounds = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    rounds[a.name] = result
    out.write_text(json.dumps(rounds, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
