"""A conversation's answers as Word and Excel files: each question with the points that
answer it (the gathered answer: one sentence per clause, each cited).

What a person pastes into a briefing: a table of 问题 / 要点 / 出处 / 文件. Only answered
turns are listed (a low-confidence turn has no answer to quote); every text is written as
data, never as markup, and citations come from the clauses' own fields.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docx import Document
from docx.shared import Pt

from common.atomic import atomic_path
from common.scratch import new_folder
from common.sheet import write_rows
from page import messages as msg
from page.conversation import Conversation

#: (question, point sentence, citation, document title) rows.
Row = tuple[str, str, str, str]


def answer_rows(conversation: Conversation) -> list[Row]:
    """One row per point of each answered turn, in conversation order; a turn answered by
    one clause without gathered points gets its best sentence."""
    rows: list[Row] = []
    for turn in conversation.turns:
        if not turn.answered or turn.result is None:
            continue
        if turn.points:
            for point in turn.points:
                rows.append((turn.question, point.sentence, point.citation, point.hit.clause.title))
        else:
            hit = turn.result.hits[0]
            rows.append((turn.question, hit.answer or hit.clause.text, hit.citation, hit.title))
    return rows


def _target(suffix: str, folder: Path | None) -> Path:
    return (folder or new_folder("answers")) / f"问答要点-{datetime.now():%Y%m%d-%H%M%S}{suffix}"


def write_docx(conversation: Conversation, folder: Path | None = None) -> Path:
    """A Word document: a title, then a table 问题 / 要点 / 出处 / 文件."""
    rows = answer_rows(conversation)
    document = Document()
    document.add_heading(msg.ANSWERS_EXPORT_TITLE, level=1)
    if conversation.dropped:
        document.add_paragraph(msg.EXPORT_RECENT_ONLY.format(turns=len(conversation.turns)))
    if not rows:
        document.add_paragraph(msg.EXPORT_EMPTY)
    table = document.add_table(rows=1, cols=len(msg.ANSWERS_COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, msg.ANSWERS_COLUMNS, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            run = cell.paragraphs[0].add_run(value)
            run.font.size = Pt(10)
    target = _target(".docx", folder)
    with atomic_path(target) as temp:
        document.save(str(temp))
    return target


def write_xlsx(conversation: Conversation, folder: Path | None = None) -> Path:
    """One sheet, one row per point: 问题, 要点, 出处, 文件."""
    target = _target(".xlsx", folder)
    write_rows(
        target, msg.ANSWERS_COLUMNS, answer_rows(conversation), (36, 70, 30, 40),
        sheet_name="问答要点",
    )  # fmt: skip
    return target
