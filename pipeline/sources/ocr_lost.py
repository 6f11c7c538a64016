"""Text Tesseract saw but could not read: a run of ink it returned as one long "word" at confidence
0 ("NT" for "- Thường trực Tỉnh ủy;"), which the speck filter would drop. It happens where a line of
small type sits beside a column of large type (the Nơi nhận list beside the signature block): the
page's line finder merges the two and the recogniser gives up on the small one. Each such word's
band, up to the next word Tesseract did read, is read again alone as one line (psm 7); the reading
replaces the lost word only when Tesseract is sure of it this time.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

LOST_BELOW = 10.0  # confidence of a lost word (a speck reads 0–30 too, but is small)
MIN_ASPECT = 2.5  # a lost word is a run of letters: this many times wider than tall …
MIN_HEIGHT = 0.06  # … and at least this tall, in inches (a rule's "—" or "NI" of 7 px is no line)
MIN_CONFIDENCE = 75.0  # mean confidence the re-read needs to be taken
MAX_REREADS = 6  # per page: more lost words than this are a picture or a seal, not text
PAD = 0.25  # × the word's height, above and below the band


def lost_words(data: dict, dpi: float) -> list[int]:
    """Indices of the words Tesseract returned unread: long runs at confidence ~0 (pure)."""
    out = []
    for i, text in enumerate(data["text"]):
        if not (text or "").strip() or not 0 <= float(data["conf"][i]) < LOST_BELOW:
            continue
        w, h = data["width"][i], data["height"][i]
        if h >= MIN_HEIGHT * dpi and w >= MIN_ASPECT * h:
            out.append(i)
    return out


def _band(data: dict, i: int, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The lost word's band: from its left edge to the next word read on its line (or the page's
    right edge), its height padded."""
    key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
    x0, y0, h = data["left"][i], data["top"][i], data["height"][i]
    right = shape[1]
    for j, text in enumerate(data["text"]):
        if j != i and (text or "").strip() and (data["block_num"][j], data["par_num"][j], data["line_num"][j]) == key \
                and data["left"][j] > x0 and float(data["conf"][j]) >= LOST_BELOW:
            right = min(right, data["left"][j])
    pad = max(2, round(PAD * h))
    return max(0, x0 - pad), max(0, y0 - pad), max(x0 + 1, right - 2 * pad), min(shape[0], y0 + h + pad)


def reread_lost_words(gray: np.ndarray, data: dict, dpi: float,
                      read_line: Callable[[np.ndarray], Optional[tuple[str, float, tuple[int, int]]]]) -> dict:
    """A copy of Tesseract's data with its lost words read again (`read_line`: OCR of a grey crop as
    one line → (text, mean confidence, (left, right) of the words in the crop) or None). A re-read
    keeps the lost word's place in its line; what Tesseract first returned stays under "raw_text"."""
    lost = lost_words(data, dpi)
    if not lost or len(lost) > MAX_REREADS:
        return data
    out = {k: list(v) for k, v in data.items() if k != "_lines"}
    out.setdefault("raw_text", list(out["text"]))
    done: list[tuple[int, int, int, int]] = []
    for i in lost:
        x0, y0, x1, y1 = _band(data, i, gray.shape)
        if any(y0 < b[3] and b[1] < y1 and x0 < b[2] and b[0] < x1 for b in done):
            continue  # the band overlaps one read already
        got = read_line(gray[y0:y1, x0:x1])
        if not got:
            continue
        text, conf, (a, b) = got
        if conf < MIN_CONFIDENCE or not any(c.isalpha() for c in text):
            continue
        out["text"][i], out["conf"][i] = text, conf
        # the box of the ink read, not of the band: a wide gap to the next column must stay one
        out["left"][i], out["top"][i], out["width"][i], out["height"][i] = x0 + a, y0, max(1, b - a), y1 - y0
        done.append((x0, y0, x1, y1))
    return out


def line_reader(ocr_config: Callable, lang: str) -> Callable[[np.ndarray], Optional[tuple[str, float, tuple[int, int]]]]:
    """A read_line for reread_lost_words: the crop as one line of text (psm 7, ocr_tables.line_words).
    `ocr_config(image, lang, config)` gives Tesseract's data dict (cached)."""
    from pipeline.sources.ocr_tables import line_words

    def read(crop: np.ndarray) -> Optional[tuple[str, float, tuple[int, int]]]:
        words = line_words(crop, ocr_config, lang, "--psm 7 --oem 1 -c preserve_interword_spaces=1")
        if not words:
            return None
        extent = (max(0, round(min(w[2] for w in words))), min(crop.shape[1], round(max(w[3] for w in words))))
        return " ".join(w[0] for w in words), sum(w[1] for w in words) / len(words), extent

    return read
