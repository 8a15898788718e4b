"""Retake docs/screenshot-compare.png: the 对比 tab comparing two provinces, in headless Chromium.

    .venv/bin/python docs/make_compare_screenshot.py ["对比问题"]

Serves the real page over the default index on a free local port, opens the 对比 tab, asks
the question the way a person would (type, Enter), waits for the columns and writes the PNG
atomically. Needs Debian's ``chromium`` and ``fonts-noto-cjk``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.atomic import atomic_path
from docs.make_screenshot import CHROMIUM_ARGS, free_port
from page import build_page, serve
from page import messages as msg
from retriever import Retriever

OUT = Path(__file__).resolve().parent / "screenshot-compare.png"
QUESTION = "浙江和云南在危化品方面的要求有什么不同"


def main(question: str = QUESTION) -> None:
    demo = build_page(Retriever.load(progress=True))
    port = free_port()
    serve(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1200})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("tab", name=msg.TAB_COMPARE).click()
            box = page.locator("#qa-compare-question textarea")
            box.fill(question)
            box.press("Enter")
            page.locator("#qa-compare-view .qa-col").first.wait_for(timeout=120_000)
            page.wait_for_timeout(500)  # let the columns finish laying out
            with atomic_path(OUT) as temp:
                page.screenshot(path=str(temp), type="png", full_page=True)
            browser.close()
    finally:
        demo.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
