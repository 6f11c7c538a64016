"""`baocao ingest`, `query`, `report` (pipeline/ingest/): real files, real zip and tar archives, real
worker processes, DuckDB, Parquet and a Dask LocalCluster; fault injection (a document that hangs, a
worker that crashes) through tests/ingest_fault_worker.py."""
from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest.dataset import TABLES, load_dataset
from pipeline.ingest.inputs import (ArchiveEnd, Limits, Skipped, SUPPORTED_SUFFIXES, unsafe_name,
                                    walk_inputs)
from pipeline.ingest.manifest import Manifest, entry
from pipeline.ingest.run import IngestError, IngestOptions, ingest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TEXTS = ["000_text.txt", "001_text.txt", "002_text.txt", "004_text.txt"]


def run_cli(*args, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def make_texts(folder: Path, n: int, start: int = 0) -> list[Path]:
    """n distinct text documents: the text samples, each with its own last line."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n):
        src = (SAMPLES / TEXTS[i % len(TEXTS)]).read_text(encoding="utf-8")
        p = folder / f"doc{i:03d}.txt"
        p.write_text(src + f"\nBản sao số {i + 1}.\n", encoding="utf-8")
        out.append(p)
    return out


def manifest_state(ds: Path) -> dict:
    entries = Manifest(ds).load()
    return {k: (e["status"], e["reason"], e["sha256"], e["record"]) for k, e in entries.items()}


def snapshot(ds: Path) -> dict:
    """What a dataset holds, timings left out: record files, every table's rows, the manifest."""
    tables = {}
    for t, df in load_dataset(ds).items():
        tables[t] = df.drop(columns=[c for c in ("seconds",) if c in df.columns]).to_json(orient="records")
    con = duckdb.connect(str(ds / "dataset.duckdb"), read_only=True)
    try:
        db_counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()
    return {"records": {p.name: p.read_bytes() for p in sorted((ds / "records").glob("*.json"))},
            "tables": tables, "db_counts": db_counts, "manifest": manifest_state(ds)}


# ---- inputs: pure walking, safety ---------------------------------------------------------------
def test_suffixes_agree_with_extraction():
    from pipeline.extraction import SUPPORTED_SUFFIXES as EXTRACTION

    assert SUPPORTED_SUFFIXES == frozenset(EXTRACTION)


@pytest.mark.parametrize("name, unsafe", [
    ("../evil.txt", True), ("a/../../evil.txt", True), ("/etc/passwd", True), ("\\\\server\\x.pdf", True),
    ("C:\\Windows\\x.pdf", True), ("C:x.pdf", True), ("a/b/..", True), ("dir/report.pdf", False),
    ("a..b/report..pdf", False), ("báo cáo/2019.pdf", False),
])
def test_unsafe_names(name, unsafe):
    assert unsafe_name(name) is unsafe


def _events(*inputs, limits=Limits()):
    return list(walk_inputs([str(i) for i in inputs], limits))


def test_hostile_zip_is_refused_and_writes_nothing(tmp_path):
    doc = (SAMPLES / "002_text.txt").read_bytes()
    z = tmp_path / "in" / "hostile.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../evil.txt", doc)
        zf.writestr("/abs/evil2.txt", doc)
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (0o120777 << 16)  # a symbolic link to /etc/passwd
        zf.writestr(link, "/etc/passwd")
        zf.writestr("bomb.txt", b"\0" * (40 << 20))  # 40 MiB of zeros: ~1000:1
        zf.writestr("good/report.txt", doc)
    ds = tmp_path / "ds"
    before = sorted(p for p in tmp_path.rglob("*"))
    stats = ingest([str(z)], str(ds))
    after = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(ds))
    assert after == before  # nothing written outside the dataset
    assert not (tmp_path / "evil.txt").exists() and not Path("/abs/evil2.txt").exists()
    state = manifest_state(ds)
    # the declared ratio of the bomb stops the whole archive before any member is read past it
    arch = state[str(z)]
    assert arch[0] == "failed" and "zip bomb" in arch[1]
    assert state[f"{z}!../evil.txt"][0] == "failed" and "unsafe" in state[f"{z}!../evil.txt"][1]
    assert state[f"{z}!/abs/evil2.txt"][0] == "failed"
    assert state[f"{z}!link.txt"][0] == "skipped" and "link" in state[f"{z}!link.txt"][1]
    assert stats.final["failed"] == 2 and stats.archives_failed == 1
    errors = load_dataset(ds, ["errors"])["errors"]
    assert set(errors["input"]) == {str(z), f"{z}!../evil.txt", f"{z}!/abs/evil2.txt"}
    assert run_cli("ingest", z, "--out", ds, "--resume").returncode == 1  # failures make exit 1


def test_zip_bomb_with_lying_header_stops_while_reading(tmp_path):
    """A member whose header understates its size: the bytes actually read are counted."""
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"a" * (30 << 20))
    evs = _events(z, limits=Limits(max_member_bytes=10 << 20))
    assert any(isinstance(e, Skipped) and e.status == "failed" and "declares" in e.reason for e in evs)
    # a gzip'd tar does not declare a ratio per member: the stream's own is watched
    t = tmp_path / "bomb.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        info = tarfile.TarInfo("zeros.txt")
        info.size = 60 << 20
        tf.addfile(info, io.BytesIO(b"\0" * info.size))
    end = [e for e in _events(t) if isinstance(e, ArchiveEnd)][0]
    assert end.error and "ratio" in end.error


