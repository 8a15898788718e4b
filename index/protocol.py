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

__all__ = ["Candidate", "Encoder", "Scope", "SearchBackend"]


@dataclass(frozen=True)
class Scope:
    """Which clauses a search may return: the restriction every backend applies.

    Each field is one dimension; an empty tuple leaves that dimension unrestricted, and the
    dimensions combine with AND. ``provinces`` are full names as in the manifest (青海省),
    ``years`` an explicit set. New dimensions (document kinds, validity, laws) are added
    here, to :meth:`allows` and to each backend's translation of it.
    """

    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    #: Validity (时效): by default only texts in force (现行有效, 已被修改); ``()`` lets
    #: superseded ones (历史版本, 已废止: a retired library document) in too. The same field
    #: and meaning as the issue-12 branch's validity scope.
    statuses: tuple[str, ...] = IN_FORCE

    @property
    def unrestricted(self) -> bool:
        """True when the scope lets every clause through."""
        return not self.provinces and not self.years and not self.statuses

    @property
    def include_superseded(self) -> bool:
        """True when 历史版本/已废止 texts may answer."""
        return not self.statuses

    def allows(self, clause: Clause) -> bool:
        """True when ``clause`` is inside the scope (the definition backends must match)."""
        return (
            (not self.provinces or clause.province in self.provinces)
            and (not self.years or clause.year in self.years)
            and (not self.statuses or clause.doc.status in self.statuses)
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
