"""Fault injection for tests/test_ingest.py: the real ingest worker, except for documents whose name
says "hang" (starts a grandchild process, then sleeps: a kill must take both) or "crash" (the worker
dies by SIGKILL). Selected with BAOCAO_INGEST_WORKER=ingest_fault_worker."""
import os
import signal
import subprocess
import sys
import time

from pipeline.ingest import worker

_real_run_job = worker.run_job


def run_job(job):
    name = job["name"]
    if "hang" in name:
        p = subprocess.Popen(["sleep", "600"])
        pid_file = os.environ.get("BAOCAO_TEST_GRANDCHILD_PIDS")
        if pid_file:
            with open(pid_file, "a") as fh:
                fh.write(f"{p.pid}\n")
        time.sleep(600)
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_run_job(job)


if __name__ == "__main__":
    worker.run_job = run_job  # worker.main looks it up at call time
    sys.exit(worker.main())
