"""Hostile folders: links, pipes, hidden names, copies of listed documents, oversize files.

Every case is what an attacker or a careless administrator can put in the documents folder;
the loader must read only regular files, report each file it leaves out, keep the listed
document when a copy competes with it, and refuse files over a size limit while the rest
of the folder still loads.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from common.limits import Limits, limits
from corpus import DEFAULT_CORPUS_DIR, load_corpus
from corpus.loader import load_documents
from corpus.reading import DocumentReadError, read_document
from index.store import open_index
from retriever import Retriever
from tests.index_fakes import FakeEncoder

QINGHAI = "qinghai-2020-anweihui-gongzuo-yaodian.txt"
YUNNAN = "yunnan-2019-anweihui-gongzuo-yaodian.txt"
SICHUAN = "sichuan-2018-yingjiting-jianbao-2.txt"
SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


def _manifest(folder: Path, *names: str) -> None:
    """A manifest listing ``names`` with their entries from the default corpus."""
    shipped = json.loads((DEFAULT_CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    by_file = {e["file"]: e for e in shipped["documents"]}
    entries = [by_file[name] for name in names]
    (folder / "manifest.json").write_text(
        json.dumps({"version": 1, "documents": entries}, ensure_ascii=False), encoding="utf-8"
    )


def _folder(root: Path, *names: str, listed: bool = True) -> Path:
    folder = root / "docs"
    folder.mkdir()
    for name in names:
        shutil.copyfile(DEFAULT_CORPUS_DIR / name, folder / name)
    if listed:
        _manifest(folder, *names)
    return folder


def _messages(corpus_errors) -> str:
    return "\n".join(e.message for e in corpus_errors)


# --- only regular files -------------------------------------------------------------------


def test_a_link_to_a_file_outside_is_skipped_and_search_cannot_return_its_text(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, QINGHAI)
    outside = tmp_path / "outside" / "passwd"
    outside.parent.mkdir()
    outside.write_text(SECRET, encoding="utf-8")
    (folder / "passwd-link.txt").symlink_to(outside)
    (folder / "os-release.txt").symlink_to("../../../../../../../../etc/os-release")
    corpus = load_corpus(folder)
    text = _messages(corpus.errors)
    assert "skipped 'passwd-link.txt': it is a symbolic link" in text
    assert "skipped 'os-release.txt': it is a symbolic link" in text
    assert not any("root:x" in c.text for c in corpus.clauses)
    assert {c.doc.doc_id for c in corpus.clauses} == {"qinghai-2020"}
    index = open_index(tmp_path / "index", corpus, FakeEncoder(), progress=False, log=print)
    result = Retriever(index, FakeEncoder(), corpus).search("root:x:0:0:root /bin/bash", k=10)
    assert not any("root" in h.clause.text or "bash" in h.clause.text for h in result.hits)


def test_a_fifo_a_folder_and_hidden_files_are_reported_and_nothing_hangs(tmp_path: Path) -> None:
    folder = _folder(tmp_path, QINGHAI)
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    (folder / "sub.txt").mkdir()
    (folder / ".hidden.txt").write_text("隐藏文件的内容。", encoding="utf-8")
    (folder / "table.xlsx").write_bytes(b"PK")
    corpus = load_corpus(folder)
    text = _messages(corpus.errors)
    assert "skipped 'pipe.txt': it is a FIFO (named pipe)" in text
    assert "skipped 'sub.txt': it is a folder" in text
    assert "skipped '.hidden.txt': its name starts with '.'" in text
    assert "skipped 'table.xlsx': unsupported file type '.xlsx'" in text
    assert {c.doc.doc_id for c in corpus.clauses} == {"qinghai-2020"}


def test_reading_a_link_directly_is_refused_too(tmp_path: Path) -> None:
    """A link swapped in after the folder was listed: the open itself refuses it."""
    target = tmp_path / "real.txt"
    target.write_text("一、总体要求\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    with pytest.raises(DocumentReadError, match="symbolic link"):
        read_document(tmp_path / "link.txt")


def test_manifest_names_are_never_opened_as_paths(tmp_path: Path) -> None:
    folder = _folder(tmp_path, QINGHAI)
    (tmp_path / "outside.txt").write_text(
        "一、泄露\n1.不应被读取的外部文件内容。", encoding="utf-8"
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"file": "../outside.txt", "doc_id": "outside", "year": 2020})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    corpus = load_corpus(folder)
    assert not any("外部文件" in c.text for c in corpus.clauses)
    assert "the manifest lists '../outside.txt', which is not a file in the folder" in _messages(
        corpus.errors
    )


# --- duplicates between files -------------------------------------------------------------


def _alone(tmp_path: Path, name: str) -> list[tuple[str, str, str]]:
    folder = tmp_path / "alone"
    folder.mkdir()
    shutil.copyfile(DEFAULT_CORPUS_DIR / name, folder / name)
    _manifest(folder, name)
    return [(c.id, c.citation, c.text) for c in load_corpus(folder).clauses]


@pytest.mark.parametrize(
    ("original", "copy_name", "encoding"),
    [(QINGHAI, " leading space.txt", "gb18030"), (YUNNAN, "000-copy.txt", "big5")],
)
def test_a_copy_of_a_listed_document_does_not_take_its_clauses(
    tmp_path: Path, original: str, copy_name: str, encoding: str
) -> None:
    folder = _folder(tmp_path, original)
    text = (DEFAULT_CORPUS_DIR / original).read_text(encoding="utf-8")
    (folder / copy_name).write_bytes(text.encode(encoding))  # sorts before the original
    corpus = load_corpus(folder)
    listed = [(c.id, c.citation, c.text) for c in corpus.clauses if c.doc.source_file == original]
    assert listed == _alone(tmp_path, original)
    assert not [c for c in corpus.clauses if c.doc.source_file == copy_name]
    report = _messages(corpus.errors)
    assert f"{copy_name!r} repeats {len(listed)} of its {len(listed)} clauses from" in report
    assert f"from {original!r} (listed in the manifest)" in report


def test_of_two_unlisted_copies_the_first_is_kept_and_the_second_named(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a-first.txt", "b-second.txt"):
        shutil.copyfile(DEFAULT_CORPUS_DIR / SICHUAN, folder / name)
    documents, errors = load_documents(folder)
    kept = {doc.path.name: len(doc.clauses) for doc in documents}
    assert kept["a-first.txt"] > 0 and kept["b-second.txt"] == 0
    (report,) = [e.message for e in errors if "repeats" in e.message]
    assert report.startswith(f"'b-second.txt' repeats {kept['a-first.txt']} of its")
    assert "from 'a-first.txt' (first by name)" in report


# --- size limits --------------------------------------------------------------------------


def test_an_oversize_file_is_refused_before_reading_and_the_rest_loads(tmp_path: Path) -> None:
    folder = _folder(tmp_path, QINGHAI)
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 21 MB that cost nothing to write
        handle.truncate(21 * 1024 * 1024)
    corpus = load_corpus(folder)
    assert "huge.txt: the file is 21.0 MB, over the limit of 20.0 MB (POLICY_QA_MAX_FILE_MB)" in (
        _messages(corpus.errors)
    )
    assert {c.doc.doc_id for c in corpus.clauses} == {"qinghai-2020"}


def _docx_with_body(xml_bytes: int) -> bytes:
    """A .docx whose word/document.xml inflates to about ``xml_bytes`` (mostly one run)."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    head += b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            chunk = b"A" * (1 << 20)
            for _ in range(xml_bytes // len(chunk)):
                member.write(chunk)
            member.write(tail)
    return out.getvalue()


def _understate_sizes(data: bytes) -> bytes:
    """The same zip with every central-directory entry claiming 1 KB uncompressed: a bomb
    that lies about its size (the check must count while inflating, not trust the header)."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        if struct.unpack_from("<I", data, at + 24)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, at + 24, 1024)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _docx_with_body(100 * 1024 * 1024)  # the audit's case: 100 MB of document.xml


def test_a_decompression_bomb_docx_is_refused_and_the_rest_loads(
    tmp_path: Path, bomb: bytes
) -> None:
    assert len(bomb) < 2 * 1024 * 1024  # small on disk, under the file-size limit
    folder = _folder(tmp_path, QINGHAI)
    (folder / "bomb.docx").write_bytes(bomb)
    corpus = load_corpus(folder)
    text = _messages(corpus.errors)
    assert "bomb.docx: the .docx package declares 100.0 MB uncompressed, over the limit" in text
    assert "refused without inflating it" in text
    assert {c.doc.doc_id for c in corpus.clauses} == {"qinghai-2020"}


def test_a_bomb_that_understates_its_size_is_refused_while_inflating(tmp_path: Path) -> None:
    path = tmp_path / "liar.docx"
    path.write_bytes(_understate_sizes(_docx_with_body(3 * 1024 * 1024)))
    small = Limits(max_docx_uncompressed_mb=1.0)
    with pytest.raises(DocumentReadError) as refused:
        read_document(path, small)
    message = str(refused.value)
    assert message.startswith("cannot read liar.docx:")
    assert "inflates past" in message or "not a valid .docx file" in message


def test_a_docx_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for n in range(30):
            package.writestr(f"word/media/{n}.xml", b"<x/>")
    (tmp_path / "many.docx").write_bytes(out.getvalue())
    with pytest.raises(DocumentReadError, match="holds 30 entries, over the limit of 20"):
        read_document(tmp_path / "many.docx", Limits(max_docx_entries=20))


def test_a_pdf_over_the_page_limit_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(width=200, height=200)
    with open(tmp_path / "long.pdf", "wb") as handle:
        writer.write(handle)
    with pytest.raises(DocumentReadError, match="has 5 pages, over the limit of 3"):
        read_document(tmp_path / "long.pdf", Limits(max_pdf_pages=3))


def test_a_document_over_the_character_limit_is_refused_and_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, QINGHAI, SICHUAN)
    monkeypatch.setenv("POLICY_QA_MAX_DOCUMENT_CHARS", "8000")  # Qinghai longer, Sichuan not
    corpus = load_corpus(folder)
    assert "over the limit of 8,000 (POLICY_QA_MAX_DOCUMENT_CHARS)" in _messages(corpus.errors)
    assert {c.doc.doc_id for c in corpus.clauses} == {"sichuan-2018"}


def test_a_malformed_limit_is_an_error_naming_its_variable() -> None:
    with pytest.raises(ValueError, match="POLICY_QA_MAX_FILE_MB='lots' is not a number"):
        limits({"POLICY_QA_MAX_FILE_MB": "lots"})
    assert limits({"POLICY_QA_MAX_PDF_PAGES": "50"}).max_pdf_pages == 50
