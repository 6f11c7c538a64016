"""The dataset's manifest: per input path its status (done | partial | failed | skipped), the reason,
its SHA-256 and its record file.

`DATASET/manifest.jsonl` is an append-only journal, one JSON object per line, flushed and fsync'd per
append: a kill -9 can tear at most the last line, which loading drops (and cuts off before the next
append). The last line of an input wins. A finished run compacts it to one line per input, sorted by
path, written beside and renamed over (atomic).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Iterable, Iterator, Optional

STATUSES = ("done", "partial", "failed", "skipped")
MANIFEST = "manifest.jsonl"
# the fields of an entry, in this order (None where they do not apply)
FIELDS = ("input", "kind", "status", "reason", "sha256", "record", "container", "size", "mtime_ns", "pages",
          "seconds")
# SQLite's page cache for the index (what does not fit stays in its file, read back through the system's
# file cache) and the journal lines parsed and indexed per executemany at load: both small enough that
# 100 inputs already fill them (their index takes 23 pages of 4 KiB), so a larger archive holds no more.
# With batches of 1,000 lines, loading the manifest of 1,000 inputs left 2 MB more resident than 100's.
INDEX_CACHE_KIB = 64
INDEX_BATCH = 100


def entry(**fields) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown manifest fields {sorted(unknown)}")
    if fields.get("status") not in STATUSES:
        raise ValueError(f"manifest status must be one of {STATUSES}, not {fields.get('status')!r}")
    return {k: fields.get(k) for k in FIELDS}


class Entries(Mapping):
    """The manifest's entries by input path, read from its index on demand (iteration in path order)."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __getitem__(self, path: str) -> dict:
        row = self._db.execute("SELECT json FROM entries WHERE input = ?", (path,)).fetchone()
        if row is None:
            raise KeyError(path)
        return json.loads(row[0])

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self._db.execute("SELECT input FROM entries ORDER BY input"))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM entries").fetchone()[0]

    def values(self) -> Iterator[dict]:  # one query, not one per key
        return (json.loads(r[0]) for r in self._db.execute("SELECT json FROM entries ORDER BY input"))

    def items(self) -> Iterator[tuple[str, dict]]:
        return ((e["input"], e) for e in self.values())


