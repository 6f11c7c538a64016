"""Heading numbers Tesseract broke at the start of a line (pipeline/sources/ocr_numbering.py):
which first words are read again, what a re-read may replace, and the real re-read of a drawn
bold heading number with Tesseract."""
from __future__ import annotations


import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.sources import ocr_numbering as N


@pytest.mark.parametrize("text, conf, nxt, upper, expected", [
    ("1ÍẺ", 0, "Thống", False, True),  # digit-led junk
    ("2:3.", 94, "Khám", False, True),  # a colon for a dot
    ("6,", 90, "Chú", False, True),
    ("II,", 58, "KẾT", True, True),  # a Roman number with a comma
    ("SẼ", 64, "Tăng", False, True),  # "5." read as a word, doubted, before a capitalized word
    ("SẼ", 96, "Tăng", False, False),  # … but Tesseract was sure
    ("SẼ", 64, "tăng", False, False),  # … or the next word is lower case: a sentence
    ("BỘ", 50, "Y", True, False),  # an all-capitals line: capitals are the line's
    ("5.", 40, "Tăng", False, False),  # already a heading number
    ("II.", 40, "KẾT", True, False),
    ("2.3.", 90, "Khám", False, False),
    ("Các", 40, "cơ", False, False),  # a word
    ("2024", 96, "là", False, True),  # a year is read again, and stays a year (no heading number)
    ("", 0, "", False, False),
])
def test_needs_reread(text, conf, nxt, upper, expected):
    assert N.needs_reread(text, conf, nxt, upper) is expected


def data_of(words, top=100):
    """A Tesseract data dict of one line of words [(text, conf, left, width)]."""
    n = len(words)
    return {"text": [w[0] for w in words], "conf": [w[1] for w in words], "left": [w[2] for w in words],
            "width": [w[3] for w in words], "top": [top] * n, "height": [30] * n, "block_num": [1] * n,
            "par_num": [1] * n, "line_num": [1] * n}


GRAY = np.full((300, 1200), 255, dtype=np.uint8)


def test_a_reread_number_replaces_the_broken_word_and_keeps_what_was_read():
    d = data_of([("SẼ", 64, 100, 30), ("Tăng", 93, 150, 80), ("cường", 96, 240, 90)])
    out = N.fix_heading_numbers(GRAY, d, lambda crop: "5.")
    assert out["text"][:3] == ["5.", "Tăng", "cường"]
    assert out["raw_text"][0] == "SẼ" and d["text"][0] == "SẼ"  # the input is not changed


def test_a_reread_that_is_no_heading_number_changes_nothing():
    d = data_of([("SẼ", 64, 100, 30), ("Tăng", 93, 150, 80)])
    assert N.fix_heading_numbers(GRAY, d, lambda crop: "58")["text"] == ["SẼ", "Tăng"]
    assert N.fix_heading_numbers(GRAY, d, lambda crop: None)["text"] == ["SẼ", "Tăng"]


def test_dots_read_as_other_punctuation_are_dots_when_the_reread_fails():
    d = data_of([("2:3.", 94, 100, 66), ("Khám", 96, 180, 80)])
    assert N.fix_heading_numbers(GRAY, d, lambda crop: None)["text"][0] == "2.3."


def test_a_doubtful_dash_before_a_heading_number_is_a_speck():
    d = data_of([("-", 43, 80, 10), ("2.", 78, 100, 20), ("Tổ", 97, 130, 30)])
    assert N.fix_heading_numbers(GRAY, d, lambda crop: None)["text"] == ["", "2.", "Tổ"]
    d = data_of([("-", 93, 80, 10), ("Các", 96, 100, 40)])  # a real bullet stays
    assert N.fix_heading_numbers(GRAY, d, lambda crop: None)["text"] == ["-", "Các"]


