"""Load: many people asking at once, against the real ``python app.py`` on loopback.

    .venv/bin/python bench/load.py [--doors chat,search] [--clients 50] [--seconds 60]
        [--index DIR] [--app-dir DIR] [--timeout 120] [--out bench/results/load.json]
    .venv/bin/python bench/load.py --doors mixed --clients 10 --seconds 600 \\
        --out bench/results/load_soak.json        # the soak: warm-up or leak?

Starts ``app.py --port <free port>`` on 127.0.0.1 (from ``--app-dir``, default this
repository: point it at an export of another commit to measure a before) as a child
process, waits until it answers, then for each door in ``--doors`` runs ``--clients``
threads back to back for ``--seconds`` seconds: ``chat`` users ask in the 问答 chat through
the browser's event protocol (bench/load_clients.py), ``search`` users call ``/search``
through gradio_client, ``mixed`` is half of each. A request still running at the end is
waited for, up to ``--timeout``. Prints and writes, per door: answers served, errors (with
the first messages), answers/s, p50/p95/p99 latency as the client sees it (queueing
included), the machine's load average; and the server's memory (RSS with children) every
second over the whole run. The server is stopped in every case. Only loopback is used.
Figures, not a test.

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
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, ROOT, machine_info, now_utc, percentiles, table, write_json
from bench.load_clients import ChatUser, SearchUser, Tally, chat_event, client_loop
from eval.benchmark import NO_ANSWER, load_queries

RESULTS = RESULTS_DIR / "load.json"
HOST = "127.0.0.1"
READY_TIMEOUT_S = 900
DOORS = ("chat", "search", "mixed")


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


def start_server(
    port: int, log_path: Path, app_dir: Path, index: Path | None, extra: Sequence[str] = ()
) -> subprocess.Popen:
    """``python app.py --port PORT`` in its own process group, output to ``log_path``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("POLICY_QA_USER", None)  # the API must answer without a login
    command = [sys.executable, "app.py", "--host", HOST, "--port", str(port)]
    if index is not None:
        command += ["--index", str(index)]
    command += list(extra)
    log = log_path.open("w", encoding="utf-8")
    return subprocess.Popen(
        command, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT, env=env,
        start_new_session=True,
    )  # fmt: skip


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


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time (user + system) used so far by ``process`` and its live children."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def sample_memory(
    process: psutil.Process, stop: threading.Event, series: list[list[float]], t0: float
) -> None:
    while not stop.wait(1.0):
        series.append([round(time.perf_counter() - t0, 1), server_rss_mib(process)])


