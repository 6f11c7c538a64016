"""Page images → pages of lines through Tesseract 5 (`vie`, LSTM), word boxes and confidences kept.

Tesseract's own structure gives the lines (block, paragraph, line numbers); boxes are converted from
pixels to PDF points (72 per inch) so that sizes and gaps mean what they mean for a born-digital page
and the layout downstream cannot tell the difference. Small raised digits become footnote markers.
"""
from __future__ import annotations

import re
import statistics
from contextlib import contextmanager
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


_VERSION: dict = {}


def pytesseract_module():
    """pytesseract, imported without pandas where pandas is not loaded yet: pytesseract imports it
    (0.27 s of CPU a process, a quarter of a page's Tesseract time) only for Output.DATAFRAME, which
    baocao never asks for. A None in sys.modules makes `import pandas` fail as if it were not
    installed, for the moment of the import only."""
    import sys

    if "pytesseract" not in sys.modules and "pandas" not in sys.modules:
        sys.modules["pandas"] = None  # type: ignore[assignment]
        try:
            import pytesseract  # noqa: F401
        finally:
            del sys.modules["pandas"]
    import pytesseract

    return pytesseract


def tesseract_version() -> Optional[str]:
    """Tesseract's version (asked once a process: each ask runs `tesseract --version`)."""
    if "v" not in _VERSION:
        try:
            _VERSION["v"] = str(pytesseract_module().get_tesseract_version())
        except Exception:  # tesseract missing: the caller reports it
            return None
    return _VERSION["v"]


@dataclass
class _OcrWord:
    text: str
    box: tuple[float, float, float, float]  # points
    conf: float
    key: tuple[int, int, int]  # block, paragraph, line
    mark: Optional[Marker] = None  # a footnote marker found in the ink (offset into this word's text)
    raw: Optional[str] = None  # Tesseract's reading, where the marker was taken out of it


MARK_IS_WORD = 0.5  # a marker covering this share of its word's width is the whole word
SPECK_CONFIDENCE = 25.0  # a word of one or two characters read with less confidence is not text


def is_speck(text: str, conf: float) -> bool:
    """A word Tesseract read from a speck, a stroke of a signature or seal, a rule's remnant ("l",
    "ề", ":", "|"): one or two characters, no digit ("6." stays), read under SPECK_CONFIDENCE."""
    return conf < SPECK_CONFIDENCE and len(text) <= 2 and not any(c.isdigit() for c in text)


