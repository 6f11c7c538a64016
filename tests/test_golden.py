"""Every sample against its golden record (golden/, verified by reading the sources).

Floors are on the evaluation module's field-level F1 (the numbers `baocao eval` prints). Sample 003
is text whose diacritics an old OCR lost: the text source restores them (imperfectly), so it has
lenient floors here and its strict score is a visible strict xfail.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import aggregate, score_record
from pipeline.extraction import extract

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".txt", ".pdf"))
UNRESTORED = {"003_text"}  # diacritics lost: restoration is issue 4

# Per-family strict floors over the samples with diacritics, each with its reason when below 0.95.
FAMILY_FLOORS = {
    "header": 0.95, "signature": 0.95, "recipients": 0.95, "sections": 0.95, "footnotes": 0.95,
    "references": 0.95, "tables": 0.95, "checks": 0.90,  # a prose share check needs a judgement we skip
    "measures": 0.95,
    "assignments": 0.90,  # where a task's text ends is a judgement call the readers made case by case
}


@pytest.fixture(scope="module")
def scores():
    out = {}
    for sample in SAMPLES:
        gold_path = ROOT / "golden" / f"{sample.stem}.json"
        assert gold_path.exists(), f"sample {sample.name} has no golden record"
        pred = json.loads(extract(sample).to_json())
        out[sample.stem] = score_record(pred, json.loads(gold_path.read_text(encoding="utf-8")), name=sample.stem)
    return out


def test_every_sample_has_a_golden_and_every_golden_a_sample():
    stems = {p.stem for p in SAMPLES}
    goldens = {p.stem for p in (ROOT / "golden").glob("*.json")}
    assert stems == goldens


def test_overall_strict_f1_on_all_samples(scores):
    agg = aggregate(list(scores.values()))
    assert agg.strict.f1 >= 0.95, agg.strict.f1


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLES if p.stem not in UNRESTORED])
def test_each_sample_strict(scores, stem):
    assert scores[stem].strict.f1 >= 0.93, (stem, scores[stem].strict.f1)


@pytest.mark.parametrize("family", sorted(FAMILY_FLOORS))
def test_family_floors(scores, family):
    agg = aggregate([s for k, s in scores.items() if k not in UNRESTORED])
    counts = agg.strict.families[family]
    assert counts.f1 >= FAMILY_FLOORS[family], (family, counts)


@pytest.mark.parametrize("stem", sorted({p.stem.split("_")[0] for p in SAMPLES if p.suffix == ".pdf"}))
def test_born_digital_scores_like_its_text(scores, stem):
    pdf, txt = scores[f"{stem}_born_digital"], scores[f"{stem}_text"]
    assert abs(pdf.strict.f1 - txt.strict.f1) <= 0.03, (pdf.strict.f1, txt.strict.f1)


def test_text_without_diacritics_still_parses(scores):
    s = scores["003_text"]
    assert s.lenient.f1 >= 0.80, s.lenient.f1
    for family in ("header", "sections", "references", "measures"):
        assert s.lenient.families[family].f1 >= 0.6, (family, s.lenient.families[family])


@pytest.mark.xfail(strict=True, reason="seed 003's diacritics are restored (extractors/restore.py) but about 5% of "
                                        "its syllables and some OCR-garbled codes still come out wrong: strict F1 ≈ 0.80")
def test_text_without_diacritics_strict(scores):
    assert scores["003_text"].strict.f1 >= 0.95
