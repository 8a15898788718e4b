"""Fusing ranked lists: reciprocal rank fusion, and a convex combination of normalised scores.

Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009). Dense cosines and BM25
scores live on unrelated scales, so RRF fuses them by rank alone::

    score(d) = Σ_s  w_s / (k + rank_s(d)),      k = 60, ranks 1-based

summed over the sources ``s`` that returned ``d``; a source that did not return ``d``
contributes nothing. ``k = 60`` is the constant of the paper: it damps the advantage of the
very first ranks so that agreement between sources counts for more than one source's top pick.
The weights ``w_s`` default to 1.

:func:`convex_combination` instead puts each source's scores on a common scale first
(:func:`min_max`, :func:`z_score`, :func:`theoretical_min_max`) and sums them with weights,
so a source's *margin* (BM25 far more sure of its first clause than of its second) survives
fusion; ``eval/fusion_study.py`` compares the two on the benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

#: The constant k of reciprocal rank fusion.
RRF_K = 60

Key = TypeVar("Key", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[Key]],
    *,
    weights: Mapping[str, float] | None = None,
    k: int = RRF_K,
) -> list[tuple[Key, float]]:
    """Fuse ranked lists of keys into one, best first, as ``(key, fused score)`` pairs.

    ``rankings`` maps a source name to its keys, best first (a key listed twice in one source
    counts at its best rank). ``weights`` maps source names to weights; a source missing from
    it weighs 1. Ties are broken by the best rank the key reached in any source, then by the
    order of the sources in ``rankings``, then by first appearance, so the order is
    deterministic. Raises ``ValueError`` for ``k < 0`` or a negative weight.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    weights = weights or {}
    bad = {name: w for name, w in weights.items() if w < 0}
    if bad:
        raise ValueError(f"weights must be >= 0, got {bad}")
    scores: dict[Key, float] = {}
    best: dict[Key, tuple[int, int]] = {}
    for source_index, (source, keys) in enumerate(rankings.items()):
        weight = weights.get(source, 1.0)
        seen: set[Key] = set()
        for rank, key in enumerate(keys, start=1):
            if key in seen:
                continue
            seen.add(key)
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
            best[key] = min(best.get(key, (rank, source_index)), (rank, source_index))
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], best[kv[0]], order[kv[0]]))


# --- convex combination of normalised scores ---------------------------------------------

#: ``(key, score)`` pairs from one source, best first.
Scored = Sequence[tuple[Key, float]]

#: A source's score normaliser: ``(source name, its scored list) -> normalised list``.
Normaliser = Callable[[str, Scored], list[tuple[Key, float]]]


def min_max(scored: Scored) -> list[tuple[Key, float]]:
    """Min-max normalisation over the list: ``(s − min) / (max − min)``, so the best is 1
    and the last 0. A list whose scores are all equal carries no order: every score is 0."""
    values = [s for _, s in scored]
    if not values:
        return []
    low, high = min(values), max(values)
    span = high - low
    return [(key, (s - low) / span if span > 0 else 0.0) for key, s in scored]


def z_score(scored: Scored, population: int = 0) -> list[tuple[Key, float]]:
    """Standard scores over the list: ``(s − μ) / σ`` (population σ); all 0 when σ = 0.

    ``population``: the list is the top of a pool of that many candidates whose other
    members all scored 0, and μ and σ count them (see :func:`pool_stats`).
    """
    values = [s for _, s in scored]
    if not values:
        return []
    mean, sigma = pool_stats(values, population)
    return [(key, (s - mean) / sigma if sigma > 0 else 0.0) for key, s in scored]


def pool_stats(values: Sequence[float], population: int = 0) -> tuple[float, float]:
    """Mean and population σ of ``values`` padded with zeros up to ``population`` items.

    Why: BM25 returns only the clauses that share a word with the question, while the dense
    side returns the whole pool. A question whose rare term (百吨王) one clause alone holds got
    a BM25 list of one score, σ = 0, and so no lexical credit at all: the one clause that
    quotes the question scored like every clause that does not. The clauses BM25 did not
    return are in the pool with a score of 0, so they count.
    """
    extra = max(0, population - len(values))
    count = len(values) + extra
    mean = sum(values) / count
    variance = (sum((s - mean) ** 2 for s in values) + extra * mean**2) / count
    return mean, math.sqrt(variance)


def theoretical_min_max(scored: Scored, minimum: float) -> list[tuple[Key, float]]:
    """Bruch et al.'s theoretical min-max: ``(s − m) / (max − m)`` with ``m`` the lowest
    score the source can give (cosine: −1; BM25: 0) instead of the list's own minimum, so
    a list of uniformly weak matches stays weak. All 0 when ``max <= m``."""
    if not scored:
        return []
    span = max(s for _, s in scored) - minimum
    return [(key, (s - minimum) / span if span > 0 else 0.0) for key, s in scored]


