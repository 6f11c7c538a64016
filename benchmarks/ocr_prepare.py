#!/usr/bin/env python3
"""Each image preparation step of ``pipeline/sources/ocr_prepare.py`` on and off: CER per page kind.

    .venv/bin/python benchmarks/ocr_prepare.py            # the page subset below, ~5 min on 2 idle cores
    .venv/bin/python benchmarks/ocr_prepare.py --workers 1

Pages as the pipeline gets them: rendered by PDFium in grey at 200 dpi from ``samples/scans/NNN_scan200.pdf``
(what ``ocr_pdf_pages`` does), or frames of ``001_scan.tiff`` (bilevel, 300 dpi) resampled to 200 dpi by
``page_from_image``. Each variant runs ``prepare`` with some steps on, then Tesseract (``vie``, psm 3,
oem 1, ``OMP_THREAD_LIMIT=1``, two processes) through the pipeline's own call and cache (a fresh
temporary ``BAOCAO_CACHE``), and the lines' printed text (``Line.raw``, footnote digits included) is
scored against ``samples/scans/truth/`` with ``benchmarks/ocr_cer.py``'s ``score``: ``cer``,
``cer_folded`` (diacritics folded away on both sides), order-free ``bag_wer``.

Variants on the upright pages: ``raw`` (no step), ``deskew`` (the default rule: from 1° of skew on),
``otsu`` and ``sauvola`` (binarization); the pages under 1° deskewed anyway (``deskew from 0.1°``); the
same pages skewed 1.5° more (1.8-3° in all), raw and deskewed. ``cer_body`` leaves the page number out
(it comes and goes with the slightest change of the image, and the record's text drops it). Orientation on turned pages: the sideways page of ``004_scan300.pdf`` (page 3) and
two pages turned 180° here, each without and with the orientation step. Resolution: four 300-dpi pages
rendered at 300 dpi (no normalization) against 200 dpi (the pipeline's). Without Tesseract OCR (cheap,
every page): the blank-page decision on every page of every scan, the deskew angle against the
manifest's, OSD's answer and confidence on every upright 200-dpi page and on the subset turned 90°,
180°, 270°. Writes ``benchmarks/ocr_prepare.json`` and prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "scans"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ocr_cer import pct, pooled, score, table  # noqa: E402

# (scan file, source page): per kind, pages with large skew angles preferred
SUBSET = [
    ("000_scan200.pdf", 1), ("002_scan200.pdf", 1), ("004_scan200.pdf", 1),  # header
    ("000_scan200.pdf", 8), ("001_scan200.pdf", 2), ("002_scan200.pdf", 5), ("004_scan200.pdf", 2),  # prose
    ("000_scan200.pdf", 13), ("000_scan200.pdf", 16), ("001_scan200.pdf", 7), ("002_scan200.pdf", 8),  # table
    ("001_scan.tiff", 5), ("001_scan.tiff", 8),  # bilevel 300 dpi: prose, table
]
VARIANTS = {
    "raw": {},
    "deskew": {"deskew": True},  # the default rule: only from MIN_SKEW (1°) on
    "otsu": {"binarize": "otsu"},
    "sauvola": {"binarize": "sauvola"},
}
EXTRA_SKEW = 1.5  # degrees added to the page's own skew, same sign: 1.8°-3° in all (a careless scan)
NO_STEPS = {"blank": False, "orientation": False, "deskew": False, "binarize": False}
TURNED_180 = [("002_scan200.pdf", 2), ("000_scan200.pdf", 1)]
RES_300 = [("000_scan300.pdf", 1), ("004_scan300.pdf", 2), ("000_scan300.pdf", 13), ("002_scan300.pdf", 8)]
DPI = 200


def manifest() -> dict:
    return json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))


def page_meta(m: dict, file: str, source_page: int) -> dict:
    f = next(f for f in m["files"] if f["file"] == file)
    pg = next(p for p in f["pages"] if p["source_page"] == source_page)
    return {"file": file, "sample": f["sample"], "page": pg["page"], "source_page": source_page,
            "file_dpi": f["dpi"], "angle_deg": pg.get("angle_deg"), "sideways": bool(pg.get("sideways"))}


def load_image(file: str, page: int, dpi: int = DPI):
    """(PIL image, its dpi) as the pipeline gets it."""
    from PIL import Image, ImageSequence

    path = SCANS / file
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            pg = pdf[page - 1]
            img = pg.render(scale=dpi / 72, grayscale=True).to_pil()
            pg.close()
        finally:
            pdf.close()
        return img, dpi
    im = Image.open(path)
    for i, frame in enumerate(ImageSequence.Iterator(im)):
        if i == page - 1:
            from pipeline.sources.ocr import image_dpi

            return frame.copy(), image_dpi(frame)
    raise IndexError(page)


def ocr_job(job: dict) -> dict:
    """Worker: load, resample to the OCR dpi (page_from_image's rule), prepare, Tesseract, score."""
    from pipeline.sources.ocr import (OcrSettings, POINTS_PER_INCH, lines_from_words, tesseract_data_cached,
                                      words_from_tesseract)
    from pipeline.sources.ocr_prepare import prepare

    settings = OcrSettings(dpi=job.get("ocr_dpi", DPI))
    img, dpi = load_image(job["file"], job["page"], job.get("render_dpi", DPI))
    if job.get("turn"):
        img = img.rotate(job["turn"], expand=True)
    img = img.convert("L")
    if abs(dpi - settings.dpi) > 5:
        f = settings.dpi / dpi
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))))
    if job.get("extra_skew"):
        import numpy as np
        from PIL import Image

        img = img.rotate(job["extra_skew"], resample=Image.Resampling.BICUBIC,
                         fillcolor=int(np.median(np.asarray(img))))
    t0 = time.perf_counter()
    img, notes = prepare(img, settings, steps={**NO_STEPS, **job["steps"]})
    prep_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = tesseract_data_cached(img, settings)
    ocr_s = time.perf_counter() - t0
    scale = POINTS_PER_INCH / settings.dpi
    lines = lines_from_words(words_from_tesseract(data, scale), job["page"])
    text = "\n".join(ln.raw or ln.text for ln in lines)
    truth = (SCANS / "truth" / f"{job['sample']}_p{job['source_page']:02d}.truth").read_text(encoding="utf-8")
    sc = score(text, truth)
    # the same without the page number (truth: a first line of digits; OCR: a digits-only line in the
    # top 6 % of the page): OCR'd page numbers come and go with tiny changes of the image, and the
    # record's text leaves them out anyway
    height = img.height * scale
    body = "\n".join(ln.raw or ln.text for ln in lines
                     if not ((ln.raw or ln.text).strip().isdigit() and ln.box[3] < 0.06 * height))
    tl = truth.split("\n")
    body_truth = "\n".join(tl[1:]) if tl and tl[0].strip().isdigit() else truth
    sc["cer_body"] = score(body, body_truth)["cer"]
    sc["dist_body"] = score(body, body_truth)["dist"]
    sc["ref_chars_body"] = score(body, body_truth)["ref_chars"]
    tall = sum(1 for ln in lines if (ln.box[3] - ln.box[1]) > 2 * (ln.box[2] - ln.box[0]))
    confs = [ln.confidence for ln in lines if ln.confidence is not None]
    out = {k: v for k, v in job.items() if k != "steps"}
    out.update(sc, notes=notes, prep_s=round(prep_s, 3), s=round(ocr_s, 3), cpu_s=0.0,
               lines=len(lines), tall_lines=tall, mean_conf=round(statistics.mean(confs), 1) if confs else None,
               image_size=list(img.size))
    for k in ("cer", "cer_folded", "bag_wer", "cer_body"):
        out[k] = round(out[k], 4)
    return out


