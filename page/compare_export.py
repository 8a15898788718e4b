"""A comparison as files to paste into a report: a .docx table and an .xlsx sheet.

Both keep every citation. Files go to one temporary folder per process (made on first use),
are written atomically (``common.atomic``) and are handed to the page's download buttons
only: no API reply carries a server path.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from common.atomic import atomic_path
from common.scratch import new_folder
from common.sheet import write_rows
from page import messages as msg
from page.compare_cards import source_label
from retriever.compare import Column, Comparison

_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")


def export_folder() -> Path:
    """A fresh folder for one comparison download, inside this process's temporary folder
    (pruned by age and size, removed at exit)."""
    return new_folder("compare")


def _target(comparison: Comparison, suffix: str, folder: Path | None) -> Path:
    topic = _UNSAFE.sub("", comparison.topic)[:20] or "对比"
    name = f"对比-{topic}-{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}{suffix}"
    return (folder or export_folder()) / name


def _cell_rows(column: Column) -> list[tuple[str, str, str, str]]:
    """(citation, answer sentence, clause text, differing facts) per clause of a column."""
    rows = []
    for hit in column.hits:
        differing = "、".join(
            dict.fromkeys(f.fact.text for f in column.facts_of(hit.clause.id) if f.differs)
        )
        rows.append((hit.citation, hit.answer or hit.clause.text[:120], hit.clause.text, differing))
    return rows


def write_docx(comparison: Comparison, folder: Path | None = None) -> Path:
    """A landscape Word document: the topic, then a table with one column per source and
    one row per clause (citation in bold, the answer sentence, the differing facts)."""
    columns = comparison.shown
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(msg.COMPARE_EXPORT_TITLE.format(topic=comparison.topic), level=1)
    years = "、".join(f"{y}年" for y in comparison.years) or msg.COMPARE_ALL_YEARS
    document.add_paragraph(f"{msg.LABEL_YEARS}：{years}")
    for line in _notes(comparison):
        document.add_paragraph(line)
    cells = [_cell_rows(c) for c in columns]
    depth = max((len(rows) for rows in cells), default=0) or 1
    table = document.add_table(rows=depth + 1, cols=max(1, len(columns)))
    table.style = "Table Grid"
    for index, column in enumerate(columns):
        header = table.cell(0, index).paragraphs[0].add_run(source_label(column))
        header.bold = True
        if not column.found:
            table.cell(1, index).text = msg.COMPARE_NOTHING
        for row, (citation, answer, _text, differing) in enumerate(cells[index], start=1):
            paragraph = table.cell(row, index).paragraphs[0]
            paragraph.add_run(citation).bold = True
            paragraph.add_run(f"\n{answer}")
            if differing:
                paragraph.add_run(f"\n{msg.COMPARE_DIFFERS}：{differing}").italic = True
            for run in paragraph.runs:
                run.font.size = Pt(10)
    target = _target(comparison, ".docx", folder)
    with atomic_path(target) as temp:
        document.save(str(temp))
    return target


def write_xlsx(comparison: Comparison, folder: Path | None = None) -> Path:
    """One row per clause (来源, 出处, 要点, 条款原文, 不同之处, 文件); a source with nothing
    on the topic gets one row saying so."""
    header = [msg.COMPARE_COL_SOURCE, msg.COMPARE_COL_CITATION, msg.COMPARE_COL_ANSWER,
              msg.COMPARE_COL_TEXT, msg.COMPARE_COL_DIFFERS, msg.COMPARE_COL_DOCUMENT]  # fmt: skip
    target = _target(comparison, ".xlsx", folder)
    write_rows(
        target, header, _sheet_rows(comparison), (14, 28, 50, 70, 24, 36), sheet_name="对比",
        title=msg.COMPARE_EXPORT_TITLE.format(topic=comparison.topic),
    )  # fmt: skip
    return target


def _sheet_rows(comparison: Comparison) -> Iterator[list[str]]:
    for column in comparison.columns:
        label = source_label(column)
        if not column.found:
            yield [label, "", msg.COMPARE_NOTHING, "", "", ""]
        for hit, (citation, answer, text, differing) in zip(
            column.hits, _cell_rows(column), strict=True
        ):
            yield [label, citation, answer, text, differing, hit.clause.title]


def _notes(comparison: Comparison) -> list[str]:
    lines = []
    if comparison.absent:
        lines.append(msg.COMPARE_ABSENT.format(provinces="、".join(comparison.absent)))
    if comparison.missing:
        missing = "、".join(source_label(c) for c in comparison.columns if not c.found)
        lines.append(msg.COMPARE_MISSING.format(sources=missing))
    return lines