def words_from_tesseract(data: dict, scale: float, marks: Optional[list] = None) -> list[_OcrWord]:
    """Tesseract's image_to_data dict → words with boxes in points (pure; testable on a dict).
    `marks`: ocr_marks.RaisedMark found in the ink; each one's reading is taken out of its word."""
    from pipeline.sources.ocr_marks import strip_marker_reading

    by_word = {m.word: m for m in marks or []}
    out = []
    for i, text in enumerate(data["text"]):
        text = nfc(text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        if is_speck(text, conf) and i not in by_word:
            continue
        x, y, w, h = (data[k][i] * scale for k in ("left", "top", "width", "height"))
        word = _OcrWord(text, (x, y, x + w, y + h), conf,
                        (data["block_num"][i], data["par_num"][i], data["line_num"][i]))
        seen = nfc((data.get("raw_text") or data["text"])[i] or "").strip()
        if seen != text:
            word.raw = seen  # what Tesseract read before a re-read (ocr_numbering.py)
        m = by_word.get(i)
        if m is not None:
            left, right = data["left"][i], data["left"][i] + data["width"][i]
            if min(right, m.box[2]) - max(left, m.box[0]) >= MARK_IS_WORD * max(1, right - left):
                word.text, offset = "", 0  # the word is the marker, misread (":", "k"): nothing else is in it
            else:
                word.text, offset = strip_marker_reading(text, m.label, m.at_start)
            word.raw = word.raw or text
            word.mark = Marker(label=m.label, offset=offset, box=tuple(round(v * scale, 2) for v in m.box))
        out.append(word)
    return glued_specks_removed(out)


GLUED_DOT = re.compile(r"""
    ^ (?P<word> [^\W\d_]{2,} ) \. $       # a word of two letters or more, and a full stop
""", re.VERBOSE)
GLUED_BETWEEN = re.compile(r"""
    ^ (?P<left> [^\W\d_]{2,} )            # letters,
    (?P<sep> [-.] )                        # a hyphen or a stop, no space around it,
    (?P<right> [^\W\d_]{2,} )             # letters,
    (?P<tail> [.,;:]? ) $                  # maybe a stop or comma after
""", re.VERBOSE)
GLUED_BEFORE = re.compile(r"""
    ^ (?P<left> [^\W\d_]{2,} )            # a syllable in small letters,
    (?: \. (?= \( ) | [:.;,] - (?= \d ) )  # a stop glued to an opening bracket, or ":-" to a number
    (?P<right> \S+ ) $                     # "tỉnh.(qua", "năm:-2030."
""", re.VERBOSE)
GLUED_QUOTE = re.compile(r"""
    ^ ['`]* (?P<word> [^\W\d_]+ ) ['`]*   # a word with straight quotes or backticks glued on
    (?P<tail> [.,;:]? ) $                  # maybe a stop or comma after
""", re.VERBOSE)


def glued_specks_removed(words: list[_OcrWord]) -> list[_OcrWord]:
    """A speck read as punctuation glued to a word, in prose: a full stop after a lower-case syllable
    when the next word of its block starts in lower case ("giải. pháp": Vietnamese sentences open with a
    capital), a hyphen between two lower-case syllables ("lợi-của": compounds are not hyphenated;
    "Lao động - Thương binh" spaces its dash) or a stop between two syllables with no space
    ("điền.thông"), a stop glued before "(" or ":-" before a number, a straight quote or backtick on a syllable (Vietnamese
    has no apostrophes; its quotes are curly). The reading stays in the word's raw."""
    from extractors.restore import is_syllable_form

    for i, w in enumerate(words):
        if w.mark is not None:
            continue
        # the next word of the block: of the line, or the next line's first (a stop ending a line
        # before one that starts in lower case is as wrong)
        nxt = words[i + 1] if i + 1 < len(words) and words[i + 1].key[0] == w.key[0] else None
        m = GLUED_DOT.match(w.text)
        if (m and m["word"][1:].islower() and is_syllable_form(m["word"]) and nxt is not None
                and nxt.text[:1].isalpha() and nxt.text[:1].islower()):
            w.raw, w.text = w.raw or w.text, m["word"]  # "giải. pháp", "Chỉ. thị"
            continue
        m = GLUED_QUOTE.match(w.text)
        if m and m["word"] != w.text.rstrip(".,;:") and is_syllable_form(m["word"]):
            w.raw, w.text = w.raw or w.text, m["word"] + m["tail"]  # "'TRIỂN", "của'": no apostrophes
            continue
        m = GLUED_BETWEEN.match(w.text)
        # "lợi-của", "điền.thông", "Xã.hội": a stop may follow a capitalized syllable, a hyphen may not
        left_case = m and (m["left"].islower() if m["sep"] == "-" else m["left"][1:].islower())
        if (left_case and m["right"].islower() and is_syllable_form(m["left"])
                and is_syllable_form(m["right"])):
            w.raw, w.text = w.raw or w.text, f"{m['left']} {m['right']}{m['tail']}"
            continue
        m = GLUED_BEFORE.match(w.text)
        if m and m["left"].islower() and is_syllable_form(m["left"]):
            w.raw, w.text = w.raw or w.text, f"{m['left']} {m['right']}"  # a speck glued before "(" or a number
    return words


def lines_from_words(words: list[_OcrWord], number: int) -> list[Line]:
    """One Line per Tesseract line, split where a wide gap separates two columns (Tesseract may run a
    Nơi nhận line and the signature beside it into one line), as the PDF sources split theirs; a
    paragraph or block change is a paragraph break."""
    from pipeline.sources.pdf_layout import COLUMN_GAP

    groups: dict[tuple[int, int, int], list[_OcrWord]] = {}
    for w in words:
        groups.setdefault(w.key, []).append(w)
    lines: list[Line] = []
    prev_par = None
    for key in sorted(groups, key=lambda k: (min(w.box[1] for w in groups[k]), k)):
        ws = sorted(groups[key], key=lambda w: w.box[0])
        _repair_doubtful_marks(ws)
        ws = _without_gap_strays(ws, COLUMN_GAP)
        segments = [[ws[0]]]
        for w in ws[1:]:
            if w.box[0] - segments[-1][-1].box[2] > COLUMN_GAP:
                segments.append([])
            segments[-1].append(w)
        par = key[:2]
        for i, seg in enumerate(segments):
            lines.append(_line_of(seg, number, break_before=par != prev_par or i > 0))
        prev_par = par
    return lines


CANNOT_START_LINE = set(":;,.'`’")
DOT_SHARE = 0.15  # of the line's word height: a "," ":" ";" read from a blob no taller is a dot
DOT_MARKS = frozenset(".,:;-")
SPECK_DASH_CONFIDENCE = 80.0  # a list's dash reads at 90+ …
SPECK_DASH_WIDTH = 0.18  # … and is a quarter of the line's height wide or more (a speck: a tenth)
SPECKED_BULLET = re.compile(r"""
    ^ [_~.,'`‘]{1,3}     # specks before the dash …
    ( [-–+•] ) $         # … of a list item
""", re.VERBOSE)
SAME_SHAPE_CASE = set("cosuvwxz")  # letters whose capital is the small letter enlarged: OCR mixes their case


DOUBLED_QUOTE = re.compile(r"""
    (?: (?<=\s) | ^ )          # opening a word …
    ['‘’`] \s? ['‘’`]          # … two single quotes, perhaps spaced: Tesseract's reading of one double quote
    (?= \w )
""", re.VERBOSE)


def quotes_fixed(text: str) -> str:
    """A double quote that Tesseract read as two single ones ("' 'Cấp" → '"Cấp') (pure)."""
    return DOUBLED_QUOTE.sub('"', text)


def shape_case_fixed(text: str) -> str:
    """Words Tesseract read in capitals that are small letters (pure): a syllable of letters whose two
    cases differ only in size, with a diacritic (no acronym has one), after a word ending in a small
    letter ("tổng dân SỐ" → "tổng dân số"; "BHYT", "CSVC", "NGƯỜI DÂN SỐ" stay); opening the text or a
    sentence before a word in small letters, only its first letter is a capital ("SỐ người" → "Số
    người": a line in capitals goes on in capitals)."""
    from unidecode import unidecode

    words = text.split(" ")
    for i in range(len(words)):
        letters = [c for c in words[i] if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            continue
        if not all(unidecode(c).lower() in SAME_SHAPE_CASE for c in letters):
            continue
        if all(unidecode(c) == c for c in letters):
            continue  # no diacritic: an acronym ("CSVC") may be written so
        before = [c for c in words[i - 1] if c.isalpha()] if i else []
        opens = not i or words[i - 1].endswith((".", ":", "?", "!"))
        if before and before[-1].islower() and not opens:
            words[i] = words[i].lower()
        elif opens and len(letters) > 1 and i + 1 < len(words):
            after = next((c for c in words[i + 1] if c.isalpha()), "")
            if after.islower():
                words[i] = words[i][:1] + words[i][1:].lower()
    return " ".join(words)


def _without_gap_strays(ws: list[_OcrWord], column_gap: float) -> list[_OcrWord]:
    """The words of a line without specks read as punctuation: alone in a column gap (a ":" or "-"
    between a header's two columns would join them into one line), opening the line, no taller than
    a dot, or a lone underscore."""
    letter_heights = [w.box[3] - w.box[1] for w in ws if any(c.isalpha() for c in w.text)]
    dot_height = DOT_SHARE * statistics.median(letter_heights) if letter_heights else None
    keep = []
    for i, w in enumerate(ws):
        if w.mark is None and _read_twice(w, ws[i + 1] if i + 1 < len(ws) else None):
            nxt = ws[i + 1]  # "thành ủ Ủy,": the start of the next word read once more, on its ink …
            if w.conf > nxt.conf and w.text[:1].islower() and nxt.text[:1].isupper():
                nxt.raw = nxt.raw or nxt.text  # … and more surely: its case is the word's
                nxt.text = nxt.text[:1].lower() + nxt.text[1:]
            continue
        if w.mark is not None:
            pass  # a footnote marker Tesseract read as "'": the mark is kept with its word
        elif dot_height is not None and w.text in ("_", "__"):
            continue  # an underscore alone between words: a fill-in blank is a run of them, not one
        elif (dot_height is not None and w.text and set(w.text) <= DOT_MARKS and any(c in ",:;" for c in w.text)
              and w.box[3] - w.box[1] <= dot_height):
            continue  # a dot read whole as ":" "," "-:" ("Quỹ : BHYT"): those marks have a tail or a second dot
        elif i == 0 and len(ws) > 1 and w.text and set(w.text) <= CANNOT_START_LINE:
            continue  # a speck in the margin read as ":" or ",": no line starts with one
        elif i == 0 and len(ws) > 1 and w.text in ("-", "–") and w.conf < SPECK_DASH_CONFIDENCE and \
                w.box[2] - w.box[0] < SPECK_DASH_WIDTH * statistics.median(x.box[3] - x.box[1] for x in ws[1:]):
            continue  # a dot in the margin read as a dash: a list's dash is wider, and read surely
        elif 0 < i < len(ws) - 1 and not any(c.isalnum() for c in w.text):
            left, right = w.box[0] - ws[i - 1].box[2], ws[i + 1].box[0] - w.box[2]
            if ws[i + 1].box[0] - ws[i - 1].box[2] > column_gap and min(left, right) > column_gap / 3:
                continue
        keep.append(w)
    while (len(keep) > 1 and keep[-1].mark is None and keep[-1].text and not any(c.isalnum() for c in keep[-1].text)
           and keep[-2].text.endswith((".", ";", ":", "!", "?"))):
        keep.pop()  # specks after the sentence's own full stop ("năm 2030. :")
    if keep and SPECKED_BULLET.match(keep[0].text):
        first = keep[0]
        keep[0] = _OcrWord(SPECKED_BULLET.match(first.text).group(1), first.box, first.conf, first.key, first.mark,
                           first.raw or first.text)  # "__-" → "-": specks read before a list's dash
    return keep


READ_TWICE_OVERLAP = 0.6  # of a word's width inside the next word's box: the same ink


def _read_twice(w: _OcrWord, nxt: Optional[_OcrWord]) -> bool:
    """Whether `w` is the beginning of the next word read a second time (Tesseract's "ủ" over the
    ink of "Ủy,"): its box mostly inside the next word's, its letters the start of the next word's
    (case and marks aside)."""
    from extractors.restore import fold

    if nxt is None or not w.text or not nxt.text or len(w.text) >= len(nxt.text):
        return False
    width = w.box[2] - w.box[0]
    inside = min(w.box[2], nxt.box[2]) - max(w.box[0], nxt.box[0])
    return width > 0 and inside >= READ_TWICE_OVERLAP * width and fold(nxt.text).startswith(fold(w.text))


def _repair_doubtful_marks(ws: list[_OcrWord]) -> None:
    """Diacritics of the words Tesseract doubted, repaired from the line (extractors/restore.py);
    the word keeps Tesseract's reading as its raw text."""
    from extractors.restore import repair_uncertain_words

    read = [w for w in ws if w.text]
    for w, new in zip(read, repair_uncertain_words([w.text for w in read], [w.conf for w in read])):
        if new != w.text:
            w.raw = w.raw or w.text
            w.text = new


def _line_of(ws: list[_OcrWord], number: int, break_before: bool) -> Line:
    line_h = statistics.median(w.box[3] - w.box[1] for w in ws)
    base = statistics.median(w.box[3] for w in ws)
    text, markers = "", []
    for w in ws:
        h = w.box[3] - w.box[1]
        raised = w.box[3] < base - 0.25 * line_h
        if w.mark is None and w.text.isdigit() and len(w.text) <= 3 and h < 0.7 * line_h and raised and text:
            markers.append(Marker(label=w.text, offset=len(text), box=w.box))
            continue
        start = len(text) + 1 if text and w.text else len(text)
        if w.text:
            text = f"{text} {w.text}" if text else w.text
        if w.mark is not None:
            markers.append(Marker(label=w.mark.label, offset=start + w.mark.offset, box=w.mark.box))
    box = (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws),
           max(w.box[3] for w in ws))
    # cap height plus marks ≈ 0.8 of the type size in points
    return Line(text=quotes_fixed(shape_case_fixed(collapse(text))), page=number, box=box, size=round(line_h / 0.8, 1), markers=markers,
                confidence=round(statistics.mean(w.conf for w in ws), 1), break_before=break_before,
                raw=" ".join(w.raw or w.text for w in ws))


def ocr_image(image, number: int, settings: OcrSettings = OcrSettings(), image_dpi: Optional[float] = None) -> Page:
    """OCR one page image (PIL) into a Page of lines in points. Raises OcrError naming the page."""
    try:
        return page_from_image(image, number, settings, image_dpi)
    except OcrError as exc:
        raise OcrError(f"page {number}: {exc}") from exc


# --- the per-page choice, parallel OCR with a time limit, and the cache -----------------------------

MIN_WORDS_TO_JUDGE = 30  # a text layer with fewer words says too little about its language
NOT_VIETNAMESE_BELOW = 0.5  # Vietnamese score under which a text layer is an English-model OCR's


def page_needs_ocr(page: Page, policy: str) -> Optional[str]:
    """Why this page must be OCR'd ("" or None: use its text layer). policy: auto | always | never."""
    if policy == "never":
        return None
    if policy == "always":
        return "OCR forced (--ocr always)"
    if "needs OCR" in page.mode_reason:
        return page.mode_reason.replace(": needs OCR", "")
    text = " ".join(ln.text for ln in page.lines)
    import re

    if len(re.findall(r"[^\W\d_]{2,}", text)) < MIN_WORDS_TO_JUDGE:
        return None
    from extractors.restore import vietnamese_score

    score = vietnamese_score(text)
    if score < NOT_VIETNAMESE_BELOW:
        return f"text layer is not Vietnamese as written (score {score:.2f}): OCR'd again with vie"
    return None


def cache_dir() -> "Path":
    import os
    from pathlib import Path

    return Path(os.environ.get("BAOCAO_CACHE", Path.home() / ".cache" / "baocao")) / "ocr"


def _cache_key(image, settings: OcrSettings, version: Optional[str]) -> str:
    import hashlib

    h = hashlib.sha256()
    h.update(f"{version}|{settings.lang}|{settings.psm}|{settings.oem}|{settings.dpi}|{image.size}".encode())
    h.update(image.tobytes())
    return h.hexdigest()


def tesseract_data_cached(image, settings: OcrSettings) -> dict:
    """Tesseract's image_to_data for this image and settings, from the cache when it was seen before
    (keyed by the image's pixels, the Tesseract version and the settings)."""
    key = _cache_key(image, settings, tesseract_version())
    return image_to_data_cached(image, settings.lang, settings.config, settings.timeout, key)


@contextmanager
def _netpbm_file(image):
    """The image in a temporary PGM/PPM file for Tesseract: written in milliseconds, where the PNG
    pytesseract writes costs about 0.1 s a page to compress (Tesseract reads the same pixels)."""
    import os
    import tempfile

    if image.mode not in ("L", "RGB", "1"):
        image = image.convert("RGB")
    fd, path = tempfile.mkstemp(prefix="baocao-ocr-", suffix=".pnm")
    try:
        with os.fdopen(fd, "wb") as f:
            image.save(f, format="PPM")
        yield path
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def image_to_data_cached(image, lang: str, config: str, timeout: float, key: str) -> dict:
    """pytesseract's image_to_data (a dict) through the cache entry `key`; Tesseract's failures and
    timeouts become OcrError (not cached: they may not happen again)."""
    import json
    import os

    pytesseract = pytesseract_module()
    path = cache_dir() / key[:2] / f"{key}.json"
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # a damaged entry is recomputed
    try:
        with _netpbm_file(image) as image_path:
            data = pytesseract.image_to_data(image_path, lang=lang, config=config,
                                             output_type=pytesseract.Output.DICT, timeout=timeout)
    except pytesseract.TesseractError as exc:  # first: a TesseractError is a RuntimeError too
        raise OcrError(f"Tesseract failed ({exc.message or f'exit status {exc.status}'})") from exc
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
        raise OcrError(f"Tesseract stopped after {timeout:.0f} s ({exc})") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # no cache is no error
    return data


ORIENTATION_DOUBT_CONFIDENCE = 80.0  # mean word confidence under which the page may be turned (upright: 90–96)
MIN_WORDS_FOR_DOUBT = 10  # fewer words than this say nothing about the page's orientation


def orientation_in_doubt(words: list[_OcrWord]) -> bool:
    """Whether Tesseract's reading of a page suggests that the page is not upright: an upside-down
    page reads at low confidence; a sideways one reads well but its word boxes stand tall."""
    long_words = [w for w in words if len(w.text) >= 3]
    if len(long_words) < MIN_WORDS_FOR_DOUBT:
        return False
    if statistics.mean(w.conf for w in long_words) < ORIENTATION_DOUBT_CONFIDENCE:
        return True
    return statistics.median((w.box[3] - w.box[1]) / max(1e-6, w.box[2] - w.box[0]) for w in long_words) > 1.0


def page_from_image(image, number: int, settings: OcrSettings, image_dpi: Optional[float]) -> Page:
    """OCR one page image. Orientation is checked only when the reading is in doubt: Tesseract's
    OSD costs about a third of a page's OCR, and almost every page of an archive is upright."""
    from pipeline.sources.ocr_prepare import BLANK, MIN_OSD_CONFIDENCE, ROTATED, osd, prepare, rotate_upright, steps_for

    img, dpi = _resampled(image, image_dpi, settings)
    check_orientation = bool(steps_for(settings)["orientation"])
    prepared, notes = prepare(img, settings, {"orientation": False})  # blank page, deskew: ocr_prepare.py
    scale = POINTS_PER_INCH / dpi
    if BLANK in notes:  # nothing to read: not OCR'd
        return Page(number=number, lines=[], mode="ocr", mode_reason=BLANK, width=prepared.width * scale,
                    height=prepared.height * scale)
    page, words = _read_prepared(prepared, dpi, number, settings)
    if check_orientation and orientation_in_doubt(words):
        timeout = min(60.0, float(settings.timeout))
        rotate, conf, why = osd(img, timeout)
        if why and not why.startswith("too few"):
            notes.append(f"orientation not checked: {why}")
        elif rotate and conf is not None and conf >= MIN_OSD_CONFIDENCE:
            prepared, more = prepare(rotate_upright(img, rotate), settings, {"orientation": False})
            notes = [ROTATED[rotate]] + more
            page, words = _read_prepared(prepared, dpi, number, settings)
        elif rotate:
            notes.append(f"orientation {rotate}° left alone (OSD confidence {conf:.1f})")
    page.mode_reason = "; ".join(notes)
    return page


def _resampled(image, image_dpi: Optional[float], settings: OcrSettings):
    """The page image in grey at the OCR resolution, and that resolution."""
    img = image.convert("L")
    dpi = image_dpi or settings.dpi
    if abs(dpi - settings.dpi) > 5:
        f = settings.dpi / dpi
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))))
        dpi = settings.dpi
    return img, dpi