def test_nested_archives_links_duplicates_and_corrupt_members(tmp_path):
    a = (SAMPLES / "002_text.txt").read_bytes()
    b = (SAMPLES / "004_text.txt").read_bytes()
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tf:
        for name, data in (("x/copy_of_002.txt", a), ("x/004.txt", b), ("../up.txt", b)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        sym = tarfile.TarInfo("x/passwd.txt")
        sym.type, sym.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(sym)
        hard = tarfile.TarInfo("x/hard.txt")
        hard.type, hard.linkname = tarfile.LNKTYPE, "x/004.txt"
        tf.addfile(hard)
    corrupt = tmp_path / "corrupt.pdf"
    sys.path.insert(0, str(ROOT / "tools"))
    from make_samples import make_corrupt_pdf

    make_corrupt_pdf(corrupt)
    z = tmp_path / "box.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("2018/002.txt", a)
        zf.writestr("inner.tar.gz", inner.getvalue())
        zf.writestr("scan/broken.pdf", corrupt.read_bytes())
        zf.writestr("notes.docx", b"PK not a document we read")
        zf.writestr("truncated.zip", b"PK\x03\x04 this is no zip")
    ds = tmp_path / "ds"
    stats = ingest([str(z)], str(ds), IngestOptions(workers=2))
    state = manifest_state(ds)
    nested = f"{z}!inner.tar.gz"
    assert state[f"{z}!2018/002.txt"][0] == "done"
    assert state[f"{nested}!x/copy_of_002.txt"][0] == "done"
    # identical bytes: one record, both paths kept
    assert state[f"{z}!2018/002.txt"][2:] == state[f"{nested}!x/copy_of_002.txt"][2:]
    assert state[f"{nested}!../up.txt"][0] == "failed"
    assert state[f"{nested}!x/passwd.txt"][0] == "skipped" and "link" in state[f"{nested}!x/passwd.txt"][1]
    assert state[f"{nested}!x/hard.txt"][0] == "skipped"
    assert state[f"{z}!scan/broken.pdf"][0] == "failed"
    assert state[f"{z}!notes.docx"][:2] == ("skipped", "not a document (.docx)")
    assert state[f"{z}!truncated.zip"][0] == "failed" and "nested archive" in state[f"{z}!truncated.zip"][1]
    assert state[str(z)][0] == "partial"
    assert stats.extracted == 3  # 002 once, 004, the corrupt PDF
    docs = load_dataset(ds, ["documents"])["documents"]
    assert len(docs) == 2
    paths = {tuple(p) for p in docs["paths"]}
    assert (f"{z}!2018/002.txt", f"{nested}!x/copy_of_002.txt") in paths
    errors = load_dataset(ds, ["errors"])["errors"]
    broken = errors[errors["input"] == f"{z}!scan/broken.pdf"]
    assert len(broken) == 1 and broken.iloc[0]["message"]


def test_folder_walk_skips_links_and_non_documents(tmp_path):
    make_texts(tmp_path / "in" / "sub", 1)
    (tmp_path / "in" / "readme.json").write_text("{}")
    os.symlink(SAMPLES / "002_text.txt", tmp_path / "in" / "linked.txt")
    os.symlink(SAMPLES, tmp_path / "in" / "linked_dir")
    evs = _events(tmp_path / "in")
    kinds = {Path(e.path).name: (type(e).__name__, getattr(e, "reason", None)) for e in evs}
    assert kinds["doc000.txt"][0] == "Document"
    assert kinds["readme.json"] == ("Skipped", "not a document (.json)")
    assert "not followed" in kinds["linked.txt"][1] and "not followed" in kinds["linked_dir"][1]


# ---- manifest ------------------------------------------------------------------------------------
def test_manifest_drops_a_torn_last_line(tmp_path):
    m = Manifest(tmp_path)
    m.append([entry(input="/a", kind="file", status="done", sha256="1", record="records/1.json", size=1,
                    mtime_ns=1)])
    m.close()
    with open(m.path, "ab") as fh:
        fh.write(b'{"input": "/b", "kind": "fi')  # a kill -9 in the middle of an append
    m2 = Manifest(tmp_path)
    assert list(m2.load()) == ["/a"]
    m2.append([entry(input="/c", kind="file", status="skipped", reason="not a document")])
    m2.close()
    assert list(Manifest(tmp_path).load()) == ["/a", "/c"]


def test_existing_dataset_needs_resume(tmp_path):
    make_texts(tmp_path / "in", 1)
    ingest([str(tmp_path / "in")], str(tmp_path / "ds"))
    with pytest.raises(IngestError, match="--resume"):
        ingest([str(tmp_path / "in")], str(tmp_path / "ds"))
    proc = run_cli("ingest", tmp_path / "in", "--out", tmp_path / "ds")
    assert proc.returncode == 2 and "--resume" in proc.stderr


# ---- the table build's memory: bounded by constants ---------------------------------------------------
def only_part(folder: Path) -> Path:
    from pipeline.ingest.dataset import table_parts

    (part,) = table_parts(folder)
    return part


def write_rows(target: Path, table: str, rows) -> int:
    """Rows written as the build writes a table: staged as CSV parts, each made a Parquet part by DuckDB."""
    import tempfile

    from pipeline.ingest import dataset as ds_mod

    work = Path(tempfile.mkdtemp(prefix="stage-", dir=target.parent.parent))  # beside, not in the folder
    stager = ds_mod._TableStager(work, table)
    stager.add(rows)
    return ds_mod.write_table_parts(stager, target, work / "spill")


@pytest.mark.parametrize("value, kind, field", [
    (None, "str", ""),
    ("", "str", '""'),  # the empty string is quoted: an unquoted empty field is null
    ("Tỷ lệ bao phủ", "str", '"Tỷ lệ bao phủ"'),
    ('Kế hoạch "số 45"', "str", '"Kế hoạch ""số 45"""'),
    ("dòng 1,\ndòng 2\r\n", "str", '"dòng 1,\ndòng 2\r\n"'),
    (0, "int", "0"),
    (-131408, "int", "-131408"),
    (3.0, "int", "3"),  # a float that is a whole number
    (93.19, "float", "93.19"),
    (0.1 + 0.2, "float", "0.30000000000000004"),  # the repr: exact
    (622943, "float", "622943.0"),
    (True, "bool", "true"),
    (False, "bool", "false"),
    ([], "list<str>", '"[]"'),
    (["Bộ Y tế", None, 'a "b"'], "list<str>", '"[""Bộ Y tế"", null, ""a \\""b\\""""]"'),
    ([1, 2], "list<int>", '"[1, 2]"'),
])
def test_a_value_becomes_the_csv_field_of_its_column_type(value, kind, field):
    from pipeline.ingest.dataset import csv_field

    assert csv_field(value, kind) == field


@pytest.mark.parametrize("value, kind", [
    (12, "str"), (3.5, "int"), ("12", "int"), ("93,19", "float"), (1, "bool"), ("a", "list<str>"),
    ([1], "list<str>"), (["1"], "list<int>"), ({"a": 1}, "str"),
])
def test_a_value_of_the_wrong_type_is_refused_not_coerced(value, kind):
    from pipeline.ingest.dataset import csv_field

    with pytest.raises(TypeError):
        csv_field(value, kind)


def test_staged_rows_come_back_exactly_in_parquet_and_duckdb(tmp_path):
    """Every awkward value a record holds survives the CSV staging: quotes, commas, line breaks (\\r\\n
    too), the empty string apart from null, Vietnamese text, control characters (NUL too), exact floats,
    lists with nulls."""
    from pipeline.ingest import dataset as ds_mod

    texts = ['Kế hoạch "số 45/KH-UBND", ngày 3/2/2020', "dòng 1\ndòng 2\r\ndòng 3", "", None, "\u00a0 \t",
             "Thực hiện chỉ tiêu bao phủ bảo hiểm y tế", "a\x00b", "\ufeffBOM \u2028 \x1f \x7f"]
    rows = [{"document": f"d{i}", "marker": str(i), "text": texts[i % len(texts)], "page": i if i % 3 else None,
             "pages": [i, i + 1] if i % 2 else []} for i in range(30)]
    assert write_rows(tmp_path / "footnotes", "footnotes", iter(rows)) == 30  # a stream: never one list
    assert ds_mod.read_table(tmp_path / "footnotes").to_pylist() == rows
    checks = [{"document": "d", "rule": "tổng", "status": "failed", "message": "93,19% ≠ 93,2%", "where": None,
               "expected": 0.1 + 0.2, "actual": -622943.5}, {"document": "d", "rule": "r", "status": "ok",
               "message": None, "where": "", "expected": None, "actual": 1e-300}]
    write_rows(tmp_path / "checks", "checks", checks)
    assert ds_mod.read_table(tmp_path / "checks").to_pylist() == checks
    db = tmp_path / "t.duckdb"
    for table in ("footnotes", "checks"):
        ds_mod.load_table(lambda memory: ds_mod.duckdb_connect(db, tmp_path / "spill", memory), table,
                          tmp_path / table)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT * FROM footnotes").fetchall() == [tuple(r.values()) for r in rows]
    assert con.execute("SELECT * FROM checks").fetchall() == [tuple(r.values()) for r in checks]


def test_a_row_of_the_wrong_type_fails_the_table_naming_it(tmp_path):
    from pipeline.ingest import dataset as ds_mod

    stager = ds_mod._TableStager(tmp_path, "warnings")
    with pytest.raises(TypeError, match="warnings.*int"):
        stager.add([{"document": "d", "message": 12}])


def test_a_table_is_parts_of_bounded_bytes_read_back_and_loaded_in_order(tmp_path, monkeypatch):
    """Rows are staged STAGE_PART_BYTES at a time, each part a Parquet part of its own (converted in a
    connection of its own); the parts are read back, and loaded into DuckDB LOAD_PARTS a statement (a
    connection each), in order."""
    import pyarrow.parquet as pq

    from pipeline.ingest import dataset as ds_mod

    monkeypatch.setattr(ds_mod, "STAGE_PART_BYTES", 1_000)
    monkeypatch.setattr(ds_mod, "LOAD_PARTS", 3)
    rows = [{"document": "d", "message": f"cảnh báo {i}: " + "x" * 80} for i in range(95)]
    stager = ds_mod._TableStager(tmp_path / "stage", "warnings")
    stager.add(rows)
    sizes = [p.stat().st_size for p in stager.close()]
    n_parts = len(sizes)
    assert n_parts > 5 and sum(sizes) == sum(len(f'"d","{r["message"]}"\n'.encode()) for r in rows)
    # a part is closed at the first line that takes it to STAGE_PART_BYTES
    assert all(ds_mod.STAGE_PART_BYTES <= n < ds_mod.STAGE_PART_BYTES + stager.longest_line for n in sizes[:-1])
    assert 0 < sizes[-1] < ds_mod.STAGE_PART_BYTES + stager.longest_line
    assert not (tmp_path / "warnings").exists()  # nothing in place before the table is whole
    ds_mod.write_table_parts(stager, tmp_path / "warnings", tmp_path / "spill")
    parts = ds_mod.table_parts(tmp_path / "warnings")
    assert [p.name for p in parts] == [ds_mod.part_name(i) for i in range(n_parts)]
    assert sum(pq.ParquetFile(p).metadata.num_rows for p in parts) == 95
    assert ds_mod.read_table(tmp_path / "warnings").to_pylist() == rows
    assert not list((tmp_path / "stage").rglob("*.csv"))  # each staged part removed once converted
    db, limits = tmp_path / "t.duckdb", []

    def connect(memory):
        limits.append(memory)
        return ds_mod.duckdb_connect(db, tmp_path / "spill", memory)

    ds_mod.load_table(connect, "warnings", tmp_path / "warnings")
    assert limits == [ds_mod.DUCKDB_MEMORY] * -(-n_parts // 3)  # 3 parts a statement, the last fewer
    got = duckdb.connect(str(db), read_only=True).execute("SELECT document, message FROM warnings").fetchall()
    assert got == [tuple(r.values()) for r in rows]


def test_an_empty_table_is_one_part_with_its_columns(tmp_path):
    from pipeline.ingest import dataset as ds_mod

    assert write_rows(tmp_path / "errors", "errors", []) == 0
    assert write_rows(tmp_path / "footnotes", "footnotes", []) == 0
    for table in ("errors", "footnotes"):
        t = ds_mod.read_table(tmp_path / table)
        assert t.num_rows == 0 and t.schema == ds_mod.arrow_schema(table)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "rename-aside"])
