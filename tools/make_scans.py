#!/usr/bin/env python3
"""Scanned versions of the samples, for the OCR work.

Writes into ``samples/scans/`` (see ``docs/scans.md``):

* ``NNN_scan200.pdf``, ``NNN_scan300.pdf`` -- image-only PDFs: each page of
  ``samples/NNN_born_digital.pdf`` rendered with pypdfium2 (grayscale, 200 or 300 dpi), then
  degraded like a flatbed scan: a small skew (a different angle on every page), dust specks, a light
  optical blur, off-white paper with a faint uneven tone, grey ink, JPEG (quality 75) embedded as is
  (DCTDecode, DeviceGray).  ``004_scan300.pdf`` has one page scanned sideways (landscape page, the
  text turned 90 deg clockwise) and ``001_scan200.pdf`` a blank sheet (the back of the page before
  it, with faint show-through) inserted.
* ``002_scan.png`` (page 1), ``002_scan.jpg`` (page 8, the wide table) and ``001_scan.tiff``
  (all pages, bilevel CCITT G4, the usual archive format): single images of the same kind.
* ``NNN_eng_ocr.pdf`` for 000 and 002 -- the 300-dpi page images of ``NNN_scan300.pdf`` OCR'd by
  Tesseract with the ENGLISH model (``-l eng``): on each page Tesseract's invisible text layer (its
  ``pdf`` output, text-only) over the same page image made bilevel (CCITT G4, 300 dpi; a grey copy
  would double the size), merged with pypdf: a text layer that is not Vietnamese, as in old archives.
* ``NNN_stripped.txt`` -- the text samples with the diacritics folded away (đ -> d), every other
  character (markup, quotes, dashes, tabs, line breaks) kept as is.
* ``truth/NNN_pNN.truth`` -- the text of each page of the born-digital PDF as pdfplumber's
  ``page.extract_text()`` gives it: the reference for character error rates.
* ``manifest.json`` -- for every file: its source, its golden record, every transformation and its
  parameters (angles per page, ...), the size; for every born-digital page its kind
  (header | table | prose).

Everything is deterministic: fixed seeds (numpy ``default_rng`` seeded from a CRC of the file
name and the page), pypdfium2 rendering, our own minimal PDF writer, Pillow's JPEG/PNG/TIFF
encoders.  The eng OCR files depend on the Tesseract version and its ``eng`` model (recorded in
the manifest).  Regenerate with::

    .venv/bin/python tools/make_scans.py              # everything (~2-3 min, mostly Tesseract)
    .venv/bin/python tools/make_scans.py --no-ocr     # all but the NNN_eng_ocr.pdf files (kept)
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
OUT_DIR = SAMPLES_DIR / "scans"
TRUTH_DIR = OUT_DIR / "truth"

PDF_SAMPLES = ("000", "001", "002", "004")
DPIS = (200, 300)
ENG_OCR_SAMPLES = ("000", "002")
TABLE_PAGE_SHARE = 0.30  # a page is "table" when ruled tables cover more than this share of it

# The degradation.  Lengths in pixels are given at 200 dpi and scaled with the dpi.
SCAN = {
    "angle_abs_deg": (0.3, 1.5),     # skew: uniform magnitude, random sign, rounded to 0.01 deg
    "specks_per_a4_page": 220,       # dust: dark round specks
    "speck_radius_px": (0.6, 1.8),
    "speck_grey": (40, 170),
    "blur_radius_px": 0.6,           # Gaussian, after skew and specks (the optics blur the dust too)
    "paper_grey": 228,               # off-white paper ...
    "paper_tone_sd": 3.0,            # ... with a faint uneven tone (noise on a 64-px grid, bicubic)
    "paper_tone_grid_px": 64,
    "ink_grey": 65,                  # black prints as dark grey
    "jpeg_quality": 75,
    "jpeg_optimize": True,           # optimized Huffman tables, baseline (not progressive)
}
# Pages with a special treatment: (sample, dpi) -> what.
SIDEWAYS = {("004", 300): [3]}          # output pages scanned sideways (text turned 90 deg clockwise)
BLANK_AFTER = {("001", 200): [5]}       # a blank sheet inserted after these source pages
SHOW_THROUGH = {"grey_levels": 7, "blur_radius_px": 2.5}  # the blank sheet: mirrored page before it
TIFF_THRESHOLD = 150                     # 001_scan.tiff: grey < threshold -> black

# Single images (sample, file, source pages, dpi, format).
IMAGES = [
    ("002", "002_scan.png", [1], 200, "PNG"),
    ("002", "002_scan.jpg", [8], 300, "JPEG"),
    ("001", "001_scan.tiff", None, 300, "TIFF"),  # None: every page
]


def seed_of(*parts) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode())


# ---------------------------------------------------------------------------------------------
# Rendering and degradation
# ---------------------------------------------------------------------------------------------
def render(pdf: pdfium.PdfDocument, page_no: int, dpi: int) -> Image.Image:
    page = pdf[page_no - 1]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        img = bitmap.to_pil().convert("L")
    finally:
        page.close()
    return img


def _specks(a: np.ndarray, rng: np.random.Generator, scale: float) -> None:
    h, w = a.shape
    n = int(round(SCAN["specks_per_a4_page"] * (h * w) / (1654 * 2339 * scale * scale)))
    ys = rng.integers(5, h - 5, n)
    xs = rng.integers(5, w - 5, n)
    rs = rng.uniform(*SCAN["speck_radius_px"], n) * scale
    greys = rng.uniform(*SCAN["speck_grey"], n)
    k = int(np.ceil(SCAN["speck_radius_px"][1] * scale)) + 1
    yy, xx = np.mgrid[-k:k + 1, -k:k + 1]
    for y, x, r, g in zip(ys, xs, rs, greys):
        y0, x0 = y - k, x - k
        if y0 < 0 or x0 < 0 or y0 + 2 * k + 1 > h or x0 + 2 * k + 1 > w:
            continue
        sub = a[y0:y0 + 2 * k + 1, x0:x0 + 2 * k + 1]
        m = (yy * yy + xx * xx) <= r * r
        sub[m] = np.minimum(sub[m], g)


def _paper(a: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Map white..black of the render to paper..ink, the paper with a faint low-frequency tone."""
    h, w = a.shape
    g = max(4, int(round(SCAN["paper_tone_grid_px"] * scale)))
    low = rng.normal(0.0, 1.0, (h // g + 2, w // g + 2)).astype(np.float32)
    low = np.asarray(Image.fromarray(low, mode="F").resize((w, h), Image.BICUBIC), dtype=np.float32)
    paper = SCAN["paper_grey"] + SCAN["paper_tone_sd"] * low
    ink = SCAN["ink_grey"]
    return ink + (paper - ink) * (a / 255.0)


def degrade(img: Image.Image, dpi: int, rng: np.random.Generator, angle: float) -> Image.Image:
    scale = dpi / 200
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    a = np.asarray(img, dtype=np.float32).copy()
    _specks(a, rng, scale)
    img = Image.fromarray(a.clip(0, 255).round().astype(np.uint8))
    img = img.filter(ImageFilter.GaussianBlur(SCAN["blur_radius_px"] * scale))
    a = _paper(np.asarray(img, dtype=np.float32), rng, scale)
    return Image.fromarray(a.round().clip(0, 255).astype(np.uint8), mode="L")


def blank_sheet(front: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    """A blank sheet: paper, specks, and the mirrored page before it showing through faintly."""
    scale = dpi / 200
    mirror = front.transpose(Image.FLIP_LEFT_RIGHT).filter(
        ImageFilter.GaussianBlur(SHOW_THROUGH["blur_radius_px"] * scale))
    a = 255.0 - (255.0 - np.asarray(mirror, dtype=np.float32)) * (SHOW_THROUGH["grey_levels"] / 255.0)
    _specks(a, rng, scale)
    img = Image.fromarray(a.clip(0, 255).round().astype(np.uint8))
    img = img.filter(ImageFilter.GaussianBlur(SCAN["blur_radius_px"] * scale))
    a = _paper(np.asarray(img, dtype=np.float32), rng, scale)
    return Image.fromarray(a.round().clip(0, 255).astype(np.uint8), mode="L")


def pick_angle(rng: np.random.Generator) -> float:
    lo, hi = SCAN["angle_abs_deg"]
    sign = 1.0 if rng.random() < 0.5 else -1.0
    return round(sign * float(rng.uniform(lo, hi)), 2)


def jpeg_bytes(img: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=SCAN["jpeg_quality"], optimize=SCAN["jpeg_optimize"], dpi=(dpi, dpi))
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# A minimal image-only PDF writer (one DCTDecode image per page, nothing re-encoded)
# ---------------------------------------------------------------------------------------------
def write_image_pdf(path: Path, pages: list[tuple[bytes, int, int, int]], title: str) -> None:
    """``pages``: (jpeg bytes, width px, height px, dpi).  Page size = image size at its dpi."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    info = add(b"<< /Producer (baocao tools/make_scans.py) /Title (" + title.encode("ascii") + b") >>")
    kids = []
    for data, w, h, dpi in pages:
        wpt, hpt = w * 72 / dpi, h * 72 / dpi
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, len(data))
                  + data + b"\nendstream")
        content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (wpt, hpt)
        cid = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.4f %.4f] "
                        b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages_id, wpt, hpt, img, cid)))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                          + b"] /Count %d >>" % len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    file_id = hashlib.md5(bytes(out)).hexdigest().encode()
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, catalog, info, file_id, file_id, xref))
    path.write_bytes(bytes(out))


# ---------------------------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------------------------
def make_scan_pdf(sample: str, dpi: int, keep_jpegs: dict | None = None) -> dict:
    name = f"{sample}_scan{dpi}.pdf"
    src = SAMPLES_DIR / f"{sample}_born_digital.pdf"
    pdf = pdfium.PdfDocument(str(src))
    n = len(pdf)
    sideways = SIDEWAYS.get((sample, dpi), [])
    blank_after = BLANK_AFTER.get((sample, dpi), [])
    out_pages, info_pages = [], []
    for p in range(1, n + 1):
        # the same skew at 200 and 300 dpi (a fair comparison of the two); specks and tone differ
        angle = pick_angle(np.random.default_rng(seed_of(sample, p, "angle")))
        rng = np.random.default_rng(seed_of(name, p))
        clean = render(pdf, p, dpi)
        img = degrade(clean, dpi, rng, angle)
        rec = {"page": len(out_pages) + 1, "source_page": p, "angle_deg": angle}
        if rec["page"] in sideways:
            img = img.transpose(Image.ROTATE_270)  # the text turned 90 deg clockwise
            rec["sideways"] = "text turned 90 deg clockwise: turn the image 90 deg counter-clockwise to read it"
        data = jpeg_bytes(img, dpi)
        if keep_jpegs is not None:
            keep_jpegs[p] = data
        out_pages.append((data, img.width, img.height, dpi))
        info_pages.append(rec)
        if p in blank_after:
            brng = np.random.default_rng(seed_of(name, p, "blank"))
            bimg = blank_sheet(clean, dpi, brng)
            out_pages.append((jpeg_bytes(bimg, dpi), bimg.width, bimg.height, dpi))
            info_pages.append({"page": len(out_pages), "source_page": None, "blank": True,
                               "show_through_of_source_page": p})
    pdf.close()
    write_image_pdf(OUT_DIR / name, out_pages, name)
    transforms = {
        "render": {"tool": "pypdfium2", "dpi": dpi, "grayscale": True},
        "skew": "rotate by angle_deg (counter-clockwise positive, PIL), bicubic, white fill, no expand",
        "specks": {k: SCAN[k] for k in ("specks_per_a4_page", "speck_radius_px", "speck_grey")},
        "blur": {"gaussian_radius_px": round(SCAN["blur_radius_px"] * dpi / 200, 3)},
        "paper": {k: SCAN[k] for k in ("paper_grey", "paper_tone_sd", "paper_tone_grid_px", "ink_grey")},
        "jpeg": {"quality": SCAN["jpeg_quality"], "optimize": SCAN["jpeg_optimize"], "mode": "L",
                 "pdf_filter": "DCTDecode", "colorspace": "DeviceGray"},
    }
    if sideways:
        transforms["sideways_pages"] = sideways
    if blank_after:
        transforms["blank_pages"] = [r["page"] for r in info_pages if r.get("blank")]
        transforms["blank_sheet"] = {"show_through": SHOW_THROUGH, "note": "paper, specks, blur like the others"}
    return {
        "file": name, "kind": "image_pdf", "sample": sample, "source": f"samples/{src.name}",
        "golden": f"{sample}_born_digital", "complete": True, "dpi": dpi,
        "seed": f"angle: crc32('{sample}/<page>/angle') (shared by 200 and 300 dpi); specks, tone: "
                f"crc32('{name}/<page>')", "page_count": len(out_pages),
        "transforms": transforms, "pages": info_pages,
    }


def make_image_file(sample: str, fname: str, pages: list[int] | None, dpi: int, fmt: str) -> dict:
    src = SAMPLES_DIR / f"{sample}_born_digital.pdf"
    pdf = pdfium.PdfDocument(str(src))
    pages = pages or list(range(1, len(pdf) + 1))
    imgs, info_pages = [], []
    for i, p in enumerate(pages, 1):
        rng = np.random.default_rng(seed_of(fname, p))
        angle = pick_angle(rng)
        img = degrade(render(pdf, p, dpi), dpi, rng, angle)
        if fmt == "TIFF":
            img = img.point(lambda v: 255 if v >= TIFF_THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)
        imgs.append(img)
        info_pages.append({"page": i, "source_page": p, "angle_deg": angle})
    total = len(pdf)
    pdf.close()
    path = OUT_DIR / fname
    transforms = {"render": {"tool": "pypdfium2", "dpi": dpi, "grayscale": True},
                  "skew_specks_blur_paper": "as the image PDFs",
                  "blur": {"gaussian_radius_px": round(SCAN["blur_radius_px"] * dpi / 200, 3)}}
    if fmt == "PNG":
        imgs[0].save(path, "PNG", optimize=True, dpi=(dpi, dpi))
        transforms["encoding"] = {"format": "PNG", "mode": "L"}
    elif fmt == "JPEG":
        path.write_bytes(jpeg_bytes(imgs[0], dpi))
        transforms["encoding"] = {"format": "JPEG", "mode": "L", "quality": SCAN["jpeg_quality"]}
    else:
        imgs[0].save(path, "TIFF", save_all=True, append_images=imgs[1:], compression="group4",
                     dpi=(dpi, dpi))
        transforms["encoding"] = {"format": "TIFF", "pages": len(imgs), "mode": "1 (bilevel)",
                                  "compression": "CCITT Group 4", "threshold": TIFF_THRESHOLD}
    return {
        "file": fname, "kind": "image", "format": fmt, "sample": sample, "source": f"samples/{src.name}",
        "golden": f"{sample}_born_digital", "complete": len(pages) == total,
        "note": ("all pages of the sample" if len(pages) == total else
                 f"only page(s) {pages} of {total}: the golden record describes the whole document"),
        "dpi": dpi, "seed": f"crc32('{fname}/<page>')", "page_count": len(pages),
        "transforms": transforms, "pages": info_pages,
    }


def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0].strip() if out else "?"


def make_eng_ocr(sample: str, jpegs: dict[int, bytes], scan_entry: dict) -> dict:
    """Tesseract -l eng on each 300-dpi page image (the JPEG bytes of NNN_scan300.pdf), its pdf
    output in text-only mode (the invisible text layer), laid over the same page image made
    bilevel (CCITT G4, 300 dpi, as archive PDFs often are; a grey copy would double the size)."""
    import pytesseract
    from pypdf import PdfReader, PdfWriter

    name = f"{sample}_eng_ocr.pdf"
    env_limit = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    config = "--psm 3 --oem 1 -c textonly_pdf=1"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for p, data in jpegs.items():
                paths[p] = Path(tmp) / f"p{p:02d}.jpg"
                paths[p].write_bytes(data)

            def ocr(p):
                return p, pytesseract.image_to_pdf_or_hocr(str(paths[p]), lang="eng", config=config,
                                                           extension="pdf")

            with ThreadPoolExecutor(max_workers=2) as ex:
                text_pdfs = dict(ex.map(ocr, sorted(paths)))
    finally:
        if env_limit is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = env_limit
    writer = PdfWriter()
    for p in sorted(text_pdfs):
        grey = Image.open(io.BytesIO(jpegs[p]))
        bilevel = grey.point(lambda v: 255 if v >= TIFF_THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)
        buf = io.BytesIO()
        bilevel.save(buf, "PDF", resolution=300)
        page = writer.add_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
        text_page = PdfReader(io.BytesIO(text_pdfs[p])).pages[0]
        assert all(abs(float(a) - float(b)) < 0.5 for a, b in zip(page.mediabox, text_page.mediabox))
        page.merge_page(text_page)
    writer.add_metadata({"/Producer": "baocao tools/make_scans.py (Tesseract text-only pdf pages, pypdf)",
                         "/Title": name})
    if hasattr(writer, "compress_identical_objects"):  # pypdf >= 5
        writer.compress_identical_objects()
    buf = io.BytesIO()
    writer.write(buf)
    (OUT_DIR / name).write_bytes(buf.getvalue())
    return {
        "file": name, "kind": "eng_ocr_pdf", "sample": sample, "source": f"samples/scans/{sample}_scan300.pdf",
        "golden": f"{sample}_born_digital", "complete": True, "dpi": 300, "page_count": len(text_pdfs),
        "transforms": {
            "ocr_input": f"the grey JPEG page images of {sample}_scan300.pdf, byte for byte (angles there)",
            "ocr": {"tool": tesseract_version(), "lang": "eng", "config": config, "OMP_THREAD_LIMIT": 1,
                    "output": "pdf, text only: Tesseract's invisible text layer (render mode 3, GlyphLessFont)",
                    "call": "pytesseract.image_to_pdf_or_hocr(jpeg_path, lang='eng', config=..., extension='pdf')"},
            "page_image": {"from": "the same grey page image", "threshold": TIFF_THRESHOLD,
                           "mode": "1 (bilevel)", "dpi": 300, "pdf_filter": "CCITTFaxDecode (G4), Pillow",
                           "why": "a grey copy of the 300-dpi images would push samples/scans/ past 40 MB"},
            "merge": "pypdf: image page, then the text page merged over it (merge_page), pages appended",
        },
        "pages": [{"page": r["page"], "source_page": r["source_page"], "angle_deg": r["angle_deg"]}
                  for r in scan_entry["pages"]],
    }


# ---------------------------------------------------------------------------------------------
# Stripped texts and page truth
# ---------------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Vietnamese letters to their base ASCII letter (as unidecode does), đ/Đ -> d/D; any other
    character (punctuation, quotes, dashes, markup, whitespace) is kept as it is."""
    out = []
    for ch in text:
        if ch == "đ":
            out.append("d")
        elif ch == "Đ":
            out.append("D")
        elif ord(ch) < 128:
            out.append(ch)
        elif unicodedata.combining(ch):
            if not (out and out[-1].isascii() and out[-1].isalpha()):
                out.append(ch)
        else:
            d = unicodedata.normalize("NFD", ch)
            if d[0].isascii() and d[0].isalpha() and all(unicodedata.combining(c) for c in d[1:]):
                out.append(d[0])
            else:
                out.append(ch)
    return "".join(out)


def make_stripped(sample: str) -> dict:
    src = SAMPLES_DIR / f"{sample}_text.txt"
    raw = src.read_bytes().decode("utf-8")
    folded = fold(raw)
    name = f"{sample}_stripped.txt"
    (OUT_DIR / name).write_bytes(folded.encode("utf-8"))
    changed = sum(1 for a, b in zip(raw, folded) if a != b)
    assert len(raw) == len(folded)
    left = sorted({c for c in folded if ord(c) > 127})
    return {
        "file": name, "kind": "stripped_text", "sample": sample, "source": f"samples/{src.name}",
        "golden": f"{sample}_text", "complete": True,
        "transforms": {"fold": "each Vietnamese letter to its ASCII base letter (NFD, combining marks dropped), "
                               "đ->d, Đ->D; every other character kept byte for byte (same line breaks)",
                       "chars_changed": changed, "non_ascii_left": "".join(left)},
    }


def page_kind(page, page_no: int) -> tuple[str, float]:
    area = page.width * page.height
    share = sum((t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]) for t in page.find_tables()) / area
    if page_no == 1:
        return "header", share
    return ("table" if share > TABLE_PAGE_SHARE else "prose"), share


def make_truth(sample: str) -> list[dict]:
    TRUTH_DIR.mkdir(parents=True, exist_ok=True)
    pages = []
    with pdfplumber.open(SAMPLES_DIR / f"{sample}_born_digital.pdf") as pdf:
        for i, page in enumerate(pdf.pages, 1):
            text = page.extract_text() or ""
            kind, share = page_kind(page, i)
            fname = f"{sample}_p{i:02d}.truth"  # not .txt: a folder walk must not take it for a document
            (TRUTH_DIR / fname).write_bytes(text.encode("utf-8"))
            pages.append({"page": i, "file": f"truth/{fname}", "kind": kind,
                          "table_share": round(share, 3), "chars": len(text)})
            page.close()
    return pages


# ---------------------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-ocr", action="store_true",
                    help="do not rerun Tesseract: keep the NNN_eng_ocr.pdf files and their manifest entries")
    args = ap.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    old = {}
    if (OUT_DIR / "manifest.json").exists():
        old = {f["file"]: f for f in json.loads((OUT_DIR / "manifest.json").read_text())["files"]}

    files, truth = [], {}
    jobs = [(s, d) for s in PDF_SAMPLES for d in DPIS]
    kept: dict[str, dict] = {s: {} for s in ENG_OCR_SAMPLES}

    def scan_job(job):
        s, d = job
        keep = kept[s] if (d == 300 and s in ENG_OCR_SAMPLES) else None
        return make_scan_pdf(s, d, keep)

    with ThreadPoolExecutor(max_workers=2) as ex:
        scans = list(ex.map(scan_job, jobs))
        images = list(ex.map(lambda a: make_image_file(*a), IMAGES))
    files += scans + images
    for e in scans + images:
        print(f"{e['file']}: {e['page_count']} pages")

    for s in ENG_OCR_SAMPLES:
        if args.no_ocr and f"{s}_eng_ocr.pdf" in old and (OUT_DIR / f"{s}_eng_ocr.pdf").exists():
            files.append(old[f"{s}_eng_ocr.pdf"])
            continue
        entry = next(e for e in scans if e["file"] == f"{s}_scan300.pdf")
        files.append(make_eng_ocr(s, kept[s], entry))
        print(f"{s}_eng_ocr.pdf: {files[-1]['page_count']} pages")
    for s in PDF_SAMPLES:
        files.append(make_stripped(s))
        truth[s] = make_truth(s)
    for e in files:
        e["size_bytes"] = (OUT_DIR / e["file"]).stat().st_size

    import PIL
    manifest = {
        "generator": "tools/make_scans.py",
        "regenerate": ".venv/bin/python tools/make_scans.py",
        "versions": {"pypdfium2": pdfium.PYPDFIUM_INFO.version if hasattr(pdfium, "PYPDFIUM_INFO") else "?",
                     "pdfium": str(getattr(pdfium, "PDFIUM_INFO", "?")),
                     "Pillow": PIL.__version__, "numpy": np.__version__,
                     "pdfplumber": pdfplumber.__version__, "tesseract": tesseract_version()},
        "page_kinds": {"header": "page 1",
                       "table": f"ruled tables (pdfplumber find_tables) cover > {TABLE_PAGE_SHARE:.0%} of the page",
                       "prose": "any other page"},
        "truth": {s: {"source": f"samples/{s}_born_digital.pdf", "how": "pdfplumber page.extract_text()",
                      "pages": truth[s]} for s in PDF_SAMPLES},
        "files": files,
        "total_bytes": sum(e["size_bytes"] for e in files)
                       + sum((TRUTH_DIR / p["file"].split("/")[1]).stat().st_size
                             for s in truth for p in truth[s]),
    }
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    print(f"total {manifest['total_bytes'] / 1e6:.1f} MB in {OUT_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
