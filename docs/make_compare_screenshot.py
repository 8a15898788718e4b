"""Retake docs/screenshot-compare.png: the 对比 tab comparing two provinces, in headless Chromium.

    .venv/bin/python docs/make_compare_screenshot.py ["对比问题"]

Serves the real page over the default index on a free local port, opens the 对比 tab, asks
the question the way a person would (type, Enter), waits for the columns and writes the PNG
atomically. Needs Debian's ``chromium`` and ``fonts-noto-cjk``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docs.make_screenshot import shoot
from page import build_page
from page import messages as msg
from retriever import Retriever

OUT = Path(__file__).resolve().parent / "screenshot-compare.png"
QUESTION = "浙江和云南在危化品方面的要求有什么不同"


def main(question: str = QUESTION) -> None:
    demo = build_page(Retriever.load(progress=True))

    def compare(page: Any) -> None:
        page.get_by_role("tab", name=msg.TAB_COMPARE).click()
        box = page.locator("#qa-compare-question textarea")
        box.fill(question)
        box.press("Enter")
        page.locator("#qa-compare-view .qa-col").first.wait_for(timeout=120_000)

    shoot(demo, compare, OUT, height=1200, full_page=True)


if __name__ == "__main__":
    main(*sys.argv[1:2])
