"""Checking a document before it joins the library: is it safe, readable, and what is in it.

An upload is untrusted twice over: its bytes (size, a zip bomb, a scan without text) and its
name (``../../etc/cron.d/x.txt``). :func:`inspect_upload` refuses either with an
:class:`IngestError` whose ``code`` the page turns into a Chinese sentence, and otherwise
parses the document exactly as the loader will (same reader, limits, cleaning, structure)
into a :class:`Draft`: the metadata inferred from the text (文号 included) for the user to
confirm, and an :class:`IngestReport` of what was found, cleaned and repaired, with the
first clauses as they will be cited. Nothing is written anywhere but a private temporary
folder, removed before returning: the name is checked, never used as a path.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from common.limits import Limits, limits
from corpus.clause import CURRENT, Clause, DocMeta
from corpus.files import DocumentReadError
from corpus.loader import LoadedDocument, load_document
from corpus.reading import SUPPORTED_SUFFIXES

#: Fields a person confirms or corrects for a document, in form order.
FORM_FIELDS = ("title", "province", "year", "issuer", "date", "doc_type", "doc_number", "status")
#: How many clauses the report previews.
PREVIEW_CLAUSES = 5
#: Longest accepted file name (characters).
MAX_NAME_CHARS = 160

# 文号: issuer abbreviation, year in 〔〕/[]/（）, number, 号 — 青安委〔2020〕1号, 川应急办〔2018〕3号.
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号"
)
# Characters a file name may not hold: path separators, wildcards and shell/HTML specials.
_BAD_NAME_CHARS = set('/\\:*?"<>|\0')


class IngestError(ValueError):
    """An upload refused before anything was stored. ``code`` is stable (the page maps it to
    a Chinese message); ``str()`` is the English detail for logs and the CLI."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(detail)


@dataclass(frozen=True)
class IngestReport:
    """What the loader found in one document, shown before the user commits it."""

    counts: dict[str, int]
    cleaned: dict[str, int]  # removed lines by reason (blank lines left out)
    repeated: int  # clauses dropped because an earlier clause of the document has their text
    repaired: int  # mojibake stretches repaired
    unrepaired: int  # stretches lost for good (shown as □), clauses flagged
    flags: dict[str, int]  # clause flags and how many clauses carry each
    preview: tuple[tuple[str, str, str], ...]  # (citation, heading path, text) of first clauses

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "cleaned": dict(self.cleaned),
            "repeated": self.repeated,
            "repaired": self.repaired,
            "unrepaired": self.unrepaired,
            "flags": dict(self.flags),
            "preview": [{"citation": c, "path": p, "text": t} for c, p, t in self.preview],
        }


@dataclass(frozen=True)
class Draft:
    """A checked upload, not stored yet: its bytes, fingerprints, the metadata inferred for
    the form (``fields``, with ``sources`` saying which were inferred) and its report."""

    name: str
    suffix: str
    data: bytes
    sha256: str
    fingerprint: str  # sha256 of the clean text without whitespace: same text, any encoding
    fields: dict[str, Any]
    sources: dict[str, str]
    report: IngestReport
    document: LoadedDocument

    def preview_with(self, fields: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
        """The report's preview cited with corrected metadata (province/year change the
        citation)."""
        return _preview(self.document.clauses, _meta_with(self.document.meta, fields))


def check_name(name: object) -> str:
    """The upload's file name if it is a plain name with a supported suffix; else
    :class:`IngestError` (``bad-name`` / ``unsupported``). Never used as a path."""
    text = str(name or "")
    if (
        not text.strip()
        or text != text.strip()
        or len(text) > MAX_NAME_CHARS
        or text.startswith(".")
        or ".." in text
        or any(ch in _BAD_NAME_CHARS for ch in text)
        or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)
    ):
        raise IngestError("bad-name", f"unacceptable file name {text!r}")
    suffix = Path(text).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError("unsupported", f"unsupported file type {suffix or '(none)'} in {text!r}")
    return text


