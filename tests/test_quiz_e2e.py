"""The 出题 tab in headless Chromium: generate, see the preview, download the sheet."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest
from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from quiz.tab import build_quiz_tab
from tests.page_server import free_port
from tests.quiz_samples import FakeRetriever

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


def test_generate_preview_and_download_in_a_real_browser(tmp_path: Path) -> None:
    with gr.Blocks() as demo, gr.Tab("出题"):
        build_quiz_tab(FakeRetriever())
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="zh-CN", accept_downloads=True)
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("#quiz-generate").click()
            page.get_by_text("道题").wait_for(timeout=60_000)
            preview = page.locator("#quiz-preview")
            assert "【" in preview.inner_text() and "题" in preview.inner_text()
            with page.expect_download(timeout=30_000) as download_info:
                page.locator("#quiz-download-xlsx").click()
            target = tmp_path / "quiz.xlsx"
            download_info.value.save_as(target)
            browser.close()
    finally:
        demo.close()
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("题型", "题干") and len(rows) == 21  # header + the default 20
