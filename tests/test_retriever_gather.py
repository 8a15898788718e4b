"""Gathered answers: which clauses give a point, one per clause, no repeats, by relevance."""

from __future__ import annotations

from corpus.clause import DocMeta
from retriever.gather import gathered, near_duplicate, strong_hits
from retriever.hit import Filters, Hit, SearchResult
from tests.index_fakes import item_clause

HENAN = DocMeta(doc_id="henan-2023", title="河南会议", province="河南省", year=2023)
SICHUAN = DocMeta(doc_id="sichuan-2018", title="四川简报", province="四川省", year=2018)
QINGHAI = DocMeta(doc_id="qinghai-2020", title="青海要点", province="青海省", year=2020)


def _hit(doc, path, sentence, cosine, cover, rank):
    clause = item_clause(doc, path, sentence)
    return Hit(clause=clause, rank=rank, score=1.0 / rank, scores={"dense": cosine},
               answer=sentence, coverage=cover)  # fmt: skip


def _result(*hits, low=False):
    return SearchResult(query="q", filters=Filters(), hits=tuple(hits), low_confidence=low)


def test_points_from_several_documents_each_cited_in_ranking_order():
    hits = (
        _hit(HENAN, "p2", "当前冬春防控紧要期，要防范火灾风险。", 0.924, 1.0, 1),
        _hit(HENAN, "p3", "加强风险研判，严防非法生产。", 0.921, 0.26, 2),
        _hit(QINGHAI, "2-8", "研究制定考核办法。", 0.882, 0.35, 3),  # weak: far from the best
        _hit(SICHUAN, "p2", "结合冬季安全生产规律，全力化解安全风险。", 0.904, 0.18, 4),
    )
    points = gathered(_result(*hits))
    assert [p.citation for p in points] == [hits[0].citation, hits[1].citation, hits[3].citation]
    assert len({p.hit.clause.doc.doc_id for p in points}) == 2


def test_one_document_keeps_its_one_sentence():
    hits = (
        _hit(QINGHAI, "3-15", "全面开展消防车通道安全隐患排查整治。", 0.897, 1.0, 1),
        _hit(QINGHAI, "4-25", "重点整治疏散通道不畅通。", 0.862, 0.36, 2),
    )
    points = gathered(_result(*hits))
    assert [p.sentence for p in points] == ["全面开展消防车通道安全隐患排查整治。"]


def test_a_repeated_sentence_is_listed_once_and_a_low_confidence_result_has_no_points():
    hits = (
        _hit(HENAN, "p1", "要严格管控野外火源，强化应急准备。", 0.92, 1.0, 1),
        _hit(SICHUAN, "p1", "要严格管控野外火源,强化应急准备!", 0.92, 1.0, 2),
        _hit(SICHUAN, "p4", "细化乡镇安全生产监督管理工作机制。", 0.91, 0.5, 3),
    )
    points = gathered(_result(*hits))
    assert [p.hit.clause.id for p in points] == [hits[0].clause.id, hits[2].clause.id]
    assert gathered(_result(*hits, low=True)) == ()
    assert strong_hits(_result(*hits, low=True)) == ()


def test_near_duplicates_across_scripts():
    assert near_duplicate("加強應急準備。", "加强应急准备")
    assert not near_duplicate("加强应急准备。", "细化乡镇监督管理工作机制。")
