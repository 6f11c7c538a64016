"""Amounts in words: example tables (standard, colloquial, OCR-folded, malformed) and round trips
against vn-numberwords' own writer."""
from __future__ import annotations

import pytest
import vn_numberwords
from hypothesis import given
from hypothesis import strategies as st

from extractors.amount_words import find_amount_in_words, words_to_amount
from extractors.textnorm import fold

WORDS_TO_AMOUNT = [
    # from the seeds
    ("Tám trăm bảy mươi chín triệu đồng", 879_000_000),
    ("Một trăm năm mươi triệu đồng", 150_000_000),
    ("*Tám trăm bảy mươi chín triệu đồng*", 879_000_000),
    ("(Tám trăm bảy mươi chín triệu đồng./.)", 879_000_000),
    # standard forms
    ("hai mươi lăm nghìn", 25_000),
    ("một tỷ hai trăm triệu", 1_200_000_000),
    ("mười", 10),
    ("không", 0),
    ("một", 1),
    ("mười một", 11),
    ("mười lăm", 15),
    ("mười bốn", 14),
    ("mười tư", 14),
    ("hai mươi mốt", 21),
    ("hai mươi tư", 24),
    ("hai mươi lăm", 25),
    ("hai mươi nhăm", 25),
    ("ba mươi", 30),
    ("chín mươi chín", 99),
    ("hai chục", 20),
    ("một trăm", 100),
    ("một trăm mười", 110),
    ("một trăm linh năm", 105),
    ("một trăm lẻ năm", 105),
    ("một trăm linh tư", 104),
    ("một nghìn không trăm linh năm", 1005),
    ("một ngàn không trăm mười", 1010),
    ("năm trăm nghìn đồng chẵn", 500_000),
    ("Bằng chữ: năm trăm nghìn đồng", 500_000),
    ("hai triệu không trăm linh năm nghìn", 2_005_000),
    ("sáu trăm hai mươi hai tỷ chín trăm bốn mươi ba triệu đồng", 622_943_000_000),
    ("một nghìn tỷ", 1_000_000_000_000),
    ("hai trăm năm mươi nghìn tỷ", 250_000_000_000_000),
    ("một nghìn tỷ tám trăm sáu mươi bốn tỷ", 1_864_000_000_000),
    ("MỘT TRĂM NĂM MƯƠI TRIỆU ĐỒNG", 150_000_000),
    ("Hai tỷ, năm trăm triệu đồng", 2_500_000_000),
    # folded / OCR without diacritics
    ("Tam tram bay muoi chin trieu dong", 879_000_000),
    ("bay tram nam muoi ngan", 750_000),       # vn-numberwords: 750 ("ngan" unknown to it)
    ("hai ti", 2_000_000_000),                 # vn-numberwords: 2 ("ti" unknown to it)
    ("mot tram linh tu", 104),
    ("hai muoi lam nghin", 25_000),
    ("muoi lam", 15),
    # colloquial forms vn-numberwords misreads
    ("một triệu hai", 1_200_000),              # vn-numberwords: 1000002
    ("hai nghìn ba", 2_300),                   # vn-numberwords: 2003
    ("hai trăm mốt", 210),                     # vn-numberwords: 201
    ("một trăm tư", 140),                      # vn-numberwords: 104
    ("hai tỷ rưỡi", 2_500_000_000),            # vn-numberwords: 2000000000
    ("một triệu rưỡi", 1_500_000),
    ("một trăm rưỡi", 150),                    # vn-numberwords: 100
    ("một phẩy năm", 1.5),                     # vn-numberwords: 15
    ("một phẩy không năm", 1.05),              # vn-numberwords: 105
    ("một phẩy hai mươi lăm", 1.25),
    ("hai phẩy năm tỷ đồng", 2_500_000_000),
]


@pytest.mark.parametrize("text, expected", WORDS_TO_AMOUNT)
def test_words_to_amount(text, expected):
    got = words_to_amount(text)
    assert isinstance(got, float)
    assert got == expected


