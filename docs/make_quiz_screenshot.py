"""Retake docs/screenshot-quiz.png: the 出题 tab with a law quiz generated, in headless Chromium.

    .venv/bin/python docs/make_quiz_screenshot.py [OUT.png] [INDEX_DIR]

Serves the real page over the default index, opens the 出题 tab, picks 安全生产法 as a
trainer would, generates the quiz and writes the PNG atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docs.make_screenshot import shoot
from page import build_page
from retriever import Retriever

OUT = Path(__file__).resolve().parent / "screenshot-quiz.png"


def main(out: str = "", index: str = "") -> None:
    demo = build_page(Retriever.load(Path(index) if index else None, progress=True))

    def generate(page: Any) -> None:
        page.get_by_role("tab", name="出题").click()
        laws = page.locator("#quiz-laws input")
        laws.click()
        laws.fill("安全生产法")
        page.get_by_role("option", name="中华人民共和国安全生产法").first.click()
        page.locator("#quiz-generate").click()
        page.get_by_text("道题").wait_for(timeout=120_000)

    shoot(demo, generate, Path(out) if out else OUT, height=1300)


if __name__ == "__main__":
    main(*sys.argv[1:3])
