"""Document metadata: the manifest next to the documents, and inference where it is silent.

The manifest holds the truth (a person checked it); inference from the text is a fallback
for documents the manifest does not list, and every field records where its value came from
(``DocMeta.sources``) so a citation built on a guess can say so.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.clause import CURRENT, STATUSES, DocMeta, Source
from corpus.places import provinces_mentioned
from corpus.script import to_simplified

MANIFEST_NAME = "manifest.json"

#: The metadata fields whose origin is recorded in ``DocMeta.sources``.
META_FIELDS = ("province", "year", "title", "issuer", "date", "doc_type")

# Title words (Simplified) that name a document type, most specific first.
_DOC_TYPES = (
    ("工作要点", "工作要点"),
    ("要点", "工作要点"),
    ("简报", "简报"),
    ("召开", "会议报道"),
    ("会议", "会议报道"),
    ("实施方案", "实施方案"),
    ("方案", "方案"),
    ("实施意见", "实施意见"),
    ("意见", "意见"),
    ("通知", "通知"),
    ("通报", "通报"),
    ("办法", "办法"),
    ("规定", "规定"),
    ("规划", "规划"),
    ("报告", "报告"),
    ("决定", "决定"),
    ("公告", "公告"),
)
# Endings of an issuing body's name (Simplified).
_ISSUER_END = r"(?:委员会|人民政府|办公厅|办公室|管理厅|管理局|厅|局|委|部|中心|政府)"
_ISSUER_LINE = re.compile(rf"^[\u4e00-\u9fff]{{2,24}}{_ISSUER_END}$")
_ISSUER_IN_TITLE = re.compile(rf"^([\u4e00-\u9fff]{{2,24}}?{_ISSUER_END})(?=\d{{4}}|关于|简报|$)")
_SOURCE_LABEL = re.compile(r"^[-\s]*(?:来源|发布机关|发文机关|发布单位)\s*[:：]\s*(\S.*)$")
_DATE_LABEL = re.compile(r"(?:发布时间|发布日期|印发日期|成文日期|日期|时间)\s*[:：]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_TITLE_BAD_END = tuple(":：,，;；、")
_TITLE_BAD_START = ("-", "【", "(", "（", "一、", "联系", "附件", "电话")
# Titles are short; a longer line is a sentence of the body.
_TITLE_MAX = 60


class ManifestError(ValueError):
    """A manifest that cannot be used; ``str()`` names the file and what is wrong."""


@dataclass(frozen=True)
class _Guess:
    """What the text itself says about a document (empty/None where it says nothing)."""

    title: str = ""
    province: str = ""
    year: int | None = None
    issuer: str = ""
    date: str = ""
    doc_type: str = ""


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries of ``folder/manifest.json`` keyed by file name; ``{}`` when there is no manifest.

    Raises :class:`ManifestError` for invalid JSON, a wrong shape (a ``documents`` list of
    objects, each with a ``file`` name), a duplicated file or doc_id, or a non-integer year.
    """
    path = Path(folder) / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list):
        raise ManifestError(f'{path}: expected an object with a "documents" list')
    entries: dict[str, dict[str, Any]] = {}
    doc_ids: set[str] = set()
    for number, entry in enumerate(documents, start=1):
        where = f"{path}: document {number}"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("file"), str)
            or not entry["file"]
        ):
            raise ManifestError(f'{where}: expected an object with a "file" name')
        name = entry["file"]
        if name in entries:
            raise ManifestError(f"{where}: file {name!r} is listed twice")
        year = entry.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise ManifestError(f"{where} ({name}): year must be an integer, got {year!r}")
        doc_id = entry.get("doc_id")
        if doc_id is not None and (not isinstance(doc_id, str) or not doc_id):
            raise ManifestError(f"{where} ({name}): doc_id must be a non-empty string")
        if doc_id in doc_ids:
            raise ManifestError(f"{where} ({name}): doc_id {doc_id!r} is used twice")
        if doc_id:
            doc_ids.add(doc_id)
        status = entry.get("status", CURRENT)
        if status not in STATUSES:
            raise ManifestError(
                f"{where} ({name}): status must be one of {', '.join(STATUSES)}, got {status!r}"
            )
        if not isinstance(entry.get("national", False), bool):
            raise ManifestError(f"{where} ({name}): national must be true or false")
        entries[name] = entry
    return entries


def document_meta(path: Path, text: str, manifest_entry: dict[str, Any] | None) -> DocMeta:
    """Metadata of the document read from ``path`` with text ``text``.

    Values in ``manifest_entry`` win (source ``"manifest"``); fields it lacks — all of them for
    an unlisted document — are inferred from the text (``"inferred"``) or left empty
    (``"unknown"``). Inference runs only when some field is missing.
    """
    path = Path(path)
    entry = manifest_entry or {}
    listed = {name: entry.get(name) for name in META_FIELDS if entry.get(name) not in (None, "")}
    guess = infer_meta(text) if len(listed) < len(META_FIELDS) else _Guess()

    values: dict[str, Any] = {}
    sources: list[tuple[str, Source]] = []
    for name in META_FIELDS:
        if name in listed:
            values[name], source = listed[name], "manifest"
        else:
            values[name] = getattr(guess, name)
            source = "inferred" if values[name] not in (None, "") else "unknown"
        sources.append((name, source))
    doc_id = entry.get("doc_id") or slug_doc_id(path.stem)
    return DocMeta(
        doc_id=doc_id,
        title=values["title"],
        province=values["province"],
        year=values["year"],
        issuer=values["issuer"],
        date=values["date"],
        doc_type=values["doc_type"],
        source_file=path.name,
        sources=tuple(sources),
        # Validity (时效) and jurisdiction come from the manifest only: a text cannot be
        # trusted to say it was repealed, and a regulation without a province is not national
        # unless a person says so.
        status=entry.get("status") or CURRENT,
        national=bool(entry.get("national", False)),
        effective_date=str(entry.get("effective_date") or ""),
        version_date=str(entry.get("version_date") or ""),
        doc_number=str(entry.get("doc_number") or ""),
    )


