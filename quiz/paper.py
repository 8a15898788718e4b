"""A printable paper (.docx): the questions grouped by type, then the answer key.

Word picks the font for Chinese from the East Asian slot of a run's fonts, which python-docx
does not set; without it Chinese may fall back to a font without CJK glyphs. So every style
used here gets ``w:eastAsia`` = 宋体 (SimSun).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from common.atomic import atomic_path
from quiz.questions import DEFAULT_TITLE, LETTERS, QUESTION_TYPES, TYPE_LABELS, Question

CJK_FONT = "SimSun"
_SECTION_NUMBERS = "一二三四五六七八九十"
_INSTRUCTIONS = {
    "cloze": "（在空白处填写正确内容）",
    "choice": "（每题只有一个正确答案）",
    "multi": "（每题有两个或两个以上正确答案）",
    "judge": "（判断下列表述是否与原文一致）",
    "source": "（选出该内容所出自文件的省份和年份）",
}


def write_docx(questions: Sequence[Question], path: Path, title: str = DEFAULT_TITLE) -> None:
    """Title, numbered questions by type (一、填空题 …), a page break, the answer key with
    each answer's explanation and citation."""
    document = Document()
    _set_cjk_fonts(document)
    heading = document.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"共 {len(questions)} 题    姓名：__________    得分：__________")
    numbered = _numbered_by_type(questions)
    for section, (qtype, items) in enumerate(numbered):
        document.add_heading(
            f"{_SECTION_NUMBERS[section]}、{TYPE_LABELS[qtype]}{_INSTRUCTIONS[qtype]}", level=1
        )
        for number, question in items:
            document.add_paragraph(f"{number}. {question.stem}")
            for letter, option in zip(LETTERS, question.options, strict=False):
                document.add_paragraph(f"{letter}. {option}").paragraph_format.left_indent = Pt(18)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("参考答案与解析", level=1)
    for _, items in numbered:
        for number, question in items:
            answer = document.add_paragraph()
            answer.add_run(f"{number}. 答案：{_answer_shown(question)}").bold = True
            answer.add_run(f"（{question.type_label}，难度：{question.difficulty}）")
            document.add_paragraph(f"解析：{question.explanation}")
            document.add_paragraph(f"出处：{question.citation}")
    with atomic_path(path) as temp:
        document.save(str(temp))


def _numbered_by_type(
    questions: Sequence[Question],
) -> list[tuple[str, list[tuple[int, Question]]]]:
    """Questions grouped in the canonical type order, numbered 1… across the whole paper."""
    groups: list[tuple[str, list[tuple[int, Question]]]] = []
    number = 0
    for qtype in QUESTION_TYPES:
        items = [q for q in questions if q.type == qtype]
        if items:
            groups.append((qtype, [(number + i, q) for i, q in enumerate(items, 1)]))
            number += len(items)
    return groups


def _answer_shown(question: Question) -> str:
    if question.type in ("choice", "multi", "source"):
        return f"{question.answer}（{question.answer_text}）"
    return question.answer


def _set_cjk_fonts(document: DocumentObject) -> None:
    for name in ("Normal", "Title", "Heading 1"):
        style = document.styles[name]
        style.font.name = CJK_FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), CJK_FONT)
