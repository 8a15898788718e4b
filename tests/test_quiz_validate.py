"""The validity check passes good questions and catches each kind of broken one."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from quiz.distractors import TermPool
from quiz.questions import BLANK, FALSE, TRUE, Question, make_choice, make_cloze, make_multi
from quiz.source import make_source
from quiz.terms import find_terms
from quiz.validate import check_question, check_quiz
from tests.quiz_samples import sample_clauses

CLAUSES = sample_clauses()
BY_ID = {c.id: c for c in CLAUSES}
ZHEJIANG_GOALS = CLAUSES[8]  # 下降20% … 下降25%
QINGHAI_ITEM_6 = CLAUSES[4]  # “安全生产月” … and eleven departments


def _choice() -> Question:
    pool = TermPool.from_clauses(CLAUSES)
    term = next(t for t in find_terms(ZHEJIANG_GOALS.text) if t.text == "20%")
    question = make_choice(ZHEJIANG_GOALS, term, pool, random.Random(3))
    assert question is not None
    return question


def _wrong_option_index(question: Question) -> int:
    return next(i for i, o in enumerate(question.options) if o != question.answer_terms[0])


def test_a_generated_choice_question_is_valid() -> None:
    assert check_question(_choice(), ZHEJIANG_GOALS) == []


def test_distractor_equal_to_the_answer_is_caught() -> None:
    question = _choice()
    broken = replace(question, distractors=("20%", *question.distractors[1:]))
    assert any("equals the answer" in p for p in check_question(broken, ZHEJIANG_GOALS))


def test_distractor_present_in_the_clause_is_caught() -> None:
    question = _choice()  # 25% is the clause's other figure: it must never be offered as wrong
    options = list(question.options)
    wrong = _wrong_option_index(question)
    old = options[wrong]
    options[wrong] = "25%"
    distractors = tuple("25%" if d == old else d for d in question.distractors)
    broken = replace(question, options=tuple(options), distractors=distractors)
    problems = check_question(broken, ZHEJIANG_GOALS)
    assert any("occurs in the cited clause" in p for p in problems)


def test_answer_not_in_the_cited_clause_is_caught() -> None:
    question = _choice()
    invented = replace(question, answer_terms=("30%",))
    assert any("'30%' not found" in p for p in check_question(invented, ZHEJIANG_GOALS))
    other = CLAUSES[9]  # 1% of GDP: a question about 20% cited to the wrong clause
    moved = replace(question, clause_id=other.id, citation=other.citation)
    assert any("'20%' not found" in p for p in check_question(moved, other))


def test_wrong_answer_letter_is_caught() -> None:
    question = _choice()
    other = "ABCD"[_wrong_option_index(question)]
    assert check_question(replace(question, answer=other), ZHEJIANG_GOALS)
    assert check_question(replace(question, answer="E"), ZHEJIANG_GOALS)


def test_trivial_blank_is_caught() -> None:
    clause = CLAUSES[2]
    text = clause.text
    at = text.index("加强") if "加强" in text else text.index("持续")
    word = text[at : at + 2]
    question = Question(
        type="cloze",
        stem="填写空白处：" + text[:at] + BLANK + text[at + 2 :],
        options=(),
        answer=word,
        explanation=text,
        citation=clause.citation,
        clause_id=clause.id,
        difficulty="易",
        answer_terms=(word,),
        blanked=text[:at] + BLANK + text[at + 2 :],
    )
    assert any("trivial" in p for p in check_question(question, clause))


def test_cloze_whose_excerpt_is_not_the_clause_is_caught() -> None:
    pool = TermPool.from_clauses(CLAUSES)
    term = find_terms(QINGHAI_ITEM_6.text)[0]
    question = make_cloze(QINGHAI_ITEM_6, term, pool, random.Random(1))
    assert question is not None and check_question(question, QINGHAI_ITEM_6) == []
    broken = replace(question, blanked=question.blanked.replace("不断创新", "不断完善"))
    assert any("not the clause's text" in p for p in check_question(broken, QINGHAI_ITEM_6))


def test_multi_with_a_wrong_set_is_caught() -> None:
    pool = TermPool.from_clauses(CLAUSES)
    question = None
    for seed in range(20):
        question = make_multi(QINGHAI_ITEM_6, "department", pool, random.Random(seed))
        if question is not None:
            break
    assert question is not None and check_question(question, QINGHAI_ITEM_6) == []
    missing_one = replace(question, answer=question.answer[:-1])
    assert check_question(missing_one, QINGHAI_ITEM_6)
    everything = replace(question, answer="ABCD")
    assert check_question(everything, QINGHAI_ITEM_6)


def test_judge_with_the_wrong_verdict_is_caught() -> None:
    clause = ZHEJIANG_GOALS
    sentence = "生產安全事故起數、死亡人數同比前兩年平均數下降20%,全國排名持續向好;"
    blanked = sentence.replace("20%", BLANK)
    true_judge = Question(
        type="judge",
        stem="判断正误：" + sentence,
        options=(TRUE, FALSE),
        answer=TRUE,
        explanation=clause.text,
        citation=clause.citation,
        clause_id=clause.id,
        difficulty="易",
        answer_terms=("20%",),
        blanked=blanked,
    )
    assert check_question(true_judge, clause) == []
    assert check_question(replace(true_judge, answer=FALSE), clause)
    swapped = replace(true_judge, stem="判断正误：" + blanked.replace(BLANK, "30%"))
    assert check_question(swapped, clause)  # a changed statement cannot be 正确
    false_judge = replace(swapped, answer=FALSE, distractors=("30%",))
    assert check_question(false_judge, clause) == []
    assert check_question(replace(false_judge, answer=TRUE), clause)


def test_source_question_with_the_wrong_document_is_caught() -> None:
    question = make_source(CLAUSES[7], CLAUSES, random.Random(2))
    assert question is not None and check_question(question, CLAUSES[7]) == []
    wrong = next(L for L, o in zip("ABCD", question.options, strict=False) if "云南" not in o)
    assert any(
        "not the clause's document" in p
        for p in check_question(replace(question, answer=wrong), CLAUSES[7])
    )
    doubled = replace(question, options=tuple("云南省·2019年" for _ in question.options))
    assert check_question(doubled, CLAUSES[7])


def test_duplicates_are_caught_across_the_quiz() -> None:
    question = _choice()
    assert check_quiz([question], BY_ID) == []
    problems = check_quiz([question, question], BY_ID)
    assert problems == ["Q2: duplicate of Q1"]


def test_a_question_citing_an_unknown_clause_is_caught() -> None:
    assert check_quiz([replace(_choice(), clause_id="nope")], BY_ID) != []


@pytest.mark.parametrize("field", ["citation", "stem"])
def test_a_question_with_a_wrong_citation_or_empty_stem_is_caught(field: str) -> None:
    broken = replace(_choice(), **{field: ""})
    assert check_question(broken, ZHEJIANG_GOALS)
