#!/usr/bin/env python
"""Speed and memory of `pipeline.extract` (the public `from pipeline import extract`) on born-digital PDFs.

    .venv/bin/python benchmarks/run.py            # full run: samples + 10/100/1,000 pages (~10 min)
    .venv/bin/python benchmarks/run.py --quick    # samples + 10/100 pages (~1 min)

Every measurement is one fresh child process (this file with ``--child``), pinned to one core
(``taskset -c 0`` when available, ``OMP_THREAD_LIMIT=1`` and friends), so nothing is warm from the
previous one and each peak RSS belongs to one run only. The parent writes ``benchmarks/results.json``
and prints Markdown tables; a full run also rewrites the results block of ``benchmarks/README.md``
(``--no-readme`` to skip). See benchmarks/README.md for what the numbers mean.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"
SAMPLES = sorted((ROOT / "samples").glob("*_born_digital.pdf"))
TARGET_S_PER_PAGE = 0.15
SIZES_FULL = (10, 100, 1000)
SIZES_QUICK = (10, 100)
README_START = "<!-- results:start (written by benchmarks/run.py, do not edit by hand) -->"
README_END = "<!-- results:end -->"
ONE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "MKL_NUM_THREADS": "1"}


# ---- child side ---------------------------------------------------------------------------------
def _status_kb(field: str) -> int:
    """VmRSS / VmHWM of this process in KiB (Linux)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux; peak only


def child_main(mode: str, path: str) -> dict:
    t0 = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    import pdfplumber  # both modes import it before the clock starts

    if mode == "baocao":
        import pdfminer.pdfinterp  # noqa: F401  (the PDF libraries extract() may import lazily: off the clock)
        import pypdfium2  # noqa: F401
        from pipeline import extract
        known = set(sys.modules)
    t1 = time.perf_counter()
    rss0 = _status_kb("VmRSS")
    out = {"mode": mode, "file": path, "import_s": t1 - t0, "rss_after_import_kb": rss0}
    c1 = time.process_time()
    if mode == "baocao":
        rec = extract(path)
        t2 = time.perf_counter()
        c2 = time.process_time()
        js = rec.to_json()
        t3 = time.perf_counter()
        new = set(sys.modules) - known  # the source module extract() picked tells the engine
        engine = ("pdfium" if "pipeline.sources.pdfium" in new else "pdfplumber" if "pipeline.sources.pdf" in new
                  else "?")
        out.update(engine=engine, engine_env=os.environ.get("BAOCAO_PDF_ENGINE"))
        modes = rec.source.page_modes or []
        out.update(page_modes={m: modes.count(m) for m in sorted(set(modes))})  # OCR'd pages would show here
        out.update(pages=rec.source.page_count, run_s=t2 - t1, to_json_s=t3 - t2, status=rec.status,
                   errors=len(rec.errors), tables=len(rec.tables or []), footnotes=len(rec.footnotes or []),
                   json_bytes=len(js.encode()))
    elif mode == "pdfplumber":
        chars = 0
        with pdfplumber.open(path) as pdf:
            n = len(pdf.pages)
            for page in pdf.pages:  # same streaming as pipeline/sources/pdf.py: close each page
                chars += len(page.extract_text() or "")
                page.close()
        t2 = time.perf_counter()
        c2 = time.process_time()
        out.update(pages=n, run_s=t2 - t1, chars=chars)
    else:
        raise SystemExit(f"unknown child mode {mode!r}")
    out["cpu_s"] = c2 - c1  # user + system CPU of this process during the run
    out["peak_rss_kb"] = _status_kb("VmHWM")
    return out


# ---- parent side --------------------------------------------------------------------------------
def _pin_prefix(cpu: int | None) -> list[str]:
    if cpu is None or not shutil.which("taskset"):
        return []
    return ["taskset", "-c", str(cpu)]


ENGINE: str | None = None  # --engine: BAOCAO_PDF_ENGINE for the children (None: inherit / project default)


