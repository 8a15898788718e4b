"""问卷星 / 腾讯问卷 text and the 题库 sheet: parsed back with readers built from their grammars."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.exam_formats import POINTS, SHEET_COLUMNS, one_line
from quiz.export import FILE_NAMES, export, format_of
from quiz.generate import generate_quiz
from quiz.questions import Question
from tests.exam_readers import Imported, read_sheet, read_tencent, read_wjx
from tests.quiz_samples import sample_clauses

#: The published 问卷星 batch-add examples the grammar was taken from: a survey text (required
#: mark *, options one a line) and an exam text (score in brackets, right option marked).
WJX_EXAMPLES = """1. 您的性别：*[单选题]
男
女
其他

2. 您的母语为（含方言）：*[填空题]

3. 完型11 [单选题] (1分)
A
B(正确答案)
C
D

4. 初次申领的机动车驾驶证有效期为6年。[判断题]
正确(正确答案)
错误
"""

KINDS = {
    "cloze": "填空题",
    "choice": "单选题",
    "multi": "多选题",
    "judge": "判断题",
    "source": "单选题",
}


@pytest.fixture(scope="module")
def quiz() -> list[Question]:
    questions = generate_quiz(sample_clauses(), n=15, seed=5)
    assert {q.type for q in questions} == set(KINDS)
    return questions


def _same(imported: list[Imported], quiz: list[Question]) -> None:
    assert len(imported) == len(quiz)
    for got, question in zip(imported, quiz, strict=True):
        assert got.kind == KINDS[question.type]
        assert got.stem == one_line(question.stem)
        assert got.options == tuple(one_line(o) for o in question.options)
        assert got.answer == question.answer
        assert got.citation == question.citation
        assert got.explanation == one_line(question.explanation)
        assert got.points == POINTS[question.type]


def test_the_wjx_reader_reads_the_published_examples(tmp_path: Path) -> None:
    path = tmp_path / "examples.txt"
    path.write_text(WJX_EXAMPLES, encoding="utf-8")
    examples = read_wjx(path)
    assert [q.kind for q in examples] == ["单选题", "填空题", "单选题", "判断题"]
    assert examples[0].options == ("男", "女", "其他") and examples[0].stem == "您的性别："
    assert examples[2].answer == "B" and examples[2].points == 1
    assert examples[3].answer == "正确"


def test_wjx_text_reads_back_as_the_same_questions(quiz: list[Question], tmp_path: Path) -> None:
    path = export(quiz, tmp_path / "q.txt")
    _same(read_wjx(path), quiz)


def test_tencent_text_reads_back_as_the_same_questions(
    quiz: list[Question], tmp_path: Path
) -> None:
    path = export(quiz, tmp_path / "q.txt", formats=("tencent",))
    _same(read_tencent(path), quiz)
    assert path.read_text(encoding="utf-8") != export(quiz, tmp_path / "w.txt").read_text(
        encoding="utf-8"
    )


def test_the_sheet_has_the_documented_columns_and_reads_back(
    quiz: list[Question], tmp_path: Path
) -> None:
    header, rows = read_sheet(export(quiz, tmp_path / "q.sheet.xlsx"))
    assert header == SHEET_COLUMNS
    assert header[:3] == ("题型", "题干", "选项A") and "选项H" in header and header[-1] == "知识点"
    for row, question in zip(rows, quiz, strict=True):
        assert row.kind == KINDS[question.type]
        assert row.answer == question.answer and row.citation == question.citation
        assert row.points == POINTS[question.type] and row.explanation == question.explanation
        if question.type == "judge":
            assert row.options == ("正确", "错误") and row.answer in ("正确", "错误")
        elif question.type != "cloze":
            assert row.answer and set(row.answer) <= set("ABCD")


def test_format_follows_the_flag_then_the_name_then_the_extension() -> None:
    assert format_of("q.txt") == "wjx"
    assert format_of("q.tencent.txt") == "tencent"
    assert format_of("q.txt", ("sheet", "tencent")) == "tencent"
    assert format_of("q.xlsx", ("tencent",)) == "xlsx"
    assert format_of("q.xlsx", ("sheet",)) == "sheet"
    assert format_of("q.sheet.xlsx") == "sheet"
    assert {format_of(name) for name in FILE_NAMES.values()} == set(FILE_NAMES)
    with pytest.raises(ValueError, match="moodle"):
        format_of("q.txt", ("moodle",))
