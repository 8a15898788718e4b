"""Fusion functions (reciprocal rank fusion, convex combination of normalised scores),
checked against numbers computed by hand."""

import pytest

from retriever import Retriever
from retriever.fusion import (
    convex_combination,
    fuse_hybrid,
    min_max,
    reciprocal_rank_fusion,
    theoretical_min_max,
    top_z,
    z_score,
)
from tests.index_fakes import FakeEncoder, FixedScoresBackend, make_doc_clauses


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


# --- convex combination of normalised scores ------------------------------------------------


def _minmax(source, scored):
    return min_max(scored)


def _zscore(source, scored):
    return z_score(scored)


def test_min_max_maps_best_to_1_and_last_to_0():
    assert min_max([("a", 10.0), ("b", 6.0), ("c", 2.0)]) == [("a", 1.0), ("b", 0.5), ("c", 0.0)]


def test_z_score_uses_population_sigma():
    # mean 2, σ = sqrt((4 + 0 + 4) / 3) = 1.6329932; 2 / σ = 1.2247449
    scored = dict(z_score([("a", 4.0), ("b", 2.0), ("c", 0.0)]))
    assert scored["a"] == pytest.approx(1.2247449, abs=1e-7)
    assert scored["b"] == pytest.approx(0.0)
    assert scored["c"] == pytest.approx(-1.2247449, abs=1e-7)


def test_theoretical_min_max_keeps_a_narrow_cosine_band_narrow():
    # (0.8 + 1) / (0.9 + 1) = 0.9473684: the 0.1 cosine gap stays small, unlike min-max's 1
    scored = dict(theoretical_min_max([("a", 0.9), ("b", 0.8)], -1.0))
    assert scored["a"] == pytest.approx(1.0)
    assert scored["b"] == pytest.approx(0.9473684, abs=1e-7)


def test_normalisers_on_flat_and_empty_lists():
    assert min_max([("a", 3.0), ("b", 3.0)]) == [("a", 0.0), ("b", 0.0)]
    assert z_score([("a", 3.0), ("b", 3.0)]) == [("a", 0.0), ("b", 0.0)]
    assert theoretical_min_max([("a", 0.0)], 0.0) == [("a", 0.0)]
    assert min_max([]) == z_score([]) == theoretical_min_max([], 0.0) == []


def test_convex_min_max_scores_and_order():
    dense = [("a", 0.9), ("b", 0.8), ("c", 0.7)]  # min-max: a 1, b 0.5, c 0
    lexical = [("c", 10.0), ("a", 4.0), ("d", 2.0)]  # min-max: c 1, a 0.25, d 0
    fused = convex_combination(
        {"dense": dense, "lexical": lexical}, {"dense": 0.3, "lexical": 0.7}, _minmax
    )
    # c: 0.7; a: 0.3 + 0.7 × 0.25 = 0.475; b: 0.3 × 0.5 + 0.7 × 0 (missing) = 0.15; d: 0
    assert [key for key, _ in fused] == ["c", "a", "b", "d"]
    scores = dict(fused)
    assert scores["c"] == pytest.approx(0.7)
    assert scores["a"] == pytest.approx(0.475)
    assert scores["b"] == pytest.approx(0.15)
    assert scores["d"] == pytest.approx(0.0)


def test_convex_missing_key_gets_the_sources_lowest_score_and_ties_go_to_best_rank():
    # z-scores: dense a +1, b −1; lexical b +1, c −1. a lacks a BM25 score, so it gets −1 there.
    fused = convex_combination(
        {"dense": [("a", 3.0), ("b", 1.0)], "lexical": [("b", 5.0), ("c", 1.0)]},
        {"dense": 0.5, "lexical": 0.5},
        _zscore,
    )
    # a: 0.5 − 0.5 = 0; b: −0.5 + 0.5 = 0 (tie: both first somewhere, dense listed first); c: −1
    assert [key for key, _ in fused] == ["a", "b", "c"]
    assert dict(fused)["c"] == pytest.approx(-1.0)


def test_convex_keeps_a_decisive_bm25_win_that_equal_rrf_gives_away():
    # Dense barely prefers w; BM25 is sure of a. Equal-weight RRF sees only ranks (1, 2)
    # against (2, 1), a tie that source order hands to dense's pick.
    dense = [("w", 0.90), ("a", 0.89)]
    lexical = [("a", 20.0), ("w", 5.0)]
    rrf = reciprocal_rank_fusion({"dense": ["w", "a"], "lexical": ["a", "w"]})
    assert rrf[0][0] == "w"
    fused = convex_combination(
        {"dense": dense, "lexical": lexical}, {"dense": 0.3, "lexical": 0.7}, _zscore
    )
    # z: dense w +1, a −1; lexical a +1, w −1 → a: −0.3 + 0.7 = 0.4, w: 0.3 − 0.7 = −0.4
    assert fused[0] == ("a", pytest.approx(0.4))


def test_convex_source_without_weight_is_ignored_and_bad_weight_refused():
    fused = convex_combination(
        {"dense": [("a", 1.0), ("b", 0.0)], "lexical": [("b", 9.0), ("a", 1.0)]},
        {"dense": 1.0},
        _minmax,
    )
    assert [key for key, _ in fused] == ["a", "b"]
    assert convex_combination({"dense": [], "lexical": []}, {"dense": 0.5}, _minmax) == []
    with pytest.raises(ValueError, match="weights"):
        convex_combination({"dense": [("a", 1.0)]}, {"dense": -0.1}, _minmax)


# --- the retriever's hybrid fusion ----------------------------------------------------------


