"""Tests of the evaluation module (pipeline/evaluate.py): hand-made records, hand-computed counts."""
from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:  # the project is not installed in the venv: import it from the checkout
    sys.path.insert(0, _ROOT)

from pipeline.evaluate import (  # noqa: E402
    FAMILIES,
    Counts,
    DocScore,
    format_report,
    format_report_rich,
    report_to_dict,
    run_eval,
    score_dirs,
    score_record,
)

HEADER = {
    "issuer_parent": "ĐẢNG BỘ TỈNH LÂM ĐỒNG",
    "issuer": "THÀNH ỦY ĐÀ LẠT",
    "ref": "282-BC/ThU",
    "number": 282,
    "doc_type": "BÁO CÁO",
    "place": "Đà Lạt",
    "date": "2024-03-29",
    "title": "Tổng kết 15 năm thực hiện Chỉ thị số 38-CT/TW",
}


def full_record() -> dict:
    return {
        "schema_version": "1",
        "header": dict(HEADER),
        "signature": {
            "authority": "T/M BAN THƯỜNG VỤ",
            "deputy": None,
            "position": "PHÓ BÍ THƯ",
            "signer": "Ngô Thị Mỹ Lợi",
        },
        "recipients": ["Tỉnh ủy Lâm Đồng (b/c)", "Ban Tuyên giáo Tỉnh ủy (b/c)", "Lưu VPTU"],
        "sections": [
            {"id": "I", "number": "I", "title": "Kết quả thực hiện", "level": 1, "page": 1},
            {"id": "I.1", "number": "1", "title": "Công tác lãnh đạo, chỉ đạo", "level": 2, "page": 1},
            {"id": "II", "number": "II", "title": "Tồn tại, hạn chế", "level": 1, "page": 3},
        ],
        "footnotes": [
            {"marker": "1", "text": "Công văn số 106/UBND ngày 08/01/2015 về việc xây dựng kế hoạch", "page": 1},
        ],
        "references": [
            {
                "kind": "Công văn",
                "number": "106/UBND",
                "date": "2015-01-08",
                "issuer": None,
                "subject": "về việc xây dựng kế hoạch",
                "cited_in": ["footnote:1", "body"],
            },
            {
                "kind": "Chỉ thị",
                "number": "38-CT/TW",
                "date": None,
                "issuer": None,
                "subject": None,
                "cited_in": ["body"],
            },
        ],
        "tables": [
            {
                "id": "t1",
                "page": 2,
                "caption": "2.1. Tỷ lệ bao phủ BHYT",
                "header_rows": [["STT", "Chỉ tiêu", "2009-2014"]],
                "rows": [["1", "Tổng số người tham gia", "131.408"], ["2", "Tỷ lệ bao phủ", "60,85%"]],
            }
        ],
        "measures": [
            {
                "indicator": "Tổng số người tham gia",
                "value": 131408,
                "unit": None,
                "period": "2009-2014",
                "scope": None,
                "kind": "actual",
                "qualifier": None,
                "raw": "131.408",
                "source": "table:t1:r1:c3",
            },
            {
                "indicator": "Tỷ lệ bao phủ",
                "value": 60.85,
                "unit": "%",
                "period": "2009-2014",
                "scope": None,
                "kind": "actual",
                "qualifier": None,
                "raw": "60,85%",
                "source": "table:t1:r2:c3",
            },
        ],
        "assignments": [
            {"agency": "Ban Tuyên giáo Tỉnh ủy", "role": "lead", "task": "đôn đốc các đơn vị", "deadline": "2019-06-21"},
        ],
        "checks": [
            {"rule": "row_sum", "status": "fail", "message": "1 + 2 ≠ 4", "where": "table:t1:r2"},
        ],
        "warnings": [],
    }


def counts(doc: DocScore, family: str, mode: str = "strict") -> tuple[int, int, int]:
    c = doc.mode(mode).families[family]
    return c.tp, c.fp, c.fn


# --------------------------------------------------------------------------------------------------