def image_as_read(image, image_dpi: Optional[float], mode_reason: str = "", settings: OcrSettings = OcrSettings()):
    """The page image as page_from_image gave it to Tesseract — resampled, turned as its mode reason
    says (page_from_image decides that only when in doubt), prepared — and its resolution; for
    drawing boxes over it (pipeline/review)."""
    from pipeline.sources.ocr_prepare import ROTATED, prepare, rotate_upright

    img, dpi = _resampled(image, image_dpi, settings)
    turn = next((r for r, note in ROTATED.items() if note in (mode_reason or "")), 0)
    img, _ = prepare(rotate_upright(img, turn) if turn else img, settings, {"orientation": False})
    return img, dpi


def _read_prepared(img, dpi: float, number: int, settings: OcrSettings) -> tuple[Page, list[_OcrWord]]:
    """A prepared page image → its Page (tables cell by cell, prose, footnote marks and area) and
    the prose words."""
    import numpy as np

    from pipeline.sources.ocr_tables import read_page

    scale = POINTS_PER_INCH / dpi
    tables = read_page(img, dpi, number, settings)  # ruled tables, cell by cell: pipeline/sources/ocr_tables.py
    prose = tables.prose_image(img)
    data = tesseract_data_cached(prose, settings)
    gray = np.asarray(prose.convert("L"))  # once, for both searches below
    data = heading_numbers(gray, data, settings)  # "SẼ" → "5.": ocr_numbering.py
    data = lost_words_read(gray, data, dpi, settings)  # lines Tesseract gave up on: ocr_lost.py
    marks = footnote_marks(gray, data, settings)  # raised digits and the footnote rule: ocr_marks.py
    words = [w for w in words_from_tesseract(data, scale, marks.marks) if not tables.covers(w.box)]
    conf = round(statistics.mean(w.conf for w in words if w.text), 1) if any(w.text for w in words) else None
    lines = tables.merge(lines_from_words(words, number))
    marks.mark_footnote_area(lines, img.width * scale, img.height * scale)
    # paragraph breaks from the geometry, as on a PDF page (Tesseract starts a paragraph at many
    # headings' second line); a table's rows keep theirs (merge: a table starts a paragraph)
    sizes = [ln.size for ln in lines if ln.size and ln.cells is None and ln.role == "body"]
    if sizes:
        from pipeline.sources.pdf_layout import _mark_paragraph_breaks

        table_breaks = {id(ln): ln.break_before for ln in lines if ln.cells is not None}
        _mark_paragraph_breaks(lines, statistics.median(sizes))
        _mark_breaks_after_short_lines(lines)
        for ln in lines:
            if ln.cells is not None:
                ln.break_before = table_breaks[id(ln)]
    return Page(number=number, lines=lines, mode="ocr", width=img.width * scale, height=img.height * scale,
                confidence=conf), words