@pytest.fixture(scope="module")
def fixed_retriever() -> Retriever:
    """Three clauses w, a, c: dense barely prefers w, BM25 is sure of a (the pattern behind
    most of equal-weight RRF's losses)."""
    clauses = make_doc_clauses("qinghai-2020")[:3]
    return Retriever(
        FixedScoresBackend(clauses, dense=(0.90, 0.89, 0.50), lexical=(5.0, 20.0, 4.0)),
        FakeEncoder(),
    )


def test_hybrid_search_fuses_z_scores_by_default(fixed_retriever):
    w, a, c = fixed_retriever.clauses
    hits = fixed_retriever.search(fixed_retriever.prepare("超限超载整治", detect=False), k=3).hits
    assert [h.clause.id for h in hits] == [a.id, w.id, c.id]
    # dense z: w 0.733786, a 0.680094, c −1.413880 (mean 0.763333, σ 0.186249);
    # BM25 z: a 1.412011, w −0.637679, c −0.774332 (mean 9.666667, σ 7.318166)
    # BM25's first hit stands only 1.41 σ out (no quote), so the policy profile's 0.4 dense:
    # a: 0.4 × 0.680094 + 0.6 × 1.412011 = 1.119244; w: 0.293514 − 0.382607 = −0.089093
    assert hits[0].score == pytest.approx(1.119244, abs=1e-5)
    assert hits[1].score == pytest.approx(-0.089093, abs=1e-5)
    assert hits[0].scores == {"dense": pytest.approx(0.89), "lexical": pytest.approx(20.0)}


def test_rrf_stays_available_and_unknown_fusion_is_refused(fixed_retriever):
    w, a, _ = fixed_retriever.clauses
    hits = fixed_retriever.search(
        fixed_retriever.prepare("超限超载整治", detect=False), k=2, fusion="rrf"
    ).hits
    # w: 1/61 + 1/62 = a: 1/62 + 1/61 — a tie, settled by source order (dense first)
    assert [h.clause.id for h in hits] == [w.id, a.id]
    assert hits[0].score == pytest.approx(1 / 61 + 1 / 62)
    with pytest.raises(ValueError, match="fusion"):
        fixed_retriever.search("超限超载整治", fusion="borda")


def test_fuse_hybrid_names():
    assert fuse_hybrid([("a", 1.0)], [("a", 2.0)], "rrf") == [("a", pytest.approx(2 / 61))]
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse_hybrid([], [], "max")


def test_top_z_says_how_far_the_first_score_stands_out() -> None:
    # mean 1.5, population sigma sqrt(0.75): the first of 3,1,1,1 is 1.5 / 0.866 = 1.732 out.
    assert top_z([("b", 1.0), ("a", 3.0), ("c", 1.0), ("d", 1.0)]) == pytest.approx(1.7320508)
    assert top_z([("a", 2.0), ("b", 2.0)]) == 0.0  # a tie stands out from nothing
    assert top_z([("a", 5.0)]) == 0.0 and top_z([]) == 0.0


def test_a_lone_bm25_hit_in_a_pool_of_candidates_stands_out() -> None:
    # One clause of a pool of 50 holds the question's rare term: the 49 others scored 0.
    # mean 7/50 = 0.14, sigma = sqrt(0.9604 - ...) = 0.98; (7 - 0.14) / 0.98 = 7.0.
    assert top_z([("a", 7.0)], 50) == pytest.approx(7.0)
    assert top_z([("a", 7.0), ("b", 7.0)], 2) == 0.0  # the whole pool tied


def test_the_one_clause_that_quotes_a_rare_term_wins_the_fusion() -> None:
    """百吨王: one clause holds the word, and its cosine is a little below three others'.
    Before, BM25's list of one score had sigma 0, so that clause got no lexical credit."""
    dense = [("law-1", 0.860), ("law-2", 0.858), ("law-3", 0.857), ("item", 0.856)]
    dense += [(f"other-{i}", 0.85 - i / 1000) for i in range(46)]
    fused = fuse_hybrid(dense, [("item", 7.0)], "zscore", 0.4)
    assert fused[0][0] == "item"
    # a clause BM25 did not return gets BM25's standard score of 0, not the lone hit's
    assert dict(fused)["law-1"] < dict(fused)["item"] - 1.0


def test_a_clause_below_a_full_bm25_list_may_have_scored_up_to_its_last() -> None:
    """A list as long as the pool was cut at the search depth: a clause missing from it
    gets the list's lowest standard score (the most it could have had), not that of 0."""
    dense = [("a", 0.9), ("b", 0.8), ("c", 0.7)]
    lexical = [("a", 3.0), ("b", 2.0), ("d", 1.0)]
    fused = dict(fuse_hybrid(dense, lexical, "zscore", 0.5))
    lowest = min(v for _, v in z_score(lexical))
    assert fused["c"] == pytest.approx(0.5 * dict(z_score(dense))["c"] + 0.5 * lowest)


def test_the_result_says_which_cosine_the_confidence_rule_read(fixed_retriever):
    result = fixed_retriever.search(fixed_retriever.prepare("超限超载整治", detect=False), k=1)
    # The best dense candidate (0.90, clause w), though BM25 put clause a first.
    assert result.hits[0].scores["dense"] == pytest.approx(0.89)
    assert result.best_dense == pytest.approx(0.90)
    assert result.best_dense >= result.dense_floor and not result.low_confidence
    lexical = fixed_retriever.search("超限超载整治", k=1, mode="lexical")
    assert lexical.best_dense is None
