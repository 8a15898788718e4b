"""Downloading the cited clauses of a conversation as Markdown."""

from __future__ import annotations

from page import export, handlers
from page import messages as msg
from page.conversation import Conversation
from tests.page_fakes import QH15, FakeRetriever


def test_markdown_lists_each_cited_clause_once_with_its_questions(tmp_path):
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海消防车通道", k=1)
    conv = handlers.ask(fake, conv, "青海消防车通道标志标线", k=1)
    text = export.markdown(conv)
    assert text.count("## 【青海省·2020年·第15项】") == 1
    assert "青海消防车通道；青海消防车通道标志标线" in text
    assert f"> {QH15.text}" in text and QH15.title in text


def test_weak_matches_and_refusals_are_not_exported():
    conv = handlers.ask(FakeRetriever(low=True), Conversation(), "航天发射场")
    conv = handlers.ask(FakeRetriever(), conv, "")
    assert export.cited(conv) == []
    assert msg.EXPORT_EMPTY in export.markdown(conv)


def test_write_markdown_leaves_one_complete_file(tmp_path):
    conv = handlers.ask(FakeRetriever(), Conversation(), "青海消防车通道", k=2)
    path = export.write_markdown(conv, tmp_path)
    assert path.parent == tmp_path and path.suffix == ".md"
    assert path.read_text(encoding="utf-8") == export.markdown(conv)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
