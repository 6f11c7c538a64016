"""What an ingest reads: folders (recursive), zip and tar files (streamed, nested ones too) and single
files, turned into a stream of events — a document's bytes, a skipped or refused entry, an archive
that ended (or broke).

Safety: nothing here ever writes a member under its own name (documents travel as bytes and are stored
under their SHA-256), so "../" or absolute member names cannot reach outside the dataset; such names,
links and special files are refused or skipped all the same, and every read is bounded (member size,
total bytes per top-level archive, compression ratio, nesting depth, member count), so a zip bomb stops
at the first limit it crosses. Nested archives are spooled to a temporary file (memory stays flat).
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat as statmod
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Optional, Union

# the suffixes pipeline.extraction reads (a test checks they agree): not imported from there, so the
# driver does not load the whole extraction stack it never runs
SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})

ARCHIVE_SEP = "!"  # "/data/box1.zip!2019/report.pdf": a member's input path (nested: a.zip!b.tar!c.pdf)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
ZIP_SUFFIXES = (".zip",)
CHUNK = 1 << 20
MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Bounds on what reading an archive may cost. The ratio applies past `ratio_floor` bytes (small
    files of blank space compress very well and are harmless)."""

    max_member_bytes: int = 512 * MiB
    max_archive_bytes: int = 16 * 1024 * MiB  # uncompressed, over a top-level archive and all it nests
    max_ratio: float = 200.0
    ratio_floor: int = 8 * MiB
    max_depth: int = 4  # archives inside archives
    max_members: int = 200_000


class LimitExceeded(Exception):
    pass


@dataclass
class Document:
    """A document's bytes, ready to extract."""

    path: str
    name: str  # the file name the record gets (source.file)
    data: bytes
    sha256: str
    kind: str  # "file" | "member"
    container: Optional[str] = None  # the top-level archive it came from
    stat: Optional[tuple[int, int]] = None  # (size, mtime_ns) of a plain file: resume skips it unchanged


@dataclass
class Skipped:
    """An entry that is not read: not a document (status "skipped"), or refused for safety or a limit
    (status "failed"). Either way with its reason."""

    path: str
    reason: str
    status: str = "skipped"
    kind: str = "file"
    container: Optional[str] = None
    stat: Optional[tuple[int, int]] = None


@dataclass
class Unchanged:
    """A file or top-level archive the manifest already holds as finished, with the same size and
    modification time: not opened again."""

    path: str


@dataclass
class ArchiveEnd:
    """A top-level archive was read to its end (error None) or stopped (error says why)."""

    path: str
    stat: tuple[int, int]
    members: int
    error: Optional[str] = None


Event = Union[Document, Skipped, Unchanged, ArchiveEnd]


def archive_kind(name: str) -> Optional[str]:
    low = name.lower()
    if low.endswith(ZIP_SUFFIXES):
        return "zip"
    if low.endswith(TAR_SUFFIXES):
        return "tar"
    return None


