"""The 文件库 tab in headless Chromium over a real page, index and retriever (FakeEncoder):
upload a .docx made here, confirm, wait for 可检索, ask, delete, ask again; retire and find
with the switch; a logged-in non-administrator does not see the tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from page import messages as msg
from page.access import Access
from tests.library_fakes import (
    DRONE_CITATION,
    DRONE_QUESTION,
    DRONE_TITLE,
    docx_bytes,
    make_service,
)
from tests.page_server import CHROMIUM, CHROMIUM_ARGS, running_page

pytestmark = pytest.mark.e2e

WAIT = 60_000


@pytest.fixture
def service(tmp_path: Path):
    made = make_service(tmp_path)
    yield made
    made.jobs.close()


def _browser_page(p, url: str) -> Page:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return page


def _tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _ask(page: Page, question: str, turns_before: int) -> list[str]:
    """Ask on the 问答 tab; the citations of the cards of this answer."""
    _tab(page, msg.TAB_QA)
    cards = page.locator("#qa-chat .qa-card .qa-cite")
    for header in page.locator("#qa-chat").get_by_text(msg.MAYBE_RELATED).all():
        header.click()  # open earlier collapsed answers first, so the count below is complete
    shown_before = cards.count()
    box = page.locator("#qa-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator("#qa-chat .qa-scope").nth(turns_before).wait_for(timeout=WAIT)
    page.wait_for_timeout(300)
    for header in page.locator("#qa-chat").get_by_text(msg.MAYBE_RELATED).all()[-1:]:
        header.click()
    page.wait_for_timeout(300)
    return cards.all_inner_texts()[shown_before:]


def _row(page: Page, title: str):
    return page.locator("#lib-table [role=row]").filter(has_text=title)


def _select(page: Page, title: str) -> None:
    """Click the document's row in the table (the select event picks it for the actions)."""
    _row(page, title).locator("[role=gridcell]").first.click()
    expect(page.locator("#lib-selected")).to_contain_text(title, timeout=WAIT)


def test_upload_confirm_search_delete_in_a_real_browser(service, tmp_path: Path):
    upload = tmp_path / "甘肃省无人机应急测绘工作要点.docx"
    upload.write_bytes(docx_bytes())
    with running_page(service.live, library=service) as url, sync_playwright() as p:
        page = _browser_page(p, url)
        assert DRONE_CITATION not in _ask(page, DRONE_QUESTION, 0)

        _tab(page, msg.TAB_LIBRARY)
        page.locator("#lib-files input[type=file]").set_input_files(str(upload))
        page.locator("#lib-files").get_by_text(upload.name).wait_for(timeout=WAIT)
        page.locator("#lib-check").click()
        report = page.locator("#lib-report")
        expect(report).to_contain_text("检查结果", timeout=WAIT)
        expect(report).to_contain_text(DRONE_CITATION)
        expect(page.locator("#lib-form-province textarea")).to_have_value("甘肃省")
        expect(page.locator("#lib-form-doc_number textarea")).to_have_value("甘应急〔2024〕7号")
        page.locator("#lib-form-issuer textarea").fill("甘肃省应急管理厅")  # confirm / correct
        page.locator("#lib-confirm").click()
        expect(page.locator("#lib-notice")).to_contain_text("已加入文件库", timeout=WAIT)
        expect(_row(page, DRONE_TITLE)).to_contain_text(msg.STATE_SEARCHABLE, timeout=WAIT)
        expect(page.locator("#lib-status")).to_contain_text("索引已更新", timeout=WAIT)

        cites = _ask(page, DRONE_QUESTION, 1)
        assert cites and cites[0] == DRONE_CITATION

        _tab(page, msg.TAB_LIBRARY)
        _select(page, DRONE_TITLE)
        expect(page.locator("#lib-selected")).to_contain_text("已选择", timeout=WAIT)
        page.locator("#lib-delete").click()
        expect(page.locator("#lib-done")).to_contain_text(msg.LIB_CONFIRM_DELETE, timeout=WAIT)
        page.locator("#lib-sure input").check()
        page.locator("#lib-delete").click()
        expect(page.locator("#lib-done")).to_contain_text("已删除", timeout=WAIT)
        expect(_row(page, DRONE_TITLE)).to_have_count(0, timeout=WAIT)

        assert DRONE_CITATION not in _ask(page, DRONE_QUESTION, 2)
        assert service.library.entries() == []


def test_retired_document_is_hidden_by_default_and_found_with_the_switch(service):
    service.add(service.check(docx_bytes(), "drone.docx"), {})
    assert service.wait_indexed(60)
    with running_page(service.live, library=service) as url, sync_playwright() as p:
        page = _browser_page(p, url)
        _tab(page, msg.TAB_LIBRARY)
        _select(page, DRONE_TITLE)
        expect(page.locator("#lib-selected")).to_contain_text("已选择", timeout=WAIT)
        page.locator("#lib-retire").click()
        expect(page.locator("#lib-done")).to_contain_text("已废止", timeout=WAIT)
        expect(_row(page, DRONE_TITLE)).to_contain_text("需打开", timeout=WAIT)

        assert DRONE_CITATION not in _ask(page, DRONE_QUESTION, 0)
        page.locator("#qa-superseded input").check()
        cites = _ask(page, DRONE_QUESTION, 1)
        assert cites[0] == DRONE_CITATION
        expect(page.locator("#qa-chat .qa-status.qa-superseded").first).to_contain_text("已废止")


@pytest.mark.parametrize(
    ("user", "password", "sees"), [("clerk", "pw2", False), ("boss", "pw1", True)]
)
def test_library_tab_is_shown_only_to_administrators(tmp_path: Path, user, password, sees):
    access = Access(login=("boss", "pw1"), admins=frozenset({"boss"}))
    service = make_service(tmp_path, access)
    try:
        with (
            running_page(
                service.live, library=service, auth=[("boss", "pw1"), ("clerk", "pw2")]
            ) as url,
            sync_playwright() as p,
        ):
            page = _browser_page(p, url)
            page.locator("input[type=text], input[name=username]").first.fill(user)
            page.locator("input[type=password]").first.fill(password)
            page.locator("input[type=password]").first.press("Enter")
            page.get_by_role("tab", name=msg.TAB_QA).wait_for(timeout=WAIT)
            page.locator("#qa-question textarea").wait_for(timeout=WAIT)
            page.wait_for_timeout(1500)  # the page's load event decides the tab's visibility
            library_tab = page.get_by_role("tab", name=msg.TAB_LIBRARY)
            if sees:
                expect(library_tab).to_be_visible(timeout=WAIT)
            else:
                expect(library_tab).to_have_count(0, timeout=WAIT)
    finally:
        service.jobs.close()
