"""Retake docs/screenshot-quiz.png: the 出题 tab with a law quiz generated, in headless Chromium.

    .venv/bin/python docs/make_quiz_screenshot.py [OUT.png] [INDEX_DIR]

Serves the real page over the default index, opens the 出题 tab, picks 安全生产法 as a
trainer would, generates the quiz and writes the PNG atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.atomic import atomic_path
from docs.make_screenshot import CHROMIUM_ARGS, free_port
from page import build_page, serve
from retriever import Retriever

OUT = Path(__file__).resolve().parent / "screenshot-quiz.png"


def main(out: str = "", index: str = "") -> None:
    target = Path(out) if out else OUT
    demo = build_page(Retriever.load(Path(index) if index else None, progress=True))
    port = free_port()
    serve(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1300})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("tab", name="出题").click()
            laws = page.locator("#quiz-laws input")
            laws.click()
            laws.fill("安全生产法")
            page.get_by_role("option", name="中华人民共和国安全生产法").first.click()
            page.locator("#quiz-generate").click()
            page.get_by_text("道题").wait_for(timeout=120_000)
            page.wait_for_timeout(500)  # let the preview table lay out
            with atomic_path(target) as temp:
                page.screenshot(path=str(temp), type="png")
            browser.close()
    finally:
        demo.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
