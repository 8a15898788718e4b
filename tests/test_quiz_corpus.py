"""The issue's bar on the whole default corpus: 200 questions, all valid, none alike."""

from __future__ import annotations

from collections import Counter

from corpus.clause import Corpus
from quiz.generate import generate_quiz
from quiz.select import Selection, select_clauses
from quiz.validate import check_quiz


def test_two_hundred_questions_from_the_default_corpus_pass_the_validity_check(
    default_corpus: Corpus,
) -> None:
    quiz = generate_quiz(select_clauses(default_corpus.clauses, Selection()), n=200, seed=1)
    assert len(quiz) == 200
    assert check_quiz(quiz, default_corpus.by_id()) == []
    types = Counter(q.type for q in quiz)
    assert all(types[t] >= 30 for t in ("cloze", "choice", "multi", "judge", "source"))
    docs = {q.doc_id for q in quiz}
    assert len({d for d in docs if not d.startswith("law-")}) == 5  # every document contributes
    assert {"law-安全生产法", "law-消防法"} <= docs  # and the laws, in their current versions
    assert all(default_corpus.by_id()[q.clause_id].doc.in_force for q in quiz)
    assert set(Counter(q.difficulty for q in quiz)) == {"易", "中", "难"}


def test_other_seeds_are_valid_too(default_corpus: Corpus) -> None:
    for seed in (2, 3):
        quiz = generate_quiz(default_corpus.clauses, n=120, seed=seed)
        assert check_quiz(quiz, default_corpus.by_id()) == []


def test_a_short_quiz_asks_each_clause_once(default_corpus: Corpus) -> None:
    # one question could give another's answer away (a 出处题 quoting a 填空题's sentence)
    for seed in (1, 2, 3):
        quiz = generate_quiz(default_corpus.clauses, n=30, seed=seed)
        assert len({q.clause_id for q in quiz}) == len(quiz) == 30
