"""The ingest driver: walk the inputs, extract each distinct document once (by SHA-256) on an executor,
write its record and the manifest as results come, then build the tables.

Order of writes, so that a kill at any moment loses nothing and repeats nothing finished: a record is
written (atomically) before the manifest lines that point at it; a record already on disk is never
extracted again, even when its manifest line was lost; the tables are rebuilt from records/ and the
manifest, and skipped when the manifest state they were built from has not changed.
"""
from __future__ import annotations

import fcntl
import fnmatch
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from pipeline.ingest.dataset import LOG, RECORDS, build_dataset, is_built, record_file
from pipeline.ingest.inputs import ArchiveEnd, Document, Limits, Skipped, Unchanged, walk_inputs
from pipeline.files import write_atomic
from pipeline.ingest.manifest import Manifest, entry


COUNT_TAR_BYTES = 512 << 20  # tars larger than this are not counted ahead (a stream has no index)


class IngestError(Exception):
    """The ingest cannot start (a dataset that exists without --resume, another ingest running, ...)."""


@dataclass
class IngestOptions:
    workers: int = 1
    resume: bool = False
    timeout: Optional[float] = None
    executor: str = "local"  # local | dask
    scheduler: Optional[str] = None
    password: Optional[str] = None
    max_pages: Optional[int] = None
    ocr: str = "auto"
    limits: Limits = field(default_factory=Limits)
    retry_failed: bool = False
    exclude: tuple[str, ...] = ()


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    total: Optional[int] = None  # inputs expected (None while unknown)
    seen: int = 0  # inputs settled (any status)
    extracted: int = 0  # documents run through extract in this run
    pages: int = 0  # their pages
    reused: int = 0  # inputs whose content already had a record (duplicates, earlier runs)
    unchanged: int = 0  # inputs not even opened (finished in an earlier run)
    status: dict = field(default_factory=lambda: {"done": 0, "partial": 0, "failed": 0, "skipped": 0})
    built: bool = False
    rows: dict = field(default_factory=dict)
    final: dict = field(default_factory=dict)  # inputs per status in the whole dataset, after the run
    archives_failed: int = 0  # archives that could not be read to their end
    dataset: str = ""

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


@dataclass
class _Pending:
    path: str
    name: str
    kind: str
    container: Optional[str]
    stat: Optional[tuple[int, int]]
    size: int


def _setup_log(dataset: Path) -> logging.Logger:
    log = logging.getLogger(f"baocao.ingest.{dataset}")
    log.setLevel(logging.INFO)
    log.propagate = False
    for h in list(log.handlers):
        log.removeHandler(h)
        h.close()
    h = logging.FileHandler(dataset / LOG, encoding="utf-8")
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(h)
    return log


def _lock(dataset: Path):
    fh = open(dataset / ".lock", "w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the kernel even on kill -9
    except BlockingIOError:
        fh.close()
        raise IngestError(f"{dataset}: another ingest is running on this dataset")
    return fh


def _make_executor(opts: IngestOptions, stderr):
    from pipeline.ingest.executors import DaskExecutor, LocalExecutor

    if opts.executor == "dask":
        return DaskExecutor(opts.workers, opts.timeout, opts.scheduler)
    if opts.executor != "local":
        raise IngestError(f"--executor must be local or dask, not {opts.executor!r}")
    return LocalExecutor(opts.workers, opts.timeout, stderr=stderr)


def count_inputs(inputs: list[str], manifest: Manifest, opts: IngestOptions) -> Optional[int]:
    """How many entries the inputs hold (for the progress bar's ETA): folders by listing, zips by their
    central directory, tars up to COUNT_TAR_BYTES by a pass over their headers; None when unknown."""
    import tarfile
    import zipfile

    from pipeline.ingest.inputs import archive_kind, file_stat

    def one(path: str) -> Optional[int]:
        try:
            if manifest.finished(path, file_stat(path), opts.retry_failed):
                return manifest.member_count(path) or 1
            kind = archive_kind(path)
            if kind == "zip":
                with zipfile.ZipFile(path) as zf:
                    return sum(1 for i in zf.infolist() if not i.is_dir())
            if kind == "tar":
                if os.path.getsize(path) > COUNT_TAR_BYTES:
                    return None  # counting would read it all once more: no total, no ETA
                with tarfile.open(path, "r|*") as tf:
                    return sum(1 for m in tf if not m.isdir())
        except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, ValueError):
            return 1
        return 1

    def kept(path: str) -> bool:
        return not any(fnmatch.fnmatch(path, pat) for pat in opts.exclude)

    counts: list[Optional[int]] = []
    for raw in inputs:
        p = os.path.abspath(raw)
        if os.path.isdir(p):
            for dirpath, dirnames, files in os.walk(p):
                counts.extend(one(f) if archive_kind(f) else 1
                              for f in (os.path.join(dirpath, name) for name in files) if kept(f))
        else:
            counts.append(one(p))
    return None if None in counts else sum(counts)


