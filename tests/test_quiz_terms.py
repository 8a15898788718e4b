"""Key terms: what a trainer would blank, found on real sentences of the corpus."""

from __future__ import annotations

from quiz.terms import find_terms, is_trivial
from tests.quiz_samples import clause_with, sample_clauses


def _terms(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in find_terms(text)]


def test_figures_percents_and_deadlines_keep_their_units() -> None:
    text = (
        "完成危化品专业救援队伍建设,新培育50支社會應急力量,鄉鎮應急管理站建成率達100%;"
        "6月底前建立企业安全风险数据库,12月20日前报送,完成2萬名以上员工培训,治理150座尾矿库。"
    )
    terms = _terms(text)
    assert ("figure", "50支") in terms
    assert ("percent", "100%") in terms
    assert ("deadline", "6月底前") in terms
    assert ("deadline", "12月20日前") in terms
    assert ("figure", "2萬名") in terms
    assert ("figure", "150座") in terms
    units = {t.text: t.unit for t in find_terms(text)}
    assert units["50支"] == "支" and units["2萬名"] == "万名" and units["100%"] == "%"


def test_years_and_document_numbers_are_not_figures() -> None:
    text = "貫徹落實《安全生產領域改革意見》(云政發〔2018〕50號),確保2020年各項任務措施落地生根。"
    assert [kind for kind, _ in _terms(text)] == ["title"]


def test_quoted_terms_and_titles_are_blanked_inside_their_marks() -> None:
    clause = sample_clauses()[7]  # 云南 二、（三）1
    terms = find_terms(clause.text)
    assert ("quoted", "三個必須") in [(t.kind, t.text) for t in terms]
    title = next(t for t in terms if t.kind == "title")
    assert clause.text[title.start - 1] == "《" and clause.text[title.end] == "》"


def test_lead_departments_come_from_the_responsibility_note() -> None:
    clause = sample_clauses()[2]  # (省委宣传部、应急管理厅牵头,各有关部门分工负责)
    departments = [t.text for t in find_terms(clause.text) if t.kind == "department"]
    assert departments == ["省委宣传部", "应急管理厅"]
    note = clause_with("加强监督检查。(省应急管理厅会同有关部门负责)")
    assert [t.text for t in find_terms(note.text) if t.kind == "department"] == ["应急管理厅"]


def test_every_term_is_the_exact_span_of_the_clause_text() -> None:
    for clause in sample_clauses():
        for term in find_terms(clause.text):
            assert clause.text[term.start : term.end] == term.text


def test_filler_words_are_never_terms() -> None:
    text = "要“加强”“推进”“落实”各项“工作”,“的”要求。"
    assert _terms(text) == []
    assert is_trivial("加强") and is_trivial("工作") and is_trivial("的") and is_trivial("20")
    assert not is_trivial("三个必须")


def test_a_paragraph_without_facts_has_no_terms() -> None:
    assert find_terms(sample_clauses()[11].text) == ()
