"""Runs of ink Tesseract returned unread (confidence 0) are read again as lines (pipeline/sources/ocr_lost.py)."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.sources.ocr_lost import lost_words, reread_lost_words

DPI = 200


def data_of(*words):
    """Tesseract data of (text, conf, left, top, width, height, line) words, one block and paragraph."""
    keys = ("text", "conf", "left", "top", "width", "height", "line_num")
    d = {k: [w[i] for w in words] for i, k in enumerate(keys)}
    d["block_num"] = [1] * len(words)
    d["par_num"] = [1] * len(words)
    return d


LINE = data_of(("NT", 0, 237, 358, 123, 27, 3), ("PHÓ", 93, 1027, 362, 87, 34, 3), ("CHỦ", 96, 1128, 358, 89, 38, 3))


@pytest.mark.parametrize("word, lost", [
    (("NT", 0, 237, 358, 123, 27, 1), True),  # a long run, unread
    (("NI", 0, 457, 355, 63, 7, 1), False),  # too thin: a rule or the foot of a line
    ((":", 0, 400, 355, 6, 20, 1), False),  # a speck
    (("Thường", 96, 255, 391, 105, 28, 1), False),  # read
    (("", -1, 237, 358, 600, 40, 1), False),  # a layout row
])
def test_lost_words(word, lost):
    assert (lost_words(data_of(word), DPI) == [0]) is lost


def test_a_lost_word_is_replaced_by_its_band_read_alone_up_to_the_next_word_read():
    seen = []

    def read_line(crop):
        seen.append(crop.shape)
        return "- Thường trực Tỉnh ủy;", 91.0, (5, 320)

    gray = np.full((800, 1600), 255, dtype=np.uint8)
    out = reread_lost_words(gray, LINE, DPI, read_line)
    assert out["text"] == ["- Thường trực Tỉnh ủy;", "PHÓ", "CHỦ"]
    assert out["raw_text"][0] == "NT"  # what Tesseract first returned is kept
    assert seen and seen[0][1] < 1027 - 237  # the band stops before the next word read (the other column)
    assert out["left"][0] + out["width"][0] < 1027 - 100  # the box is the ink read: the column gap stays


@pytest.mark.parametrize("reading", [None, ("x", 40.0, (0, 10)), ("... ,", 90.0, (0, 10))])
def test_an_unsure_or_letterless_reread_leaves_the_word_lost(reading):
    gray = np.full((800, 1600), 255, dtype=np.uint8)
    out = reread_lost_words(gray, LINE, DPI, lambda crop: reading)
    assert out["text"][0] == "NT"


def test_a_page_of_lost_words_is_a_picture_and_is_not_reread():
    words = [("NT", 0, 100, 40 * i, 120, 27, i) for i in range(1, 9)]
    calls = []
    out = reread_lost_words(np.full((800, 1600), 255, dtype=np.uint8), data_of(*words), DPI,
                            lambda crop: calls.append(1) or ("chữ", 95.0, (0, 10)))
    assert not calls and out["text"][0] == "NT"
