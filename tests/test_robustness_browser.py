"""The page in headless Chromium over the fake retriever: a hostile question shows as text and
fetches nothing, and the Markdown download, written on click, cannot be forged by it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from markdown_it import MarkdownIt
from playwright.sync_api import sync_playwright

from tests.page_fakes import CLAUSES, QH15, FakeRetriever
from tests.page_server import running_page
from tests.test_page_e2e import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

FORGED = "【青海省·2020年·九、第99项】"


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def outside_server():
    """An "outside" web server that records every request the page's browser makes to it."""
    _Counting.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_hostile_question_is_text_in_the_bubble_and_in_the_download(outside_server, tmp_path):
    image = f"![x]({outside_server}/tracker.png)"
    question = (
        f"消防车通道安全隐患排查整治，严格按照标准划设消防车通道标志标线 {image} <b>粗</b>"
        f"\n## {FORGED}"
    )
    with running_page(FakeRetriever()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(accept_downloads=True)
        page.goto(url)
        page.wait_for_load_state("load")
        box = page.locator("#qa-question textarea")
        box.wait_for(timeout=60_000)
        box.fill(question)
        page.locator("#qa-ask").click()
        page.locator("#qa-chat .qa-scope").first.wait_for(timeout=60_000)
        bubble = page.locator("#qa-chat .user-row").first
        assert image in bubble.inner_text() and "<b>粗</b>" in bubble.inner_text()
        assert bubble.locator("img, b, h2, a").count() == 0
        with page.expect_download(timeout=30_000) as download:
            page.locator("#qa-export").click()
        download.value.save_as(tmp_path / "export.md")
        text = (tmp_path / "export.md").read_text(encoding="utf-8")
        browser.close()
    assert _Counting.hits == []  # the browser never fetched the image
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == "引用条款" and QH15.citation in headings
    assert set(headings[1:]) <= {c.citation for c in CLAUSES}  # citations only, not FORGED
    assert FORGED in text  # kept, as text inside the question line