def test_a_rebuilt_table_replaces_the_old_parts_and_an_earlier_layouts_file(tmp_path, monkeypatch, exchange):
    from pipeline.ingest import dataset as ds_mod

    if not exchange:
        monkeypatch.setattr(ds_mod, "_exchange", lambda a, b: False)
    old = [{"document": "cũ", "message": f"w{i}"} for i in range(5)]
    new = [{"document": "mới", "message": "w"}]
    (tmp_path / "tables").mkdir()
    for rows in (old, new):
        write_rows(tmp_path / "tables" / "warnings", "warnings", rows)
        if rows is old:  # a dataset built before tables were folders: one file beside
            (tmp_path / "tables" / "warnings.parquet").write_bytes(b"PAR1")
    assert ds_mod.read_table(tmp_path / "tables" / "warnings").to_pylist() == new
    # no old parts, no aside, no legacy file
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["warnings"]


def test_load_dataset_reads_a_dataset_of_the_earlier_one_file_layout(tmp_path):
    import pyarrow.parquet as pq

    from pipeline.ingest import dataset as ds_mod
    from pipeline import load_dataset

    (tmp_path / "parquet").mkdir()
    pq.write_table(ds_mod.arrow_schema("warnings").empty_table(), tmp_path / "parquet" / "warnings.parquet")
    assert list(load_dataset(tmp_path)) == ["warnings"]