def osd_job(job: dict) -> dict:
    from pipeline.sources.ocr_prepare import osd

    img, dpi = load_image(job["file"], job["page"])
    img = img.convert("L")
    if job.get("turn"):
        img = img.rotate(job["turn"], expand=True)
    t0 = time.perf_counter()
    rotate, conf, why = osd(img)
    return {**job, "rotate": rotate, "conf": conf, "why": why, "s": round(time.perf_counter() - t0, 3)}


def run(worker, jobs: list, workers: int, label: str) -> list:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    t0 = time.perf_counter()
    out = []
    with ProcessPoolExecutor(max_workers=workers) as ex:
        for i, r in enumerate(ex.map(worker, jobs), 1):
            out.append(r)
            if i % 10 == 0 or i == len(jobs):
                print(f"  {label}: {i}/{len(jobs)}, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return out


def cheap_checks(m: dict) -> dict:
    """Blank decision on every page of every scan; deskew angle against the manifest (200 dpi)."""
    from pipeline.sources.ocr_prepare import MIN_INKED_TILES, inked_tiles, is_blank, skew_angle

    blank_rows, skew_rows, t_blank, t_skew = [], [], [], []
    for f in m["files"]:
        if f["kind"] not in ("image_pdf", "image"):
            continue
        for pg in f["pages"]:
            img, dpi = load_image(f["file"], pg["page"])
            img = img.convert("L")
            if abs(dpi - DPI) > 5:
                s = DPI / dpi
                img = img.resize((round(img.width * s), round(img.height * s)))
            t0 = time.perf_counter()
            blank = is_blank(img)
            t_blank.append(time.perf_counter() - t0)
            blank_rows.append({"file": f["file"], "page": pg["page"], "blank": blank, "truly_blank": bool(pg.get("blank")),
                               "inked_tiles": inked_tiles(img)})
            if pg.get("angle_deg") is not None and not pg.get("sideways"):
                t0 = time.perf_counter()
                angle, gain = skew_angle(img)
                t_skew.append(time.perf_counter() - t0)
                skew_rows.append({"file": f["file"], "page": pg["page"], "true": pg["angle_deg"], "found": angle,
                                  "gain": round(gain, 3), "error": round(angle - pg["angle_deg"], 3)})
    text_tiles = [r["inked_tiles"] for r in blank_rows if not r["truly_blank"]]
    blank_tiles = [r["inked_tiles"] for r in blank_rows if r["truly_blank"]]
    errs = [abs(r["error"]) for r in skew_rows]
    return {
        "blank": {"pages": len(blank_rows), "truly_blank": len(blank_tiles),
                  "false_blank": [r for r in blank_rows if r["blank"] and not r["truly_blank"]],
                  "missed_blank": [r for r in blank_rows if r["truly_blank"] and not r["blank"]],
                  "inked_tiles_blank_pages": blank_tiles, "min_inked_tiles_text_pages": min(text_tiles),
                  "threshold": MIN_INKED_TILES, "ms_per_page": round(1000 * statistics.mean(t_blank), 1)},
        "skew": {"pages": len(skew_rows), "mean_abs_error_deg": round(statistics.mean(errs), 3),
                 "max_abs_error_deg": round(max(errs), 3), "ms_per_page": round(1000 * statistics.mean(t_skew), 1),
                 "rows": skew_rows},
    }


def summarize(rows: list[dict]) -> dict:
    out = {}
    for k in ("header", "prose", "table", "all"):
        sel = [r for r in rows if k == "all" or r["kind"] == k]
        if sel:
            p = pooled(sel)
            p.pop("cpu_s_per_page")
            p["cer_body"] = round(sum(r["dist_body"] for r in sel) / max(1, sum(r["ref_chars_body"] for r in sel)), 4)
            out[k] = p
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "ocr_prepare.json"))
    args = ap.parse_args(argv)
    from pipeline.sources.ocr import tesseract_version
    from pipeline.sources.ocr_prepare import DEFAULT_STEPS, MIN_OSD_CONFIDENCE

    tmp_cache = tempfile.TemporaryDirectory()
    os.environ["BAOCAO_CACHE"] = tmp_cache.name  # fresh: every run is a Tesseract run, timed
    m = manifest()
    kind = {(s, p["page"]): p["kind"] for s, t in m["truth"].items() for p in t["pages"]}
    load_start = os.getloadavg()
    t_start = time.perf_counter()

    print("blank and skew checks (no OCR) ...", file=sys.stderr)
    cheap = cheap_checks(m)

    jobs = []
    for file, src in SUBSET:
        meta = page_meta(m, file, src)
        for name, steps in VARIANTS.items():
            jobs.append({**meta, "kind": kind[(meta["sample"], src)], "variant": name, "steps": steps})
    for file, src in SUBSET:
        meta = page_meta(m, file, src)
        if abs(meta["angle_deg"]) < 1.0:  # the default leaves these alone: what turning them would do
            jobs.append({**meta, "kind": kind[(meta["sample"], src)], "variant": "deskew from 0.1°",
                         "steps": {"deskew": 0.1}})
        for name, steps in (("skewed more, raw", {}), ("skewed more, deskew", {"deskew": True})):
            jobs.append({**meta, "kind": kind[(meta["sample"], src)], "variant": name, "steps": steps,
                         "extra_skew": EXTRA_SKEW if meta["angle_deg"] >= 0 else -EXTRA_SKEW})
    for file, src in TURNED_180:
        meta = page_meta(m, file, src)
        for name, steps in (("turned 180, raw", {}), ("turned 180, orientation", {"orientation": True})):
            jobs.append({**meta, "kind": kind[(meta["sample"], src)], "variant": name, "steps": steps, "turn": 180})
    side = page_meta(m, "004_scan300.pdf", 3)
    for name, steps in (("sideways, raw", {}), ("sideways, orientation", {"orientation": True})):
        jobs.append({**side, "kind": kind[("004", 3)], "variant": name, "steps": steps})
    for file, src in RES_300:
        meta = page_meta(m, file, src)
        for name, dpi in (("300 dpi rendered at 200", 200), ("300 dpi rendered at 300", 300)):
            jobs.append({**meta, "kind": kind[(meta["sample"], src)], "variant": name, "steps": {},
                         "render_dpi": dpi, "ocr_dpi": dpi})
    jobs.sort(key=lambda j: -j.get("render_dpi", 200))  # the slowest first: the workers finish together
    print(f"{len(jobs)} OCR runs, {args.workers} at a time ...", file=sys.stderr)
    done = run(ocr_job, jobs, args.workers, "OCR")

    osd_jobs = []
    for f in m["files"]:
        if f["kind"] == "image_pdf" and f["dpi"] == 200:
            for pg in f["pages"]:
                if not pg.get("blank"):
                    osd_jobs.append({"file": f["file"], "page": pg["page"], "turn": 0})
    for file, src in SUBSET[:11]:
        meta = page_meta(m, file, src)
        for turn in (90, 180, 270):  # PIL's counter-clockwise turns; upright needs (360 - turn) clockwise
            osd_jobs.append({"file": file, "page": meta["page"], "turn": turn})
    print(f"{len(osd_jobs)} OSD runs ...", file=sys.stderr)
    osd_rows = run(osd_job, osd_jobs, args.workers, "OSD")
    for r in osd_rows:
        r["expected"] = r["turn"] % 360  # turned ccw by t: turn clockwise by t to undo
        r["correct"] = r["rotate"] == r["expected"]
        r["followed"] = r["conf"] is not None and r["conf"] >= MIN_OSD_CONFIDENCE
    total_wall = time.perf_counter() - t_start

    upright = [r for r in done if r["variant"] in VARIANTS]
    by_variant = {v: summarize([r for r in upright if r["variant"] == v]) for v in VARIANTS}
    skewed = [r for r in done if r["variant"].startswith("skewed more")]
    by_skewed = {v: summarize([r for r in skewed if r["variant"] == v])
                 for v in ("skewed more, raw", "skewed more, deskew")}
    small = [r for r in done if r["variant"] == "deskew from 0.1°"]
    per_page = {}
    for r in upright:
        per_page.setdefault(f"{r['file']} p{r['page']}", {"kind": r["kind"], "angle_deg": r["angle_deg"]})[r["variant"]] = {
            "cer": r["cer"], "cer_body": r["cer_body"], "bag_wer": r["bag_wer"], "notes": r["notes"]}
    wins = {}
    for v in VARIANTS:
        if v == "raw":
            continue
        d = [(p[v]["cer"] - p["raw"]["cer"]) for p in per_page.values()]
        wins[v] = {"better": sum(x < -1e-4 for x in d), "worse": sum(x > 1e-4 for x in d),
                   "same": sum(abs(x) <= 1e-4 for x in d)}
    special = [r for r in done if r["variant"] not in VARIANTS and not r["variant"].startswith("skewed more")
               and r["variant"] != "deskew from 0.1°"]
    wrong_followed = [r for r in osd_rows if r["followed"] and not r["correct"]]
    right = [r["conf"] for r in osd_rows if r["correct"] and r["conf"] is not None]
    wrong = [r["conf"] for r in osd_rows if not r["correct"] and r["conf"] is not None]
    osd_summary = {
        "runs": len(osd_rows), "correct": sum(r["correct"] for r in osd_rows),
        "followed_and_wrong": len(wrong_followed), "min_confidence": MIN_OSD_CONFIDENCE,
        "min_conf_correct": min(right) if right else None, "max_conf_wrong": max(wrong) if wrong else None,
        "turned_pages_missed": sum(1 for r in osd_rows if r["turn"] and not (r["followed"] and r["correct"])),
        "s_per_page": round(statistics.mean(r["s"] for r in osd_rows), 2),
    }
    result = {
        "tesseract": tesseract_version(), "lang": "vie", "psm": 3, "oem": 1, "dpi": DPI, "workers": args.workers,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "loadavg_start": [round(x, 2) for x in load_start], "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "total_wall_s": round(total_wall, 1), "default_steps": DEFAULT_STEPS,
        "summary": by_variant, "wins_vs_raw": wins, "skewed_more": {"extra_deg": EXTRA_SKEW, "summary": by_skewed,
                                                                    "pages": skewed},
        "small_skew_deskewed": small, "turned_and_resolution": special,
        "osd": osd_summary, "osd_rows": osd_rows, **cheap,
        "pages": sorted(upright, key=lambda r: (r["file"], r["page"], r["variant"])),
    }
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    print(f"\nTesseract {result['tesseract']}, vie psm 3 oem 1, {DPI} dpi, {args.workers} processes; "
          f"{len(done)} OCR + {len(osd_rows)} OSD runs in {total_wall:.0f} s (load {load_start[0]:.1f} → "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)\n")
    print("Upright pages, each variant (pooled CER / CER without the page number / bag-of-words WER):\n")
    kinds = ["header", "prose", "table", "all"]
    print(table(["variant"] + kinds + ["better/worse/same pages vs raw", "prepare s/page", "OCR s/page"],
                [[v] + [f"{pct(s[k]['cer'])} / {pct(s[k]['cer_body'])} / {pct(s[k]['bag_wer'])}" for k in kinds]
                 + [("-" if v == "raw" else f"{wins[v]['better']}/{wins[v]['worse']}/{wins[v]['same']}"),
                    round(statistics.mean(r["prep_s"] for r in upright if r["variant"] == v), 2), s["all"]["s_per_page"]]
                 for v, s in by_variant.items()]))
    print("\nPer page CER:\n")
    print(table(["page", "kind", "skew"] + list(VARIANTS),
                [[p, d["kind"], d["angle_deg"]] + [pct(d[v]["cer"]) for v in VARIANTS] for p, d in per_page.items()]))
    print(f"\nThe same pages skewed {EXTRA_SKEW}° more (CER / CER without the page number / bag WER):\n")
    print(table(["variant"] + kinds, [[v] + [f"{pct(s[k]['cer'])} / {pct(s[k]['cer_body'])} / {pct(s[k]['bag_wer'])}"
                                             for k in kinds] for v, s in by_skewed.items()]))
    print(table(["page", "kind", "skew", "raw CER", "deskew CER", "raw lines", "deskew lines"],
                [[f"{a['file']} p{a['page']}", a["kind"], round(a["angle_deg"] + a["extra_skew"], 2), pct(a["cer"]),
                  pct(b["cer"]), a["lines"], b["lines"]]
                 for a in skewed if a["variant"].endswith("raw")
                 for b in skewed if b["variant"].endswith("deskew") and (b["file"], b["page"]) == (a["file"], a["page"])]))
    print("\nPages under 1° of skew (left alone by default), deskewed anyway:\n")
    print(table(["page", "kind", "skew", "raw CER", "deskewed CER", "raw CER w/o page no.", "deskewed w/o page no."],
                [[f"{r['file']} p{r['page']}", r["kind"], r["angle_deg"], pct(per_page[f"{r['file']} p{r['page']}"]["raw"]["cer"]),
                  pct(r["cer"]), pct(per_page[f"{r['file']} p{r['page']}"]["raw"]["cer_body"]), pct(r["cer_body"])]
                 for r in small]))
    print("\nTurned pages and resolution:\n")
    print(table(["page", "variant", "CER", "bag WER", "lines", "tall lines", "notes", "OCR s"],
                [[f"{r['file']} p{r['page']}", r["variant"], pct(r["cer"]), pct(r["bag_wer"]), r["lines"],
                  r["tall_lines"], "; ".join(r["notes"]) or "-", r["s"]]
                 for r in sorted(special, key=lambda r: (r["file"], r["page"], r["variant"]))]))
    o = osd_summary
    print(f"\nOSD: {o['correct']}/{o['runs']} right ({len(osd_jobs) - len(SUBSET[:11]) * 3} upright pages, "
          f"{len(SUBSET[:11]) * 3} turned copies); confidence of right answers ≥ {o['min_conf_correct']}, "
          f"of wrong ones ≤ {o['max_conf_wrong']}; followed at ≥ {o['min_confidence']}: "
          f"{o['followed_and_wrong']} wrong turns, {o['turned_pages_missed']} turned pages left; {o['s_per_page']} s/page")
    b, s = cheap["blank"], cheap["skew"]
    print(f"Blank: {b['pages']} pages, {b['truly_blank']} blank; false blank {len(b['false_blank'])}, missed "
          f"{len(b['missed_blank'])}; inked tiles: blank page {b['inked_tiles_blank_pages']}, text pages ≥ "
          f"{b['min_inked_tiles_text_pages']} (threshold {b['threshold']}); {b['ms_per_page']} ms/page")
    print(f"Skew: {s['pages']} pages, |found - true| mean {s['mean_abs_error_deg']}°, max {s['max_abs_error_deg']}°; "
          f"{s['ms_per_page']} ms/page")
    print(f"\nwrote {Path(args.output).relative_to(ROOT) if Path(args.output).is_relative_to(ROOT) else args.output}")
    tmp_cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
