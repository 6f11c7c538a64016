"""Ruled tables in page images: the grid found in the pixels, each cell read on its own.

Tesseract on a whole table page reads column block by column block and loses columns of narrow
8 pt tables. Here the ruling lines are found in the (grayscale) page image instead, the lattice of
cells is built from them as pdfplumber builds it from a born-digital page's drawn lines, and every
cell is read separately; the rows come out exactly like the PDF sources' (`pdf_layout._rows_to_lines`):
one `Line` per distinct cell top, role "table", a `table_id` per table, `cells` with one slot per
distinct cell left edge of the table, `Cell(None)` (no box) where a merged cell spans, an empty
cell `Cell(None, box)`; boxes in PDF points (pixels × 72 / dpi).

Steps, all numpy / PIL (no OpenCV, no SciPy):

1. dark pixels: below Otsu's threshold of the page;
2. skew: the slope that lines up the horizontal dark runs (≥ 0.15 in) best, by a shear projection;
   the image is turned upright when it leans more than 0.02° (the page OCR keeps its own frame: boxes
   are mapped back, their centres turned, their sizes kept);
3. rules: horizontal runs ≥ 0.25 in (vertical ≥ 0.16 in) after bridging breaks of a few pixels,
   chained row to row into rules (a morphological opening with a long thin kernel, as run lengths);
4. lattice: pdfplumber's finder on those rules (pdfium.py's copy: snap, join, intersections, the
   smallest cell at each top-left corner, tables of cells sharing corners, rows); a cell whose inner
   separator is missing spans the grid cells it covers, like a merged cell of a born-digital table;
5. cells: the rules are painted out, each cell's inside (a margin off its rules) is cropped, lone
   specks dropped, trimmed to its ink and upscaled; all cells of a table are stacked into one tall
   image with blank bands between them and read with one Tesseract call (`psm 6`), each word going
   back to the cell whose band holds it. One call per table, not per cell: Tesseract spends ~0.45 s
   loading the `vie` model on every call, and a 14-column table has 200+ cells.

Not done: superscript footnote markers inside cells are read as ordinary characters (or lost), never
as `Marker`s; cell boldness is a stroke-width estimate (bold strokes are thicker than the table's
usual stroke); tables without rules are left to the page OCR.
"""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from extractors.textnorm import collapse, nfc
from pipeline.document import Cell, Line

POINTS_PER_INCH = 72.0

# lengths in inches (× dpi → pixels)
SKEW_MIN_RUN = 0.15  # horizontal dark runs used to measure the skew
H_MIN_RUN = 0.25  # a horizontal rule is at least this long (text has no such runs)
V_MIN_RUN = 0.16  # a vertical rule: the lowest table row is taller than this
BRIDGE = 0.012  # breaks in a rule (blur, JPEG, a light speck) up to this are bridged
MAX_THICKNESS = 0.045  # a band thicker than this is a filled area, not a rule
SNAP = 0.02  # rules closer than this (across) are one position
JOIN = 0.03  # pieces of one rule closer than this (along) are one rule
INTERSECT = 0.03  # a rule ending this close to another meets it
CELL_MARGIN = 0.01  # kept off the rules inside a cell (beyond half the rule's thickness)
MIN_SKEW_DEG = 0.02  # leaning less than this: not turned
MAX_SKEW_DEG = 4.0

UPSCALE_BELOW_DPI = 300  # cell crops of lower resolution are enlarged to about this
BLUR = 0.8  # Gaussian radius (pixels of a 300-dpi crop) applied to each cell crop
BAND_GAP = 0.12  # blank space between two cells in the stacked image
MAX_STACK = 9000  # pixels: a taller stack is split (Tesseract's limits, and its line finder)


# ---- pixels ---------------------------------------------------------------------------------------
def otsu_threshold(gray: np.ndarray) -> float:
    """Otsu's threshold between two grey levels: `gray < t` is the ink (ocr_prepare's, the same cut)."""
    from pipeline.sources.ocr_prepare import otsu_threshold as otsu_level

    return float(otsu_level(gray)) + 0.5


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal runs of True in a 2-D bool array: (row, start, end) arrays, end exclusive,
    in row-major order."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    # one pass: in each row the changes alternate, a run's start (+1) then its end (-1)
    rows, cols = np.nonzero(d)
    return rows[0::2], cols[0::2], cols[1::2]


def bridge(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, gap: int):
    """Runs of one row separated by at most `gap` pixels joined."""
    if len(rows) == 0:
        return rows, starts, ends
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (starts[1:] - ends[:-1] > gap)
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(rows) - 1]
    return rows[first], starts[first], ends[last]


def long_runs(mask: np.ndarray, min_len: int, gap: int):
    r, s, e = bridge(*runs(mask), gap)
    keep = e - s >= min_len
    return r[keep], s[keep], e[keep]


def estimate_skew(mask: np.ndarray, dpi: float) -> Optional[float]:
    """Degrees the horizontal rules lean (PIL's sense: turning the image by this makes them level),
    or None when the page has too few long horizontal runs to tell."""
    r, s, e = long_runs(mask, max(8, round(SKEW_MIN_RUN * dpi)), max(1, round(BRIDGE * dpi)))
    if (e - s).sum() < 2 * mask.shape[1]:
        return None
    # each run as pieces of one chunk's length: a long level rule weighs by its length at one angle only
    chunk = max(8, round(SKEW_MIN_RUN * dpi))
    n = np.maximum(1, (e - s) // chunk)
    idx = np.repeat(np.arange(len(r)), n)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)
    xm = s[idx] + (k + 0.5) * chunk
    y = r[idx].astype(np.float64)
    length = np.full(len(idx), float(chunk))

    def score(t: float) -> float:
        b = np.round(y - xm * t).astype(np.int64)
        b -= b.min()
        hist = np.bincount(b, weights=length)
        return float((hist * hist).sum())

    best = 0.0
    for step, span in ((0.1, MAX_SKEW_DEG), (0.01, 0.1), (0.002, 0.01)):
        centre = best
        cands = np.arange(centre - span, centre + span + step / 2, step)
        best = float(max(cands, key=lambda a: score(math.tan(math.radians(a)))))
    return best


# ---- rules ----------------------------------------------------------------------------------------
@dataclass
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one (pixels, centre of its thickness)
    start: float
    end: float
    thickness: int