def test_citations_built_in_chunks_equal_the_whole_join(tmp_path):
    import pyarrow.parquet as pq

    from pipeline.ingest.citations import CITATIONS_SQL, citation_chunks, citations_to_parquet

    def build_citations(con, chunk, folder):
        folder.mkdir()
        n = 0
        for i, (start, stop) in enumerate(citation_chunks(con, chunk)):
            n += citations_to_parquet(con, start, stop, folder / f"part-{i:05d}.parquet")
        rows = [r for p in sorted(folder.iterdir()) for r in pq.read_table(p).to_pylist()]
        assert len(rows) == n
        return rows

    con = duckdb.connect()
    con.execute("CREATE TABLE documents AS SELECT 'doc' || lpad(i::VARCHAR, 2, '0') AS document, "
                "'f' || i || '.pdf' AS file, CASE WHEN i % 3 = 0 THEN NULL ELSE '2020-01-0' || (i % 2 + 1) END AS date, "
                "(i % 4) || '/KH-UBND' AS ref, 'KẾ HOẠCH' AS doc_type FROM range(12) t(i)")
    con.execute('CREATE TABLE "references" AS SELECT d.document, j AS ref_index, \'Kế hoạch\' AS kind, '
                "((j + length(d.document)) % 5) || '/KH-UBND' AS number, "
                "CASE WHEN j % 2 = 0 THEN NULL ELSE '2020-01-01' END AS date "
                "FROM documents d, range(5) r(j) ORDER BY d.document, j")
    whole = build_citations(con, 10**6, tmp_path / "whole")
    expected = [dict(zip(("document", "ref_index", "kind", "number", "date", "cited_document", "cited_file",
                          "match"), r)) for r in con.execute(CITATIONS_SQL, {"start": 0, "stop": 10**6}).fetchall()]
    assert whole == expected and len(whole) > 60
    assert build_citations(con, 7, tmp_path / "chunks") == whole  # chunk bounds fall inside documents
    assert any(r["cited_document"] is not None for r in whole) and any(r["cited_document"] is None for r in whole)
    con.execute('DELETE FROM "references"')
    assert build_citations(con, 7, tmp_path / "none") == []  # no references: one part, no rows
    assert len(list((tmp_path / "none").iterdir())) == 1


