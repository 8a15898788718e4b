"""Question generators on real sentences: same-kind distractors, masked sources, a fair mix."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from corpus.script import to_simplified
from quiz.distractors import TermPool
from quiz.generate import generate_quiz
from quiz.questions import BLANK, FALSE, TRUE, make_choice, make_judge, make_multi
from quiz.source import make_source
from quiz.terms import find_terms
from quiz.validate import check_quiz
from tests.quiz_samples import sample_clauses

CLAUSES = sample_clauses()
BY_ID = {c.id: c for c in CLAUSES}
POOL = TermPool.from_clauses(CLAUSES)


def _term(clause_index: int, text: str):
    return next(t for t in find_terms(CLAUSES[clause_index].text) if t.text == text)


@pytest.mark.parametrize("seed", range(5))
def test_figure_distractors_keep_the_unit_and_are_absent_from_the_clause(seed: int) -> None:
    clause = CLAUSES[8]
    question = make_choice(clause, _term(8, "20%"), POOL, random.Random(seed))
    assert question is not None
    assert len(question.options) == 4 and len(set(question.options)) == 4
    assert question.options["ABCD".index(question.answer)] == "20%"
    for distractor in question.distractors:
        assert re.fullmatch(r"\d+(\.\d+)?%", distractor)
        assert distractor not in clause.text  # 25% (the clause's other figure) is never offered


def test_deadline_distractors_are_other_months_of_the_same_form() -> None:
    question = make_choice(CLAUSES[10], _term(10, "2月底前"), POOL, random.Random(1))
    assert question is not None
    assert all(re.fullmatch(r"\d+月底前", d) for d in question.distractors)
    assert "5月底前" not in question.distractors  # also in the clause: would be a second answer


def test_quoted_distractors_for_a_traditional_clause_come_from_traditional_documents() -> None:
    term = _term(7, "三個必須")  # 云南 (Traditional)
    candidates = POOL.candidates(term, traditional=True)
    assert "黑名單" in candidates
    assert "安全生产月" not in candidates  # a Simplified option would give the answer away
    assert "安全生产月" in POOL.candidates(_term(4, "安全生产月"), traditional=False)


def test_multi_answer_is_exactly_the_clause_departments_offered() -> None:
    clause = CLAUSES[4]
    made = [make_multi(clause, "department", POOL, random.Random(s)) for s in range(10)]
    questions = [q for q in made if q is not None]
    assert questions
    for question in questions:
        right = {question.options["ABCD".index(letter)] for letter in question.answer}
        assert 2 <= len(right) <= 3
        assert all(option in clause.text for option in right)
        assert not any(option in clause.text for option in set(question.options) - right)


def test_judge_is_either_the_sentence_or_the_sentence_with_one_swap() -> None:
    clause = CLAUSES[8]
    verdicts = set()
    for seed in range(12):
        question = make_judge(clause, _term(8, "25%"), POOL, random.Random(seed))
        assert question is not None
        statement = question.stem.split("判断正误：", 1)[1]
        verdicts.add(question.answer)
        if question.answer == TRUE:
            assert statement in clause.text
        else:
            assert statement not in clause.text
            assert statement.replace(question.distractors[0], "25%") in clause.text
            assert "25%" in question.explanation and question.distractors[0] in question.explanation
    assert verdicts == {TRUE, FALSE}


def test_source_question_masks_province_and_year_and_offers_other_documents() -> None:
    clause = CLAUSES[7]  # mentions 《云南省人民政府…(2018—2020年)…》
    question = make_source(clause, CLAUSES, random.Random(0))
    assert question is not None
    assert "云南" not in question.stem and "2018" not in question.stem
    assert question.options["ABCD".index(question.answer)] == "云南省·2019年"
    assert len(set(question.options)) == len(question.options) == 4


def test_source_difficulty_follows_the_hints_left_in_the_excerpt() -> None:
    chengdu = make_source(CLAUSES[12], CLAUSES, random.Random(0))  # names 成都市: 四川
    assert chengdu is not None and chengdu.difficulty == "易"
    yunnan = make_source(CLAUSES[7], CLAUSES, random.Random(0))  # Traditional: 云南 or 浙江
    assert yunnan is not None and yunnan.difficulty == "中"
    assert "浙江省·2021年" in yunnan.options  # the other Traditional document is always offered
    henan = make_source(CLAUSES[11], CLAUSES, random.Random(0))
    assert henan is not None and henan.difficulty == "难"


def test_cloze_blank_sits_in_the_sentence_of_the_term() -> None:
    quiz = generate_quiz(CLAUSES, n=10, types=["cloze"], seed=4)
    assert quiz
    for question in quiz:
        assert question.stem.count(BLANK) == 1 and question.options == ()
        assert question.blanked.replace(BLANK, question.answer) in BY_ID[question.clause_id].text


def test_quiz_mixes_the_asked_types_and_is_valid() -> None:
    quiz = generate_quiz(CLAUSES, n=15, seed=7)
    counts = Counter(q.type for q in quiz)
    assert set(counts) == {"cloze", "choice", "multi", "judge", "source"}
    assert check_quiz(quiz, BY_ID) == []
    assert all(q.difficulty in ("易", "中", "难") for q in quiz)
    assert [q.type for q in quiz] == sorted(
        (q.type for q in quiz), key=["cloze", "choice", "multi", "judge", "source"].index
    )


def test_only_body_clauses_are_asked_about() -> None:
    quiz = generate_quiz(CLAUSES, n=60, seed=2)
    kinds = {BY_ID[q.clause_id].kind for q in quiz}
    assert kinds <= {"item", "leaf", "paragraph", "point"}
    assert CLAUSES[0].id not in {q.clause_id for q in quiz}  # the notice has a 《title》 too


def test_no_fact_or_sentence_is_asked_twice() -> None:
    quiz = generate_quiz(CLAUSES, n=100, types=["cloze", "choice", "judge"], seed=3)
    facts = [(q.clause_id, to_simplified(q.answer_terms[0])) for q in quiz]
    sentences = [(q.clause_id, q.blanked.replace(BLANK, q.answer_terms[0])) for q in quiz]
    assert len(set(facts)) == len(facts)
    assert len(set(sentences)) == len(sentences)


def test_same_seed_same_quiz_other_seed_other_quiz() -> None:
    first = generate_quiz(CLAUSES, n=12, seed=11)
    assert generate_quiz(CLAUSES, n=12, seed=11) == first
    assert generate_quiz(CLAUSES, n=12, seed=12) != first


def test_n_limits_the_quiz_and_unknown_types_are_refused() -> None:
    assert len(generate_quiz(CLAUSES, n=3, seed=1)) == 3
    with pytest.raises(ValueError, match="essay"):
        generate_quiz(CLAUSES, n=3, types=["essay"], seed=1)


def test_distractors_come_from_the_whole_corpus_when_quizzing_one_clause() -> None:
    one = [CLAUSES[2]]  # two departments: alone, there is nothing to offer as wrong
    assert generate_quiz(one, n=5, types=["choice"], seed=1) == []
    quiz = generate_quiz(one, n=5, types=["choice"], seed=1, corpus=CLAUSES)
    assert quiz and all(q.clause_id == CLAUSES[2].id for q in quiz)