def rules_from_runs(rows, starts, ends, gap: int, max_thickness: int) -> list[Rule]:
    """Runs on consecutive rows that overlap make one rule (its position the runs' weighted mean)."""
    active: list[dict] = []
    done: list[dict] = []
    for r, s, e in zip(rows.tolist(), starts.tolist(), ends.tolist()):
        still = []
        for a in active:
            (still if a["last"] >= r - 1 else done).append(a)
        active = still
        for a in active:
            if a["last"] in (r - 1, r) and s <= a["end"] + gap and e >= a["start"] - gap:
                a["start"], a["end"] = min(a["start"], s), max(a["end"], e)
                a["sum"] += r * (e - s)
                a["w"] += e - s
                if a["last"] != r:
                    a["rows"] += 1
                a["last"] = r
                break
        else:
            active.append({"start": s, "end": e, "sum": r * (e - s), "w": e - s, "rows": 1, "last": r})
    done += active
    return [Rule(a["sum"] / a["w"], a["start"], a["end"], a["rows"]) for a in done if a["rows"] <= max_thickness]


def find_rules(mask: np.ndarray, dpi: float) -> tuple[list[Rule], list[Rule]]:
    gap = max(1, round(BRIDGE * dpi))
    thick = max(3, round(MAX_THICKNESS * dpi))
    h = rules_from_runs(*long_runs(mask, round(H_MIN_RUN * dpi), gap), gap, thick)
    v = rules_from_runs(*long_runs(mask.T, round(V_MIN_RUN * dpi), gap), gap, thick)
    return h, v


def erase_rules(gray: np.ndarray, tables: list["GridTable"]) -> np.ndarray:
    """The image with the tables' rules painted white (each rule's band, a pixel more each side).
    Only rules on cell edges: a long run inside bold text is not a rule and keeps its ink."""
    out = gray.copy()
    h, w = out.shape
    for t in tables:
        for o, r in t.rules:
            half = r.thickness / 2 + 1.5
            a, b = max(0, int(r.pos - half)), min(h if o == "h" else w, int(math.ceil(r.pos + half)) + 1)
            s, e = max(0, int(r.start) - 1), int(r.end) + 2
            if o == "h":
                out[a:b, s:e] = 255
            else:
                out[s:e, a:b] = 255
    return out


# ---- lattice --------------------------------------------------------------------------------------
@dataclass
class GridTable:
    """One ruled table in the upright frame (pixels): its cells and pdfplumber-style rows."""

    bbox: tuple[float, float, float, float]
    cells: list[tuple[float, float, float, float]]
    rows: list[tuple[list, tuple]]  # (cell boxes, None where a merged cell spans; row box)
    thickness: float = 2.0  # the rules' usual thickness (pixels)
    rules: list[tuple[str, Rule]] = field(default_factory=list)  # ("h" | "v", rule) on its cell edges


@dataclass
class PageGrid:
    """The tables of a page image, in the upright frame, and how that frame maps to the image's."""

    width: int
    height: int
    dpi: float
    angle: float  # degrees the image was turned (PIL's sense) to make its rules level
    tables: list[GridTable] = field(default_factory=list)
    upright: Optional[object] = None  # the upright grayscale image (PIL), rules visible

    def _turn(self, x: float, y: float, deg: float) -> tuple[float, float]:
        if not deg:
            return x, y
        a = math.radians(deg)
        cx, cy = self.width / 2.0, self.height / 2.0
        dx, dy = x - cx, y - cy
        return cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        """A point of the upright frame in the original image's pixels."""
        return self._turn(x, y, -self.angle)

    def to_upright(self, x: float, y: float) -> tuple[float, float]:
        return self._turn(x, y, self.angle)

    def box_to_points(self, box) -> tuple[float, float, float, float]:
        """An upright box → the image's frame (centre turned back, size kept), in points."""
        x0, y0, x1, y1 = box
        cx, cy = self.to_image((x0 + x1) / 2, (y0 + y1) / 2)
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        k = POINTS_PER_INCH / self.dpi
        return (round((cx - hw) * k, 2), round((cy - hh) * k, 2), round((cx + hw) * k, 2), round((cy + hh) * k, 2))

    def covers(self, box_points, pad: float = 1.0) -> bool:
        """Whether the centre of a box (points, image frame) lies in one of the tables."""
        k = self.dpi / POINTS_PER_INCH
        x, y = self.to_upright((box_points[0] + box_points[2]) / 2 * k, (box_points[1] + box_points[3]) / 2 * k)
        p = pad * k
        return any(t.bbox[0] - p <= x <= t.bbox[2] + p and t.bbox[1] - p <= y <= t.bbox[3] + p for t in self.tables)

    def table_polygons(self, grow: float = 0.0) -> list[list[tuple[float, float]]]:
        """Each table's outline in the image's pixels (grown by `grow` pixels)."""
        out = []
        for t in self.tables:
            x0, y0, x1, y1 = t.bbox
            x0, y0, x1, y1 = x0 - grow, y0 - grow, x1 + grow, y1 + grow
            out.append([self.to_image(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))])
        return out


def lattice(h_rules: list[Rule], v_rules: list[Rule], dpi: float) -> list[GridTable]:
    """pdfplumber's lattice finder on the rules (pixels): tables with ≥ 2 columns."""
    from pipeline.sources.pdfium import _cells, _intersections, _merge_edges, _Table, _tables

    edges = [["h", r.start, r.pos, r.end, r.pos] for r in h_rules]
    edges += [["v", r.pos, r.start, r.pos, r.end] for r in v_rules]
    edges = _merge_edges(edges, SNAP * dpi, JOIN * dpi, 1.0)
    cells = _cells(_intersections(edges, INTERSECT * dpi))
    thick = statistics.median([r.thickness for r in h_rules + v_rules]) if h_rules or v_rules else 2
    tol = SNAP * dpi
    out = []
    for group in _tables(cells):
        t = _Table(group)
        if len(t.rows) >= 1 and len(t.rows[0].cells) >= 2:
            x0, y0, x1, y1 = t.bbox
            ys = sorted({c[1] for c in t.cells} | {c[3] for c in t.cells})
            xs = sorted({c[0] for c in t.cells} | {c[2] for c in t.cells})
            on = [("h", r) for r in h_rules if any(abs(r.pos - y) <= tol for y in ys)
                  and r.end >= x0 - tol and r.start <= x1 + tol and y0 - tol <= r.pos <= y1 + tol]
            on += [("v", r) for r in v_rules if any(abs(r.pos - x) <= tol for x in xs)
                   and r.end >= y0 - tol and r.start <= y1 + tol and x0 - tol <= r.pos <= x1 + tol]
            out.append(GridTable(bbox=t.bbox, cells=t.cells, rows=[(r.cells, r.bbox) for r in t.rows],
                                 thickness=float(thick), rules=on))
    return out