def is_document(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def file_stat(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


UNSAFE_NAME = re.compile(r"""
    ^ [/\\]                      # absolute: /etc/passwd, \\server\share
  | ^ [A-Za-z] : [/\\]?          # a drive letter: C:\x, C:x
  | (^|[/\\]) \.\. ([/\\]|$)     # a parent step anywhere: ../x, a/../../x
  | \x00                         # a NUL byte
""", re.VERBOSE)


def unsafe_name(name: str) -> bool:
    return bool(UNSAFE_NAME.search(name))


class _Budget:
    """Bytes and members read so far under one top-level archive, across its nesting."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.total = 0
        self.members = 0

    def count_member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise LimitExceeded(f"more than {self.limits.max_members} members")

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limits.max_archive_bytes:
            raise LimitExceeded(f"archive expands past {self.limits.max_archive_bytes} bytes")


class _CountingReader:
    """A raw file that counts the compressed bytes a decompressor pulls through it (tar.gz ratio)."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        b = self.fh.read(n)
        self.count += len(b)
        return b

    def readable(self) -> bool:
        return True


def read_bounded(fh: BinaryIO, limits: Limits, budget: Optional[_Budget], compressed: Callable[[], int],
                 sink=None) -> tuple[Optional[bytes], str, int]:
    """Read a member (into memory, or into `sink` when given), hashing it, stopping at the first limit
    crossed. Returns (bytes or None when sunk, sha256, size). `compressed()` is the compressed size
    behind what was read (for the ratio); 0 when unknown."""
    h = hashlib.sha256()
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limits.max_member_bytes:
            raise LimitExceeded(f"member larger than {limits.max_member_bytes} bytes")
        if budget is not None:
            budget.add(len(chunk))
        c = compressed()
        if c and size > limits.ratio_floor and size / c > limits.max_ratio:
            raise LimitExceeded(f"compression ratio over {limits.max_ratio:.0f}:1 (zip bomb?)")
        h.update(chunk)
        if sink is not None:
            sink.write(chunk)
        else:
            parts.append(chunk)
    return (None if sink is not None else b"".join(parts)), h.hexdigest(), size


def walk_inputs(inputs: list[str], limits: Limits = Limits(),
                finished: Callable[[str, tuple[int, int]], bool] = lambda p, s: False,
                tmp_dir: Optional[str] = None) -> Iterator[Event]:
    """Every document and skipped entry under `inputs`, in a stable order (inputs as given, folders
    sorted). `finished(path, (size, mtime_ns))` says a plain file or top-level archive is already done:
    it is yielded as Unchanged and not read."""
    for raw in inputs:
        path = os.path.abspath(raw)
        if os.path.islink(path) and not os.path.exists(path):
            yield Skipped(path, "broken symbolic link", status="failed")
        elif os.path.isdir(path):
            yield from _walk_folder(path, limits, finished, tmp_dir)
        elif os.path.isfile(path):
            yield from _one_file(path, limits, finished, tmp_dir)
        else:
            yield Skipped(path, "no such file or folder", status="failed")


def _walk_folder(root: str, limits, finished, tmp_dir) -> Iterator[Event]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)):  # os.walk lists linked folders but does not enter
                yield Skipped(os.path.join(dirpath, d), "symbolic link to a folder: not followed")
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                yield Skipped(full, "symbolic link: not followed")
                continue
            yield from _one_file(full, limits, finished, tmp_dir)


def _one_file(path: str, limits: Limits, finished, tmp_dir) -> Iterator[Event]:
    try:
        st = os.stat(path)
    except OSError as exc:
        yield Skipped(path, f"cannot read: {exc.strerror or exc}", status="failed")
        return
    if not statmod.S_ISREG(st.st_mode):
        yield Skipped(path, "not a regular file")
        return
    fstat = (st.st_size, st.st_mtime_ns)
    if finished(path, fstat):
        yield Unchanged(path)
        return
    kind = archive_kind(path)
    if kind:
        budget = _Budget(limits)
        counter = [0]
        try:
            with open(path, "rb") as fh:
                for ev in _walk_archive(fh, kind, path, path, 1, limits, budget, tmp_dir):
                    if isinstance(ev, (Document, Skipped)):
                        counter[0] += 1
                    yield ev
        except (LimitExceeded, zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, OSError,
                ValueError, NotImplementedError, RuntimeError) as exc:
            yield ArchiveEnd(path, fstat, counter[0], error=_reason(exc))
            return
        yield ArchiveEnd(path, fstat, counter[0])
        return
    if not is_document(path):
        yield Skipped(path, f"not a document ({Path(path).suffix or 'no suffix'})", stat=fstat)
        return
    try:
        with open(path, "rb") as fh:
            data, sha, _ = read_bounded(fh, limits, None, lambda: 0)
    except LimitExceeded as exc:
        yield Skipped(path, str(exc), status="failed", stat=fstat)
        return
    except OSError as exc:
        yield Skipped(path, f"cannot read: {exc.strerror or exc}", status="failed", stat=fstat)
        return
    yield Document(path, os.path.basename(path), data, sha, "file", stat=fstat)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, LimitExceeded):
        return f"stopped: {exc}"
    if isinstance(exc, (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error)):
        return f"corrupt or truncated archive: {exc or type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}"


def _walk_archive(fh: BinaryIO, kind: str, label: str, top: str, depth: int, limits: Limits, budget: _Budget,
                  tmp_dir) -> Iterator[Event]:
    if kind == "zip":
        yield from _walk_zip(fh, label, top, depth, limits, budget, tmp_dir)
    else:
        yield from _walk_tar(fh, label, top, depth, limits, budget, tmp_dir)


