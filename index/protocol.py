"""What the retriever needs from an index, whatever stores it (FAISS + bm25s, or Milvus).

The retriever depends on these protocols only. Each backend returns candidate clauses with the
score of its own kind; fusion, answer sentences and highlighting happen above, in
``retriever/``, so they are the same for every backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from corpus.clause import IN_FORCE, Clause
from encoder.protocol import Encoder
from index.segment import Segmenter

__all__ = ["SOURCES", "Candidate", "Encoder", "Scope", "SearchBackend"]


#: What the ``source`` dimension of a :class:`Scope` may be.
SOURCES: tuple[str, ...] = ("all", "provincial", "laws")


@dataclass(frozen=True)
class Scope:
    """Which clauses a search may return: the restriction every backend applies.

    Each field is one dimension and the dimensions combine with AND. ``provinces`` are full
    names as in the manifest (青海省), ``years`` an explicit set; an empty tuple leaves a
    dimension unrestricted. National laws apply in every province, so they pass the
    province and year dimensions. ``statuses`` is validity (时效): by default only texts in
    force (现行有效, 已被修改); ``()`` lets superseded ones (历史版本, 已废止) in too.
    ``source`` is ``"all"``, ``"provincial"`` (documents that are not national) or
    ``"laws"`` (national laws only); ``laws`` restricts to those documents (law doc ids,
    e.g. ``law-消防法``: a law named in the question).
    """

    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    statuses: tuple[str, ...] = IN_FORCE
    source: str = "all"
    laws: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {self.source!r}")

    @property
    def unrestricted(self) -> bool:
        """True when the scope lets every clause through."""
        return (
            not self.provinces
            and not self.years
            and not self.statuses
            and self.source == "all"
            and not self.laws
        )

    @property
    def include_superseded(self) -> bool:
        """True when 历史版本/已废止 texts may answer."""
        return not self.statuses

    def allows(self, clause: Clause) -> bool:
        """True when ``clause`` is inside the scope (the definition backends must match)."""
        doc = clause.doc
        return (
            (not self.provinces or doc.national or clause.province in self.provinces)
            and (not self.years or doc.national or clause.year in self.years)
            and (not self.statuses or doc.status in self.statuses)
            and (self.source == "all" or (self.source == "laws") == doc.national)
            and (not self.laws or doc.doc_id in self.laws)
        )


#: One candidate: the clause and the backend's score for it (cosine for dense, BM25 for lexical).
Candidate = tuple[Clause, float]


class SearchBackend(Protocol):
    """A loaded index over one corpus, searchable by vector and by (Simplified) text.

    ``scope`` restricts candidates (see :class:`Scope`); a backend applies it before taking
    the top ``k``, so a restricted search still returns up to ``k`` matching clauses.
    ``segmenter`` is the word splitter the lexical side was built with: the retriever uses
    it for query words, highlighting and coverage, so they agree with BM25.
    """

    manifest: dict[str, Any]

    @property
    def clauses(self) -> Sequence[Clause]: ...

    @property
    def segmenter(self) -> Segmenter: ...

    def dense_search(self, query_vector: np.ndarray, k: int, scope: Scope) -> list[Candidate]: ...

    def lexical_search(self, query_norm: str, k: int, scope: Scope) -> list[Candidate]: ...
