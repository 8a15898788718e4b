"""The 出题 tab served for real: in headless Chromium (generate, preview, download the sheet)
and a law quiz in the browser (the 问卷星 file downloaded and read back)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest
from openpyxl import load_workbook

from quiz.tab import build_quiz_tab
from tests.exam_readers import read_wjx
from tests.law_samples import law_clauses
from tests.page_server import chromium, serving
from tests.quiz_samples import FakeRetriever, sample_clauses

pytestmark = pytest.mark.e2e


def test_generate_preview_and_download_in_a_real_browser(tmp_path: Path) -> None:
    with gr.Blocks() as demo, gr.Tab("出题"):
        build_quiz_tab(FakeRetriever())
    with serving(demo) as url, chromium() as browser:
        page = browser.new_page(locale="zh-CN", accept_downloads=True)
        page.goto(url)
        page.locator("#quiz-generate").click()
        page.get_by_text("道题").wait_for(timeout=60_000)
        preview = page.locator("#quiz-preview")
        assert "【" in preview.inner_text() and "题" in preview.inner_text()
        with page.expect_download(timeout=30_000) as download_info:
            page.locator("#quiz-download-xlsx").click()
        target = tmp_path / "quiz.xlsx"
        download_info.value.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("题型", "题干") and len(rows) == 21  # header + the default 20


def test_a_law_quiz_through_the_tab_in_a_real_browser_downloads_the_wjx_file(
    tmp_path: Path,
) -> None:
    # The generate event is no API endpoint (its reply holds server paths): a trainer's
    # way in is the browser, so the test goes that way too.
    with gr.Blocks() as demo, gr.Tab("出题"):
        build_quiz_tab(FakeRetriever([*sample_clauses(), *law_clauses()]))
    with serving(demo) as url, chromium() as browser:
        page = browser.new_page(locale="zh-CN", accept_downloads=True)
        page.goto(url)
        page.wait_for_load_state("load")
        laws = page.locator("#quiz-laws input")
        laws.click()
        laws.fill("安全生产法")
        page.get_by_role("option", name="中华人民共和国安全生产法").first.click()
        page.locator("#quiz-chapter textarea, #quiz-chapter input").first.fill("第六章")
        page.locator("#quiz-articles textarea, #quiz-articles input").first.fill("94-114")
        page.locator("#quiz-generate").click()
        page.get_by_text("道题").wait_for(timeout=60_000)
        status = page.locator("#quiz-status").inner_text()
        with page.expect_download(timeout=30_000) as download_info:
            page.locator("#quiz-download-wjx").click()
        wjx = tmp_path / "quiz.wjx.txt"
        download_info.value.save_as(wjx)
        shown = page.locator("#quiz-preview").inner_text()
    assert status.startswith("已从")
    questions = read_wjx(wjx)
    assert questions and all(
        q.citation.startswith("【《中华人民共和国安全生产法》第") for q in questions
    )
    assert all(q.citation in shown for q in questions)  # the file holds what the preview shows
