"""The validity check: is every question answerable from its clause, and only one way?

Independent of how questions were generated: it looks only at the question's fields, at
the clause it cites and (for the trainer's objections of :mod:`quiz.quality`: ambiguous
blank, guessable option, two correct options) at the other clauses of the corpus.
:func:`check_question` lists what is wrong with one question, :func:`check_quiz` adds the
checks across questions (no duplicates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz.distractors import occurs_in
from quiz.quality import quality_problems
from quiz.questions import BLANK, FALSE, LETTERS, TRUE, Question
from quiz.source import source_label
from quiz.terms import is_trivial


def check_question(
    question: Question, clause: Clause | None, corpus: Sequence[Clause] = ()
) -> list[str]:
    """Problems of one question against the clause it cites; empty when it is valid.

    ``corpus`` (the clauses the quiz was drawn from) adds the trainer's objections that need
    the other clauses: a blank another clause fills differently, a wrong option that another
    clause makes right.
    """
    if clause is None:
        return [f"cited clause {question.clause_id!r} not found"]
    problems: list[str] = []
    if question.citation != clause.citation:
        problems.append("citation does not match the clause")
    if not question.stem.strip():
        problems.append("empty stem")
    problems += quality_problems(question, clause, corpus)
    if question.type == "source":
        return problems + _check_source(question, clause)
    if not question.answer_terms:
        problems.append("no answer term")
    for term in question.answer_terms:
        if not occurs_in(term, clause):
            problems.append(f"answer {term!r} not found in the cited clause")
        if is_trivial(term):
            problems.append(f"trivial blank {term!r}")
    problems += _check_distractors(question, clause)
    problems += _check_blank(question, clause)
    problems += _check_answer_key(question)
    return problems


def check_quiz(questions: Sequence[Question], clauses: Mapping[str, Clause]) -> list[str]:
    """Problems of a whole quiz: each question's, prefixed by its number, and duplicates."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    corpus = tuple(clauses.values())
    for number, question in enumerate(questions, 1):
        for problem in check_question(question, clauses.get(question.clause_id), corpus):
            problems.append(f"Q{number}: {problem}")
        key = to_simplified(question.stem) + "|" + "|".join(map(to_simplified, question.options))
        if key in seen:
            problems.append(f"Q{number}: duplicate of Q{seen[key]}")
        seen.setdefault(key, number)
    return problems


def _check_distractors(question: Question, clause: Clause) -> list[str]:
    problems: list[str] = []
    answers = {to_simplified(t) for t in question.answer_terms}
    norms = [to_simplified(d) for d in question.distractors]
    for distractor, norm in zip(question.distractors, norms, strict=True):
        if norm in answers:
            problems.append(f"distractor {distractor!r} equals the answer")
        if occurs_in(distractor, clause):
            problems.append(f"distractor {distractor!r} occurs in the cited clause")
        if question.blanked and question.blanked.replace(BLANK, distractor) in clause.text:
            problems.append(f"distractor {distractor!r} fits the blank in the clause")
    if len(set(norms)) != len(norms):
        problems.append("distractors repeat")
    return problems


def _check_blank(question: Question, clause: Clause) -> list[str]:
    if question.type in ("cloze", "choice", "judge") and not question.blanked:
        return ["no blanked excerpt"]
    if not question.blanked:
        return []
    if question.blanked.count(BLANK) != 1:
        return ["the excerpt must hold exactly one blank"]
    if question.blanked.replace(BLANK, question.answer_terms[0]) not in clause.text:
        return ["the excerpt with its answer is not the clause's text"]
    return []


def _check_answer_key(question: Question) -> list[str]:
    """The ``answer`` field agrees with the options and the answer terms."""
    qtype, options = question.type, question.options
    normalised = [to_simplified(o) for o in options]
    if len(set(normalised)) != len(normalised):
        return ["options repeat"]
    if qtype == "cloze":
        return [] if question.answer == question.answer_terms[0] else ["answer is not the term"]
    if qtype == "judge":
        return _check_judge(question)
    letters = question.answer
    if not letters or any(letter not in LETTERS[: len(options)] for letter in letters):
        return [f"answer {letters!r} is not an option letter"]
    picked = {options[LETTERS.index(letter)] for letter in letters}
    expected = set(question.answer_terms)
    if qtype == "choice" and (len(letters) != 1 or picked != expected):
        return ["the single answer is not the blanked term"]
    if qtype == "multi":
        if picked != expected or len(picked) < 2:
            return ["the answer set is not the terms of the clause"]
        if set(options) - picked != set(question.distractors) or not question.distractors:
            return ["the wrong options are not the checked distractors"]
    return []


def _check_judge(question: Question) -> list[str]:
    if question.options != (TRUE, FALSE) or question.answer not in (TRUE, FALSE):
        return ["判断题 needs options 正确/错误 and one of them as answer"]
    truth = question.blanked.replace(BLANK, question.answer_terms[0])
    if question.answer == TRUE and (not question.stem.endswith(truth) or question.distractors):
        return ["a true statement must be the clause's own sentence"]
    if question.answer == FALSE:
        if len(question.distractors) != 1:
            return ["a false statement must swap exactly one term"]
        if not question.stem.endswith(question.blanked.replace(BLANK, question.distractors[0])):
            return ["the false statement is not the sentence with the swapped term"]
    return []


def _check_source(question: Question, clause: Clause) -> list[str]:
    problems: list[str] = []
    label = source_label(clause)
    if len(set(question.options)) != len(question.options) or len(question.options) < 2:
        problems.append("出处题 options must be at least two distinct documents")
    if len(question.answer) != 1 or question.answer not in LETTERS[: len(question.options)]:
        return [*problems, f"answer {question.answer!r} is not an option letter"]
    if question.options[LETTERS.index(question.answer)] != label:
        problems.append(f"answer is not the clause's document {label!r}")
    if any(o == label for i, o in enumerate(question.options) if LETTERS[i] != question.answer):
        problems.append("the right document is offered twice")
    excerpt = question.answer_terms[0] if question.answer_terms else ""
    if not excerpt or excerpt not in clause.text:
        problems.append("the quoted excerpt is not from the cited clause")
    if clause.doc.province_short and clause.doc.province_short in question.stem:
        problems.append("the stem names the province")
    if clause.year and str(clause.year) in question.stem:
        problems.append("the stem names the year")
    return problems
