"""The conversation's gathered answers as Word and Excel tables (real Retriever, small index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from index.store import open_index
from page import answers_export, handlers
from page import messages as msg
from page.conversation import Conversation
from retriever.search import Retriever
from tests.index_fakes import FakeEncoder, make_corpus


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    corpus = make_corpus()
    encoder = FakeEncoder()
    folder = tmp_path_factory.mktemp("answers-index") / "index"
    return Retriever(
        open_index(folder, corpus, encoder, progress=False, log=lambda _: None), encoder
    )


def _conversation(retriever: Retriever) -> Conversation:
    conv = handlers.ask(retriever, Conversation(), "超限超载整治有什么要求")
    conv = handlers.ask(retriever, conv, "火星基地建设规划")  # off-topic: not an answer
    return handlers.ask(retriever, conv, "=危险化学品安全综合治理")


def test_rows_hold_each_answered_question_with_cited_points(retriever):
    conv = _conversation(retriever)
    rows = answers_export.answer_rows(conv)
    questions = {row[0] for row in rows}
    assert "超限超载整治有什么要求" in questions and "火星基地建设规划" not in questions
    answered = [t for t in conv.turns if t.answered]
    cited = {h.citation for t in answered for h in t.result.hits}
    assert rows and all(row[2] in cited and row[2].startswith("【") for row in rows)


def test_word_and_excel_tables_hold_the_citations(retriever, tmp_path: Path):
    conv = _conversation(retriever)
    rows = answers_export.answer_rows(conv)
    docx_path = answers_export.write_docx(conv, tmp_path)
    table = Document(str(docx_path)).tables[0]
    assert [c.text for c in table.rows[0].cells] == list(msg.ANSWERS_COLUMNS)
    assert [tuple(c.text for c in r.cells) for r in table.rows[1:]] == rows
    sheet = load_workbook(answers_export.write_xlsx(conv, tmp_path)).active
    values = [tuple(c.value for c in r) for r in sheet.iter_rows()]
    assert values[0] == msg.ANSWERS_COLUMNS and values[1:] == rows
    formula = [c for r in sheet.iter_rows() for c in r if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)  # text, not a formula
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