def test_identical_records_score_one():
    gold = full_record()
    doc = score_record(copy.deepcopy(gold), gold)
    assert set(doc.strict.families) == set(FAMILIES)
    for mode in ("strict", "lenient"):
        ms = doc.mode(mode)
        assert ms.overall.fp == 0 and ms.overall.fn == 0 and ms.overall.tp > 0
        assert ms.f1 == 1.0 and ms.precision == 1.0 and ms.recall == 1.0
        assert ms.macro_f1 == 1.0
        for family in FAMILIES:
            assert ms.families[family].f1 == 1.0, family


def test_empty_counts_score_one_and_only_fn_scores_zero():
    assert Counts().f1 == 1.0 and Counts().precision == 1.0 and Counts().recall == 1.0
    c = Counts(tp=0, fp=0, fn=3)
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)


def test_macro_f1_skips_families_without_units():
    gold = {"header": {"issuer": "SỞ Y TẾ"}, "checks": [], "recipients": ["Lưu VT"]}
    doc = score_record({"header": {"issuer": "SỞ Y TẾ"}}, gold)
    assert doc.strict.families["checks"].units == 0
    assert doc.strict.macro_f1 == pytest.approx(0.5)  # header 1.0, recipients 0.0; checks not averaged
    assert doc.strict.f1 == pytest.approx(2 / 3)  # micro: 1 TP, 1 FN


def test_wrong_header_field_exact_counts():
    gold = {"header": dict(HEADER)}
    pred = {"header": dict(HEADER, place="Lâm Đồng")}
    doc = score_record(pred, gold)
    # 8 fields: 7 equal (TP), place differs (FN for the golden value + FP for the wrong prediction)
    assert counts(doc, "header") == (7, 1, 1)
    assert doc.strict.precision == pytest.approx(7 / 8)
    assert doc.strict.recall == pytest.approx(7 / 8)
    assert doc.strict.f1 == pytest.approx(7 / 8)


def test_null_predicted_header_field_is_fn_only_and_extra_field_fp_only():
    gold = {"header": dict(HEADER, issuer_parent=None)}
    pred = {"header": dict(HEADER, issuer_parent="ĐẢNG BỘ X", title=None)}
    doc = score_record(pred, gold)
    # 7 golden non-null fields: 6 TP, title FN; issuer_parent golden null, predicted → FP
    assert counts(doc, "header") == (6, 1, 1)
    assert doc.strict.precision == pytest.approx(6 / 7)
    assert doc.strict.recall == pytest.approx(6 / 7)


def test_diacritic_only_difference_fails_strict_passes_lenient():
    gold = {"header": {"issuer": "THÀNH ỦY ĐÀ LẠT"}}
    pred = {"header": {"issuer": "THANH UY DA LAT"}}
    doc = score_record(pred, gold)
    assert counts(doc, "header", "strict") == (0, 1, 1)
    assert counts(doc, "header", "lenient") == (1, 0, 0)


def test_nfc_and_whitespace_are_equal_in_strict():
    import unicodedata

    gold = {"header": {"title": "Kế hoạch  thực hiện"}}
    pred = {"header": {"title": " " + unicodedata.normalize("NFD", "Kế hoạch thực\nhiện")}}
    assert counts(score_record(pred, gold), "header", "strict") == (1, 0, 0)


def test_long_text_typo_passes_lenient_only():
    title = "Tổng kết 15 năm thực hiện Chỉ thị số 38-CT/TW của Ban Bí thư"
    assert len(title) > 30
    typo = title.replace("Ban", "Bam")  # one real typo, not a diacritic
    gold = {"header": {"title": title}}
    doc = score_record({"header": {"title": typo}}, gold)
    assert counts(doc, "header", "strict") == (0, 1, 1)
    assert counts(doc, "header", "lenient") == (1, 0, 0)


def test_short_text_typo_fails_lenient():
    gold = {"header": {"place": "Đà Lạt"}}
    doc = score_record({"header": {"place": "Đà Lat."}}, gold)
    assert counts(doc, "header", "lenient") == (0, 1, 1)


def test_measure_value_tolerance_lenient_only_and_identifiers_exact():
    gold = {"measures": [{"indicator": "Tỷ lệ", "value": 60.85, "unit": "%"}], "header": {"number": 282}}
    pred = {"measures": [{"indicator": "Tỷ lệ", "value": 60.9, "unit": "%"}], "header": {"number": 283}}
    doc = score_record(pred, gold)
    # 60.9 is not equal within 1e-6: the measures do not align at all
    assert counts(doc, "measures", "strict") == (0, 3, 3)
    # header number is an identifier: exact in both modes
    assert counts(doc, "header", "lenient") == (0, 1, 1)


