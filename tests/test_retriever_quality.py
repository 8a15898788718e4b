"""Retrieval quality: question boilerplate does not drown the topic, and the low-confidence
rule weighs rare words more than common ones.

Hand-built clauses and a stand-in dense source with a fixed cosine, so these run without the
embedding model; the same behaviours on the real corpus are in test_retriever_default.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from corpus.clause import Clause, DocMeta
from index.lexical import LexicalIndex
from index.segment import Segmenter
from retriever import Retriever
from retriever.answer import coverage
from retriever.confidence import COVERAGE_FLOOR, idf_weights, is_low_confidence
from retriever.hit import Filters
from retriever.prepare import strip_question_boilerplate
from tests.index_fakes import item_clause

QINGHAI = DocMeta(doc_id="qinghai-2020", title="青海工作要点", province="青海省", year=2020)
YUNNAN = DocMeta(doc_id="yunnan-2019", title="云南工作要点", province="云南省", year=2019)
TEXTS = [
    (YUNNAN, "3-2", "(二)加强统筹协调。各级要按照“三个必须”要求,落实工作要求,确保要求落实到位。"),
    (YUNNAN, "3-3", "(三)强化照单推动。各部门要按照要求抓好建设规划,明确工作要求。"),
    (YUNNAN, "2-3-6", "6.持續開展消防綜合治理。加強人員密集場所消防安全綜合治理。"),
    (YUNNAN, "2-4-1", "1.配合做好远程监管平台建设。推进城市建设规划和工作落实。"),
    (QINGHAI, "4-24", "24.加大交通运输领域“打非治违”力度。严查“百吨王”。"),
    (QINGHAI, "4-25", "25.加强城市建设规划管理,推进基础设施建设工作。"),
]
SEGMENTER = Segmenter()


def make_clauses() -> list[Clause]:
    return [item_clause(doc, path, text) for doc, path, text in TEXTS]


class FlatEncoder:
    """Every text embeds to the same unit vector: dense search says nothing, so what is
    tested is the lexical side and the coverage rule."""

    name = "flat"
    dim = 4

    def encode_queries(self, texts):
        return np.tile(np.array([1, 0, 0, 0], dtype=np.float32), (len(texts), 1))

    def encode_passages(self, texts, *, progress=False):
        return self.encode_queries(texts)


class BM25Backend:
    """The real lexical index (bm25s + segmenter) and a dense source whose every candidate
    has the cosine ``cosine`` (below the dense floor: only coverage can vouch for a hit)."""

    def __init__(self, clauses: list[Clause], cosine: float = 0.80) -> None:
        self._clauses = tuple(clauses)
        self.manifest: dict = {}
        self.segmenter = SEGMENTER
        self.lexical = LexicalIndex.build([c.text_norm for c in clauses], SEGMENTER)
        self.cosine = cosine

    @property
    def clauses(self):
        return self._clauses

    def _rows(self, filters: Filters) -> np.ndarray:
        return np.array(
            [
                i
                for i, c in enumerate(self._clauses)
                if (not filters.provinces or c.province in filters.provinces)
                and (not filters.years or c.year in filters.years)
            ],
            dtype=np.int64,
        )

    def dense_search(self, query_vector, k, filters):
        return [(self._clauses[i], self.cosine) for i in self._rows(filters)[:k]]

    def lexical_search(self, query_norm, k, filters):
        found = self.lexical.search(query_norm, k, self._rows(filters))
        return [(self._clauses[row], score) for row, score in found]


@pytest.fixture
def retriever() -> Retriever:
    return Retriever(BM25Backend(make_clauses()), FlatEncoder())


# --- question boilerplate -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kept", "gone"),
    [
        ("消防车通道有什么要求", ["消防车", "通道", "消防"], ["要求", "什么", "么要", "道有"]),
        ("两客一危车辆有哪些规定", ["两客一危", "车辆"], ["规定", "哪些", "辆有"]),
        ("如何申请出国签证", ["申请", "签证"], ["如何", "何申"]),
        ("请问百吨王怎么处理", ["百吨王", "处理"], ["请问", "怎么", "王怎"]),
    ],
)
def test_boilerplate_and_the_bigrams_spanning_it_are_not_query_tokens(question, kept, gone):
    tokens = SEGMENTER.tokens(strip_question_boilerplate(question))
    assert all(t in tokens for t in kept), tokens
    assert not any(t in tokens for t in gone), tokens


def test_a_question_that_is_all_boilerplate_is_searched_as_typed():
    assert strip_question_boilerplate("有什么要求") == "有什么要求"


def test_topic_nouns_are_kept_unless_they_follow_a_question_word():
    assert "工作要求" in strip_question_boilerplate("工作要求")
    assert "安全要求" in strip_question_boilerplate("零售店安全要求")
    assert "要求" not in strip_question_boilerplate("消防车通道的要求")


def test_topic_clause_outranks_clauses_matching_only_the_boilerplate(retriever):
    result = retriever.search("消防车通道有什么要求", k=3, province="云南", mode="lexical")
    assert result.hits[0].clause.id == "yunnan-2019:2-3-6"
    assert all("要求" not in h.matched_terms for h in result.hits)


def test_highlighting_shows_the_topic_not_the_question_words(retriever):
    result = retriever.search("统筹协调有什么要求", k=1, mode="lexical")
    top = result.hits[0]
    assert top.clause.id == "yunnan-2019:3-2"
    assert "统筹协调" in top.matched_terms
    assert "要求" not in top.matched_terms


def test_a_two_character_query_word_counts_once_in_bm25():
    # 通道 is both a jieba word and its own bigram; it must weigh what one token weighs.
    index = LexicalIndex.build(["消防车通道畅通", "安全通道", "应急通道管理"], SEGMENTER)
    once = index.bm25.get_scores_from_ids(index.bm25.get_tokens_ids(["通道"]))
    assert np.allclose(index.scores("通道"), once)


# --- IDF-weighted coverage ------------------------------------------------------------------


def test_idf_weights_match_the_bm25_idf_by_hand():
    weights = idf_weights(["建设", "火星"], ["建设规划", "建设工作", "安全建设"])
    assert weights["建设"] == pytest.approx(2 * math.log(1 + 0.5 / 3.5))
    assert weights["火星"] == pytest.approx(2 * math.log(1 + 3.5 / 0.5))


def test_common_words_alone_do_not_cover_a_question():
    clause = make_clauses()[5]  # 加强城市建设规划管理 …
    words = ["火星", "基地", "建设", "规划"]
    texts = [c.text_norm for c in make_clauses()]
    assert coverage(words, clause) == 0.5  # by characters, half the question is "found"
    assert coverage(words, clause, idf_weights(words, texts)) < COVERAGE_FLOOR


def test_off_topic_question_built_of_common_words_is_flagged(retriever):
    assert retriever.search("火星基地建设规划").low_confidence


def test_on_topic_questions_with_weak_cosine_are_trusted_by_their_rare_words(retriever):
    assert not retriever.search("消防综合治理有什么要求").low_confidence
    assert not retriever.search("百吨王").low_confidence


def test_a_word_found_only_outside_the_filters_counts_as_missing(retriever):
    assert not retriever.search("百吨王").low_confidence
    assert retriever.search("百吨王", province="云南").low_confidence


def test_the_rule_needs_both_a_weak_cosine_and_weak_coverage():
    assert is_low_confidence(0.80, COVERAGE_FLOOR - 0.01)
    assert not is_low_confidence(0.80, COVERAGE_FLOOR)
    assert not is_low_confidence(0.95, 0.0)
    assert is_low_confidence(None, COVERAGE_FLOOR - 0.01)
