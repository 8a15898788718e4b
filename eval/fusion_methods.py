"""The fusion study's vocabulary: one query's candidate lists and one fusion method.

Shared by :mod:`eval.fusion_study` (which runs the grid) and :mod:`eval.fusion_analysis`
(which explains the result), so neither imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from retriever.fusion import (
    RRF_K,
    Scored,
    convex_combination,
    min_max,
    reciprocal_rank_fusion,
    theoretical_min_max,
    z_score,
)

#: Lowest score each source can give: cosine similarity and BM25 (Bruch et al.'s "TMM").
THEORETICAL_MIN: dict[str, float] = {"dense": -1.0, "lexical": 0.0}
NORMALISERS: tuple[str, ...] = ("minmax", "zscore", "tmm")


@dataclass(frozen=True)
class Lists:
    """One query's candidates from each source, best first, as ``(clause id, score)``."""

    dense: Scored
    lexical: Scored


@dataclass(frozen=True)
class Method:
    """One fusion method with its parameters.

    ``family`` is ``dense`` / ``lexical`` (one source alone), ``rrf`` (``weight`` is the
    lexical weight, dense weighs 1; ``k`` the RRF constant) or a normaliser name for a convex
    combination (``weight`` is α, the dense share: α·dense + (1 − α)·lexical).
    """

    family: str
    weight: float = 1.0
    k: int = RRF_K

    @property
    def name(self) -> str:
        if self.family in ("dense", "lexical"):
            return self.family
        if self.family == "rrf":
            return f"rrf w_lex={self.weight:g} k={self.k}"
        return f"{self.family} α={self.weight:g}"

    def fuse(self, lists: Lists) -> list[str]:
        """Clause ids, best first (all candidates, not cut)."""
        if self.family in ("dense", "lexical"):
            return [cid for cid, _ in getattr(lists, self.family)]
        if self.family == "rrf":
            fused = reciprocal_rank_fusion(
                {"dense": [c for c, _ in lists.dense], "lexical": [c for c, _ in lists.lexical]},
                weights={"lexical": self.weight},
                k=self.k,
            )
            return [cid for cid, _ in fused]
        normalise = _normaliser(self.family)
        fused = convex_combination(
            {"dense": lists.dense, "lexical": lists.lexical},
            {"dense": self.weight, "lexical": 1.0 - self.weight},
            normalise,
        )
        return [cid for cid, _ in fused]


BASELINES: tuple[Method, ...] = (Method("dense"), Method("lexical"), Method("rrf", 1.0, RRF_K))
EQUAL_RRF = BASELINES[2]


def _normaliser(family: str) -> Callable[[str, Scored], Scored]:
    if family == "minmax":
        return lambda source, scored: min_max(scored)
    if family == "zscore":
        return lambda source, scored: z_score(scored)
    if family == "tmm":
        return lambda source, scored: theoretical_min_max(scored, THEORETICAL_MIN[source])
    raise ValueError(f"unknown normaliser {family!r}; expected one of {', '.join(NORMALISERS)}")
