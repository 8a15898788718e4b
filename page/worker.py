"""The worker process behind :class:`page.jobs.JobRunner` for isolated jobs.

Why a process: a crash inside numba, torch or FAISS (an abort, a segfault, memory running
out) ends the process it happens in. Run there, it fails one job; run in the server, it
would end every visitor's page. The process is started with ``spawn`` (forking a process
that holds torch and OpenMP threads is unsafe), at lower CPU priority with one torch thread
so that the server's searches come first, and it is kept for the next job (models loaded
by a job's module-level cache stay loaded) until :meth:`WorkerProcess.stop`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from typing import Any

from common.log import stderr

CRASHED = "后台任务进程意外退出（退出码 {code}），任务未完成；服务本身未受影响，可以重新提交。"
TIMED_OUT = "任务运行超过 {seconds:.0f} 秒，已停止。"
FAILED = "任务失败：{error}"
NOT_PICKLABLE = "任务结果无法传回页面：{error}"


class WorkerProcess:
    """The long-lived worker process for isolated jobs, started on first use and restarted
    after a crash. Only the runner's worker thread calls it."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: Any = None
        self._conn: Any = None

    def run(
        self,
        job_id: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        timeout_s: float,
        progress: Callable[[float, str], None],
    ) -> tuple[str, Any]:
        """Run ``fn(progress, *args)`` in the worker: ("done", result) or ("failed", message)."""
        if self._proc is None or not self._proc.is_alive():
            self._start()
        conn, proc = self._conn, self._proc
        try:
            conn.send((job_id, fn, args))
        except Exception as error:  # the function or its arguments cannot be pickled
            return "failed", FAILED.format(error=error)
        deadline = time.monotonic() + timeout_s
        while True:
            if time.monotonic() > deadline:
                self.stop(kill=True)
                return "failed", TIMED_OUT.format(seconds=timeout_s)
            try:
                ready = conn.poll(0.2)
                message = conn.recv() if ready else None
            except (EOFError, OSError):
                message = None
                proc.join(2)
            if message is None:
                if not proc.is_alive():
                    code = proc.exitcode
                    self._proc = self._conn = None
                    stderr(f"job {job_id}: worker process died (exit code {code})")
                    return "failed", CRASHED.format(code=code)
                continue
            kind, payload = message
            if kind == "progress":
                progress(*payload)
            else:
                return kind, payload

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(
            target=_worker_main, args=(child,), name="policy-qa-job-worker", daemon=True
        )
        self._proc.start()
        child.close()
        self._conn = parent

    def stop(self, *, kill: bool = False) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is None:
            return
        if not kill and conn is not None:  # conn is None when the start itself failed
            try:
                conn.send(None)
                proc.join(10)
            except (OSError, EOFError, BrokenPipeError):
                pass
        if proc.is_alive():
            proc.kill()
            proc.join(5)


def _worker_main(conn: Any) -> None:
    """The worker process: one torch thread, lower priority, jobs one after another."""
    os.environ.setdefault("POLICY_QA_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    with contextlib.suppress(OSError):
        os.nice(10)  # searches in the server come first
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        job_id, fn, args = item

        def progress(fraction: float, message: str = "") -> None:
            conn.send(("progress", (float(fraction), str(message))))

        try:
            result = fn(progress, *args)
        except Exception as error:
            stderr(f"job {job_id} failed:\n{traceback.format_exc()}")
            conn.send(("failed", FAILED.format(error=error)))
            continue
        try:
            conn.send(("done", result))
        except Exception as error:  # an unpicklable result
            conn.send(("failed", NOT_PICKLABLE.format(error=error)))
