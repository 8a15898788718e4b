"""Relevance judging: which retrieved passage stands for which relevant unit.

Every configuration returns a ranked list of passages (clauses, or the naive baseline's
windows). A *unit* is one thing a query needs found, with its grade: a clause id (qrels by
id) or an answer substring (relevance by answers). :func:`credited_ranking` walks the
passages best first and credits each one to the best-graded unit it matches that no earlier
passage was credited for; a passage matching nothing new stands for itself. ranx then scores
the credited list against the units, so every configuration is measured on the same scale,
whatever its passages are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from corpus.clause import Clause
from corpus.script import to_simplified
from eval.benchmark import Qrels, Query

#: Shared characters that make a window "overlap" a clause (shorter clauses: all of them).
OVERLAP_CHARS = 20

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Passage:
    """One retrieved passage: its id, its document and its text (original script)."""

    id: str
    doc_id: str
    text: str


#: Whether a passage matches a unit (by the unit's id).
Matcher = Callable[[str, Passage], bool]


def normalise(text: str) -> str:
    """Simplified script, whitespace removed: answers and passages are compared in this form."""
    return _SPACE.sub("", to_simplified(text))


def credited_ranking(
    passages: Sequence[Passage], units: Mapping[str, int], matches: Matcher
) -> list[str]:
    """The passages' ids with each replaced by the unit it is credited for.

    A passage is credited to the highest-graded matching unit not yet credited (ties: the
    unit listed first), so a relevant clause found twice (the naive baseline's overlapping
    windows, a duplicated page) counts once, and one passage counts for one unit only.
    """
    by_grade = sorted(units, key=lambda unit: -units[unit])
    credited: set[str] = set()
    ranking: list[str] = []
    for passage in passages:
        unit = next((u for u in by_grade if u not in credited and matches(u, passage)), None)
        if unit is None:
            ranking.append(passage.id)
        else:
            credited.add(unit)
            ranking.append(unit)
    return ranking


def by_id(unit: str, passage: Passage) -> bool:
    """Qrels by id: a clause is the unit with its own id."""
    return unit == passage.id


def overlap_matcher(clauses: Mapping[str, Clause], min_chars: int = OVERLAP_CHARS) -> Matcher:
    """Qrels by id, judged on windows: a window matches a relevant clause when they share a
    run of ``min_chars`` characters (or the whole clause, if shorter).

    Why text and not offsets: the naive baseline reads the raw files, whose character
    offsets differ from the cleaned documents the clause offsets refer to (boilerplate,
    the duplicated Yunnan body, repaired mojibake); a shared run of text is the same
    overlap of spans, measured where both can see it.
    """
    shingles: dict[str, set[str]] = {}

    def shingles_of(clause_id: str) -> set[str]:
        if clause_id not in shingles:
            text = normalise(clauses[clause_id].text) if clause_id in clauses else ""
            size = min(min_chars, len(text))
            shingles[clause_id] = (
                {text[i : i + size] for i in range(len(text) - size + 1)} if text else set()
            )
        return shingles[clause_id]

    def matches(unit: str, passage: Passage) -> bool:
        grams = shingles_of(unit)
        if not grams:
            return False
        size = len(next(iter(grams)))
        text = normalise(passage.text)
        return any(text[i : i + size] in grams for i in range(len(text) - size + 1))

    return matches


def needle_units(query: Query) -> dict[str, int]:
    """Relevance by needles: each relevant article (target) is one grade-2 unit, so R@k is
    the share of a question's articles found in the top k (STARD's R@k)."""
    return {f"target:{i}": 2 for i in range(len(query.targets))}


def needle_qrels(queries: Sequence[Query]) -> Qrels:
    """ranx qrels for relevance by needles (queries without targets: no-answer)."""
    return {q.id: needle_units(q) for q in queries if q.targets}


def needle_matcher(query: Query) -> Matcher:
    """A passage is target ``i`` when its text (Simplified, whitespace removed) contains one
    of that target's needles: this survives any splitting of a long article and needs no
    clause ids, so the peer's article records are judged exactly like our clauses."""
    needles = {
        f"target:{i}": [normalise(n) for n in group if normalise(n)]
        for i, group in enumerate(query.targets)
    }

    def matches(unit: str, passage: Passage) -> bool:
        text = normalise(passage.text)
        return any(needle in text for needle in needles.get(unit, ()))

    return matches


def answer_units(query: Query) -> dict[str, int]:
    """Relevance by answers: each answer substring is a grade-2 unit, each related one grade 1."""
    units = {f"answer:{i}": 2 for i in range(len(query.answers))}
    units.update({f"related:{i}": 1 for i in range(len(query.related))})
    return units


def answer_qrels(queries: Sequence[Query]) -> Qrels:
    """ranx qrels for relevance by answers (queries without answers are left out)."""
    return {q.id: answer_units(q) for q in queries if q.answers}


def answer_matcher(query: Query) -> Matcher:
    """A passage matches an answer unit when its text contains the substring (compared in
    Simplified, whitespace ignored) and, if the query names its documents, comes from one of
    them; related substrings may come from any document."""
    needles = {f"answer:{i}": normalise(a) for i, a in enumerate(query.answers)}
    needles.update({f"related:{i}": normalise(a) for i, a in enumerate(query.related)})
    docs = set(query.docs)

    def matches(unit: str, passage: Passage) -> bool:
        if unit.startswith("answer:") and docs and passage.doc_id not in docs:
            return False
        return needles[unit] in normalise(passage.text)

    return matches