def find_grid(image, dpi: float) -> PageGrid:
    """The ruled tables of a grayscale page image (PIL, mode L): skew measured and undone, rules
    found, the lattice built. A page without rules costs two passes of run lengths."""
    from PIL import Image

    gray = np.asarray(image.convert("L"))
    thr = otsu_threshold(gray)
    mask = gray < thr
    grid = PageGrid(width=image.width, height=image.height, dpi=dpi, angle=0.0)
    angle = estimate_skew(mask, dpi)
    if angle is None:
        return grid
    gap = max(1, round(BRIDGE * dpi))
    # a table's side rules run through all its rows: two rows' height at least (letters with their
    # marks pass one row's height, and a prose page would be turned and searched for nothing)
    if len(long_runs(mask.T, round(2 * V_MIN_RUN * dpi), gap)[0]) < 2:
        return grid
    upright = image.convert("L")
    if abs(angle) >= MIN_SKEW_DEG:
        paper = int(np.median(gray))
        upright = upright.rotate(angle, resample=Image.BICUBIC, fillcolor=paper)
        mask = np.asarray(upright) < thr
        grid.angle = angle
    h, v = find_rules(mask, dpi)
    if len(h) < 2 or len(v) < 2:
        return grid
    grid.tables = lattice(h, v, dpi)
    grid.upright = upright
    return grid


# ---- reading the cells ----------------------------------------------------------------------------
_EIGHT = np.ones((3, 3), dtype=bool)  # 8-connected: touching diagonally counts


def components_array(mask: np.ndarray) -> np.ndarray:
    """8-connected blobs of a bool array as an (n, 5) int64 array of (area, x0, y0, x1, y1), x1/y1
    exclusive, in label order (scipy's labelling, in C: the pages' marker search labels every page).
    Areas are counted over the ink pixels only: a bincount of the whole label image (every paper
    pixel too) took longer than the labelling."""
    from scipy import ndimage

    labels, n = ndimage.label(mask, structure=_EIGHT)
    if n == 0:
        return np.zeros((0, 5), dtype=np.int64)
    areas = np.bincount(labels[mask], minlength=n + 1)[1:]
    boxes = np.array([(sl[1].start, sl[0].start, sl[1].stop, sl[0].stop) for sl in ndimage.find_objects(labels)],
                     dtype=np.int64)
    return np.column_stack([areas, boxes])


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """The blobs of `components_array` as tuples of ints."""
    return [tuple(b) for b in components_array(mask).tolist()]


@dataclass
class _Ink:
    mask: np.ndarray  # the ink to read (specks, checkboxes and a dash-only cell's dash taken out)
    bbox: Optional[tuple[int, int, int, int]]  # of `mask`, None when nothing is left to read
    boxes: list[int]  # x of each checkbox (☐) found
    geometric: Optional[str] = None  # the text when it is read from shapes alone ("-", "☐", "....")
    halo: Optional[np.ndarray] = None  # the pale edges of stacked marks, shown with the ink


def _is_checkbox(b, ink: np.ndarray, dpi: float) -> bool:
    """A hollow square about a letter high: ink all round its edges, none inside."""
    area, x0, y0, x1, y1 = b
    w, h = x1 - x0, y1 - y0
    if not (0.035 * dpi <= w <= 0.12 * dpi and 0.035 * dpi <= h <= 0.12 * dpi and 0.75 <= w / h <= 1.33):
        return False
    box = ink[y0:y1, x0:x1]
    t = max(1, round(min(w, h) * 0.25))
    if box[t:-t, t:-t].any():
        return False
    edges = (box[:t].any(axis=0), box[-t:].any(axis=0), box[:, :t].any(axis=1), box[:, -t:].any(axis=1))
    c = max(1, round(min(w, h) * 0.15))  # square corners: an o or a 0 is round there
    corners = (box[:c, :c], box[:c, -c:], box[-c:, :c], box[-c:, -c:])
    return all(e.mean() >= 0.9 for e in edges) and all(k.any() for k in corners)


def _dot_runs(dots: list, dpi: float) -> list[list]:
    """Small blobs in rows of three or more, evenly close (dot leaders "....."): the rows."""
    dots = sorted(dots, key=lambda b: b[1])
    rows: list[list] = []
    for b in dots:
        cy = (b[2] + b[4]) / 2
        for r in rows:
            last = r[-1]
            if abs((last[2] + last[4]) / 2 - cy) <= 0.012 * dpi and b[1] - last[3] <= 0.035 * dpi:
                r.append(b)
                break
        else:
            rows.append([b])
    return [r for r in rows if len(r) >= 3]


