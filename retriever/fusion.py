"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

Dense cosines and BM25 scores live on unrelated scales, so they are fused by rank alone::

    score(d) = Σ_s  w_s / (k + rank_s(d)),      k = 60, ranks 1-based

summed over the sources ``s`` that returned ``d``; a source that did not return ``d``
contributes nothing. ``k = 60`` is the constant of the paper: it damps the advantage of the
very first ranks so that agreement between sources counts for more than one source's top pick.
The weights ``w_s`` default to 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
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
