"""Do searches stall while a benchmark runs? ``/search`` latency idle and during a job.

    .venv/bin/python bench/job_latency.py [--index DIR] [--configs lexical,hybrid,dense]
        [--clients 4] [--out bench/results/job_latency.json]

Serves the page over the real retriever on loopback, then times ``/search`` from
``--clients`` gradio_client users asking back to back: first with nothing else running,
then while a benchmark run (``--configs`` over the whole benchmark set) goes through
``page.jobs`` in its worker process (how the page runs it), then while the same run goes
in a thread of the server process (how it ran before, sharing the cores and the GIL with
the searches). Prints p50/p95 per phase and how long each run took; writes
``bench/results/job_latency.json``. Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, percentiles, table, write_json
from eval.benchmark import NO_ANSWER, load_queries
from eval.tab import BenchmarkRun, RetrieverSource
from page.jobs import JobRunner
from retriever import Retriever
from tests.page_server import running_page

RESULTS = RESULTS_DIR / "job_latency.json"


def searches(
    url: str, clients: int, questions: list[str], until: Any, errors: list[str]
) -> list[float]:
    """Latencies of ``clients`` users searching back to back until ``until()`` is true;
    failures are appended to ``errors`` (and counted, not raised)."""
    from gradio_client import Client

    out: list[float] = []
    lock = threading.Lock()

    def user(offset: int) -> None:
        client = Client(url, verbose=False, download_files=False)
        n = offset
        while not until():
            started = time.perf_counter()
            try:
                client.predict(questions[n % len(questions)], [], [], 5, api_name="/search")
            except Exception as error:  # counted: a search that failed during a job matters
                with lock:
                    errors.append(f"{type(error).__name__}: {str(error)[:150]}")
                client = Client(url, verbose=False, download_files=False)
            else:
                with lock:
                    out.append(time.perf_counter() - started)
            n += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(user, range(0, clients * 11, 11)))
    return out


def phase(url: str, args: argparse.Namespace, questions: list[str], job: Any) -> dict:
    """Search while ``job`` (a submitted job's id, with its runner) runs; or for a fixed time."""
    runner, job_id = job if job else (None, None)
    started = time.perf_counter()
    errors: list[str] = []
    if runner is None:
        stop_at = started + args.idle_seconds
        done = lambda: time.perf_counter() > stop_at  # noqa: E731
        latencies = searches(url, args.clients, questions, done, errors)
        state, took = "idle", None
    else:
        done = lambda: not runner.get(job_id).active  # noqa: E731
        latencies = searches(url, args.clients, questions, done, errors)
        finished = runner.get(job_id)
        state, took = finished.state, round(finished.finished - finished.started, 1)
    return {
        "search": percentiles(latencies),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:3],
        "job_state": state,
        "job_seconds": took,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--configs", default="lexical,hybrid,dense")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    retriever = Retriever.load(args.index, progress=False, log=lambda message: None)
    questions = [q.text for q in load_queries() if q.type != NO_ANSWER]
    reports = Path(tempfile.mkdtemp(prefix="job-latency-"))
    run = BenchmarkRun(
        RetrieverSource(getattr(retriever.backend, "folder", args.index)),
        reports_dir=reports, configs=args.configs,
    )  # fmt: skip
    runner = JobRunner()
    results: dict[str, Any] = {}
    with running_page(retriever, jobs=runner, eval_run=run) as url:
        results["idle"] = phase(url, args, questions, None)
        warm = runner.submit("benchmark", run, isolated=True)  # start the worker, load it
        runner.wait(warm.id)
        results["idle_after_warm_up"] = phase(url, args, questions, None)
        job = runner.submit("benchmark", run, isolated=True)
        results["during_job_in_worker_process"] = phase(url, args, questions, (runner, job.id))

        def in_thread(progress: Any) -> str:
            from eval.runner import run_benchmark

            folder = run_benchmark(configs=args.configs, out_dir=reports, retriever=retriever,
                                   on_progress=progress)  # fmt: skip
            return str(folder)

        job = runner.submit("benchmark", in_thread)
        results["during_job_in_server_thread"] = phase(url, args, questions, (runner, job.id))
    rows = [[name, r["search"]["n"], r["errors"], r["search"]["p50_ms"], r["search"]["p95_ms"],
             r["job_state"], r["job_seconds"], r["load_average"][0]]
            for name, r in results.items()]  # fmt: skip
    print(table(rows, ["phase", "searches", "errors", "p50 ms", "p95 ms", "job", "job s", "load"]))
    write_json(args.out, {"clients": args.clients, "configs": args.configs, "phases": results,
                          "machine": machine_info(), "measured_at": now_utc()})  # fmt: skip
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
