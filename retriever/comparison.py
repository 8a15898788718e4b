"""What a comparison returns: a column per source, with its clauses and marked facts.

Kept apart from :mod:`retriever.compare` (how a comparison is made) so the page, the
exports and the CLI read these records without the search logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from retriever.facts import Fact
from retriever.hit import Hit, SearchResult
from retriever.prepare import PreparedQuery

#: The national laws' column.
NATIONAL = "全国"


@dataclass(frozen=True)
class MarkedFact:
    """A fact of a column's clauses; ``differs`` when no other column with clauses holds it."""

    fact: Fact
    clause_id: str
    differs: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.fact.kind, "text": self.fact.text, "differs": self.differs}


@dataclass(frozen=True)
class Column:
    """One source's answer: its strong clauses (none when it has nothing on the topic)."""

    source: str  # a province's full name, or NATIONAL
    national: bool
    result: SearchResult
    hits: tuple[Hit, ...]
    facts: tuple[MarkedFact, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.hits)

    def facts_of(self, clause_id: str) -> tuple[MarkedFact, ...]:
        return tuple(f for f in self.facts if f.clause_id == clause_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "national": self.national,
            "found": self.found,
            "clauses": [
                {**h.to_json(), "facts": [f.to_json() for f in self.facts_of(h.clause.id)]}
                for h in self.hits
            ],
        }


@dataclass(frozen=True)
class Comparison:
    """A topic compared across sources.

    ``every_province`` is true for 各省 questions: the page then shows only the provinces
    with clauses on the topic and names the others (``missing``). ``absent`` names provinces
    asked for that the corpus has no documents from; ``overflow`` the provinces with clauses
    left out because more than :data:`retriever.compare.MAX_SOURCES` had some.
    """

    question: str
    prepared: PreparedQuery
    columns: tuple[Column, ...]
    every_province: bool = False
    absent: tuple[str, ...] = ()
    overflow: tuple[str, ...] = ()
    laws_missing: bool = False  # national laws asked for, none in the corpus

    @property
    def topic(self) -> str:
        return self.prepared.rest

    @property
    def years(self) -> tuple[int, ...]:
        return self.prepared.filters.years

    @property
    def provinces(self) -> tuple[str, ...]:
        return tuple(c.source for c in self.columns if not c.national)

    @property
    def laws(self) -> bool:
        return any(c.national for c in self.columns)

    @property
    def missing(self) -> tuple[str, ...]:
        """Sources searched that have nothing on the topic."""
        return tuple(c.source for c in self.columns if not c.found)

    @property
    def shown(self) -> tuple[Column, ...]:
        """The columns to draw: every source asked for by name; for 各省, those with clauses."""
        if self.every_province:
            return tuple(c for c in self.columns if c.found or c.national)
        return self.columns

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "topic": self.topic,
            "years": list(self.years),
            "every_province": self.every_province,
            "absent": list(self.absent),
            "missing": list(self.missing),
            "overflow": list(self.overflow),
            "laws_missing": self.laws_missing,
            "sources": [c.to_json() for c in self.columns],
        }


@dataclass(frozen=True)
class Request:
    """What to compare, as a follow-up can change it: the topic question, the provinces
    chosen besides those the question names, the years, whether national laws are in."""

    question: str
    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    laws: bool | None = None
    every_province: bool = False
