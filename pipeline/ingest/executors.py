"""Where documents are extracted: a local pool of supervised worker processes, or a Dask distributed
cluster. Both take jobs ({"id", "name", "data", options}) and hand back result dicts (worker.run_job's),
a document over the time limit stopped and reported as a failure while the rest go on.

Why not concurrent.futures or a pool library for the local side: a document that hangs must be killed
with the OCR processes and Tesseract it started, and a pool cannot kill one task. Each document runs in
a child (`pipeline/ingest/worker.py`) in its own process group; on timeout the group is killed and the
child replaced. On Dask, each worker thread keeps one such child, for the same reason (Dask cannot
stop a running task either); the scheduling, data movement and scale-out are Dask's.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Optional

from pipeline.ingest.worker import read_msg, write_msg

STARTUP_SECONDS = 180.0
PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class ExecutorError(Exception):
    """The executor itself cannot run (a worker that cannot start, no scheduler): stops the ingest."""


def child_env(ocr_workers: int) -> dict:
    env = dict(os.environ)
    # OCR (pipeline/sources/ocr.py run_parallel) starts BAOCAO_OCR_WORKERS page processes per document:
    # with N documents at a time, N x that must not oversubscribe the cores.
    env["BAOCAO_OCR_WORKERS"] = str(max(1, ocr_workers))
    env["OMP_THREAD_LIMIT"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PROJECT_ROOT, env.get("PYTHONPATH")) if p)
    return env


def failure(job_id: str, reason: str, seconds: float = 0.0) -> dict:
    return {"id": job_id, "ok": False, "record_json": None, "doc_status": None, "pages": 0, "reason": reason,
            "seconds": round(seconds, 3)}


class Child:
    """One worker process; at most one job at a time."""

    def __init__(self, env: dict, stderr=None):
        # BAOCAO_INGEST_WORKER names another worker module: the tests' fault injection (hang, crash)
        module = env.get("BAOCAO_INGEST_WORKER") or "pipeline.ingest.worker"
        self.proc = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=stderr, env=env, start_new_session=True)
        self.started = time.monotonic()
        self.ready = False
        self.job_id: Optional[str] = None
        self.job_started = 0.0
        self.jobs_done = 0

    def fileno(self) -> int:
        return self.proc.stdout.fileno()

    def send(self, job: dict) -> None:
        self.job_id = job["id"]
        self.job_started = time.monotonic()
        write_msg(self.proc.stdin, job)

    def recv(self):
        return read_msg(self.proc.stdout)

    def died_reason(self) -> str:
        code = self.proc.wait()
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            return f"worker process died ({name}) on this document"
        return f"worker process exited ({code}) on this document"

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the child and all it started (OCR, Tesseract)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        r, _, _ = select.select([self], [], [], timeout)
        msg = self.recv() if r else None
        if not msg or "ready" not in msg:
            self.kill()
            raise ExecutorError("worker process failed to start (see the log)")
        self.ready = True


class LocalExecutor:
    """N supervised worker processes on this machine."""

    name = "local"

    def __init__(self, workers: int, timeout: Optional[float], stderr=None, recycle_after: int = 200):
        self.workers = max(1, workers)
        self.timeout = timeout
        self.stderr = stderr
        self.recycle_after = recycle_after  # a fresh process now and then keeps memory flat
        self.env = child_env((os.cpu_count() or 1) // self.workers)
        self.env["BAOCAO_DIE_WITH_PARENT"] = str(os.getpid())  # see worker._die_with_parent
        self.children: list[Child] = [self._spawn() for _ in range(self.workers)]
        self.queue: deque = deque()
        self.capacity = 2 * self.workers  # one running and one waiting per worker: none idles

    def _spawn(self) -> Child:
        return Child(self.env, self.stderr)

    def pending(self) -> int:
        return len(self.queue) + sum(1 for c in self.children if c.job_id)

    def submit(self, job: dict) -> None:
        self.queue.append(job)
        self._assign()

    def _assign(self) -> None:
        for c in self.children:
            if not self.queue:
                return
            if c.ready and c.job_id is None:
                c.send(self.queue.popleft())

    def _replace(self, c: Child) -> None:
        self.children[self.children.index(c)] = self._spawn()

    def wait(self, max_wait: float) -> list[dict]:
        """Results that arrived within `max_wait` seconds (possibly none)."""
        now = time.monotonic()
        limit = max_wait
        for c in self.children:
            if c.job_id and self.timeout:
                limit = min(limit, max(0.0, c.job_started + self.timeout - now))
        readable, _, _ = select.select(self.children, [], [], limit)
        results = []
        for c in readable:
            msg = c.recv()
            if msg is None:  # EOF: the process died
                if not c.ready:
                    c.kill()
                    raise ExecutorError(f"worker process failed to start: {c.died_reason()} (see the log)")
                if c.job_id:
                    results.append(failure(c.job_id, c.died_reason(), time.monotonic() - c.job_started))
                c.kill()
                self._replace(c)
            elif "ready" in msg:
                c.ready = True
            else:
                results.append(msg)
                c.job_id = None
                c.jobs_done += 1
                if c.jobs_done >= self.recycle_after:
                    c.close()
                    self._replace(c)
        now = time.monotonic()
        for c in list(self.children):
            if c.job_id and self.timeout and now - c.job_started >= self.timeout:
                results.append(failure(c.job_id, f"timed out after {self.timeout:g} s: stopped", now - c.job_started))
                c.kill()
                self._replace(c)
            elif not c.ready and now - c.started > STARTUP_SECONDS:
                c.kill()
                raise ExecutorError("worker process did not start within "
                                    f"{STARTUP_SECONDS:.0f} s (see the log)")
        self._assign()
        return results

    def close(self) -> None:
        for c in self.children:
            c.close()


# ---------------------------------------------------------------- Dask
_local = threading.local()


def run_in_child(job: dict, timeout: Optional[float]) -> dict:
    """A Dask task: extract one document in this worker thread's child process, killed at `timeout`."""
    child = getattr(_local, "child", None)
    if child is None or child.proc.poll() is not None:
        child = Child(child_env(1))  # a Dask worker thread is one core's worth: OCR pages run serially
        child.wait_ready()
        _local.child = child
    child.send(job)
    r, _, _ = select.select([child], [], [], timeout)
    if not r:
        child.kill()
        _local.child = None
        return failure(job["id"], f"timed out after {timeout:g} s: stopped", time.monotonic() - child.job_started)
    msg = child.recv()
    if msg is None:
        reason = child.died_reason()
        child.kill()
        _local.child = None
        return failure(job["id"], reason, time.monotonic() - child.job_started)
    child.job_id = None
    return msg


