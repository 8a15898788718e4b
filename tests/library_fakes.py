"""A small real library stack for the 文件库 tests: default corpus + a library in
``tmp_path``, a real index (FakeEncoder: no model) and a real :class:`Retriever`, wrapped in
the :class:`page.library_service.LibraryService` the page uses."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from corpus.clause import Corpus
from corpus.library import Library
from encoder.protocol import Encoder
from index.store import open_index
from page.access import Access
from page.library_service import LibraryService
from retriever.search import Retriever
from tests.index_fakes import FakeEncoder

#: A provincial 工作要点 on a topic no default document covers (drone emergency mapping).
DRONE_TITLE = "甘肃省应急管理厅2024年无人机应急测绘工作要点"
DRONE_LINES = (
    DRONE_TITLE,
    "甘应急〔2024〕7号",
    "一、无人机航测保障",
    "1.组建无人机应急测绘分队，灾后2小时内完成重点区域倾斜摄影建模。",
    "2.每季度开展一次无人机夜间搜救演练，配备热成像吊舱和喊话器。",
    "二、测绘成果共享",
    "3.航测成果24小时内推送至省级应急指挥平台，供抢险救援调度使用。",
)
#: A question only that document answers, and the citation of its answer.
DRONE_QUESTION = "无人机夜间搜救演练多久开展一次"
DRONE_CITATION = "【甘肃省·2024年·一、第2项】"


def docx_bytes(lines: tuple[str, ...] = DRONE_LINES) -> bytes:
    """A .docx made here with python-docx, one paragraph per line."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_service(tmp_path: Path, access: Access | None = None, **kwargs) -> LibraryService:
    """The stack over ``tmp_path/library`` and ``tmp_path/index`` (built now)."""
    library = Library(tmp_path / "library")
    encoder: Encoder = FakeEncoder()
    index_dir = tmp_path / "index"

    def open_store(corpus: Corpus, enc: Encoder):
        return open_index(index_dir, corpus, enc, progress=False, log=lambda _: None)

    corpus = library.corpus()
    retriever = Retriever(open_store(corpus, encoder), encoder, corpus)
    return LibraryService.start(retriever, library, open_store, access=access, **kwargs)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: "byte-identical" made checkable."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
