"""Numbers and quantities: example tables (real cells and sentences from the seeds, OCR'd ones
included) and round-trip properties."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import (
    Quantity,
    find_quantities,
    fold_with_offsets,
    is_blank_cell,
    parse_number,
    parse_quantity,
)


def vn_int(n: int) -> str:
    """131408 -> "131.408"."""
    return f"{n:,}".replace(",", ".")


PARSE_NUMBER = [
    # contract examples
    ("131.408", 131408),
    ("93,19", 93.19),
    ("05", 5),
    ("1.210", 1210),
    ("0,8", 0.8),
    ("622.943", 622943),
    ("879.000.000", 879000000),
    ("98,0", 98.0),
    ("100", 100),
    ("2.043", 2043),
    # more cells from the seeds' tables
    ("614.756", 614756),
    ("10.125", 10125),
    ("100,0", 100.0),
    ("0", 0),
    ("30", 30),
    ("97,01", 97.01),
    ("1,5", 1.5),
    ("1.234,5", 1234.5),
    ("12.345.678,25", 12345678.25),
    ("1.000.000.000.000", 1_000_000_000_000),
    ("98.5", 98.5),  # a dot not before three digits can only be a decimal point
    ("  131.408 ", 131408),
    ("131.408\u00a0", 131408),
    ("-5", -5),
    ("−0,5", -0.5),
    # not well formed
    ("", None),
    ("   ", None),
    ("-", None),
    ("–", None),
    ("abc", None),
    ("1.2.3.4x", None),
    ("1.2345", None),
    ("1234.567", None),
    ("12.34.567", None),
    ("1,234,567", None),
    ("1.234.5", None),
    ("10 .000", None),
    ("10 000", None),
    ("1,", None),
    (",5", None),
    (".5", None),
    ("5.", None),
    ("93,19%", None),
    ("2009-2014", None),
    ("08/01/2015", None),
    ("x", None),
    ("s6", None),
]


@pytest.mark.parametrize("text, expected", PARSE_NUMBER)
def test_parse_number(text, expected):
    got = parse_number(text)
    if expected is None:
        assert got is None
    else:
        assert isinstance(got, float)
        assert got == expected


def test_parse_number_none_input():
    assert parse_number(None) is None  # type: ignore[arg-type]


def test_big_integers_stay_exact():
    assert parse_number("9.007.199.254.740.993") == float(9007199254740993)


PARSE_QUANTITY = [
    # text, value, unit, qualifier
    ("93,19%", 93.19, "%", None),
    ("60,85 %", 60.85, "%", None),
    ("60,85%", 60.85, "%", None),
    ("100%", 100, "%", None),
    ("100,0", 100.0, None, None),
    ("98,8", 98.8, None, None),
    ("131.408", 131408, None, None),
    ("05", 5, None, None),
    ("622.943 triệu đồng", 622943, "triệu đồng", None),
    ("879.000.000đ", 879000000, "đồng", None),
    ("879.000.000 đ", 879000000, "đồng", None),
    ("879.000.000 đồng", 879000000, "đồng", None),
    ("879.000.000 VNĐ", 879000000, "đồng", None),
    ("150.000.000d", 150000000, "đồng", None),
    ("1,2 tỷ đồng", 1.2, "tỷ đồng", None),
    ("1,2 tỉ đồng", 1.2, "tỷ đồng", None),
    ("500 nghìn đồng", 500, "nghìn đồng", None),
    ("500 ngàn đồng", 500, "nghìn đồng", None),
    ("8.541 thẻ", 8541, "thẻ", None),
    ("155.163 người", 155163, "người", None),
    ("35 lượt", 35, "lượt", None),
    ("1.200 lượt người", 1200, "lượt người", None),
    ("120 Hội nghị", 120, "hội nghị", None),
    ("26 đơn vị", 26, "đơn vị", None),
    ("03 bệnh viện", 3, "bệnh viện", None),
    ("15 trạm y tế", 15, "trạm y tế", None),
    ("04 phòng khám", 4, "phòng khám", None),
    ("100 doanh nghiệp", 100, "doanh nghiệp", None),
    ("18 cơ sở", 18, "cơ sở", None),
    ("4.154 hộ", 4154, "hộ", None),
    ("95 phần trăm", 95, "%", None),
    # OCR without diacritics (seed 003)
    ("26.735 the", 26735, "thẻ", None),
    ("5.374 thé", 5374, "thẻ", None),
    ("155.163 nguoi", 155163, "người", None),
    ("182.330 nguol", 182330, "người", None),
    ("85,1%", 85.1, "%", None),
    ("622.943 TRIEU DONG", 622943, "triệu đồng", None),
    # qualifiers
    ("trên 99,5%", 99.5, "%", "trên"),
    ("Trên 98%", 98, "%", "trên"),
    ("tối thiểu 96,2%", 96.2, "%", "tối thiểu"),
    ("toi thieu 96,2%", 96.2, "%", "tối thiểu"),
    ("95% trở lên", 95, "%", "trở lên"),
    ("từ 95% trở lên", 95, "%", "trở lên"),
    ("hơn 7.000 người", 7000, "người", "hơn"),
    ("khoảng 300 người", 300, "người", "khoảng"),
    ("dưới 5%", 5, "%", "dưới"),
    ("ít nhất 90%", 90, "%", "ít nhất"),
    ("tối đa 10 lượt", 10, "lượt", "tối đa"),
    ("gần 2.000 thẻ", 2000, "thẻ", "gần"),
    ("không quá 5%", 5, "%", "không quá"),
    # a sentence's full stop is not part of the quantity
    ("97,01%.", 97.01, "%", None),
]


@pytest.mark.parametrize("text, value, unit, qualifier", PARSE_QUANTITY)
def test_parse_quantity(text, value, unit, qualifier):
    q = parse_quantity(text)
    assert q is not None, text
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert q.raw == text.strip()


NOT_A_QUANTITY = [
    None,
    "",
    "   ",
    "-",
    "–",
    "—",
    "...",
    ".....",
    "…",
    "- Cơ sở y tế nhà nước: 18",
    "Tổng",
    "x",
    "2009-2014",
    "08/01/2015",
    "đạt 93,19%",          # "đạt" is a verb, not a qualifier
    "93,19% dân số",       # more than a quantity
    "1.2.3.4x",
    "15 năm",               # durations are not vocabulary units
    "06 tháng",
    "8.541 thẻo",
    "80.185 th",            # too damaged to restore safely
    "số 106/UBND",
    "(%)",
    "%",
    "Tỷ lệ %",
]


@pytest.mark.parametrize("text", NOT_A_QUANTITY)
def test_parse_quantity_rejects(text):
    assert parse_quantity(text) is None


def test_quantity_is_frozen():
    q = parse_quantity("93,19%")
    assert q == Quantity(93.19, "%", None, "93,19%")
    with pytest.raises(AttributeError):
        q.value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("text, blank", [
    (None, True), ("", True), ("  ", True), ("-", True), ("–", True), ("—", True),
    (".....", True), ("...", True), ("…", True), (" - ", True),
    ("x", False), ("X", False), ("0", False), ("100%", False), ("Tổng", False), ("0,0", False),
])
def test_is_blank_cell(text, blank):
    assert is_blank_cell(text) is blank


FIND_QUANTITIES = [
    # text, [(raw, value, unit, qualifier)]
    ("tỷ lệ bao phủ đạt 93,19% dân số", [("93,19%", 93.19, "%", None)]),
    (
        "Dân số toàn huyện (theo số liệu của Chi cục Thống kê năm 2021) 182.330 người. "
        "Tổng số người tham gia BHYT là 155.163 người",
        [("182.330 người", 182330, "người", None), ("155.163 người", 155163, "người", None)],
    ),
    ("tổ chức kiểm tra 35 lượt cơ sở khám chữa bệnh", [("35 lượt", 35, "lượt", None)]),
    (
        "thu hồi về quỹ BHYT 879.000.000đ (*Tám trăm bảy mươi chín triệu đồng*).",
        [("879.000.000đ", 879000000, "đồng", None)],
    ),
    (
        "Toàn thành phố đã tổ chức trên 120 Hội nghị tuyên truyền, đối thoại về chính sách BHYT "
        "với hơn 7.000 người tham dự; tổ chức 10 Hội nghị tập huấn",
        [("trên 120 Hội nghị", 120, "hội nghị", "trên"), ("hơn 7.000 người", 7000, "người", "hơn"),
         ("10 Hội nghị", 10, "hội nghị", None)],
    ),
    (
        "thanh tra trên 100 doanh nghiệp, phối hợp với Công an thành phố kiểm tra trên 200 doanh nghiệp",
        [("trên 100 doanh nghiệp", 100, "doanh nghiệp", "trên"),
         ("trên 200 doanh nghiệp", 200, "doanh nghiệp", "trên")],
    ),
    (
        "Năm 2015, thành phố có tổng số 21 đơn vị khám BHYT gồm 03 bệnh viện, 03 phòng khám và "
        "15 trạm y tế xã, phường.",
        [("21 đơn vị", 21, "đơn vị", None), ("03 bệnh viện", 3, "bệnh viện", None),
         ("03 phòng khám", 3, "phòng khám", None), ("15 trạm y tế", 15, "trạm y tế", None)],
    ),
    (
        "- Tỷ lệ bao phủ BHYT toàn tỉnh đạt tối thiểu 96,2% năm 2025 và trên 96,35% năm 2030.",
        [("tối thiểu 96,2%", 96.2, "%", "tối thiểu"), ("trên 96,35%", 96.35, "%", "trên")],
    ),
    ("- Đến hết năm 2019: đạt trên 99,5% người dân tham gia", [("trên 99,5%", 99.5, "%", "trên")]),
    ("tham gia BHYT toàn dân đạt 95% trở lên.", [("95% trở lên", 95, "%", "trở lên")]),
    ("Tổng số thu BHYT\t-\t622.943 triệu đồng\t-", [("622.943 triệu đồng", 622943, "triệu đồng", None)]),
    ("tổng giá trị 1,2 tỷ đồng", [("1,2 tỷ đồng", 1.2, "tỷ đồng", None)]),
    # OCR of the English model (seed 003)
    ("+ Nhém do ngudi lao dong va ngudi sir dung dong: 8.541 the, chiém 5,5%.",
     [("8.541 the", 8541, "thẻ", None), ("5,5%", 5.5, "%", None)]),
    ("Tong s6 nguoi tham gia BHYT la 155.163 nguoi (khong bao gom", [("155.163 nguoi", 155163, "người", None)]),
    ("(theo so ligu cua Chi cuc Thong ké nam 2021) 182.330\nnguol. Tong",
     [("182.330\nnguol", 182330, "người", None)]),
    ("ty 1€ bao phu dat 85,1%; trong do", [("85,1%", 85.1, "%", None)]),
    ("ty 16 ngudi tham gia", []),  # "tỷ lệ người", the "lệ" read as 16
    ("Nguoi nghéo 4.154 thé; nguoi dan toc", [("4.154 thé", 4154, "thẻ", None)]),
    # not quantities: years, dates, document, section and footnote numbers, durations
    ("Dân số năm 2021", []),
    ("Công văn số 106/UBND ngày 08/01/2015 về việc", []),
    ("ngày 29 tháng 3 năm 2024", []),
    ("Chỉ thị số 38-CT/TW, ngày 07/9/2009 của Ban Bí thư", []),
    ("Chỉ thị số 5906 -CV/TW, ngày 14/2/2019", []),
    ("Luật BHYT số 25/2008/QH12 đã được Quốc hội", []),
    ("sau 15 năm thực hiện Chỉ thị; sơ kết 06 tháng", []),
    ("giai đoạn 2012 - 2020 trên địa bàn", []),
    ("đến năm 2025 người dân được", []),
    ("Covid-19 người dân", []),
    ("#### 4.2. Cơ sở khám chữa bệnh", []),
    ("2. Cơ sở khám chữa bệnh", []),
    ("3\tCơ sở y tế tư nhân", []),
    ("\t- Cơ sở y tế nhà nước:\t18\t19\t19", []),
    ("<sup>3</sup> Toàn thành phố", []),
    ("đạt 100\nCơ sở", []),  # a capitalized next line is a new item
    ("thuộc 1 tỷ 200 triệu đồng", []),  # a mixed amount, not 200 triệu đồng
    ("khu vực 3 d", []),
]


@pytest.mark.parametrize("text, expected", FIND_QUANTITIES)
def test_find_quantities(text, expected):
    got = find_quantities(text)
    assert [(q.raw, q.value, q.unit, q.qualifier) for _, _, q in got] == expected
    for start, end, q in got:
        assert text[start:end] == q.raw


@pytest.mark.parametrize("text, _expected", FIND_QUANTITIES)
def test_found_quantity_parses_alone(text, _expected):
    """A quantity found in prose reads the same when its raw text is parsed as a cell."""
    for _, _, q in find_quantities(text):
        alone = parse_quantity(q.raw)
        assert alone is not None
        assert (alone.value, alone.unit, alone.qualifier) == (q.value, q.unit, q.qualifier)


def test_find_quantities_spans_on_decomposed_text():
    import unicodedata

    text = unicodedata.normalize("NFD", "kiểm tra trên 120 Hội nghị, 8.541 thẻ")
    got = find_quantities(text)
    assert [(q.value, q.unit, q.qualifier) for _, _, q in got] == [(120, "hội nghị", "trên"), (8541, "thẻ", None)]
    assert [text[s:e] for s, e, _ in got] == [q.raw for _, _, q in got]


def test_fold_with_offsets_maps_back():
    text = "Tổng số 879.000.000đ – “Đà Lạt”…"
    folded, offsets = fold_with_offsets(text)
    assert folded.startswith("tong so 879.000.000d")
    assert len(offsets) == len(folded) + 1 and offsets[-1] == len(text)
    i = folded.index("879")
    assert text[offsets[i]:offsets[i + 11]] == "879.000.000"


# ---- properties ----

@given(st.integers(min_value=0, max_value=10**15))
def test_dotted_integer_round_trips(n):
    assert parse_number(vn_int(n)) == n


@given(st.integers(min_value=0, max_value=10**12), st.from_regex(r"\d{1,4}", fullmatch=True))
def test_comma_decimal_round_trips(whole, frac):
    assert parse_number(f"{vn_int(whole)},{frac}") == float(f"{whole}.{frac}")


@given(st.integers(min_value=0, max_value=100), st.from_regex(r"\d{2}", fullmatch=True), st.booleans())
def test_percent_quantity_round_trips(whole, frac, spaced):
    text = f"{whole},{frac}{' ' if spaced else ''}%"
    assert parse_quantity(text) == Quantity(float(f"{whole}.{frac}"), "%", None, text)


UNIT_SPELLINGS = [("người", "người"), ("nguoi", "người"), ("thẻ", "thẻ"), ("the", "thẻ"),
                  ("lượt", "lượt"), ("triệu đồng", "triệu đồng"), ("đ", "đồng"), ("%", "%")]


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(UNIT_SPELLINGS),
       st.sampled_from(["", "trên ", "hơn ", "khoảng "]))
def test_quantity_in_a_sentence_round_trips(n, unit, qualifier):
    printed, proper = unit
    sep = "" if printed in ("đ", "%") else " "
    raw = f"{qualifier}{vn_int(n)}{sep}{printed}"
    text = f"Năm 2023, toàn tỉnh đạt {raw}, tăng so với năm 2022."
    got = find_quantities(text)
    assert [(q.value, q.unit, q.qualifier, q.raw) for _, _, q in got] == [
        (n, proper, qualifier.strip() or None, raw)
    ]
