"""LexicalIndex: BM25 over segmented Simplified text, filters, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.script import to_simplified
from index.lexical import LexicalIndex, top_k
from index.segment import Segmenter

TEXTS = [
    "深入开展“百吨王”等超限超载专项整治，严厉打击非法改装行为。",
    "6月底前完成全省150座以上危险隧道的排查整治。",
    "持续推进“两客一危”车辆动态监控，确保重点车辆上线率达到100%。",
    "加強道路運輸安全管理，嚴厲打擊客車超員、貨車超載行為。",
    "強化煤礦安全監管，事故起數下降20%。",
    "推进百吨以上货车治理，王某某负责",  # has 百吨 and 王, not the term 百吨王
]


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    norm = [to_simplified(t) for t in TEXTS]
    return LexicalIndex.build(norm, Segmenter.from_texts(norm))


def test_exact_user_term_ranks_its_clause_first(lexical: LexicalIndex) -> None:
    assert lexical.search("百吨王", 3)[0][0] == 0
    assert lexical.search("两客一危", 3)[0][0] == 2


def test_numbers_are_searchable(lexical: LexicalIndex) -> None:
    assert lexical.search("150座", 3)[0][0] == 1
    assert lexical.search("6月底", 3)[0][0] == 1
    assert lexical.search("20%", 3)[0][0] == 4


def test_traditional_clause_found_by_simplified_query(lexical: LexicalIndex) -> None:
    rows = [row for row, _ in lexical.search("严厉打击客车超员", 3)]
    assert rows[0] == 3


def test_only_matching_rows_are_returned(lexical: LexicalIndex) -> None:
    found = lexical.search("煤矿", 10)
    assert [row for row, _ in found] == [4]
    assert all(score > 0 for _, score in found)
    assert lexical.search("完全无关的词语ＸＹＺ", 10) == []
    assert lexical.search("", 10) == []


def test_rows_restrict_results_but_still_fill_k(lexical: LexicalIndex) -> None:
    unfiltered = [row for row, _ in lexical.search("整治", 10)]
    assert 0 in unfiltered and 1 in unfiltered
    filtered = lexical.search("整治", 10, rows=np.array([1, 3, 4]))
    assert [row for row, _ in filtered] == [1]
    assert lexical.search("整治", 10, rows=np.array([], dtype=np.int64)) == []


def test_save_load_round_trip_gives_identical_results(
    lexical: LexicalIndex, tmp_path: Path
) -> None:
    lexical.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.segmenter.user_terms == lexical.segmenter.user_terms
    for query in ("百吨王", "150座隧道", "安全监管", "超载"):
        assert loaded.search(query, 5) == lexical.search(query, 5)
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "lexical").iterdir())


def test_top_k_orders_by_score_then_row() -> None:
    scores = np.array([0.0, 2.0, 1.0, 2.0, -1.0, 0.5], dtype=np.float32)
    assert top_k(scores, 3) == [(1, 2.0), (3, 2.0), (2, 1.0)]
    assert top_k(scores, 10, rows=np.array([0, 4, 5])) == [(5, 0.5)]
    assert top_k(scores, 0) == []


def test_building_over_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no texts"):
        LexicalIndex.build([], Segmenter())
