"""The dataset on disk: tidy tables from the records and the manifest, as Parquet files and one DuckDB
database with the same tables; `load_dataset` gives them back as pandas DataFrames.

    DATASET/records/<sha256>.json      one record per distinct document (named by its content's SHA-256)
    DATASET/manifest.jsonl             per input path: status, reason, sha256, record file (manifest.py)
    DATASET/parquet/<table>/part-NNNNN.parquet
                                       documents, pages, sections, footnotes, references, tables, measures,
                                       assignments, checks, warnings, errors, inputs, citations: each table
                                       a folder of parts (read them in name order, or as one dataset)
    DATASET/dataset.duckdb             the same tables
    DATASET/ingest.log                 what each run did
    DATASET/summary.json               the last build: row counts and the manifest state it belongs to
    DATASET/.stage-<pid>/              while a build runs: its rows as CSV parts, removed when it ends

Every file, and each table's folder of parts, is written beside and swapped with its target, so a
reader never sees half a table; the build is a pure function of records/ and the manifest, so a resumed
ingest builds the same tables.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from pipeline.files import write_atomic
from pipeline.ingest.tables import COLUMNS, input_error_row, input_row, record_rows

RECORDS, PARQUET, DUCKDB, SUMMARY, LOG = "records", "parquet", "dataset.duckdb", "summary.json", "ingest.log"
TABLES = tuple(COLUMNS)
# A table's rows are staged as CSV text in parts of STAGE_PART_BYTES (one open file a table: nothing of
# the rows stays in Python), then each part becomes a Parquet part, written by DuckDB in a connection of
# its own at DUCKDB_MEMORY. The Python → Arrow conversion the build used before held 50 MB (pyarrow's
# first conversion imports pandas) and left the C heap fragmented in proportion to the rows converted
# (that phase: 169 MB at 100 documents, 178 at 1,000); staged as text, it holds what the imports hold
# at any size. Parts are small because DuckDB's CSV reader keeps a part's buffers until it is done
# (at 1 MiB a part, the `documents` of 5,000 records needed a 32MB limit to convert, at 256 KiB 16MB),
# and so that the large tables (pages, tables, sections) fill several parts at 100 documents already.
STAGE_PART_BYTES = 256 << 10
STAGE = ".stage"
# DuckDB's buffer pool (its own default is 80% of RAM): DUCKDB_MEMORY for each part's conversion and
# each table's load, each in a connection of its own; what does not fit spills to DUCKDB_SPILL in the
# dataset, removed when the build ends, and a step that still runs out is tried again at four times the
# limit (with_memory_headroom). A table is loaded LOAD_PARTS Parquet parts a statement, each statement
# in a connection of its own: appending part after part, each in a new connection, held more the larger
# the table already was (+0.3 MB a part of `pages`), and one statement for the whole table held more the
# more rows it inserted (the 2.2 million cells of `tables` of 10,000 records, 1,931 parts: 113 MB; by
# 256 parts, 82; by 64, 78). Not fewer: each statement's commit pins its last, partial DuckDB row group
# whole, which for dense pages (2,048 of 9,000 characters: 18 MB) costs a retry at a higher limit per
# statement. DUCKDB_CITATIONS_MEMORY for the citations join and sort, a chunk of references at a time
# (citations.py). A commit of more than DUCKDB_CHECKPOINT_THRESHOLD of changes writes its rows straight
# into the database file instead of first copying them into the write-ahead log (at 300 records the
# log's copy of `pages` was the build's peak: 245 MB, 231 without). One thread; tables stored in row
# groups of DUCKDB_ROW_GROUP rows, the least DuckDB allows (its vector size). DuckDB's allocator
# (jemalloc) keeps what a statement freed until it allocated DUCKDB_ALLOCATOR_FLUSH: flushed sooner, one
# step does not leave its peak behind for the next.
DUCKDB_MEMORY = "4MB"
LOAD_PARTS = 256
DUCKDB_CITATIONS_MEMORY = "16MB"
DUCKDB_MAX_MEMORY = "1024MB"  # a step that runs out of memory is tried again at 4× its limit, up to this
DUCKDB_CHECKPOINT_THRESHOLD = "1KB"
DUCKDB_THREADS = 1
DUCKDB_ROW_GROUP = 2_048
DUCKDB_ALLOCATOR_FLUSH = "1MB"
DUCKDB_SPILL = ".duckdb-spill"
# the SQL type of each column type of tables.py
SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "list<str>": "VARCHAR[]",
             "list<int>": "BIGINT[]"}


def release_freed_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim; nothing where there is no
    glibc). What a closed DuckDB connection freed otherwise stays resident, and each step of the build
    starts from the last one's high-water mark."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def record_file(sha256: str) -> str:
    return f"{RECORDS}/{sha256}.json"


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
            "list<str>": pa.list_(pa.string()), "list<int>": pa.list_(pa.int64())}[kind]


def arrow_schema(table: str):
    """The table's columns as an Arrow schema (what its Parquet parts hold)."""
    import pyarrow as pa

    return pa.schema([(name, _arrow_type(kind)) for name, kind in COLUMNS[table]])


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _refuse(value, kind: str):
    raise TypeError(f"a {value.__class__.__name__} in a column of {kind}: {value!r}")


