"""The 对比 view's handlers, HTML, downloads and API over a real Retriever (fake encoder)."""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook

from page import compare as logic
from page import compare_export, handlers
from page import messages as msg
from page.compare_cards import comparison_html
from page.conversation import Conversation
from retriever.compare import CompareError
from tests.compare_fakes import compare_retriever


@pytest.fixture(scope="module")
def retriever(tmp_path_factory):
    return compare_retriever(tmp_path_factory.mktemp("page-compare") / "index")


def _ask(retriever, *texts, laws=True):
    state = logic.CompareState()
    for text in texts:
        state = logic.run(retriever, state, text, laws=laws)
    return state


def test_columns_show_citations_answers_and_differing_facts(retriever):
    state = _ask(retriever, "浙江和云南在危险化学品方面的要求有什么不同")
    html = comparison_html(state.comparison)
    assert html.count('class="qa-col"') == 3  # 浙江, 云南, 全国
    assert "【浙江省·2021年·第1项】" in html and "【云南省·2019年·第1项】" in html
    assert f'<div class="qa-col-head">{msg.COMPARE_NATIONAL}</div>' in html
    assert '<mark class="qa-diff">50支</mark>' in html
    assert '<mark class="qa-diff">年底前</mark>' in html
    assert '<mark class="qa-diff">兩重點一重大</mark>' not in html  # in both provinces


def test_follow_ups_add_remove_provinces_and_bound_the_years(retriever):
    state = _ask(retriever, "浙江和云南的危险化学品", "再加上河南")
    assert state.comparison.provinces == ("浙江省", "云南省", "河南省")
    assert "河南省" in state.comparison.missing  # named, so shown, and says it has nothing
    state = logic.run(retriever, state, "去掉云南")
    assert state.comparison.provinces == ("浙江省", "河南省")
    state = logic.run(retriever, state, "只看2020年以后")
    assert set(state.comparison.years) == {2020, 2021, 2023}  # 以后 includes 2020
    assert state.comparison.topic == "危险化学品"


def test_a_new_question_with_a_year_bound_takes_the_years_from_then_on(retriever):
    comparison = _ask(retriever, "浙江和云南2020年以后的危险化学品").comparison
    assert set(comparison.years) == {2020, 2021, 2023}
    zhejiang, yunnan = comparison.columns[:2]
    assert zhejiang.found and not yunnan.found  # 云南's document is from 2019


def test_bad_input_keeps_the_last_comparison_and_says_why(retriever):
    state = _ask(retriever, "浙江和云南的危险化学品")
    kept = state.comparison
    for text, expected in [
        ("", msg.COMPARE_EMPTY),
        ("浙江的危险化学品", msg.COMPARE_ONE_SOURCE),
        ("浙江和云南有什么不同", msg.COMPARE_NO_TOPIC),
        ("广东和海南的危险化学品", msg.COMPARE_ABSENT_ONLY.format(provinces="广东省、海南省")),
    ]:
        refused = logic.run(retriever, state, text, laws=False)
        assert refused.notice == expected and refused.comparison is kept
    first = logic.run(retriever, logic.CompareState(), "再加上河南")
    assert first.notice == msg.COMPARE_NO_FOLLOW_UP
    too_many = CompareError("too-many", "x", count=8, limit=6)
    assert logic.error_message(too_many) == "一次最多并排对比6个来源，您选了8个，请减少省份后再试。"


def test_every_province_names_those_without_clauses(retriever):
    html = comparison_html(_ask(retriever, "各省对消防车通道有什么要求").comparison)
    assert "青海省" in html and "【青海省·2020年·第2项】" in html
    assert msg.COMPARE_MISSING.split("：")[0] in html
    assert '<div class="qa-col-head">浙江省</div>' not in html


def test_downloads_keep_the_citations(retriever, tmp_path):
    comparison = _ask(retriever, "浙江和云南的危险化学品").comparison
    docx = compare_export.write_docx(comparison, tmp_path)
    table = Document(str(docx)).tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["浙江省", "云南省", msg.COMPARE_NATIONAL]
    cells = "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert "【浙江省·2021年·第1项】" in cells and "【云南省·2019年·第1项】" in cells
    sheet = load_workbook(compare_export.write_xlsx(comparison, tmp_path)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == [msg.COMPARE_COL_SOURCE, msg.COMPARE_COL_CITATION]
    assert ["浙江省", "【浙江省·2021年·第1项】"] in [row[:2] for row in rows]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_downloads_live_in_the_process_temporary_folder(retriever):
    from common.scratch import scratch_root

    comparison = _ask(retriever, "浙江和云南的危险化学品").comparison
    first = compare_export.write_docx(comparison)
    second = compare_export.write_xlsx(comparison)
    assert first.parent.parent == second.parent.parent == scratch_root()


def test_compare_api_returns_one_entry_per_source_and_no_paths(retriever):
    data = logic.compare_api(retriever, "危险化学品", ["浙江省", "云南"], [], True)
    assert [s["source"] for s in data["sources"]] == ["浙江省", "云南省", "全国"]
    assert "/tmp" not in json.dumps(data, ensure_ascii=False)
    with pytest.raises(ValueError, match=msg.COMPARE_ONE_SOURCE):
        logic.compare_api(retriever, "危险化学品", ["浙江"], None, False)
    with pytest.raises(ValueError, match=msg.COMPARE_EMPTY):
        logic.compare_api(retriever, "  ")


def test_chat_answer_gathers_points_from_several_documents(retriever):
    conv = handlers.ask(retriever, Conversation(), "危险化学品整治", k=5)
    turn = conv.turns[-1]
    assert len({p.hit.clause.doc.doc_id for p in turn.points}) >= 2
    html = handlers.turn_messages(turn)[0]["content"]
    assert msg.POINTS_PREFIX in html
    for point in turn.points:
        assert point.citation in html


def test_the_chat_points_comparison_questions_to_the_compare_tab(retriever):
    def shown(question: str) -> str:
        conv = handlers.ask(retriever, Conversation(), question, k=3)
        return "".join(m["content"] for m in handlers.chat_messages(conv))

    assert msg.COMPARE_HINT in shown("浙江和云南的危险化学品")
    assert msg.COMPARE_HINT in shown("各省对消防车通道有什么要求")
    assert msg.COMPARE_HINT not in shown("浙江的危险化学品")