@pytest.mark.parametrize("words, expected", [
    ([("-1.5.", 88, 300, 75), ("Những", 95, 393, 113)], ["1.5.", "Những"]),  # a speck glued to the number
    ([("–2.", 80, 300, 40), ("Tổ", 96, 350, 30)], ["2.", "Tổ"]),
    ([("-1.5", 88, 300, 60), ("triệu", 95, 370, 60)], ["-1.5", "triệu"]),  # a sentence: lower case after
    ([("-", 93, 280, 10), ("1.", 90, 300, 20), ("Các", 96, 330, 40)], ["-", "1.", "Các"]),  # a bullet, apart
    ([("-Các", 90, 300, 60), ("cơ", 96, 370, 30)], ["-Các", "cơ"]),  # no number
])
def test_a_speck_glued_to_a_heading_number_is_taken_off(words, expected):
    d = data_of(words)
    assert N.fix_heading_numbers(GRAY, d, lambda crop: None)["text"] == expected


@pytest.mark.needs_tesseract
def test_real_reread_of_a_bold_heading_number(tmp_path, monkeypatch):
    monkeypatch.setenv("BAOCAO_CACHE", str(tmp_path))
    from pipeline.sources.ocr_tables import tesseract_config_cached

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 38)
    img = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(img).text((40, 30), "5. Tăng cường công tác", font=font, fill=0)
    gray = np.asarray(img)
    width = round(ImageDraw.Draw(img).textlength("5.", font=font))
    d = data_of([("SẼ", 60, 40, width), ("Tăng", 95, 40 + width + 14, 100)], top=36)
    d["height"] = [34, 34]
    read = N.numbers_reader(lambda im, lang, cfg: tesseract_config_cached(im, lang, cfg, 30), "eng")
    assert N.fix_heading_numbers(gray, d, read)["text"][0] == "5."


def draw_number(text: str, font_name: str) -> np.ndarray:
    """The crop of a heading number drawn in a DejaVu face, as fix_heading_numbers cuts it."""
    font = ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{font_name}.ttf", 40)
    img = Image.new("L", (160, 70), 255)
    ImageDraw.Draw(img).text((8, 8), text, font=font, fill=0)
    a = np.asarray(img)
    ys, xs = np.nonzero(a < 128)
    return a[ys.min() - 2:ys.max() + 3, xs.min() - 3:xs.max() + 4]


@pytest.mark.parametrize("font_name", ["DejaVuSerif-Bold", "DejaVuSerif", "DejaVuSans-Bold"])
@pytest.mark.parametrize("text, expected", [
    ("I.", "I."), ("II.", "II."), ("III.", "III."), ("II,", "II."),  # strokes counted, the dot whatever it was read as
    ("IV.", None), ("V.", None),  # a V is no stroke
    ("1.", None), ("11.", None),  # an Arabic 1 has its flag
])
def test_roman_from_stems(font_name, text, expected):
    assert N.roman_from_stems(draw_number(text, font_name)) == expected


def test_roman_strokes_replace_a_misread_number_in_a_capitals_line():
    crop = draw_number("III.", "DejaVuSerif-Bold")
    gray = np.full((200, 900), 255, dtype=np.uint8)
    gray[50:50 + crop.shape[0], 100:100 + crop.shape[1]] = crop
    words = [("II,", 58, 100, crop.shape[1]), ("KẾT", 93, 100 + crop.shape[1] + 20, 90), ("QUẢ", 92, 300, 90)]
    d = data_of(words, top=50)
    d["height"] = [crop.shape[0]] * 3
    assert N.fix_heading_numbers(gray, d, lambda c: None)["text"][0] == "III."
    d = data_of([("1.", 96, 100, crop.shape[1]), ("Kết", 93, 200, 90), ("quả", 92, 300, 90)], top=50)
    d["height"] = [crop.shape[0]] * 3  # a sentence-case line: "1." is an Arabic number, not looked at
    assert N.fix_heading_numbers(gray, d, lambda c: None)["text"][0] == "1."
