"""Reading one document file into plain text, whatever its format or encoding.

Policy documents arrive as .txt/.md in whatever encoding the site or the office used (UTF-8
with or without BOM, GB18030/GBK, Big5), as Word files, or as PDFs. Everything later works on
one ``str`` with ``"\\n"`` newlines, so this module is the only place that knows about bytes.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

from common.limits import Limits, limits, variable
from corpus.files import DocumentReadError, check_docx_package, file_kind, read_regular_file
from corpus.plausibility import mean_logp

__all__ = ["SUPPORTED_SUFFIXES", "DocumentReadError", "file_kind", "read_document"]

#: File name suffixes :func:`read_document` accepts (lower case).
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")

_TEXT_SUFFIXES = (".txt", ".md")

# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character
# that a page declared as GB2312 actually used (common on government sites).
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "hz_gb_2312"}
# Big5 as written by Windows (cp950) and Hong Kong (big5hkscs) extends plain Big5; try the
# narrow table first so that the few code points the extensions remap keep their Big5 meaning.
_BIG5_FAMILY = {"big5", "cp950", "big5hkscs", "big5_hkscs"}
_BIG5_CODECS = ("big5", "cp950", "big5hkscs")

# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.02
# Mean log character frequency (corpus.plausibility) below which a decoding is not text:
# Chinese prose scores about -7, English letters -9.2, debris of wrong decodings -14 to -16.
_MIN_PLAUSIBILITY = -11.0
# Windows code page 936 writes the euro sign as the single byte 0x80, which Python's GBK and
# GB18030 codecs reject; pages saved on Windows contain it.
_CP936_EURO = "cp936-euro"


def _cp936_euro(error: UnicodeError) -> tuple[str, int]:
    if (
        isinstance(error, UnicodeDecodeError)
        and error.object[error.start : error.start + 1] == b"\x80"
    ):
        return "€", error.start + 1
    raise error


codecs.register_error(_CP936_EURO, _cp936_euro)


def read_document(path: Path, limits_: Limits | None = None) -> str:
    """Return the text of ``path`` with ``"\\n"`` newlines and no BOM.

    Raises :class:`DocumentReadError` (naming the file) for a missing, empty, whitespace-only,
    binary, undecodable or unsupported file, a PDF without a text layer, anything that is
    not a regular file (a symbolic link, a folder, a FIFO, a device), and a file over one of
    the size limits (``limits_``, default :func:`common.limits.limits`).
    """
    path = Path(path)
    lim = limits_ or limits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise DocumentReadError(
            path, f"unsupported file type {suffix or '(no suffix)'!r} (supported: {supported})"
        )
    data = read_regular_file(path, lim.max_file_bytes)
    if not data:
        raise DocumentReadError(path, "the file is empty")

    if suffix in _TEXT_SUFFIXES:
        text = decode_text(data, path)
    elif suffix == ".docx":
        text = _docx_text(data, path, lim)
    else:
        text = _pdf_text(data, path, lim)

    text = normalise_newlines(text).removeprefix("\ufeff")
    if not text.strip():
        raise DocumentReadError(path, "the document contains no text (only whitespace)")
    if len(text) > lim.max_document_chars:
        raise DocumentReadError(
            path,
            f"the document has {len(text):,} characters, over the limit of "
            f"{lim.max_document_chars:,} ({variable('max_document_chars')})",
        )
    return text


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` (and the Unicode line/paragraph separators) become ``\\n``."""
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
    )


def decode_text(data: bytes, path: Path) -> str:
    """Decode the bytes of a text file, detecting the encoding.

    UTF-8 is tried strictly first: a CJK text that decodes as UTF-8 is UTF-8 (the other
    encodings practically never produce valid UTF-8). Otherwise charset-normalizer proposes
    encodings; because GB and Big5 byte ranges overlap, a text either could be is decoded both
    ways and the reading with more plausible Chinese (character frequencies) wins.
    """
    if _looks_binary(data):
        raise DocumentReadError(path, "not a text document (binary data)")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise DocumentReadError(path, f"undecodable text (broken {codec})") from None
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass

    candidates = _candidate_codecs(data)
    readings: list[str] = []
    for codec in candidates:
        errors = _CP936_EURO if codec == "gb18030" else "strict"
        try:
            readings.append(data.decode(codec, errors=errors))
        except (UnicodeDecodeError, LookupError):
            continue
    if not readings:
        raise DocumentReadError(path, "undecodable text (no known encoding fits its bytes)")
    scored = [(mean_logp(reading), reading) for reading in readings]
    score, best = max(scored, key=lambda pair: pair[0])
    if score < _MIN_PLAUSIBILITY:
        raise DocumentReadError(path, "not a text document (its bytes decode only to gibberish)")
    return _checked(best, path)


def _candidate_codecs(data: bytes) -> list[str]:
    """Encodings to try: charset-normalizer's proposals first (GB family as GB18030, Big5 as
    its three variants), then GB18030 and Big5 in any case."""
    from charset_normalizer import from_bytes

    codecs: list[str] = []
    for match in from_bytes(data):
        name = match.encoding.lower()
        if name in _GB_FAMILY:
            codecs.append("gb18030")
        elif name in _BIG5_FAMILY:
            codecs.extend(_BIG5_CODECS)
        else:
            codecs.append(name)
    # Short Chinese files are often proposed a Latin or Cyrillic code page; the Chinese
    # readings always compete (plausibility decides), as this corpus is Chinese.
    codecs.extend(("gb18030", *_BIG5_CODECS))
    return list(dict.fromkeys(codecs))


def _looks_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16 mean binary data (images, archives, office files renamed)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in data[:65536]


def _checked(text: str, path: Path) -> str:
    """Reject decoded text that is mostly control characters (binary that happened to decode)."""
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise DocumentReadError(path, "not a text document (binary data)")
    return text


def _docx_text(data: bytes, path: Path, lim: Limits) -> str:
    """Body paragraphs and table cells in document order, one per line.

    Merged table cells are reported once (python-docx repeats them for every grid column).
    The package is checked against the size limits first (:func:`check_docx_package`).
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_docx_package(data, path, lim)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentReadError(path, f"not a valid .docx file ({exc})") from None
    except Exception as exc:  # python-docx raises various lxml/opc errors on broken packages
        raise DocumentReadError(path, f"not a valid .docx file ({type(exc).__name__})") from None

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table: object) -> list[str]:
    lines: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = cell.text.strip()
            if text:
                lines.append(text)
    return lines


def _pdf_text(data: bytes, path: Path, lim: Limits) -> str:
    """The text layer of every page, pages separated by a newline; a PDF over the page limit
    is refused before any page is extracted."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentReadError(path, "the PDF is password-protected")
        if len(reader.pages) > lim.max_pdf_pages:
            raise DocumentReadError(
                path,
                f"the PDF has {len(reader.pages):,} pages, over the limit of "
                f"{lim.max_pdf_pages:,} ({variable('max_pdf_pages')})",
            )
        pages = []
        chars = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            if chars > lim.max_document_chars:
                break  # read_document names the limit; no need to extract the rest
    except DocumentReadError:
        raise
    except (PdfReadError, ValueError, OSError) as exc:
        raise DocumentReadError(path, f"not a valid PDF file ({exc})") from None
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise DocumentReadError(path, f"not a valid PDF file ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentReadError(
            path, "the PDF has no text layer (a scanned image?); run OCR on it first"
        )
    return text
