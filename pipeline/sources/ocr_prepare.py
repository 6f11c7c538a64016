"""Page images made ready for Tesseract: blank pages set aside, orientation, deskew, binarization.

Pure image functions on PIL images (numpy for the arithmetic), one call to Tesseract's orientation
and script detection (OSD) for the orientation. ``prepare`` chains them as ``page_from_image`` needs
and says what it did in short notes ("rotated 90°", "deskewed -1.3°", "blank page") that go into the
page's mode reason. The image is expected at the OCR resolution already (``page_from_image``
resamples it to ``OcrSettings.dpi`` first); sizes below are fractions of the page, not pixels.

Which steps run by default is decided by ``benchmarks/ocr_prepare.py`` (CER against the page truth
of ``samples/scans/``, each step on and off, results in ``benchmarks/ocr_prepare.json``):
``DEFAULT_STEPS``. A step can be turned off per call (``steps={"deskew": False}``) or by an
``OcrSettings`` attribute of the same name, if one is ever added.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

# --- which steps run (see the module docstring and benchmarks/ocr_prepare.json) ---------------------

DEFAULT_STEPS = {
    # a page with no ink but specks or show-through is not OCR'd (97 scanned pages: the one blank
    # sheet found, no text page taken for blank)
    "blank": True,
    # pages scanned sideways or upside down: without it 76-85 % CER (a sideways page reads, but in
    # vertical strips); OSD right on 75 of 75 pages and turned copies; about 1 s a page
    "orientation": True,
    # from MIN_SKEW on (True, False or a minimum angle in degrees): at the samples' own 1-1.5° it is
    # even (4 pages better, 4 worse of 13; one 14-column table page much worse), at 1.8-3° essential
    # (pooled CER 35 % -> 6 %)
    "deskew": True,
    # Tesseract binarizes (Otsu) itself: Otsu first is slightly worse (6.7 % against 6.6 %, 5 pages
    # better, 7 worse), Sauvola worse (8.6 %)
    "binarize": False,
}
BLANK = "blank page"  # the note (and mode reason) of a blank page

# --- ink, the common ground of the steps ---------------------------------------------------------

INK_BELOW_PAPER = 60  # grey levels under the paper's that are ink (show-through is ~10, print ~150)


def _grey(image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.int16)


def paper_level(a: np.ndarray) -> float:
    """The grey of the paper: the median pixel (a page is mostly paper, even a dense one)."""
    return float(np.median(a))


def ink_mask(a: np.ndarray) -> np.ndarray:
    return a < paper_level(a) - INK_BELOW_PAPER


# --- blank pages ------------------------------------------------------------------------------------

TILES_ACROSS = 50  # the page is cut into square tiles, 50 across (~4 mm on A4)
TILE_INKED = 0.04  # a tile holding at least 4 % ink holds part of a character (a speck: under 2 %)
MIN_INKED_TILES = 4  # fewer inked tiles than this (~ a few millimetres of print): a blank page


def inked_tiles(image) -> int:
    """How many tiles of the page hold print rather than specks."""
    a = _grey(image)
    ink = ink_mask(a)
    t = max(4, a.shape[1] // TILES_ACROSS)
    h, w = (a.shape[0] // t) * t, (a.shape[1] // t) * t
    if not h or not w:
        return 0
    frac = ink[:h, :w].reshape(h // t, t, w // t, t).mean(axis=(1, 3))
    return int((frac >= TILE_INKED).sum())


def is_blank(image) -> bool:
    """A blank sheet, or one with only dust specks, a faint show-through of the other side or a
    uniform paper tone: nothing for OCR to read."""
    return inked_tiles(image) < MIN_INKED_TILES


# --- orientation (Tesseract OSD) ----------------------------------------------------------------------

ROTATED = {90: "rotated 90° clockwise", 180: "rotated 180°", 270: "rotated 90° counter-clockwise"}
MIN_OSD_CONFIDENCE = 2.0  # OSD's orientation confidence below which its answer is not followed
OSD_TIMEOUT = 30.0  # seconds; OSD takes about one second on a 200-dpi page


def osd(image, timeout: float = OSD_TIMEOUT) -> tuple[int, Optional[float], Optional[str]]:
    """Tesseract OSD on the page: (degrees to turn the image clockwise to make it upright,
    confidence, why there is no answer). A page with too few characters has no answer (0, None,
    reason); a Tesseract failure or timeout is an answer too: (0, None, the failure)."""
    from pipeline.sources.ocr import pytesseract_module

    pytesseract = pytesseract_module()

    cached = _osd_cache(image)
    if cached and cached.get("answer"):
        return tuple(cached["answer"])
    try:
        d = pytesseract.image_to_osd(image, config="--psm 0", output_type=pytesseract.Output.DICT,
                                     timeout=timeout)
    except pytesseract.TesseractError as exc:
        msg = str(exc.message or exc)
        if "Too few characters" in msg:
            return _osd_cache(image, (0, None, "too few characters"))
        return 0, None, f"OSD failed ({_first_line(msg)})"
    except RuntimeError as exc:  # pytesseract's timeout
        return 0, None, f"OSD stopped after {timeout:.0f} s ({exc})"
    except (OSError, ValueError, KeyError) as exc:  # missing binary, unparsable output
        return 0, None, f"OSD failed ({type(exc).__name__}: {exc})"
    rotate = int(d.get("rotate", 0)) % 360
    answer = (rotate if rotate in (0, 90, 180, 270) else 0), float(d.get("orientation_conf", 0.0)), None
    return _osd_cache(image, answer)


def _osd_cache(image, answer: Optional[tuple] = None):
    """OSD answers kept beside the OCR cache (``pipeline.sources.ocr.cache_dir``), keyed by the image's
    pixels and the Tesseract version: read (``answer`` None: the entry or None) or write (returns
    ``answer``). Failures and timeouts are not kept: they may not happen again."""
    import hashlib
    import json
    import os

    from pipeline.sources.ocr import cache_dir, tesseract_version

    try:
        h = hashlib.sha256(f"osd|{tesseract_version()}|{image.mode}|{image.size}".encode())
        h.update(image.tobytes())
        key = h.hexdigest()
        path = cache_dir().parent / "osd" / key[:2] / f"{key}.json"
        if answer is None:
            return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"answer": list(answer)}), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass  # no cache is no error
    return answer


def _first_line(msg: str) -> str:
    lines = [ln.strip() for ln in msg.splitlines() if ln.strip()]
    return (lines[-1] if lines else "no message")[:200]


def orientation(image, timeout: float = OSD_TIMEOUT, min_confidence: float = MIN_OSD_CONFIDENCE) -> int:
    """0, 90, 180 or 270: the degrees to turn the image clockwise for its text to be upright; 0 when
    OSD is unsure (confidence under ``min_confidence``), finds too few characters, or fails."""
    rotate, conf, _ = osd(image, timeout)
    return rotate if conf is not None and conf >= min_confidence else 0


def rotate_upright(image, rotate: int):
    """Turn the image ``rotate`` degrees clockwise (``orientation``'s answer), canvas swapped."""
    if rotate % 360 == 0:
        return image
    from PIL import Image

    return image.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
                            270: Image.Transpose.ROTATE_90}[rotate % 360])


