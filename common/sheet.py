"""One record per row in an .xlsx sheet, laid out for reading and importing.

Every spreadsheet the project writes goes through here — the quiz's question sheet, the
exam systems' 题库 import sheet, the 对比 table and the chat's answer points: bold header,
wrapped text, set column widths, frozen header row, text that starts like a formula kept as
text, written atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.atomic import atomic_path

#: What a spreadsheet would read as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")


def write_rows(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[float],
    *,
    sheet_name: str = "题库",
    title: str = "",
) -> None:
    """Write ``header`` and ``rows`` to the sheet ``sheet_name`` of a new workbook at
    ``path``; ``widths`` are the columns' widths, ``title`` the workbook's title property."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows():
        for cell in line:
            cell.alignment = wrap
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"  # a question typed as "=…" stays text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if title:
        book.properties.title = title
    with atomic_path(path) as temp:
        book.save(temp)
