"""Files that online exam systems import unchanged: 问卷星 and 腾讯问卷 text, a generic 题库 sheet.

Each writer turns the quiz into the grammar its system reads when a trainer pastes or uploads
it; the grammars (written down here so tests can parse the files back with them):

**问卷星 批量添加 (wjx)** — one question per block, blocks separated by a blank line::

    1. 题干[单选题](2分)
    选项一
    选项二(正确答案)
    解析：条款原文　出处：【…】

The header is the number, the stem, the type in brackets ([单选题] [多选题] [判断题]
[填空题]) and the score; each following line is one option (no letter: the system letters
them itself), the right ones ending in ``(正确答案)``; a 判断题 has the options 正确 and 错误;
a 填空题 has no options and a line ``答案：…``. This follows 问卷星's batch-add text as
published in working examples (a batch-add survey text, an exam generator writing
``N. 题干 [单选题] (1分)`` with one option a line, an import sample marking right options
``(正确答案)``); it is not checked against 问卷星's own help pages, which were not available.

**腾讯问卷 (tencent)** — the same block layout, options lettered ``A. …`` and the key on
its own lines::

    1. 题干[单选题]
    A. 选项一
    B. 选项二
    答案：B
    解析：条款原文　出处：【…】　分值：2

判断题 are answered 正确/错误, 填空题 with the term. 腾讯问卷's text syntax could not be looked
up here; this layout is the common lettered-option form, and is marked so in the note.

**题库 sheet (sheet)** — one row per question under the header :data:`SHEET_COLUMNS`: 题型 as
单选/多选/判断/填空 (出处题 are 单选), 选项A–H, 答案 as letters (判断 answered 正确/错误, with
正确/错误 as options A/B), 解析, 分值, 难度, 知识点 = the citation.

Text formats hold one line per field, so newlines inside a law article (its 款) become a
space; :func:`one_line` is what a reader compares against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from common.atomic import write_text
from common.sheet import write_rows
from quiz.questions import LETTERS, Question

#: Score of each question type, written into every format that carries one.
POINTS: dict[str, int] = {"cloze": 2, "choice": 2, "multi": 3, "judge": 1, "source": 2}
#: The type words of the text formats and of the sheet.
TEXT_TYPES: dict[str, str] = {
    "cloze": "填空题",
    "choice": "单选题",
    "multi": "多选题",
    "judge": "判断题",
    "source": "单选题",
}
SHEET_TYPES: dict[str, str] = {k: v[:2] for k, v in TEXT_TYPES.items()}
SHEET_COLUMNS: tuple[str, ...] = (
    "题型",
    "题干",
    *(f"选项{letter}" for letter in "ABCDEFGH"),
    "答案",
    "解析",
    "分值",
    "难度",
    "知识点",
)
RIGHT_MARK = "(正确答案)"
_WIDTHS = {"题型": 8, "题干": 60, "解析": 60, "知识点": 30, "答案": 8, "分值": 6, "难度": 6}


def one_line(text: str) -> str:
    """``text`` on one line: line breaks (and the spaces around them) become one space."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


def explanation_line(question: Question, *, points: bool = False) -> str:
    line = f"解析：{one_line(question.explanation)}　出处：{question.citation}"
    return line + (f"　分值：{POINTS[question.type]}" if points else "")


def wjx_text(questions: Sequence[Question]) -> str:
    """The 问卷星 batch-add text of ``questions`` (grammar in the module docstring)."""
    blocks = []
    for number, question in enumerate(questions, 1):
        kind = TEXT_TYPES[question.type]
        lines = [f"{number}. {one_line(question.stem)}[{kind}]({POINTS[question.type]}分)"]
        if question.type == "cloze":
            lines.append(f"答案：{question.answer}")
        else:
            right = _right_options(question)
            lines += [
                one_line(option) + (RIGHT_MARK if option in right else "")
                for option in question.options
            ]
        lines.append(explanation_line(question))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def tencent_text(questions: Sequence[Question]) -> str:
    """The 腾讯问卷 text of ``questions`` (grammar in the module docstring)."""
    blocks = []
    for number, question in enumerate(questions, 1):
        lines = [f"{number}. {one_line(question.stem)}[{TEXT_TYPES[question.type]}]"]
        if question.type != "cloze":
            lines += [
                f"{letter}. {one_line(option)}"
                for letter, option in zip(LETTERS, question.options, strict=False)
            ]
        lines.append(f"答案：{question.answer}")
        lines.append(explanation_line(question, points=True))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def sheet_row(question: Question) -> list[str | int]:
    """One question as the :data:`SHEET_COLUMNS` row."""
    options = list(question.options)[:8] + [""] * 8
    return [
        SHEET_TYPES[question.type],
        question.stem,
        *options[:8],
        question.answer,
        question.explanation,
        POINTS[question.type],
        question.difficulty,
        question.citation,
    ]


def write_wjx(questions: Sequence[Question], path: Path, title: str = "") -> None:
    write_text(path, wjx_text(questions))


def write_tencent(questions: Sequence[Question], path: Path, title: str = "") -> None:
    write_text(path, tencent_text(questions))


def write_sheet(questions: Sequence[Question], path: Path, title: str = "") -> None:
    """The generic 题库 import sheet: header row, one row per question, sheet named 题库."""
    widths = [_WIDTHS.get(name, 18) for name in SHEET_COLUMNS]
    write_rows(path, SHEET_COLUMNS, (sheet_row(q) for q in questions), widths, title=title)


def _right_options(question: Question) -> set[str]:
    if question.type == "judge":
        return {question.answer}
    return {question.options[LETTERS.index(letter)] for letter in question.answer}