NOT_AN_AMOUNT = [
    None,
    "",
    "abc",                                     # vn-numberwords: 0
    "đồng",
    "tỷ",                                      # vn-numberwords: 0
    "nghìn",
    "trăm",                                    # vn-numberwords: 100
    "chục",
    "tư",
    "lăm",
    "hai hai hai",                             # vn-numberwords: 222
    "trăm trăm",
    "năm năm",                                 # vn-numberwords: 55
    "một tỷ tỷ",                               # vn-numberwords: 10**18
    "một triệu hai triệu",
    "hai mươi chục",
    "một mười",
    "một trăm linh mười",                      # vn-numberwords: 110
    "một trăm năm mươi nghìn đồng và hai trăm",  # vn-numberwords: 150200
    "một phẩy",
    "một phẩy hai phẩy ba",
    "năm 2021",
    "Tám trăm bảy mươi chín triệu đồng 879",
]


@pytest.mark.parametrize("text", NOT_AN_AMOUNT)
def test_words_to_amount_rejects(text):
    assert words_to_amount(text) is None


FIND_AMOUNT_IN_WORDS = [
    (
        "thu hồi về quỹ BHYT 879.000.000đ (*Tám trăm bảy mươi chín triệu đồng*).",
        [("Tám trăm bảy mươi chín triệu đồng", 879_000_000)],
    ),
    (
        "xử phạt hành chính 150.000.000đ (*Một trăm năm mươi triệu đồng*). Còn lại 25.000 đồng "
        "(Hai mươi lăm nghìn đồng)",
        [("Một trăm năm mươi triệu đồng", 150_000_000), ("Hai mươi lăm nghìn đồng", 25_000)],
    ),
    ("tổng kinh phí 1.200.000.000 đồng (Bằng chữ: Một tỷ hai trăm triệu đồng./.)",
     [("Một tỷ hai trăm triệu đồng", 1_200_000_000)]),
    ("thu hoi 879.000.000d (Tam tram bay muoi chin trieu dong)",
     [("Tam tram bay muoi chin trieu dong", 879_000_000)]),
    ("622.943 triệu đồng (sáu trăm hai mươi hai tỷ chín trăm bốn mươi ba triệu đồng)",
     [("sáu trăm hai mươi hai tỷ chín trăm bốn mươi ba triệu đồng", 622_943_000_000)]),
    # not amounts in words
    ("Năm 2015 (năm)", []),                    # no digits before the parenthesis... a year
    ("đạt 35 lượt (cơ sở khám chữa bệnh)", []),
    ("(Tám trăm bảy mươi chín triệu đồng)", []),
    ("879.000.000đ (xem Phụ lục)", []),
]


@pytest.mark.parametrize("text, expected", FIND_AMOUNT_IN_WORDS)
def test_find_amount_in_words(text, expected):
    got = find_amount_in_words(text)
    assert [(words, value) for _, _, value, words in got] == expected
    for start, end, _, words in got:
        assert text[start:end] == words


# ---- properties: vn-numberwords writes, we read back ----

AMOUNTS = st.integers(min_value=0, max_value=10**15)
DICTIONARIES = st.sampled_from([vn_numberwords.Dictionary(), vn_numberwords.SouthDictionary()])


@given(AMOUNTS, DICTIONARIES)
def test_package_words_round_trip(n, dictionary):
    assert words_to_amount(vn_numberwords.number_to_words(n, dictionary)) == n


@given(AMOUNTS, DICTIONARIES)
def test_currency_words_round_trip(n, dictionary):
    words = vn_numberwords.number_to_currency(n, dictionary=dictionary)
    assert words_to_amount(words[:1].upper() + words[1:]) == n


@given(AMOUNTS, DICTIONARIES)
def test_folded_words_round_trip(n, dictionary):
    """OCR without diacritics: "mười"/"mươi", "năm"/"nam" and "tư"/"tu" are told apart by position."""
    assert words_to_amount(fold(vn_numberwords.number_to_words(n, dictionary))) == n


@given(st.integers(min_value=1, max_value=10**12))
def test_amount_in_words_after_digits_round_trips(n):
    digits = f"{n:,}".replace(",", ".")
    words = vn_numberwords.number_to_currency(n)
    text = f"thu hồi {digits}đ (*{words[:1].upper()}{words[1:]}*)."
    got = find_amount_in_words(text)
    assert [(value, text[s:e]) for s, e, value, _ in got] == [(n, words[:1].upper() + words[1:])]