SHORT_LINE = 3.0  # × type size short of the text's right edge: the line ended its paragraph


def _mark_breaks_after_short_lines(lines: list[Line]) -> None:
    """A paragraph break before a capitalised line under a short line that starts at the margin or
    its indent (a heading, or a paragraph's last line): justified text fills its lines, and OCR'd
    line gaps are too uneven to tell a heading from the paragraph under it. Centred lines (titles)
    are not at the margin and keep their lines together."""
    body = [ln for ln in lines if ln.cells is None and ln.role == "body" and ln.box and ln.size]
    if len(body) < 3:
        return
    left = min(ln.box[0] for ln in body)
    right = max(ln.box[2] for ln in body)
    in_body = {id(ln) for ln in body}  # (a Line compares by value: `in body` would compare every field)
    for prev, ln in zip(lines, lines[1:]):
        if ln.break_before or id(ln) not in in_body or id(prev) not in in_body or prev.page != ln.page:
            continue
        first = next((c for c in ln.text if c.isalpha()), "")
        if (first.isupper() and prev.box[0] <= left + 2.5 * prev.size
                and prev.box[2] < right - SHORT_LINE * prev.size and not prev.text.rstrip().endswith((",", ";"))):
            ln.break_before = True


def _numeral_ocr(settings: OcrSettings):
    """(ocr_config, lang) for the whitelisted re-reads of numbers: `eng` where installed (digits and
    Roman capitals need no Vietnamese), through the OCR cache."""
    from pipeline.sources.ocr_tables import NUMERAL_LANG, tesseract_config_cached, tesseract_languages

    lang = NUMERAL_LANG if NUMERAL_LANG in tesseract_languages() else settings.lang
    return (lambda im, lg, cfg: tesseract_config_cached(im, lg, cfg, settings.timeout)), lang


