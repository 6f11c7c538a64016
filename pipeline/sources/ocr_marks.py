"""Footnotes in page images: the short rule over the footnote area, and the small raised digits
(footnote markers) that Tesseract reads as part of a word, or misreads ("vị²;" → "vị?;").

Tesseract's words carry no "superscript" flag, so the markers are found in the ink: along each
Tesseract line, a blob that sits well above the line's baseline with no ink under it, about as tall
as a small digit, is a candidate; a digits-only Tesseract read of it decides. What Tesseract made
of it is taken out of the word, and the word gets a marker, as a PDF's superscript gives one.

All work is on the pixels of the prose image (tables painted out) that Tesseract read; boxes stay in
its pixels until ocr.py converts them to points.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from pipeline.sources.ocr_tables import (BRIDGE, H_MIN_RUN, MAX_THICKNESS, _components, components_array, long_runs,
                                         otsu_threshold, rules_from_runs)

# ---- the footnote rule --------------------------------------------------------------------------

MIN_RULE_SHARE = 0.08  # of the page width: a footnote rule is short, …
MAX_RULE_SHARE = 0.5  # … not a full-width rule
RULE_BELOW = 0.35  # of the page height: the footnote area is in the lower part of the page
FOOTNOTE_SIZE_SHARE = 0.9  # footnotes are set smaller than the body: their median size at most this


def footnote_rules(mask: np.ndarray, dpi: float, points_per_pixel: float) -> list[dict]:
    """Short horizontal rules in the lower part of the page, as the rulings dicts (points) that
    `pdf_layout._mark_footnote_area` takes from a PDF: x0, x1, top, bottom."""
    h, w = mask.shape
    lo = int(RULE_BELOW * h)  # only the lower part of the page is searched, for horizontal rules only
    gap = max(1, round(BRIDGE * dpi))
    # each row OR the row above: a thin rule resampled (a 300-dpi bilevel scan read at 200 dpi)
    # straddles two pixel rows, its ink broken every few pixels in each, never in both
    lower = mask[lo:].copy()
    lower[1:] |= mask[lo:-1]
    out = []
    for r in rules_from_runs(*long_runs(lower, round(H_MIN_RUN * dpi), gap), gap,
                             max(3, round(MAX_THICKNESS * dpi))):
        length = r.end - r.start
        if MIN_RULE_SHARE * w < length < MAX_RULE_SHARE * w:
            top = (lo + r.pos - r.thickness / 2) * points_per_pixel
            bottom = (lo + r.pos + r.thickness / 2) * points_per_pixel
            out.append({"x0": r.start * points_per_pixel, "x1": r.end * points_per_pixel,
                        "top": top, "bottom": min(bottom, top + 1.5)})
    return out


# ---- raised markers -----------------------------------------------------------------------------

RAISED_BY = 0.3  # × x-height: a marker's foot is at least this far above the baseline
MIN_HEIGHT = 0.6  # × x-height: a marker digit is taller than a quote mark or most diacritics …
MAX_HEIGHT = 1.3  # … and shorter than a full-size digit or capital
MAX_INK_UNDER = 0.04  # share of the column under the blob (to the baseline) that may hold ink
GROUP_GAP = 0.5  # × x-height: blobs this close are one marker ("12")
MAX_CANDIDATES = 24  # per page: more raised blobs than this are not footnote markers
MARKER_RE = re.compile(r"""
    ^ \d{1,3} $          # one to three digits, nothing else
""", re.VERBOSE)
# what Tesseract makes of a small raised digit glued to a word: the digit itself, or one of these
MISREADS = set("?!'\"°²³¹⁰⁴⁵⁶⁷⁸⁹*^`’‘”“")
LEADING_SPECKS = set(".,:;")  # a marker that opens a line, read as "." or ":" (no word starts with one)
TRAILING_PUNCT = re.compile(r"""
    [.,;:)\]»]* $        # punctuation on the baseline that follows a marker ("vị²;")
