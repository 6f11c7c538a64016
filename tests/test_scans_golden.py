"""Scanned samples against their golden records (golden/scans/: the born-digital records, pages moved
where a sheet was inserted), with the real Tesseract: a floor under today's scores so that a change
that loses them fails, and the issue's target (within 0.03 of the born-digital copy), which the
200-dpi prose scan meets. The stripped text is cheap; the 7-page prose scan and the 10-page TIFF cost
about a minute of OCR on a cold cache.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import extract
from pipeline.evaluate import score_record

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "samples" / "scans"

# (input, golden stem, strict F1 floor): floors a few points under the scores measured when they were set
CASES = [
    ("004_scan200.pdf", "004_scan200", 0.91),  # measured 0.935, then 0.923
    ("004_stripped.txt", "004_stripped", 0.94),  # measured 0.940, then 0.944, 0.967
    ("001_stripped.txt", "001_stripped", 0.95),  # measured 0.932, then 0.936, 0.977
    ("001_scan.tiff", "001_scan", 0.94),  # a multi-page bilevel TIFF (its footnote rule): measured 0.959
    ("002_eng_ocr.pdf", "002_eng_ocr", 0.95),  # an English OCR text layer, re-read: measured 0.983
]


@pytest.fixture(scope="module")
def scores():
    out = {}
    for name, gold, _ in CASES:
        pred = json.loads(extract(SCANS / name).to_json())
        golden = json.loads((ROOT / "golden" / "scans" / f"{gold}.json").read_text(encoding="utf-8"))
        out[gold] = score_record(pred, golden, name=gold)
    return out


@pytest.mark.needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize("name, gold, floor", CASES)
def test_scanned_sample_keeps_its_score(scores, name, gold, floor):
    assert scores[gold].strict.f1 >= floor, (gold, scores[gold].strict.f1)


# Samples that meet issue 4's target, and their born-digital copies
WITHIN_TARGET = [
    ("004_scan200", "004_born_digital"),  # since the OCR's speck, table and restorer repairs (0.9535 against 0.9814)
    ("001_stripped", "001_born_digital"),  # since the restorer's phrases, names, markup rules (0.977 against 1.000)
    ("002_eng_ocr", "002_born_digital"),  # since its table cells' speck and mark repairs (0.983 against 0.994)
]


@pytest.mark.needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize("gold, born_digital", WITHIN_TARGET)
def test_scan_scores_like_its_born_digital_copy(scores, gold, born_digital):
    """Issue 4's target: within 0.03 of the born-digital copy (README: all 15 scanned samples)."""
    born = json.loads((ROOT / "golden" / f"{born_digital}.json").read_text(encoding="utf-8"))
    pdf = score_record(json.loads(extract(ROOT / "samples" / f"{born_digital}.pdf").to_json()), born,
                       name=born_digital)
    assert pdf.strict.f1 - scores[gold].strict.f1 <= 0.03, (pdf.strict.f1, scores[gold].strict.f1)