def _member(label: str, name: str, data_reader, limits, budget, compressed, top, depth, tmp_dir) -> Iterator[Event]:
    """One regular member: a nested archive (spooled, then walked), a document (read), or skipped."""
    path = f"{label}{ARCHIVE_SEP}{name}"
    if unsafe_name(name):
        yield Skipped(path, "unsafe member path (absolute or '..'): not read", status="failed", kind="member",
                      container=top)
        return
    base = posixpath.basename(name.replace("\\", "/"))
    nested = archive_kind(base)
    if nested:
        if depth >= limits.max_depth:
            yield Skipped(path, f"archive nested deeper than {limits.max_depth}: not opened", status="failed",
                          kind="member", container=top)
            return
        with tempfile.SpooledTemporaryFile(max_size=16 * MiB, dir=tmp_dir) as spool:
            with data_reader() as src:
                read_bounded(src, limits, budget, compressed, sink=spool)
            spool.seek(0)
            try:
                yield from _walk_archive(spool, nested, path, top, depth + 1, limits, budget, tmp_dir)
            except LimitExceeded:
                raise  # a bomb stops the whole top-level archive
            except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, ValueError, OSError) as exc:
                yield Skipped(path, f"nested archive: {_reason(exc)}", status="failed", kind="member", container=top)
        return
    if not is_document(base) or posixpath.basename(posixpath.dirname(name)) == "__MACOSX" or "__MACOSX/" in name:
        yield Skipped(path, f"not a document ({Path(base).suffix or 'no suffix'})", kind="member", container=top)
        return
    try:
        with data_reader() as src:
            data, sha, _ = read_bounded(src, limits, budget, compressed)
    except (zipfile.BadZipFile, zlib.error, EOFError, tarfile.TarError) as exc:
        yield Skipped(path, f"cannot read member: {exc or type(exc).__name__}", status="failed", kind="member",
                      container=top)
        return
    yield Document(path, base, data, sha, "member", container=top)


def _walk_zip(fh: BinaryIO, label: str, top: str, depth: int, limits: Limits, budget: _Budget, tmp_dir):
    with zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():  # the central directory: names and sizes without reading data
            if info.is_dir():
                continue
            budget.count_member()
            path = f"{label}{ARCHIVE_SEP}{info.filename}"
            mode = info.external_attr >> 16
            if statmod.S_ISLNK(mode):
                yield Skipped(path, "symbolic link in archive: not followed", kind="member", container=top)
                continue
            if mode and not statmod.S_ISREG(mode) and statmod.S_IFMT(mode):
                yield Skipped(path, "not a regular file in archive", kind="member", container=top)
                continue
            if info.file_size > limits.max_member_bytes:
                yield Skipped(path, f"member declares {info.file_size} bytes > {limits.max_member_bytes}",
                              status="failed", kind="member", container=top)
                continue
            if (info.file_size > limits.ratio_floor
                    and info.file_size / max(info.compress_size, 1) > limits.max_ratio):
                raise LimitExceeded(f"{path}: declared compression ratio "
                                    f"{info.file_size / max(info.compress_size, 1):.0f}:1 (zip bomb?)")
            if info.flag_bits & 0x1:
                yield Skipped(path, "encrypted zip member: not read", status="failed", kind="member", container=top)
                continue
            yield from _member(label, info.filename, lambda info=info: zf.open(info), limits, budget,
                               lambda info=info: info.compress_size, top, depth, tmp_dir)


class _Opened:
    """A tar member's stream as a context manager (tarfile's own closes nothing we need)."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self.f

    def __exit__(self, *exc):
        return False


def _walk_tar(fh: BinaryIO, label: str, top: str, depth: int, limits: Limits, budget: _Budget, tmp_dir):
    raw = _CountingReader(fh)
    # "r|*": a stream — members in order, no seeking back, any compression tarfile knows
    with tarfile.open(fileobj=raw, mode="r|*") as tf:
        for m in tf:
            if m.isdir():
                continue
            budget.count_member()
            path = f"{label}{ARCHIVE_SEP}{m.name}"
            if m.issym() or m.islnk():
                yield Skipped(path, f"link in archive (to {m.linkname!r}): not followed", kind="member",
                              container=top)
                continue
            if not m.isfile():
                yield Skipped(path, "not a regular file in archive (device, fifo)", kind="member", container=top)
                continue
            if m.size > limits.max_member_bytes:
                yield Skipped(path, f"member declares {m.size} bytes > {limits.max_member_bytes}",
                              status="failed", kind="member", container=top)
                continue
            yield from _member(label, m.name, lambda m=m: _Opened(tf.extractfile(m)), limits, budget,
                               lambda: raw.count, top, depth, tmp_dir)
