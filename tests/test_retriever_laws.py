"""National laws beside provincial documents: named laws and articles, validity, source.

A real local index (FAISS + bm25s) over three hand-made provincial documents and real law
articles from the installed database, embedded with the fake encoder (no model).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.clause import Corpus
from corpus.laws import load_laws
from index.milvus_collection import filter_expression
from index.protocol import Scope
from index.store import open_index
from retriever import Retriever
from tests.index_fakes import FakeEncoder, FixedScoresBackend, make_corpus, make_doc_clauses
from tests.law_samples import law_clauses

AQ21 = "law:安全生产法@2021-06-10:21"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    laws = load_laws(["安全生产法", "消防法", "大气污染防治法"], include_superseded=True)
    return Corpus(make_corpus().clauses + tuple(laws))


@pytest.fixture(scope="module")
def retriever(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    folder: Path = tmp_path_factory.mktemp("laws") / "index"
    encoder = FakeEncoder()
    backend = open_index(folder, corpus, encoder, progress=False, log=lambda m: None)
    return Retriever(backend, encoder, corpus)


@pytest.mark.parametrize(
    "question", ["安全生产法第二十一条", "安全生产法21条", "《安全生产法》第二十一条规定了什么"]
)
def test_a_named_article_comes_first(retriever: Retriever, question: str) -> None:
    result = retriever.search(question, k=5)
    assert result.hits[0].clause.id == AQ21
    assert result.hits[0].citation == "【《中华人民共和国安全生产法》第二十一条】"
    assert "《中华人民共和国安全生产法》" in result.filters.detected
    assert not result.low_confidence


def test_a_named_law_restricts_the_search_to_it(retriever: Retriever) -> None:
    result = retriever.search("消防法对人员密集场所有什么规定", k=8)
    assert result.hits
    assert {h.clause.doc.title for h in result.hits} == {"中华人民共和国消防法"}
    assert any("人员密集场所" in h.clause.text for h in result.hits[:3])


def test_消防法规_is_not_the_law(retriever: Retriever) -> None:
    prepared = retriever.prepare("完善消防法规体系")
    assert prepared.filters.laws == ()


def test_a_province_filter_keeps_national_laws_shown_as_nationwide(retriever: Retriever) -> None:
    result = retriever.search("消防安全专项整治人员密集场所", k=10, province="云南")
    provinces = {h.clause.province for h in result.hits}
    assert provinces <= {"云南省", ""}
    assert "" in provinces  # national articles are in scope in every province …
    national = next(h for h in result.hits if h.clause.doc.national)
    assert national.clause.doc.province_label == "全国"  # … and shown as 全国
    assert result.hits[0].clause.province == "云南省"


def test_a_province_with_a_law_name_asks_about_the_province(retriever: Retriever) -> None:
    prepared = retriever.prepare("青海怎么宣传安全生产法")
    assert prepared.filters.provinces == ("青海省",) and prepared.filters.laws == ()
    assert "安全生产法" in prepared.rest


def test_repealed_texts_answer_only_with_the_switch(retriever: Retriever) -> None:
    question = "大气污染防治 排放 机动车"
    default = retriever.search(question, k=10)
    assert not any(h.clause.doc.status == "已废止" for h in default.hits)
    wider = retriever.search(question, k=10, include_superseded=True)
    repealed = [h for h in wider.hits if h.clause.doc.status == "已废止"]
    assert repealed
    assert "（2018年10月26日版·已废止）" in repealed[0].citation
    assert wider.filters.to_json()["include_superseded"] is True


def test_source_limits_to_provincial_documents_or_to_laws(retriever: Retriever) -> None:
    question = "危险化学品安全 消防 隐患"
    provincial = retriever.search(question, k=10, source="provincial")
    laws = retriever.search(question, k=10, source="laws")
    assert provincial.hits and not any(h.clause.doc.national for h in provincial.hits)
    assert laws.hits and all(h.clause.doc.national for h in laws.hits)
    with pytest.raises(ValueError, match="source"):
        retriever.search(question, source="everything")


@pytest.mark.parametrize(
    "scope",
    [
        Scope(),
        Scope(statuses=()),
        Scope(provinces=("青海省",)),
        Scope(years=(2020,), source="provincial"),
        Scope(source="laws", statuses=()),
        Scope(laws=("law-消防法",), provinces=("云南省",)),
    ],
)
def test_local_rows_match_the_scope_definition(retriever: Retriever, scope: Scope) -> None:
    backend = retriever.backend
    rows = backend.rows(scope)
    allowed = [i for i, c in enumerate(backend.clauses) if scope.allows(c)]
    assert (list(range(len(backend.clauses))) if rows is None else list(rows)) == allowed


def test_milvus_expression_keeps_national_laws_and_filters_status() -> None:
    expression = filter_expression(Scope(provinces=("青海省",), laws=("law-消防法",)))
    assert '(province in ["青海省"] or national == true)' in expression
    assert 'status in ["现行有效", "已被修改"]' in expression
    assert 'doc_id in ["law-消防法"]' in expression
    assert filter_expression(Scope(statuses=())) == ""


def scoped_fixed_backend() -> FixedScoresBackend:
    """Two 青海 items and three national articles with fixed scores, filtered by scope: the
    articles sit close to the items on the dense side and spread far on BM25."""
    return FixedScoresBackend(
        make_doc_clauses("qinghai-2020")[:2] + law_clauses()[:3],
        dense=(0.90, 0.80, 0.86, 0.85, 0.84),
        lexical=(10.0, 11.0, 40.0, 1.0, 1.0),
    )


def test_laws_in_the_index_do_not_reorder_a_provinces_items() -> None:
    # Fused over all five, the articles' spread decides the two items' order: dense z
    # ±1.55 against BM25 z −0.18 / −0.11 puts item 1 first. Fused over the items alone (as
    # without laws) both sides give ±1 and BM25's 0.6 share puts item 2 first. A question
    # about 青海 must list 青海's items as it did before the laws came, then the articles.
    backend = scoped_fixed_backend()
    retriever = Retriever(backend, FakeEncoder(), Corpus(backend.clauses))
    first, second = backend.clauses[:2]
    alone = retriever.search("消防车通道", k=5, province="青海", source="provincial")
    assert [h.clause.id for h in alone.hits] == [second.id, first.id]
    mixed = retriever.search("消防车通道", k=5, province="青海")
    assert [h.clause.id for h in mixed.hits][:2] == [second.id, first.id]
    assert [h.clause.doc.province_label for h in mixed.hits[2:]] == ["全国"] * 3
