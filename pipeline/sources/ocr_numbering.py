"""Heading numbers in page images: "5." read as "SẼ", "1." as "1ÍẺ", "II." as "II,", "2.3." as
"2:3.". Bold numerals at the start of a line are what Tesseract's `vie` model reads worst, and a
heading whose number is lost is a lost section (and every section after it is a level off).

The first word of a line is read again, alone, with a whitelist of the characters numbers are made
of, when Tesseract doubted it or its reading looks like a broken number; the new reading is kept
only if it is a number as headings print them. A low-confidence dash before such a number is a
speck. Works on Tesseract's data dict (pixels), before words become lines.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

import numpy as np

HEADING_NUMBER = re.compile(r"""
    ^ (?: \d{1,2} (?: \. \d{1,2} ){1,3} \.?   # 2.3.  4.2.1
        | \d{1,2} \.                           # 1.
        | [IVXL]{1,5} \.                       # II.  IV.
        | \d{1,2} \)                           # 3)
      ) $
""", re.VERBOSE)
BROKEN_NUMBER = re.compile(r"""
    ^ [\dIVXL] [\dIVXL.,:;]* $                 # digits or Roman letters with stray punctuation ("2:3.", "II,")
""", re.VERBOSE)
I_LIKE = re.compile(r"""
    ^ [I1l|]{1,3} [.,:;] $       # what I., II., III. are read as: strokes and a dot of some kind
