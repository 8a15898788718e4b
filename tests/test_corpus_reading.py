"""Reading documents: encodings of the seed documents, Word and PDF files, unreadable files."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import docx
import opencc
import pytest
from pypdf import PdfWriter

from corpus.mojibake import repair_mojibake
from corpus.reading import SUPPORTED_SUFFIXES, DocumentReadError, read_document

DOCUMENTS = Path(__file__).resolve().parent.parent / "corpus" / "documents"
SEEDS = sorted(DOCUMENTS.glob("*.txt"))
TRADITIONAL = ("yunnan", "zhejiang")


def _windows_gbk(text: str) -> bytes:
    """GBK as Windows writes it: the euro sign (present in the Zhejiang page) is byte 0x80."""
    return b"\x80".join(part.encode("gbk") for part in text.split("€"))


def _big5_version(seed: Path) -> str:
    """The seed as a Big5 file can hold it: Traditional seeds as they are (the Zhejiang one
    after mojibake repair, since its debris characters have no Big5 code), Simplified seeds in
    their Taiwan-standard Traditional form (Big5 has no Simplified characters)."""
    text = seed.read_text(encoding="utf-8")
    if seed.name.startswith("zhejiang"):
        return repair_mojibake(text).text
    if seed.name.startswith(TRADITIONAL):
        return text
    return opencc.OpenCC("s2tw").convert(text)


def test_the_five_seeds_are_there() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem.split("-")[0])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_seed_in_a_gb_or_unicode_encoding_reads_back_exactly(
    tmp_path: Path, seed: Path, encoding: str
) -> None:
    original = seed.read_text(encoding="utf-8")
    data = _windows_gbk(original) if encoding == "gbk" else original.encode(encoding)
    path = tmp_path / seed.name
    path.write_bytes(data)
    assert read_document(path) == original


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem.split("-")[0])
@pytest.mark.parametrize("encoding", ["big5", "cp950"])
def test_seed_in_big5_reads_back_exactly(tmp_path: Path, seed: Path, encoding: str) -> None:
    original = _big5_version(seed)
    path = tmp_path / seed.name
    path.write_bytes(original.encode(encoding))
    assert read_document(path) == original


def test_a_short_gbk_note_is_not_mistaken_for_big5(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes("关于加强危险化学品安全管理的通知".encode("gbk"))
    assert read_document(path) == "关于加强危险化学品安全管理的通知"


def test_a_short_big5_note_is_not_mistaken_for_gbk(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("關於加強危險化學品安全管理的通知".encode("big5"))
    assert read_document(path) == "關於加強危險化學品安全管理的通知"


def test_windows_and_old_mac_newlines_become_newlines_and_bom_goes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff一、总体要求\r\n（一）强化责任\r二、重点任务\n".encode())
    assert read_document(path) == "一、总体要求\n（一）强化责任\n二、重点任务\n"


def test_markdown_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "要点.MD"
    path.write_text("# 标题\n正文", encoding="utf-8")
    assert read_document(path) == "# 标题\n正文"


def test_supported_suffixes_are_the_readable_formats() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".docx", ".pdf"}


def test_docx_paragraphs_and_table_cells_in_document_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("2021年浙江省应急管理工作要点")
    document.add_paragraph("一、主要目标")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "目标值"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "生产安全事故起数下降10%"
    document.add_paragraph("二、任务措施")
    path = tmp_path / "plan.docx"
    document.save(path)

    lines = read_document(path).split("\n")

    assert lines == [
        "2021年浙江省应急管理工作要点",
        "一、主要目标",
        "指标",
        "目标值",
        "生产安全事故起数下降10%",
        "二、任务措施",
    ]


def _pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines``: a CID font with a ToUnicode map
    (glyph ids 1, 2, … for the distinct characters), as Word and WPS write Chinese PDFs."""
    chars = sorted({ch for line in lines for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    shows = "".join(
        f"1 0 0 1 72 {720 - 20 * n} Tm <{''.join(f'{cid[ch]:04X}' for ch in line)}> Tj\n"
        for n, line in enumerate(lines)
    )
    content = f"BT /F1 14 Tf\n{shows}ET".encode("ascii")
    bfchars = "".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>\n" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchars}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        b" /FontDescriptor 8 0 R /DW 1000 >>",
        _stream(cmap),
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860]"
        b" /ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes) -> bytes:
    packed = zlib.compress(data)
    return (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    )


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    path = tmp_path / "要点.pdf"
    path.write_bytes(_pdf_with_text(["一、加强危化品安全监管", "（一）落实企业主体责任"]))
    text = read_document(path)
    assert "一、加强危化品安全监管" in text
    assert "（一）落实企业主体责任" in text
    assert text.index("一、加强") < text.index("（一）落实")


def test_pdf_without_text_layer_says_so(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(DocumentReadError, match=r"scan\.pdf.*no text layer"):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", " \r\n\t\u3000\n".encode(), "no text"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
        (
            "noise.txt",
            bytes(range(0x80, 0x100)) * 4 + b"\xff\xfe\xfd" * 50,
            "decod|binary|gibberish",
        ),
        ("broken.docx", b"PK\x03\x04 this is not a zip archive", "not a valid .docx"),
        ("broken.pdf", b"%PDF-1.4\n garbage without objects", "PDF"),
        ("table.xls", "一、总体要求".encode(), "unsupported"),
        ("notes", "一、总体要求".encode(), "unsupported"),
    ],
)
def test_unreadable_file_raises_an_error_naming_it(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentReadError) as caught:
        read_document(path)
    message = str(caught.value)
    assert message.startswith(f"cannot read {name}: ")
    assert re.search(reason, message, flags=re.IGNORECASE), message


def test_missing_file_raises_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match=r"cannot read gone\.txt: file not found"):
        read_document(tmp_path / "gone.txt")