def slug_doc_id(stem: str) -> str:
    """A stable ASCII id for a file stem: lowercase ``[a-z0-9-]``.

    A stem without ASCII letters or digits (e.g. a Chinese file name) gets ``doc-`` and the
    first 8 hex digits of its SHA-1, so the id is stable across rebuilds and machines.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if slug:
        return slug
    return "doc-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]


def infer_meta(text: str) -> _Guess:
    """What can be read off the text: title, province, year, issuer, issuing date, type."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = infer_title(lines)
    simple_title = to_simplified(title)
    issuer = _infer_issuer(lines, title)
    date = _infer_date(lines)
    year_match = _YEAR.search(simple_title)
    year = int(year_match.group(1)) if year_match else (int(date[:4]) if date else None)
    province = infer_province(title, issuer, text)
    if issuer and province and not provinces_mentioned(to_simplified(issuer)):
        issuer = province + issuer  # "应急管理厅" of a 四川 document is 四川省应急管理厅
    doc_type = next((kind for word, kind in _DOC_TYPES if word in simple_title), "")
    return _Guess(title, province, year, issuer, date, doc_type)


def infer_title(lines: list[str]) -> str:
    """The first title-like line naming a document type, else the first title-like line.

    A title is short, has Chinese characters, and does not end like a salutation or a clause
    (``:``, ``,``, ``;``). When the line before it is an issuing body and the title starts with
    a year ("云南省安全生产委员会" / "2019年度…工作要点"), the two are one title set on two lines.
    """
    head = lines[:40]
    candidates = [i for i, line in enumerate(head) if _title_like(line)]
    if not candidates:
        return ""
    typed = [i for i in candidates if any(word in to_simplified(head[i]) for word, _ in _DOC_TYPES)]
    index = (typed or candidates)[0]
    title = head[index]
    if index > 0 and _YEAR.match(title) and _ISSUER_LINE.match(to_simplified(head[index - 1])):
        title = head[index - 1] + title
    return title


def _title_like(line: str) -> bool:
    simple = to_simplified(line)
    return (
        2 <= len(line) <= _TITLE_MAX
        and re.search(r"[\u4e00-\u9fff]", line) is not None
        and not line.endswith(_TITLE_BAD_END)
        and not simple.startswith(_TITLE_BAD_START)
        and not line.endswith("。")
        and not _DATE_CN.fullmatch(line)
        and not _DATE_ISO.search(line)
    )


def _infer_issuer(lines: list[str], title: str) -> str:
    """The issuing body: from the title ("青海省安全生产委员会2020年工作要点"), a source label
    ("来源:浙江应急管理厅"), or a body's name alone on the line above a date (a signature)."""
    match = _ISSUER_IN_TITLE.match(to_simplified(title))
    if match:
        return title[: len(match.group(1))]
    for line in lines[:40]:
        label = _SOURCE_LABEL.match(to_simplified(line))
        value = label.group(1).strip() if label else ""
        if value and re.search(f"{_ISSUER_END}$", value):
            return line[-len(value) :]  # t2s keeps lengths: the same stretch, original script
    for above, line in itertools.pairwise(lines):
        if _DATE_CN.fullmatch(line) and _ISSUER_LINE.match(to_simplified(above)):
            return above
    return ""


def _infer_date(lines: list[str]) -> str:
    """The issuing date as ISO ``YYYY-MM-DD``: a labelled date ("发布时间:2021-05-19"), else a
    date alone on its line (the date under a signature), else ""."""
    labelled = [line for line in lines[:40] if _DATE_LABEL.search(to_simplified(line))]
    alone = [line for line in lines if _DATE_CN.fullmatch(line) or _DATE_ISO.fullmatch(line)]
    for line in labelled + alone:
        match = _DATE_CN.search(line) or _DATE_ISO.search(line)
        if match:
            year, month, day = (int(part) for part in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


def infer_province(title: str, issuer: str, text: str) -> str:
    """The province a document belongs to, by place names (gazetteer: cpca).

    The title decides when it names a place, then the issuer; otherwise the province most
    often named in the text (cities and prefectures count for their province), the earliest
    mentioned one on a tie — a document names its own places before others'.
    """
    for part in (title, issuer, text):
        mentions = provinces_mentioned(to_simplified(part)) if part else []
        if mentions:
            counts = Counter(mentions)
            top = max(counts.values())
            return next(name for name in mentions if counts[name] == top)
    return ""
