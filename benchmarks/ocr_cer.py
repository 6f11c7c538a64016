#!/usr/bin/env python3
"""Raw Tesseract on the scanned samples: character error rate per page kind, and seconds per page.

    .venv/bin/python benchmarks/ocr_cer.py              # every page of the 200 and 300 dpi scans (~10 min)
    .venv/bin/python benchmarks/ocr_cer.py --quick      # the comparison pages only (~2 min)

Input: ``samples/scans/`` (``tools/make_scans.py``) and its ``manifest.json``.  Each page image is
taken out of ``NNN_scan200.pdf`` / ``NNN_scan300.pdf`` as the JPEG stream stored there (no
re-encoding, no rendering) and given to the ``tesseract`` command:
``tesseract page.jpg stdout -l vie --psm 3 --oem 1`` with ``OMP_THREAD_LIMIT=1``; two such
single-threaded processes run at a time (``--workers``), one per core.

Measured against ``samples/scans/truth/NNN_pNN.truth`` (pdfplumber's ``extract_text()`` of the
born-digital page), both texts NFC and whitespace-normalized (every run of whitespace one space):

* ``cer`` = Levenshtein distance (rapidfuzz) / reference length; per kind the pooled value
  (sum of distances / sum of lengths) and the median page;
* ``cer_folded`` = the same after folding the diacritics away on both sides (đ -> d): what is
  left are errors of the base letters, digits, punctuation and order; ``cer - cer_folded`` is
  roughly the share of the errors that are diacritics only;
* ``bag_wer`` = 1 - (words in common, as multisets) / reference words: insensitive to reading order
  (the two-column header block is read line by line by pdfplumber, column by column by Tesseract);
* ``s`` wall seconds of the tesseract process, ``cpu_s`` its user+system CPU (``os.wait4``).

Also: psm 3 vs psm 6 on a few pages at both dpis; the sideways page (OSD, then OCR of the turned
image) and the blank sheet; the eng text layer of ``NNN_eng_ocr.pdf`` scored the same way.
Writes ``benchmarks/ocr_cer.json`` and prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "scans"
sys.path.insert(0, str(ROOT / "tools"))
from make_scans import fold  # noqa: E402  (the same folding as the stripped samples)

# psm 3 vs 6 on these (sample, source page): one header, prose, tables (narrow and the 14-column one)
COMPARE = [("000", 1), ("000", 5), ("000", 13), ("001", 7), ("002", 8), ("004", 2)]
LANG, OEM = "vie", 1


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def score(hyp: str, ref: str) -> dict:
    h, r = norm(hyp), norm(ref)
    hf, rf = fold(h), fold(r)
    d = Levenshtein.distance(h, r)
    df = Levenshtein.distance(hf, rf)
    rw, hw = Counter(r.split()), Counter(h.split())
    common = sum((rw & hw).values())
    return {"ref_chars": len(r), "hyp_chars": len(h), "dist": d, "dist_folded": df,
            "cer": d / max(1, len(r)), "cer_folded": df / max(1, len(r)),
            "ref_words": sum(rw.values()), "words_common": common,
            "bag_wer": 1 - common / max(1, sum(rw.values()))}


def page_jpeg(pdf_path: Path, page_no: int) -> bytes:
    """The page's image stream as stored (DCTDecode data is the JPEG file itself).  Not pypdf's
    ``page.images[i].data``, which re-encodes the image."""
    from pypdf import PdfReader

    page = PdfReader(pdf_path).pages[page_no - 1]
    xobjs = page["/Resources"]["/XObject"]
    (name,) = list(xobjs.keys())
    return xobjs[name].get_object().get_data()


def tesseract(image: Path, *args: str) -> tuple[str, float, float, int]:
    """Run the tesseract command; returns (stdout text, wall s, cpu s, exit status)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(["tesseract", str(image), "stdout", *args], stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return text, wall, ru.ru_utime + ru.ru_stime, proc.returncode


def run_jobs(jobs: list[dict], workers: int, tmp: Path) -> list[dict]:
    """Each job: file, page, args; adds text, s, cpu_s."""
    def one(job):
        img = tmp / f"{job['file']}.p{job['page']:02d}.{job.get('variant', 'raw')}.img"
        if not img.exists():
            data = job.pop("_jpeg", None) or page_jpeg(SCANS / job["file"], job["page"])
            img.write_bytes(data)
        text, wall, cpu, rc = tesseract(img, *job["args"])
        job.update(text=text, s=round(wall, 3), cpu_s=round(cpu, 3), rc=rc)
        return job

    done = []
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as ex:
        for i, job in enumerate(ex.map(one, jobs), 1):
            done.append(job)
            if i % 10 == 0 or i == len(jobs):
                print(f"  {i}/{len(jobs)} tesseract runs, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return done


def pooled(rows: list[dict]) -> dict:
    ref = sum(r["ref_chars"] for r in rows)
    return {"pages": len(rows), "ref_chars": ref,
            "cer": round(sum(r["dist"] for r in rows) / max(1, ref), 4),
            "cer_folded": round(sum(r["dist_folded"] for r in rows) / max(1, ref), 4),
            "median_page_cer": round(statistics.median(r["cer"] for r in rows), 4),
            "worst_page_cer": round(max(r["cer"] for r in rows), 4),
            "bag_wer": round(1 - sum(r["words_common"] for r in rows) / max(1, sum(r["ref_words"] for r in rows)), 4),
            "s_per_page": round(statistics.mean(r["s"] for r in rows), 2),
            "cpu_s_per_page": round(statistics.mean(r["cpu_s"] for r in rows), 2)}


def table(headers: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="the comparison pages only")
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "ocr_cer.json"))
    args = ap.parse_args(argv)

    manifest = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
    truth = {(s, p["page"]): (SCANS / p["file"]).read_text(encoding="utf-8")
             for s, t in manifest["truth"].items() for p in t["pages"]}
    kind = {(s, p["page"]): p["kind"] for s, t in manifest["truth"].items() for p in t["pages"]}
    scans = [f for f in manifest["files"] if f["kind"] == "image_pdf"]
    psm3 = ["-l", LANG, "--psm", "3", "--oem", str(OEM)]
    psm6 = ["-l", LANG, "--psm", "6", "--oem", str(OEM)]

    jobs = []
    for f in scans:
        for pg in f["pages"]:
            src = pg["source_page"]
            if args.quick and (f["sample"], src) not in COMPARE and not pg.get("blank") and not pg.get("sideways"):
                continue
            base = {"file": f["file"], "sample": f["sample"], "dpi": f["dpi"], "page": pg["page"],
                    "source_page": src, "angle_deg": pg.get("angle_deg"),
                    "special": "blank" if pg.get("blank") else "sideways" if pg.get("sideways") else None}
            jobs.append({**base, "psm": 3, "args": psm3})
            if (f["sample"], src) in COMPARE and not pg.get("sideways"):
                jobs.append({**base, "psm": 6, "args": psm6})
    # the sideways page: orientation detection, on it and on its upright 200-dpi twin
    sideways = [(f, pg) for f in scans for pg in f["pages"] if pg.get("sideways")]
    for f, pg in sideways:
        for ff in scans:
            if ff["sample"] == f["sample"]:
                p = next(x for x in ff["pages"] if x["source_page"] == pg["source_page"])
                jobs.append({"file": ff["file"], "sample": ff["sample"], "dpi": ff["dpi"], "page": p["page"],
                             "source_page": p["source_page"], "psm": 0, "args": ["--psm", "0"], "special": "osd"})
    # run the longest first so that the two workers finish together
    jobs.sort(key=lambda j: (-j["dpi"], j["psm"] == 0))
    print(f"{len(jobs)} tesseract runs, {args.workers} at a time", file=sys.stderr)
    load_start = os.getloadavg()
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        done = run_jobs(jobs, args.workers, tmp)
        # the sideways page turned upright as OSD says, then psm 3
        extra = []
        sideways_files = {f["file"] for f, _ in sideways}
        for j in done:
            if j["psm"] != 0:
                continue
            m = re.search(r"Rotate: (\d+)", j["text"])
            j["osd_rotate"] = int(m.group(1)) if m else None
            if j["file"] in sideways_files and j["osd_rotate"]:
                import io

                from PIL import Image

                img = Image.open(io.BytesIO(page_jpeg(SCANS / j["file"], j["page"])))
                # OSD's "Rotate: N": turn the image N degrees clockwise to make it upright
                buf = io.BytesIO()
                img.rotate(-j["osd_rotate"], expand=True).save(buf, "PNG")
                extra.append({k: v for k, v in j.items() if k not in ("text", "s", "cpu_s", "rc", "args")}
                             | {"psm": 3, "args": psm3, "special": "sideways_turned_by_osd",
                                "variant": "turned", "_jpeg": buf.getvalue()})
        if extra:
            done += run_jobs(extra, args.workers, tmp)
    total_wall = time.perf_counter() - t_start

    for j in done:
        j.pop("args", None)
        j.pop("_jpeg", None)
        key = (j["sample"], j["source_page"])
        j["kind"] = kind.get(key) if j["source_page"] else None
        if j["psm"] != 0 and j["source_page"]:
            j.update(score(j["text"], truth[key]))
            j["cer"], j["cer_folded"], j["bag_wer"] = (round(j[k], 4) for k in ("cer", "cer_folded", "bag_wer"))
        if j.get("special") == "blank":
            j["hyp_chars"] = len(norm(j["text"]))
        j["text_head"] = norm(j["text"])[:160]
        del j["text"]

    main_rows = [j for j in done if j["psm"] == 3 and not j.get("special")]
    summary = {}
    for dpi in (200, 300):
        for k in ("header", "prose", "table"):
            rows = [j for j in main_rows if j["dpi"] == dpi and j["kind"] == k]
            if rows:
                summary[f"{dpi}/{k}"] = pooled(rows)
        rows = [j for j in main_rows if j["dpi"] == dpi]
        if rows:
            summary[f"{dpi}/all"] = pooled(rows)
    per_sample = {}
    for dpi in (200, 300):
        for s in sorted({j["sample"] for j in main_rows}):
            rows = [j for j in main_rows if j["dpi"] == dpi and j["sample"] == s]
            if rows:
                per_sample[f"{dpi}/{s}"] = pooled(rows)

    compare = []
    for s, p in COMPARE:
        row = {"sample": s, "page": p, "kind": kind[(s, p)]}
        for dpi in (200, 300):
            for psm in (3, 6):
                hit = [j for j in done if j["sample"] == s and j["source_page"] == p and j["dpi"] == dpi
                       and j["psm"] == psm and not j.get("special")]
                if hit:
                    row[f"{dpi}/psm{psm}"] = {k: hit[0][k] for k in ("cer", "cer_folded", "bag_wer", "s", "cpu_s")}
        compare.append(row)

    # the eng text layer of NNN_eng_ocr.pdf, scored like OCR output
    import pdfplumber

    eng = {}
    for f in manifest["files"]:
        if f["kind"] != "eng_ocr_pdf":
            continue
        rows = []
        with pdfplumber.open(SCANS / f["file"]) as pdf:
            for pg, meta in zip(pdf.pages, f["pages"]):
                sc = score(pg.extract_text() or "", truth[(f["sample"], meta["source_page"])])
                rows.append({**sc, "kind": kind[(f["sample"], meta["source_page"])], "s": 0, "cpu_s": 0})
                pg.close()
        eng[f["file"]] = {k: pooled([r for r in rows if r["kind"] == k])
                          for k in ("header", "prose", "table") if any(r["kind"] == k for r in rows)}
        eng[f["file"]]["all"] = pooled(rows)
        for v in eng[f["file"]].values():
            v.pop("s_per_page"), v.pop("cpu_s_per_page")

    special = [j for j in done if j.get("special")]
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    result = {
        "tesseract": version, "lang": LANG, "oem": OEM, "OMP_THREAD_LIMIT": 1, "workers": args.workers,
        "quick": args.quick, "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                         "python": platform.python_version()},
        "loadavg_start": [round(x, 2) for x in load_start],
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "total_wall_s": round(total_wall, 1), "tesseract_runs": len(done),
        "summary": summary, "per_sample": per_sample, "psm_compare": compare,
        "special_pages": special, "eng_text_layer": eng,
        "pages": sorted((j for j in done if not j.get("special")),
                        key=lambda j: (j["sample"], j["dpi"], j["source_page"], j["psm"])),
    }
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    hdr = ["dpi", "kind", "pages", "chars", "CER", "CER no diacritics", "median page", "worst page",
           "bag-of-words WER", "s/page", "CPU s/page"]
    rows = [[key.split("/")[0], key.split("/")[1], v["pages"], v["ref_chars"], pct(v["cer"]), pct(v["cer_folded"]),
             pct(v["median_page_cer"]), pct(v["worst_page_cer"]), pct(v["bag_wer"]), v["s_per_page"],
             v["cpu_s_per_page"]] for key, v in summary.items()]
    print(f"\nTesseract {version.split()[-1]}, -l {LANG} --psm 3 --oem {OEM}, OMP_THREAD_LIMIT=1, "
          f"{args.workers} processes at a time; {len(done)} runs in {total_wall:.0f} s; load average "
          f"{load_start[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end on {os.cpu_count()} CPUs "
          f"(wall s/page grows with the load, CPU s/page does not)\n")
    print(table(hdr, rows))
    print("\nPer sample (psm 3, all pages but the special ones):\n")
    print(table(["dpi", "sample", "pages", "CER", "CER no diacritics", "bag WER", "s/page"],
                [[k.split("/")[0], k.split("/")[1], v["pages"], pct(v["cer"]), pct(v["cer_folded"]),
                  pct(v["bag_wer"]), v["s_per_page"]] for k, v in per_sample.items()]))
    print("\npsm 3 vs psm 6, 200 vs 300 dpi (CER / s):\n")
    cols = ["200/psm3", "200/psm6", "300/psm3", "300/psm6"]
    print(table(["page", "kind"] + cols,
                [[f"{r['sample']} p{r['page']}", r["kind"]]
                 + [f"{pct(r[c]['cer'])} / {r[c]['s']:.1f}" if c in r else "-" for c in cols] for r in compare]))
    print("\nSpecial pages:\n")
    print(table(["file", "page", "what", "psm", "result", "s"],
                [[j["file"], j["page"], j["special"], j["psm"],
                  (f"Rotate: {j.get('osd_rotate')}" if j["psm"] == 0 else
                   f"{j.get('hyp_chars')} chars read" if j["special"] == "blank" else pct(j["cer"])), j["s"]]
                 for j in special]))
    if eng:
        print("\nThe eng text layer of the NNN_eng_ocr.pdf files, as pdfplumber reads it:\n")
        print(table(["file", "kind", "pages", "CER", "CER no diacritics", "bag WER"],
                    [[f, k, v["pages"], pct(v["cer"]), pct(v["cer_folded"]), pct(v["bag_wer"])]
                     for f, d in eng.items() for k, v in d.items()]))
    print(f"\nwrote {Path(args.output).relative_to(ROOT) if Path(args.output).is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