def test_measure_value_tolerance_on_aligned_pair():
    from pipeline.evaluate import _eq_num

    assert _eq_num(60.85, 60.9, lenient=True)
    assert not _eq_num(60.85, 60.9, lenient=False)
    assert not _eq_num(100, 101, lenient=True)
    assert _eq_num(131408, 131408.0, lenient=False)


def test_missing_measure_lowers_recall_not_precision():
    gold = full_record()
    pred = copy.deepcopy(gold)
    pred["measures"] = pred["measures"][1:]  # drop the first
    doc = score_record(pred, gold)
    m = doc.strict.families["measures"]
    # the dropped measure states 5 non-null scored fields (indicator, value, period, kind, source);
    # the kept one 6 (the same + unit)
    assert (m.tp, m.fp, m.fn) == (6, 0, 5)
    assert m.precision == 1.0
    assert m.recall == pytest.approx(6 / 11)
    assert doc.strict.precision == 1.0
    assert doc.strict.recall < 1.0


def test_extra_reference_lowers_precision_not_recall():
    gold = full_record()
    pred = copy.deepcopy(gold)
    pred["references"].append(
        {"kind": "Quyết định", "number": "823/QĐ-TTg", "date": None, "issuer": "Thủ tướng", "subject": None,
         "cited_in": ["body", "footnote:2"]}
    )
    doc = score_record(pred, gold)
    r = doc.strict.families["references"]
    # golden: ref1 kind,number,date,subject + 2 cited_in = 6; ref2 kind,number + 1 cited_in = 3 → 9 TP
    # extra: kind, number, issuer + 2 cited_in = 5 FP
    assert (r.tp, r.fp, r.fn) == (9, 5, 0)
    assert r.recall == 1.0
    assert r.precision == pytest.approx(9 / 14)


def test_references_align_by_number_ignoring_spaces_and_case():
    gold = {"references": [{"kind": "Công văn", "number": "5508/UBND-VX", "cited_in": ["body", "table:t1"]}]}
    pred = {"references": [{"kind": "công văn", "number": "5508 / ubnd-vx", "cited_in": ["table:t1", "body"]}]}
    doc = score_record(pred, gold)
    # aligned: kind and number differ in strict, equal folded in lenient (number: spaces kept → not equal)
    assert counts(doc, "references", "strict") == (2, 2, 2)
    assert counts(doc, "references", "lenient") == (3, 1, 1)


def test_reference_without_number_aligns_by_kind_and_date():
    gold = {"references": [{"kind": "Kế hoạch", "number": None, "date": "2020-01-02", "cited_in": ["body"]}]}
    pred = {"references": [{"kind": "Kế hoạch", "number": None, "date": "2020-01-02", "cited_in": []}]}
    assert counts(score_record(pred, gold), "references") == (2, 0, 1)


def test_table_cells_scored_by_position():
    gold = {
        "tables": [
            {
                "id": "t1",
                "page": 2,
                "caption": "Biểu 1",
                "header_rows": [["STT", None, "2020"]],
                "rows": [["1", "Xã A", "10"], ["2", "Xã B", "20"]],
            }
        ]
    }
    pred = copy.deepcopy(gold)
    t = pred["tables"][0]
    t["rows"][1][2] = "21"  # one wrong cell
    t["header_rows"][0][1] = "Đơn vị"  # golden null cell predicted → FP
    t["rows"].append(["3", "Xã C", None])  # extra row: 2 FP
    doc = score_record(pred, gold)
    # page 1 + caption 1 + header 2 + rows 5 = 9 TP; FP: 21, "Đơn vị", "3", "Xã C" = 4; FN: "20" = 1
    assert counts(doc, "tables") == (9, 4, 1)


def test_table_shifted_rows_score_by_position_and_match_by_caption():
    gold = {"tables": [{"id": "t1", "caption": "Tỷ lệ bao phủ BHYT", "rows": [["1", "A"], ["2", "B"]]}]}
    pred = {"tables": [{"id": "t9", "caption": "Tỷ lệ bao phủ BHYT.", "rows": [["2", "B"]]}]}
    doc = score_record(pred, gold)
    # aligned by caption (ids differ); caption differs strictly; row 0 ["2","B"] vs ["1","A"] → 2 FN + 2 FP;
    # row 1 missing → 2 FN
    assert counts(doc, "tables", "strict") == (0, 3, 5)


