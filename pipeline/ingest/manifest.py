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
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional
from pipeline.files import write_atomic

STATUSES = ("done", "partial", "failed", "skipped")
MANIFEST = "manifest.jsonl"
# the fields of an entry, in this order (None where they do not apply)
FIELDS = ("input", "kind", "status", "reason", "sha256", "record", "container", "size", "mtime_ns", "pages",
          "seconds")


def entry(**fields) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown manifest fields {sorted(unknown)}")
    if fields.get("status") not in STATUSES:
        raise ValueError(f"manifest status must be one of {STATUSES}, not {fields.get('status')!r}")
    return {k: fields.get(k) for k in FIELDS}


class Manifest:
    def __init__(self, dataset: Path):
        self.path = Path(dataset) / MANIFEST
        self.entries: dict[str, dict] = {}
        self.by_sha: dict[str, dict] = {}  # content → an entry holding its record
        self.failed_by_sha: dict[str, dict] = {}  # content → an entry where it failed
        self._fh = None

    def load(self) -> dict[str, dict]:
        """Read the journal (last entry per input wins); a torn last line is dropped and cut off."""
        self.entries, self.by_sha, self.failed_by_sha = {}, {}, {}
        if not self.path.exists():
            return self.entries
        good = 0  # bytes up to the last newline: what follows is a torn append
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
                self._index(_shared(e))
        if self.path.stat().st_size > good:
            with open(self.path, "r+b") as fh:
                fh.truncate(good)
        return self.entries

    def append(self, entries: Iterable[dict]) -> None:
        lines = []
        for e in entries:
            self._index(e)
            lines.append(json.dumps(e, ensure_ascii=False, sort_keys=False))
        if not lines:
            return
        if self._fh is None:
            self._fh = open(self.path, "ab")
        self._fh.write(("\n".join(lines) + "\n").encode("utf-8"))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def _index(self, e: dict) -> None:
        self.entries[e["input"]] = e
        if e.get("record"):
            self.by_sha[e["sha256"]] = e
        elif e.get("sha256") and e["status"] == "failed":
            self.failed_by_sha[e["sha256"]] = e

    def release(self) -> None:
        """Forget the entries (the table build streams the compacted file instead), so that no copy of
        the manifest is held while the tables are built."""
        self.close()
        self.entries, self.by_sha, self.failed_by_sha = {}, {}, {}

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def compact(self) -> str:
        """One line per input, sorted; returns the digest of the result (the state of the dataset)."""
        self.close()
        text = compact_text(self.entries)
        current = self.path.read_bytes() if self.path.exists() else b""
        if current != text:
            write_atomic(self.path, text)
        return digest(text)

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
        return self.by_sha.get(sha)

    def failed_outcome(self, sha: str) -> Optional[dict]:
        return self.failed_by_sha.get(sha)

    def status_counts(self) -> dict[str, int]:
        """Inputs per status (files and members; archives are containers, not counted)."""
        counts = {s: 0 for s in STATUSES}
        for e in self.entries.values():
            if e["kind"] != "archive":
                counts[e["status"]] += 1
        return counts


def compacted_entries(dataset: Path) -> Iterator[dict]:
    """The entries of a compacted manifest (`Manifest.compact`: one line per input, sorted), read one
    line at a time: the table build streams them rather than holding the manifest (~930 bytes an input
    in memory). A journal that is not compacted is refused, not misread."""
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


def _shared(e: dict) -> dict:
    """An entry read from JSON with one copy of its field names and of the few values many entries
    repeat (kind, status, container) instead of new strings per line: ~40% less memory per input."""
    return {sys.intern(k): sys.intern(v) if k in _REPEATED and v.__class__ is str else v for k, v in e.items()}


_REPEATED = frozenset(("kind", "status", "container"))


def compact_text(entries: dict[str, dict]) -> bytes:
    lines = [json.dumps(entries[k], ensure_ascii=False) for k in sorted(entries)]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def digest(text: bytes) -> str:
    """The dataset state a finished build belongs to: the manifest without timings."""
    h = hashlib.sha256()
    for line in text.splitlines():
        e = json.loads(line)
        e.pop("seconds", None)
        h.update(json.dumps(e, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()
