"""What a search returns: hits (a clause with its scores) and the result around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.clause import Clause
from index.protocol import Scope
from retriever.confidence import DENSE_FLOOR


@dataclass(frozen=True)
class Hit:
    """A clause as an answer to one query.

    ``scores`` holds the scores the fused ``score`` came from, by source name
    (``"dense"``: cosine similarity, ``"lexical"``: BM25), and ``ranks`` the rank in each
    source (1-based; a source that did not return the clause is absent).
    ``matched_terms`` are the query terms found in the clause, in the clause's own script,
    for highlighting; ``answer`` is the clause's single best-matching sentence.
    """

    clause: Clause
    rank: int
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    matched_terms: tuple[str, ...] = ()
    answer: str = ""
    #: Share of the question's IDF-weighted topic words the clause holds (the lexical side
    #: of the low-confidence rule, :func:`retriever.answer.coverage`), so a clause can be
    #: judged on its own: gathered answers and comparison columns leave weak matches out.
    coverage: float = 0.0

    @property
    def citation(self) -> str:
        return self.clause.citation

    def to_json(self) -> dict[str, Any]:
        """The CLI/API contract shape of one hit (keep stable: scripts depend on it)."""
        c = self.clause
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "scores": {k: round(v, 6) for k, v in self.scores.items()},
            "clause_id": c.id,
            "province": c.province,
            "jurisdiction": c.doc.province_label,
            "year": c.year,
            "status": c.doc.status,
            "effective_date": c.doc.effective_date,
            "item": c.label,
            "citation": c.citation,
            "title": c.title,
            "path": c.path_text,
            "text": c.text,
            "answer": self.answer,
            "matched_terms": list(self.matched_terms),
        }


@dataclass(frozen=True)
class Filters(Scope):
    """The scope a search applied, and what the question said about it.

    The scope fields (:class:`index.protocol.Scope`: ``provinces``, ``years``) are what the
    backends restricted to. ``detected`` lists the filters recognised in the question itself
    (e.g. "青海省", "2020年"), so the page can show them as removable chips.
    """

    detected: tuple[str, ...] = ()
    #: Provinces named in the question that the corpus holds no document for (广东省 …):
    #: not a filter (it could only return nothing), but the reason an answer is doubtful.
    absent: tuple[str, ...] = ()

    @property
    def scope(self) -> Scope:
        """Only the restriction, as the backends take it."""
        return Scope(
            provinces=self.provinces,
            years=self.years,
            statuses=self.statuses,
            source=self.source,
            laws=self.laws,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "province": list(self.provinces),
            "year": list(self.years),
            "detected": list(self.detected),
            "absent": list(self.absent),
            "include_superseded": self.include_superseded,
            "source": self.source,
            "laws": list(self.laws),
        }


@dataclass(frozen=True)
class SearchResult:
    """The answer to one query.

    ``query_used`` is the question after detected filters were taken out of it (what was
    actually searched). ``low_confidence`` is true when nothing really matches: the page says
    so instead of presenting weak matches as answers.
    """

    query: str
    filters: Filters
    hits: tuple[Hit, ...]
    low_confidence: bool = False
    query_used: str = ""
    #: The cosine floor the low-confidence rule used (it depends on whether laws could
    #: answer); gathered answers judge each clause against the same floor.
    dense_floor: float = DENSE_FLOOR
    #: The best cosine of the dense candidates (None in lexical mode): what the rule
    #: compared with ``dense_floor`` (the confidence calibration reads it).
    best_dense: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "filters": self.filters.to_json(),
            "low_confidence": self.low_confidence,
            "hits": [h.to_json() for h in self.hits],
        }
