"""A whole quiz: questions of the asked types, spread over the chosen clauses, reproducibly.

Reproducible means: the same clauses, types, count and seed give the same quiz in every
process. All randomness comes from one ``random.Random(seed)``; every list it shuffles or
samples is built in a fixed order (corpus order, sorted term groups), never from iterating a
set or from ``hash``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz.distractors import TermPool
from quiz.law_questions import is_law, make_enum_multi, make_law_source
from quiz.quality import quality_problems
from quiz.questions import (
    BLANK,
    QUESTION_TYPES,
    Question,
    QuestionType,
    make_choice,
    make_cloze,
    make_judge,
    make_multi,
)
from quiz.source import make_source
from quiz.terms import clause_terms

#: The clause kinds that are a document's body; notices, headings, closings are not quiz material.
BODY_KINDS = frozenset({"item", "leaf", "paragraph", "point", "article"})
#: Words of a penalty article (法律责任): fines and closures are what law exams ask most.
PENALTY_WORDS = ("罚款", "责令停产停业", "停产停业整顿", "吊销", "拘留")
_MULTI_KINDS = ("department", "quoted", "title", "deadline", "percent", "figure")

T = TypeVar("T")


def body_clauses(clauses: Sequence[Clause]) -> list[Clause]:
    return [c for c in clauses if c.kind in BODY_KINDS]


def generate_quiz(
    clauses: Sequence[Clause],
    *,
    n: int = 20,
    types: Sequence[QuestionType] = QUESTION_TYPES,
    seed: int = 1,
    corpus: Sequence[Clause] | None = None,
) -> list[Question]:
    """Up to ``n`` distinct questions about ``clauses``, grouped by type in ``types`` order.

    Types take turns, so a quiz of 20 over five types has about four of each; a type that runs
    out of material leaves its turns to the others. ``corpus`` (default: ``clauses``) is where
    distractors and the 出处题 options come from — pass the whole corpus when quizzing on a
    few clauses, so wrong options are plentiful. No two questions share a stem, and no fact
    (clause, term) and no sentence is asked twice, whatever the type.
    """
    unknown = [t for t in types if t not in QUESTION_TYPES]
    if unknown or not types:
        raise ValueError(f"unknown question types {unknown!r}; choose from {QUESTION_TYPES}")
    rng = random.Random(seed)
    body = body_clauses(clauses)
    # wrong options come from texts in force: a superseded version's figure may be the answer
    # it used to be, and its sentences would make every current blank look ambiguous
    in_force = not body or any(c.doc.in_force for c in body)
    pool_clauses = [
        c
        for c in body_clauses(corpus if corpus is not None else clauses)
        if c.doc.in_force == in_force or not c.doc.national
    ]
    pool = TermPool.from_clauses(pool_clauses)
    queues = {
        t: _acceptable(_attempts(t, body, pool, pool_clauses, rng), pool_clauses)
        for t in dict.fromkeys(types)
    }
    picker = _Picker()
    deferred: dict[str, list[Question]] = {t: [] for t in queues}
    chosen: list[Question] = []
    while len(chosen) < n and queues:
        for qtype in list(queues):
            question = picker.next(queues[qtype], deferred[qtype])
            if question is None:
                del queues[qtype]
                continue
            chosen.append(question)
            if len(chosen) == n:
                break
    order = {t: i for i, t in enumerate(types)}
    return sorted(chosen, key=lambda q: order[q.type])


def _acceptable(
    attempts: Iterator[Question | None], corpus: list[Clause]
) -> Iterator[Question | None]:
    """The attempts a trainer would not reject (:mod:`quiz.quality`); the others become
    ``None``, like any attempt that failed."""
    by_id = {c.id: c for c in corpus}
    for question in attempts:
        clause = by_id.get(question.clause_id) if question is not None else None
        if question is None or clause is None or quality_problems(question, clause, corpus):
            yield None
        else:
            yield question


def generate_mixed(
    parts: Sequence[tuple[Sequence[Clause], int]],
    *,
    types: Sequence[QuestionType] = QUESTION_TYPES,
    seed: int = 1,
    corpus: Sequence[Clause] | None = None,
) -> list[Question]:
    """One quiz of several parts, e.g. 20 from 安全生产法 and 10 from a province's 工作要点:
    each ``(clauses, n)`` gives up to ``n`` questions; a question a previous part already
    asks (same stem or clause) is left out. Grouped by type in ``types`` order."""
    chosen: list[Question] = []
    stems: set[str] = set()
    used: set[str] = set()
    for number, (clauses, n) in enumerate(parts):
        fresh = [
            q
            for q in generate_quiz(clauses, n=n, types=types, seed=seed + number, corpus=corpus)
            if q.stem not in stems and q.clause_id not in used
        ]
        chosen += fresh
        stems.update(q.stem for q in fresh)
        used.update(q.clause_id for q in fresh)
    order = {t: i for i, t in enumerate(types)}
    return sorted(chosen, key=lambda q: order[q.type])


class _Picker:
    """Remembers what the quiz already asks, to keep every new question new.

    A question about a clause that another question already uses is held back (one question
    could give away another's answer) and only taken once its type has nothing fresher.
    """

    def __init__(self) -> None:
        self.stems: set[str] = set()
        self.facts: set[tuple[str, str]] = set()
        self.clauses: set[str] = set()

    def next(self, attempts: Iterator[Question | None], held: list[Question]) -> Question | None:
        for question in attempts:
            if question is None or not self._is_new(question):
                continue
            if question.clause_id in self.clauses:
                held.append(question)
                continue
            return self._take(question)
        while held:
            question = held.pop(0)
            if self._is_new(question):
                return self._take(question)
        return None

    def _is_new(self, question: Question) -> bool:
        return to_simplified(question.stem) not in self.stems and not (
            _fact_keys(question) & self.facts
        )

    def _take(self, question: Question) -> Question:
        self.stems.add(to_simplified(question.stem))
        self.facts.update(_fact_keys(question))
        self.clauses.add(question.clause_id)
        return question


def _fact_keys(question: Question) -> set[tuple[str, str]]:
    """What a question asks: its terms in its clause, its sentence, or the clause's source."""
    if question.type == "source":
        return {(question.clause_id, "出处")}
    keys = {(question.clause_id, to_simplified(t)) for t in question.answer_terms}
    if question.blanked:  # two blanks in one sentence are one question asked twice
        sentence = question.blanked.replace(BLANK, question.answer_terms[0])
        keys.add((question.clause_id, to_simplified(sentence)))
    return keys


def _attempts(
    qtype: QuestionType,
    body: list[Clause],
    pool: TermPool,
    corpus: list[Clause],
    rng: random.Random,
) -> Iterator[Question | None]:
    """Candidate questions of one type, in a seeded random order, made lazily.

    Documents take turns (a long document would otherwise fill the quiz), and for the blank
    types so do term kinds: quoted terms outnumber figures and deadlines several times over.
    """
    if qtype == "source":
        clauses = _in_turns(body, lambda c: c.doc.doc_id, rng)
        return (
            make_law_source(c, corpus, rng) if is_law(c) else make_source(c, corpus, rng)
            for c in clauses
        )
    if qtype == "multi":  # law articles: their enumerations; documents: terms of one kind
        pairs = [(c, k) for c in body for k in (("enumeration",) if is_law(c) else _MULTI_KINDS)]
        pairs = _penalties_first(_in_turns(pairs, lambda p: p[0].doc.doc_id, rng))
        return (
            make_enum_multi(c, corpus, rng) if k == "enumeration" else make_multi(c, k, pool, rng)  # type: ignore[arg-type]
            for c, k in pairs
        )
    make = {"cloze": make_cloze, "choice": make_choice, "judge": make_judge}[qtype]
    terms = [(c, t) for c in body for t in clause_terms(c)]
    by_kind = _groups(terms, lambda p: p[1].kind)
    spread = [_penalties_first(_in_turns(g, lambda p: p[0].doc.doc_id, rng)) for g in by_kind]
    return (make(c, t, pool, rng) for c, t in _interleave(spread))


def is_penalty(clause: Clause) -> bool:
    """A law article that sets a sanction (法律责任 chapter, or a fine or closure in it)."""
    in_chapter = any("法律责任" in heading for heading in clause.path)
    return is_law(clause) and (in_chapter or any(w in clause.text for w in PENALTY_WORDS))


def _penalties_first(items: list[T]) -> list[T]:
    """Penalty articles take every other turn: about a fifth of a law's articles, they get
    half of the first questions, since fines and closures are what law exams ask most."""
    penalties = [i for i in items if is_penalty(_clause_of(i))]
    if not penalties:
        return items
    others = [i for i in items if not is_penalty(_clause_of(i))]
    return _interleave([penalties, others])


def _clause_of(item: object) -> Clause:
    return item[0] if isinstance(item, tuple) else item  # type: ignore[return-value]


def _groups(items: list[T], key: Callable[[T], str]) -> list[list[T]]:
    """``items`` grouped by ``key``, groups in order of first appearance (never set order)."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def _in_turns(items: list[T], key: Callable[[T], str], rng: random.Random) -> list[T]:
    """``items`` shuffled within each ``key`` group, the groups taking turns."""
    groups = _groups(items, key)
    for group in groups:
        rng.shuffle(group)
    return _interleave(groups)


def _interleave(groups: list[list[T]]) -> list[T]:
    """One from each group in turn until all are used up."""
    ordered: list[T] = []
    for position in range(max((len(g) for g in groups), default=0)):
        ordered.extend(g[position] for g in groups if position < len(g))
    return ordered
