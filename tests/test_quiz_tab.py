"""The 出题 tab: it builds inside a page, and its action makes files and Chinese messages."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from openpyxl import load_workbook

from quiz.export import FILE_NAMES
from quiz.select import Selection
from quiz.tab import build_quiz_tab, make_quiz
from tests.exam_readers import read_sheet, read_tencent, read_wjx
from tests.law_samples import law_clauses
from tests.quiz_samples import FakeRetriever, sample_clauses

CLAUSES = sample_clauses()


def test_tab_builds_selectors_preview_and_a_download_button_per_format() -> None:
    with gr.Blocks() as page, gr.Tab("出题"):
        build_quiz_tab(FakeRetriever())
    blocks = list(page.blocks.values())
    labels = {getattr(b, "label", None) for b in blocks}
    assert {"省份", "年份", "文件", "章节", "检索词", "条款编号", "题型", "题数"} <= labels
    assert sum(isinstance(b, gr.DownloadButton) for b in blocks) == len(FILE_NAMES)
    assert any(isinstance(b, gr.Dataframe) for b in blocks)
    provinces = next(b for b in blocks if getattr(b, "label", None) == "省份")
    assert [c[1] for c in provinces.choices] == ["云南省", "四川省", "河南省", "浙江省", "青海省"]


def test_make_quiz_writes_every_format_and_previews_each_question(tmp_path: Path) -> None:
    result = make_quiz(
        CLAUSES, None, Selection(provinces=("浙江",)), ["cloze", "choice"], 4, 1, tmp_path
    )
    assert result.message.startswith("已从") and "道题" in result.message
    assert set(result.files) == set(FILE_NAMES) >= {"wjx", "tencent", "sheet"}
    assert result.files["tencent"].read_text(encoding="utf-8").startswith("1. ")
    assert len(result.rows) == len(result.questions) > 0
    assert all(row[6].startswith("【浙江省·2021年") for row in result.rows)
    sheet_rows = list(load_workbook(result.files["xlsx"]).active.iter_rows(values_only=True))
    assert len(sheet_rows) == 1 + len(result.questions)


def test_query_selection_goes_through_the_retriever(tmp_path: Path) -> None:
    result = make_quiz(CLAUSES, FakeRetriever(), Selection(query="監管"), ["cloze"], 5, 1, tmp_path)
    assert result.questions
    assert {q.doc_id for q in result.questions} <= {"yunnan-2019", "zhejiang-2021"}


def test_user_mistakes_get_chinese_messages_and_no_files(tmp_path: Path) -> None:
    none_match = make_quiz(CLAUSES, None, Selection(years=(1999,)), ["cloze"], 5, 1, tmp_path)
    assert "没有符合条件的条款" in none_match.message and not none_match.files
    no_types = make_quiz(CLAUSES, None, Selection(), [], 5, 1, tmp_path)
    assert "请至少选择一种题型" in no_types.message
    no_retriever = make_quiz(CLAUSES, None, Selection(query="消防"), ["cloze"], 5, 1, tmp_path)
    assert "检索" in no_retriever.message
    nothing_to_ask = make_quiz(
        CLAUSES, None, Selection(docs=("henan-2023",)), ["cloze"], 5, 1, tmp_path
    )
    assert "找不到可出题的内容" in nothing_to_ask.message
    assert list(tmp_path.iterdir()) == []


def test_law_articles_are_selected_by_law_and_chapter_and_every_format_downloads(
    tmp_path: Path,
) -> None:
    corpus = [*CLAUSES, *law_clauses()]
    with gr.Blocks() as page, gr.Tab("出题"):
        build_quiz_tab(FakeRetriever(corpus))
    laws = next(b for b in page.blocks.values() if getattr(b, "label", None) == "法律")
    assert [c[1] for c in laws.choices] == ["中华人民共和国安全生产法", "中华人民共和国消防法"]
    selection = Selection(laws=("中华人民共和国安全生产法",), chapter="第六章 法律责任")
    result = make_quiz(corpus, None, selection, ["cloze", "choice", "multi"], 9, 3, tmp_path)
    assert len(result.questions) == 9
    assert all(row[6].startswith("【") and "第" in row[6] for row in result.rows)
    assert sum(q.type == "multi" for q in result.questions) == 3
    wjx = read_wjx(result.files["wjx"])
    assert [q.citation for q in wjx] == [q.citation for q in result.questions]
    assert read_tencent(result.files["tencent"])[0].answer == result.questions[0].answer
    assert read_sheet(result.files["sheet"])[0][-1] == "知识点"


def test_a_bad_article_range_gets_a_chinese_message(tmp_path: Path) -> None:
    bad = make_quiz(
        law_clauses(), None, Selection(articles="第三十条-第十条"), ["cloze"], 5, 1, tmp_path
    )
    assert "条文范围无法识别" in bad.message and not bad.files
