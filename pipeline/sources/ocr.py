"""Page images → pages of lines through Tesseract 5 (`vie`, LSTM), word boxes and confidences kept.

Tesseract's own structure gives the lines (block, paragraph, line numbers); boxes are converted from
pixels to PDF points (72 per inch) so that sizes and gaps mean what they mean for a born-digital page
and the layout downstream cannot tell the difference. Small raised digits become footnote markers.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Optional

from extractors.textnorm import collapse, nfc
from pipeline.document import Line, Marker, Page

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class OcrSettings:
    lang: str = "vie"
    psm: int = 3  # fully automatic page segmentation: columns and blocks found by Tesseract
    oem: int = 1  # LSTM engine only
    dpi: int = 200  # page images are rendered (or resampled) to this resolution
    timeout: float = 180.0  # seconds one page may take before Tesseract is stopped

    @property
    def config(self) -> str:
        return f"--psm {self.psm} --oem {self.oem} -c preserve_interword_spaces=1"


class OcrError(Exception):
    """Tesseract failed or timed out on one page; the message names the page."""


def tesseract_version() -> Optional[str]:
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:  # tesseract missing: the caller reports it
        return None


@dataclass
class _OcrWord:
    text: str
    box: tuple[float, float, float, float]  # points
    conf: float
    key: tuple[int, int, int]  # block, paragraph, line


def words_from_tesseract(data: dict, scale: float) -> list[_OcrWord]:
    """Tesseract's image_to_data dict → words with boxes in points (pure; testable on a dict)."""
    out = []
    for i, text in enumerate(data["text"]):
        text = nfc(text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x, y, w, h = (data[k][i] * scale for k in ("left", "top", "width", "height"))
        out.append(_OcrWord(text, (x, y, x + w, y + h), conf,
                            (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return out


def lines_from_words(words: list[_OcrWord], number: int) -> list[Line]:
    """One Line per Tesseract line; a paragraph or block change is a paragraph break."""
    groups: dict[tuple[int, int, int], list[_OcrWord]] = {}
    for w in words:
        groups.setdefault(w.key, []).append(w)
    lines: list[Line] = []
    prev_par = None
    for key in sorted(groups, key=lambda k: (min(w.box[1] for w in groups[k]), k)):
        ws = sorted(groups[key], key=lambda w: w.box[0])
        heights = [w.box[3] - w.box[1] for w in ws]
        line_h = statistics.median(heights)
        base = statistics.median(w.box[3] for w in ws)
        text, markers = "", []
        for w in ws:
            h = w.box[3] - w.box[1]
            raised = w.box[3] < base - 0.25 * line_h
            if w.text.isdigit() and len(w.text) <= 3 and h < 0.7 * line_h and raised and text:
                markers.append(Marker(label=w.text, offset=len(text), box=w.box))
                continue
            text = f"{text} {w.text}" if text else w.text
        box = (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws),
               max(w.box[3] for w in ws))
        par = key[:2]
        # cap height plus marks ≈ 0.8 of the type size in points
        lines.append(Line(text=collapse(text), page=number, box=box, size=round(line_h / 0.8, 1),
                          markers=markers, confidence=round(statistics.mean(w.conf for w in ws), 1),
                          break_before=par != prev_par, raw=" ".join(w.text for w in ws)))
        prev_par = par
    return lines


def ocr_image(image, number: int, settings: OcrSettings = OcrSettings(), image_dpi: Optional[float] = None) -> Page:
    """OCR one page image (PIL) into a Page of lines in points. Raises OcrError naming the page."""
    import pytesseract

    img = image.convert("L")
    dpi = image_dpi or (image.info.get("dpi", (settings.dpi,))[0] or settings.dpi)
    if abs(dpi - settings.dpi) > 5:
        f = settings.dpi / dpi
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))))
        dpi = settings.dpi
    try:
        data = pytesseract.image_to_data(img, lang=settings.lang, config=settings.config,
                                         output_type=pytesseract.Output.DICT, timeout=settings.timeout)
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
        raise OcrError(f"page {number}: Tesseract stopped after {settings.timeout:.0f} s ({exc})") from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"page {number}: Tesseract failed ({exc.message or exc})") from exc
    scale = POINTS_PER_INCH / dpi
    words = words_from_tesseract(data, scale)
    lines = lines_from_words(words, number)
    conf = round(statistics.mean(w.conf for w in words), 1) if words else None
    return Page(number=number, lines=lines, mode="ocr", width=img.width * scale, height=img.height * scale,
                confidence=conf)