def heading_numbers(gray, data: dict, settings: OcrSettings) -> dict:
    """Tesseract's data with broken heading numbers read again (pipeline/sources/ocr_numbering.py);
    `gray`: the prose image as an array."""
    from pipeline.sources.ocr_numbering import fix_heading_numbers, numbers_reader

    return fix_heading_numbers(gray, data, numbers_reader(*_numeral_ocr(settings)))


def lost_words_read(gray, data: dict, dpi: float, settings: OcrSettings) -> dict:
    """Tesseract's data with the runs it returned unread read again as lines (ocr_lost.py), in the
    page's language, through the cache."""
    from pipeline.sources.ocr_lost import line_reader, reread_lost_words
    from pipeline.sources.ocr_tables import tesseract_config_cached

    reader = line_reader(lambda im, lg, cfg: tesseract_config_cached(im, lg, cfg, settings.timeout), settings.lang)
    return reread_lost_words(gray, data, dpi, reader)


def footnote_marks(gray, data: dict, settings: OcrSettings):
    """The page's footnote markers (read in the ink) and footnote rule; BAOCAO_OCR_MARKS=0 turns
    the marker search off (the rule is still used). `gray`: the prose image as an array."""
    import os

    from pipeline.sources.ocr_marks import PageMarks, digits_reader, find_raised_marks, footnote_rules
    from pipeline.sources.ocr_tables import otsu_threshold

    mask = gray < otsu_threshold(gray)
    rules = footnote_rules(mask, settings.dpi, POINTS_PER_INCH / settings.dpi)
    if os.environ.get("BAOCAO_OCR_MARKS", "1").strip() == "0":
        return PageMarks([], rules)
    return PageMarks(find_raised_marks(gray, data, digits_reader(*_numeral_ocr(settings)), mask), rules)


