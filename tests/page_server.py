"""Start the real page on a free local port for the API and browser tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from index.store import open_index
from page import build_page, serve
from retriever import Retriever
from tests.index_fakes import FakeEncoder, make_corpus

#: Debian's Chromium (Playwright cannot download its own browser here) and its flags.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium for a browser test, closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def serving(demo: Any) -> Iterator[str]:
    """``demo`` (a bare ``gr.Blocks``, e.g. one tab) served on a free port; yields its URL."""
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_page(retriever: Any, *, auth: Any = None, **options: Any) -> Iterator[str]:
    """The page over ``retriever`` served in this process; yields its URL, closes it after.

    ``options`` go to ``build_page`` (access, jobs, eval_run, library); ``auth`` to ``serve``."""
    demo = build_page(retriever, **options)
    port = free_port()
    serve(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True, auth=auth)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        demo.jobs.close()


@dataclass(frozen=True)
class SmallIndex:
    """A real ``Retriever`` over a small index (three documents, the fake encoder) at
    ``folder``, built on first call. Picklable, so a job's worker process can open the
    same index the page serves."""

    folder: Path

    def __call__(self) -> Retriever:
        corpus = make_corpus()
        backend = open_index(self.folder, corpus, FakeEncoder(), progress=False, log=lambda m: None)
        return Retriever(backend, FakeEncoder(), corpus)
