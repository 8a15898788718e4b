"""The real page in headless Chromium: ask, read the cited answer, ask a follow-up."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from page import messages as msg
from tests.page_server import CHROMIUM, CHROMIUM_ARGS, running_page

pytestmark = [pytest.mark.model, pytest.mark.e2e]


@pytest.fixture(scope="module")
def browser_page(default_retriever):
    with running_page(default_retriever) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        page = context.new_page()
        page.goto(url)
        yield page
        browser.close()


def _ask(page, question: str, turns_before: int) -> None:
    """Type a question and wait until its answer (or its "nothing found" notice) is shown."""
    box = page.locator("#qa-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator("#qa-chat .qa-scope").nth(turns_before).wait_for(timeout=60_000)


def test_question_follow_up_and_copy_in_a_real_browser(browser_page):
    page = browser_page
    _ask(page, "青海2020年对消防车通道有什么要求", 0)
    chat = page.locator("#qa-chat")
    first_card_cite = chat.locator(".qa-card .qa-cite").first.inner_text()
    assert first_card_cite.startswith("【青海省·2020年·") and first_card_cite.endswith("第15项】")
    assert chat.locator(".qa-card mark").count() > 0
    assert "消防车通道" in chat.locator(".qa-card mark").all_inner_texts()
    chips = page.locator("#qa-detected")
    assert "青海省" in chips.inner_text() and "2020年" in chips.inner_text()

    chat.locator(".qa-card button.qa-copy").first.click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    assert page.evaluate("navigator.clipboard.readText()") == first_card_cite

    _ask(page, "那云南呢", 1)
    # Whether 云南's clauses count as an answer or only as "可能相关" (collapsed) is the
    # retriever's call; either way the follow-up must have searched 云南 for the same topic.
    assert msg.FOLLOW_UP_NOTE.split("“")[0] in chat.inner_text()
    for header in chat.get_by_text(msg.MAYBE_RELATED).all():
        header.click()
    yunnan = chat.locator(".qa-card .qa-cite", has_text="【云南省·2019年·").first
    yunnan.wait_for(timeout=10_000)
    assert yunnan.is_visible()


def test_punctuation_only_question_gets_a_message(browser_page):
    page = browser_page
    box = page.locator("#qa-question textarea")
    box.fill("？？？")
    box.press("Enter")
    page.get_by_text(msg.PUNCTUATION_ONLY).wait_for(timeout=30_000)