def _ink(crop: np.ndarray, thr: float, dpi: float) -> Optional[_Ink]:
    """A cell's ink with lone specks removed; None when the cell is empty.

    A speck is a small blob (at most ~0.025 in across) with no letter within ~0.02 in (or beside
    it on its line within ~0.06 in) and no other small blob beside it: dust on the scan. Full stops, commas, the dots of i and the marks of
    Vietnamese letters sit next to a letter, a colon's two dots next to each other, leader dots in
    a row; they stay. A lone flat blob is a dash, hollow squares are checkboxes, a cell of leader
    dots only is read from their rows: Tesseract reads none of these reliably on their own."""
    ink = crop < thr
    if ink.sum() < max(4, (dpi / 200.0) ** 2 * 6):
        return None
    blobs = _components(ink)
    small = max(3, round(0.025 * dpi))
    near = max(2, round(0.02 * dpi))
    pair = max(3, round(0.03 * dpi))

    def close(a, b, d):
        return b[1] - d <= a[3] and a[1] <= b[3] + d and b[2] - d <= a[4] and a[2] <= b[4] + d

    def on_line(a, b):  # a full stop after a letter: beside it, within its height
        return (b[2] <= (a[2] + a[4]) / 2 <= b[4] and a[4] <= b[4] + near
                and -side <= max(b[1] - a[3], a[1] - b[3]) <= side)

    side = max(4, round(0.06 * dpi))
    big = [b for b in blobs if b[3] - b[1] > small or b[4] - b[2] > small]
    boxes = [b for b in big if _is_checkbox(b, ink, dpi)]
    letters = [b for b in big if b not in boxes]
    tiny = [b for b in blobs if b not in big]
    leaders = [b for r in _dot_runs(tiny, dpi) for b in r]
    keep = list(letters) + leaders
    dark = None
    for b in tiny:
        if b in leaders:
            continue
        if any(close(b, o, near) for o in letters):
            keep.append(b)
            continue
        if any(on_line(b, o) for o in letters) or any(close(b, o, pair) for o in tiny if o is not b):
            # a full stop or a colon is a dot as dark as the letters; dust comes in all greys
            if dark is None:
                mins = [int(crop[o[2]:o[4], o[1]:o[3]][ink[o[2]:o[4], o[1]:o[3]]].min()) for o in letters]
                dark = statistics.median(mins) + 0.3 * (thr - statistics.median(mins)) if mins else thr
            if int(crop[b[2]:b[4], b[1]:b[3]][ink[b[2]:b[4], b[1]:b[3]]].min()) <= dark:
                keep.append(b)
    stacked = _stacked_marks([b for b in tiny if b not in keep and b not in leaders],
                             [b for b in keep if b in tiny and b not in leaders], lambda a, o: close(a, o, near))
    keep += stacked
    if not keep and not boxes:
        return None
    clean = np.zeros_like(ink)
    for b in keep:
        clean[b[2]:b[4], b[1]:b[3]] |= ink[b[2]:b[4], b[1]:b[3]]
    # the pale edges of both marks of a stack (the one beneath too: the pair's shape is one)
    halo = _marks_halo(crop, thr, [b for b in keep if b in tiny and any(close(b, m, near) for m in stacked)])
    bbox = None
    if keep:
        bbox = (min(b[1] for b in keep), min(b[2] for b in keep), max(b[3] for b in keep), max(b[4] for b in keep))
        if halo.any():  # the halo may reach a pixel past its mark's box
            ys, xs = np.nonzero(halo)
            bbox = (min(bbox[0], int(xs.min())), min(bbox[1], int(ys.min())),
                    max(bbox[2], int(xs.max()) + 1), max(bbox[3], int(ys.max()) + 1))
    out = _Ink(mask=clean, bbox=bbox, boxes=sorted(b[1] for b in boxes), halo=halo)
    if not letters and keep and all(b in leaders for b in keep):
        rows = _dot_runs(keep, dpi)
        rows.sort(key=lambda r: r[0][1])
        out.geometric = " ".join("." * len(r) for r in rows)
    elif len(letters) == 1 and len(keep) == 1:
        x0, y0, x1, y1 = bbox
        w, h = x1 - x0, y1 - y0
        if h <= max(2, round(0.025 * dpi)) and 2 * h <= w <= 0.15 * dpi:
            out.geometric = "-"
    if not keep:
        out.geometric = ""
    if out.geometric is not None and boxes:
        out.geometric = _with_boxes(out.geometric, boxes=out.boxes, ink_x=bbox[0] if bbox else None)
    return out


def _marks_halo(crop: np.ndarray, thr: float, marks: list) -> np.ndarray:
    """The pale pixels (darker than halfway from the threshold to the paper) within a pixel of each
    of `marks`' boxes (the two marks of a stack): a resampled bilevel scan leaves a thin acute a few
    pixels darker than the threshold and the rest of its stroke grey, and shown alone those few read
    as a grave or a hook ("tiền", "tiển" for "tiến"). Letters and single marks keep their edges as
    they were (shown with them, the recogniser's readings of other cells moved both ways)."""
    halo = np.zeros(crop.shape, dtype=bool)
    if not marks:
        return halo
    faint = (thr + float(np.median(crop))) / 2
    h, w = crop.shape
    for _, x0, y0, x1, y1 in marks:
        ya, yb, xa, xb = max(0, y0 - 1), min(h, y1 + 1), max(0, x0 - 1), min(w, x1 + 1)
        halo[ya:yb, xa:xb] |= crop[ya:yb, xa:xb] < faint
    return halo


def _stacked_marks(loose: list, marks: list, close: Callable) -> list:
    """The loose small blobs that sit on a kept mark (`close(blob, mark)`), and those on them in turn:
    the second mark of a Vietnamese letter ("ế": an acute on the circumflex, "ẳ") lies on the first,
    farther from the letter than a mark's gap, and in a resampled bilevel scan it is a thin stroke
    paler than a full stop, so the dust tests (beside a letter, or as dark as the letters) drop it."""
    out: list = []
    on = list(marks)
    while on:
        found = [b for b in loose if b not in out and any(close(b, m) for m in on)]
        out += found
        on = found
    return out


def _with_boxes(text: str, boxes: list[int], ink_x: Optional[int]) -> str:
    """The text with a ☐ for each checkbox, before it or after it as the boxes lie."""
    before = [x for x in boxes if ink_x is None or x < ink_x]
    after = [x for x in boxes if x not in before]
    return collapse(" ".join(["☐"] * len(before) + [text] + ["☐"] * len(after)))


def _stroke_width(ink: np.ndarray) -> Optional[float]:
    """Median horizontal run of the ink: the width of vertical strokes."""
    r, s, e = runs(ink)
    if len(r) < 20:
        return None
    lengths = e - s
    return float(np.median(lengths))


@dataclass
class _Piece:
    cell: tuple  # the cell's box (upright pixels)
    image: object  # PIL crop, upscaled
    stroke: Optional[float]
    boxes: list = field(default_factory=list)  # checkboxes beside the text (their x)
    ink_x: int = 0
    top: int = 0  # where it sits in the stack
    bottom: int = 0