def ingest(inputs: list[str], out: str, opts: IngestOptions = IngestOptions(),
           on_progress: Callable[[Stats], None] = lambda s: None) -> Stats:
    dataset = Path(out)
    manifest_path = dataset / "manifest.jsonl"
    if dataset.exists() and not dataset.is_dir():
        raise IngestError(f"{dataset}: exists and is not a folder")
    if manifest_path.exists() and not opts.resume:
        raise IngestError(f"{dataset}: already holds a dataset; add --resume to continue it, or choose another folder")
    if dataset.exists() and not manifest_path.exists() and any(dataset.iterdir()) and not opts.resume:
        raise IngestError(f"{dataset}: folder is not empty and holds no dataset; choose another folder")
    (dataset / RECORDS).mkdir(parents=True, exist_ok=True)
    lock = _lock(dataset)
    tmp_dir = dataset / ".tmp"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir()
    log = _setup_log(dataset)
    log_stream = open(dataset / LOG, "ab")  # the workers' stderr (library warnings) goes to the log too
    stats = Stats()
    manifest = Manifest(dataset)
    manifest.load()
    log.info("ingest %s into %s (workers=%d executor=%s resume=%s timeout=%s); manifest holds %d inputs",
             inputs, dataset, opts.workers, opts.executor, opts.resume, opts.timeout, len(manifest.entries))
    stats.total = count_inputs(inputs, manifest, opts)
    executor = None
    pending: dict[str, list[_Pending]] = {}  # sha256 in flight → the inputs that hold it
    archives: list[ArchiveEnd] = []

    def settle(items: list[_Pending], sha: Optional[str], status: str, reason: Optional[str], record: Optional[str],
               pages: Optional[int] = None, seconds: Optional[float] = None) -> None:
        manifest.append([entry(input=i.path, kind=i.kind, status=status, reason=reason, sha256=sha, record=record,
                               container=i.container, size=i.size, mtime_ns=i.stat[1] if i.stat else None,
                               pages=pages, seconds=seconds) for i in items])
        for i in items:
            stats.seen += 1
            stats.status[status] += 1
            log.info("%s %s%s", status, i.path, f": {reason}" if reason else "")
        on_progress(stats)

    def on_result(r: dict) -> None:
        sha = r["id"]
        items = pending.pop(sha)
        stats.extracted += 1
        if r["ok"]:
            rf = record_file(sha)
            try:
                write_atomic(dataset / rf, r["record_json"].encode("utf-8"))
            except OSError as exc:
                settle(items, sha, "failed", f"cannot write {rf}: {exc.strerror or exc}", None)
                return
            stats.pages += r["pages"]
            status = "done" if r["doc_status"] == "success" else "partial"
            reason = None
            if status == "partial":
                msgs = "; ".join(r.get("errors") or []) or "a page or stage failed"
                reason = f"partial: {r.get('error_count', 0)} error(s): {msgs}"
            settle(items, sha, status, reason, rf, r["pages"], r["seconds"])
        else:
            settle(items, sha, "failed", r["reason"], None, None, r["seconds"])

    def known_outcome(doc: Document) -> Optional[tuple]:
        """The outcome of this content from an earlier run or earlier in this one, if any."""
        prior = manifest.record_status(doc.sha256)
        if prior is not None:
            return prior["status"], prior["reason"], prior["record"], prior["pages"]
        rf = record_file(doc.sha256)
        if (dataset / rf).exists():  # written just before a kill took its manifest line
            try:
                rec = json.loads((dataset / rf).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            status = "done" if rec.get("status") == "success" else "partial"
            reason = None if status == "done" else f"partial: {len(rec.get('errors') or [])} error(s): " + (
                "; ".join(e["message"] for e in (rec.get("errors") or [])[:3]) or "a page or stage failed")
            return status, reason, rf, rec["source"]["page_count"]
        failed = manifest.failed_outcome(doc.sha256) if not opts.retry_failed else None
        if failed is not None:
            return "failed", failed["reason"], None, None
        return None

    def drain_until(free: bool) -> None:
        while executor.pending() and (not free or executor.pending() >= executor.capacity):
            for r in executor.wait(0.5):
                on_result(r)
            on_progress(stats)

    def excluded(path: str) -> bool:
        return any(fnmatch.fnmatch(path, pat) for pat in opts.exclude)

    try:
        events = walk_inputs(inputs, opts.limits,
                             finished=lambda p, s: manifest.finished(p, s, opts.retry_failed), tmp_dir=str(tmp_dir))
        for ev in events:
            if isinstance(ev, Unchanged):
                members = manifest.member_count(ev.path)
                stats.unchanged += members or 1
                stats.seen += members or 1
                on_progress(stats)
                continue
            if isinstance(ev, ArchiveEnd):
                archives.append(ev)
                if ev.error:
                    log.warning("archive %s: %s", ev.path, ev.error)
                continue
            if excluded(ev.path):
                continue
            if isinstance(ev, Skipped):
                item = _Pending(ev.path, os.path.basename(ev.path), ev.kind, ev.container, ev.stat,
                                ev.stat[0] if ev.stat else None)
                settle([item], None, ev.status, ev.reason, None)
                continue
            item = _Pending(ev.path, ev.name, ev.kind, ev.container, ev.stat, len(ev.data))
            if ev.sha256 in pending:  # the same content is being extracted: it is done once
                pending[ev.sha256].append(item)
                continue
            known = known_outcome(ev)
            if known is not None:
                stats.reused += 1
                status, reason, rf, pages = known
                settle([item], ev.sha256, status, reason, rf, pages)
                continue
            if executor is None:
                executor = _make_executor(opts, log_stream)
            drain_until(free=True)
            pending[ev.sha256] = [item]
            executor.submit({"id": ev.sha256, "name": ev.name, "data": ev.data, "password": opts.password,
                             "max_pages": opts.max_pages, "ocr": opts.ocr})
            del ev  # the bytes now belong to the executor: memory is bounded by its capacity
        if executor is not None:
            drain_until(free=False)
        for a in archives:
            members = manifest.member_count(a.path)
            bad = sum(1 for e in manifest.members(a.path) if e["status"] in ("failed", "partial"))
            if a.error:
                status, reason = "failed", f"{a.error} (after {a.members} members)"
            elif bad:
                status, reason = "partial", f"{bad} of {members} members failed or partial"
            else:
                status, reason = "done", f"{members} members"
            manifest.append([entry(input=a.path, kind="archive", status=status, reason=reason, size=a.stat[0],
                                   mtime_ns=a.stat[1])])
            log.info("archive %s %s: %s", status, a.path, reason)
    finally:
        if executor is not None:
            executor.close()
        manifest.close()
        log_stream.close()
    digest = manifest.compact()
    stats.final = manifest.status_counts()
    stats.archives_failed = manifest.archives_failed()
    stats.dataset = str(dataset)
    manifest.release()  # the build streams the compacted file: the index is dropped meanwhile
    if not is_built(dataset, digest):
        stats.rows = build_dataset(dataset, digest)
        stats.built = True
    shutil.rmtree(tmp_dir, ignore_errors=True)
    log.info("finished in %.1f s: %d extracted (%d pages), %d reused, %d unchanged; %s", stats.elapsed,
             stats.extracted, stats.pages, stats.reused, stats.unchanged, stats.status)
    for h in list(log.handlers):
        log.removeHandler(h)
        h.close()
    lock.close()
    return stats
