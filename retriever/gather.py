"""Gathered answers: the key sentence of each of the best clauses, when they come from
several documents.

Questions such as 冬春季节安全生产要防范哪些风险 are answered by points spread over several
documents; one best sentence from the first clause hides the others. :func:`gathered`
lists the answer sentence of each strong clause (at most one per clause, near-duplicates
dropped, in ranking order, each with its citation); when the strong clauses all come from
one document the answer stays that document's first sentence, as before.

Which clauses are "strong" is the low-confidence rule applied to each clause on its own
(:func:`strong`), tightened on the dense side: e5 gives almost every clause of this narrow
corpus a cosine near the floor, so a clause passes on its cosine only when it is also within
:data:`COSINE_MARGIN` of the result's best one. Nothing here changes the ranking; it only
chooses what the answer at the top quotes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.script import to_simplified
from retriever.confidence import COVERAGE_FLOOR, DENSE_FLOOR
from retriever.hit import Hit, SearchResult

#: How many of a result's hits may contribute a point (the page searches this deep).
GATHER_DEPTH = 10
#: At most this many points in one answer, and this many from one document, so a long
#: document does not crowd out the others.
MAX_POINTS = 5
MAX_PER_DOCUMENT = 3
#: A clause passing on its cosine alone must be this close to the result's best cosine.
#: Chosen on the default corpus: 冬春季节安全生产要防范哪些风险 has its answering clauses at
#: 0.904–0.924 and the first off-topic one at 0.892; 烟花爆竹零售店 0.905–0.918 against 0.885.
COSINE_MARGIN = 0.03
#: Two sentences whose character bigrams overlap this much (of the shorter) say the same.
NEAR_DUPLICATE = 0.8

_NOT_TEXT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Point:
    """One gathered point: a clause's answer sentence, cited."""

    hit: Hit
    sentence: str

    @property
    def citation(self) -> str:
        return self.hit.citation

    def to_json(self) -> dict[str, object]:
        return {
            "sentence": self.sentence,
            "citation": self.citation,
            "clause_id": self.hit.clause.id,
            "rank": self.hit.rank,
        }


def best_cosine(hits: Sequence[Hit]) -> float | None:
    """The best dense cosine among ``hits`` (None when no hit has one: a lexical search)."""
    return max((h.scores["dense"] for h in hits if "dense" in h.scores), default=None)


def strong(hit: Hit, best: float | None, floor: float = DENSE_FLOOR) -> bool:
    """Whether ``hit`` answers the question on its own rather than being a weak match.

    It holds at least :data:`COVERAGE_FLOOR` of the question's IDF-weighted topic words, or
    its cosine reaches :data:`DENSE_FLOOR` and is within :data:`COSINE_MARGIN` of ``best``
    (the result's best cosine).
    """
    if hit.coverage >= COVERAGE_FLOOR:
        return True
    dense = hit.scores.get("dense")
    if dense is None or best is None:
        return False
    return dense >= floor and dense >= best - COSINE_MARGIN


def strong_hits(result: SearchResult, depth: int = GATHER_DEPTH) -> tuple[Hit, ...]:
    """The hits among the first ``depth`` that answer the question, in ranking order.

    None for a low-confidence result; otherwise the first hit always (the result as a
    whole passed the low-confidence rule) and any later one that is :func:`strong`.
    """
    if result.low_confidence or not result.hits:
        return ()
    pool = result.hits[:depth]
    best = best_cosine(pool)
    floor = result.dense_floor
    return (pool[0], *(h for h in pool[1:] if strong(h, best, floor)))


def gathered(
    result: SearchResult,
    *,
    depth: int = GATHER_DEPTH,
    max_points: int = MAX_POINTS,
    max_per_document: int = MAX_PER_DOCUMENT,
) -> tuple[Point, ...]:
    """The answer at the top of a result, as points.

    One point (the first hit's sentence) when the strong hits all come from one document;
    otherwise one point per strong hit, by relevance, skipping a sentence that repeats one
    already kept and a document that already gave ``max_per_document`` points, up to
    ``max_points``. Empty for a low-confidence result.
    """
    hits = strong_hits(result, depth)
    if not hits:
        return ()
    if len({h.clause.doc.doc_id for h in hits}) < 2:
        return (Point(hits[0], _sentence(hits[0])),)
    points: list[Point] = []
    per_document: dict[str, int] = {}
    for hit in hits:
        doc = hit.clause.doc.doc_id
        sentence = _sentence(hit)
        if per_document.get(doc, 0) >= max_per_document:
            continue
        if any(near_duplicate(sentence, p.sentence) for p in points):
            continue
        points.append(Point(hit, sentence))
        per_document[doc] = per_document.get(doc, 0) + 1
        if len(points) >= max_points:
            break
    return tuple(points)


def near_duplicate(a: str, b: str) -> bool:
    """Whether two sentences say the same thing: most of the shorter one's character bigrams
    (Simplified, punctuation ignored) are in the other, so a sentence repeated across
    documents, or quoted inside a longer one, is listed once."""
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    if not grams_a or not grams_b:
        return a.strip() == b.strip()
    shared = len(grams_a & grams_b)
    return shared / min(len(grams_a), len(grams_b)) >= NEAR_DUPLICATE


def _bigrams(text: str) -> set[str]:
    norm = _NOT_TEXT.sub("", to_simplified(text))
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def _sentence(hit: Hit) -> str:
    return hit.answer or hit.clause.text[:120]
