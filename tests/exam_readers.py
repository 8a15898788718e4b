"""Readers of the exam-system files, written from the grammars (quiz.exam_formats docstring),
not from the writers' code: each returns, per question, what an exam system would import.

A reader raises ``AssertionError`` on anything its grammar does not allow, so a test using
it fails on a malformed file rather than reading it loosely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

# "1. 题干[单选题](2分)"; the published examples also write "1. 题干 [单选题] (1分)" and, for
# surveys, "1. 您的性别：*[单选题]" (* = required, no score)
_HEADER_WJX = re.compile(
    r"^(\d+)\. ?(.+?)\*? ?\[(单选题|多选题|判断题|填空题)\](?: ?\((\d+)分\))?$"
)
_HEADER_TENCENT = re.compile(r"^(\d+)\. (.+)\[(单选题|多选题|判断题|填空题)\]$")
_OPTION_TENCENT = re.compile(r"^([A-H])\. (.+)$")
_EXPLANATION = re.compile(r"^解析：(.*)　出处：(【[^】]+】)(?:　分值：(\d+))?$")


@dataclass(frozen=True)
class Imported:
    """One question as the exam system sees it."""

    kind: str  # 单选题/多选题/判断题/填空题 (the sheet's 单选/多选/判断/填空 with 题 added)
    stem: str
    options: tuple[str, ...]
    answer: str  # letters for 单选/多选, 正确/错误 for 判断, the text for 填空
    explanation: str
    citation: str
    points: int


def _blocks(text: str) -> list[list[str]]:
    assert text.endswith("\n") and "\r" not in text
    return [block.split("\n") for block in text.strip("\n").split("\n\n")]


def read_wjx(path: Path) -> list[Imported]:
    """问卷星 batch-add text: header, option lines (right ones end in (正确答案)), 解析 line."""
    questions = []
    for number, lines in enumerate(_blocks(path.read_text(encoding="utf-8")), 1):
        header = _HEADER_WJX.match(lines[0])
        assert header, lines[0]
        assert int(header.group(1)) == number
        kind, points = header.group(3), int(header.group(4) or 0)
        explanation = _EXPLANATION.match(lines[-1])
        assert explanation is None or explanation.group(3) is None, lines[-1]
        body = lines[1:-1] if explanation else lines[1:]
        reason, citation = explanation.group(1, 2) if explanation else ("", "")
        if kind == "填空题":
            assert not body or (len(body) == 1 and body[0].startswith("答案："))
            options, answer = (), body[0][3:] if body else ""
        else:
            assert len(body) >= 2
            options = tuple(line.removesuffix("(正确答案)") for line in body)
            right = [i for i, line in enumerate(body) if line.endswith("(正确答案)")]
            if kind == "判断题":
                assert options == ("正确", "错误") and len(right) <= 1
            else:
                assert len(right) <= 1 if kind == "单选题" else len(right) != 1
            answer = "".join("ABCDEFGH"[i] for i in right)
            if kind == "判断题" and right:
                answer = options[right[0]]
        questions.append(Imported(kind, header.group(2), options, answer, reason, citation, points))
    return questions


def read_tencent(path: Path) -> list[Imported]:
    """腾讯问卷 text: header, lettered options, 答案 line, 解析 line with 出处 and 分值."""
    questions = []
    for number, lines in enumerate(_blocks(path.read_text(encoding="utf-8")), 1):
        header = _HEADER_TENCENT.match(lines[0])
        assert header, lines[0]
        assert int(header.group(1)) == number
        kind = header.group(3)
        explanation = _EXPLANATION.match(lines[-1])
        assert explanation and explanation.group(3), lines[-1]
        assert lines[-2].startswith("答案：")
        answer = lines[-2][3:]
        options = []
        for expected, line in zip("ABCDEFGH", lines[1:-2], strict=False):
            option = _OPTION_TENCENT.match(line)
            assert option and option.group(1) == expected, line
            options.append(option.group(2))
        assert len(options) == len(lines) - 3
        if kind == "填空题":
            assert not options
        elif kind == "判断题":
            assert tuple(options) == ("正确", "错误") and answer in options
        else:
            assert answer and all(letter in "ABCDEFGH"[: len(options)] for letter in answer)
        questions.append(
            Imported(
                kind,
                header.group(2),
                tuple(options),
                answer,
                *explanation.group(1, 2),
                int(explanation.group(3)),
            )
        )
    return questions


def read_sheet(path: Path) -> tuple[tuple[str, ...], list[Imported]]:
    """The 题库 sheet: its header and its rows, read by column name with openpyxl."""
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = tuple(rows[0])
    at = {name: header.index(name) for name in header}
    questions = []
    for row in rows[1:]:
        kind = row[at["题型"]] + "题"
        options = tuple(row[at[f"选项{x}"]] for x in "ABCDEFGH" if row[at[f"选项{x}"]])
        questions.append(
            Imported(
                kind,
                row[at["题干"]],
                options,
                row[at["答案"]],
                row[at["解析"]],
                row[at["知识点"]],
                int(row[at["分值"]]),
            )
        )
    return header, questions