def test_duckdb_build_runs_with_the_memory_cap_and_spills_inside_the_dataset(tmp_path, monkeypatch):
    from pipeline.ingest import dataset as ds_mod

    make_texts(tmp_path / "in", 3)
    settings = []
    connect = duckdb.connect

    def recording_connect(*args, **kwargs):
        con = connect(*args, **kwargs)
        settings.append(con.execute("SELECT current_setting('memory_limit'), current_setting('threads'), "
                                    "current_setting('temp_directory')").fetchone())
        return con

    monkeypatch.setattr(duckdb, "connect", recording_connect)
    ds = tmp_path / "ds"
    ingest([str(tmp_path / "in")], str(ds))
    def limit(memory):
        return connect(config={"memory_limit": memory}).execute("SELECT current_setting('memory_limit')").fetchone()[0]

    # a connection per staged part made Parquet (a table of three documents is one part; `documents`,
    # 33 columns, may need one retry), one per table loaded (what DuckDB keeps of the rows goes with
    # it), one to count the references, one per chunk of citations (one here) written as a Parquet part,
    # one to load them, one to checkpoint
    tables = len(TABLES) - 1
    small = limit(ds_mod.DUCKDB_MEMORY)
    *first, chunk, load, checkpoint = settings
    assert 2 * tables + 1 <= len(first) <= 2 * tables + 2
    assert [m for m, _, _ in first].count(small) >= 2 * tables + 1
    assert chunk[0] == limit(ds_mod.DUCKDB_CITATIONS_MEMORY) and load[0] == checkpoint[0] == small
    assert {t for _, t, _ in settings} == {1} and ds_mod.DUCKDB_THREADS == 1
    (spill,) = {s for _, _, s in settings}
    assert Path(spill).parent == ds and Path(spill).name.startswith(ds_mod.DUCKDB_SPILL)
    assert not Path(spill).exists()  # what spilled is gone with the build
    assert not [p.name for p in ds.iterdir() if p.name.startswith(".") and p.name != ".lock"]  # nothing beside


