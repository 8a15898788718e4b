"""Page latency: how long a user waits for an answer, through each layer of the page.

    .venv/bin/python bench/page_latency.py [--index DIR] [--repeat 3] [--clients 8]
        [--no-browser] [--out FILE]

Loads the retriever once, then times the example questions of the page
(``page.messages.EXAMPLES``) ``--repeat`` times:

- ``handler``: ``page.handlers.ask`` + drawing the chat (search, neighbours, HTML cards);
- ``api``: the ``/search`` endpoint through ``gradio_client``, one request at a time;
- ``api_concurrent``: ``--clients`` clients at once against the queue's concurrency limit;
- ``browser``: Enter pressed in headless Chromium until the answer is drawn (unless
  ``--no-browser``).

Prints a table and writes ``bench/results/page_latency.json`` with the machine it ran on.
Figures, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, percentiles, table, write_json
from page import handlers, layout
from page import messages as msg
from page.conversation import Conversation
from retriever import Retriever
from tests.page_server import running_page

RESULTS = RESULTS_DIR / "page_latency.json"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


def time_handler(retriever: Retriever, questions: list[str]) -> list[float]:
    seconds = []
    for question in questions:
        started = time.perf_counter()
        conv = handlers.ask(retriever, Conversation(), question)
        handlers.chat_messages(conv)
        seconds.append(time.perf_counter() - started)
    return seconds


def time_api(url: str, questions: list[str], clients: int) -> list[float]:
    """Per-request wall time of ``/search``; ``clients`` > 1 sends them concurrently."""
    from gradio_client import Client

    pool = [Client(url, verbose=False, download_files=False) for _ in range(clients)]

    def one(i: int) -> float:
        started = time.perf_counter()
        pool[i % clients].predict(questions[i], [], [], 5, api_name="/search")
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=clients) as executor:
        return list(executor.map(one, range(len(questions))))


def time_browser(url: str, questions: list[str]) -> list[float]:
    from playwright.sync_api import sync_playwright

    seconds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        box = page.locator("#qa-question textarea")
        for n, question in enumerate(questions):
            box.fill(question)
            started = time.perf_counter()
            box.press("Enter")
            page.locator("#qa-chat .qa-scope").nth(n).wait_for(timeout=120_000)
            seconds.append(time.perf_counter() - started)
        browser.close()
    return seconds


def run(index_dir: Path | None, repeat: int, clients: int, browser: bool) -> dict[str, Any]:
    started = time.perf_counter()
    retriever = Retriever.load(index_dir, progress=False, log=lambda message: None)
    load_s = time.perf_counter() - started
    questions = list(msg.EXAMPLES) * repeat
    handlers.ask(retriever, Conversation(), questions[0])  # warm-up
    results: dict[str, Any] = {"handler": percentiles(time_handler(retriever, questions))}
    with running_page(retriever) as url:
        results["api"] = percentiles(time_api(url, questions, 1))
        results["api_concurrent"] = percentiles(time_api(url, questions, clients))
        if browser:
            results["browser"] = percentiles(time_browser(url, questions))
    return {
        "measured_at": now_utc(),
        "machine": machine_info(),
        "retriever_load_seconds": round(load_s, 2),
        "questions": len(questions),
        "concurrent_clients": clients,
        "queue_concurrency_limit": layout.CONCURRENCY_LIMIT,
        "latency": results,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=None, help="index folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    report = run(args.index, args.repeat, args.clients, not args.no_browser)
    rows = [
        [layer, f["p50_ms"], f["p95_ms"], f["mean_ms"], f["n"]]
        for layer, f in report["latency"].items()
    ]
    print(f"retriever loaded in {report['retriever_load_seconds']} s")
    print(table(rows, ["layer", "p50 ms", "p95 ms", "mean ms", "n"]))
    write_json(args.out, report)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