# --- deskew -----------------------------------------------------------------------------------------

MAX_SKEW = 3.0  # degrees searched either way
MIN_SKEW = 1.0  # degrees under which the page is left as it is: Tesseract reads such pages as well
# (benchmarks/ocr_prepare.json: turning them changes a few characters either way and can lose a lone
# page number), while from about 2° on its page segmentation falls apart and deskewing is essential
MIN_GAIN = 1.02  # the best angle's profile must beat the unrotated one by this much


def skew_angle(image, max_angle: float = MAX_SKEW) -> tuple[float, float]:
    """The skew of the text lines in degrees, counter-clockwise positive (PIL's convention: the page
    content looks rotated by ``image.rotate(angle)``), and the gain of its projection profile over
    the unrotated one (1.0: no better).

    Projection profiles on a half-size ink mask: every ink pixel is projected onto the vertical axis
    along a candidate angle (a shear, for small angles the same as a rotation); text lines aligned
    with the angle give a spiky profile, whose sum of squares is the largest. Coarse 0.2° steps,
    then 0.02° steps around the best."""
    a = _grey(image.reduce(2) if min(image.size) >= 400 else image)
    ys, xs = np.nonzero(ink_mask(a))
    if len(ys) < 200:
        return 0.0, 1.0
    xs = xs - a.shape[1] / 2.0
    ys = ys.astype(np.float64)

    def score(angle: float) -> float:
        b = np.rint(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        h = np.bincount(b - b.min()).astype(np.float64)
        return float((h * h).sum())

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.2)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.2, best + 0.2 + 1e-9, 0.02)
    best = float(max(fine, key=score))
    return round(best, 2), score(best) / max(1.0, score(0.0))