def run_child(mode: str, path: Path, cpu: int | None) -> dict:
    env = {**os.environ, **ONE_THREAD_ENV, "PYTHONWARNINGS": "ignore"}
    if ENGINE:
        env["BAOCAO_PDF_ENGINE"] = ENGINE
    cmd = _pin_prefix(cpu) + [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(path)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child {mode} {path} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = wall
    res["s_per_page"] = res["run_s"] / res["pages"]
    res["cpu_s_per_page"] = res["cpu_s"] / res["pages"]
    return res


def run_repeated(mode: str, path: Path, cpu: int | None, repeat: int) -> dict:
    """`repeat` fresh runs; keep the one with the median run time (all run times are kept)."""
    runs = [run_child(mode, path, cpu) for _ in range(repeat)]
    runs.sort(key=lambda r: r["run_s"])
    res = dict(runs[len(runs) // 2])
    if repeat > 1:
        res["run_s_all"] = [r["run_s"] for r in runs]
    return res


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares y = a + b·x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def machine_info(cpu: int | None) -> dict:
    import pdfplumber
    import pdfminer

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "extractors"], cwd=ROOT,
                               capture_output=True, text=True).stdout.split("\n")
        dirty = [d.strip() for d in dirty if d.strip()]
    except OSError:
        head, dirty = "", []
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": model,
        "cpu_count": os.cpu_count(),
        "pinned_cpu": cpu if _pin_prefix(cpu) else None,
        "python": platform.python_version(),
        "pdfplumber": pdfplumber.__version__,
        "pdfminer.six": getattr(pdfminer, "__version__", ""),
        "platform": platform.platform(),
        "git_head": head,
        "git_dirty_code": dirty,  # pipeline/ and extractors/ files not committed at run time
        "loadavg_start": list(os.getloadavg()),
    }


def _mb(kb: float) -> str:
    return f"{kb / 1024:.0f}"


