"""Load: many people asking at once, against the real ``python app.py`` on loopback.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--timeout 120]
        [--out bench/results/load.json]

Starts ``app.py --port <free port>`` on 127.0.0.1 as a child process, waits until it
answers, then runs ``--clients`` threads, each with its own ``gradio_client.Client``,
calling the ``/search`` API back to back with the benchmark questions for ``--seconds``
seconds (a request still running at the end is waited for, up to ``--timeout``). Prints and
writes: requests served, errors (with the first messages), throughput, p50/p95/p99 latency
as the client sees it (queueing included), and the server's memory (RSS, with children) when
ready, after one warm-up request, at its peak and at the end. The server is stopped in every
case. Only loopback is used; the run is bounded and stops by itself. Figures, not a test.

The clients run on the same machine as the server, so on a small machine they compete with
it for the cores: the figures are a lower bound of what the server alone can serve.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, ROOT, machine_info, now_utc, percentiles, table, write_json
from eval.benchmark import NO_ANSWER, load_queries

RESULTS = RESULTS_DIR / "load.json"
HOST = "127.0.0.1"
READY_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_rss_mib(process: psutil.Process) -> float:
    """Resident memory of the server and any children it started, in MiB."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return round(total / 2**20, 1)


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    """``python app.py --port PORT`` in its own process group, output to ``log_path``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("POLICY_QA_USER", None)  # the API must answer without a login
    log = log_path.open("w", encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "app.py", "--host", HOST, "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


def wait_ready(server: subprocess.Popen, url: str, log_path: Path) -> float:
    """Seconds until the page answers; ``RuntimeError`` with the log's tail if it dies."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_TIMEOUT_S:
        if server.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"app.py exited with {server.returncode}:\n{tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"app.py did not answer at {url} within {READY_TIMEOUT_S} s")


def stop_server(server: subprocess.Popen) -> None:
    """Ctrl-C first (Gradio shuts down cleanly), then terminate, then kill — this process
    group only (the server was started in its own session)."""
    if server.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class Tally:
    """What the client threads observed, shared under a lock."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies.append(seconds)
            else:
                self.errors.append(error)


def client_loop(
    url: str,
    questions: Sequence[str],
    offset: int,
    stop: threading.Event,
    tally: Tally,
    timeout: float,
) -> None:
    """One user: connect, then ask question after question until ``stop`` is set."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, download_files=False)
    except Exception as error:  # a failed connection is an error to report, not a crash
        tally.record(0.0, f"connect: {type(error).__name__}: {error}")
        return
    n = offset
    while not stop.is_set():
        question = questions[n % len(questions)]
        n += 1
        started = time.perf_counter()
        try:
            data = client.submit(question, [], [], 5, api_name="/search").result(timeout=timeout)
            error = None if isinstance(data, dict) and "hits" in data else f"bad reply: {data!r}"
        except Exception as exc:  # every failure counts; the message says which
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
        tally.record(time.perf_counter() - started, error)
    client.close()


def sample_memory(process: psutil.Process, stop: threading.Event, peak: list[float]) -> None:
    while not stop.wait(0.5):
        peak[0] = max(peak[0], server_rss_mib(process))


def run(args: argparse.Namespace) -> dict[str, Any]:
    questions = [q.text for q in load_queries() if q.type != NO_ANSWER]
    port = free_port()
    url = f"http://{HOST}:{port}/"
    log_path = Path(args.server_log)
    server = start_server(port, log_path)
    try:
        ready_s = wait_ready(server, url, log_path)
        process = psutil.Process(server.pid)
        rss_ready = server_rss_mib(process)
        from gradio_client import Client

        warm = Client(url, verbose=False, download_files=False)
        warm.predict(questions[0], [], [], 5, api_name="/search")
        warm.close()
        rss_start = server_rss_mib(process)
        print(
            f"server ready in {ready_s:.1f} s on {url}; RSS {rss_start} MiB; "
            f"{args.clients} clients for {args.seconds} s…",
            file=sys.stderr,
            flush=True,
        )

        tally, stop, peak = Tally(), threading.Event(), [rss_start]
        sampler = threading.Thread(target=sample_memory, args=(process, stop, peak), daemon=True)
        sampler.start()
        threads = [
            threading.Thread(
                target=client_loop,
                args=(url, questions, i * 7, stop, tally, args.timeout),
                daemon=True,
            )
            for i in range(args.clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(args.timeout + 10)
        elapsed = time.perf_counter() - started
        stuck = sum(thread.is_alive() for thread in threads)
        rss_end = server_rss_mib(process)
        sampler.join(2)
    finally:
        stop_server(server)
    served = len(tally.latencies)
    return {
        "clients": args.clients,
        "seconds": args.seconds,
        "elapsed_s": round(elapsed, 1),
        "requests_served": served,
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:5],
        "clients_still_waiting_at_end": stuck,
        "throughput_rps": round(served / elapsed, 2),
        "latency": percentiles(tally.latencies),
        "server": {
            "ready_s": round(ready_s, 1),
            "rss_ready_mib": rss_ready,
            "rss_start_mib": rss_start,
            "rss_peak_mib": round(peak[0], 1),
            "rss_end_mib": rss_end,
            "rss_growth_mib": round(rss_end - rss_start, 1),
            "log": str(log_path),
        },
        "machine": machine_info(),
        "measured_at": now_utc(),
    }


def print_report(report: dict[str, Any]) -> None:
    lat, server = report["latency"], report["server"]
    rows = [
        ["clients", report["clients"]],
        ["duration (s)", report["elapsed_s"]],
        ["requests served", report["requests_served"]],
        ["errors", report["errors"]],
        ["throughput (req/s)", report["throughput_rps"]],
        ["latency p50 / p95 / p99 (ms)", f"{lat['p50_ms']} / {lat['p95_ms']} / {lat['p99_ms']}"],
        ["server RSS start → end (MiB)", f"{server['rss_start_mib']} → {server['rss_end_mib']}"],
        ["server RSS peak (MiB)", server["rss_peak_mib"]],
    ]
    print(table(rows, ["load test", "value"]))
    for sample in report["error_samples"]:
        print(f"error: {sample}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    parser.add_argument("--server-log", default=str(Path("/tmp") / "policy-qa-load-server.log"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    report = run(args)
    write_json(args.out, report)
    print_report(report)
    print(f"written to {args.out}")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