def test_tables_caption_match_outranks_shifted_ids():
    gold = {"tables": [
        {"id": "t1", "caption": "Phụ lục 1: Kết quả tuyên truyền", "rows": [["1", "a"]]},
        {"id": "t2", "caption": "Phụ lục 2: Kinh phí thực hiện", "rows": [["2", "b"]]},
    ]}
    pred = {"tables": [
        {"id": "t1", "caption": None, "rows": [["x"]]},  # an extra table found first shifts the ids
        {"id": "t2", "caption": "Phụ lục 1: Kết quả tuyên truyền", "rows": [["1", "a"]]},
        {"id": "t3", "caption": "Phụ lục 2: Kinh phí thực hiện", "rows": [["2", "b"]]},
    ]}
    assert counts(score_record(pred, gold), "tables") == (6, 1, 0)  # only the extra cell "x" is FP


def test_tables_align_by_id_without_captions():
    gold = {"tables": [{"id": "t1", "caption": None, "rows": [["1"]]}, {"id": "t2", "caption": None, "rows": [["2"]]}]}
    pred = {"tables": [{"id": "t2", "caption": None, "rows": [["2"]]}, {"id": "t1", "caption": None, "rows": [["1"]]}]}
    assert counts(score_record(pred, gold), "tables") == (2, 0, 0)


def test_repeated_section_ids():
    gold = {
        "sections": [
            {"id": "I", "number": "I", "title": "Kết quả", "level": 1, "page": 1},
            {"id": "I", "number": "I", "title": "Nhiệm vụ giải pháp", "level": 1, "page": 5},
        ]
    }
    pred = {"sections": list(reversed(copy.deepcopy(gold["sections"])))}
    doc = score_record(pred, gold)
    assert counts(doc, "sections") == (10, 0, 0)  # same ids, aligned by title

    pred2 = {"sections": [dict(gold["sections"][1])]}
    doc2 = score_record(pred2, gold)
    assert counts(doc2, "sections") == (5, 0, 5)  # the second golden "I" matched, the first missing


def test_section_wrong_id_right_title_still_aligns():
    gold = {"sections": [{"id": "III.2", "number": "2", "title": "Tổ chức thực hiện chính sách", "level": 2, "page": 3}]}
    pred = {"sections": [{"id": "II.2", "number": "2", "title": "Tổ chức thực hiện chính sách", "level": 2, "page": 3}]}
    assert counts(score_record(pred, gold), "sections") == (4, 1, 1)


def test_footnotes_repeated_markers_pair_in_order():
    gold = {"footnotes": [{"marker": "1", "text": "Một", "page": 1}, {"marker": "1", "text": "Hai", "page": 4}]}
    pred = {"footnotes": [{"marker": "1", "text": "Một", "page": 1}, {"marker": "1", "text": "Hai", "page": 4}]}
    assert counts(score_record(pred, gold), "footnotes") == (6, 0, 0)


def test_checks_with_status_pass_are_ignored():
    gold = {"checks": [{"rule": "row_sum", "status": "fail", "where": "table:t1:r2", "message": "x"}]}
    pred = {
        "checks": [
            {"rule": "column_sum", "status": "pass", "where": "table:t1:c3", "message": "ok"},
            {"rule": "row_sum", "status": "fail", "where": "table:t1:r2", "message": "different message"},
            {"rule": "rate", "status": "pass", "where": "text:p2", "message": "ok"},
        ]
    }
    doc = score_record(pred, gold)
    assert counts(doc, "checks") == (3, 0, 0)
    pred["checks"].append({"rule": "rate", "status": "fail", "where": "text:p2", "message": "no"})
    assert counts(score_record(pred, gold), "checks") == (3, 3, 0)


