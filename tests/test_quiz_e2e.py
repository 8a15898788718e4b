"""The 出题 tab served for real: in headless Chromium (generate, preview, download the sheet)
and through its API (a law quiz, every exam file downloaded and read back)."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import gradio as gr
import pytest
from gradio_client import Client
from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from quiz.export import FILE_NAMES
from quiz.tab import build_quiz_tab
from tests.exam_readers import read_wjx
from tests.law_samples import law_clauses
from tests.page_server import free_port
from tests.quiz_samples import FakeRetriever, sample_clauses

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


def test_a_law_quiz_through_the_tab_api_offers_every_exam_file(tmp_path: Path) -> None:
    with gr.Blocks() as demo, gr.Tab("出题"):
        build_quiz_tab(FakeRetriever([*sample_clauses(), *law_clauses()]))
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", download_files=False, verbose=False)
        message, preview, *buttons = client.predict(
            [], [], [], "", "", "", ["cloze", "multi", "source"], 6, 3,
            ["中华人民共和国安全生产法"], "第六章", "94-114", False,
            api_name="/generate_quiz",
        )  # fmt: skip
        files = {b["value"]["orig_name"]: b["value"]["url"] for b in buttons if b.get("value")}
        wjx = tmp_path / "quiz.wjx.txt"
        with urllib.request.urlopen(files["quiz.wjx.txt"], timeout=30) as response:
            wjx.write_bytes(response.read())
    finally:
        demo.close()
    assert message.startswith("已从") and "6 道题" in message
    assert sorted(files) == sorted(FILE_NAMES.values())
    questions = read_wjx(wjx)
    assert [q.citation for q in questions] == [row[6] for row in preview["data"]]
    assert all(q.citation.startswith("【") for q in questions)
    assert {q.kind for q in questions} == {"填空题", "多选题", "单选题"}
