"""Retake docs/screenshot.png: the page answering one question, in headless Chromium.

    .venv/bin/python docs/make_screenshot.py ["问题"] [OUT.png] [INDEX_DIR]
    .venv/bin/python docs/make_screenshot.py "安全生产法第二十一条" docs/screenshot-laws.png

Serves the real page over the default index on a free local port, asks the question the way
a person would (type, Enter), waits for the answer and writes the PNG atomically. Needs
Debian's ``chromium`` and ``fonts-noto-cjk`` (without the fonts Chinese shows as boxes).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.atomic import atomic_path
from page import build_page, serve
from retriever import Retriever

OUT = Path(__file__).resolve().parent / "screenshot.png"
QUESTION = "青海2020年对消防车通道有什么要求"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shoot(
    demo: Any,
    act: Callable[[Any], None],
    target: Path,
    *,
    height: int = 1100,
    full_page: bool = False,
) -> None:
    """Serve ``demo`` on a free local port, open it in headless Chromium, let ``act`` drive
    the page as a person would, wait for layout, then write the PNG to ``target`` atomically."""
    port = free_port()
    serve(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": height})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_load_state("load")
            act(page)
            page.wait_for_timeout(500)  # let cards, columns or tables finish laying out
            with atomic_path(target) as temp:
                page.screenshot(path=str(temp), type="png", full_page=full_page)
            browser.close()
    finally:
        demo.close()
    print(f"wrote {target}")


def main(question: str = QUESTION, out: str = "", index: str = "") -> None:
    demo = build_page(Retriever.load(Path(index) if index else None, progress=True))

    def ask(page: Any) -> None:
        box = page.locator("#qa-question textarea")
        box.fill(question)
        box.press("Enter")
        page.locator("#qa-chat .qa-scope").first.wait_for(timeout=120_000)

    shoot(demo, ask, Path(out) if out else OUT)


if __name__ == "__main__":
    main(*sys.argv[1:4])