def convex_combination(
    scored: Mapping[str, Scored],
    weights: Mapping[str, float],
    normalise: Normaliser,
    floors: Mapping[str, float] | None = None,
) -> list[tuple[Key, float]]:
    """Fuse scored lists by a weighted sum of normalised scores, best first.

    Bruch, Gai & Ingber 2023 ("An Analysis of Fusion Functions for Hybrid Retrieval")::

        score(d) = Σ_s  w_s · φ_s(score_s(d))        e.g. α·φ(dense) + (1 − α)·φ(BM25)

    ``normalise(source, list)`` is ``φ_s`` (:func:`min_max`, :func:`z_score`,
    :func:`theoretical_min_max`). A key that a source did not return gets that source's
    lowest normalised score: the most it could have scored there, since the source ranked it
    below its whole list; or, when ``floors`` names the source, that normalised score (what
    the source gives a key it knows to be worse than its list). A source missing from
    ``weights`` weighs 0. Ties are broken as in
    :func:`reciprocal_rank_fusion`. Raises ``ValueError`` for a negative weight.
    """
    bad = {name: w for name, w in weights.items() if w < 0}
    if bad:
        raise ValueError(f"weights must be >= 0, got {bad}")
    normalised: dict[str, dict[Key, float]] = {}
    best: dict[Key, tuple[int, int]] = {}
    order: dict[Key, int] = {}
    for source_index, (source, pairs) in enumerate(scored.items()):
        values: dict[Key, float] = {}
        for rank, (key, value) in enumerate(normalise(source, pairs), start=1):
            if key in values:
                continue
            values[key] = value
            best[key] = min(best.get(key, (rank, source_index)), (rank, source_index))
            order.setdefault(key, len(order))
        normalised[source] = values
    floor = {source: min(values.values(), default=0.0) for source, values in normalised.items()}
    floor.update(floors or {})
    fused = {
        key: sum(
            weights.get(source, 0.0) * values.get(key, floor[source])
            for source, values in normalised.items()
        )
        for key in order
    }
    return sorted(fused.items(), key=lambda kv: (-kv[1], best[kv[0]], order[kv[0]]))


# --- the retriever's hybrid fusion ----------------------------------------------------------

#: How ``Retriever.search`` can fuse its dense and BM25 candidates.
FUSIONS: tuple[str, ...] = ("zscore", "rrf")
#: The default: chosen on the dev half of the benchmark by ``eval/fusion_study.py``
#: (eval/reports/fusion-study/study.md) and confirmed on its test half.
DEFAULT_FUSION = "zscore"
#: α of the default fusion: the dense share of ``α·z(dense) + (1 − α)·z(BM25)``. Our
#: questions quote the documents, so BM25 is the stronger source; dense breaks near-ties and
#: rescues questions worded unlike the text.
DENSE_WEIGHT = 0.3


def top_z(scored: Scored, population: int = 0) -> float:
    """How far the first score stands above the list: its :func:`z_score` (0 for fewer
    than two scores in the pool), the list counted as the top of a pool of ``population``
    whose other members scored 0 (BM25's pool, see :func:`pool_stats`). A BM25 list whose
    first hit stands far out says the question quotes that clause; a flat list says the
    question is worded unlike any clause."""
    if len(scored) < 2 and population < 2:
        return 0.0
    normalised = z_score(sorted(scored, key=lambda pair: -pair[1]), population)
    return normalised[0][1] if normalised else 0.0


def fuse_hybrid(
    dense: Scored, lexical: Scored, fusion: str = DEFAULT_FUSION, dense_weight: float = DENSE_WEIGHT
) -> list[tuple[Key, float]]:
    """Fuse the dense (cosine) and BM25 candidates of one query, best first.

    ``"zscore"``: :func:`convex_combination` of :func:`z_score`-normalised scores with
    weights ``dense_weight`` (default ``DENSE_WEIGHT``, 0.3; a retriever profile may set
    another) for dense and the rest for BM25; ``"rrf"``: equal-weight
    :func:`reciprocal_rank_fusion` with ``k = 60``. Raises ``ValueError`` for another name.

    The pool is the dense candidates (the top of every clause the search may return). When
    BM25 returned fewer clauses than that, it returned every clause that shares a word with
    the question, and the others scored exactly 0: BM25's standard scores then count them
    (:func:`pool_stats`), and a clause missing from its list gets the standard score of 0.
    A full list is cut at the search depth, so a missing clause may have scored up to the
    list's lowest, and gets that, as before. Measured (dev halves choose, test halves
    report; ``bench/policy_fusion_sweep.py``): the policy benchmark's document questions,
    hybrid-filters R@1 0.898 → 0.905 (dev) and 0.898 → 0.905 (test) with the default laws;
    without them unchanged on dev, 0.915 → 0.931 (hybrid-filters) and 0.885 → 0.893
    (hybrid) on test; the benchmark's law questions keep R@1 and R@5 (dev MRR@10 0.635 →
    0.630, one question a rank lower). The zero floor for
    full lists too was tried: the same policy figures on dev, and on the law suite's dev
    half (lexicon off, as it was learned there) R@10 0.592 → 0.588, MRR@10 0.516 → 0.512.
    """
    if fusion == "rrf":
        return reciprocal_rank_fusion(
            {"dense": [key for key, _ in dense], "lexical": [key for key, _ in lexical]}
        )
    if fusion == "zscore":
        pool = len(dense)
        floors = {}
        if 0 < len(lexical) < pool:  # BM25 returned every clause that matched at all
            mean, sigma = pool_stats([score for _, score in lexical], pool)
            floors["lexical"] = -mean / sigma if sigma > 0 else 0.0
        return convex_combination(
            {"dense": dense, "lexical": lexical},
            {"dense": dense_weight, "lexical": 1.0 - dense_weight},
            lambda source, scored: z_score(scored, pool if source == "lexical" else 0),
            floors,
        )
    raise ValueError(f"unknown fusion {fusion!r}; expected one of {', '.join(FUSIONS)}")
