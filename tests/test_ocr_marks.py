"""Footnotes in page images (pipeline/sources/ocr_marks.py): raised marker digits found in the ink
and read with a digits-only Tesseract, their misreading taken out of the word, the footnote rule and
the footnote area; on lines drawn with PIL (known geometry) and on a real scanned page of a sample,
with the real Tesseract. Every test has its own empty ``BAOCAO_CACHE``."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.document import Line
from pipeline.sources import ocr_marks as M
from pipeline.sources.ocr import OcrSettings, page_from_image

ROOT = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DPI = 200




needs_tesseract = pytest.mark.needs_tesseract


@pytest.fixture(autouse=True)
def _own_cache(own_ocr_cache):
    return own_ocr_cache


# ---- taking the marker's reading out of its word ---------------------------------------------------
@pytest.mark.parametrize("text, label, at_start, expected", [
    ("vị?;", "2", False, ("vị;", 2)),  # the marker read as "?", before a semicolon
    ("dạng?,", "3", False, ("dạng,", 4)),
    ("bản!", "1", False, ("bản", 3)),
    ("nghiệp1", "1", False, ("nghiệp", 6)),  # read as its own digit, glued on
    ("nghiệp12.", "12", False, ("nghiệp.", 6)),
    ("2019", "3", False, ("2019", 4)),  # Tesseract left the marker out: the digits are the word's
    ("20193", "3", False, ("2019", 4)),  # … or read it glued to a number
    ("đơn", "2", False, ("đơn", 3)),  # nothing to take out
    ("vị²", "2", False, ("vị", 2)),
    ("?", "2", False, ("", 0)),  # the word was the marker alone
    ("?", "2", True, ("", 0)),
    ("2", "2", True, ("", 0)),
    ("*", "4", True, ("", 0)),
    ("'Từ", "2", True, ("Từ", 0)),  # a footnote body's first word with its marker glued in front
    ("2Từ", "2", True, ("Từ", 0)),
    ("Công", "1", True, ("Công", 0)),
    (".?", "2", True, ("", 0)),  # a line-opening marker read as "." and "?"
    (":Dòng", "1", True, ("Dòng", 0)),
])
def test_strip_marker_reading(text, label, at_start, expected):
    assert M.strip_marker_reading(text, label, at_start) == expected


# ---- raised blobs on drawn lines --------------------------------------------------------------------
def draw_line(parts, size=36, slope=0.0):
    """A line of text drawn with PIL: parts are (text, superscript?); returns the grey array and the
    x-range of each part. `slope`: pixels the baseline drops per 1,000 pixels (residual skew)."""
    font = ImageFont.truetype(FONT, size)
    small = ImageFont.truetype(FONT, round(size * 0.62))
    img = Image.new("L", (1800, 3 * size), 255)
    d = ImageDraw.Draw(img)
    x, base, spans = 20, 2 * size, []
    for text, sup in parts:
        f = small if sup else font
        y = base + x * slope / 1000
        d.text((x, y - (0.35 * size if sup else 0)), text, font=f, fill=0, anchor="ls")
        w = d.textlength(text, font=f)
        spans.append((x, x + w))
        x += w
    return np.asarray(img), spans


def test_a_raised_digit_is_found_and_nothing_else():
    gray, spans = draw_line([("Cơ quan đơn vị", False), ("2", True), ("; nhanh chóng khắc phục, xóa bỏ", False)])
    blobs = M.raised_blobs(gray < 128)
    assert len(blobs) == 1
    x0, _, x1, _ = blobs[0]
    assert spans[1][0] - 2 <= x0 and x1 <= spans[1][1] + 2


def test_a_two_digit_marker_is_one_blob_and_a_leaning_line_still_works():
    gray, spans = draw_line([("tham gia bảo hiểm y tế", False), ("12", True), (" trên địa bàn thành phố", False)],
                            slope=6.0)
    blobs = M.raised_blobs(gray < 128)
    assert len(blobs) == 1
    assert spans[1][0] - 2 <= blobs[0][0] and blobs[0][2] <= spans[1][1] + 2


@pytest.mark.parametrize("text", [
    "Tổng hợp kết quả thực hiện năm 2023 của huyện",  # capitals, digits, stacked diacritics
    "Quyết định số 1234/QĐ-UBND ngày 20/12/2023",
    "ủy ban nhân dân; ở địa phương, cơ quan, đơn vị",
])
def test_no_blob_on_a_line_without_markers(text):
    gray, _ = draw_line([(text, False)])
    assert M.raised_blobs(gray < 128) == []


@needs_tesseract
def test_find_raised_marks_reads_the_digit_and_ties_it_to_its_word():
    import pytesseract

    from pipeline.sources.ocr_tables import tesseract_config_cached

    gray, _ = draw_line([("Cơ quan đơn vị", False), ("2", True), ("; nhanh chóng khắc phục", False)])
    data = pytesseract.image_to_data(Image.fromarray(gray), lang="vie", config="--psm 7",
                                     output_type=pytesseract.Output.DICT)
    reader = M.digits_reader(lambda im, lang, cfg: tesseract_config_cached(im, lang, cfg, 30), "eng")
    marks = M.find_raised_marks(gray, data, reader)
    assert [m.label for m in marks] == ["2"]
    word = data["text"][marks[0].word]
    assert word.startswith("vị")
    assert M.strip_marker_reading(word, "2", marks[0].at_start)[0] in ("vị;", "vị")


def test_a_blob_that_does_not_read_as_digits_is_no_marker():
    gray, _ = draw_line([("Cơ quan đơn vị", False), ("2", True), ("; nhanh", False)])
    data = {"text": ["Cơ", "quan", "đơn", "vị?;", "nhanh"], "conf": [90] * 5, "block_num": [1] * 5,
            "par_num": [1] * 5, "line_num": [1] * 5, "left": [20, 80, 200, 300, 400], "top": [40] * 5,
            "width": [50, 100, 90, 80, 150], "height": [40] * 5}
    assert M.find_raised_marks(gray, data, lambda crop: None) == []
    assert M.find_raised_marks(gray, data, lambda crop: "ab") == []
    assert [m.label for m in M.find_raised_marks(gray, data, lambda crop: "2")] == ["2"]


# ---- the footnote rule and area ---------------------------------------------------------------------
def page_mask(rules):
    """A 200-dpi A4 page mask with horizontal rules (x0, x1, y) in pixels, 3 px thick."""
    m = np.zeros((2339, 1654), dtype=bool)
    for x0, x1, y in rules:
        m[y:y + 3, x0:x1] = True
    return m


@pytest.mark.parametrize("rules, found", [
    ([(236, 670, 1800)], 1),  # a short rule low on the page: the footnote rule
    ([(236, 1420, 1800)], 0),  # a full-width rule is not one
    ([(236, 670, 300)], 0),  # high on the page: a title's underline
    ([(236, 300, 1800)], 0),  # too short: a dash
])
def test_footnote_rule(rules, found):
    got = M.footnote_rules(page_mask(rules), DPI, 72 / DPI)
    assert len(got) == found
    if found:
        assert got[0]["x0"] == pytest.approx(236 * 72 / DPI, abs=1)
        assert got[0]["top"] == pytest.approx(1800 * 72 / DPI, abs=1.5)


def test_footnote_rule_broken_in_turn_on_two_rows_is_found():
    """A thin rule of a 300-dpi bilevel scan read at 200 dpi straddles two pixel rows: each row has
    its ink broken every few pixels (gaps of 4 px, more than a rule's bridged breaks), where the
    other row has it."""
    m = np.zeros((2339, 1654), dtype=bool)
    for x in range(236, 670, 10):
        m[2061, x:x + 6] = True  # ink 6, gap 4 ...
        m[2062, x + 5:x + 11] = True  # ... the gap inked on the row below
    got = M.footnote_rules(m, DPI, 72 / DPI)
    assert len(got) == 1 and got[0]["x0"] == pytest.approx(236 * 72 / DPI, abs=1)
    assert len(M.footnote_rules(np.where(np.arange(2339)[:, None] == 2061, m, False), DPI, 72 / DPI)) == 0


def _line(text, top, size):
    return Line(text=text, page=1, box=(80, top, 500, top + size), size=size)


def test_footnote_area_is_the_smaller_type_under_the_rule():
    body = [_line(f"body {i}", 100 + 20 * i, s) for i, s in enumerate([13.0, 14.2, 12.6, 13.5, 6.8])]
    foot = [_line(f"foot {i}", 660 + 12 * i, s) for i, s in enumerate([10.3, 11.2, 13.1, 10.8])]
    M.PageMarks([], [{"x0": 80, "x1": 240, "top": 640, "bottom": 641}]).mark_footnote_area(body + foot, 595, 842)
    assert [ln.role for ln in foot] == ["footnote"] * 4  # one noisy size does not undo it
    assert {ln.role for ln in body} == {"body"}


def test_footnote_line_lifted_to_the_rule_by_its_marker_is_under_it():
    # the raised marker of a footnote's first line puts the top of its box at the rule itself
    body = [_line(f"body {i}", 100 + 20 * i, 13.5) for i in range(5)]
    first = Line(text="¹Công văn số 1/UBND", page=1, box=(80, 639.5, 500, 655), size=11.0)
    foot = [first] + [_line(f"foot {i}", 656 + 12 * i, 11.0) for i in range(3)]
    M.PageMarks([], [{"x0": 80, "x1": 240, "top": 640, "bottom": 641}]).mark_footnote_area(body + foot, 595, 842)
    assert [ln.role for ln in foot] == ["footnote"] * 4
    assert {ln.role for ln in body} == {"body"}


def test_no_footnote_area_without_a_rule_or_smaller_type():
    body = [_line(f"body {i}", 100 + 20 * i, 13.0) for i in range(5)]
    tail = [_line(f"tail {i}", 660 + 14 * i, 13.2) for i in range(3)]
    M.PageMarks([], [{"x0": 80, "x1": 240, "top": 640, "bottom": 641}]).mark_footnote_area(body + tail, 595, 842)
    M.PageMarks([], []).mark_footnote_area(body + tail, 595, 842)
    assert {ln.role for ln in body + tail} == {"body"}


# ---- a real scanned page ----------------------------------------------------------------------------
def render(pdf: Path, index: int) -> Image.Image:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[index].render(scale=DPI / 72, grayscale=True).to_pil()
    finally:
        doc.close()


@needs_tesseract
@pytest.mark.slow
def test_scanned_page_gives_markers_and_footnote_bodies_like_the_pdf():
    """Page 4 of the scanned seed 000: "… đơn vị²; …" in the body, footnote 2 under the rule
    (what samples/000_born_digital.pdf has on that page)."""
    page = page_from_image(render(ROOT / "samples" / "scans" / "000_scan200.pdf", 3), 4, OcrSettings(), DPI)
    body_marks = [(ln, m) for ln in page.lines if ln.role == "body" for m in ln.markers]
    assert [m.label for _, m in body_marks] == ["2"]
    ln, m = body_marks[0]
    assert ln.text[:m.offset].endswith("đơn vị") and "?" not in ln.text
    foot = [ln for ln in page.lines if ln.role == "footnote"]
    assert len(foot) >= 8
    assert foot[0].markers and foot[0].markers[0].label == "2" and foot[0].markers[0].offset == 0
    assert foot[0].text.startswith("Từ năm 2009")
    assert all(ln.role != "footnote" for ln in page.lines if ln.box[1] < 600)
