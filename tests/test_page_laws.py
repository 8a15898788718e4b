"""The page with national laws: law cards, the validity switch, law chips (real Retriever,
a small real index of hand-made provincial clauses and real law articles, fake encoder)."""

from __future__ import annotations

import pytest

from corpus.clause import Corpus
from corpus.laws import load_laws
from index.store import open_index
from page import handlers
from page import messages as msg
from page.conversation import Conversation
from retriever import Retriever
from tests.index_fakes import FakeEncoder, make_corpus


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    laws = load_laws(["安全生产法", "消防法", "刑法", "大气污染防治法"], include_superseded=True)
    corpus = Corpus(make_corpus().clauses + tuple(laws))
    encoder = FakeEncoder()
    folder = tmp_path_factory.mktemp("page-laws") / "index"
    return Retriever(
        open_index(folder, corpus, encoder, progress=False, log=print), encoder, corpus
    )


def _answer(conv: Conversation) -> str:
    return "".join(m["content"] for m in handlers.chat_messages(conv))


def test_a_law_card_shows_law_chapter_article_scope_status_and_date(retriever) -> None:
    conv = handlers.ask(retriever, Conversation(), "安全生产法第二十一条")
    html = _answer(conv)
    assert "【《中华人民共和国安全生产法》第二十一条】" in html
    assert "第二章 生产经营单位的安全生产保障" in html
    assert f"{msg.CARD_SCOPE}：全国" in html
    assert f"{msg.CARD_EFFECTIVE}：2002-11-01" in html
    assert '<span class="qa-status">现行有效</span>' in html


def test_the_amended_criminal_law_is_labelled(retriever) -> None:
    html = _answer(handlers.ask(retriever, Conversation(), "刑法第一百三十四条"))
    assert "【《中华人民共和国刑法》第一百三十四条】" in html
    assert msg.CARD_AMENDED in html and "qa-amended" in html


def test_repealed_texts_need_the_switch_and_are_shown_in_red(retriever) -> None:
    question = "大气污染防治法 机动车排放"
    default = handlers.ask(retriever, Conversation(), question)
    assert "已废止" not in _answer(default)
    wider = handlers.ask(retriever, Conversation(), question, include_superseded=True)
    html = _answer(wider)
    assert 'qa-status qa-superseded">已废止（2018-10-26版本' in html
    assert msg.WITH_SUPERSEDED in html


def test_a_law_chip_can_be_unticked_to_search_everything_again(retriever) -> None:
    conv = handlers.ask(retriever, Conversation(), "消防法对人员密集场所有什么规定", k=8)
    label = "《中华人民共和国消防法》"
    assert label in handlers.chips(conv)
    hits = conv.turns[-1].result.hits
    assert {h.clause.doc.title for h in hits} == {"中华人民共和国消防法"}
    wider = handlers.refine(retriever, conv, [], k=8)
    assert wider.turns[-1].result.filters.laws == ()
    assert "消防法" not in wider.turns[-1].query.topic


def test_only_provincial_documents_switch(retriever) -> None:
    conv = handlers.ask(retriever, Conversation(), "消防安全专项整治", source="provincial")
    result = conv.turns[-1].result
    assert result.hits and not any(h.clause.doc.national for h in result.hits)
    assert msg.SOURCE_NAMES["provincial"] in _answer(conv)


def test_search_api_reports_status_and_jurisdiction(retriever) -> None:
    data = handlers.search_api(retriever, "安全生产法21条", k=3)
    first = data["hits"][0]
    assert first["citation"] == "【《中华人民共和国安全生产法》第二十一条】"
    assert first["jurisdiction"] == "全国" and first["status"] == "现行有效"
    assert data["filters"]["laws"] == ["law-安全生产法"]
