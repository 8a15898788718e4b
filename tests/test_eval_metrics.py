"""The metric code path on tiny examples whose numbers were worked out by hand."""

from __future__ import annotations

import math

import pytest

from eval.judge import Passage, by_id, credited_ranking
from eval.metrics import mean_by, per_query, significance, top_grade_qrels

QRELS = {"q1": {"a": 2, "b": 1}, "q2": {"c": 2}}
RANKINGS = {"q1": ["x", "a", "b"], "q2": ["c", "y"]}


def test_per_query_scores_match_hand_computation() -> None:
    scores = per_query(QRELS, RANKINGS)
    # q1: the answer "a" (grade 2) is at rank 2; "b" is only related (grade 1).
    assert scores["recall@1"] == {"q1": 0.0, "q2": 1.0}
    assert scores["recall@5"] == {"q1": 1.0, "q2": 1.0}
    assert scores["mrr@10"] == {"q1": 0.5, "q2": 1.0}
    # nDCG with linear gains: DCG = 2/log2(3) + 1/log2(4); ideal = 2/log2(2) + 1/log2(3).
    expected = (2 / math.log2(3) + 1 / 2) / (2 + 1 / math.log2(3))
    assert scores["ndcg@10"]["q1"] == pytest.approx(expected)
    assert scores["ndcg@10"]["q2"] == pytest.approx(1.0)


def test_means_overall_and_per_group() -> None:
    scores = per_query(QRELS, RANKINGS)
    overall = mean_by(scores)["all"]
    assert overall["n"] == 2
    assert overall["recall@1"] == pytest.approx(0.5)
    assert overall["mrr@10"] == pytest.approx(0.75)
    groups = mean_by(scores, {"q1": "number", "q2": "fact"})
    assert groups["number"]["mrr@10"] == pytest.approx(0.5)
    assert groups["fact"]["mrr@10"] == pytest.approx(1.0)
    assert groups["fact"]["n"] == 1


def test_recall_counts_answers_not_related_clauses() -> None:
    # Only the related clause is found: recall of the answer is 0, but nDCG is not.
    scores = per_query({"q": {"a": 2, "b": 1}}, {"q": ["b"]})
    assert scores["recall@5"]["q"] == 0.0
    assert scores["ndcg@10"]["q"] == pytest.approx(1 / (2 + 1 / math.log2(3)))


def test_binary_beir_qrels_count_grade_one_as_answers() -> None:
    assert top_grade_qrels({"q": {"a": 1, "b": 1}}) == {"q": {"a": 1, "b": 1}}
    scores = per_query({"q": {"a": 1, "b": 1}}, {"q": ["a", "z"]})
    assert scores["recall@1"]["q"] == pytest.approx(0.5)


def test_query_with_no_hits_scores_zero() -> None:
    scores = per_query({"q": {"a": 2}}, {"q": []})
    assert scores["recall@10"]["q"] == 0.0
    assert scores["mrr@10"]["q"] == 0.0


def test_a_clause_found_twice_is_credited_once() -> None:
    passages = [Passage("w1", "d", "…"), Passage("w2", "d", "…"), Passage("w3", "d", "…")]
    covers = {"w1": {"a"}, "w2": {"a"}, "w3": {"a", "b"}}
    ranking = credited_ranking(passages, {"a": 2, "b": 1}, lambda unit, p: unit in covers[p.id])
    assert ranking == ["a", "w2", "b"]
    assert credited_ranking([Passage("a", "d", "")], {"a": 2}, by_id) == ["a"]


def test_significance_reports_symmetric_p_values() -> None:
    qrels = {f"q{i}": {"a": 2} for i in range(6)}
    good = {q: ["a"] for q in qrels}
    bad = {q: ["z", "a"] if q in ("q0", "q1") else ["z", "y"] for q in qrels}
    sig = significance(qrels, {"good": good, "bad": bad})
    assert sig["good"]["bad"]["mrr@10"] == sig["bad"]["good"]["mrr@10"]
    assert sig["good"]["bad"]["mrr@10"] < 0.05
    assert significance(qrels, {"only": good}) == {}
