"""Reciprocal rank fusion, checked against numbers computed by hand."""

import pytest

from retriever.fusion import reciprocal_rank_fusion


def test_rrf_scores_and_order_k60():
    fused = reciprocal_rank_fusion({"dense": ["a", "b", "c"], "lexical": ["c", "a"]})
    # a: 1/61 + 1/62 = 0.0325225; c: 1/63 + 1/61 = 0.0322664; b: 1/62 = 0.0161290
    assert [key for key, _ in fused] == ["a", "c", "b"]
    scores = dict(fused)
    assert scores["a"] == pytest.approx(0.0325225, abs=1e-7)
    assert scores["c"] == pytest.approx(0.0322664, abs=1e-7)
    assert scores["b"] == pytest.approx(0.0161290, abs=1e-7)


def test_weights_can_change_the_winner():
    fused = reciprocal_rank_fusion(
        {"dense": ["a", "b", "c"], "lexical": ["c", "a"]}, weights={"lexical": 2.0}
    )
    # a: 1/61 + 2/62 = 0.0486515; c: 1/63 + 2/61 = 0.0486599
    assert [key for key, _ in fused] == ["c", "a", "b"]
    assert dict(fused)["c"] == pytest.approx(0.0486599, abs=1e-7)


def test_zero_weight_silences_a_source():
    fused = reciprocal_rank_fusion(
        {"dense": ["a", "b"], "lexical": ["b", "x"]}, weights={"lexical": 0}
    )
    assert [key for key, _ in fused][:2] == ["a", "b"]
    assert dict(fused)["x"] == 0


def test_other_k():
    fused = dict(reciprocal_rank_fusion({"s": ["a", "b"], "t": ["b"]}, k=0))
    assert fused == {"a": 1.0, "b": pytest.approx(1.5)}


def test_ties_are_broken_by_best_rank_then_source_order():
    fused = reciprocal_rank_fusion({"dense": ["a", "b"], "lexical": ["b", "a"]})
    assert fused[0][1] == pytest.approx(fused[1][1])
    assert [key for key, _ in fused] == ["a", "b"]


def test_duplicate_key_in_one_source_counts_once_at_its_best_rank():
    assert dict(reciprocal_rank_fusion({"s": ["a", "a", "b"]}))["a"] == pytest.approx(1 / 61)


def test_empty_and_invalid():
    assert reciprocal_rank_fusion({"dense": [], "lexical": []}) == []
    with pytest.raises(ValueError):
        reciprocal_rank_fusion({"s": ["a"]}, k=-1)
    with pytest.raises(ValueError):
        reciprocal_rank_fusion({"s": ["a"]}, weights={"s": -1.0})