class Manifest:
    def __init__(self, dataset: Path):
        self.path = Path(dataset) / MANIFEST
        self._db: Optional[sqlite3.Connection] = None
        self._fh = None

    @property
    def entries(self) -> Entries:
        return Entries(self._index_db())

    def _index_db(self) -> sqlite3.Connection:
        if self._db is None:
            self._new_index()
        return self._db

    def _new_index(self) -> None:
        if self._db is not None:
            self._db.close()
        # "": a private temporary database on disk, deleted by SQLite when closed (or its process dies)
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{INDEX_CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")  # a cache of the journal: rebuilt, never recovered
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE entries (input TEXT PRIMARY KEY, kind TEXT, status TEXT, sha256 TEXT, "
                         "has_record INTEGER, container TEXT, json TEXT) WITHOUT ROWID")
        self._db.execute("CREATE INDEX entries_sha ON entries (sha256)")
        self._db.execute("CREATE INDEX entries_container ON entries (container)")

    def load(self) -> Entries:
        """Read the journal into a new index (last entry per input wins); a torn last line is dropped
        and cut off."""
        self._new_index()
        if not self.path.exists():
            return self.entries
        good = 0  # bytes up to the last newline: what follows is a torn append
        batch = []
        with open(self.path, "rb") as fh:  # line by line: the file is never held whole
            for line in fh:
                if not line.endswith(b"\n"):
                    break
                good += len(line)
                if not line.strip():
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    continue  # cannot happen short of a disk fault; such a line is worth nothing
                batch.append(e)
                if len(batch) >= INDEX_BATCH:
                    self._index(batch)
                    batch = []
        self._index(batch)
        if self.path.stat().st_size > good:
            with open(self.path, "r+b") as fh:
                fh.truncate(good)
        return self.entries

    def append(self, entries: Iterable[dict]) -> None:
        entries = list(entries)
        if not entries:
            return
        self._index(entries)
        lines = [json.dumps(e, ensure_ascii=False, sort_keys=False) for e in entries]
        if self._fh is None:
            self._fh = open(self.path, "ab")
        self._fh.write(("\n".join(lines) + "\n").encode("utf-8"))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def _index(self, entries: list[dict]) -> None:
        db = self._index_db()
        db.execute("BEGIN")
        db.executemany(
            "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(e["input"], e["kind"], e["status"], e.get("sha256"), 1 if e.get("record") else 0, e.get("container"),
              json.dumps(e, ensure_ascii=False)) for e in entries])
        db.execute("COMMIT")

    def _one(self, sql: str, args: tuple) -> Optional[dict]:
        row = self._index_db().execute(sql, args).fetchone()
        return json.loads(row[0]) if row else None

    def release(self) -> None:
        """Close the journal and drop the index (the table build streams the compacted file instead)."""
        self.close()
        if self._db is not None:
            self._db.close()
            self._db = None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def compact(self) -> str:
        """One line per input, sorted, streamed from the index to a file beside and renamed over (when
        it differs); returns the digest of the result (the state of the dataset)."""
        self.close()
        tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        new_hash, state = hashlib.sha256(), hashlib.sha256()
        with open(tmp, "wb") as fh:
            for (text,) in self._index_db().execute("SELECT json FROM entries ORDER BY input"):
                line = (text + "\n").encode("utf-8")
                fh.write(line)
                new_hash.update(line)
                _digest_line(state, line)
            fh.flush()
            os.fsync(fh.fileno())
        if self.path.exists() and _file_hash(self.path) == new_hash.digest():
            tmp.unlink()
        else:
            os.replace(tmp, self.path)
        return state.hexdigest()

    def finished(self, path: str, stat: tuple[int, int], retry_failed: bool = False) -> bool:
        """Is this plain file or top-level archive already done, unchanged since?"""
        e = self.entries.get(path)
        if not e or e["kind"] not in ("file", "archive"):
            return False
        if retry_failed and e["status"] == "failed":
            return False
        return (e["size"], e["mtime_ns"]) == tuple(stat)

    def record_status(self, sha: str) -> Optional[dict]:
        """An entry that already holds the outcome of this content."""
        return self._one("SELECT json FROM entries WHERE sha256 = ? AND has_record = 1 LIMIT 1", (sha,))

    def failed_outcome(self, sha: str) -> Optional[dict]:
        return self._one("SELECT json FROM entries WHERE sha256 = ? AND has_record = 0 AND status = 'failed' "
                         "LIMIT 1", (sha,))

    def members(self, container: str) -> Iterator[dict]:
        """The entries of an archive's members (nested ones too)."""
        return (json.loads(r[0]) for r in self._index_db().execute(
            "SELECT json FROM entries WHERE container = ? ORDER BY input", (container,)))

    def member_count(self, container: str) -> int:
        return self._index_db().execute("SELECT count(*) FROM entries WHERE container = ?", (container,)).fetchone()[0]

    def status_counts(self) -> dict[str, int]:
        """Inputs per status (files and members; archives are containers, not counted)."""
        counts = {s: 0 for s in STATUSES}
        for status, n in self._index_db().execute(
                "SELECT status, count(*) FROM entries WHERE kind != 'archive' GROUP BY status"):
            counts[status] += n
        return counts

    def archives_failed(self) -> int:
        return self._index_db().execute(
            "SELECT count(*) FROM entries WHERE kind = 'archive' AND status = 'failed'").fetchone()[0]


def compacted_entries(dataset: Path) -> Iterator[dict]:
    """The entries of a compacted manifest (`Manifest.compact`: one line per input, sorted), read one
    line at a time: the table build streams them rather than indexing the manifest again. A journal
    that is not compacted is refused, not misread."""
    path = Path(dataset) / MANIFEST
    if not path.exists():
        return
    last = None
    with open(path, "rb") as fh:
        for line in fh:
            e = json.loads(line)
            if last is not None and not e["input"] > last:
                raise ValueError(f"{path}: not compacted ({e['input']!r} after {last!r}); run Manifest.compact")
            last = e["input"]
            yield e


def compact_text(entries: dict[str, dict]) -> bytes:
    """The compacted manifest of these entries (what `Manifest.compact` writes)."""
    lines = [json.dumps(entries[k], ensure_ascii=False) for k in sorted(entries)]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _digest_line(h, line: bytes) -> None:
    e = json.loads(line)
    e.pop("seconds", None)
    h.update(json.dumps(e, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _file_hash(path: Path) -> bytes:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def digest(text: bytes) -> str:
    """The dataset state a finished build belongs to: the manifest without timings."""
    h = hashlib.sha256()
    for line in text.splitlines():
        _digest_line(h, line)
    return h.hexdigest()