def test_recipients_fuzzy_alignment():
    gold = {"recipients": ["Tỉnh ủy Lâm Đồng (b/c)", "Ban Tuyên giáo Tỉnh ủy (b/c)", "Lưu VPTU"]}
    pred = {"recipients": ["Ban Tuyên giáo Tinh uy (b/c)", "Tỉnh ủy Lâm Đồng (b/c);", "UBND tỉnh"]}
    doc = score_record(pred, gold)
    # two aligned (both differ strictly); "Lưu VPTU" FN, "UBND tỉnh" FP
    assert counts(doc, "recipients", "strict") == (0, 3, 3)
    # lenient: folded "ban tuyen giao tinh uy (b/c)" equal; trailing ";" is a short-text difference
    assert counts(doc, "recipients", "lenient") == (1, 2, 2)


def test_assignments_align_by_agency_and_role():
    gold = {"assignments": [
        {"agency": "Sở Y tế", "role": "lead", "task": "xây dựng kế hoạch", "deadline": None},
        {"agency": "Sở Y tế", "role": "coordinate", "task": "phối hợp tuyên truyền", "deadline": "2019-06-21"},
    ]}
    pred = {"assignments": [
        {"agency": "Sở Y Tế", "role": "coordinate", "task": "phối hợp tuyên truyền", "deadline": "2019-06-21"},
        {"agency": "Sở Y tế", "role": "lead", "task": "xây dựng kế hoạch", "deadline": None},
    ]}
    doc = score_record(pred, gold)
    assert counts(doc, "assignments", "strict") == (6, 1, 1)  # the "Tế" case differs strictly
    assert counts(doc, "assignments", "lenient") == (7, 0, 0)


def test_family_or_field_missing_in_golden_is_not_scored():
    gold = {"header": {"issuer": "SỞ Y TẾ"}}  # no other family, header states one field
    pred = full_record()
    pred["header"]["issuer"] = "SỞ Y TẾ"
    doc = score_record(pred, gold)
    assert list(doc.strict.families) == ["header"]
    assert counts(doc, "header") == (1, 0, 0)


def test_unaligned_prediction_counts_fields_the_golden_states():
    gold = {"measures": [{"indicator": "A", "value": 1, "unit": "người"}]}
    pred = {"measures": [
        {"indicator": "A", "value": 1, "unit": "người", "source": "text:p1"},
        {"indicator": "B", "value": 2, "unit": "hộ", "source": "text:p2", "kind": "actual"},
    ]}
    # source/kind are not stated by the golden: the extra measure counts indicator, value, unit only
    assert counts(score_record(pred, gold), "measures") == (3, 3, 0)


def test_missing_prediction_file_listed_and_recall_zero(tmp_path: Path):
    gold_dir, pred_dir = tmp_path / "golden", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    (gold_dir / "a.json").write_text(json.dumps(full_record(), ensure_ascii=False), encoding="utf-8")
    (gold_dir / "b.json").write_text(json.dumps(full_record(), ensure_ascii=False), encoding="utf-8")
    (gold_dir / "CONVENTIONS.md").write_text("# not a record", encoding="utf-8")
    (gold_dir / "NOTES").write_text("notes", encoding="utf-8")
    (pred_dir / "a.json").write_text(json.dumps(full_record(), ensure_ascii=False), encoding="utf-8")
    (pred_dir / "zzz.json").write_text("{}", encoding="utf-8")

    report = score_dirs(pred_dir, gold_dir)
    assert [d.name for d in report.docs] == ["a", "b"]
    assert report.missing == ["b"]
    assert report.unmatched == ["zzz"]
    b = report.docs[1]
    assert b.missing and b.strict.recall == 0.0 and b.lenient.recall == 0.0 and b.strict.overall.tp == 0
    a = report.docs[0]
    assert a.strict.f1 == 1.0
    agg = report.aggregate.strict.overall
    assert agg.tp == a.strict.overall.tp and agg.fn == b.strict.overall.fn and agg.fp == 0
    assert report.aggregate.strict.recall == pytest.approx(0.5)

    d = report_to_dict(report)
    assert set(d) >= {"documents", "aggregate", "missing"}
    assert d["missing"] == ["b"]
    doc0 = d["documents"][0]
    assert doc0["name"] == "a"
    assert set(doc0["strict"]["overall"]) == {"p", "r", "f1", "tp", "fp", "fn"}
    assert set(doc0["lenient"]["families"]) == set(FAMILIES)
    assert d["aggregate"]["strict"]["overall"]["r"] == 0.5
    json.dumps(d)  # serializable

    text = format_report(report)
    assert "b (missing)" in text and "measures" in text and "overall" in text
    assert "measures" in format_report_rich(report)


