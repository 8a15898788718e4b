"""The library folder: stored under generated names, atomic and crash-consistent, every bad
input refused with the library left byte-identical, and the CLI over it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from corpus.__main__ import main as corpus_main
from corpus.clause import REPEALED
from corpus.ingest import IngestError, infer_doc_number
from corpus.library import Library, LibraryError, default_library_dir, load_with_library
from page import messages as msg
from page.library_service import message_of
from tests.library_fakes import DRONE_CITATION, DRONE_LINES, DRONE_TITLE, docx_bytes, tree_bytes

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library")


def _library_clauses(library: Library) -> list:
    return [c for c in load_with_library(None, library).clauses if c.doc.doc_id.startswith("lib-")]


def test_added_document_is_stored_under_a_generated_name_and_indexed_with_the_default_corpus(
    library: Library,
):
    draft = library.check(docx_bytes(), "甘肃 要点（终稿）.docx")
    assert draft.fields["province"] == "甘肃省" and draft.fields["year"] == 2024
    assert draft.fields["doc_number"] == "甘应急〔2024〕7号"
    assert draft.report.counts["items"] == 3
    assert draft.report.preview[1][0] == DRONE_CITATION
    entry = library.add(draft, {"issuer": "甘肃省应急管理厅办公室"})
    assert entry.file == f"{entry.doc_id}-v1.docx" and (library.folder / entry.file).is_file()
    assert entry.original_name == "甘肃 要点（终稿）.docx"
    assert entry.sources["province"] == "inferred" and entry.sources["issuer"] == "user"
    clauses = _library_clauses(library)
    assert [c.citation for c in clauses if c.kind == "item"][1] == DRONE_CITATION
    corpus = load_with_library(None, library)
    assert {"qinghai-2020", entry.doc_id} <= {c.doc.doc_id for c in corpus.clauses}


def test_edit_retire_replace_and_remove(library: Library):
    entry = library.add(library.check(docx_bytes(), "a.docx"))
    library.edit(entry.doc_id, {"province": "青海", "year": "2023"})
    assert {(c.province, c.year) for c in _library_clauses(library)} == {("青海省", 2023)}
    library.set_status(entry.doc_id, REPEALED)
    assert {c.doc.status for c in _library_clauses(library)} == {REPEALED}
    lines = (*DRONE_LINES, "4.新增：汛期前完成无人机机库检修。")
    new = library.replace(entry.doc_id, library.check(docx_bytes(lines), "a-v2.docx"))
    assert new.doc_id == entry.doc_id and new.version == 2
    stored = sorted(p.name for p in library.folder.iterdir() if not p.name.startswith("."))
    assert stored == [f"{entry.doc_id}-v2.docx", "manifest.json"]
    assert any("机库检修" in c.text for c in _library_clauses(library))
    assert _library_clauses(library)[0].year == 2023  # metadata kept across versions
    library.remove(entry.doc_id)
    assert library.entries() == [] and _library_clauses(library) == []
    with pytest.raises(LibraryError) as refused:
        library.remove(entry.doc_id)
    assert message_of(refused.value) == msg.LIB_ERRORS["unknown-doc"]


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=300, height=300)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"0" * (3 * 1024 * 1024))
    return out.getvalue()


BAD_INPUTS = [
    ("too-large", "big.txt", "一、加强安全生产。\n".encode() * 2000),
    ("empty", "empty.txt", b""),
    ("empty", "blank.md", b" \n\n  \n"),
    ("binary", "data.txt", bytes(range(256)) * 40),
    ("scanned", "scan.pdf", _blank_pdf()),
    ("docx-bomb", "bomb.docx", _zip_bomb()),
    ("bad-docx", "notzip.docx", "这不是压缩包".encode()),
    ("bad-name", "../../etc/cron.d/x.txt", "一、加强安全生产。".encode()),
    ("bad-name", "子目录/文件.txt", "一、加强安全生产。".encode()),
    ("bad-name", "bell\x07.txt", "一、加强安全生产。".encode()),
    ("bad-name", 'a<b>"c".txt', "一、加强安全生产。".encode()),
    ("unsupported", "tool.exe", b"MZ\x90\x00"),
]


@pytest.mark.parametrize(("code", "name", "data"), BAD_INPUTS, ids=[b[1] for b in BAD_INPUTS])
def test_bad_input_gets_its_message_and_leaves_the_library_byte_identical(
    library: Library, monkeypatch: pytest.MonkeyPatch, code: str, name: str, data: bytes
):
    library.add(library.check(docx_bytes(), "first.docx"))
    monkeypatch.setenv("POLICY_QA_MAX_FILE_MB", "0.01")
    monkeypatch.setenv("POLICY_QA_MAX_DOCX_UNCOMPRESSED_MB", "1")
    before = tree_bytes(library.folder)
    with pytest.raises(IngestError) as refused:
        library.add(library.check(data, name))
    assert refused.value.code == code
    sentence = message_of(refused.value, name)
    assert sentence.startswith(msg.LIB_ERRORS[code].split("“")[0].split("：")[0])
    assert "{" not in sentence
    assert tree_bytes(library.folder) == before


def test_a_duplicate_in_another_encoding_is_refused_and_changes_nothing(library: Library):
    text = "\n".join(DRONE_LINES)
    library.add(library.check(text.encode("utf-8"), "drone.txt"))
    before = tree_bytes(library.folder)
    for data, name in ((text.encode("utf-8"), "again.txt"), (text.encode("gb18030"), "gbk.txt")):
        with pytest.raises(LibraryError) as refused:
            library.check(data, name)
        assert message_of(refused.value, name) == msg.LIB_ERRORS["duplicate"].format(
            name=name, title=DRONE_TITLE
        )
    default_copy = (
        REPO / "corpus/documents/qinghai-2020-anweihui-gongzuo-yaodian.txt"
    ).read_bytes()
    with pytest.raises(LibraryError):
        library.check(default_copy, "qinghai.txt")
    assert tree_bytes(library.folder) == before


def test_no_province_or_year_is_allowed_and_flagged(library: Library):
    text = "关于加强仓库消防管理的通知\n一、每月检查一次灭火器。\n二、通道不得堆放杂物。"
    entry = library.add(library.check(text.encode(), "通知.txt"), {"province": "", "year": ""})
    assert entry.province == "" and entry.year is None
    clauses = _library_clauses(library)
    assert clauses and all({"province-unknown", "year-unknown"} <= set(c.flags) for c in clauses)
    assert clauses[0].citation.startswith("【省份不详·年份不详·")


def test_bad_metadata_is_refused_before_anything_is_written(library: Library):
    draft = library.check(docx_bytes(), "a.docx")
    before = tree_bytes(library.folder)
    for fields, field in (({"year": "二〇二四"}, "year"), ({"province": "火星"}, "province")):
        with pytest.raises(LibraryError) as refused:
            library.add(draft, fields)
        assert message_of(refused.value) == msg.LIB_ERRORS["bad-field"].format(
            field=msg.LIB_BAD_FIELD[field]
        )
    assert tree_bytes(library.folder) == before


def test_doc_number_is_read_in_its_usual_forms():
    assert infer_doc_number("青海省安委会\n青安委〔2020〕1号\n正文") == "青安委〔2020〕1号"
    assert infer_doc_number("川应急办[2018] 3号") == "川应急办〔2018〕3号"
    assert infer_doc_number("一、加强安全生产。2020年完成") == ""


KILLED_ADD = """
import os, signal, sys
from pathlib import Path
from corpus.library import Library
library = Library(Path(sys.argv[1]))
draft = library.check(Path(sys.argv[2]).read_bytes(), "second.docx")
Library.after_file_written = lambda path: os.kill(os.getpid(), signal.SIGKILL)
library.add(draft)
"""


def test_a_write_killed_between_file_copy_and_manifest_leaves_a_consistent_library(
    library: Library, tmp_path: Path
):
    first = library.add(library.check(docx_bytes(), "first.docx"))
    upload = tmp_path / "second.docx"
    upload.write_bytes(docx_bytes((*DRONE_LINES[:3], "1.另一份文件的条款：无人机巡检输电线路。")))
    manifest_before = library.manifest_path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", KILLED_ADD, str(library.folder), str(upload)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL
    assert library.manifest_path.read_bytes() == manifest_before  # the add never happened
    reopened = Library(library.folder)
    assert any("no manifest entry names it" in line for line in reopened.recovered)
    assert [e.doc_id for e in reopened.entries()] == [first.doc_id]
    assert not load_with_library(None, reopened).errors  # nothing unlisted is loaded
    orphaned = list((library.folder / ".orphans").iterdir())
    assert len(orphaned) == 1 and orphaned[0].read_bytes() == upload.read_bytes()
    again = reopened.add(reopened.check(upload.read_bytes(), "second.docx"))  # not a duplicate
    assert len(reopened.entries()) == 2 and again.doc_id != first.doc_id


def test_library_lives_outside_the_repository_by_default(tmp_path: Path):
    assert default_library_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "policy-qa/library"
    assert default_library_dir({"POLICY_QA_LIBRARY": "/srv/lib"}) == Path("/srv/lib")
    assert REPO not in default_library_dir({"HOME": str(tmp_path)}).parents


def test_cli_add_list_edit_retire_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    upload = tmp_path / "drone.docx"
    upload.write_bytes(docx_bytes())
    where = ["--library", str(tmp_path / "lib")]
    assert corpus_main(["add", str(upload), "--year", "2024", *where]) == 0
    out = capsys.readouterr().out
    assert DRONE_CITATION in out and "added lib-" in out
    assert corpus_main(["add", str(upload), *where]) == 1
    assert "same content" in capsys.readouterr().err
    assert corpus_main(["list", *where]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["title"] for d in listed] == [DRONE_TITLE]
    doc_id = listed[0]["doc_id"]
    assert corpus_main(["edit", doc_id, "--province", "青海", *where]) == 0
    assert json.loads(capsys.readouterr().out)["province"] == "青海省"
    assert corpus_main(["retire", doc_id, *where]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == REPEALED
    assert corpus_main(["edit", doc_id, "--year", "abc", *where]) == 1
    assert "not a number" in capsys.readouterr().err
    assert corpus_main(["remove", doc_id, *where]) == 0
    capsys.readouterr()
    assert corpus_main(["list", *where]) == 0 and capsys.readouterr().out == ""


def test_leftover_temporary_files_of_a_killed_write_are_removed_on_open(library: Library):
    entry = library.add(library.check(docx_bytes(), "a.docx"))
    (library.folder / ".manifest.json.x1y2.tmp.json").write_text("{half")
    (library.folder / f".{entry.file}.ab12.tmp.docx").write_bytes(b"PK")
    reopened = Library(library.folder)
    assert len([line for line in reopened.recovered if "interrupted write" in line]) == 2
    assert sorted(p.name for p in library.folder.iterdir()) == [
        ".lock",
        entry.file,
        "manifest.json",
    ]