""", re.VERBOSE)
DOUBT_BELOW = 70.0  # Tesseract confidence under which a line's first word is read again
NUMBER_CHARS = "0123456789IVXL.)"
SPECK_DASH_BELOW = 50.0
GLUED_SPECKS = "-–—_~.,'`"  # read glued to a heading number's first digit: specks, not a sign


def first_words(data: dict) -> list[tuple[int, Optional[int]]]:
    """(index of the first word, index of the second word or None) of each Tesseract line."""
    lines: dict[tuple, list[int]] = {}
    for i, t in enumerate(data["text"]):
        if (t or "").strip() and float(data["conf"][i]) >= 0:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    out = []
    for idx in lines.values():
        idx.sort(key=lambda i: data["left"][i])
        out.append((idx[0], idx[1] if len(idx) > 1 else None))
    return out


def needs_reread(text: str, conf: float, next_text: str = "", line_upper: bool = False) -> bool:
    """Whether a line's first word may be a heading number Tesseract broke: digit-led junk ("1ÍẺ",
    "2:3.", "6,"), a Roman number with a comma ("II,"), or a doubted short capital word before a
    capitalized word in a mixed-case line ("SẼ Tăng cường …" for "5. Tăng cường …")."""
    text = text.strip()
    if not text or HEADING_NUMBER.match(text):
        return False
    if text[0].isdigit() and len(text) <= 5:
        return True
    if BROKEN_NUMBER.match(text) and not text.isalpha():
        return True
    return (conf < DOUBT_BELOW and len(text) <= 3 and text.isupper() and not line_upper
            and next_text[:1].isupper())


def fix_heading_numbers(gray: np.ndarray, data: dict, read: Callable[[np.ndarray], Optional[str]]) -> dict:
    """A copy of Tesseract's data with the lines' first words re-read where needed (`read`: a
    whitelisted OCR of a grey crop). The word Tesseract read is kept under "raw_text"."""
    data = {k: v for k, v in data.items() if k != "_lines"}  # a view of our own: the line index goes in it
    out = {k: list(v) for k, v in data.items()}
    out["raw_text"] = list(out["text"])
    h, w = gray.shape
    for first, second in first_words(data):
        text, conf = data["text"][first].strip(), float(data["conf"][first])
        if text in ("-", "–", "—", ".") and conf < SPECK_DASH_BELOW and second is not None:
            if HEADING_NUMBER.match(data["text"][second].strip()) or needs_reread(
                    data["text"][second], float(data["conf"][second])):
                out["text"][first] = ""  # a speck before a heading number ("- 2. Tổ chức")
                first, text, conf = second, data["text"][second].strip(), float(data["conf"][second])
        nxt = _next_word(data, first)
        if text[:1] in GLUED_SPECKS and HEADING_NUMBER.match(text[1:]) and nxt[:1].isupper():
            # a speck read into the number ("-1.5. Những khó khăn"): no heading number has a sign
            out["text"][first] = text = text[1:]
            continue
        x, y, bw, bh = (data[k][first] for k in ("left", "top", "width", "height"))
        # a tight crop: the lines above and below must not lend it their ink
        crop = gray[max(0, y - 2):min(h, y + bh + 2), max(0, x - 4):min(w, x + bw + 4)]
        if I_LIKE.match(text) and _line_upper(data, first) and crop.size:
            roman = roman_from_stems(crop)  # "III." read as "II,", "I." as "1.": count the strokes
            if roman:
                if roman != text:
                    out["text"][first] = roman
                    out["conf"][first] = max(float(data["conf"][first]), DOUBT_BELOW)
                continue
        if not needs_reread(text, conf, nxt, _line_upper(data, first)):
            continue
        new = (read(crop) or "").strip() if crop.size else ""
        if not HEADING_NUMBER.match(new):
            # the number's dots read as other punctuation ("2:3.", "II,"): the digits were right
            new = re.sub(r"[,:;]", ".", text) if BROKEN_NUMBER.match(text) else ""
        if HEADING_NUMBER.match(new):
            out["text"][first] = new
            out["conf"][first] = max(float(data["conf"][first]), DOUBT_BELOW)
    return out


def _runs(cols: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate(([False], cols, [False]))
    d = np.diff(padded.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def roman_from_stems(crop: np.ndarray) -> Optional[str]:
    """"I.", "II." or "III." from the vertical strokes of a heading number's crop (pure), or None
    when the ink is not one to three upright strokes alike: a slanted pair (V), or the flag of an
    Arabic 1 (ink reaching further left than right at the top of the stroke)."""
    from pipeline.sources.ocr_prepare import otsu_threshold

    mask = crop < otsu_threshold(crop) + 0.5
    rows = np.flatnonzero(mask.any(axis=1))
    if len(rows) < 8:
        return None
    # the strokes' height: the rows where most of the ink's columns are (a dot or comma is short)
    col_height = mask.sum(axis=0)
    tall = col_height >= 0.6 * col_height.max()
    stems_cols = _runs(tall)
    if not 1 <= len(stems_cols) <= 3:
        return None
    # the strokes' own rows and columns (the crop may hold a speck, a comma or another line's ink)
    x0 = max(0, stems_cols[0][0] - (stems_cols[0][1] - stems_cols[0][0]) * 2)
    x1 = stems_cols[-1][1] + (stems_cols[-1][1] - stems_cols[-1][0]) * 2
    # the longest run of rows the strokes fill (not a piece of the next line under them)
    top, end = max(_runs(mask[:, stems_cols[0][0]:stems_cols[-1][1]].any(axis=1)), key=lambda r: r[1] - r[0])
    bottom = end - 1
    height = bottom - top + 1
    middle = mask[top + int(0.3 * height):top + int(0.7 * height) + 1]
    beside = np.flatnonzero(middle.any(axis=0))
    if len(beside) and (beside.min() < stems_cols[0][0] - 1 or beside.max() > stems_cols[-1][1]):
        # ink halfway up beside the strokes: another letter (the V of IV), not a dot or comma
        near = [c for c in beside if stems_cols[0][0] - 2 * (stems_cols[0][1] - stems_cols[0][0]) <= c
                < stems_cols[0][0] - 1 or c > stems_cols[-1][1]]
        if near:
            return None
    mask = mask[:, x0:x1]
    stems_cols = [(a - x0, b - x0) for a, b in stems_cols]
    bands = [mask[top + int(f * height)] for f in (0.35, 0.5, 0.65)]
    band_runs = [_runs(b) for b in bands]
    if any(len(r) != len(stems_cols) for r in band_runs):
        return None  # strokes that meet or part along their height: not upright strokes
    for i in range(len(stems_cols)):
        centres = [(r[i][0] + r[i][1]) / 2 for r in band_runs]
        if max(centres) - min(centres) > max(1.5, 0.05 * height):
            return None  # a slanted stroke (V, X)
    # an Arabic 1's flag: at the top of a stroke, ink well to its left and little to its right
    head = mask[top:top + max(2, height // 5)]
    for i, (a, b) in enumerate(stems_cols):
        # its own share of the head: halfway to the strokes beside it (their serifs are theirs)
        lo = (stems_cols[i - 1][1] + a) // 2 if i else 0
        hi = (b + stems_cols[i + 1][0]) // 2 if i + 1 < len(stems_cols) else head.shape[1]
        cols = np.flatnonzero(head[:, lo:hi].any(axis=0)) + lo
        if len(cols) == 0:
            return None
        left, right = a - cols.min(), cols.max() - (b - 1)
        if left > right + max(2, (b - a) // 2):
            return None
    return "I" * len(stems_cols) + "."


def _line_words(data: dict, i: int) -> list[int]:
    """The words of word i's line, left to right (the lines are indexed once per data dict)."""
    index = data.get("_lines")
    if index is None:
        index = {}
        for j, t in enumerate(data["text"]):
            if (t or "").strip() and float(data["conf"][j]) >= 0:
                index.setdefault((data["block_num"][j], data["par_num"][j], data["line_num"][j]), []).append(j)
        for words in index.values():
            words.sort(key=lambda j: data["left"][j])
        data["_lines"] = index
    return index[(data["block_num"][i], data["par_num"][i], data["line_num"][i])]


def _next_word(data: dict, i: int) -> str:
    words = _line_words(data, i)
    k = words.index(i)
    return data["text"][words[k + 1]].strip() if k + 1 < len(words) else ""


def _line_upper(data: dict, i: int) -> bool:
    letters = [c for j in _line_words(data, i) for c in data["text"][j] if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


MIN_REREAD_CONFIDENCE = 60.0


def numbers_reader(ocr_config: Callable, lang: str) -> Callable[[np.ndarray], Optional[str]]:
    """read() for fix_heading_numbers: the number characters, the crop as it is (enlarging it, and
    psm 8 or 13, lost "5." and "1." on the scans), no word under MIN_REREAD_CONFIDENCE."""
    from pipeline.sources.ocr_tables import whitelist_reader

    return whitelist_reader(ocr_config, lang, NUMBER_CHARS, min_confidence=MIN_REREAD_CONFIDENCE)
