"""Consistency checks: hand-built tables and sentences (passing and failing cases for every rule,
rounding edges), and the seeds: the failing checks the goldens list must be found."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.checks import (
    check_header_annex_number,
    checks_across_tables,
    checks_for_paragraphs,
    checks_for_table,
    checks_for_text,
    fmt,
    half_unit,
    is_share_label,
    leaf_role,
    printed_decimals,
    split_paragraphs,
)
from extractors.numbers import is_blank_cell, parse_quantity
from pipeline.record import CellValue, Table

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "samples"  # byte-identical copies of the seeds (docs/samples.md)


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


def make_table(columns, rows, kinds=None, tid="t1", label_cols=2) -> Table:
    """A Table as extractors.tables builds it: values parsed for every cell but STT and label."""
    values = []
    for row in rows:
        vals = []
        for j, c in enumerate(row):
            q = None if j < label_cols or c is None or is_blank_cell(c) else parse_quantity(c)
            vals.append(CellValue(value=q.value, unit=q.unit, raw=c) if q and q.value is not None else None)
        values.append(vals)
    return Table(id=tid, columns=columns, rows=rows, values=values,
                 row_kinds=kinds or ["data"] * len(rows))


def by_rule(checks, rule, status=None):
    return [c for c in checks if c.rule == rule and (status is None or c.status == status)]


def fails(checks):
    return {(c.rule, c.where) for c in checks if c.status == "fail"}


# ------------------------------------------------------------------------------------------------
# precision and formatting
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, decimals", [
    ("98,8", 1), ("10,80%", 2), ("100%", 0), ("1.234,5", 1), ("131.408", 0), ("98.5%", 1), ("05", 0),
])
def test_printed_decimals(raw, decimals):
    assert printed_decimals(raw) == decimals


def test_half_unit():
    assert half_unit("98,8") == pytest.approx(0.05)
    assert half_unit("100%") == pytest.approx(0.5)
    assert half_unit("10,80%") == pytest.approx(0.005)


@pytest.mark.parametrize("value, decimals, text", [
    (131667, None, "131.667"), (10.7196, 2, "10,72"), (-5, None, "-5"), (1234567.5, 1, "1.234.567,5"),
])
def test_fmt(value, decimals, text):
    assert fmt(value, decimals) == text


# ------------------------------------------------------------------------------------------------
# group_sum
# ------------------------------------------------------------------------------------------------

COLS = ["STT", "Nội dung", "2015-2019", "2020-2024"]


def test_group_sum_pass_and_fail():
    t = make_table(COLS, [
        ["1", "Tổng số lượt khám bệnh", "714.202", "3.119"],
        [None, "Tuyến huyện", "503.871", "3.110"],
        [None, "Tuyến xã", "210.331", "19"],
        ["2", "Số cơ sở", "20", "21"],
    ], tid="t4")
    checks = by_rule(checks_for_table(t), "group_sum")
    assert [(c.where, c.status) for c in checks] == [("table:t4:r1", "pass"), ("table:t4:r1", "fail")]
    bad = checks[1]
    assert bad.expected == 3119 and bad.actual == 3129
    assert "3.110 + 19 = 3.129" in bad.message and "3.119" in bad.message


def test_group_sum_needs_every_number_and_two_children():
    t = make_table(COLS, [
        ["1", "Tổng số", "100", "-"],
        [None, "A", "60", "-"],
        [None, "B", "-", "-"],
        ["2", "Số nhân lực", "10", "12"],
        [None, "Tại Sở Y tế", "4", "5"],  # one child: a detail, not a breakdown
    ])
    assert by_rule(checks_for_table(t), "group_sum") == []


def test_group_sum_skips_partial_lists_and_rates():
    t = make_table(COLS, [
        ["1", "Trong đó:", "100", "90"],
        [None, "A", "10", "20"],
        [None, "B", "30", "40"],
        ["2", "Tỷ lệ bao phủ (%)", "90", "95"],
        [None, "Thành thị", "92", "96"],
        [None, "Nông thôn", "88", "94"],
    ])
    assert by_rule(checks_for_table(t), "group_sum") == []


def test_group_sum_rows_without_number_column_are_not_children():
    t = make_table(["Nội dung", "2019"], [["A", "10"], ["B", "20"], ["C", "40"]], label_cols=1)
    assert by_rule(checks_for_table(t), "group_sum") == []


# ------------------------------------------------------------------------------------------------
# column_sum
# ------------------------------------------------------------------------------------------------

POP_COLS = [
    "STT", "Xã, phường",
    "Năm 2019 › Số người đã tham gia BHYT (người)",
    "Năm 2019 › Số người chưa tham gia BHYT (người)",
    "Năm 2019 › Dân số",
    "Năm 2019 › Tỷ lệ (%)",
]


def test_column_sum_pass_and_fail():
    t = make_table(POP_COLS, [
        ["1", "Xã A", "9.000", "1.000", "10.000", "90,0"],
        ["2", "Xã B", "4.500", "500", "5.000", "90,0"],
        [None, "Cộng", "13.500", "1.400", "15.000", "90,0"],
    ], kinds=["data", "data", "total"])
    checks = by_rule(checks_for_table(t), "column_sum")
    assert {(c.where, c.status) for c in checks} == {
        ("table:t1:c3", "pass"), ("table:t1:c4", "fail"), ("table:t1:c5", "pass")}  # no c6: a rate
    bad = next(c for c in checks if c.status == "fail")
    assert bad.expected == 1400 and bad.actual == 1500


def test_column_sum_needs_all_rows():
    t = make_table(["STT", "Đơn vị", "Số hộ"], [
        ["1", "Xã A", "10"], ["2", "Xã B", "-"], [None, "Cộng", "25"]], kinds=["data", "data", "total"])
    assert by_rule(checks_for_table(t), "column_sum") == []


# ------------------------------------------------------------------------------------------------
# participants_population and rate (column groups)
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("leaf, role", [
    ("Số người đã tham gia BHYT (người)", "joined"),
    ("Số người chưa tham gia BHYT (người)", "not_joined"),
    ("So nguoi chua tham gia BHYT", "not_joined"),      # lost diacritics
    ("S6 nguoi da tham gia BHYT", "joined"),            # OCR "s6"
    ("Sô ngưòi đã tharn gia", "joined"),                # OCR damage: fuzzy
    ("Dân số", "population"),
    ("Dan so", "population"),
    ("Tỷ lệ (%)", "rate"),
    ("Tỷ lệ chưa tham gia (%)", None),                  # not the participation rate
    ("Ghi chú", None),
])
def test_leaf_role(leaf, role):
    assert leaf_role(leaf) == role


def test_participants_population_pass_and_fail_with_difference():
    t = make_table(POP_COLS, [
        ["1", "Xã A", "10.250", "45", "10.300", "99,5"],
        ["2", "Xã B", "5.679", "42", "5.721", "99,3"],
    ])
    checks = by_rule(checks_for_table(t), "participants_population")
    assert [(c.where, c.status) for c in checks] == [("table:t1:r1", "fail"), ("table:t1:r2", "pass")]
    assert "Năm 2019" in checks[0].message and "10.295" in checks[0].message
    assert "-5" in checks[0].message
    assert checks[0].expected == 10300 and checks[0].actual == 10295


def test_participants_population_one_check_per_row_and_group():
    cols = ["STT", "Xã"] + [f"{p} › {leaf}" for p in ("Năm 2018", "Năm 2019")
                             for leaf in ("Số người đã tham gia", "Số người chưa tham gia", "Dân số")]
    t = make_table(cols, [["1", "Xã A", "90", "10", "100", "95", "5", "101"]])
    checks = by_rule(checks_for_table(t), "participants_population")
    assert [c.status for c in checks] == ["pass", "fail"]
    assert "Năm 2018" in checks[0].message and "Năm 2019" in checks[1].message


@pytest.mark.parametrize("joined, printed, status", [
    ("9.875", "98,8", "pass"),   # 98.75: exactly half a unit from 98,8 ...
    ("9.875", "98,7", "pass"),   # ... and from 98,7
    ("9.874", "98,8", "fail"),   # 98.74 rounds to 98,7
    ("9.874", "98,7", "pass"),
    ("9.950", "100,0", "fail"),  # 99.5 printed 100,0 at one decimal
    ("9.950", "100%", "pass"),   # ... but 100% at no decimals is within half a unit
])
def test_rate_printed_precision(joined, printed, status):
    t = make_table(POP_COLS, [["1", "Xã A", joined, None, "10.000", printed]])
    checks = by_rule(checks_for_table(t), "rate")
    assert [(c.where, c.status) for c in checks] == [("table:t1:r1", status)]


# ------------------------------------------------------------------------------------------------
# share_sum and share rates (row groups)
# ------------------------------------------------------------------------------------------------

SHARE_LABEL = "Tỷ lệ người tham gia BHYT theo các nhóm đối tượng trên tổng số người tham gia BHYT (%)"


@pytest.mark.parametrize("label, share", [
    (SHARE_LABEL, True),
    ("Ty le nguoi tham gia BHYT theo nhom tren tong so nguoi tham gia BHYT (%)", True),
    ("Cơ cấu lao động theo ngành (%)", True),
    ("Tỷ lệ người nghèo được cấp thẻ BHYT/tổng số người nghèo (%)", False),  # a coverage rate
    ("Tỷ lệ hộ nghèo theo xã trên tổng số hộ (%)", False),
    ("Số người tham gia BHYT theo các nhóm đối tượng", False),
])
def test_is_share_label(label, share):
    assert is_share_label(label) is share


def _share_table(shares_c3, shares_c4, counts_c4=("14.114", "7.049", "26.358")):
    rows = [
        ["1", "Số người tham gia BHYT theo các nhóm đối tượng", None, None],
        [None, "Nhóm do người lao động đóng", "-", counts_c4[0]],
        [None, "Nhóm do cơ quan BHXH đóng", "-", counts_c4[1]],
        [None, "Nhóm do ngân sách Nhà nước đóng", "-", counts_c4[2]],
        ["2", SHARE_LABEL, None, None],
        [None, "Nhóm do người lao động đóng", shares_c3[0], shares_c4[0]],
        [None, "Nhóm do cơ quan BHXH đóng", shares_c3[1], shares_c4[1]],
        [None, "Nhóm do ngân sách Nhà nước đóng", shares_c3[2], shares_c4[2]],
    ]
    return make_table(["STT", "Các loại BHYT", "2009-2014", "2015-2019"], rows, tid="t3")


def test_share_sum_pass_within_rounding_and_fail():
    t = _share_table(("33,3%", "33,3%", "33,3%"), ("30,80%", "15,38%", "53,81%"))
    checks = by_rule(checks_for_table(t), "share_sum")
    # c3: 99,9% is within 3 × 0,05; c4: 99,99% within 3 × 0,005
    assert [(c.where, c.status) for c in checks] == [("table:t3:c3", "pass"), ("table:t3:c4", "pass")]
    t = _share_table(("33,3%", "33,3%", "33,2%"), ("10,80%", "100%", "100%"))
    checks = by_rule(checks_for_table(t), "share_sum")
    assert [(c.where, c.status) for c in checks] == [("table:t3:c3", "fail"), ("table:t3:c4", "fail")]
    assert "210,80%" in checks[1].message


def test_share_sum_with_missing_shares_fails_only_above_100():
    t = _share_table(("-", "100%", "100%"), ("-", "40%", "-"))
    checks = by_rule(checks_for_table(t), "share_sum")
    assert [(c.where, c.status) for c in checks] == [("table:t3:c3", "fail")]  # c4: 40% of an unknown


def test_share_rates_against_the_count_group():
    # counts 14.114 + 7.049 + 26.358 = 47.521: shares 29,70% 14,83% 55,47%
    t = _share_table(("-", "-", "-"), ("29,70%", "14,83%", "50,00%"))
    checks = by_rule(checks_for_table(t), "rate")
    assert [(c.where, c.status) for c in checks] == [
        ("table:t3:r6", "pass"), ("table:t3:r7", "pass"), ("table:t3:r8", "fail")]
    assert "47.521" in checks[2].message


def test_across_tables_total_of_a_breakdown():
    t2 = make_table(["STT", "Tỷ lệ bao phủ BHYT", "2009-2014", "2015-2019"], [
        ["1", "Tổng số người dân tham gia BHYT", "131.408", "47.521"]], tid="t2")
    t3 = _share_table(("-", "-", "-"), ("-", "-", "-"))
    checks = checks_across_tables([t2, t3])
    assert [(c.rule, c.where, c.status) for c in checks] == [("group_sum", "table:t3:r1", "pass")]
    t2.values[0][3] = CellValue(value=179611, raw="179.611")
    checks = checks_across_tables([t2, t3])
    assert [(c.where, c.status, c.expected, c.actual) for c in checks] == [
        ("table:t3:r1", "fail", 179611, 47521)]


def test_across_tables_needs_the_same_thing():
    t2 = make_table(["STT", "Nội dung", "2015-2019"], [["1", "Tổng số người nghèo tham gia BHYT", "500"]])
    t3 = _share_table(("-", "-", "-"), ("-", "-", "-"))
    t3 = t3.model_copy(update={"columns": ["STT", "Các loại BHYT", "2009-2014", "2015-2019"]})
    assert checks_across_tables([t2, t3]) == []


# ------------------------------------------------------------------------------------------------
# prose
# ------------------------------------------------------------------------------------------------


def test_amount_words_pass_and_fail():
    ok = checks_for_text("đã thu hồi về quỹ 879.000.000đ (*Tám trăm bảy mươi chín triệu đồng*).", "text:p3")
    assert [(c.rule, c.status, c.where) for c in ok] == [("amount_words", "pass", "text:p3")]
    bad = checks_for_text("xử phạt 150.000.000đ (Một trăm năm mươi lăm triệu đồng).", "text:p2")
    assert [(c.rule, c.status) for c in bad] == [("amount_words", "fail")]
    assert bad[0].expected == 150_000_000 and bad[0].actual == 155_000_000


def test_amount_words_scaled_unit():
    checks = checks_for_text("tổng chi 622 triệu đồng (Sáu trăm hai mươi hai triệu đồng)", "text:p1")
    assert [c.status for c in by_rule(checks, "amount_words")] == ["pass"]


LIST_PARAGRAPHS = [
    "Tổng số người tham gia BHYT là 155.163 người (không bao gồm đối tượng do tỉnh khác cấp thẻ); "
    "tỷ lệ bao phủ đạt 85,1%; trong đó:",
    "- Số người do cơ quan BHXH huyện cấp thẻ BHYT là 153.953 người (chiếm 99,2%), gồm các nhóm đối tượng:",
    "+ Nhóm do người lao động đóng: 8.541 thẻ, chiếm 5,5%.",
    "+ Nhóm do cơ quan BHXH đóng: 5.374 thẻ, chiếm 3,5%.",
    "+ Nhóm do ngân sách nhà nước đóng: 80.185 thẻ, chiếm 52,1%, bao gồm: Người nghèo 4.154 thẻ; "
    "người dân tộc thiểu số 38.658 thẻ; người có công 37.373 thẻ.",
    "+ Nhóm được ngân sách nhà nước hỗ trợ mức đóng: 33.118 thẻ, chiếm 21,5%.",
    "+ Nhóm tham gia BHYT theo hộ gia đình: 26.735 thẻ, chiếm 17,2%.",
    "- Số người thân nhân do Quân đội cấp thẻ BHYT là: 1.210 người (chiếm 0,8%).",
    "II. ĐÁNH GIÁ CHUNG",
]


def test_prose_list_of_parts():
    checks = checks_for_paragraphs([(p, "text:p1") for p in LIST_PARAGRAPHS])
    got = [(c.rule, c.status) for c in checks]
    # 155.163 = 153.953 + 1.210, shares 99,2 + 0,8; 153.953 = the five groups, shares sum 99,8
    assert got.count(("group_sum", "pass")) == 3  # the two lists and "bao gồm" inside a group
    assert got.count(("share_sum", "pass")) == 2
    rates = by_rule(checks, "rate")
    assert len(rates) == 7
    failing = [c for c in rates if c.status == "fail"]
    assert len(failing) == 1 and "26.735" in failing[0].message and "17,2%" in failing[0].message


def test_prose_list_without_diacritics_as_page_text():
    page = "\n".join([
        "Tong s6 nguoi tham gia BHYT la 1.000 nguoi; trong do:",
        "- Nhom A: 600 nguoi, chiem 60,0%.",
        "- Nhom B: 300 the (chiem",
        "30,0%).",
        "- Nhom C: 100 nguoi, chiem 12,0%.",
    ])
    assert len(split_paragraphs(page)) == 4
    checks = checks_for_text(page, "text:p2")
    assert fails(checks) == {("rate", "text:p2"), ("share_sum", "text:p2")}
    assert by_rule(checks, "group_sum") == []  # "trong đó" and shares not summing to 100: maybe partial


def test_prose_partial_list_gets_no_group_sum():
    paras = ["Tổng số 1.000 người; trong đó:", "- Nữ: 400 người.", "- Dân tộc thiểu số: 200 người."]
    assert checks_for_paragraphs([(p, "text:p1") for p in paras]) == []


def test_prose_rates_need_most_shares_to_agree_with_the_total():
    paras = ["Tổng số hộ là 1.000 hộ, gồm:", "- Hộ A: 100 hộ, chiếm 20,0%.", "- Hộ B: 200 hộ, chiếm 40,0%.",
             "- Hộ C: 700 hộ, chiếm 40,0%."]
    checks = checks_for_paragraphs([(p, "text:p1") for p in paras])
    assert by_rule(checks, "rate") == []  # the shares are of some other whole
    assert [c.status for c in by_rule(checks, "group_sum")] == ["pass"]
    assert [c.status for c in by_rule(checks, "share_sum")] == ["pass"]


def test_prose_inline_list():
    ok = checks_for_text("Năm 2015, thành phố có tổng số 21 đơn vị khám BHYT gồm 03 bệnh viện, "
                         "03 phòng khám và 15 trạm y tế xã, phường. Năm 2023 có 26 đơn vị.", "text:p4")
    assert [(c.rule, c.status, c.expected, c.actual) for c in ok] == [("group_sum", "pass", 21, 21)]
    bad = checks_for_text("Toàn huyện có 30 cơ sở gồm 05 bệnh viện, 04 phòng khám và 20 trạm y tế.", "text:p1")
    assert [(c.rule, c.status, c.actual) for c in bad] == [("group_sum", "fail", 29)]


def test_prose_not_a_list():
    texts = [
        "Tổ chức 12 hội nghị gồm 300 lượt người, 5 đơn vị tham dự.",  # parts of other things
        "Tổng số 155.163 người (không bao gồm 1.000 người, 2.000 người do tỉnh khác cấp thẻ).",
        "Dân số 182.330 người, tổng số người tham gia là 155.163 người, gồm 100 người, 200 người.",
        "Nội dung tuyên truyền ngắn gọn, trong đó tập trung tuyên truyền về ý nghĩa của BHYT.",
        "Kiểm tra 35 lượt cơ sở, bao gồm cả 10 doanh nghiệp và 5 đơn vị.",
    ]
    for t in texts:
        assert checks_for_text(t, "text:p1") == [], t


# ------------------------------------------------------------------------------------------------
# header vs annex caption
# ------------------------------------------------------------------------------------------------

CAPTION = "(Kèm theo Kế hoạch số 31 /KH-UBND ngày 8 /11/2018 của Ủy ban nhân dân thành phố)"


def test_header_annex_number_fail_and_pass():
    bad = check_header_annex_number(131, "131/KH-UBND", "KẾ HOẠCH", [(CAPTION, "text:p6")])
    assert [(c.rule, c.status, c.where, c.expected, c.actual) for c in bad] == [
        ("header_annex_number", "fail", "header", 131, 31)]
    assert "31" in bad[0].message and "131" in bad[0].message
    ok = check_header_annex_number(31, "31/KH-UBND", "KẾ HOẠCH", [(CAPTION, "text:p6")])
    assert [c.status for c in ok] == ["pass"]
    ocr = check_header_annex_number(31, "31/KH-UBND", "KE HOACH", [("(Kem theo Ke hoach s6 31 /KH-UBND)", "x")])
    assert [c.status for c in ocr] == ["pass"]


def test_header_annex_number_no_check():
    assert check_header_annex_number(None, "/KH-UBND", "KẾ HOẠCH", [(CAPTION, "x")]) == []
    assert check_header_annex_number(282, "282-BC/ThU", "BÁO CÁO", [(CAPTION, "x")]) == []  # another kind
    assert check_header_annex_number(282, "282-BC/ThU", "BÁO CÁO",
                                     [("Kèm theo Báo cáo tổng kết 15 năm thực hiện Chỉ thị", "x")]) == []
    # the same kind with another issuer's symbol cites another document
    assert check_header_annex_number(9, "09-KH/HU", "KẾ HOẠCH",
                                     [("(Kèm theo Kế hoạch 134-KH/TU, ngày 27 tháng 3 năm 2019)", "x")]) == []
    assert check_header_annex_number(131, "131/KH-UBND", None, [(CAPTION, "x")])[0].status == "fail"


# ------------------------------------------------------------------------------------------------
# seeds: the goldens' failing checks are found
# ------------------------------------------------------------------------------------------------


def _seed_checks(stem: str):
    from extractors.header import header_from_zone
    from extractors.keywords import key
    from extractors.tables import caption_for, table_from_block
    from pipeline.document import Block, TableBlock
    from pipeline.layout import build_layout
    from pipeline.sources.text import text_to_source

    path = next(SEEDS.glob(f"{stem}_*.txt"))
    layout = build_layout(text_to_source(path.read_bytes(), path.name))
    tables = [table_from_block(b, caption_for(layout.body, i))
              for i, b in enumerate(layout.body) if isinstance(b, TableBlock)]
    out = []
    for t in tables:
        out.extend(checks_for_table(t))
    out.extend(checks_across_tables(tables))
    blocks = [b for b in layout.body if isinstance(b, Block)]
    out.extend(checks_for_paragraphs([(b.text, f"text:p{b.page}") for b in blocks]))
    for f in layout.footnotes:
        out.extend(checks_for_text(f.text, f"text:p{f.lines[0].page}"))
    h = header_from_zone(layout.header_lines, layout.doc_type_line, layout.title_lines)
    captions = [(b.text, f"text:p{b.page}") for b in blocks if "kem theo" in key(b.text)]
    out.extend(check_header_annex_number(h.number, h.ref, h.doc_type, captions))
    return out


def _golden_fails(stem: str) -> set[tuple[str, str]]:
    golden = json.loads((ROOT / "golden" / f"{stem}_text.json").read_text(encoding="utf-8"))
    return {(c["rule"], c["where"]) for c in golden["checks"] if c["status"] == "fail"}


@pytest.mark.parametrize("stem", ["000", "002", "003"])
def test_seed_golden_failures_found(stem):
    checks = _seed_checks(stem)
    assert _golden_fails(stem) <= fails(checks)
    assert any(c.status == "pass" for c in checks)


def test_seed_000_no_extra_failures():
    assert fails(_seed_checks("000")) == _golden_fails("000")


def test_seed_002_passes_elsewhere():
    checks = _seed_checks("002")
    assert fails(checks) == _golden_fails("002")
    assert by_rule(checks, "column_sum") and all(c.status == "pass" for c in by_rule(checks, "column_sum"))
    assert by_rule(checks, "rate") and all(c.status == "pass" for c in by_rule(checks, "rate"))


def test_seed_003_raw_page_text():
    text = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    checks = checks_for_text(text, "text:p1")
    assert fails(checks) == {("rate", "text:p1")}
    assert len(by_rule(checks, "group_sum", "pass")) == 4
