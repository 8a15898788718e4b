"""The 对比 tab in headless Chromium: compare two provinces, follow up, download the .docx."""

from __future__ import annotations

import pytest
from docx import Document
from playwright.sync_api import sync_playwright

from page import messages as msg
from tests.page_server import CHROMIUM, CHROMIUM_ARGS, running_page

pytestmark = [pytest.mark.model, pytest.mark.e2e]


def _compare(page, question: str) -> None:
    """Type the first comparison and wait until the view shows it (its scope line)."""
    box = page.locator("#qa-compare-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator("#qa-compare-view .qa-col").first.wait_for(timeout=60_000)


def test_compare_two_provinces_follow_up_and_download_the_docx(default_retriever, tmp_path):
    with running_page(default_retriever) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_role("tab", name=msg.TAB_COMPARE).click()
        _compare(page, "浙江和云南在危化品方面的要求有什么不同")
        view = page.locator("#qa-compare-view")
        heads = view.locator(".qa-col-head").all_inner_texts()
        assert heads[:2] == ["浙江省", "云南省"]
        citations = view.locator(".qa-col .qa-cite").all_inner_texts()
        assert any(c.startswith("【浙江省·2021年·") for c in citations)
        assert any(c.startswith("【云南省·2019年·") for c in citations)
        assert view.locator("mark.qa-diff").count() > 0

        with page.expect_download(timeout=30_000) as info:
            page.locator("#qa-compare-docx").click()
        saved = tmp_path / "compare.docx"
        info.value.save_as(saved)
        cells = "\n".join(c.text for row in Document(str(saved)).tables[0].rows for c in row.cells)
        for citation in citations:
            assert citation in cells

        box = page.locator("#qa-compare-question textarea")
        box.fill("再加上河南")
        box.press("Enter")
        view.locator(".qa-col-head", has_text="河南省").wait_for(timeout=60_000)
        assert view.locator(".qa-col-head").all_inner_texts()[:3] == ["浙江省", "云南省", "河南省"]
        browser.close()