class DaskExecutor:
    """Documents as tasks on a Dask distributed cluster: the scheduler at `scheduler`, or a LocalCluster
    of `workers` single-threaded worker processes."""

    name = "dask"

    def __init__(self, workers: int, timeout: Optional[float], scheduler: Optional[str] = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a dependency
            raise ExecutorError(f"--executor dask needs dask.distributed: {exc}")
        self.timeout = timeout
        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="30s")
            else:
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                            dashboard_address=None)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {exc}")
        self.client.wait_for_workers(1, timeout=120)
        self.capacity = 2 * max(1, sum(self.client.nthreads().values()))
        self.futures: dict = {}

    def pending(self) -> int:
        return len(self.futures)

    def submit(self, job: dict) -> None:
        fut = self.client.submit(run_in_child, job, self.timeout, pure=False)
        self.futures[fut] = job["id"]

    def wait(self, max_wait: float) -> list[dict]:
        from distributed import wait as dask_wait

        if not self.futures:
            time.sleep(min(max_wait, 0.05))
            return []
        try:
            done, _ = dask_wait(list(self.futures), timeout=max_wait, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        results = []
        for fut in done:
            job_id = self.futures.pop(fut)
            try:
                results.append(fut.result())
            except Exception as exc:  # the task itself failed (a worker lost, ...): this document only
                results.append(failure(job_id, f"dask task failed: {type(exc).__name__}: {exc}"))
            fut.release()
        return results

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