def _ocr_pdf_page(job: tuple) -> tuple[int, Optional[Page], Optional[str]]:
    """Worker: render one PDF page with PDFium and OCR it (runs in a child process)."""
    data, password, index, settings = job
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data, password=password)
        try:
            page = pdf[index]
            image = page.render(scale=settings.dpi / POINTS_PER_INCH, grayscale=True).to_pil()
            page.close()
        finally:
            pdf.close()
        return index, page_from_image(image, index + 1, settings, settings.dpi), None
    except OcrError as exc:
        return index, None, f"page {index + 1}: {exc}"
    except Exception as exc:  # a page that cannot be rendered fails alone
        return index, None, f"page {index + 1}: {type(exc).__name__}: {exc}"


def _ocr_image_frame(job: tuple) -> tuple[int, Optional[Page], Optional[str]]:
    image, index, dpi, settings = job
    try:
        return index, page_from_image(image, index + 1, settings, dpi), None
    except OcrError as exc:
        return index, None, f"page {index + 1}: {exc}"
    except Exception as exc:
        return index, None, f"page {index + 1}: {type(exc).__name__}: {exc}"


def run_parallel(worker, jobs: list, workers: Optional[int] = None) -> list:
    """Run OCR jobs on all cores, one single-threaded Tesseract per process (Tesseract's own threads
    gain nothing on a page; two processes nearly double the pages per second)."""
    import os

    os.environ["OMP_THREAD_LIMIT"] = "1"
    workers = workers or int(os.environ.get("BAOCAO_OCR_WORKERS", 0)) or (os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 1:
        return [worker(j) for j in jobs]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(pool.map(worker, jobs))


def ocr_pdf_pages(doc, data: bytes, password: Optional[str], policy: str,
                  settings: OcrSettings = OcrSettings()) -> None:
    """Replace the pages of a PDF SourceDoc that need OCR by their OCR'd version, recording why."""
    from pipeline.record import ErrorItem

    todo = []
    for i, page in enumerate(doc.pages):
        reason = page_needs_ocr(page, policy)
        if reason:
            todo.append((i, reason))
        elif page.mode_reason and "needs OCR" in page.mode_reason and policy == "never":
            doc.warnings.append(f"{doc.file} page {page.number}: {page.mode_reason}; OCR disabled (--ocr never)")
    if not todo:
        return
    if tesseract_version() is None:
        for i, reason in todo:
            doc.errors.append(ErrorItem(stage="ocr", page=i + 1, message=f"{doc.file} page {i + 1}: {reason}, "
                                        "but Tesseract is not installed"))
        return
    results = run_parallel(_ocr_pdf_page, [(data, password, i, settings) for i, _ in todo])
    reasons = dict(todo)
    for index, page, error in results:
        if page is None:
            doc.errors.append(ErrorItem(stage="ocr", page=index + 1, message=f"{doc.file} {error}"))
            continue
        page.mode_reason = "; ".join(r for r in (reasons[index], page.mode_reason) if r)  # + prepare's notes
        doc.warnings.append(f"{doc.file} page {index + 1}: {reasons[index]}")
        doc.pages[index] = page
    doc.ocr = ocr_info(doc.pages, settings)


def ocr_info(pages: list[Page], settings: OcrSettings) -> Optional[dict]:
    confs = [p.confidence for p in pages if p.mode == "ocr" and p.confidence is not None]
    if not any(p.mode == "ocr" for p in pages):
        return None
    return {"engine": "tesseract", "version": tesseract_version(), "lang": settings.lang,
            "mean_confidence": round(statistics.mean(confs), 1) if confs else None}


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".tif": "image/tiff",
               ".tiff": "image/tiff"}


