"""Law questions from articles: 填空/单选/判断 on their facts, 多选 from enumerations, 出处 by
article; and the trainer's objections the validity check now knows."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from quiz.distractors import TermPool
from quiz.generate import generate_quiz, is_penalty
from quiz.law_questions import enumeration, make_enum_multi
from quiz.quality import AMBIGUOUS, GUESSABLE, TWO_CORRECT
from quiz.questions import LETTERS, Question, make_choice, make_cloze
from quiz.terms import clause_terms, find_terms
from quiz.validate import check_question, check_quiz
from tests.law_samples import law_clauses

CLAUSES = law_clauses()
BY_ID = {c.id: c for c in CLAUSES}
POOL = TermPool.from_clauses(CLAUSES)


def _article(item: str, law: str = "安全生产法"):
    return next(c for c in CLAUSES if c.item == item and law in c.title)


@pytest.fixture(scope="module")
def quiz() -> list[Question]:
    return generate_quiz(CLAUSES, n=30, seed=3)


def test_thirty_valid_questions_of_every_type_citing_their_articles(quiz: list[Question]) -> None:
    assert len(quiz) == 30
    assert check_quiz(quiz, BY_ID) == []
    assert {q.type for q in quiz} == {"cloze", "choice", "multi", "judge", "source"}
    for question in quiz:
        article = BY_ID[question.clause_id]
        assert question.citation == article.citation and article.kind == "article"
        if question.type in ("cloze", "choice", "judge"):
            assert question.stem.startswith(f"根据《{article.title}》{article.item}，")


def test_multi_questions_come_from_enumerated_articles(quiz: list[Question]) -> None:
    multis = [q for q in quiz if q.type == "multi"]
    # these 32 articles hold few lists of one kind; the bar (five of thirty on the
    # whole 安全生产法) is test_quiz_cli.test_the_law_quiz_of_the_issue
    assert len(multis) >= 4
    for question in multis:
        listed = enumeration(BY_ID[question.clause_id])
        assert listed is not None and "下列哪些" in question.stem
        assert set(question.answer_terms) <= set(listed.items)
        assert not set(question.distractors) & set(listed.items)


def test_the_duties_of_the_principal_are_asked_with_other_articles_duties_as_wrong() -> None:
    article = _article("第二十一条")
    question = make_enum_multi(article, CLAUSES, random.Random(4))
    assert question is not None
    assert question.stem == (
        f"根据《{article.title}》第二十一条，"
        "生产经营单位的主要负责人对本单位安全生产工作负有下列哪些职责？"
    )
    duties = {i for c in CLAUSES if (e := enumeration(c)) and e.noun == "职责" for i in e.items}
    for wrong in question.distractors:
        assert wrong in duties and wrong not in article.text
    picked = {question.options[LETTERS.index(x)] for x in question.answer}
    assert picked == set(question.answer_terms) and 2 <= len(picked) <= 3


def test_source_questions_ask_for_the_law_and_the_article(quiz: list[Question]) -> None:
    sources = [q for q in quiz if q.type == "source"]
    assert sources
    for question in sources:
        article = BY_ID[question.clause_id]
        right = question.options[LETTERS.index(question.answer)]
        assert right == f"《{article.title.removeprefix('中华人民共和国')}》{article.item}"
        assert all(re.fullmatch(r"《.+法》第.+条", o) for o in question.options)
        assert article.item not in question.stem


def test_penalty_articles_get_half_of_the_first_questions() -> None:
    clozes = generate_quiz(CLAUSES, n=10, types=["cloze"], seed=2)
    share = sum(is_penalty(BY_ID[q.clause_id]) for q in clozes) / len(clozes)
    in_corpus = sum(map(is_penalty, CLAUSES)) / len(CLAUSES)
    assert share >= 0.5 > in_corpus
    assert is_penalty(_article("第九十四条")) and not is_penalty(_article("第二十一条"))


def _fine_question(make):
    """A question on 第九十九条's lead: 处______以下的罚款 (五万元; 第九十七条 says 十万元)."""
    article = _article("第九十九条")
    term = next(t for t in clause_terms(article) if t.text == "五万元")
    return make(article, term, POOL, random.Random(1)), article


def test_a_blank_another_article_fills_differently_is_ambiguous() -> None:
    question, article = _fine_question(make_cloze)
    assert question is not None
    problems = check_question(question, article, CLAUSES)
    assert any(p.startswith(AMBIGUOUS) and "十万元" in p for p in problems)
    assert not any(p.startswith(AMBIGUOUS) for p in check_question(question, article, [article]))


def test_a_wrong_option_another_article_makes_right_is_two_correct() -> None:
    question, article = _fine_question(make_choice)
    assert question is not None
    wrong = ("十万元", *question.distractors[1:])
    options = (question.answer, *wrong)
    forced = replace(question, options=options, answer="A", distractors=wrong)
    problems = check_question(forced, article, CLAUSES)
    assert any(p.startswith(TWO_CORRECT) and "第九十七条" in p for p in problems)


def test_an_option_in_other_numerals_is_guessable() -> None:
    article = _article("第二十四条")
    # the second 一百人: the first sentence leans on 前款 and is never asked
    term = [t for t in clause_terms(article) if t.text == "一百人"][-1]
    question = make_choice(article, term, POOL, random.Random(1))
    assert question is not None and not check_question(question, article, CLAUSES)
    wrong = ("50人", *question.distractors[1:])
    forced = replace(question, options=(question.answer, *wrong), answer="A", distractors=wrong)
    assert any(p.startswith(GUESSABLE) for p in check_question(forced, article, CLAUSES))


def test_an_item_of_an_article_with_the_same_lead_is_two_correct() -> None:
    article, twin = _article("第九十七条"), _article("第一百零一条")
    question = make_enum_multi(article, CLAUSES, random.Random(1))
    assert question is not None and not check_question(question, article, CLAUSES)
    assert not set(question.distractors) & set(enumeration(twin).items)
    wrong = (enumeration(twin).items[0], *question.distractors[1:])
    right = question.answer_terms
    forced = replace(
        question,
        options=(*right, *wrong),
        answer=LETTERS[: len(right)],
        distractors=wrong,
        answer_terms=right,
    )
    problems = check_question(forced, article, CLAUSES)
    assert any(p.startswith(TWO_CORRECT) and "第一百零一条" in p for p in problems)


def test_what_the_review_rejected_is_no_longer_asked() -> None:
    # a figure inside quotation marks is a name ("三个代表"), not a fact of the law
    terms = [t.text for t in find_terms("坚持“三个代表”重要思想，三十日内报告", law=True)]
    assert terms == ["三十日内"]
    # a law's parentheses are no responsibility notes: no 牵头单位 blanks in a law
    article = _article("第九十四条")
    assert all(t.kind != "department" for t in clause_terms(article))
    # a lead ("…有下列行为之一的，…罚款：") states nothing as a 判断题
    judges = generate_quiz(CLAUSES, n=20, types=["judge"], seed=5)
    assert judges and not any(q.stem.endswith(("：", ":")) for q in judges)
    # another law's list gives wrong items only when it is about the same domain
    fire = _article("第十六条", "消防法")
    question = make_enum_multi(fire, CLAUSES, random.Random(2))
    assert question is None or all("消防" in w or "火" in w for w in question.distractors)
