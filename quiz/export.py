"""Writing a quiz to the files trainers use: .xlsx, .csv, .json here; .docx and .apkg in
:mod:`quiz.paper` and :mod:`quiz.anki`; the exam-system files (问卷星 and 腾讯问卷 text, the
generic 题库 sheet) in :mod:`quiz.exam_formats`.

The format follows the file's name (see :func:`format_of`: ``q.txt`` is 问卷星 text,
``q.tencent.txt`` 腾讯问卷, ``q.sheet.xlsx`` the 题库 sheet) or a format name given with it.

Every writer is atomic: it writes a temporary file next to the target and renames it, so a
crash never leaves half a question bank where the old one was.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from common.atomic import atomic_path
from common.sheet import write_rows
from quiz.questions import DEFAULT_TITLE, LETTERS, Question

#: The column layout exam systems import (one row per question).
COLUMNS = ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "出处", "难度")
_WIDTHS = (8, 60, 22, 22, 22, 22, 10, 60, 28, 6)
FORMATS = (".xlsx", ".docx", ".csv", ".json", ".apkg", ".txt")
#: Every format by name, with the extension its file must have.
FORMAT_EXTENSIONS: dict[str, str] = {
    "xlsx": ".xlsx",
    "docx": ".docx",
    "csv": ".csv",
    "json": ".json",
    "apkg": ".apkg",
    "wjx": ".txt",
    "tencent": ".txt",
    "sheet": ".xlsx",
}
#: The file each format gets when all are written at once (the 出题 tab), and its button label.
FILE_NAMES: dict[str, str] = {
    name: f"quiz{'.' + name if name in ('wjx', 'tencent', 'sheet') else ''}{ext}"
    for name, ext in FORMAT_EXTENSIONS.items()
}
FORMAT_LABELS: dict[str, str] = {
    "xlsx": "xlsx",
    "docx": "docx 试卷",
    "csv": "csv",
    "json": "json",
    "apkg": "Anki",
    "wjx": "问卷星 txt",
    "tencent": "腾讯问卷 txt",
    "sheet": "题库导入 xlsx",
}
#: The formats that exam systems import, by name (``--format``).
EXAM_FORMATS = ("wjx", "tencent", "sheet")
#: Names that pick an exam format by themselves: q.tencent.txt, q.wjx.txt, q.sheet.xlsx.
_NAME_HINTS = {
    ".wjx.txt": "wjx",
    ".tencent.txt": "tencent",
    ".sheet.xlsx": "sheet",
    ".tiku.xlsx": "sheet",
}


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
    write_rows(path, COLUMNS, (question_row(q) for q in questions), _WIDTHS, title=title)


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


def format_of(path: Path | str, formats: Sequence[str] = ()) -> str:
    """The format a file is written in: the first of ``formats`` that fits its extension
    (``--format tencent`` makes q.txt 腾讯问卷 text but leaves q.xlsx a plain sheet), else a
    hint in its name (q.tencent.txt), else its extension (.txt is 问卷星 text).

    Raises ``ValueError`` for an unknown format name or extension.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    unknown = [f for f in formats if f not in FORMAT_EXTENSIONS]
    if unknown:
        raise ValueError(
            f"unknown format {unknown[0]!r}; use one of {', '.join(FORMAT_EXTENSIONS)}"
        )
    for name in formats:
        if FORMAT_EXTENSIONS[name] == suffix:
            return name
    lowered = path.name.lower()
    for hint, name in _NAME_HINTS.items():
        if lowered.endswith(hint):
            return name
    if suffix == ".txt":
        return "wjx"
    if suffix not in FORMATS:
        raise ValueError(f"unsupported format {path.suffix!r} for {path}; use one of {FORMATS}")
    return suffix[1:]


def export(
    questions: Sequence[Question],
    path: Path | str,
    title: str = DEFAULT_TITLE,
    formats: Sequence[str] = (),
) -> Path:
    """Write ``questions`` to ``path`` in the format :func:`format_of` picks; returns the path.

    Raises ``ValueError`` naming the supported extensions for any other.
    """
    path = Path(path)
    _writers()[format_of(path, formats)](questions, path, title)
    return path


def _writers() -> dict[str, Callable[[Sequence[Question], Path, str], None]]:
    from quiz.anki import write_apkg
    from quiz.exam_formats import write_sheet, write_tencent, write_wjx
    from quiz.paper import write_docx

    return {
        "xlsx": write_xlsx,
        "csv": write_csv,
        "json": write_json,
        "docx": write_docx,
        "apkg": write_apkg,
        "wjx": write_wjx,
        "tencent": write_tencent,
        "sheet": write_sheet,
    }