def _cell_pieces(grid: PageGrid, table: GridTable, up: np.ndarray, thr: float, paper: float):
    from PIL import Image, ImageFilter

    dpi = grid.dpi
    scale = max(1.0, UPSCALE_BELOW_DPI / dpi)
    margin = table.thickness / 2 + max(1, round(CELL_MARGIN * dpi))
    pieces, done = {}, {}
    for box in table.cells:
        x0, y0, x1, y1 = (int(math.ceil(box[0] + margin)), int(math.ceil(box[1] + margin)),
                          int(box[2] - margin), int(box[3] - margin))
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        crop = up[y0:y1, x0:x1]
        found = _ink(crop, thr, dpi)
        if found is None:
            continue
        if found.geometric is not None:
            done[tuple(box)] = found.geometric
            continue
        ix0, iy0, ix1, iy1 = found.bbox
        pad = max(2, round(0.02 * dpi))
        # the crop: white everywhere but the kept ink (rules, specks and neighbours gone), padded
        h, w = iy1 - iy0, ix1 - ix0
        canvas = np.full((h + 2 * pad, w + 2 * pad), 255, dtype=np.uint8)
        region = crop[iy0:iy1, ix0:ix1]
        keep = found.mask[iy0:iy1, ix0:ix1] | (found.halo[iy0:iy1, ix0:ix1] if found.halo is not None else False)
        # the ink keeps its grey (the edges' anti-aliasing helps the recogniser), stretched to run
        # from black to white between the cell's darkest pixel and the paper
        lo = float(region[keep].min())
        grey = np.clip((region.astype(np.float64) - lo) * 255.0 / max(1.0, paper - lo), 0, 255)
        canvas[pad:pad + h, pad:pad + w] = np.where(keep, grey, 255).astype(np.uint8)
        img = Image.fromarray(canvas)
        if scale > 1.01:
            img = img.resize((round(img.width * scale), round(img.height * scale)), Image.BICUBIC)
        # a slight blur: crisp rendered glyphs are read worse than scanned ones ("84" as "34",
        # "STT" as "SIT"); on the samples' scans it helps too (cells equal 98.3 -> 98.5 %)
        img = img.filter(ImageFilter.GaussianBlur(BLUR * max(dpi, UPSCALE_BELOW_DPI) / UPSCALE_BELOW_DPI))
        pieces[tuple(box)] = _Piece(cell=tuple(box), image=img, stroke=_stroke_width(found.mask),
                                    boxes=found.boxes, ink_x=ix0)
    return pieces, done


def _stacks(pieces: list[_Piece], dpi: float):
    """The pieces stacked top to bottom, left-aligned, with blank bands between them; several images
    when one would be too tall."""
    from PIL import Image

    scale = max(1.0, UPSCALE_BELOW_DPI / dpi)
    gap = round(BAND_GAP * dpi * scale)
    groups: list[list[_Piece]] = [[]]
    height = gap
    for p in pieces:
        if groups[-1] and height + p.image.height + gap > MAX_STACK:
            groups.append([])
            height = gap
        groups[-1].append(p)
        height += p.image.height + gap
    out = []
    for g in groups:
        if not g:
            continue
        w = max(p.image.width for p in g) + 2 * gap
        h = sum(p.image.height for p in g) + gap * (len(g) + 1)
        canvas = Image.new("L", (w, h), 255)
        y = gap
        for p in g:
            canvas.paste(p.image, (gap, y))
            p.top, p.bottom = y, y + p.image.height
            y += p.image.height + gap
        out.append((canvas, g, gap))
    return out


def _texts_from_data(data: dict, group: list[_Piece], gap: int, repair: bool = False,
                     raw: Optional[dict] = None) -> dict:
    """Tesseract's words on a stack → text and mean confidence per piece (by the band holding the
    word's centre; a band reaches halfway into the gaps around it). `repair`: the diacritics of
    the words Tesseract doubted are repaired from their cell, as on prose lines ("Số chỉ BHYT" →
    "chi"); Tesseract's reading of a cell so changed goes into `raw` by piece."""
    from extractors.restore import repair_uncertain_words
    from pipeline.sources.ocr import is_speck

    words: dict[int, list] = {}
    for i, text in enumerate(data["text"]):
        text = nfc(text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        if is_speck(text, conf):
            continue  # as on prose lines: "Số. l người" has a rule's remnant in it
        cy = data["top"][i] + data["height"][i] / 2
        for k, p in enumerate(group):
            if p.top - gap / 2 <= cy <= p.bottom + gap / 2:
                words.setdefault(k, []).append((data["block_num"][i], data["par_num"][i], data["line_num"][i],
                                                 data["top"][i], data["left"][i], text, conf, data["height"][i]))
                break
    out = {}
    for k, ws in words.items():
        lines: dict[tuple, list] = {}
        for w in ws:
            lines.setdefault(w[:3], []).append(w)
        ordered = sorted(lines.values(), key=lambda l: min(w[3] for w in l))
        seen = [w for l in ordered for w in sorted(l, key=lambda w: w[4])]
        image = getattr(group[k], "image", None)
        if image is not None:  # the band test in the piece's own rows (the stack's less its top)
            top = group[k].top
            kept = _without_marks_of_line_below([w[:3] + (w[3] - top,) + w[4:] for w in seen],
                                                ink_bands(np.asarray(image.convert("L"))))
            ordered = [[w[:3] + (w[3] + top,) + w[4:] for w in kept if w[:3] == l[0][:3]] for l in ordered]
            ordered = [l for l in ordered if l]
        cell = [w for l in ordered for w in _without_raised_and_dots(sorted(l, key=lambda w: w[4]))]
        cell_words = [w[5] for w in cell]
        text = " ".join(repair_uncertain_words(cell_words, [w[6] for w in cell]) if repair else cell_words)
        as_read = " ".join(w[5] for w in seen)
        if raw is not None and text != as_read:
            raw[k] = collapse(as_read)
        out[k] = (collapse(text), statistics.mean(w[6] for w in ws))
    return out


PAPER_GREY = 200  # in a cell's (stretched, blurred) crop, lighter than this is paper
REACH = 2  # pixels: a word's box this far into the band below reaches it (not a box's slack)


def ink_bands(gray: np.ndarray) -> list[tuple[int, int]]:
    """The bands of a cell crop's rows that hold ink, split by blank rows: (first, end) rows, end
    exclusive, top to bottom. A line's letters and its marks lie in one band (a mark is no farther
    from its letter than a blank row, and the blur closes hair gaps)."""
    rows = np.r_[False, (gray < PAPER_GREY).any(axis=1), False].astype(np.int8)
    edges = np.flatnonzero(np.diff(rows))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))


def _band_of(top: float, height: float, bands: list[tuple[int, int]]) -> Optional[int]:
    """The band holding most of a box's rows, None when it overlaps none."""
    overlaps = [min(top + height, e) - max(top, s) for s, e in bands]
    best = max(range(len(bands)), key=lambda i: overlaps[i], default=None)
    return best if best is not None and overlaps[best] > 0 else None