def image_dpi(image) -> float:
    """The image's resolution as stored, else as if it were an A4 page (its long side 11.69 in)."""
    dpi = image.info.get("dpi")
    if dpi and dpi[0] and dpi[0] > 30:
        return float(dpi[0])
    return max(image.size) / 11.69


def image_to_source(data: bytes, file: str, sha256: str, settings: OcrSettings = OcrSettings(),
                    max_pages: Optional[int] = None):
    """PNG, JPEG or (multi-page) TIFF → a SourceDoc of OCR'd pages."""
    import io
    from pathlib import Path

    from PIL import Image, ImageSequence, UnidentifiedImageError

    from pipeline.document import SourceDoc
    from pipeline.record import ErrorItem
    from pipeline.sources.errors import SourceError

    try:
        img = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(img)]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SourceError(file, f"not a readable image ({exc})")
    if max_pages is not None:
        frames = frames[:max_pages]
    if tesseract_version() is None:
        raise SourceError(file, "an image needs OCR, and Tesseract is not installed")
    media = IMAGE_TYPES.get(Path(file).suffix.lower(), Image.MIME.get(img.format or "", "image/png"))
    jobs = [(f, i, image_dpi(f), settings) for i, f in enumerate(frames)]
    doc = SourceDoc(file=file, sha256=sha256, media_type=media, pages=[])
    for index, page, error in run_parallel(_ocr_image_frame, jobs):
        if page is None:
            doc.errors.append(ErrorItem(stage="ocr", page=index + 1, message=f"{file} {error}"))
            page = Page(number=index + 1, lines=[], mode="ocr", mode_reason=f"OCR failed: {error}")
        else:
            page.mode_reason = "; ".join(r for r in ("image: OCR", page.mode_reason) if r)  # + prepare's notes
        doc.pages.append(page)
    doc.ocr = ocr_info(doc.pages, settings)
    return doc
