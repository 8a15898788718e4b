"""Figures in Chinese numerals, subjects and key terms of law articles, and their swaps."""

from __future__ import annotations

import random
import re

import pytest

from quiz import numerals
from quiz.distractors import TermPool, pick_distractors
from quiz.questions import make_cloze
from quiz.terms import Term, clause_terms, find_terms
from tests.law_samples import law_clauses

CLAUSES = law_clauses()
POOL = TermPool.from_clauses(CLAUSES)
_NUMERAL = re.compile(numerals.NUMERAL)


def _article(item: str, law: str = "安全生产法"):
    return next(c for c in CLAUSES if c.item == item and law in c.title)


def _terms(text: str) -> dict[str, str]:
    return {t.text: t.kind for t in find_terms(text, law=True)}


@pytest.mark.parametrize(
    ("text", "value"),
    [("十", 10), ("十五", 15), ("三十", 30), ("一百", 100), ("一百零一", 101), ("二千", 2000)],
)
def test_chinese_numerals_read_and_write_back(text: str, value: int) -> None:
    assert numerals.parse(text) == value
    assert numerals.write(value) == text


def test_every_value_below_ten_thousand_round_trips() -> None:
    assert all(numerals.parse(numerals.write(v)) == v for v in range(1, 10_000))


def test_figures_with_units_are_recognised() -> None:
    text = (
        "从业人员超过一百人的，应当在三十日内报告，处五万元以上十万元以下的罚款，"
        "并处上一年年收入百分之五十的罚款。"
    )
    terms = _terms(text)
    assert terms["一百人"] == "figure"
    assert terms["三十日内"] == "period"
    assert terms["五万元以上十万元以下"] == "range"
    assert terms["百分之五十"] == "percent"
    assert "一年" not in terms  # 上一年 is "last year", not a figure


def test_article_numbers_and_references_are_never_figures() -> None:
    terms = _terms("依照本法第一百条、第十六条和第二十一条第二款的规定，第三十日起，前款所列之一。")
    assert not [t for t, kind in terms.items() if kind in ("figure", "period", "range")]


def test_a_figure_is_swapped_for_one_of_the_same_kind_in_chinese_numerals() -> None:
    clause = _article("第二十四条")
    term = next(t for t in clause_terms(clause) if t.text == "一百人")
    wrong = pick_distractors(term, clause, POOL, random.Random(1), k=3)
    assert "五十人" in wrong
    assert len(wrong) == 3
    for option in wrong:
        assert option.endswith("人") and not any(ch.isdigit() for ch in option)
        assert option not in clause.text and numerals.parse(option[:-1])


def test_a_time_limit_and_a_fine_range_keep_their_form() -> None:
    clause = _article("第九十四条")
    terms = {t.text: t for t in clause_terms(clause)}
    period = pick_distractors(terms["五年内"], clause, POOL, random.Random(2))
    assert period and all(re.fullmatch(f"{numerals.NUMERAL}年内", p) for p in period)
    fine = pick_distractors(terms["二万元以上五万元以下"], clause, POOL, random.Random(2))
    assert len(fine) == 3
    for option in fine:
        low, high = numerals.numbers_in(option)
        assert re.fullmatch(f"{numerals.NUMERAL}万元以上{numerals.NUMERAL}万元以下", option)
        assert low < high and option not in clause.text


def test_responsible_subjects_and_key_terms_are_blanks() -> None:
    article = _article("第二十一条")
    kinds = {t.text: t.kind for t in clause_terms(article)}
    assert kinds["生产经营单位的主要负责人"] == "subject"
    assert kinds["全员安全生产责任制"] == "keyterm"
    government = _terms("县级以上人民政府应急管理部门应当依法履行职责。")
    assert government == {"县级以上人民政府应急管理部门": "subject"}
    term = next(t for t in clause_terms(article) if t.text == "全员安全生产责任制")
    question = make_cloze(article, term, POOL, random.Random(1))
    assert question is not None and question.answer == "全员安全生产责任制"
    assert "______" in question.stem and question.citation == article.citation


def test_a_subject_is_swapped_for_a_subject_on_the_same_side() -> None:
    clause = _article("第五条")
    term = next(t for t in clause_terms(clause) if t.text == "生产经营单位的主要负责人")
    wrong = pick_distractors(term, clause, POOL, random.Random(3))
    government = ("部门", "机构", "人民政府")
    assert wrong and not any(w.endswith(government) for w in wrong)


def test_provincial_clauses_keep_their_terms() -> None:
    text = "2月底前在8个重点行业领域建立安全生产专业委员会，处五万元罚款"
    assert [t.text for t in find_terms(text)] == ["2月底前", "8个"]
    assert isinstance(find_terms(text, law=True)[0], Term)
