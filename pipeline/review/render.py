"""Page images for the review, rendered once and cached.

A page is drawn the way its boxes were measured: a text-layer PDF page as PDFium renders it (boxes are
in the page's points); an OCR'd page (scanned PDF, PNG/JPEG/TIFF) the way OCR saw it — rendered or
resampled to the OCR resolution and passed through the same preparation (`ocr_prepare.prepare`:
orientation, deskew), since Tesseract's boxes are in that prepared image. The image is then stored at
DISPLAY_DPI as a 16-colour PNG (a text page: ~85 KB; the page is line art, JPEG is 3x larger).

Cache: `<report>/pages/<sha256[:16]>/p<N>-<key>.png` with the page sizes in `pages.json` beside them,
and a shared copy under `$BAOCAO_CACHE/review` (default ~/.cache/baocao/review), keyed by the input's
SHA-256, the page, its mode and the render settings: a page is rendered once, whatever the report.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from pipeline.files import write_atomic
from pipeline.sources.ocr import POINTS_PER_INCH

DISPLAY_DPI = 120  # 993 x 1404 px for A4: sharp at the page width a browser panel gives it
COLORS = 16  # text pages are line art; 16 colours keep grey anti-aliasing and a red seal
RENDER_VERSION = "2"  # bump when the rendering changes: old cache entries are then not used


@dataclass
class PageImage:
    number: int
    path: Optional[str]  # relative to the report folder; None: not rendered (the reason says why)
    width: float  # points: the box coordinate space
    height: float
    reason: str = ""


def shared_cache() -> Path:
    return Path(os.environ.get("BAOCAO_CACHE", Path.home() / ".cache" / "baocao")) / "review"


def _key(sha: str, number: int, mode: str) -> str:
    from pipeline.sources.ocr import OcrSettings

    s = f"{RENDER_VERSION}|{sha}|{number}|{mode}|{DISPLAY_DPI}|{COLORS}|{OcrSettings().dpi}"
    return hashlib.sha256(s.encode()).hexdigest()[:12]


_GREY16 = [v * 16 // 256 for v in range(256)]  # grey level → one of 16 palette entries
_GREY16_PALETTE = [round(i * 255 / 15) for i in range(16) for _ in range(3)]


def _png(image) -> bytes:
    """A 16-colour PNG: greyscale by a lookup table (scans), colour by PIL's fast octree."""
    from PIL import Image

    if image.mode == "L":
        q = Image.frombytes("P", image.size, image.point(_GREY16).tobytes())
        q.putpalette(_GREY16_PALETTE)
    else:
        q = image.convert("RGB").quantize(COLORS, method=Image.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    q.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def _to_display(image, dpi: float):
    from PIL import Image

    f = DISPLAY_DPI / dpi
    if abs(f - 1) < 0.02:
        return image
    return image.resize((max(1, round(image.width * f)), max(1, round(image.height * f))), Image.Resampling.LANCZOS)


class PageRenderer:
    """Renders the pages of one input file into the report's page folder (I/O at the edge)."""

    def __init__(self, report_dir: Path, data: bytes, sha: str, media_type: str, modes: list[str],
                 use_shared_cache: bool = True, reasons: Optional[list[str]] = None):
        self.report_dir = Path(report_dir)
        self.data, self.sha, self.media_type, self.modes = data, sha, media_type, modes
        self.reasons = reasons or []  # page_mode_reasons: how an OCR'd page was turned
        self.folder = self.report_dir / "pages" / sha[:16]
        self.meta_path = self.folder / "pages.json"
        self.shared = shared_cache() if use_shared_cache else None
        self.rendered = 0  # pages actually drawn in this run (the rest came from a cache)
        try:
            self.meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.meta = {}
        self._pdf = None
        self._frames = None

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        write_atomic(self.meta_path, json.dumps(self.meta, indent=1))

    def page(self, number: int) -> PageImage:
        mode = self.modes[number - 1] if 0 < number <= len(self.modes) else "text-layer"
        key = _key(self.sha, number, mode)
        name = f"p{number:04d}-{key}.png"
        target = self.folder / name
        rel = target.relative_to(self.report_dir).as_posix()
        m = self.meta.get(name)
        if m and target.exists():
            return PageImage(number, rel, m["width"], m["height"])
        shared = self.shared / key[:2] / name if self.shared else None
        shared_meta = shared.with_suffix(".json") if shared else None
        if shared and shared.exists() and shared_meta.exists():
            try:
                m = json.loads(shared_meta.read_text(encoding="utf-8"))
                self.folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shared, target)
                self.meta[name] = m
                return PageImage(number, rel, m["width"], m["height"])
            except (OSError, ValueError, KeyError):
                pass
        png, width, height = self._draw(number, mode)
        self.rendered += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, png)
        m = {"width": round(width, 2), "height": round(height, 2)}
        self.meta[name] = m
        if shared:
            try:
                shared.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(shared, png)
                write_atomic(shared_meta, json.dumps(m).encode())
            except OSError:
                pass  # no shared cache is no error
        return PageImage(number, rel, m["width"], m["height"])

    def _reason(self, number: int) -> str:
        return self.reasons[number - 1] if 0 < number <= len(self.reasons) else ""

    def _draw(self, number: int, mode: str) -> tuple[bytes, float, float]:
        if self.media_type == "application/pdf":
            import pypdfium2 as pdfium

            from pipeline.sources.ocr import OcrSettings, image_as_read

            if self._pdf is None:
                self._pdf = pdfium.PdfDocument(self.data)
            page = self._pdf[number - 1]
            try:
                if mode == "ocr":  # as sources/ocr.py _ocr_pdf_page renders it for Tesseract
                    dpi = OcrSettings().dpi
                    img, dpi = image_as_read(page.render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_pil(), dpi,
                                             self._reason(number))
                    w, h = img.width * POINTS_PER_INCH / dpi, img.height * POINTS_PER_INCH / dpi
                else:
                    w, h = page.get_size()
                    img = page.render(scale=DISPLAY_DPI / POINTS_PER_INCH).to_pil()
                    dpi = DISPLAY_DPI
            finally:
                page.close()
            return _png(_to_display(img, dpi)), w, h
        from PIL import Image, ImageSequence

        from pipeline.sources.ocr import image_as_read, image_dpi

        if self._frames is None:
            self._frames = [f.copy() for f in ImageSequence.Iterator(Image.open(io.BytesIO(self.data)))]
        frame = self._frames[number - 1]
        img, dpi = image_as_read(frame, image_dpi(frame), self._reason(number))
        return _png(_to_display(img, dpi)), img.width * POINTS_PER_INCH / dpi, img.height * POINTS_PER_INCH / dpi