def test_a_table_loads_straight_into_the_database_file_not_through_its_log(tmp_path):
    from pipeline.ingest import dataset as ds_mod

    # 1,500 distinct pages of 6,000 characters (9 MB) in one partial DuckDB row group; the rows go
    # into the database file, not first into its log
    n, chars = 1_500, 6_000
    assert n < ds_mod.DUCKDB_ROW_GROUP
    rows = [{"document": f"d{i // 10:03d}", "page": i % 10 + 1, "mode": "text", "mode_reason": None,
             "confidence": None, "chars": chars,
             "text": (f"Trang {i}: tỷ lệ bao phủ {i * 7 % 1000}. " * (chars // 20))[:chars]} for i in range(n)]
    write_rows(tmp_path / "pages", "pages", rows)
    db = tmp_path / "t.duckdb"
    con = ds_mod.duckdb_connect(db, tmp_path / "spill", "16MB")
    try:
        assert con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0] == "1000 bytes"
        ds_mod.load_table(lambda memory: con, "pages", tmp_path / "pages")
        wal = Path(f"{db}.wal")
        assert not wal.exists() or wal.stat().st_size < 64 << 10  # the log holds no copy of the 9 MB
    finally:
        con.close()
    got = duckdb.connect(str(db), read_only=True).execute("SELECT * FROM pages").fetchall()
    assert got == [tuple(r.values()) for r in rows] and ds_mod.read_table(tmp_path / "pages").to_pylist() == rows


def distinct_pages(n: int, chars: int) -> list[dict]:
    """n rows of `pages`, each a distinct text of `chars` characters (no two share a dictionary entry)."""
    return [{"document": f"d{i // 10:04d}", "page": i % 10 + 1, "mode": "text", "mode_reason": None,
             "confidence": None, "chars": chars,
             "text": (f"Trang {i}: tỷ lệ bao phủ {i * 7 % 1000}, {i * 13 % 997}. " * (chars // 24 + 1))[:chars]}
            for i in range(n)]


def load_pages(tmp_path: Path, rows: list[dict]) -> tuple[list[str], list[str]]:
    """The rows written as the build writes `pages`, loaded as it loads a table; the memory limit of
    each try of each step (a step that runs out of memory is tried again at four times the limit):
    converting the staged parts, and the load."""
    from pipeline.ingest import dataset as ds_mod

    converted = []
    memory_connect = ds_mod.duckdb_memory_connect

    def recording_memory_connect(spill, memory):
        converted.append(memory)
        return memory_connect(spill, memory)

    ds_mod.duckdb_memory_connect = recording_memory_connect
    try:
        write_rows(tmp_path / "pages", "pages", rows)
    finally:
        ds_mod.duckdb_memory_connect = memory_connect
    db, limits = tmp_path / "t.duckdb", []

    def connect(memory):
        limits.append(memory)
        return ds_mod.duckdb_connect(db, tmp_path / "spill", memory)

    ds_mod.load_table(connect, "pages", tmp_path / "pages")
    got = duckdb.connect(str(db), read_only=True).execute("SELECT count(*), sum(length(text)) FROM pages").fetchone()
    assert got == (len(rows), sum(r["chars"] for r in rows))
    return converted, limits


def test_dense_pages_convert_and_load_within_the_fixed_limit_whatever_the_tables_size(tmp_path):
    """3,000 and 6,000 distinct pages of 9,000 characters (32 and 64 MB, about three times the samples'
    mean page): each staged part holds about STAGE_PART_BYTES, so each converts at DUCKDB_MEMORY; the
    table loads in one statement, holding one DuckDB row group of 2,048 rows. Twice the rows, the same
    limits: what a step needs does not grow with the table."""
    from pipeline.ingest import dataset as ds_mod

    converted, limits = load_pages(tmp_path / "a", distinct_pages(3_000, 9_000))
    assert set(converted) == {ds_mod.DUCKDB_MEMORY} and len(converted) > 100  # one try a part
    # the load holds a DuckDB row group (2,048 rows: 18 MB of these pages; the commit pins it whole), so
    # these pages need one retry above DUCKDB_MEMORY
    assert limits[0] == ds_mod.DUCKDB_MEMORY and len(limits) <= 2
    converted_b, limits_b = load_pages(tmp_path / "b", distinct_pages(6_000, 9_000))
    assert set(converted_b) == {ds_mod.DUCKDB_MEMORY} and len(converted_b) > 2 * len(converted) - 3
    assert limits_b == limits
    assert ds_mod.DUCKDB_ROW_GROUP == 2_048  # the least DuckDB allows (its vector size)


def test_a_step_that_runs_out_of_the_fixed_limit_is_tried_again_with_more(tmp_path, monkeypatch):
    """A part of pages far denser than the limit holds (here the limit is made 1MB) is converted and
    loaded at four times it: the rows all arrive."""
    from pipeline.ingest import dataset as ds_mod

    monkeypatch.setattr(ds_mod, "DUCKDB_MEMORY", "1MB")
    converted, limits = load_pages(tmp_path, distinct_pages(400, 24_000))
    assert converted[0] == "1MB" and "4MB" in converted
    assert limits[0] == "1MB" and len(limits) >= 2  # ran out once, then held


def test_the_manifest_is_indexed_on_disk_not_held_as_dicts(tmp_path):
    """20,000 inputs in the journal: loading them holds SQLite's bounded page cache, not a dict per
    input (which took ~930 bytes each: 18 MB here)."""
    import tracemalloc

    from pipeline.ingest.manifest import MANIFEST, compact_text

    entries = {f"/archive.zip!{i:05d}/báo cáo.pdf": entry(
        input=f"/archive.zip!{i:05d}/báo cáo.pdf", kind="member", status="done", sha256=f"{i:064x}",
        record=f"records/{i:064x}.json", container="/archive.zip", size=i, pages=3, seconds=0.5)
        for i in range(20_000)}
    (tmp_path / MANIFEST).write_bytes(compact_text(entries))
    del entries
    m = Manifest(tmp_path)
    tracemalloc.start()
    m.load()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert held < 1 << 20  # Python objects; SQLite's cache (INDEX_CACHE_KIB) is outside and bounded
    assert len(m.entries) == 20_000 and m.member_count("/archive.zip") == 20_000
    assert m.record_status(f"{7:064x}")["input"] == "/archive.zip!00007/báo cáo.pdf"
    m.release()


def test_manifest_index_answers_as_the_journal_says(tmp_path):
    from pipeline.ingest.manifest import MANIFEST, compact_text, digest

    m = Manifest(tmp_path)
    m.append([entry(input="/z.zip!a.pdf", kind="member", status="failed", reason="corrupt", sha256="s1",
                    container="/z.zip", size=5),
              entry(input="/z.zip!b.pdf", kind="member", status="done", sha256="s2", record="records/s2.json",
                    container="/z.zip", size=6),
              entry(input="/z.zip", kind="archive", status="partial", reason="1 of 2 members failed or partial",
                    size=11, mtime_ns=3),
              entry(input="/c.txt", kind="file", status="done", sha256="s2", record="records/s2.json", size=6,
                    mtime_ns=4)])
    m.append([entry(input="/z.zip!a.pdf", kind="member", status="partial", reason="1 error(s)", sha256="s1",
                    record="records/s1.json", container="/z.zip", size=5)])  # the last line of an input wins
    m.close()
    for idx in (m, Manifest(tmp_path)):  # as appended, and as loaded again from the journal
        if idx is not m:
            idx.load()
        assert list(idx.entries) == ["/c.txt", "/z.zip", "/z.zip!a.pdf", "/z.zip!b.pdf"]
        assert idx.entries["/z.zip!a.pdf"]["status"] == "partial" and "/nope" not in idx.entries
        assert idx.record_status("s1")["record"] == "records/s1.json" and idx.failed_outcome("s1") is None
        assert idx.record_status("nope") is None
        assert idx.member_count("/z.zip") == 2 and [e["input"] for e in idx.members("/z.zip")] == [
            "/z.zip!a.pdf", "/z.zip!b.pdf"]
        assert idx.status_counts() == {"done": 2, "partial": 1, "failed": 0, "skipped": 0}
        assert idx.archives_failed() == 0
        assert idx.finished("/c.txt", (6, 4)) and not idx.finished("/c.txt", (6, 5))
    expected = compact_text(dict(Manifest(tmp_path).load().items()))
    state = m.compact()
    assert (tmp_path / MANIFEST).read_bytes() == expected and state == digest(expected)
    mtime = (tmp_path / MANIFEST).stat().st_mtime_ns
    assert Manifest(tmp_path).load() and m.compact() == state
    assert (tmp_path / MANIFEST).stat().st_mtime_ns == mtime  # unchanged: not rewritten
    assert not [p.name for p in tmp_path.iterdir() if p.name != MANIFEST]  # no index file left beside


def test_the_build_streams_the_compacted_manifest_and_refuses_a_journal(tmp_path):
    from pipeline.ingest.manifest import MANIFEST, compacted_entries

    m = Manifest(tmp_path)
    m.append([entry(input=f"/in/{name}", kind="file", status="done") for name in ("b.txt", "a.txt")])
    m.close()
    with pytest.raises(ValueError, match="not compacted"):
        list(compacted_entries(tmp_path))  # a journal: appended in arrival order
    m.compact()
    assert [e["input"] for e in compacted_entries(tmp_path)] == ["/in/a.txt", "/in/b.txt"]
    m.release()
    assert (tmp_path / MANIFEST).exists()
    assert list(compacted_entries(tmp_path / "nothing")) == []


def test_a_killed_builds_temporary_files_are_removed_by_the_next(tmp_path):
    from pipeline.ingest import dataset as ds_mod

    make_texts(tmp_path / "in", 2)
    ds = tmp_path / "ds"
    ingest([str(tmp_path / "in")], str(ds))
    (tmp_path / "in" / "more.txt").write_text("BÁO CÁO\nMột dòng nữa.\n", encoding="utf-8")
    dead = 2**22 + 1  # another process's id: a build killed with -9
    stale = [ds / f".{ds_mod.DUCKDB}.tmp-{dead}", ds / f".{ds_mod.DUCKDB}.tmp-{dead}.wal",
             ds / "parquet" / f".pages.old-{dead}"]
    for p in stale:
        p.write_bytes(b"half written")
    (ds / "parquet" / f".tables.tmp-{dead}").mkdir()  # a table's parts half written
    (ds / "parquet" / f".tables.tmp-{dead}" / "part-00000.parquet").write_bytes(b"half written")
    (ds / f"{ds_mod.DUCKDB_SPILL}-{dead}").mkdir()
    (ds / f"{ds_mod.DUCKDB_SPILL}-{dead}" / "duckdb_temp_block-1.block").write_bytes(b"x")
    stats = ingest([str(tmp_path / "in")], str(ds), IngestOptions(resume=True))
    assert stats.built
    assert not [p.name for p in ds.iterdir() if p.name.startswith(".") and p.name != ".lock"]
    assert not [p.name for p in (ds / "parquet").iterdir() if p.name.startswith(".")]


# ---- the command, queries, load_dataset -------------------------------------------------------------
@pytest.mark.slow
def test_ingest_folder_and_zip_then_query(tmp_path):
    folder = tmp_path / "in"
    make_texts(folder, 3)
    (folder / "002_born_digital.pdf").write_bytes((SAMPLES / "002_born_digital.pdf").read_bytes())
    z = tmp_path / "same.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"copy/{p.name}")
    ds = tmp_path / "ds"
    proc = run_cli("ingest", folder, z, "--out", ds, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert f"dataset: {ds}" in proc.stderr and "baocao query" in proc.stderr
    assert (ds / "ingest.log").read_text(encoding="utf-8").count("done ") >= 8
    q = run_cli("query", ds, "SELECT count(*) AS n, sum(path_count) AS paths FROM documents", "--format", "json")
    assert q.returncode == 0, q.stderr
    assert json.loads(q.stdout) == [{"n": 4, "paths": 8}]  # each content once, both of its paths kept
    q = run_cli("query", ds, "SELECT DISTINCT doc_type FROM documents ORDER BY 1", "--format", "csv")
    assert q.stdout.split() == ["doc_type", "BÁO", "CÁO", "KẾ", "HOẠCH"]  # NFC Vietnamese kept
    q = run_cli("query", ds, "SELECT * FROM no_such_table")
    assert q.returncode == 2 and "no_such_table" in q.stderr
    import pipeline

    frames = pipeline.load_dataset(ds)
    assert set(frames) == set(TABLES)
    pdf = frames["documents"][frames["documents"]["file"] == "002_born_digital.pdf"].iloc[0]
    assert pdf["page_count"] == len(frames["pages"][frames["pages"]["document"] == pdf["document"]])
    cells = frames["tables"][frames["tables"]["document"] == pdf["document"]]
    assert cells["value"].notna().any() and {"table", "row", "column", "text", "value"} <= set(cells.columns)
    record = json.loads((ds / pdf["record"]).read_text(encoding="utf-8"))
    assert record["source"]["sha256"] == pdf["document"]
    assert len(frames["measures"][frames["measures"]["document"] == pdf["document"]]) == len(record["measures"])
    con = duckdb.connect(str(ds / "dataset.duckdb"), read_only=True)
    try:
        n_pq = len(frames["references"])
        assert con.execute('SELECT count(*) FROM "references"').fetchone()[0] == n_pq
    finally:
        con.close()
    # resume on the finished dataset: nothing redone, tables not rebuilt
    proc = run_cli("ingest", folder, z, "--out", ds, "--resume")
    assert proc.returncode == 0 and "0 documents extracted" in proc.stderr and "tables: up to date" in proc.stderr


def test_citations_link_documents_of_the_dataset(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.txt").write_bytes((SAMPLES / "002_text.txt").read_bytes())
    src = (SAMPLES / "004_text.txt").read_text(encoding="utf-8")
    hdr = json.loads(subprocess.run([sys.executable, "-c", "from pipeline import extract; import json; "
                                     "h = extract('samples/002_text.txt').header; "
                                     "print(json.dumps([h.ref, h.date, h.doc_type]))"],
                                    cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    ref, date, _ = hdr
    y, m, d = date.split("-")
    cite = f"\nThực hiện Kế hoạch số {ref} ngày {int(d)}/{int(m)}/{y} của Ủy ban nhân dân thành phố.\n"
    cut = src.index("\n\n", len(src) // 3)  # a paragraph break in the body
    (folder / "report.txt").write_text(src[:cut] + "\n" + cite + src[cut:], encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([str(folder)], str(ds))
    f = load_dataset(ds, ["citations", "documents"])
    docs = f["documents"].set_index("file")
    cit = f["citations"]
    linked = cit[cit["cited_document"].notna()]
    assert len(linked) == 1
    row = linked.iloc[0]
    assert row["document"] == docs.loc["report.txt", "document"]
    assert row["cited_document"] == docs.loc["plan.txt", "document"] and row["match"] == "kind+number+date"
    assert cit["cited_document"].isna().sum() == len(cit) - 1  # the other references name documents not here


# ---- failures isolated: timeout, crash ----------------------------------------------------------
@pytest.mark.slow
def test_timeout_and_crash_fail_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("BAOCAO_INGEST_WORKER", "ingest_fault_worker")
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests"))
    pids = tmp_path / "grandchildren"
    monkeypatch.setenv("BAOCAO_TEST_GRANDCHILD_PIDS", str(pids))
    folder = tmp_path / "in"
    make_texts(folder, 3)
    (folder / "hang.txt").write_bytes((SAMPLES / "002_text.txt").read_bytes() + b"\nhang\n")
    (folder / "crash.txt").write_bytes((SAMPLES / "002_text.txt").read_bytes() + b"\ncrash\n")
    t0 = time.monotonic()
    stats = ingest([str(folder)], str(tmp_path / "ds"), IngestOptions(workers=2, timeout=4))
    assert time.monotonic() - t0 < 60
    state = manifest_state(tmp_path / "ds")
    assert state[str(folder / "hang.txt")][0] == "failed" and "timed out after 4 s" in state[str(folder / "hang.txt")][1]
    assert state[str(folder / "crash.txt")][0] == "failed" and "SIGKILL" in state[str(folder / "crash.txt")][1]
    assert [state[str(p)][0] for p in sorted(folder.glob("doc*.txt"))] == ["done"] * 3
    assert stats.final == {"done": 3, "partial": 0, "failed": 2, "skipped": 0}
    import psutil

    for pid in map(int, pids.read_text().split()):  # the hung document's own child went with it
        try:
            assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            pass
    errors = load_dataset(tmp_path / "ds", ["errors"])["errors"]
    assert set(errors["input"]) == {str(folder / "hang.txt"), str(folder / "crash.txt")}


# ---- resume after kill -9 equals a clean run ---------------------------------------------------------
@pytest.mark.slow
def test_kill_minus_9_and_resume_equals_clean_run(tmp_path):
    folder = tmp_path / "in"
    make_texts(folder, 10)
    (folder / "b.pdf").write_bytes((SAMPLES / "004_born_digital.pdf").read_bytes())
    z = tmp_path / "box.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in make_texts(tmp_path / "zipped", 4, start=10):
            zf.write(p, f"z/{p.name}")
        zf.write(folder / "doc000.txt", "z/duplicate.txt")
    inputs = [folder, z]
    clean = tmp_path / "clean"
    t0 = time.monotonic()
    assert run_cli("ingest", *inputs, "--out", clean, "--workers", "2").returncode == 0
    clean_seconds = time.monotonic() - t0
    ds = tmp_path / "killed"
    rng = random.Random(5)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    first_seen: dict[str, int] = {}  # record file → its mtime when first seen after a kill
    for attempt in range(8):
        if (ds / "records").exists():
            for r in (ds / "records").glob("*.json"):
                first_seen.setdefault(r.name, r.stat().st_mtime_ns)
        args = [sys.executable, "-m", "pipeline.cli", "ingest", *map(str, inputs), "--out", str(ds), "--workers", "2"]
        if attempt:
            args.append("--resume")
        p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p.wait(timeout=rng.uniform(0.15, 0.45) * clean_seconds)  # anywhere: startup, extraction, tables
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            continue
        break
    proc = run_cli("ingest", *inputs, "--out", ds, "--workers", "2", "--resume")
    assert proc.returncode == 0, proc.stderr
    assert kills >= 2  # the test did interrupt runs
    assert first_seen  # and some documents were finished before a kill
    assert snapshot(ds) == snapshot(clean)
    # no finished document redone: a record written before a kill is never written again
    for name, mtime in first_seen.items():
        assert (ds / "records" / name).stat().st_mtime_ns == mtime, name
    # the killed runs' workers did not outlive them (they die with their parent)
    import psutil

    def orphaned(proc) -> bool:  # a worker whose ingest is gone (reparented to init or a subreaper)
        try:
            parent = proc.parent()
            return parent is None or parent.pid == 1 or "ingest" not in " ".join(parent.cmdline())
        except psutil.NoSuchProcess:
            return False

    workers = [p for p in psutil.process_iter(["cmdline"])
               if p.info["cmdline"] and "pipeline.ingest.worker" in p.info["cmdline"]]
    assert not [p.pid for p in workers if orphaned(p)]


# ---- the Dask executor on a LocalCluster ------------------------------------------------------------
@pytest.mark.slow
def test_dask_executor_gives_the_same_dataset(tmp_path):
    folder = tmp_path / "in"
    make_texts(folder, 4)
    (folder / "b.pdf").write_bytes((SAMPLES / "004_born_digital.pdf").read_bytes())
    ingest([str(folder)], str(tmp_path / "local"), IngestOptions(workers=2))
    stats = ingest([str(folder)], str(tmp_path / "dask"), IngestOptions(workers=2, executor="dask", timeout=120))
    assert stats.extracted == 5
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "local")


# ---- report ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_report_draws_coverage_chart(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("000_text.txt", "002_text.txt", "004_text.txt"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    ds = tmp_path / "ds"
    ingest([str(folder)], str(ds), IngestOptions(workers=2))
    proc = run_cli("report", ds)
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    import pandas as pd

    with Image.open(ds / "report" / "coverage.png") as img:
        assert img.format == "PNG" and img.width > 400
    cov = pd.read_csv(ds / "report" / "coverage.csv")
    plotted = cov[cov["plotted"]]
    assert set(plotted["kind"]) == {"actual", "target"}  # both kinds, kept apart
    assert plotted["value"].between(0, 100).all() and plotted["year"].notna().all()
    assert (plotted["population"] == "all").all()
    assert not cov["indicator"].str.contains("chưa tham gia", case=False).any()
    assert plotted["locality"].nunique() >= 3