""", re.VERBOSE)


@dataclass
class RaisedMark:
    label: str  # the digits read
    box: tuple[float, float, float, float]  # pixels of the prose image
    word: int  # index into Tesseract's data of the word it belongs to
    at_start: bool  # the marker opens the word (a footnote body's first word)


def _line_metrics(comps: list[tuple[int, int, int, int, int]]):
    """(baseline as a function of x, x-height) of a line from its blobs: most letters stand on the
    baseline, which may lean a little (a scan's residual skew), so it is a robust straight-line fit
    of their feet; the short ones among them (a, c, e, m, n, …) are x-height tall. Diacritics and
    dots are left out by size."""
    if len(comps) < 4:
        return None
    areas = sorted(c[0] for c in comps)
    big = [c for c in comps if c[0] >= 0.3 * areas[len(areas) // 2]]
    if len(big) < 3:
        return None
    x = np.array([(c[1] + c[3]) / 2 for c in big], dtype=float)
    y = np.array([c[4] for c in big], dtype=float)
    heights = sorted(c[4] - c[2] for c in big)
    tol = max(2.0, 0.12 * heights[len(heights) // 2])
    keep = np.abs(y - np.median(y)) <= 3 * tol
    for _ in range(3):  # refit without the feet far off the line (descenders p, g, y; raised marks)
        if keep.sum() < 3 or np.ptp(x[keep]) == 0:
            slope, icpt = 0.0, float(np.median(y[keep] if keep.any() else y))
        else:
            slope, icpt = np.polyfit(x[keep], y[keep], 1)
        keep = np.abs(y - (icpt + slope * x)) <= tol
    on_base = sorted(c[4] - c[2] for c, k in zip(big, keep) if k)
    if not on_base:
        return None
    return (lambda at: float(icpt + slope * at)), float(on_base[len(on_base) // 4])


def raised_blobs(mask: np.ndarray, rows: Optional[tuple[int, int]] = None,
                 blobs: Optional[list[tuple[int, int, int, int, int]]] = None) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1; x1, y1 exclusive) of groups of blobs in a line crop that sit above its
    baseline with nothing under them: the shape of a superscript digit (pure; testable on arrays).
    `rows`: the line's own rows in the crop (blobs centred outside belong to the lines around it);
    `blobs`: the crop's blobs when the caller labelled the whole page already (crop coordinates)."""
    lo, hi = rows if rows else (0, mask.shape[0])
    comps = [c for c in (blobs if blobs is not None else _components(mask)) if lo <= (c[2] + c[4]) / 2 <= hi]
    metrics = _line_metrics(comps)
    if metrics is None:
        return []
    baseline, xh = metrics
    if xh < 4:
        return []
    found = []
    for area, x0, y0, x1, y1 in comps:
        height = y1 - y0
        base = baseline((x0 + x1) / 2)
        if y1 > base - RAISED_BY * xh or not MIN_HEIGHT * xh <= height <= MAX_HEIGHT * xh:
            continue
        if y1 < base - 1.6 * xh:
            continue  # a superscript's foot is about an x-height above the baseline, not higher
        under = mask[y1:int(base), x0:x1]
        if under.size and under.sum() > MAX_INK_UNDER * under.size:
            continue  # a diacritic or an i's dot: its letter is under it
        found.append((x0, y0, x1, y1))
    found.sort()
    groups: list[list[int]] = []
    for b in found:
        if groups and b[0] - groups[-1][2] <= GROUP_GAP * xh and abs(b[3] - groups[-1][3]) <= 0.3 * xh:
            g = groups[-1]
            groups[-1] = [g[0], min(g[1], b[1]), max(g[2], b[2]), max(g[3], b[3])]
        else:
            groups.append(list(b))
    return [tuple(g) for g in groups]


def _tesseract_lines(data: dict) -> dict[tuple[int, int, int], list[int]]:
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if (text or "").strip() and float(data["conf"][i]) >= 0:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    return lines


def find_raised_marks(gray: np.ndarray, data: dict, read_digits: Callable[[np.ndarray], Optional[str]],
                      mask: Optional[np.ndarray] = None) -> list[RaisedMark]:
    """The footnote markers of a page: raised blobs along Tesseract's lines that `read_digits` (a
    digits-only OCR of a grey crop) reads as 1–3 digits, each tied to the word it belongs to.
    `mask`: the page's ink (by default the grey image under its Otsu threshold)."""
    if mask is None:
        mask = gray < otsu_threshold(gray)
    marks: list[RaisedMark] = []
    candidates = 0
    page_blobs = components_array(mask)  # labelled once for the page
    for idx in _tesseract_lines(data).values():
        x0 = min(data["left"][i] for i in idx)
        y0 = min(data["top"][i] for i in idx)
        x1 = max(data["left"][i] + data["width"][i] for i in idx)
        y1 = max(data["top"][i] + data["height"][i] for i in idx)
        pad = max(2, (y1 - y0) // 6)
        ya, yb = max(0, y0 - pad), min(mask.shape[0], y1 + pad)
        xa, xb = max(0, x0 - pad), min(mask.shape[1], x1 + 2 * pad)
        inside = page_blobs[(page_blobs[:, 1] >= xa) & (page_blobs[:, 3] <= xb) & (page_blobs[:, 2] >= ya)
                            & (page_blobs[:, 4] <= yb)]
        blobs = [(int(a), int(b) - xa, int(c) - ya, int(d) - xa, int(e) - ya) for a, b, c, d, e in inside]
        for bx0, by0, bx1, by1 in raised_blobs(mask[ya:yb, xa:xb], (y0 - ya, y1 - ya), blobs):
            candidates += 1
            if candidates > MAX_CANDIDATES:
                return []
            box = (bx0 + xa, by0 + ya, bx1 + xa, by1 + ya)
            m = max(2, (by1 - by0) // 3)
            crop = gray[max(0, box[1] - m):box[3] + m, max(0, box[0] - m):box[2] + m]
            label = read_digits(crop)
            if not label or not MARKER_RE.match(label):
                continue
            word, at_start = _owner(data, idx, box)
            marks.append(RaisedMark(label=label, box=box, word=word, at_start=at_start))
    return marks


def _owner(data: dict, idx: list[int], box) -> tuple[int, bool]:
    """The word a marker belongs to: the one whose box holds most of it, else the nearest word
    before it, else (a line that opens with the marker) the first word after it."""
    def overlap(i):
        a, b = data["left"][i], data["left"][i] + data["width"][i]
        return min(b, box[2]) - max(a, box[0])

    best = max(idx, key=overlap)
    if overlap(best) > 0:
        left = data["left"][best]
        return best, box[0] - left <= 0.25 * (box[2] - box[0]) + 1
    before = [i for i in idx if data["left"][i] + data["width"][i] <= box[0]]
    if before:
        return max(before, key=lambda i: data["left"][i]), False
    return min(idx, key=lambda i: data["left"][i]), True


def strip_marker_reading(text: str, label: str, at_start: bool) -> tuple[str, int]:
    """The word without what Tesseract read of its marker, and where the marker goes in it
    (offset into the cleaned word). Symbols are taken as misreads; digits only when they are the
    marker's own ("20192" with marker 2 → "2019"; "2019" stays when Tesseract left the marker out)."""
    if at_start:
        i = 0
        if text.startswith(label):
            i = len(label)
        while i < len(text) and (text[i] in MISREADS or text[i] in LEADING_SPECKS):
            i += 1
        return text[i:].lstrip(), 0
    tail = TRAILING_PUNCT.search(text)
    core, punct = text[:tail.start()], text[tail.start():]
    if core.endswith(label) and len(core) > len(label):
        core = core[:-len(label)]
    else:
        while core and core[-1] in MISREADS:
            core = core[:-1]
    if not core:  # the whole word was the marker (and perhaps a misread of a following ';')
        return "", 0
    return core + punct, len(core)


def digits_reader(ocr_config: Callable, lang: str) -> Callable[[np.ndarray], Optional[str]]:
    """A read_digits for find_raised_marks: digits, the crop enlarged to ~40 px (Tesseract reads
    digits best 30–40 px tall; psm 8 and 13 lost lone "1"s and read "2" as "7" on the scans)."""
    from pipeline.sources.ocr_tables import whitelist_reader

    return whitelist_reader(ocr_config, lang, "0123456789", min_height=40.0)




@dataclass
class PageMarks:
    """What page_from_image needs of this module: the markers, and the footnote area to mark."""

    marks: list[RaisedMark]
    rules: list[dict]  # short rules in the lower part of the page (points)

    def mark_footnote_area(self, lines, width: float, height: float) -> None:
        """Lines under the footnote rule in smaller type get role "footnote", as on a PDF page. OCR'd
        type sizes are noisy, so the test is on medians (a PDF's test is on every line)."""
        if not self.rules:
            return
        rule_top = max(r["top"] for r in self.rules)
        # by the line's middle: a raised marker lifts the top of a footnote's first line to the rule
        below = [ln for ln in lines if ln.box and (ln.box[1] + ln.box[3]) / 2 > rule_top and ln.cells is None
                 and ln.role == "body" and ln.text.strip()]
        above = [ln.size for ln in lines if ln.box and ln.box[3] <= rule_top and ln.cells is None
                 and ln.role == "body" and ln.text.strip() and ln.size]
        sizes = [ln.size for ln in below if ln.size]
        if not sizes or not above:
            return
        if statistics.median(sizes) <= FOOTNOTE_SIZE_SHARE * statistics.median(above):
            for ln in below:
                ln.role = "footnote"