def deskew(image, max_angle: float = MAX_SKEW, min_angle: float = MIN_SKEW) -> tuple[object, float]:
    """(the image turned so that its text lines are level, the skew angle corrected in degrees,
    counter-clockwise positive; 0.0 when nothing was done). White fill, canvas size kept."""
    angle, gain = skew_angle(image, max_angle)
    if abs(angle) < min_angle or gain < MIN_GAIN:
        return image, 0.0
    from PIL import Image

    fill = 255 if image.mode in ("L", "1") else (255,) * len(image.getbands())
    # bilinear, not bicubic: half the time (0.05 against 0.11 s a 200-dpi page), and its slight
    # smoothing reads no worse (the 17 scanned samples: 0.9485 -> 0.9499 field F1 in aggregate)
    out = image.rotate(-angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)
    return out, angle


# --- binarization -----------------------------------------------------------------------------------


def otsu_threshold(a: np.ndarray) -> int:
    if a.dtype == np.uint8 and a.ndim == 2:
        from PIL import Image

        hist = np.asarray(Image.fromarray(a).histogram(), dtype=np.float64)  # PIL's counts: 5× bincount's speed
    else:
        hist = np.bincount(a.ravel().clip(0, 255).astype(np.int64), minlength=256).astype(np.float64)
    total = hist.sum()
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    mean_all = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 / total - m0) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


def _box_mean(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)² window, edges clamped, with an integral image."""
    p = np.pad(a, r + 1, mode="edge").astype(np.float64)
    s = p.cumsum(0).cumsum(1)
    n = 2 * r + 1
    tot = s[n:, n:] - s[:-n, n:] - s[n:, :-n] + s[:-n, :-n]
    return tot[: a.shape[0], : a.shape[1]] / (n * n)


def binarize(image, method: str = "otsu", window: float = 0.02, k: float = 0.2):
    """A black-and-white copy of the page (mode "L", 0 and 255). ``otsu``: one threshold for the page;
    ``sauvola``: a threshold per pixel from the mean and deviation of a window ``window`` of the
    page width across (uneven paper, faded ink)."""
    from PIL import Image

    a = _grey(image)
    if method == "otsu":
        t = otsu_threshold(a)
        out = np.where(a > t, 255, 0)
    elif method == "sauvola":
        r = max(3, int(a.shape[1] * window) // 2)
        f = a.astype(np.float64)
        m = _box_mean(f, r)
        sd = np.sqrt(np.maximum(_box_mean(f * f, r) - m * m, 0))
        t = m * (1 + k * (sd / 128.0 - 1))
        out = np.where(f > t, 255, 0)
    else:
        raise ValueError(f"binarize: method must be otsu or sauvola, not {method!r}")
    return Image.fromarray(out.astype(np.uint8), mode="L")


# --- the chain ------------------------------------------------------------------------------------


def steps_for(settings=None, steps: Optional[dict] = None) -> dict:
    """The steps to run: the defaults, then any ``OcrSettings`` attribute of a step's name, then
    ``steps``. ``binarize`` may be True (Otsu) or a method name."""
    out = dict(DEFAULT_STEPS)
    for name in DEFAULT_STEPS:
        if settings is not None and hasattr(settings, name):
            out[name] = getattr(settings, name)
    out.update(steps or {})
    return out


def prepare(image, settings=None, steps: Optional[dict] = None) -> tuple[object, list[str]]:
    """The page image as Tesseract should get it, and notes of what was decided. A blank page comes
    back as it is with the note ``BLANK`` (the caller does not OCR it)."""
    use = steps_for(settings, steps)
    notes: list[str] = []
    img = image if image.mode == "L" else image.convert("L")
    if use["blank"] and is_blank(img):
        return img, [BLANK]
    if use["orientation"]:
        timeout = min(OSD_TIMEOUT, float(getattr(settings, "timeout", OSD_TIMEOUT) or OSD_TIMEOUT))
        rotate, conf, why = osd(img, timeout)
        if why and not why.startswith("too few"):
            notes.append(f"orientation not checked: {why}")
        elif rotate and conf is not None and conf >= MIN_OSD_CONFIDENCE:
            img = rotate_upright(img, rotate)
            notes.append(ROTATED[rotate])
        elif rotate:
            notes.append(f"orientation {rotate}° left alone (OSD confidence {conf:.1f})")
    if use["deskew"]:
        min_angle = MIN_SKEW if use["deskew"] is True else float(use["deskew"])
        img, angle = deskew(img, min_angle=min_angle)
        if angle:
            notes.append(f"deskewed {angle:.1f}°")
    method = use["binarize"]
    if method:
        method = "otsu" if method is True else str(method)
        img = binarize(img, method)
        notes.append(f"binarized ({method})")
    return img, notes