def _without_marks_of_line_below(words: list, bands: list[tuple[int, int]]) -> list:
    """A cell's words (block, par, line, top, left, text, conf, height; in the crop's rows) without
    the marks of one line that Tesseract read on the line above it. In a narrow header cell the
    lines sit close, and the grave of "người" or the dot of its "i" is taken into the line above:
    read as a word of its own ("+", no letter or digit) that lies in another line's band of ink
    than the rest of its line, or glued to a word's end as a stop or comma ("Số,") whose box then
    reaches down into the band of the line below, which a real comma (on its word's baseline) never
    does. Those are dropped; everything else is kept as it is."""
    if len(bands) < 2:
        return words
    own = [_band_of(w[3], w[7], bands) for w in words]
    lines: dict[tuple, list[int]] = {}
    for w, b in zip(words, own):
        if b is not None and any(c.isalnum() for c in w[5]):
            lines.setdefault(w[:3], []).append(b)
    line_band = {key: max(set(bs), key=bs.count) for key, bs in lines.items()}
    out = []
    for w, b in zip(words, own):
        key, text, bottom = w[:3], w[5], w[3] + w[7]
        mine = line_band.get(key)
        if mine is None or b is None:
            out.append(w)
            continue
        others = {band for k, band in line_band.items() if k != key}  # the other lines' bands
        if not any(c.isalnum() for c in text) and b != mine and b in others:
            continue  # a mark of another line, read as a word of this one
        below = [i for i in others if i > b]
        if (text[-1:] in ".,;:" and len(text) > 1 and below
                and bottom >= bands[min(below)][0] + REACH and b + 1 == min(below)):
            w = w[:5] + (text[:-1],) + w[6:]  # the mark below read as a stop or comma after the word
        out.append(w)
    return out


RAISED_SHARE = 0.6  # of the line's word height: a mark no taller, its foot in the line's upper part, is raised
CELL_DOT_SHARE = 0.3  # of the line's word height: a "." or "," alone no taller is a speck


def _without_raised_and_dots(line: list) -> list:
    """The words of one line of a cell (block, par, line, top, left, text, conf, height; left to
    right) without what a scan's small ink made of them: a footnote marker raised after the last
    word ("Cấp huyện¹" read "Cấp huyện !", "phường²" read "phường 2": one or two characters, no
    letter, no taller than RAISED_SHARE of the words, its foot above their middle), and a lone stop
    or comma between two words ("Học tập . chuyên đề"), no taller than a dot."""
    heights = [w[7] for w in line if any(c.isalpha() for c in w[5])]
    if not heights:
        return line
    tall = statistics.median(heights)
    keep = []
    for j, w in enumerate(line):
        text, top, h = w[5], w[3], w[7]
        if j == len(line) - 1 and j > 0 and len(text) <= 2 and not any(c.isalpha() for c in text):
            prev = line[j - 1]
            if (any(c.isalpha() for c in prev[5]) and h <= RAISED_SHARE * tall
                    and top + h <= prev[3] + 0.6 * prev[7]):
                continue
        if 0 < j < len(line) - 1 and text in (".", ",") and h <= CELL_DOT_SHARE * tall:
            continue
        keep.append(w)
    return keep


JUNK = set(".,'`\"·:;_~^°*")  # what specks read as


def _clean_cell_text(text: str) -> Optional[str]:
    from pipeline.sources.ocr import shape_case_fixed

    text = shape_case_fixed(collapse(text))
    if not text or all(c in JUNK or c.isspace() for c in text):
        return None
    if text in ("—", "–", "_", "~", "-"):
        return "-"
    return text


# what a cell holding a list number (1, 2., IV, b)) reads as with the Vietnamese model: digits, Roman
# numerals and the letters Tesseract takes them for (II → "H", "li"; III → "IH"; VI → "VỊ"; I → "|")
NUMERAL_LIKE = re.compile(r"[0-9IVXLCDMlHiÍÌỊỈíìịỉ|!\[\]]{1,5}[.)]?")
NUMERAL = re.compile(r"(?:[0-9]{1,3}|M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))[.)]?")
NUMERAL_CHARS = "0123456789IVXLCDM.)"
FIGURES = re.compile(r"[0-9]+[.)]?")  # a list number or a count in digits


def numeral_reread_taken(first: tuple[Optional[str], float], again: tuple[str, float]) -> bool:
    """Whether a numeral-like cell's re-read (digits and Roman capitals, `eng`) replaces its first
    reading (text, confidence each): when it is a well-formed number or Roman numeral and differs.
    Figures read as figures by the Vietnamese model stay unless the re-read is surer: the re-read is
    for numerals read as letters ("H" for II, "VỊ", "|"), and without a language to help it, it takes a
    bold 5 for a 3, less surely than the first reading."""
    (text, conf), (t, t_conf) = first, again
    if not t or not NUMERAL.fullmatch(t) or t == text:
        return False
    return not (text and FIGURES.fullmatch(text) and FIGURES.fullmatch(t) and t_conf <= conf)


def _numeral_candidates(texts: dict, pieces: dict) -> list["_Piece"]:
    return [p for c, p in pieces.items() if texts.get(c, (None,))[0] and NUMERAL_LIKE.fullmatch(texts[c][0])]


