"""The `baocao` command (extract, eval, schema) in a subprocess, and the library API."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.record import Record

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "golden"
CONSOLE_SCRIPT = Path(sys.executable).with_name("baocao")
# The record contract's top-level keys (shared/docs/record-contract.md), and the ones this project adds.
CONTRACT_KEYS = {"schema_version", "source", "pages", "header", "signature", "recipients", "sections", "footnotes",
                 "references", "tables", "measures", "assignments", "checks", "warnings"}
ADDED_KEYS = {"status", "errors"}


def run(*args, script: bool = False, timeout: float = 300) -> subprocess.CompletedProcess:
    cmd = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "pipeline.cli"]
    proc = subprocess.run([*cmd, *map(str, args)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


# ---- usage ------------------------------------------------------------------------------------
@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="console script not installed in this environment")
def test_console_script_help():
    proc = run("--help", script=True)
    assert proc.returncode == 0
    assert "usage: baocao" in proc.stdout
    for command in ("extract", "eval", "schema"):
        assert command in proc.stdout


def test_extract_help():
    proc = run("extract", "--help")
    assert proc.returncode == 0
    assert "-o OUTDIR" in proc.stdout and "--password" in proc.stdout


@pytest.mark.parametrize("args", [["extract"], [], ["extract", "samples/000_text.txt"], ["frobnicate"],
                                  ["eval", "out"], ["extract", "samples/000_text.txt", "-o", "x", "--max-pages", "two"]])
def test_usage_errors_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2, (args, proc.stderr)
    assert "usage:" in proc.stderr


# ---- schema -----------------------------------------------------------------------------------
def test_schema_is_json_schema_of_the_record():
    proc = run("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert schema["type"] == "object"
    props = set(schema["properties"])
    assert CONTRACT_KEYS <= props, CONTRACT_KEYS - props
    assert ADDED_KEYS <= props
    assert {"source"} <= set(schema.get("required", []))
    # a record the CLI writes conforms to what the schema says at the top level
    assert set(json.loads(Record.model_validate({"source": {"file": "x", "sha256": "0", "media_type": "text/plain",
                                                             "page_count": 1}}).to_json())) <= props


# ---- extract ----------------------------------------------------------------------------------
def test_extract_one_text_sample(tmp_path):
    out = tmp_path / "tmp"
    proc = run("extract", "samples/000_text.txt", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["000_text.json"]
    data = json.loads((out / "000_text.json").read_text(encoding="utf-8"))
    assert CONTRACT_KEYS <= set(data)
    rec = Record.model_validate_json((out / "000_text.json").read_text(encoding="utf-8"))
    assert rec.status == "success"
    assert rec.source.file == "000_text.txt" and rec.source.media_type == "text/plain"
    assert rec.header.number == 282 and rec.header.ref == "282-BC/ThU" and rec.header.date == "2024-03-29"
    assert "1 of 1 documents extracted" in proc.stderr


def test_extract_same_stem_twice_keeps_both(tmp_path):
    out = tmp_path / "out"
    proc = run("extract", "samples/002_text.txt", "samples/002_text.txt", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["002_text.json", "002_text_txt.json"]


# ---- eval -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pred_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("pred")
    proc = run("extract", "samples/000_text.txt", "samples/002_text.txt", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_eval_prints_per_document_scores(pred_dir):
    proc = run("eval", pred_dir, GOLDEN)
    assert proc.returncode == 0, proc.stderr
    rows = {ln.split()[0]: ln.split() for ln in proc.stdout.splitlines() if ln.strip()}
    for name in ("000_text", "002_text"):
        assert name in rows, proc.stdout
        strict, lenient = float(rows[name][1]), float(rows[name][2])
        assert 0.9 <= strict <= 1.0 and 0.9 <= lenient <= 1.0, rows[name]
    assert "(missing)" in rows["001_text"]  # golden records without a prediction are scored as empty
    assert "Aggregate" in proc.stdout and "overall (micro)" in proc.stdout


def test_eval_json(pred_dir):
    proc = run("eval", pred_dir, GOLDEN, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert "aggregate" in report
    docs = {d["name"]: d for d in report["documents"]}
    assert not docs["000_text"]["missing"] and docs["001_text"]["missing"]
    assert docs["002_text"]["strict"]["overall"]["f1"] > 0.9
    agg = report["aggregate"]["strict"]["overall"]
    assert 0.0 < agg["f1"] < 1.0 and agg["tp"] > 0


def test_eval_of_only_the_extracted_documents_is_high(pred_dir, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    for name in ("000_text", "002_text"):
        shutil.copyfile(GOLDEN / f"{name}.json", gold / f"{name}.json")
    proc = run("eval", pred_dir, gold, "--json", "--min-f1", "0.9")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["aggregate"]["strict"]["overall"]["f1"] >= 0.9


def test_eval_min_f1_above_one_fails(pred_dir):
    proc = run("eval", pred_dir, GOLDEN, "--min-f1", "1.01")
    assert proc.returncode == 1
    assert "below --min-f1 1.01" in proc.stderr


def test_eval_missing_directory_is_a_usage_error(pred_dir, tmp_path):
    proc = run("eval", tmp_path / "nope", GOLDEN)
    assert proc.returncode == 2
    assert "not found" in proc.stderr


# ---- library API ------------------------------------------------------------------------------
def test_library_extract_and_pandas():
    from pipeline import extract

    r = extract(str(SAMPLES / "002_text.txt"))
    assert isinstance(r, Record)
    assert r.header.number == 131
    frames = r.to_pandas()
    tables = frames["tables"]
    assert isinstance(tables, pd.DataFrame) and not tables.empty
    assert pd.api.types.is_numeric_dtype(tables["value"])
    assert (tables["value"] == 10000.0).any()
    measures = frames["measures"]
    assert isinstance(measures, pd.DataFrame) and not measures.empty
    assert (measures["document"] == "002_text.txt").all()


def test_library_extract_after_the_submodule_is_imported():
    """Importing the submodules (the CLI does) must not shadow the documented `from pipeline import
    extract` (the module is named `extraction` so that no submodule is called `extract`)."""
    import pipeline.cli  # noqa: F401
    import pipeline.extraction  # noqa: F401
    from pipeline import extract

    assert extract(SAMPLES / "000_text.txt").header.number == 282
    assert extract((SAMPLES / "000_text.txt").read_bytes(), file="000_text.txt").header.number == 282


def test_library_load_record_roundtrip(tmp_path):
    from pipeline import extract, load_record

    r = extract(SAMPLES / "002_text.txt")
    path = tmp_path / "r.json"
    path.write_text(r.to_json(), encoding="utf-8")
    assert load_record(path) == r


def test_library_source_error():
    from pipeline import extract
    from pipeline.sources.errors import SourceError

    with pytest.raises(SourceError) as info:
        extract(b"", file="empty.txt")
    assert info.value.file == "empty.txt" and "0 bytes" in info.value.reason
    with pytest.raises(SourceError, match="cannot read file"):
        extract(SAMPLES / "does-not-exist.txt")
