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

Every file, and each table's folder of parts, is written beside and swapped with its target, so a
reader never sees half a table; the build is a pure function of records/ and the manifest, so a resumed
ingest builds the same tables.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from pipeline.files import write_atomic
from pipeline.ingest.tables import COLUMNS, input_error_row, input_row, record_rows

RECORDS, PARQUET, DUCKDB, SUMMARY, LOG = "records", "parquet", "dataset.duckdb", "summary.json", "ingest.log"
TABLES = tuple(COLUMNS)
# A table's rows are staged as Python values until STAGE_ROWS rows or STAGE_BYTES of their values (page
# texts are long: a row of `pages` holds a whole page), then kept as an Arrow record batch (compact);
# a table's batches are written out as one Parquet row group when they pass ROW_GROUP_BYTES, or, when
# the batches of all tables together pass BUFFER_BYTES, the table holding the most is. What is buffered
# is bounded by one budget, not one per table, and a small one: 100 documents already fill it (~13 MB
# of Arrow values), so a larger archive buffers no more than a small one (at 8 MiB the build's peak
# grew ~9 MB from 100 to 1,000 documents). No row group holds more than about ROW_GROUP_BYTES of
# values, so what DuckDB's reader holds of one does not grow with the archive either (a row group of
# 7 MB of distinct page texts did not load at 8MB).
STAGE_ROWS = 256
STAGE_BYTES = 64 << 10
ROW_GROUP_BYTES = 1 << 20
BUFFER_BYTES = 2 << 20
# A Parquet writer keeps every row group's metadata until it closes the file (its footer: ~9 KB a row
# group in memory, 3,002 row groups at 10,000 documents), so a table is written as parts of at most
# PART_ROW_GROUPS row groups each: what the open writers hold is bounded, not the archive's size
PART_ROW_GROUPS = 64
# DuckDB's buffer pool (its own default is 80% of RAM): DUCKDB_MEMORY while a table is loaded, each in a
# connection of its own; what does not fit spills to DUCKDB_SPILL in the dataset, removed when the build
# ends, and a load that still runs out is tried again at four times the limit (with_memory_headroom).
# The limit is small so that a small archive fills it as a large one does: at 16MB the 2,940 page texts
# of 1,000 documents loaded at a peak 10 MB above the 307 of 100 documents; at 4MB both peak the same
# (8MB: +6 MB). DUCKDB_CITATIONS_MEMORY for the citations join and sort, a chunk of references at a time
# (citations.py; 64MB with chunks of 16,384). A commit of more than DUCKDB_CHECKPOINT_THRESHOLD of
# changes writes its rows straight into the database file instead of first copying them into the
# write-ahead log (at 300 records the log's copy of `pages` was the build's peak: 245 MB, 231 without).
# One thread; tables stored in row groups of DUCKDB_ROW_GROUP rows, the least DuckDB allows (its vector
# size): a load holds the row group it fills and its commit pins the last, partial one whole, so what a
# load needs is bounded by 2,048 rows, not by the table. DuckDB's allocator (jemalloc) keeps what a
# statement freed until it allocated DUCKDB_ALLOCATOR_FLUSH: flushed sooner, one table's load does not
# leave its peak behind for the next (the 1,000-document build's peak 5 MB lower, the 100-document one's
# the same)
DUCKDB_MEMORY = "4MB"
DUCKDB_CITATIONS_MEMORY = "16MB"
DUCKDB_MAX_MEMORY = "1024MB"  # a load that runs out of memory is tried again at 4× its limit, up to this
DUCKDB_CHECKPOINT_THRESHOLD = "1KB"
DUCKDB_THREADS = 1
DUCKDB_ROW_GROUP = 2_048
DUCKDB_ALLOCATOR_FLUSH = "1MB"
DUCKDB_SPILL = ".duckdb-spill"


def release_freed_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim; nothing where there is no
    glibc). What the Parquet writers and a closed DuckDB connection freed otherwise stays resident, and
    each phase of the build starts from the last one's high-water mark: without it the peak of a
    1,000-document build was 6-10 MB above a 100-document one's, with it 3-8 MB."""
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
    import pyarrow as pa

    return pa.schema([(name, _arrow_type(kind)) for name, kind in COLUMNS[table]])


def row_bytes(row: dict) -> int:
    """About how many bytes a row's values hold (characters of its strings, 8 a number)."""
    n = 0
    for v in row.values():
        if v.__class__ is str:
            n += len(v)
        elif v.__class__ is list:
            n += sum(len(x) if x.__class__ is str else 8 for x in v)
        else:
            n += 8
    return n