def _str_field(v) -> str:
    return _quoted(v) if v.__class__ is str else _refuse(v, "str")


def _int_field(v) -> str:
    return str(int(v)) if v.__class__ is int or (v.__class__ is float and v.is_integer()) else _refuse(v, "int")


def _float_field(v) -> str:
    return repr(float(v)) if v.__class__ is float or v.__class__ is int else _refuse(v, "float")


def _bool_field(v) -> str:
    return ("true" if v else "false") if v.__class__ is bool else _refuse(v, "bool")


def _list_field(item: type, kind: str):
    def field(v) -> str:
        if v.__class__ is list and all(x is None or x.__class__ is item for x in v):
            return _quoted(json.dumps(v, ensure_ascii=False))
        return _refuse(v, kind)
    return field


# a column type of tables.py → how a non-null value of it is written as a CSV field: a string always
# quoted (so "" is the empty string, and an empty field null), a list as quoted JSON, a float as its
# repr (exact); a value of another type is refused, not coerced
CSV_FIELDS = {"str": _str_field, "int": _int_field, "float": _float_field, "bool": _bool_field,
              "list<str>": _list_field(str, "list<str>"), "list<int>": _list_field(int, "list<int>")}


def csv_field(value, kind: str) -> str:
    """One value as a CSV field of its column's type (CSV_FIELDS); null is an empty field."""
    return "" if value is None else CSV_FIELDS[kind](value)


class _TableStager:
    """Rows → CSV parts of about STAGE_PART_BYTES (stage/<table>/part-NNNNN.csv), columns in the
    table's order; only the open part's file is held."""

    def __init__(self, folder: Path, table: str):
        self.table = table
        self.folder = folder / table
        self.folder.mkdir(parents=True)
        self.fields = [(name, CSV_FIELDS[kind]) for name, kind in COLUMNS[table]]
        self.parts: list[Path] = []
        self.fh = None
        self.part_bytes = 0
        self.longest_line = 0  # bytes: what DuckDB's CSV reader must take in one line
        self.count = 0

    def add(self, rows: Iterable[dict]) -> None:
        for row in rows:
            try:
                line = ",".join(["" if (v := row.get(name)) is None else field(v) for name, field in self.fields])
            except TypeError as exc:
                raise TypeError(f"table {self.table}: {exc}") from None
            if self.fh is None:
                self.parts.append(self.folder / part_name(len(self.parts), ".csv"))
                self.fh = open(self.parts[-1], "wb")
                self.part_bytes = 0
            data = (line + "\n").encode("utf-8")
            self.fh.write(data)
            self.part_bytes += len(data)
            self.longest_line = max(self.longest_line, len(data))
            self.count += 1
            if self.part_bytes >= STAGE_PART_BYTES:
                self.fh.close()
                self.fh = None

    def close(self) -> list[Path]:
        """The staged parts (one empty part for a table with no rows: its columns are still known)."""
        if self.fh is not None:
            self.fh.close()
            self.fh = None
        if not self.parts:
            self.parts.append(self.folder / part_name(0, ".csv"))
            self.parts[-1].write_bytes(b"")
        return self.parts