def _write_dirs(tmp_path: Path, pred: dict) -> tuple[Path, Path]:
    gold_dir, pred_dir = tmp_path / "golden", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    (gold_dir / "doc.json").write_text(json.dumps({"header": dict(HEADER)}, ensure_ascii=False), encoding="utf-8")
    (pred_dir / "doc.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    return pred_dir, gold_dir


def test_run_eval_exit_codes(tmp_path: Path, capsys):
    pred_dir, gold_dir = _write_dirs(tmp_path, {"header": dict(HEADER, place="Lâm Đồng")})  # F1 = 7/8
    assert run_eval(str(pred_dir), str(gold_dir)) == 0
    assert "doc" in capsys.readouterr().out

    assert run_eval(str(pred_dir), str(gold_dir), min_f1=0.8) == 0
    assert run_eval(str(pred_dir), str(gold_dir), min_f1=0.9) == 1
    capsys.readouterr()

    assert run_eval(str(pred_dir), str(gold_dir), as_json=True) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["aggregate"]["strict"]["overall"]["f1"] == 0.875

    assert run_eval(str(tmp_path / "nope"), str(gold_dir)) == 2
    assert "not found" in capsys.readouterr().err
    assert run_eval(str(pred_dir), str(tmp_path / "nope")) == 2
    assert run_eval(str(pred_dir), str(gold_dir), mode="fuzzy") == 2


def test_run_eval_mode_selects_the_threshold_score(tmp_path: Path, capsys):
    pred_dir, gold_dir = _write_dirs(tmp_path, {"header": dict(HEADER, issuer="THANH UY DA LAT")})
    assert run_eval(str(pred_dir), str(gold_dir), min_f1=0.99, mode="strict") == 1
    assert run_eval(str(pred_dir), str(gold_dir), min_f1=0.99, mode="lenient") == 0


def test_unreadable_prediction_scored_empty(tmp_path: Path):
    pred_dir, gold_dir = _write_dirs(tmp_path, {})
    (pred_dir / "doc.json").write_text("{not json", encoding="utf-8")
    report = score_dirs(pred_dir, gold_dir)
    assert report.errors and report.docs[0].strict.recall == 0.0


def _big(n: int) -> dict:
    return {
        "recipients": [f"Phòng Y tế huyện số {i} (b/c)" for i in range(n)],
        "sections": [
            {"id": f"I.{i % 7}", "number": str(i % 7), "title": f"Tiêu đề mục thứ {i} về bảo hiểm y tế", "level": 2, "page": i // 10}
            for i in range(n)
        ],
        "footnotes": [{"marker": str(i), "text": f"Chú thích {i}", "page": 1} for i in range(n)],
        "references": [
            {"kind": "Công văn", "number": f"{i}/UBND", "date": None, "issuer": None, "subject": None, "cited_in": ["body"]}
            for i in range(n)
        ],
        "tables": [{"id": f"t{i}", "page": i, "caption": f"Biểu {i}", "rows": [["1", "a", "2"]]} for i in range(n)],
        "measures": [
            {"indicator": f"Chỉ tiêu {i % 20}", "value": float(i % 10), "unit": "%", "period": "2020", "scope": f"Xã {i}",
             "kind": "actual", "qualifier": None, "source": f"table:t1:r{i}:c3"}
            for i in range(n)
        ],
        "assignments": [
            {"agency": f"Phòng ban số {i % 15}", "role": "lead", "task": f"nhiệm vụ {i}", "deadline": None}
            for i in range(n)
        ],
        "checks": [{"rule": "row_sum", "status": "fail", "where": f"table:t1:r{i}", "message": ""} for i in range(n)],
    }


def test_200_items_per_family_score_fast():
    gold = _big(200)
    pred = copy.deepcopy(gold)
    pred["measures"].reverse()
    pred["sections"].reverse()
    pred["assignments"].reverse()
    start = time.perf_counter()
    doc = score_record(pred, gold)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, elapsed
    assert doc.strict.f1 == 1.0
