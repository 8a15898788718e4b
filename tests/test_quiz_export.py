"""The exported files, opened with the tools trainers' systems use."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from quiz.export import COLUMNS, export
from quiz.generate import generate_quiz
from quiz.questions import Question
from tests.quiz_samples import sample_clauses


@pytest.fixture(scope="module")
def quiz() -> list[Question]:
    questions = generate_quiz(sample_clauses(), n=15, seed=5)
    assert len(questions) == 15
    return questions


def test_xlsx_has_the_exam_import_layout(quiz: list[Question], tmp_path: Path) -> None:
    path = export(quiz, tmp_path / "quiz.xlsx")
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + len(quiz)
    assert sheet["A1"].font.bold and sheet["B2"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width >= 40
    answer, citation = COLUMNS.index("答案"), COLUMNS.index("出处")
    for row, question in zip(rows[1:], quiz, strict=True):
        assert row[answer] == question.answer
        assert row[citation].startswith("【") and row[citation] == question.citation
        if question.type == "choice":
            assert row[answer] in "ABCD" and row[COLUMNS.index("选项D")]


def test_csv_opens_in_excel_as_utf8_with_the_same_columns(
    quiz: list[Question], tmp_path: Path
) -> None:
    path = export(quiz, tmp_path / "quiz.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 1 + len(quiz)
    assert [r[COLUMNS.index("答案")] for r in rows[1:]] == [q.answer for q in quiz]
    assert all(r[COLUMNS.index("出处")] for r in rows[1:])


def test_json_round_trips_every_field(quiz: list[Question], tmp_path: Path) -> None:
    data = json.loads(export(quiz, tmp_path / "quiz.json").read_text(encoding="utf-8"))
    assert data["count"] == len(quiz) == len(data["questions"])
    first = data["questions"][0]
    assert first["stem"] == quiz[0].stem and first["citation"] == quiz[0].citation
    assert {"type", "options", "answer", "explanation", "clause_id", "difficulty"} <= set(first)


def test_docx_is_a_paper_with_the_answer_key_at_the_end(
    quiz: list[Question], tmp_path: Path
) -> None:
    document = Document(str(export(quiz, tmp_path / "quiz.docx", title="青海培训测验")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "青海培训测验"
    key = texts.index("参考答案与解析")
    numbered = [t for t in texts[:key] if t[:1].isdigit() and ". " in t[:5]]
    assert len(numbered) == len(quiz)
    answers = [t for t in texts[key:] if "答案：" in t]
    assert len(answers) == len(quiz)
    assert sum(t.startswith("出处：【") for t in texts[key:]) == len(quiz)
    assert any(t.startswith("一、") and "题" in t for t in texts[:key])
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "SimSun"


def test_apkg_is_an_anki_collection_with_one_note_per_question(
    quiz: list[Question], tmp_path: Path
) -> None:
    path = export(quiz, tmp_path / "quiz.apkg")
    with zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        notes = connection.execute("select flds, tags from notes").fetchall()
        cards = connection.execute("select count(*) from cards").fetchone()[0]
    finally:
        connection.close()
    assert len(notes) == cards == len(quiz)
    fields = [n[0].split("\x1f") for n in notes]
    assert all(f[5].startswith("【") for f in fields)  # 出处
    assert {f[0] for f in fields} == {q.type_label for q in quiz}
    assert any("青海省" in n[1] and "2020年" in n[1] for n in notes)


def test_anki_ids_are_stable_across_exports(quiz: list[Question], tmp_path: Path) -> None:
    def ids(path: Path) -> tuple[str, str]:
        with zipfile.ZipFile(path) as archive:
            archive.extract("collection.anki2", path.parent)
        connection = sqlite3.connect(path.parent / "collection.anki2")
        try:
            return connection.execute("select models, decks from col").fetchone()
        finally:
            connection.close()

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = json.loads(ids(export(quiz, tmp_path / "a" / "q.apkg"))[0]).keys()
    second = json.loads(ids(export(quiz, tmp_path / "b" / "q.apkg"))[0]).keys()
    assert set(first) == set(second)


def test_a_failed_export_leaves_the_old_file_and_no_temp_files(
    quiz: list[Question], tmp_path: Path
) -> None:
    target = tmp_path / "quiz.json"
    target.write_text("old", encoding="utf-8")
    broken = [*quiz[:1], object()]  # not a Question: the writer fails half way
    with pytest.raises(AttributeError):
        export(broken, target)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["quiz.json"]


def test_unknown_extension_is_refused(quiz: list[Question], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.pdf"):
        export(quiz, tmp_path / "quiz.pdf")