def csv_reader_sql(table: str, longest_line: int = 0) -> str:
    """SELECT of a staged CSV part (the one parameter) with the table's columns and types."""
    columns = COLUMNS[table]
    read_as = ", ".join(f"'{n}': '{'VARCHAR' if k.startswith('list<') else SQL_TYPES[k]}'" for n, k in columns)
    select = ", ".join(f'"{n}"::JSON::{SQL_TYPES[k]} AS "{n}"' if k.startswith("list<") else f'"{n}"'
                       for n, k in columns)
    max_line = max(64 << 10, longest_line + 1)
    return (f"SELECT {select} FROM read_csv(?, columns={{{read_as}}}, header=false, auto_detect=false, "
            "delim=',', quote='\"', escape='\"', allow_quoted_nulls=false, strict_mode=true, "
            f"max_line_size={max_line}, buffer_size={max(256 << 10, 2 * max_line)})")


def duckdb_memory_connect(spill: Path, memory: str, **config):
    """An in-memory DuckDB connection at this memory limit, one thread, spilling to `spill`, its
    allocator flushed from DUCKDB_ALLOCATOR_FLUSH, no progress bar (a statement of more than 2 s drew
    one on stderr, into a batch's output); `config`: more settings."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory, "threads": DUCKDB_THREADS, "temp_directory": str(spill),
                                 "allocator_flush_threshold": DUCKDB_ALLOCATOR_FLUSH,
                                 "allocator_bulk_deallocation_flush_threshold": DUCKDB_ALLOCATOR_FLUSH, **config})
    con.execute("SET enable_progress_bar = false")
    return con


def write_parquet_part(con, table: str, csv_part: Path, parquet_part: Path, longest_line: int = 0) -> None:
    """A staged CSV part → a Parquet part of the table's columns (zstd), by DuckDB."""
    con.execute(f"COPY ({csv_reader_sql(table, longest_line)}) TO '{parquet_part}' (FORMAT parquet, "
                "COMPRESSION zstd)", [str(csv_part)])


@contextmanager
def folder_beside(target: Path):
    """A fresh folder beside `target` to write a table's parts into, swapped into place when the block
    ends, removed when it fails."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_into_place(tmp, target)


def write_table_parts(stager: _TableStager, target: Path, spill: Path) -> int:
    """The stager's parts as the table's folder of Parquet parts (`folder_beside`): each part converted
    in a connection of its own (at DUCKDB_MEMORY, more if it runs out); returns the rows."""
    with folder_beside(target) as tmp:
        for i, part in enumerate(stager.close()):
            out = tmp / part_name(i)
            with_memory_headroom(lambda memory: duckdb_memory_connect(spill, memory),
                                 lambda con, part=part, out=out: write_parquet_part(
                                     con, stager.table, part, out, stager.longest_line), DUCKDB_MEMORY)
            part.unlink()
    return stager.count


def part_name(i: int, suffix: str = ".parquet") -> str:
    return f"part-{i:05d}{suffix}"


def table_parts(folder: Path) -> list[Path]:
    """A table's Parquet parts, in order (by the number in the name: DuckDB's COPY does not pad it)."""
    def number(p: Path) -> int:
        digits = "".join(c for c in p.stem if c.isdigit())
        return int(digits) if digits else -1

    return sorted(Path(folder).glob("*.parquet"), key=lambda p: (number(p), p.name))


_RENAME_EXCHANGE = 2  # renameat2(2)'s flag: swap two paths in one step


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where it is not available."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0


def swap_into_place(new: Path, target: Path) -> None:
    """A finished folder (or file) into the place of `target`: swapped in one step where the system can
    (a reader sees the old table or the new, never none), else the old renamed aside first; the old is
    removed. A table of an earlier layout (`<table>.parquet`, one file) is removed with it."""
    legacy = target.with_name(f"{target.name}.parquet")
    if not target.exists():
        os.rename(new, target)
    else:
        old = new  # after the swap, the old table is where the new one was
        if not _exchange(new, target):
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
            os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    if legacy.is_file():
        legacy.unlink()


def remove_stale(dataset: Path) -> list[str]:
    """Remove what a killed build left beside its targets (files named for its process id). Only with the
    dataset's lock held (run.py): no other build can be writing them."""
    dataset = Path(dataset)
    stale = [*dataset.glob(f".{DUCKDB}.tmp-*"), *dataset.glob(f"{DUCKDB_SPILL}-*"), *dataset.glob(f"{STAGE}-*"),
             *(dataset / PARQUET).glob(".*.tmp-*"), *(dataset / PARQUET).glob(".*.old-*")]
    for p in stale:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return sorted(p.name for p in stale)


