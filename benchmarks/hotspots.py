#!/usr/bin/env python
"""Where the time and the memory go, for whoever optimizes the pipeline.

    .venv/bin/python benchmarks/hotspots.py cpu [PDF] [--top 25]    # cProfile of one extract()
    .venv/bin/python benchmarks/hotspots.py pdfplumber [PDF]         # cProfile of extract_text, for comparison
    .venv/bin/python benchmarks/hotspots.py memory [--pages 1000] [--at 100 900] [--top 5]

The PDF source is the project's default unless BAOCAO_PDF_ENGINE=pdfium|pdfplumber is set.

`cpu` runs `extract()` once (imports done before the profiler starts) and prints the functions with
the most cumulative and the most own time, and the own time per package (pdfminer, pdfplumber,
pipeline, extractors, …). The raw stats go to ``benchmarks/profile.pstats`` (not committed) for
``python -m pstats`` or snakeviz.

`memory` builds a long PDF with ``make_long_pdf``, starts tracemalloc and takes a snapshot when the
PDF source starts on page A and on page B (it wraps ``page_to_lines`` of ``pipeline.sources.pdf``
and ``pipeline.sources.pdfium``; nothing in pipeline/ is changed), then prints what grew in between:
the top allocation sites by line and by traceback, and the growth per page. A last snapshot after the stages shows what the whole record
costs. Slow (tracemalloc makes the run several times slower).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
DEFAULT_PDF = ROOT / "samples" / "000_born_digital.pdf"


def _bucket(filename: str) -> str:
    f = filename.replace("\\", "/")
    for name in ("pdfminer", "pdfplumber", "pypdfium2", "pydantic", "rapidfuzz", "unidecode"):
        if f"/{name}/" in f or f"/{name}_" in f:
            return name
    for name in ("pipeline", "extractors"):
        if f"{ROOT.as_posix()}/{name}/" in f:
            return name
    if f.startswith("~") or f.startswith("<"):
        return "builtins"
    return "stdlib/other"


def _print_stats(prof: cProfile.Profile, wall: float, top: int, out: Path) -> None:
    prof.dump_stats(str(out))
    st = pstats.Stats(prof)
    total = st.total_tt
    print(f"wall {wall:.2f} s; profiled own time {total:.2f} s (cProfile inflates pure-Python code)\n")
    own = defaultdict(float)
    for (fn, _ln, _name), (_cc, _nc, tt, _ct, _callers) in st.stats.items():
        own[_bucket(fn)] += tt
    print("own time per package:")
    for k, v in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"  {k:14s} {v:7.2f} s  {100 * v / total:5.1f} %")
    rows = []
    for (fn, ln, name), (cc, nc, tt, ct, _callers) in st.stats.items():
        short = fn.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        rows.append((ct, tt, nc, f"{short}:{ln}({name})"))
    print(f"\ntop {top} by cumulative time:")
    print(f"  {'cum s':>7} {'own s':>7} {'calls':>9}  function")
    for ct, tt, nc, where in sorted(rows, key=lambda r: -r[0])[:top]:
        print(f"  {ct:7.2f} {tt:7.2f} {nc:9d}  {where}")
    print(f"\ntop {top} by own time:")
    print(f"  {'own s':>7} {'cum s':>7} {'calls':>9}  function")
    for ct, tt, nc, where in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"  {tt:7.2f} {ct:7.2f} {nc:9d}  {where}")
    print(f"\nraw stats: {out}")


def _preimport() -> None:
    """The PDF libraries and sources extract() imports lazily, off the profile."""
    import importlib

    for name in ("pdfplumber", "pdfminer.pdfinterp", "pypdfium2", "pipeline.sources.pdf", "pipeline.sources.pdfium"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def cmd_cpu(args) -> int:
    _preimport()
    from pipeline import extract

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    rec = extract(args.pdf)
    prof.disable()
    wall = time.perf_counter() - t0
    print(f"{args.pdf}: {rec.source.page_count} pages, status {rec.status}, {len(rec.tables or [])} tables, "
          f"{len(rec.footnotes or [])} footnotes")
    _print_stats(prof, wall, args.top, HERE / "profile.pstats")
    return 0


def cmd_pdfplumber(args) -> int:
    import pdfplumber

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    with pdfplumber.open(args.pdf) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
    prof.disable()
    _print_stats(prof, time.perf_counter() - t0, args.top, HERE / "profile-pdfplumber.pstats")
    return 0


def _top_diff(new, old, key: str, top: int, per_pages: int) -> None:
    stats = new.compare_to(old, key)
    print(f"\ntop {top} growth by {key} (between the two snapshots; per page = / {per_pages}):")
    for s in stats[:top]:
        print(f"  +{s.size_diff / 1024:9.1f} KiB  ({s.size_diff / per_pages / 1024:6.2f} KiB/page, "
              f"+{s.count_diff} blocks)")
        frames = s.traceback.format(limit=6 if key == "traceback" else 1)
        for line in frames:
            print(f"      {line.strip()}")


def cmd_memory(args) -> int:
    import importlib

    from pipeline import extract
    from tools.make_samples import make_long_pdf

    a, b = args.at
    snaps: dict[str, tracemalloc.Snapshot] = {}

    def hook(orig):
        def wrapped(*pos, **kw):  # page_to_lines(..., number): the page number is the last argument
            number = kw.get("number", pos[-1] if pos else None)
            if number in (a, b) and f"page {number}" not in snaps:
                import gc

                gc.collect()
                snaps[f"page {number}"] = tracemalloc.take_snapshot()
                print(f"  snapshot at page {number}: traced {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MiB",
                      file=sys.stderr, flush=True)
            return orig(*pos, **kw)
        return wrapped

    for name in ("pipeline.sources.pdf", "pipeline.sources.pdfium"):  # whichever source extract() picks
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(mod, "page_to_lines"):
            mod.page_to_lines = hook(mod.page_to_lines)
    filters = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    with tempfile.TemporaryDirectory(prefix="baocao-mem-") as tmp:
        path = make_long_pdf(Path(tmp) / f"long_{args.pages}.pdf", args.pages)
        tracemalloc.start(args.frames)
        t0 = time.perf_counter()
        rec = extract(path)
        import gc

        gc.collect()
        end = tracemalloc.take_snapshot()
        cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{args.pages} pages in {time.perf_counter() - t0:.0f} s under tracemalloc; status {rec.status}; "
          f"traced now {cur / 2**20:.1f} MiB (the record and its source are alive), peak {peak / 2**20:.1f} MiB")
    if len(snaps) < 2:
        print(f"no snapshots at pages {a} and {b}: the PDF source's page_to_lines was not called "
              f"(engine changed?); snapshots taken: {sorted(snaps)}")
        return 1
    old = snaps[f"page {a}"].filter_traces(filters)
    new = snaps[f"page {b}"].filter_traces(filters)
    grown = sum(s.size_diff for s in new.compare_to(old, "filename"))
    print(f"\ngrowth while reading pages {a} → {b}: {grown / 1024:.0f} KiB = {grown / (b - a) / 1024:.2f} KiB/page")
    _top_diff(new, old, "lineno", args.top, b - a)
    _top_diff(new, old, "traceback", args.top, b - a)
    endf = end.filter_traces(filters)
    grown_end = sum(s.size_diff for s in endf.compare_to(new, "filename"))
    print(f"\nafter the stages, compared with page {b}: {grown_end / 1024:+.0f} KiB")
    _top_diff(endf, new, "lineno", args.top, args.pages)
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("cpu", help="cProfile of one extract()")
    p.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    p.add_argument("--top", type=int, default=25)
    p = sub.add_parser("pdfplumber", help="cProfile of pdfplumber extract_text over the same pages")
    p.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    p.add_argument("--top", type=int, default=25)
    p = sub.add_parser("memory", help="tracemalloc diff between two pages of a long PDF")
    p.add_argument("--pages", type=int, default=1000)
    p.add_argument("--at", type=int, nargs=2, default=(100, 900), metavar=("A", "B"))
    p.add_argument("--top", type=int, default=5)
    p.add_argument("--frames", type=int, default=8, help="traceback depth kept by tracemalloc")
    args = ap.parse_args(argv)
    return {"cpu": cmd_cpu, "pdfplumber": cmd_pdfplumber, "memory": cmd_memory}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
