"""Retake docs/screenshot-library.png: the 文件库 tab with an upload checked, in headless Chromium.

    .venv/bin/python docs/make_library_screenshot.py

Builds a throw-away library (two documents, one of them retired) and index in a temporary
folder with the real model, serves the real page over them, uploads a third document on the
文件库 tab, clicks 检查文件 and photographs the table, the ingest report and the prefilled
form. Nothing outside the temporary folder is touched. Needs Debian's ``chromium`` and
``fonts-noto-cjk``.
"""

from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.atomic import atomic_path
from corpus.clause import REPEALED
from corpus.library import Library
from index.backend import open_backend
from page import build_page, serve
from page.library_service import LibraryService
from retriever import Retriever

OUT = Path(__file__).resolve().parent / "screenshot-library.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
DOCUMENTS = {
    "甘肃无人机测绘要点.txt": (
        "甘肃省应急管理厅2024年无人机应急测绘工作要点\n甘应急〔2024〕7号\n一、无人机航测保障\n"
        "1.组建无人机应急测绘分队，灾后2小时内完成重点区域倾斜摄影建模。\n"
        "2.每季度开展一次无人机夜间搜救演练，配备热成像吊舱和喊话器。\n"
    ),
    "西藏冰湖防范要点.txt": (
        "西藏自治区应急管理厅2023年高原冰湖溃决防范工作要点\n一、冰湖监测\n"
        "1.对海拔5000米以上冰湖布设水位雷达，汛期每日两次回传数据。\n"
    ),
}
UPLOAD = (
    "贵州省安全生产委员会办公室\n黔安办〔2024〕12号\n贵州省2024年山区道路客运安全工作要点\n"
    "一、车辆与驾驶人\n1.客运车辆全部安装智能视频监控，疲劳驾驶报警5分钟内处置。\n"
    "2.山区线路驾驶人每年参加一次急弯陡坡实车培训。\n二、道路条件\n"
    "3.临水临崖路段2024年底前完成护栏加装。\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="policy-qa-shot-") as scratch:
        root = Path(scratch)
        library = Library(root / "library")
        for name, text in DOCUMENTS.items():
            entry = library.add(library.check(text.encode("utf-8"), name))
        library.set_status(entry.doc_id, REPEALED)
        retriever = Retriever.load(root / "index", library=library.folder, progress=True)

        def open_store(corpus, encoder):  # type: ignore[no-untyped-def]
            return open_backend("local", corpus, encoder, index_dir=root / "index", progress=False)

        service = LibraryService.start(retriever, library, open_store)
        upload = root / "贵州山区道路客运要点.txt"
        upload.write_text(UPLOAD, encoding="gb18030")  # any encoding
        demo = build_page(service.live, library=service)
        port = free_port()
        serve(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_load_state("load")
                page.get_by_role("tab", name="文件库").click()
                page.locator("#lib-files input[type=file]").set_input_files(str(upload))
                page.locator("#lib-files").get_by_text(upload.name).wait_for(timeout=60_000)
                page.locator("#lib-check").click()
                page.locator("#lib-report").get_by_text("检查结果").wait_for(timeout=60_000)
                page.wait_for_timeout(800)
                box = page.locator("#lib-confirm").bounding_box() or {"y": 1600, "height": 40}
                clip = {"x": 0, "y": 0, "width": 1400, "height": box["y"] + box["height"] + 24}
                with atomic_path(OUT) as temp:
                    page.screenshot(path=str(temp), type="png", full_page=True, clip=clip)
                browser.close()
        finally:
            demo.close()
            service.jobs.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