def duckdb_connect(db: Path, spill: Path, memory: str):
    """A connection of `duckdb_memory_connect`'s to the database being built; a commit of more than
    DUCKDB_CHECKPOINT_THRESHOLD writes the database file directly."""
    con = duckdb_memory_connect(spill, memory, checkpoint_threshold=DUCKDB_CHECKPOINT_THRESHOLD)
    con.execute(f"ATTACH '{db}' AS dataset (ROW_GROUP_SIZE {DUCKDB_ROW_GROUP})")
    con.execute("USE dataset")
    return con


def load_table(connect: Callable, table: str, folder: Path) -> None:
    """A table's folder of Parquet parts into the database, rows in the parts' order, LOAD_PARTS parts a
    statement, each statement on a connection of its own (`connect(DUCKDB_MEMORY)`, more if it runs
    out: `with_memory_headroom`):
    committed straight to the database file, not through the write-ahead log."""
    parts = [str(p) for p in table_parts(folder)]
    for start in range(0, len(parts), LOAD_PARTS):
        verb = f'CREATE OR REPLACE TABLE "{table}" AS' if start == 0 else f'INSERT INTO "{table}"'
        chunk = parts[start:start + LOAD_PARTS]
        with_memory_headroom(connect, lambda con, verb=verb, chunk=chunk: con.execute(
            f"{verb} SELECT * FROM read_parquet(?)", [chunk]), DUCKDB_MEMORY)


def _out_of_memory(exc: Exception) -> bool:
    import duckdb

    text = str(exc).lower()
    return isinstance(exc, duckdb.OutOfMemoryException) or any(
        m in text for m in ("could not allocate", "failed to pin", "out of memory"))


def _megabytes(limit: str) -> int:
    return int(limit.upper().removesuffix("MB"))


def with_memory_headroom(connect: Callable, work: Callable, memory: str):
    """work(con) on a connection at `memory`; when DuckDB runs out of it (the commit of a table pins
    its last, partial row group whole: 2,940 real page texts of 1,000 documents did not fit 16MB),
    again on a fresh connection at four times the limit, up to DUCKDB_MAX_MEMORY. Memory stays low for
    the usual archive and the build still completes for one whose rows are larger."""
    mb = _megabytes(memory)
    while True:
        con = connect(f"{mb}MB")
        try:
            return work(con)
        except Exception as exc:
            if not _out_of_memory(exc) or mb >= _megabytes(DUCKDB_MAX_MEMORY):
                raise
            mb = min(4 * mb, _megabytes(DUCKDB_MAX_MEMORY))
        finally:
            con.close()
            release_freed_heap()


def documents_of(entries: Iterable[dict]) -> dict[str, list[str]]:
    """Each record's SHA-256 → the input paths that hold it (entries done or partial with a record)."""
    paths_of: dict[str, list[str]] = {}
    for e in entries:
        if e.get("record") and e["status"] in ("done", "partial"):
            paths_of.setdefault(e["sha256"], []).append(e["input"])
    return paths_of


