"""page.jobs: heavy actions one at a time, in order, with state, position, progress and errors."""

from __future__ import annotations

import os
import threading
import time

import pytest

from page import jobs
from page.jobs import JobRefused, JobRunner


@pytest.fixture
def runner():
    runner = JobRunner(max_pending=4)
    yield runner
    runner.close()


def blocked(progress, gate: threading.Event, log: list, name: str) -> str:
    log.append(("start", name))
    progress(0.5, f"{name} half way")
    gate.wait(10)
    log.append(("end", name))
    return name.upper()


def test_jobs_run_one_at_a_time_in_order_and_report_position_and_progress(runner):
    gates = {n: threading.Event() for n in "abc"}
    log: list = []
    first = runner.submit("bench", blocked, gates["a"], log, "a", owner="alice")
    second = runner.submit("bench", blocked, gates["b"], log, "b")
    third = runner.submit("bench", blocked, gates["c"], log, "c")
    assert second.state == "queued" and third.state == "queued"
    assert (second.position, third.position) in {(1, 2), (2, 3)}  # 1, 2 once a runs
    for _ in range(2000):
        if runner.get(first.id).message == "a half way":
            break
        time.sleep(0.01)
    running = runner.get(first.id)
    assert running.state == "running" and running.position == 0 and running.fraction == 0.5
    assert runner.get(second.id).position == 1 and runner.get(third.id).position == 2
    assert "前面还有 1 个任务" in jobs.describe(runner.get(third.id))
    for name in "abc":
        gates[name].set()
    done = runner.wait(third.id, 20)
    assert done.state == "done" and done.result == "C" and done.fraction == 1.0
    assert log == [(edge, n) for n in "abc" for edge in ("start", "end")]  # never overlapped
    assert runner.get(first.id).owner == "alice" and runner.get(first.id).result == "A"


def broken(progress) -> None:
    raise RuntimeError("index folder is gone")


def test_a_failing_job_reports_a_chinese_error_and_the_next_job_still_runs(runner):
    bad = runner.submit("rebuild", broken)
    good = runner.submit("rebuild", lambda progress: 42)
    assert runner.wait(good.id, 20).result == 42
    failed = runner.get(bad.id)
    assert failed.state == "failed" and failed.error == "任务失败：index folder is gone"
    assert jobs.describe(failed).startswith("失败：任务失败")


def test_a_full_queue_refuses_with_a_message_and_accepts_again_later(runner):
    gate = threading.Event()
    submitted = [runner.submit("quiz", blocked, gate, [], str(i)) for i in range(4)]
    with pytest.raises(JobRefused, match="后台任务已排满"):
        runner.submit("quiz", blocked, gate, [], "too many")
    gate.set()
    runner.wait(submitted[-1].id, 20)
    assert runner.wait(runner.submit("quiz", lambda progress: "ok").id, 20).result == "ok"


def test_close_fails_queued_jobs_and_refuses_new_ones():
    runner = JobRunner()
    gate = threading.Event()
    runner.submit("bench", blocked, gate, [], "running")
    queued = runner.submit("bench", blocked, gate, [], "waiting")
    threading.Timer(0.5, gate.set).start()
    runner.close()
    assert runner.get(queued.id).state == "failed"
    assert runner.get(queued.id).error == "服务正在关闭，任务已取消。"
    with pytest.raises(JobRefused, match="服务正在关闭"):
        runner.submit("bench", blocked, gate, [], "late")


def worker_pid(progress, label: str) -> tuple[int, str]:
    progress(0.3, "working")
    return os.getpid(), label


def crash(progress) -> None:
    os.abort()  # what a numba "Concurrent access" abort does to a process


def test_isolated_jobs_run_in_a_worker_process_that_survives_to_the_next_job_and_crashes_alone(
    runner,
):
    first = runner.wait(runner.submit("bench", worker_pid, "one", isolated=True).id, 120)
    assert first.state == "done", first.error
    pid, label = first.result
    assert pid != os.getpid() and label == "one"
    second = runner.wait(runner.submit("bench", worker_pid, "two", isolated=True).id, 60)
    assert second.result[0] == pid  # the same warm worker: models load once

    crashed = runner.wait(runner.submit("bench", crash, isolated=True).id, 60)
    assert crashed.state == "failed" and "进程意外退出" in crashed.error
    after = runner.wait(runner.submit("bench", worker_pid, "three", isolated=True).id, 120)
    assert after.state == "done" and after.result[0] not in (pid, os.getpid())


def test_an_isolated_job_with_an_unpicklable_function_fails_with_a_message(runner):
    job = runner.wait(runner.submit("bench", lambda progress: 1, isolated=True).id, 20)
    assert job.state == "failed" and job.error.startswith("任务失败")
