"""The Retriever over a small in-memory backend: filters, modes, errors, context, threads.

The backend and encoder here are stand-ins (bag-of-characters vectors, bigram overlap) so
these tests check the retriever's own behaviour quickly and without the embedding model;
the same behaviours on the real corpus and model are in test_retriever_default.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from corpus.clause import Clause, DocMeta
from index.segment import Segmenter
from retriever import Retriever
from retriever.confidence import is_low_confidence
from retriever.hit import Filters
from retriever.search import MAX_QUERY_CHARS
from tests.index_fakes import item_clause

QINGHAI = DocMeta(
    doc_id="qinghai-2020", title="青海省安全生产委员会2020年工作要点", province="青海省", year=2020
)
YUNNAN = DocMeta(
    doc_id="yunnan-2019",
    title="云南省安全生產委員會2019年度安全生產工作要點",
    province="云南省",
    year=2019,
)
TEXTS = [
    (QINGHAI, "4-14", "14.开展电气火灾综合治理。加强电动自行车停放充电管理。"),
    (QINGHAI, "4-15", "15.深入开展打通“生命通道”行动。全面开展消防车通道安全隐患排查整治。"),
    (QINGHAI, "4-24", "24.加大交通运输领域“打非治违”力度。严查“百吨王”以及大客车超速。"),
    (YUNNAN, "2-3-5", "5.深化煙花爆竹企業專項整治。堅決關閉“前店后宅”的零售店。"),
    (YUNNAN, "2-3-6", "6.加強消防車通道管理。清理占用消防車通道的車輛。"),
]
DIM = 256
SEGMENTER = Segmenter()


def make_clauses() -> list[Clause]:
    return [item_clause(doc, path, text) for doc, path, text in TEXTS]


class CharEncoder:
    """Bag of characters hashed into DIM buckets, L2-normalised: similar wording, near vectors."""

    name = "char-bag"
    dim = DIM

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for ch in text:
            v[ord(ch) % DIM] += 1
        return v / (np.linalg.norm(v) or 1.0)

    def encode_queries(self, texts):
        self.calls += 1
        return np.stack([self._vec(t) for t in texts])

    def encode_passages(self, texts, *, progress=False):
        return np.stack([self._vec(t) for t in texts])


class MemoryBackend:
    def __init__(self, clauses: list[Clause], encoder: CharEncoder) -> None:
        self._clauses = tuple(clauses)
        self.manifest: dict = {}
        self.segmenter = SEGMENTER
        self.vectors = encoder.encode_passages([c.text_norm for c in clauses])

    @property
    def clauses(self):
        return self._clauses

    def _allowed(self, filters: Filters) -> list[int]:
        return [
            i
            for i, c in enumerate(self._clauses)
            if (not filters.provinces or c.province in filters.provinces)
            and (not filters.years or c.year in filters.years)
        ]

    def dense_search(self, query_vector, k, filters):
        rows = self._allowed(filters)
        scored = sorted(((float(self.vectors[i] @ query_vector), i) for i in rows), reverse=True)
        return [(self._clauses[i], s) for s, i in scored[:k]]

    def lexical_search(self, query_norm, k, filters):
        grams = {query_norm[i : i + 2] for i in range(len(query_norm) - 1)}
        scored = []
        for i in self._allowed(filters):
            score = sum(g in self._clauses[i].text_norm for g in grams)
            if score:
                scored.append((float(score), i))
        scored.sort(reverse=True)
        return [(self._clauses[i], s) for s, i in scored[:k]]


@pytest.fixture
def retriever() -> Retriever:
    encoder = CharEncoder()
    return Retriever(MemoryBackend(make_clauses(), encoder), encoder)


def test_hybrid_hit_carries_both_sources_terms_and_answer(retriever):
    result = retriever.search("消防车通道隐患排查", k=3)
    top = result.hits[0]
    assert top.clause.id == "qinghai-2020:4-15"
    assert [h.rank for h in result.hits] == [1, 2, 3]
    assert set(top.scores) == {"dense", "lexical"} and set(top.ranks) == {"dense", "lexical"}
    assert "消防车通道" in top.matched_terms
    assert top.answer == "全面开展消防车通道安全隐患排查整治。"
    assert result.hits[0].score >= result.hits[1].score >= result.hits[2].score


def test_traditional_clause_is_found_and_shown_in_its_own_script(retriever):
    hit = retriever.search("烟花爆竹零售店", k=1).hits[0]
    assert hit.clause.id == "yunnan-2019:2-3-5"
    assert "煙花爆竹" in hit.matched_terms
    assert hit.answer == "堅決關閉“前店后宅”的零售店。"


def test_filter_in_question_is_applied_and_reported(retriever):
    result = retriever.search("青海2020年消防车通道", k=5)
    assert result.filters.detected == ("青海省", "2020年")
    assert result.query_used == "消防车通道"
    assert result.hits and all(h.clause.province == "青海省" for h in result.hits)


def test_explicit_filters_and_explicit_wins(retriever):
    result = retriever.search("青海 消防车通道", k=5, province="云南")
    assert {h.clause.province for h in result.hits} == {"云南省"}
    assert result.filters.provinces == ("云南省",)
    assert "青海省" not in result.filters.detected
    by_year = retriever.search("消防车通道", k=5, year="2019-2019")
    assert {h.clause.year for h in by_year.hits} == {2019}


def test_detection_can_be_switched_off(retriever):
    result = retriever.search(retriever.prepare("青海 消防车通道", detect=False), k=5)
    assert result.filters == Filters()
    assert {h.clause.province for h in result.hits} == {"青海省", "云南省"}


def test_single_source_modes(retriever):
    dense = retriever.search("百吨王", k=2, mode="dense")
    assert all(set(h.scores) == {"dense"} for h in dense.hits)
    assert dense.hits[0].score == pytest.approx(dense.hits[0].scores["dense"])
    lexical = retriever.search("百吨王", k=2, mode="lexical")
    assert lexical.hits[0].clause.id == "qinghai-2020:4-24"
    assert all(set(h.scores) == {"lexical"} for h in lexical.hits)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "？！。，", "..."])
def test_empty_or_punctuation_query_is_refused(retriever, query):
    with pytest.raises(ValueError, match="empty"):
        retriever.search(query)


@pytest.mark.parametrize(
    "kwargs", [{"mode": "fuzzy"}, {"k": 0}, {"province": "山东"}, {"year": "soon"}]
)
def test_bad_arguments_are_refused_with_the_value(retriever, kwargs):
    with pytest.raises(ValueError):
        retriever.search("消防车通道", **kwargs)


def test_very_long_query_is_truncated_not_fatal(retriever):
    result = retriever.search("消防车通道" * 2000)
    assert result.hits
    assert len(result.query_used) <= MAX_QUERY_CHARS


def test_filter_with_no_matching_clause_gives_no_hits_and_low_confidence(retriever):
    result = retriever.search("消防车通道", year=2023)
    assert result.hits == ()
    assert result.low_confidence


def test_question_about_a_province_without_documents_is_low_confidence(retriever):
    result = retriever.search("广东省消防车通道管理")
    assert result.filters.absent == ("广东省",) and result.filters.provinces == ()
    assert result.hits  # other provinces' clauses are still shown, as possibly related
    assert result.low_confidence
    assert not retriever.search("消防车通道管理").low_confidence


def test_filter_choices_come_from_the_corpus(retriever):
    assert retriever.provinces() == ("青海省", "云南省")
    assert retriever.years() == (2019, 2020)
    assert len(retriever.clauses) == len(TEXTS)


def test_neighbours_stay_in_the_document_and_keep_order(retriever):
    ids = [c.id for c in retriever.neighbours("qinghai-2020:4-15")]
    assert ids == ["qinghai-2020:4-14", "qinghai-2020:4-15", "qinghai-2020:4-24"]
    first = [c.id for c in retriever.neighbours("yunnan-2019:2-3-5", before=3, after=0)]
    assert first == ["yunnan-2019:2-3-5"]
    assert retriever.clause("qinghai-2020:4-24").item == "4-24"
    with pytest.raises(KeyError, match="nope"):
        retriever.clause("nope")


def test_concurrent_searches_give_the_same_results_as_sequential_ones(retriever):
    queries = ["消防车通道", "百吨王", "烟花爆竹零售店", "电动自行车", "青海 消防"] * 8
    expected = [[h.clause.id for h in retriever.search(q).hits] for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: [h.clause.id for h in retriever.search(q).hits], queries))
    assert got == expected


def test_low_confidence_rule():
    # weak dense match and little word overlap: flagged
    assert is_low_confidence(0.70, 0.0)
    # either a strong dense match or most query words found is enough to trust it
    assert not is_low_confidence(0.95, 0.0)
    assert not is_low_confidence(0.70, 1.0)
    # lexical-only mode has no dense score: overlap decides
    assert is_low_confidence(None, 0.2)
    assert not is_low_confidence(None, 0.8)