def build_dataset(dataset: Path, manifest_digest: str) -> dict:
    """Write parquet/ and dataset.duckdb from records/ and the compacted manifest (read twice, a line
    at a time: `compacted_entries`); returns row counts. The caller holds the dataset's lock (run.py)."""
    from pipeline.ingest.citations import citation_chunks, citations_to_parquet
    from pipeline.ingest.manifest import compacted_entries

    dataset = Path(dataset)
    remove_stale(dataset)
    pdir = dataset / PARQUET
    pdir.mkdir(exist_ok=True)
    stage = dataset / f"{STAGE}-{os.getpid()}"
    spill = dataset / f"{DUCKDB_SPILL}-{os.getpid()}"
    counts = {}
    try:
        stagers = {t: _TableStager(stage, t) for t in TABLES if t != "citations"}
        paths_of = documents_of(compacted_entries(dataset))
        unreadable = []
        for sha in sorted(paths_of):
            rf = record_file(sha)
            try:
                rec = json.loads((dataset / rf).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                unreadable.append({"document": sha, "input": sorted(paths_of[sha])[0], "status": "failed",
                                   "stage": "dataset", "page": None, "message": f"record {rf} unreadable: {exc}"})
                continue
            for table, rows in record_rows(rec, sha, rf, paths_of[sha]).items():
                stagers[table].add(rows)
        documents = len(paths_of)
        del paths_of
        # one row per input, in the manifest's (sorted) order, streamed from the file
        for e in compacted_entries(dataset):
            stagers["inputs"].add((input_row(e),))
            error = input_error_row(e)
            if error:
                stagers["errors"].add((error,))
        stagers["errors"].add(unreadable)
        for t, stager in stagers.items():
            counts[t] = write_table_parts(stager, pdir / t, spill)
    except BaseException:
        shutil.rmtree(spill, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    # DuckDB: built in a file beside, renamed over the old one when complete
    db_tmp = dataset / f".{DUCKDB}.tmp-{os.getpid()}"
    for p in (db_tmp, Path(f"{db_tmp}.wal")):
        if p.exists():
            p.unlink()

    def connect(memory: str):
        return duckdb_connect(db_tmp, spill, memory)

    try:
        # a connection per table: closing it frees what DuckDB kept of the rows (its buffer pool holds
        # written blocks until the limit), so what is loaded later does not inherit it
        for t in counts:
            load_table(connect, t, pdir / t)

        # the citations join, a chunk of references a connection, each chunk a Parquet part, loaded as
        # the other tables are
        counts["citations"] = 0
        with folder_beside(pdir / "citations") as cit_tmp:
            for i, (start, stop) in enumerate(with_memory_headroom(connect, citation_chunks, DUCKDB_MEMORY)):
                counts["citations"] += with_memory_headroom(
                    connect, lambda con, start=start, stop=stop, i=i: citations_to_parquet(
                        con, start, stop, cit_tmp / part_name(i)), DUCKDB_CITATIONS_MEMORY)
        load_table(connect, "citations", pdir / "citations")
        with_memory_headroom(connect, lambda con: con.execute("CHECKPOINT"), DUCKDB_MEMORY)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    os.replace(db_tmp, dataset / DUCKDB)
    summary = {"manifest_digest": manifest_digest, "rows": counts, "documents": documents,
               "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    write_atomic(dataset / SUMMARY, (json.dumps(summary, indent=2) + "\n").encode("utf-8"))
    return counts


def is_built(dataset: Path, manifest_digest: str) -> bool:
    """Does the dataset already hold the tables of this manifest state (nothing to rebuild)?"""
    dataset = Path(dataset)
    try:
        summary = json.loads((dataset / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (summary.get("manifest_digest") == manifest_digest and (dataset / DUCKDB).exists()
            and all(table_parts(dataset / PARQUET / t) for t in TABLES))


def read_table(folder: Path):
    """A table's Parquet parts as one Arrow table, rows in the parts' order (a dataset of an earlier
    layout, one `<table>.parquet` file, is read as it is)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    legacy = folder.with_name(f"{folder.name}.parquet")
    if not folder.is_dir() and legacy.is_file():
        return pq.read_table(legacy)
    parts = table_parts(folder)
    if not parts:
        raise FileNotFoundError(f"{folder}: no Parquet parts")
    return pa.concat_tables([pq.read_table(p) for p in parts])


def load_dataset(path: Union[str, Path], tables: Optional[list[str]] = None) -> dict:
    """The tables of a dataset written by `baocao ingest`, as pandas DataFrames keyed by table name."""
    pdir = Path(path) / PARQUET
    if not pdir.is_dir():
        raise FileNotFoundError(f"{path}: not a baocao dataset (no {PARQUET}/ folder)")
    names = tables or [t for t in TABLES if (pdir / t).is_dir() or (pdir / f"{t}.parquet").is_file()]
    unknown = [t for t in names if t not in TABLES]
    if unknown:
        raise KeyError(f"unknown tables {unknown}; the dataset has {list(TABLES)}")
    return {t: read_table(pdir / t).to_pandas() for t in names}
