"""Writing a quiz to the files trainers use: .xlsx, .csv, .json here; .docx and .apkg in
:mod:`quiz.paper` and :mod:`quiz.anki`. The format follows the file's extension.

Every writer is atomic: it writes a temporary file next to the target and renames it, so a
crash never leaves half a question bank where the old one was.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from common.atomic import atomic_path
from quiz.questions import DEFAULT_TITLE, LETTERS, Question

#: The column layout exam systems import (one row per question).
COLUMNS = ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "出处", "难度")
_WIDTHS = (8, 60, 22, 22, 22, 22, 10, 60, 28, 6)
FORMATS = (".xlsx", ".docx", ".csv", ".json", ".apkg")


def question_row(question: Question) -> list[str]:
    """One question as the :data:`COLUMNS` row; unused option cells are empty."""
    options = list(question.options[: len(LETTERS)]) + [""] * len(LETTERS)
    return [
        question.type_label,
        question.stem,
        *options[: len(LETTERS)],
        question.answer,
        question.explanation,
        question.citation,
        question.difficulty,
    ]


def write_xlsx(questions: Sequence[Question], path: Path, title: str = DEFAULT_TITLE) -> None:
    """The exam-import sheet: bold header, set column widths, wrapped text, frozen header."""
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(list(COLUMNS))
    for question in questions:
        sheet.append(question_row(question))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = title
    with atomic_path(path) as temp:
        book.save(temp)


def write_csv(questions: Sequence[Question], path: Path, title: str = DEFAULT_TITLE) -> None:
    """The same columns as the sheet, UTF-8 with BOM so Excel opens the Chinese correctly."""
    with atomic_path(path) as temp, temp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(question_row(q) for q in questions)


def write_json(questions: Sequence[Question], path: Path, title: str = DEFAULT_TITLE) -> None:
    """``{"title", "count", "questions": [Question.to_dict() …]}``, readable UTF-8."""
    data = {"title": title, "count": len(questions), "questions": [q.to_dict() for q in questions]}
    with atomic_path(path) as temp:
        temp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def export(questions: Sequence[Question], path: Path | str, title: str = DEFAULT_TITLE) -> Path:
    """Write ``questions`` to ``path`` in the format of its extension; returns the path.

    Raises ``ValueError`` naming the supported extensions for any other.
    """
    path = Path(path)
    writer = _writers().get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"unsupported format {path.suffix!r} for {path}; use one of {FORMATS}")
    writer(questions, path, title)
    return path


def _writers() -> dict[str, Callable[[Sequence[Question], Path, str], None]]:
    from quiz.anki import write_apkg
    from quiz.paper import write_docx

    return {
        ".xlsx": write_xlsx,
        ".csv": write_csv,
        ".json": write_json,
        ".docx": write_docx,
        ".apkg": write_apkg,
    }