class _Buffers:
    """The Arrow batches of all the tables being written, kept under BUFFER_BYTES together."""

    def __init__(self):
        self.writers: list[_TableWriter] = []
        self.bytes = 0

    def fit(self) -> None:
        while self.bytes > BUFFER_BYTES:
            max(self.writers, key=lambda w: w.batch_bytes).write()


# Columns of prose (a page's text, a raw line, a title, a message): no min/max statistics in the
# Parquet metadata. Those of a page text are up to 4 KB each, twice a row group, held by the writer
# until it closes (8 KB a row group of `pages`), and no query filters on a page text's order.
PROSE_COLUMNS = frozenset(("text", "raw", "title", "subject", "task", "message", "reason", "mode_reason",
                           "caption", "indicator", "source"))


class _TableWriter:
    """Rows → a folder of Parquet parts (part-00000.parquet, ...), swapped into place on close: staged
    STAGE_ROWS rows or STAGE_BYTES of values at a time into Arrow batches, which are written as a row
    group when the buffers they share with the other tables' writers are full, or on close; a part is
    closed after PART_ROW_GROUPS row groups and the next begun."""

    def __init__(self, path: Path, table: str, buffers: Optional[_Buffers] = None):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.schema = arrow_schema(table)
        self.writer = None  # the open part's
        self.parts = 0
        self.part_row_groups = 0
        self.buffers = buffers if buffers is not None else _Buffers()
        self.buffers.writers.append(self)
        self.rows: list[dict] = []
        self.bytes = 0
        self.batches: list = []
        self.batch_bytes = 0
        self.count = 0
        self.row_groups = 0

    def add(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.rows.append(row)
            self.bytes += row_bytes(row)
            if len(self.rows) >= STAGE_ROWS or self.bytes >= STAGE_BYTES:
                self.stage()

    def stage(self) -> None:
        import pyarrow as pa

        if self.rows:
            batch = pa.RecordBatch.from_pylist(self.rows, schema=self.schema)
            self.rows, self.bytes = [], 0
            self.batches.append(batch)
            self.batch_bytes += batch.nbytes
            self.buffers.bytes += batch.nbytes
            if self.batch_bytes >= ROW_GROUP_BYTES:
                self.write()
            self.buffers.fit()

    def _part_writer(self):
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp / part_name(self.parts), self.schema, compression="zstd",
                                           write_statistics=[n for n in self.schema.names if n not in PROSE_COLUMNS])
            self.parts += 1
            self.part_row_groups = 0
        return self.writer

    def _close_part(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def write(self) -> None:
        """The batches buffered, as one row group (of a new part when the open one is full)."""
        import pyarrow as pa

        if self.batches:
            table = pa.Table.from_batches(self.batches, schema=self.schema)
            self._part_writer().write_table(table, row_group_size=table.num_rows)
            self.count += table.num_rows
            self.row_groups += 1
            self.part_row_groups += 1
            self.buffers.bytes -= self.batch_bytes
            self.batches, self.batch_bytes = [], 0
            if self.part_row_groups >= PART_ROW_GROUPS:
                self._close_part()

    def close(self) -> None:
        self.stage()
        self.write()
        if not self.parts:
            self._part_writer()  # an empty table is one part with no rows: its columns are still known
        self._close_part()
        swap_into_place(self.tmp, self.path)

    def abort(self) -> None:
        self._close_part()
        shutil.rmtree(self.tmp, ignore_errors=True)


def part_name(i: int) -> str:
    return f"part-{i:05d}.parquet"


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
    stale = [*dataset.glob(f".{DUCKDB}.tmp-*"), *dataset.glob(f"{DUCKDB_SPILL}-*"),
             *(dataset / PARQUET).glob(".*.tmp-*"), *(dataset / PARQUET).glob(".*.old-*")]
    for p in stale:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return sorted(p.name for p in stale)


def duckdb_connect(db: Path, spill: Path, memory: str):
    """A DuckDB connection to the database being built, at this memory limit, one thread, spilling to
    `spill`; a commit of more than DUCKDB_CHECKPOINT_THRESHOLD writes the database file directly."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory, "threads": DUCKDB_THREADS, "temp_directory": str(spill),
                                 "checkpoint_threshold": DUCKDB_CHECKPOINT_THRESHOLD,
                                 "allocator_flush_threshold": DUCKDB_ALLOCATOR_FLUSH,
                                 "allocator_bulk_deallocation_flush_threshold": DUCKDB_ALLOCATOR_FLUSH})
    con.execute(f"ATTACH '{db}' AS dataset (ROW_GROUP_SIZE {DUCKDB_ROW_GROUP})")
    con.execute("USE dataset")
    return con


def load_part(con, table: str, part: Path, first: bool) -> None:
    """One Parquet part into a table of the database (a connection of `duckdb_connect`'s), the first
    creating it, the others appending: committed straight to the database file, not through the
    write-ahead log."""
    verb = f'CREATE TABLE "{table}" AS' if first else f'INSERT INTO "{table}"'
    con.execute(f"{verb} SELECT * FROM read_parquet(?)", [str(part)])


def load_table(connect: Callable, table: str, folder: Path, memory: str = DUCKDB_MEMORY) -> None:
    """A table's folder of Parquet parts into the database, rows in the parts' order, each part in a
    connection of its own (`connect(memory)`; `with_memory_headroom`): DuckDB keeps what it wrote of a
    table in the connection's memory until the connection closes (one connection for 2.2 million rows
    of `tables`: 153 MB at its peak; a connection a part: 116), and a database opened again does not
    read the table's earlier row groups to append to it, so a load needs what one part needs."""
    for i, part in enumerate(table_parts(folder)):
        with_memory_headroom(connect, lambda con, part=part, i=i: load_part(con, table, part, i == 0), memory)


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
    from pipeline.ingest.citations import add_citations, citation_chunks
    from pipeline.ingest.manifest import compacted_entries

    import pyarrow as pa

    # Arrow's default allocator (mimalloc) keeps what it freed: the system one gives it back
    pa.set_memory_pool(pa.system_memory_pool())
    dataset = Path(dataset)
    remove_stale(dataset)
    pdir = dataset / PARQUET
    pdir.mkdir(exist_ok=True)
    buffers = _Buffers()
    writers = {t: _TableWriter(pdir / t, t, buffers) for t in TABLES if t != "citations"}
    paths_of = documents_of(compacted_entries(dataset))
    unreadable = []
    try:
        for sha in sorted(paths_of):
            rf = record_file(sha)
            try:
                rec = json.loads((dataset / rf).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                unreadable.append({"document": sha, "input": sorted(paths_of[sha])[0], "status": "failed",
                                   "stage": "dataset", "page": None, "message": f"record {rf} unreadable: {exc}"})
                continue
            for table, rows in record_rows(rec, sha, rf, paths_of[sha]).items():
                writers[table].add(rows)
        documents = len(paths_of)
        del paths_of
        # one row per input, in the manifest's (sorted) order, streamed from the file
        for e in compacted_entries(dataset):
            writers["inputs"].add((input_row(e),))
            error = input_error_row(e)
            if error:
                writers["errors"].add((error,))
        writers["errors"].add(unreadable)
        for w in writers.values():
            w.close()
    except BaseException:
        for w in writers.values():
            try:
                w.abort()
            except OSError:
                pass
        raise
    counts = {t: w.count for t, w in writers.items()}
    release_freed_heap()  # what the Parquet writers freed, before DuckDB starts

    # DuckDB: built in a file beside, renamed over the old one when complete
    db_tmp = dataset / f".{DUCKDB}.tmp-{os.getpid()}"
    for p in (db_tmp, Path(f"{db_tmp}.wal")):
        if p.exists():
            p.unlink()
    spill = dataset / f"{DUCKDB_SPILL}-{os.getpid()}"

    def connect(memory: str):
        return duckdb_connect(db_tmp, spill, memory)

    try:
        # a connection per table part: closing it frees what DuckDB kept of the rows (its buffer pool
        # holds written blocks until the limit), so what is loaded later does not inherit it
        for t in writers:
            load_table(connect, t, pdir / t)

        # the citations join, a chunk of references a connection (as a table's parts are loaded)
        for start, stop in with_memory_headroom(connect, citation_chunks, DUCKDB_MEMORY):
            with_memory_headroom(connect, lambda con, start=start, stop=stop: add_citations(con, start, stop),
                                 DUCKDB_CITATIONS_MEMORY)

        def write_citations(con):
            cit_tmp = pdir / f".citations.tmp-{os.getpid()}"
            shutil.rmtree(cit_tmp, ignore_errors=True)  # what a try that ran out of memory left
            # parts as the writers make them (DuckDB's writer too keeps each row group's metadata)
            con.execute(f"COPY citations TO '{cit_tmp}' (FORMAT parquet, COMPRESSION zstd, "
                        f"ROW_GROUP_SIZE {DUCKDB_ROW_GROUP}, ROW_GROUPS_PER_FILE {PART_ROW_GROUPS}, "
                        "FILENAME_PATTERN 'part-{i}')")
            if not table_parts(cit_tmp):  # no citations: DuckDB writes no file
                import pyarrow.parquet as pq

                pq.write_table(arrow_schema("citations").empty_table(), cit_tmp / part_name(0))
            swap_into_place(cit_tmp, pdir / "citations")
            con.execute("CHECKPOINT")
            return con.execute("SELECT count(*) FROM citations").fetchone()[0]

        counts["citations"] = with_memory_headroom(connect, write_citations, DUCKDB_CITATIONS_MEMORY)
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