def run_door(
    door: str, url: str, questions: list[str], args: argparse.Namespace, server: psutil.Process
) -> dict:
    """``args.clients`` users of ``door`` for ``args.seconds``; the figures of that phase."""
    fn_index, trigger = chat_event(url)
    chat = partial(ChatUser, url, fn_index, trigger, args.timeout)
    search = partial(SearchUser, url, args.timeout)
    kinds = {"chat": [chat], "search": [search], "mixed": [chat, search]}[door]
    tallies = {k: Tally() for k in ("chat", "search") if door in (k, "mixed")}
    stop = threading.Event()
    threads = []
    for i in range(args.clients):
        make = kinds[i % len(kinds)]
        tally = tallies["chat" if make is chat else "search"]
        threads.append(threading.Thread(
            target=client_loop, args=(make, questions, i * 7, stop, tally), daemon=True
        ))  # fmt: skip
    load_before = os.getloadavg()
    server_cpu, clients_cpu = cpu_seconds(server), cpu_seconds(psutil.Process())
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(args.timeout + 10)
    elapsed = time.perf_counter() - started
    server_cpu = cpu_seconds(server) - server_cpu
    clients_cpu = cpu_seconds(psutil.Process()) - clients_cpu
    answers = sum(len(t.latencies) for t in tallies.values())
    result: dict[str, Any] = {
        # CPU the server spent per answer: what the shared machine's load cannot change much.
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_answer": round(1000 * server_cpu / max(1, answers), 1),
        "clients_cpu_s": round(clients_cpu, 1),
        "clients": args.clients,
        "elapsed_s": round(elapsed, 1),
        "clients_still_waiting_at_end": sum(t.is_alive() for t in threads),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    for kind, tally in tallies.items():
        result[kind] = {
            "answers": len(tally.latencies),
            "errors": len(tally.errors),
            "error_samples": sorted(set(tally.errors))[:5],
            "answers_per_s": round(len(tally.latencies) / elapsed, 2),
            "latency": percentiles(tally.latencies),
        }
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    questions = [q.text for q in load_queries() if q.type != NO_ANSWER]
    port = free_port()
    url = f"http://{HOST}:{port}/"
    log_path = Path(args.server_log)
    server = start_server(port, log_path, Path(args.app_dir), args.index, args.app_args.split())
    stop, series = threading.Event(), []
    doors: dict[str, Any] = {}
    try:
        ready_s = wait_ready(server, url, log_path)
        process = psutil.Process(server.pid)
        rss_ready = server_rss_mib(process)
        SearchUser(url, args.timeout).ask(questions[0])  # warm-up
        t0 = time.perf_counter()
        sampler = threading.Thread(
            target=sample_memory, args=(process, stop, series, t0), daemon=True
        )
        sampler.start()
        for door in args.doors:
            print(f"{door}: {args.clients} clients for {args.seconds} s…", file=sys.stderr)
            phase_start = round(time.perf_counter() - t0, 1)
            doors[door] = run_door(door, url, questions, args, process)
            doors[door]["started_at_s"] = phase_start
        alive = server.poll() is None
    finally:
        stop.set()
        stop_server(server)
    return {
        "app_dir": str(args.app_dir),
        "app_args": args.app_args,
        "seconds": args.seconds,
        "doors": doors,
        "server_alive_at_end": alive,
        "server": {
            "ready_s": round(ready_s, 1),
            "rss_ready_mib": rss_ready,
            "rss_start_mib": series[0][1] if series else rss_ready,
            "rss_peak_mib": max((r for _, r in series), default=rss_ready),
            "rss_end_mib": series[-1][1] if series else rss_ready,
            "rss_every_s": series,
            "log": str(log_path),
        },
        "machine": machine_info(),
        "measured_at": now_utc(),
    }


def print_report(report: dict[str, Any]) -> None:
    rows = []
    for door, phase in report["doors"].items():
        for kind in ("chat", "search"):
            if kind not in phase:
                continue
            f, lat = phase[kind], phase[kind]["latency"]
            rows.append([f"{door}/{kind}", f["answers"], f["errors"], f["answers_per_s"],
                         f"{lat['p50_ms']:.0f} / {lat['p95_ms']:.0f} / {lat['p99_ms']:.0f}",
                         f"{phase['load_average_before'][0]} → {phase['load_average_after'][0]}"])  # fmt: skip
    print(table(rows, ["door", "answers", "errors", "answers/s", "p50/p95/p99 ms", "load"]))
    for door, phase in report["doors"].items():
        print(f"{door}: server CPU {phase['server_cpu_s']} s "
              f"({phase['server_cpu_ms_per_answer']} ms per answer), clients CPU "
              f"{phase['clients_cpu_s']} s")  # fmt: skip
    server = report["server"]
    curve = server["rss_every_s"][:: max(1, len(server["rss_every_s"]) // 10)]
    print(f"server RSS ready {server['rss_ready_mib']} MiB, peak {server['rss_peak_mib']} MiB")
    print("RSS (s, MiB): " + ", ".join(f"{t:.0f}:{r:.0f}" for t, r in curve))
    for phase in report["doors"].values():
        for kind in ("chat", "search"):
            for sample in phase.get(kind, {}).get("error_samples", []):
                print(f"error ({kind}): {sample}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--doors", default="chat,search", help="chat, search and/or mixed")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    parser.add_argument("--index", type=Path, default=None, help="index folder for app.py")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="where app.py is")
    parser.add_argument("--app-args", default="", help="more app.py options, e.g. '--sessions 200'")
    parser.add_argument("--server-log", default=str(Path("/tmp") / "policy-qa-load-server.log"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.doors = [d.strip() for d in args.doors.split(",") if d.strip()]
    if unknown := set(args.doors) - set(DOORS):
        parser.error(f"unknown door(s): {', '.join(sorted(unknown))}")
    report = run(args)
    write_json(args.out, report)
    print_report(report)
    print(f"written to {args.out}")
    errors = sum(
        p[k]["errors"] for p in report["doors"].values() for k in ("chat", "search") if k in p
    )
    return 0 if errors == 0 and report["server_alive_at_end"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