def read_tables(grid: PageGrid, number: int, ocr: Callable, ocr_numerals: Optional[Callable] = None
                ) -> list[tuple[float, Line]]:
    """Every table of the grid read cell by cell: (table top in points, row Line) in order.

    `ocr(image) -> dict` is Tesseract's image_to_data (`psm 6`) on one stacked image.
    `ocr_numerals`, the same restricted to digits and Roman numerals: short cells read as numeral-like
    (list numbers: "II" read "H", "VI" read "VỊ") are read again with it, and its reading is taken
    when it is a well-formed number or Roman numeral."""
    if not grid.tables or grid.upright is None:
        return []
    up = np.asarray(grid.upright)
    thr = otsu_threshold(up)
    paper = float(np.median(up))
    clean = erase_rules(up, grid.tables)
    out: list[tuple[float, Line]] = []
    # the cells of all the page's tables in one stack (one Tesseract call, and one for the numerals,
    # a page rather than a table: each call loads the model again); cell boxes do not repeat on a page
    per_table = [_cell_pieces(grid, table, clean, thr, paper) for table in grid.tables]
    pieces: dict[tuple, _Piece] = {}
    texts: dict[tuple, tuple[Optional[str], float]] = {}
    order: list[_Piece] = []
    for table, (table_pieces, done) in zip(grid.tables, per_table):
        pieces.update(table_pieces)
        texts.update({c: (t or None, 90.0) for c, t in done.items()})
        order += [table_pieces[tuple(c)] for c in table.cells if tuple(c) in table_pieces]
    repaired: dict[tuple, str] = {}  # Tesseract's reading of a cell whose doubtful marks were repaired
    for image, group, gap in _stacks(order, grid.dpi):
        before: dict[int, str] = {}
        found = _texts_from_data(ocr(image), group, gap, repair=True, raw=before)
        for i, p in enumerate(group):
            if i in before:
                repaired[p.cell] = before[i]
            t, conf = found.get(i, ("", 0.0))
            t = _clean_cell_text(t)
            if p.boxes:
                t = _with_boxes(t or "", p.boxes, p.ink_x) or None
            texts[p.cell] = (t, conf)
    again = _numeral_candidates(texts, pieces) if ocr_numerals else []
    if again:
        again.sort(key=lambda p: (p.cell[0], p.cell[1]))
        for image, group, gap in _stacks(again, grid.dpi):
            found = _texts_from_data(ocr_numerals(image), group, gap)
            for i, p in enumerate(group):
                t, conf = found.get(i, ("", 0.0))
                if numeral_reread_taken(texts[p.cell], (t.replace(" ", ""), conf)):
                    texts[p.cell] = (t.replace(" ", ""), conf)
    # Tesseract's readings, before the column rules and the repairs of doubtful marks
    read_as = {c: repaired.get(c, t) for c, (t, _) in texts.items()}
    for k, table in enumerate(grid.tables):
        order = [pieces[tuple(c)] for c in table.cells if tuple(c) in pieces]
        _checkboxes_by_column(texts, table)
        _number_formats_by_column(texts, table)
        strokes = [p.stroke for p in order if p.stroke]
        usual = statistics.median(strokes) if strokes else None
        top_pt = grid.box_to_points(table.bbox)[1]
        for cells_boxes, row_box in table.rows:
            cells: list[Cell] = []
            confs = []
            for cb in cells_boxes:
                if cb is None:
                    cells.append(Cell(text=None))
                    continue
                text, conf = texts.get(tuple(cb), (None, 0.0))
                p = pieces.get(tuple(cb))
                bold = bool(text and p and p.stroke and usual and p.stroke >= 1.3 * usual)
                if text:
                    confs.append(conf)
                cells.append(Cell(text=text, box=grid.box_to_points(cb), bold=bold))
            if all(c.text is None for c in cells):
                continue
            box = grid.box_to_points((table.bbox[0], row_box[1], table.bbox[2], row_box[3]))
            text = " ".join(c.text for c in cells if c.text)
            raw = " ".join(t for t in (read_as.get(tuple(cb)) if cb is not None else None for cb in cells_boxes) if t)
            out.append((top_pt, Line(text=text, page=number, box=box, cells=cells, role="table",
                                     table_id=f"p{number}t{k}", raw=raw if raw != text else None,
                                     confidence=round(statistics.mean(confs), 1) if confs else None)))
    return out


CHECKBOX = "☐"
CHECKBOX_LOOKALIKES = {"0", "O", "o", "D", "□", "ơ", "Ơ", "o0", "[]", "Ö"}  # what a box reads as unseen


def _columns(table) -> list[list[tuple]]:
    """A table's cells (their boxes, top to bottom) by column: cells whose left edges round alike."""
    by_col: dict[int, list[tuple]] = {}
    for cells_boxes, _ in table.rows:
        for cb in cells_boxes:
            if cb is not None:
                by_col.setdefault(round(cb[0] / 8), []).append(tuple(cb))
    return list(by_col.values())


def _checkboxes_by_column(texts: dict, table) -> None:
    """A cell read as "0" or "O" in a column of checkboxes is one: a box the shape test missed (a
    broken edge) is read by Tesseract as a letter or digit."""
    for cells in _columns(table):
        read = [texts.get(c, (None, 0.0))[0] for c in cells]
        filled = [t for t in read if t]
        if len(filled) < 3 or sum(t == CHECKBOX for t in filled) < 0.6 * len(filled):
            continue
        for c, t in zip(cells, read):
            if t and t.strip() in CHECKBOX_LOOKALIKES:
                texts[c] = (CHECKBOX, texts[c][1])


GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")  # 10.125: thousands grouped by full stops
DECIMAL = re.compile(r"\d{1,3},\d{1,2}")  # 98,8: a decimal comma
GROUPED_MISREAD = re.compile(r"\d{1,3}(?:[ ,]\d{3})+")  # 11 168, 5,679: the stop lost or read as a comma
FIGURE = re.compile(r"\d[\d.,]*(?<=\d)")  # a figure: digits, grouped or decimal
FIGURE_STOPPED = re.compile(r"\d[\d.,]*\d\.|\d\.")  # … read with a stop after it ("19.")
DECIMAL_MISREAD = re.compile(r"\d{1,3}\.\d{1,2}")  # 99.4: the comma read as a stop


def _number_formats_by_column(texts: dict, table) -> None:
    """A number read in another format than its column's (pure on `texts`): Vietnamese tables group
    thousands with full stops and write decimals with a comma, and a column holds one kind of
    figure, so in a column of grouped counts ("10.125", "5.921") a count read "11 168" or "5,679"
    lost its stop or read it as a comma (a scan's small marks), and in a column of decimals
    ("98,8") one read "99.4" read its comma as a stop. Only where the column says so: two cells of
    its format at least and none of the other. A figure read with a stop after it where the column's
    other figures (three or more) have none lost a speck's reading ("19." among "3.110", "25"); a
    column of list numbers ("1.", "2.") has its stops in every cell."""
    for cells in _columns(table):
        read = [(texts.get(c, (None, 0.0))[0] or "").strip() for c in cells]
        grouped = sum(bool(GROUPED.fullmatch(t)) for t in read)
        decimal = sum(bool(DECIMAL.fullmatch(t)) for t in read)
        figures = sum(bool(FIGURE.fullmatch(t)) for t in read)
        stopped = sum(bool(FIGURE_STOPPED.fullmatch(t)) for t in read)
        for c, t in zip(cells, read):
            if stopped == 1 and figures >= 3 and FIGURE_STOPPED.fullmatch(t):
                texts[c] = (t[:-1], texts[c][1])  # "19." among "3.110", "25": a speck after the figure
            elif grouped >= 2 and not decimal and GROUPED_MISREAD.fullmatch(t):
                texts[c] = (re.sub(r"[ ,]", ".", t), texts[c][1])
            elif decimal >= 2 and not grouped and DECIMAL_MISREAD.fullmatch(t):
                texts[c] = (t.replace(".", ","), texts[c][1])


