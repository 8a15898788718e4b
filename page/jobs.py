"""One background runner for heavy actions: a benchmark run, an index rebuild, a big quiz.

Why: such an action takes minutes and runs numba, torch and FAISS code that is not safe to
enter from several Python threads at once (ranx's numba-parallel metrics called from two
request threads abort the whole process: "Numba workqueue threading layer is terminating:
Concurrent access has been detected"). So every heavy action goes through one
:class:`JobRunner`: jobs run **one at a time**, in submission order, on a worker thread;
``submit`` returns at once with the job's id and queue position, and the page polls
:meth:`JobRunner.get` for state, progress and result.

A job submitted with ``isolated=True`` runs in a separate worker *process* (``spawn``, lower
CPU priority, one torch thread): a crash there — a numba abort, a segfault, running out of
memory — fails that job with a message and leaves the server, and every search, untouched.
The process is kept between jobs (so a second benchmark does not load the model again) and
stopped after :data:`IDLE_EXIT_S` idle seconds. Its function and arguments must be picklable
(a module-level function, a frozen dataclass); module-level caches in the worker survive
from one job to the next, which is how a job loads its retriever once.

A job's function takes a ``progress(fraction, message)`` callback first, then its
arguments, and returns the result (picklable for an isolated job). Every message a user
sees — state, queue position, failure — is Chinese (:func:`describe`).
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from common.log import stderr
from page.worker import FAILED, WorkerProcess

State = Literal["queued", "running", "done", "failed"]
Progress = Callable[[float, str], None]

#: Jobs waiting or running at most; more are refused with :data:`QUEUE_FULL`.
MAX_PENDING = 8
#: Finished jobs remembered for :meth:`JobRunner.get` (oldest forgotten first).
KEEP_FINISHED = 50
#: Seconds the worker process stays alive without a job before it is stopped.
IDLE_EXIT_S = 300.0
#: Longest a job may run before it is stopped and failed (an isolated job's process is
#: killed; a thread job cannot be stopped, so it is only reported late).
DEFAULT_TIMEOUT_S = 3600.0

STATE_WORDS: dict[str, str] = {
    "queued": "排队中",
    "running": "运行中",
    "done": "已完成",
    "failed": "失败",
}
QUEUE_FULL = "后台任务已排满（{n} 个在排队或运行），请稍后再试。"

SHUT_DOWN = "服务正在关闭，任务已取消。"


class JobRefused(ValueError):
    """``submit`` refused a job (queue full, runner closed); ``str()`` is the Chinese reason."""


@dataclass(frozen=True)
class Job:
    """A snapshot of one job: what the page shows. ``position`` is 1 for the next job to
    run, 2 for the one after…, 0 while running, None once finished."""

    id: str
    kind: str
    owner: str | None
    state: State
    position: int | None
    fraction: float
    message: str
    result: Any = None
    error: str | None = None
    submitted: float = 0.0
    started: float | None = None
    finished: float | None = None

    @property
    def finished_ok(self) -> bool:
        return self.state == "done"

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


def describe(job: Job) -> str:
    """One Chinese line for the page: state, queue position or progress, message or error."""
    word = STATE_WORDS[job.state]
    if job.state == "queued":
        ahead = (job.position or 1) - 1
        return f"{word}：前面还有 {ahead} 个任务。" if ahead else f"{word}：下一个运行。"
    if job.state == "running":
        text = f"{word}：{job.fraction:.0%}"
        return f"{text} · {job.message}" if job.message else text
    if job.state == "failed":
        return f"{word}：{job.error}"
    return f"{word}。" if not job.message else f"{word}：{job.message}"


@dataclass
class _Entry:
    job: Job
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    isolated: bool
    timeout_s: float


class JobRunner:
    """Runs submitted jobs one at a time, in order, on one worker thread (see module doc).

    Thread-safe: request threads call :meth:`submit` and :meth:`get` while the worker runs.
    """

    def __init__(
        self,
        *,
        max_pending: int = MAX_PENDING,
        keep_finished: int = KEEP_FINISHED,
        idle_exit_s: float = IDLE_EXIT_S,
    ) -> None:
        self.max_pending = max_pending
        self.idle_exit_s = idle_exit_s
        self._lock = threading.Lock()
        self._jobs: dict[str, _Entry] = {}
        self._order: deque[str] = deque()  # queued ids, next first
        self._finished: deque[str] = deque(maxlen=keep_finished)
        self._wake = queue.Queue[str | None]()
        self._ids = itertools.count(1)
        self._closed = False
        self._process = WorkerProcess()
        self._thread = threading.Thread(target=self._work, name="policy-qa-jobs", daemon=True)
        self._thread.start()

    # --- what request threads call --------------------------------------------------------

    def submit(
        self,
        kind: str,
        fn: Callable[..., Any],
        *args: Any,
        owner: str | None = None,
        isolated: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> Job:
        """Queue ``fn(progress, *args)``; returns the queued job at once.

        Raises :class:`JobRefused` when :attr:`max_pending` jobs are already waiting or
        running, or the runner is closed.
        """
        with self._lock:
            if self._closed:
                raise JobRefused(SHUT_DOWN)
            pending = len(self._order) + sum(
                1 for e in self._jobs.values() if e.job.state == "running"
            )
            if pending >= self.max_pending:
                raise JobRefused(QUEUE_FULL.format(n=pending))
            job_id = f"{kind}-{next(self._ids)}"
            self._order.append(job_id)
            job = Job(
                job_id, kind, owner, "queued", len(self._order), 0.0, "", submitted=time.time()
            )
            self._jobs[job_id] = _Entry(job, fn, args, isolated, timeout_s)
        self._wake.put(job_id)
        return self.get(job_id) or job

    def get(self, job_id: str) -> Job | None:
        """The job's current snapshot (queue position up to date), None for an unknown id."""
        with self._lock:
            entry = self._jobs.get(job_id)
            if entry is None:
                return None
            return self._snapshot(entry)

    def jobs(self) -> list[Job]:
        """Every job remembered, oldest first."""
        with self._lock:
            return [self._snapshot(e) for e in self._jobs.values()]

    def active(self, kind: str | None = None) -> list[Job]:
        """Jobs queued or running (of ``kind`` when given), in the order they will run."""
        return [j for j in self.jobs() if j.active and (kind is None or j.kind == kind)]

    def wait(self, job_id: str, timeout: float | None = None) -> Job | None:
        """Block until the job has finished (or ``timeout`` passed); its last snapshot."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job is None or not job.active:
                return job
            if deadline is not None and time.monotonic() >= deadline:
                return job
            time.sleep(0.05)

    def close(self) -> None:
        """Refuse new jobs, fail the queued ones, stop the worker process."""
        with self._lock:
            self._closed = True
            for job_id in list(self._order):
                self._finish(job_id, "failed", error=SHUT_DOWN)
            self._order.clear()
        self._wake.put(None)
        self._thread.join(5)
        self._process.stop()

    # --- the worker -----------------------------------------------------------------------

    def _snapshot(self, entry: _Entry) -> Job:
        job = entry.job
        if job.state == "queued":
            return replace(job, position=self._order.index(job.id) + 1)
        return job

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            entry = self._jobs[job_id]
            entry.job = replace(entry.job, **changes)

    def _finish(
        self, job_id: str, state: State, *, result: Any = None, error: str | None = None
    ) -> None:
        """Mark finished (caller holds the lock) and forget the oldest finished jobs."""
        entry = self._jobs[job_id]
        fraction = 1.0 if state == "done" else entry.job.fraction
        entry.job = replace(
            entry.job, state=state, position=None, fraction=fraction, result=result,
            error=error, finished=time.time(),
        )  # fmt: skip
        if len(self._finished) == self._finished.maxlen:
            self._jobs.pop(self._finished[0], None)
        self._finished.append(job_id)

    def _work(self) -> None:
        while True:
            try:
                item = self._wake.get(timeout=self.idle_exit_s)
            except queue.Empty:
                self._process.stop()  # idle: give the memory back
                continue
            if item is None:
                return
            with self._lock:
                if not self._order or self._order[0] != item:
                    continue  # already failed by close()
                self._order.popleft()
                entry = self._jobs[item]
                entry.job = replace(entry.job, state="running", position=0, started=time.time())
            try:
                if entry.isolated:
                    state, value = self._process.run(
                        entry.job.id, entry.fn, entry.args, entry.timeout_s, self._progress_of(item)
                    )
                else:
                    state, value = _run_here(entry, self._progress_of(item))
            except Exception as error:  # the runner itself must survive anything
                state, value = "failed", FAILED.format(error=error)
            with self._lock:
                if state == "done":
                    self._finish(item, "done", result=value)
                else:
                    self._finish(item, "failed", error=str(value))

    def _progress_of(self, job_id: str) -> Progress:
        def progress(fraction: float, message: str = "") -> None:
            fraction = min(1.0, max(0.0, float(fraction)))
            self._update(job_id, fraction=fraction, message=str(message))

        return progress


def _run_here(entry: _Entry, progress: Progress) -> tuple[str, Any]:
    """Run a thread job in the worker thread; a raised error fails the job with its text."""
    try:
        return "done", entry.fn(progress, *entry.args)
    except Exception as error:
        stderr(f"job {entry.job.id} failed:\n{traceback.format_exc()}")
        return "failed", FAILED.format(error=error)