def markdown(results: dict) -> str:
    m = results["machine"]
    s = results["summary"]
    out = []
    out.append(f"Measured {m['date']} on {m['cpu_model']} ({m['cpu_count']} cores, children pinned to "
               f"{'core ' + str(m['pinned_cpu']) if m['pinned_cpu'] is not None else 'no core'}), Python "
               f"{m['python']}, pdfplumber {m['pdfplumber']}, code at {m['git_head']}"
               f"{' + uncommitted changes in ' + str(len(m['git_dirty_code'])) + ' files' if m['git_dirty_code'] else ''}; "
               f"load average {m['loadavg_start'][0]:.2f} at start, {m['loadavg_end'][0]:.2f} at end. "
               f"{'One run' if results['repeat'] == 1 else 'Median of ' + str(results['repeat']) + ' runs'} per cell. "
               f"baocao PDF source: **{results['engine']}**.")
    out.append("")
    out.append("**Per page, sample PDFs** (baocao = `extract(path)`, file read → record, imports excluded; "
               "pdfplumber = `pdfplumber.open` + `page.extract_text()` per page; wall and CPU seconds of the run):")
    out.append("")
    out.append("| sample | pages | tables | footnotes | baocao s | baocao s/page | baocao CPU s/page | pdfplumber s | "
               "pdfplumber s/page | ratio (wall) | ratio (CPU) | process wall s | peak RSS MB |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results["samples"]:
        b, p = r["baocao"], r["pdfplumber"]
        out.append(f"| `{Path(b['file']).name}` | {b['pages']} | {b['tables']} | {b['footnotes']} | "
                   f"{b['run_s']:.2f} | {b['s_per_page']:.3f} | {b['cpu_s_per_page']:.3f} | {p['run_s']:.2f} | "
                   f"{p['s_per_page']:.3f} | {r['ratio']:.2f}× | {r['ratio_cpu']:.2f}× | {b['process_wall_s']:.2f} | "
                   f"{_mb(b['peak_rss_kb'])} |")
    def verdict(x: float) -> str:
        return "meets" if x <= TARGET_S_PER_PAGE else "misses"

    out.append("")
    out.append(f"Median baocao **{s['median_s_per_page']:.3f} s/page** wall ({verdict(s['median_s_per_page'])} the "
               f"target ≤ {TARGET_S_PER_PAGE} s/page), **{s['median_cpu_s_per_page']:.3f} s/page CPU** "
               f"({verdict(s['median_cpu_s_per_page'])} it); pdfplumber `extract_text` median "
               f"{s['median_pdfplumber_s_per_page']:.3f} s/page. baocao/pdfplumber **{s['ratio_total']:.2f}×** "
               f"(total wall time over all samples; CPU {s['ratio_total_cpu']:.2f}×; per-sample median "
               f"{s['ratio_median']:.2f}×).")
    if s["wall_over_cpu"] > 1.2:
        out.append("")
        out.append(f"**The core was shared during this run** (baocao wall/CPU = {s['wall_over_cpu']:.2f}; load "
                   f"average up to {max(m['loadavg_start'][0], m['loadavg_end'][0]):.1f} on {m['cpu_count']} cores): "
                   f"the wall columns and wall ratios are inflated by other work; the CPU columns are what one "
                   f"core spends. Re-run on an idle machine for wall numbers.")
    out.append("")
    out.append("**Scaling** (`tools/make_samples.make_long_pdf`: the 17 pages of `000_born_digital.pdf` repeated):")
    out.append("")
    out.append("| pages | baocao s | baocao s/page | baocao CPU s/page | peak RSS MB | above imports MB | "
               "pdfplumber s/page | pdfplumber peak RSS MB | ratio (CPU) |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results["scaling"]:
        b, p = r["baocao"], r["pdfplumber"]
        out.append(f"| {b['pages']:,} | {b['run_s']:.1f} | {b['s_per_page']:.3f} | {b['cpu_s_per_page']:.3f} | "
                   f"{_mb(b['peak_rss_kb'])} | {_mb(b['peak_rss_kb'] - b['rss_after_import_kb'])} | "
                   f"{p['s_per_page']:.3f} | {_mb(p['peak_rss_kb'])} | {r['ratio_cpu']:.2f}× |")
    out.append("")
    out.append(f"Least-squares fit over the sizes: CPU time {s['fixed_cpu_s']:.2f} s + {s['marginal_cpu_s_per_page']:.3f} "
               f"s/page; peak RSS {_mb(s['peak_rss_base_kb'])} MB + **{s['peak_rss_kb_per_page']:.0f} KiB/page** "
               f"(pdfplumber `extract_text` alone: {s['pdfplumber_peak_rss_kb_per_page']:.0f} KiB/page).")
    return "\n".join(out)


def update_readme(md: str) -> bool:
    if not README.exists():
        return False
    text = README.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(f"{head}{README_START}\n{md}\n{README_END}{tail}", encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="scaling stops at 100 pages")
    ap.add_argument("--repeat", type=int, default=1, help="fresh runs per cell, the median kept (default 1)")
    ap.add_argument("--cpu", type=int, default=0, help="core to pin children to (default 0; -1: no pinning)")
    ap.add_argument("--engine", help="PDF source for baocao (sets BAOCAO_PDF_ENGINE: pdfium or pdfplumber; "
                    "default: the project's default)")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite the results block of README.md")
    ap.add_argument("--output", type=Path, default=None,
                    help="JSON results (default benchmarks/results.json; --quick: benchmarks/results-quick.json)")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PDF"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child_main(*args.child)))
        return 0
    cpu = None if args.cpu < 0 else args.cpu
    global ENGINE
    ENGINE = args.engine
    if args.output is None:
        args.output = HERE / "results-quick.json" if args.quick else RESULTS
    sizes = SIZES_QUICK if args.quick else SIZES_FULL
    results: dict = {"machine": machine_info(cpu), "quick": args.quick, "repeat": args.repeat,
                     "target_s_per_page": TARGET_S_PER_PAGE}

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    run_child("baocao", SAMPLES[-1], cpu)  # warm-up: .pyc files and the page cache, not recorded
    results["samples"] = []
    for pdf in SAMPLES:
        b = run_repeated("baocao", pdf, cpu, args.repeat)
        p = run_repeated("pdfplumber", pdf, cpu, args.repeat)
        results["samples"].append({"baocao": b, "pdfplumber": p, "ratio": b["run_s"] / p["run_s"],
                                   "ratio_cpu": b["cpu_s"] / p["cpu_s"]})
        log(f"{pdf.name}: {b['pages']} pages, baocao {b['run_s']:.2f} s ({b['s_per_page']:.3f} s/page, "
            f"CPU {b['cpu_s']:.2f} s), "
            f"pdfplumber {p['run_s']:.2f} s, peak {_mb(b['peak_rss_kb'])} MB")

    sys.path.insert(0, str(ROOT))
    from tools.make_samples import make_long_pdf

    results["scaling"] = []
    with tempfile.TemporaryDirectory(prefix="baocao-bench-") as tmp:
        for n in sizes:
            path = make_long_pdf(Path(tmp) / f"long_{n}.pdf", n)
            b = run_repeated("baocao", path, cpu, args.repeat)
            p = run_repeated("pdfplumber", path, cpu, args.repeat)
            b["file"] = p["file"] = f"make_long_pdf({n})"
            results["scaling"].append({"baocao": b, "pdfplumber": p, "ratio": b["run_s"] / p["run_s"],
                                       "ratio_cpu": b["cpu_s"] / p["cpu_s"]})
            log(f"{n} pages: baocao {b['run_s']:.1f} s ({b['s_per_page']:.3f} s/page, CPU {b['cpu_s']:.1f} s), "
                f"peak {_mb(b['peak_rss_kb'])} MB; pdfplumber {p['run_s']:.1f} s, peak {_mb(p['peak_rss_kb'])} MB")

    per_page = [r["baocao"]["s_per_page"] for r in results["samples"]]
    tot_b = sum(r["baocao"]["run_s"] for r in results["samples"])
    tot_p = sum(r["pdfplumber"]["run_s"] for r in results["samples"])
    xs = [float(r["baocao"]["pages"]) for r in results["scaling"]]
    fixed, marginal = _fit(xs, [r["baocao"]["run_s"] for r in results["scaling"]])
    fixed_cpu, marginal_cpu = _fit(xs, [r["baocao"]["cpu_s"] for r in results["scaling"]])
    mem0, mem_slope = _fit(xs, [float(r["baocao"]["peak_rss_kb"]) for r in results["scaling"]])
    _, pl_slope = _fit(xs, [float(r["pdfplumber"]["peak_rss_kb"]) for r in results["scaling"]])
    results["summary"] = {
        "median_s_per_page": statistics.median(per_page),
        "median_pdfplumber_s_per_page": statistics.median(r["pdfplumber"]["s_per_page"] for r in results["samples"]),
        "median_cpu_s_per_page": statistics.median(r["baocao"]["cpu_s_per_page"] for r in results["samples"]),
        "ratio_total": tot_b / tot_p,
        "ratio_total_cpu": sum(r["baocao"]["cpu_s"] for r in results["samples"])
        / sum(r["pdfplumber"]["cpu_s"] for r in results["samples"]),
        "ratio_median": statistics.median(r["ratio"] for r in results["samples"]),
        "meets_target": statistics.median(per_page) <= TARGET_S_PER_PAGE,
        "meets_target_cpu": statistics.median(r["baocao"]["cpu_s_per_page"] for r in results["samples"])
        <= TARGET_S_PER_PAGE,
        "wall_over_cpu": sum(r["baocao"]["run_s"] for r in results["samples"] + results["scaling"])
        / sum(r["baocao"]["cpu_s"] for r in results["samples"] + results["scaling"]),
        "fixed_s": fixed,
        "marginal_s_per_page": marginal,
        "fixed_cpu_s": fixed_cpu,
        "marginal_cpu_s_per_page": marginal_cpu,
        "peak_rss_base_kb": mem0,
        "peak_rss_kb_per_page": mem_slope,
        "pdfplumber_peak_rss_kb_per_page": pl_slope,
    }
    results["machine"]["loadavg_end"] = list(os.getloadavg())
    engines = sorted({r["baocao"]["engine"] for r in results["samples"] + results["scaling"]})
    results["engine"] = engines[0] if len(engines) == 1 else engines
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = markdown(results)
    print(md)
    if not args.quick and not args.no_readme and args.output == RESULTS:
        log("README.md results block " + ("updated" if update_readme(md) else "not found, left as is"))
    log(f"results: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