def blank_tables(image, grid: PageGrid):
    """The page image with its tables painted paper-white (what the page OCR then reads)."""
    if not grid.tables:
        return image
    from PIL import ImageDraw

    out = image.copy()
    paper = int(np.median(np.asarray(image.convert("L"))))
    draw = ImageDraw.Draw(out)
    for poly in grid.table_polygons(grow=grid.dpi * 0.01):
        draw.polygon(poly, fill=paper)
    return out


# ---- the page OCR's side ---------------------------------------------------------------------------
CELL_PSM = 6  # a stack of cells is one uniform block of text lines


@dataclass
class PageTables:
    """What page_from_image needs: the grid, the rows read, and the two things it does with them."""

    grid: PageGrid
    rows: list[tuple[float, Line]]  # (table top in points, row) in order

    def prose_image(self, image):
        """The image the page OCR reads: the tables painted out (their words are read here)."""
        return blank_tables(image, self.grid)

    def covers(self, box_points) -> bool:
        return bool(self.grid.tables) and self.grid.covers(box_points)

    def merge(self, lines: list[Line]) -> list[Line]:
        """Prose lines and table rows in reading order (a table where its top is, its rows together),
        as the PDF sources assemble them; a table and the line after it start paragraphs. The page's
        number is marked as theirs is (role "page-number", left out of the layout): between a table
        and its continuation on the next page it would cut the table in two."""
        from pipeline.sources.pdf_layout import _mark_page_numbers

        _mark_page_numbers(lines, self.grid.height * POINTS_PER_INCH / self.grid.dpi)
        if not self.rows:
            return lines
        merged = sorted([(ln.box[1] if ln.box else 0.0, 0, i, ln) for i, ln in enumerate(lines)]
                        + [(top, 1, i, row) for i, (top, row) in enumerate(self.rows)], key=lambda x: x[:3])
        out = [ln for *_, ln in merged]
        prev = None
        for ln in out:
            if ln.cells is not None:
                ln.break_before = prev is None or prev.cells is None or prev.table_id != ln.table_id
            elif prev is not None and prev.cells is not None:
                ln.break_before = True
            prev = ln
        return out


def read_page(image, dpi: float, number: int, settings) -> PageTables:
    """Find the ruled tables of a prepared page image and read their cells with Tesseract
    (`settings`: the page's OcrSettings; cells are read with psm 6 and the same language and
    engine, through the OCR cache)."""
    import dataclasses
    import os

    from pipeline.sources.ocr import tesseract_data_cached

    if os.environ.get("BAOCAO_OCR_TABLES", "1").strip() == "0":  # off: the page OCR reads the tables
        return PageTables(PageGrid(width=image.width, height=image.height, dpi=dpi, angle=0.0), [])
    grid = find_grid(image, dpi)
    if not grid.tables:
        return PageTables(grid, [])
    cell_settings = dataclasses.replace(settings, psm=CELL_PSM)
    numeral_config = (f"--psm {CELL_PSM} --oem {settings.oem} -c tessedit_char_whitelist={NUMERAL_CHARS}")
    lang = NUMERAL_LANG if NUMERAL_LANG in tesseract_languages() else settings.lang
    rows = read_tables(grid, number, lambda img: tesseract_data_cached(img, cell_settings),
                       lambda img: tesseract_config_cached(img, lang, numeral_config, settings.timeout))
    return PageTables(grid, rows)


NUMERAL_LANG = "eng"  # digits and Roman capitals need no Vietnamese; eng reads "II", "III" right
_LANGS: Optional[set] = None


def tesseract_languages() -> set:
    global _LANGS
    if _LANGS is None:
        try:
            from pipeline.sources.ocr import pytesseract_module

            _LANGS = set(pytesseract_module().get_languages(config=""))
        except Exception:
            _LANGS = set()
    return _LANGS


def tesseract_config_cached(image, lang: str, config: str, timeout: float) -> dict:
    """image_to_data with any config, through the OCR cache of ocr.py (the key here holds the whole
    config string, which ocr.py's key, made for OcrSettings, does not)."""
    import hashlib

    from pipeline.sources.ocr import image_to_data_cached, tesseract_version

    h = hashlib.sha256(f"cells|{tesseract_version()}|{lang}|{config}|{image.size}".encode())
    h.update(image.tobytes())
    return image_to_data_cached(image, lang, config, timeout, h.hexdigest())


def line_words(crop: np.ndarray, ocr_config: Callable, lang: str, config: str,
               min_height: float = 0.0) -> list[tuple[str, float, float, float]]:
    """Tesseract's words in a small grey crop read as one line (on a white margin; enlarged to
    `min_height` pixels when smaller): (text, confidence, left, right), x in the crop's pixels.
    `ocr_config(image, lang, config)` gives Tesseract's data dict (cached)."""
    from PIL import Image

    if crop.size == 0:
        return []
    img = Image.fromarray(crop.astype(np.uint8))
    k = max(1.0, min_height / max(1, img.height))
    if k > 1:
        img = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.LANCZOS)
    margin = 20
    canvas = Image.new("L", (img.width + 2 * margin, img.height + 2 * margin), 255)
    canvas.paste(img, (margin, margin))
    d = ocr_config(canvas, lang, config)
    return [(t.strip(), float(c), (x - margin) / k, (x - margin + w) / k)
            for t, c, x, w in zip(d["text"], d["conf"], d["left"], d["width"]) if (t or "").strip() and float(c) >= 0]


def whitelist_reader(ocr_config: Callable, lang: str, chars: str, min_height: float = 0.0,
                     min_confidence: float = 0.0) -> Callable[[np.ndarray], Optional[str]]:
    """read(crop) → what Tesseract reads in a small grey crop as one line of `chars` (psm 7,
    `line_words`), or None when it reads nothing or any word under `min_confidence`."""
    config = f"--psm 7 --oem 1 -c tessedit_char_whitelist={chars}"

    def read(crop: np.ndarray) -> Optional[str]:
        words = line_words(crop, ocr_config, lang, config, min_height)
        if not words or min(w[1] for w in words) < min_confidence:
            return None
        return "".join(w[0] for w in words)

    return read