def inspect_upload(data: bytes, name: str, lim: Limits | None = None) -> Draft:
    """Check and parse an upload (see the module doc); :class:`IngestError` when refused."""
    lim = lim or limits()
    name = check_name(name)
    suffix = Path(name).suffix.lower()
    if len(data) > lim.max_file_bytes:
        raise IngestError("too-large", f"{name} is {len(data)} bytes, over {lim.max_file_bytes}")
    if not data.strip():
        raise IngestError("empty", f"{name} is empty")
    with tempfile.TemporaryDirectory(prefix="policy-qa-upload-") as scratch:
        path = Path(scratch) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            document = load_document(path, None, lim)
        except DocumentReadError as error:
            raise IngestError(_read_code(error.reason, suffix), error.reason) from None
        except ValueError as error:
            raise IngestError("no-clauses", str(error)) from None
    document = replace(document, path=Path(name))
    meta = document.meta
    fields: dict[str, Any] = {
        "title": meta.title,
        "province": meta.province,
        "year": meta.year,
        "issuer": meta.issuer,
        "date": meta.date,
        "doc_type": meta.doc_type,
        "doc_number": infer_doc_number(document.text),
        "status": CURRENT,
    }
    sources = {
        key: ("inferred" if fields[key] not in (None, "") else "unknown")
        for key in FORM_FIELDS
        if key != "status"
    }
    return Draft(
        name=name,
        suffix=suffix,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        fingerprint=text_fingerprint(document.text),
        fields=fields,
        sources=sources,
        report=ingest_report(document),
        document=document,
    )


def text_fingerprint(text: str) -> str:
    """The content fingerprint duplicates are recognised by: whitespace removed, so the same
    document saved as UTF-8 and as GBK, or re-wrapped, has one fingerprint."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def infer_doc_number(text: str) -> str:
    """The 文号 in the first lines of ``text`` (青安委〔2020〕1号), normalised to 〔〕; "" when
    none."""
    head = "\n".join(text.splitlines()[:40])
    match = _DOC_NUMBER.search(head)
    if not match:
        return ""
    found = re.sub(r"\s+", "", match.group(0))
    return re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", found)


def document_counts(doc: LoadedDocument) -> dict[str, int]:
    """Clause records; numbered items, leaves, articles, paragraphs and points (each counted
    once however many parts it was split into); clauses split, and the parts they became."""
    kinds: dict[str, set[str]] = {}
    for clause in doc.clauses:
        kinds.setdefault(clause.kind, set()).add(clause.id.split("~")[0])
    split = {c.id.split("~")[0] for c in doc.clauses if c.parts > 1}
    return {
        "clauses": len(doc.clauses),
        "items": len(kinds.get("item", ())),
        "leaves": len(kinds.get("leaf", ())),
        "articles": len(kinds.get("article", ())),
        "paragraphs": len(kinds.get("paragraph", ())),
        "points": len(kinds.get("point", ())),
        "split": len(split),
        "parts": sum(1 for c in doc.clauses if c.parts > 1),
    }


def ingest_report(doc: LoadedDocument) -> IngestReport:
    """The report of one loaded document (see :class:`IngestReport`)."""
    flags: dict[str, int] = {}
    for clause in doc.clauses:
        for flag in clause.flags:
            flags[flag] = flags.get(flag, 0) + 1
    cleaned = {k: n for k, n in doc.cleaning.counts().items() if k != "blank"}
    return IngestReport(
        counts=document_counts(doc),
        cleaned=cleaned,
        repeated=len(doc.dropped),
        repaired=len(doc.repaired),
        unrepaired=len(doc.unrepaired),
        flags=flags,
        preview=_preview(doc.clauses, doc.meta),
    )


def _preview(clauses: tuple[Clause, ...], meta: DocMeta) -> tuple[tuple[str, str, str], ...]:
    body = [c for c in clauses if c.kind not in ("notice", "preamble", "heading", "closing")]
    shown = (body or list(clauses))[:PREVIEW_CLAUSES]
    return tuple((replace(c, doc=meta).citation, c.path_text, c.text[:160]) for c in shown)


def _meta_with(meta: DocMeta, fields: dict[str, Any]) -> DocMeta:
    changes = {k: fields[k] for k in ("title", "province", "year") if k in fields}
    return replace(meta, **changes)


def _read_code(reason: str, suffix: str) -> str:
    """The stable code of a reader's refusal (the reader words its reasons in English)."""
    text = reason.lower()
    if "no text layer" in text:
        return "scanned"
    if ".docx package" in text and "uncompressed" in text:
        return "docx-bomb"
    if "not a valid .docx" in text or "entries" in text:
        return "bad-docx"
    if "not a valid pdf" in text or "password" in text:
        return "bad-pdf"
    if "pages, over the limit" in text:
        return "too-many-pages"
    if "characters, over the limit" in text:
        return "too-long"
    if "over the limit" in text:
        return "too-large"
    if "empty" in text or "no text (only whitespace)" in text:
        return "empty"
    if "binary" in text or "gibberish" in text or "undecodable" in text:
        return "binary"
    return "unreadable"
