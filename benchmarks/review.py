"""How long a review report of a long document takes to build and to open (issue 6).

A 100-page born-digital PDF (`tools/make_samples.make_long_pdf`: the 17 pages of 000_born_digital.pdf
repeated) is extracted to a record, then `baocao review RECORD -o DIR --sources …` runs in a fresh
process twice: cold (an empty page cache: every page drawn) and warm (the same report folder: nothing
drawn). The report is opened in headless Chromium (tools/headless_chromium.py): seconds to the load event
(the HTML, the boxes, the images in view; the others are lazy), then a value on the last page is clicked
and the time until its box is selected and in view is taken.

    .venv/bin/python benchmarks/review.py [--pages 100] [--out benchmarks/review.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(cmd, env) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{proc.stderr}")
    return time.perf_counter() - t0, proc.stderr.strip().splitlines()[-1]


def open_report(page: Path, runs: int = 3) -> dict:
    from tools.headless_chromium import Chromium

    loads, selects = [], []
    with Chromium(width=1400, height=900) as b:
        b.open("about:blank")
        for _ in range(runs):
            loads.append(b.open(page.as_uri()))
            counts = b.evaluate("[document.querySelectorAll('.bx').length, document.querySelectorAll('.it').length,"
                                " document.images.length]")
            last = b.evaluate("(function(){var b=document.querySelectorAll('#pages .bx');"
                              "return b[b.length-1].getAttribute('data-ids')})()")
            t0 = time.perf_counter()
            ok = b.evaluate(f"(function(){{baocaoSelect('{last}');var r=document.getElementById('b-{last}')"
                            ".getBoundingClientRect();return document.getElementById('b-"
                            f"{last}').classList.contains('sel')&&r.top>=0&&r.bottom<=innerHeight}})()")
            selects.append(time.perf_counter() - t0)
            assert ok, "the selected box is not in view"
    return {"load_s": sorted(loads)[len(loads) // 2], "load_runs_s": [round(x, 3) for x in loads],
            "select_last_s": sorted(selects)[len(selects) // 2], "boxes": counts[0], "values": counts[1],
            "images": counts[2]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "review.json"))
    args = ap.parse_args()
    from tools.make_samples import make_long_pdf

    baocao = [sys.executable, "-m", "pipeline.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "BAOCAO_CACHE": str(tmp / "cache")}
        pdf = make_long_pdf(tmp / f"long_{args.pages}.pdf", args.pages)
        extract_s, _ = timed(baocao + ["extract", str(pdf), "-o", str(tmp / "rec")], env)
        record = tmp / "rec" / f"{pdf.stem}.json"
        cmd = baocao + ["review", str(record), "-o", str(tmp / "report"), "--sources", str(tmp)]
        cold_s, cold_log = timed(cmd, env)
        warm_s, warm_log = timed(cmd, env)
        page = tmp / "report" / "docs" / f"{pdf.stem}.html"
        sizes = {"html_kb": round(page.stat().st_size / 1024),
                 "images_mb": round(sum(f.stat().st_size for f in (tmp / "report" / "pages").rglob("*.png")) / 2**20, 1)}
        opened = open_report(page)
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    result = {
        "measured": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version(),
        "chromium": chromium, "pages": args.pages,
        "extract_s": round(extract_s, 2),
        "review_cold_s": round(cold_s, 2), "review_cold_s_per_page": round(cold_s / args.pages, 3),
        "review_warm_s": round(warm_s, 2), "review_cold_log": cold_log, "review_warm_log": warm_log,
        **sizes, "open": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in opened.items()},
    }
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
