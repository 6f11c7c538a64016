"""Dates, deadlines and periods: example tables from the seeds (OCR'd ones included) and
round-trip properties over every supported printed style."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.dates import find_dates, find_deadline, parse_date, year_period

PARSE_DATE = [
    ("ngày 8 tháng 11 năm 2018", "2018-11-08"),
    ("ngày 29 tháng 3 năm 2024", "2024-03-29"),
    ("ngày 27 tháng 3 năm 2019", "2019-03-27"),
    ("Ngày 08/01/2015", "2015-01-08"),
    ("08/01/2015", "2015-01-08"),
    ("7/9/2009", "2009-09-07"),
    ("07/9/2009", "2009-09-07"),
    ("8 /11/2018", "2018-11-08"),
    ("8/ 11 /2018", "2018-11-08"),
    ("ngay 28 thang 7 nam 2022", "2022-07-28"),
    ("Son Duong, ngay 28 thang 7 nam 2022", "2022-07-28"),
    ("Đà Lạt, ngày 29 tháng 3 năm 2024", "2024-03-29"),
    ("Ngày 20/03/2019", "2019-03-20"),
    ("NGÀY 01 THÁNG 6 NĂM 2012", "2012-06-01"),
    ("ngày 29 tháng 02 năm 2024", "2024-02-29"),
    ("ngày 8 tháng 11\nnăm 2018", "2018-11-08"),
    ("08.01.2015", "2015-01-08"),
    ("08-01-2015", "2015-01-08"),
    ("2019-05-15", "2019-05-15"),
    ("(trước ngày 15/5/2019)", "2019-05-15"),
    ("Công văn số 106/UBND ngày 08/01/2015 về việc", "2015-01-08"),
    # blanks left for signing, invalid dates, not dates
    ("ngày tháng năm", None),
    ("ngày … tháng … năm …", None),
    ("ngày    tháng   năm 2025", None),
    ("ngày ... tháng ... năm 2025", None),
    ("ngày 01/7 hàng năm", None),
    ("tháng 7/2021", None),
    ("31/02/2020", None),
    ("29/02/2023", None),
    ("ngày 32 tháng 1 năm 2020", None),
    ("ngày 1 tháng 13 năm 2020", None),
    ("8/11/18", None),
    ("15/5/0019", None),
    ("2009-2014", None),
    ("2012 - 2020", None),
    ("số 25/2008/QH12", None),
    ("10.500.000", None),
    ("131/KH-UBND", None),
    ("", None),
    ("Tổng", None),
]


@pytest.mark.parametrize("text, expected", PARSE_DATE)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_none_input():
    assert parse_date(None) is None  # type: ignore[arg-type]


FIND_DATES = [
    (
        "Chỉ thị số 38-CT/TW, ngày 07/9/2009 của Ban Bí thư; Công văn số 5906 -CV/TW, ngày 14/2/2019",
        [("ngày 07/9/2009", "2009-09-07"), ("ngày 14/2/2019", "2019-02-14")],
    ),
    (
        "Kế hoạch số 126/KH-UBND ngay 28/6/2022 ciia Uy ban",
        [("ngay 28/6/2022", "2022-06-28")],
    ),
    (
        "(Kế hoạch số 134-KH/TU, ngày 27 tháng 3 năm 2019)",
        [("ngày 27 tháng 3 năm 2019", "2019-03-27")],
    ),
    ("ngày 16/6/2009, Thủ tướng; lấy ngày 01/7 hàng năm", [("ngày 16/6/2009", "2009-06-16")]),
    ("Từ thang 7/2021, thuc hién Quyét dinh s6 861/QD-TTg ngay\n04/6/2021", [("ngay\n04/6/2021", "2021-06-04")]),
    ("Nghị quyết số 17/2016/NQ-HĐND ngày 08/12/2016 của Hội đồng", [("ngày 08/12/2016", "2016-12-08")]),
    ("giai đoạn 2012 - 2020; năm 2030", []),
    ("31/02/2020 và 01/03/2020", [("01/03/2020", "2020-03-01")]),
]


@pytest.mark.parametrize("text, expected", FIND_DATES)
def test_find_dates(text, expected):
    got = find_dates(text)
    assert [(text[s:e], iso) for s, e, iso in got] == expected


FIND_DEADLINE = [
    ("trước ngày 15/5/2019", ("2019-05-15", "trước ngày 15/5/2019")),
    ("xong trước 15/5/2019", ("2019-05-15", "trước 15/5/2019")),
    ("trước ngày 20/11", (None, "trước ngày 20/11")),
    ("gửi về Ban Tuyên giáo Tỉnh ủy trước ngày 21/6/2019.", ("2019-06-21", "trước ngày 21/6/2019")),
    ("(hoàn thành trước ngày 15/5/2019).", ("2019-05-15", "trước ngày 15/5/2019")),
    ("báo cáo kết quả trước ngày 20/11**", (None, "trước ngày 20/11")),
    ("chậm nhất ngày 20 tháng 4 năm 2019", ("2019-04-20", "chậm nhất ngày 20 tháng 4 năm 2019")),
    ("chậm nhất là ngày 30/6/2024", ("2024-06-30", "chậm nhất là ngày 30/6/2024")),
    ("hạn chót 31/12/2025", ("2025-12-31", "hạn chót 31/12/2025")),
    ("truoc ngay 21/6/2019", ("2019-06-21", "truoc ngay 21/6/2019")),
    ("trước ngày 20 tháng 11", (None, "trước ngày 20 tháng 11")),
    ("trước ngày 15 /5/2019", ("2019-05-15", "trước ngày 15 /5/2019")),
    ("Thực hiện trong năm 2019", None),
    ("như trước đây", None),
    ("trước 32/13", None),
    ("trước ngày 31/02/2020", None),
    ("ngày 15/5/2019", None),  # a date, but no deadline word
    ("", None),
]


@pytest.mark.parametrize("text, expected", FIND_DEADLINE)
def test_find_deadline(text, expected):
    assert find_deadline(text) == expected


YEAR_PERIOD = [
    ("Đến hết năm 2018", "2018"),
    ("Năm 2021", "2021"),
    ("năm 2030", "2030"),
    ("2021", "2021"),
    ("2009-2014", "2009-2014"),
    ("2009 - 2014", "2009-2014"),
    ("2009 – 2014", "2009-2014"),
    ("2009—2014", "2009-2014"),
    ("31/12/2018", "2018-12-31"),
    ("Đến ngày 31/12/2018", "2018-12-31"),
    ("giai đoạn 2022-2025", "2022-2025"),
    ("Giai đoạn 2022 - 2025", "2022-2025"),
    ("giai doan 2022\n- 2025", "2022-2025"),
    ("từ năm 2020 đến năm 2023", "2020-2023"),
    ("Ước thực hiện năm 2024", "2024"),
    ("Năm 2021 (ước)", "2021"),
    ("Tổng", None),
    ("", None),
    ("STT", None),
    ("182.330", None),
    ("Năm 2020 so với năm 2019", None),
    ("2014-2009", None),
]


@pytest.mark.parametrize("text, expected", YEAR_PERIOD)
def test_year_period(text, expected):
    assert year_period(text) == expected


# ---- properties ----

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))

STYLES = [
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: f"Ngày {d:%d/%m/%Y}",
    lambda d: f"{d.day} /{d.month}/{d.year}",
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: d.strftime("%d-%m-%Y"),
    lambda d: d.isoformat(),
    lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
    lambda d: f"ngày {d:%d} tháng {d:%m} năm {d.year}",
    lambda d: f"ngay {d.day} thang {d.month} nam {d.year}",
    lambda d: f"NGÀY {d.day} THÁNG {d.month} NĂM {d.year}",
]


@given(DATES, st.sampled_from(STYLES))
def test_date_styles_round_trip(date, style):
    assert parse_date(style(date)) == date.isoformat()


@given(DATES, st.sampled_from(STYLES), st.booleans())
def test_date_span_in_prose_round_trips(date, style, decomposed):
    printed = style(date)
    text = f"Thực hiện Công văn số 12/UBND {printed} của Ủy ban nhân dân."
    if decomposed:
        text = unicodedata.normalize("NFD", text)
        printed = unicodedata.normalize("NFD", printed)
    assert [(text[s:e], iso) for s, e, iso in find_dates(text)] == [(printed, date.isoformat())]


@given(DATES, st.sampled_from(STYLES))
def test_deadline_round_trips(date, style):
    printed = f"trước {style(date)}"
    assert find_deadline(f"Báo cáo kết quả {printed}.") == (date.isoformat(), printed)


@given(st.integers(min_value=1900, max_value=2098), st.integers(min_value=1, max_value=20),
       st.sampled_from(["-", " - ", " – ", "–"]))
def test_year_range_round_trips(start, length, dash):
    end = min(start + length, 2099)
    assert year_period(f"giai đoạn {start}{dash}{end}") == f"{start}-{end}"
