"""The child process that extracts documents for an ingest, one at a time: `python -m pipeline.ingest.worker`.

It reads jobs from stdin and writes results to (a copy of) stdout, each a length-prefixed pickle; fd 1
itself is pointed at stderr so that nothing a library prints can corrupt the stream. The parent runs it
in its own process group, so a document over its time limit is stopped with everything it started
(OCR's page processes, Tesseract) by one kill.
"""
from __future__ import annotations

import os
import pickle
import struct
import sys
import time
from typing import BinaryIO, Optional

HEADER = struct.Struct(">Q")


def write_msg(fh: BinaryIO, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(HEADER.pack(len(data)) + data)
    fh.flush()


def read_exact(fh: BinaryIO, n: int) -> Optional[bytes]:
    parts, got = [], 0
    while got < n:
        b = fh.read(n - got)
        if not b:
            return None
        parts.append(b)
        got += len(b)
    return b"".join(parts)


def read_msg(fh: BinaryIO):
    """The next message, or None at the end of the stream (the other side closed or died)."""
    head = read_exact(fh, HEADER.size)
    if head is None:
        return None
    body = read_exact(fh, HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def run_job(job: dict) -> dict:
    """One document → its record JSON, or the reason it could not be read. Never raises."""
    from pipeline.extraction import extract
    from pipeline.sources.errors import SourceError

    t0 = time.perf_counter()
    out = {"id": job["id"], "ok": False, "record_json": None, "doc_status": None, "pages": 0, "reason": None}
    try:
        rec = extract(job["data"], file=job["name"], password=job.get("password"), max_pages=job.get("max_pages"),
                      ocr=job.get("ocr", "auto"))
    except SourceError as exc:
        out["reason"] = exc.reason
    except MemoryError:
        out["reason"] = "out of memory"
    except Exception as exc:  # a bug on one document must not stop the batch
        out["reason"] = f"internal error {type(exc).__name__}: {exc}"
    else:
        out.update(ok=True, record_json=rec.to_json(), doc_status=rec.status, pages=rec.source.page_count,
                   errors=[e.message for e in rec.errors[:3]], error_count=len(rec.errors))
    out["seconds"] = round(time.perf_counter() - t0, 3)
    return out


def _die_with_parent() -> None:
    """Linux: be killed when the ingest that started us dies (even by kill -9), not left running."""
    parent = os.environ.get("BAOCAO_DIE_WITH_PARENT")
    if not parent or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        if str(os.getppid()) != parent:  # the parent died before prctl
            os._exit(1)
    except (OSError, AttributeError):
        pass


def main() -> int:
    _die_with_parent()
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, not into the result stream
    proto_in = sys.stdin.buffer
    # warm up before the first job (imports take ~1-2 s): a time limit counts the document's own work
    import pipeline.extraction  # noqa: F401
    import pipeline.sources.ocr  # noqa: F401
    import pipeline.sources.pdfium  # noqa: F401
    import pipeline.sources.text  # noqa: F401

    write_msg(proto_out, {"ready": os.getpid()})
    while True:
        job = read_msg(proto_in)
        if job is None:
            return 0
        write_msg(proto_out, run_job(job))


if __name__ == "__main__":
    sys.exit(main())
