"""What the 文件库 tab shows: the table of documents, the progress bar, the ingest report.

Pure functions of a :class:`page.library_service.LibraryService` (or a draft), returning
plain rows, HTML or Markdown, so the tab's wiring stays thin and the wording is tested.
Text from documents is escaped before it reaches HTML or Markdown.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from html import escape
from typing import Any

from corpus.clause import DocMeta
from corpus.ingest import Draft
from corpus.library import Entry
from page import messages as msg
from page.jobs import Job
from page.library_service import LibraryService

#: Where each metadata field's source is shown in the table, in this order.
_SOURCE_FIELDS = ("title", "province", "year", "issuer", "date", "doc_type", "doc_number")


def table_rows(service: LibraryService) -> list[list[Any]]:
    """One row per document: the library's (searchable or not yet), then the built-in ones;
    a library document deleted but still in the served index is listed as being removed."""
    indexed = service.live.documents()
    job = service.current_job()
    entries = service.library.entries()
    listed = {e.doc_id for e in entries}
    rows = [_library_row(e, indexed.get(e.doc_id), service, job) for e in entries]
    for doc_id, (meta, clauses) in indexed.items():
        if doc_id in listed:
            continue
        if doc_id in service.live.indexed:  # a library document already deleted
            rows.append(_row(meta, clauses, _sources(meta), "", msg.STATE_REMOVING, False))
        else:
            state = msg.STATE_SEARCHABLE if meta.in_force else msg.STATE_SEARCHABLE_SWITCH
            rows.append(_row(meta, clauses, _sources(meta), "", state, True))
    return rows


def _library_row(
    entry: Entry, indexed: tuple[DocMeta, list[Any]] | None, service: LibraryService,
    job: Job | None,
) -> list[Any]:  # fmt: skip
    if indexed is not None and service.live.indexed.get(entry.doc_id) == entry.key:
        state = msg.STATE_SEARCHABLE if entry.status in ("现行有效", "已被修改") else (
            msg.STATE_SEARCHABLE_SWITCH
        )  # fmt: skip
    elif job is not None and job.state == "running":
        state = f"{msg.STATE_INDEXING} {job.fraction:.0%}"
    elif job is not None and job.state == "failed":
        state = msg.STATE_FAILED
    else:
        state = msg.STATE_WAITING
    clauses = indexed[1] if indexed is not None else []
    flags = _flags(clauses) if clauses else _flag_words(entry.get("report", {}).get("flags", {}))
    count = len(clauses) if clauses else entry.get("report", {}).get("clauses", "")
    sources = " ".join(
        f"{msg.FIELD_WORDS[name]}:{msg.SOURCE_WORDS.get(src, src)}"
        for name, src in entry.get("sources", {}).items()
        if name in _SOURCE_FIELDS
    )
    return [
        entry.get("title", ""), state, entry.get("province") or "—", entry.get("year") or "—",
        entry.get("doc_type") or "—", entry.get("doc_number") or "—", entry.get("status", ""),
        count, flags or "—", sources, _when(entry.get("added", "")), msg.ORIGIN_LIBRARY,
        entry.doc_id,
    ]  # fmt: skip


def _row(
    meta: DocMeta, clauses: list[Any], sources: str, added: str, state: str, builtin: bool
) -> list[Any]:
    return [
        meta.title, state, meta.province or "—", meta.year or "—", meta.doc_type or "—",
        meta.doc_number or "—", meta.status, len(clauses), _flags(clauses) or "—", sources,
        added or "—", msg.ORIGIN_BUILTIN if builtin else msg.ORIGIN_LIBRARY, meta.doc_id,
    ]  # fmt: skip


def _sources(meta: DocMeta) -> str:
    return " ".join(
        f"{msg.FIELD_WORDS[name]}:{msg.SOURCE_WORDS.get(meta.source_of(name), '')}"
        for name in ("title", "province", "year")
    )


def _flags(clauses: list[Any]) -> str:
    return _flag_words(Counter(f for c in clauses for f in c.flags))


def _flag_words(counts: dict[str, int]) -> str:
    return "、".join(f"{msg.FLAG_WORDS.get(flag, flag)}×{n}" for flag, n in sorted(counts.items()))


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp or "—"


def status_html(service: LibraryService) -> str:
    """The re-index progress bar and one line: waiting, running (percent, step), done or
    failed (searches keep the previous index)."""
    job = service.current_job()
    if job is None or (job.state == "done" and service.up_to_date()):
        line = msg.PROGRESS_IDLE
        if job is not None and isinstance(job.result, dict):
            line = msg.PROGRESS_DONE.format(**job.result)
        return _bar(1.0, line, "idle")
    if job.state == "queued":
        ahead = (job.position or 1) - 1
        return _bar(0.0, msg.PROGRESS_QUEUED.format(ahead=ahead), "queued")
    if job.state == "failed":
        return _bar(job.fraction, msg.PROGRESS_FAILED.format(error=job.error or ""), "failed")
    text = msg.PROGRESS_RUNNING.format(percent=f"{job.fraction:.0%}", message=job.message)
    return _bar(job.fraction, text, job.state)


def _bar(fraction: float, text: str, state: str) -> str:
    width = max(0.0, min(1.0, fraction)) * 100
    return (
        f'<div class="lib-status" data-state="{state}">'
        f'<div class="lib-bar"><div style="width:{width:.0f}%"></div></div>'
        f"<span>{escape(text)}</span></div>"
    )


def report_markdown(draft: Draft) -> str:
    """The ingest report: found, cleaned, repaired, unreadable, preview with citations."""
    r = draft.report
    cleaned = [
        msg.CLEAN_LINES.format(reason=msg.CLEAN_REASONS.get(reason, reason), n=n)
        for reason, n in r.cleaned.items()
    ]
    if r.repeated:
        cleaned.append(msg.REPORT_REPEATED.format(n=r.repeated))
    lines = [
        msg.REPORT_TITLE.format(name=_md(draft.name)),
        msg.REPORT_FOUND.format(**r.counts),
        msg.REPORT_CLEANED.format(items="、".join(cleaned)) if cleaned else
        msg.REPORT_NOTHING_CLEANED,
        msg.REPORT_REPAIRED.format(n=r.repaired) if r.repaired else msg.REPORT_NOTHING_REPAIRED,
        msg.REPORT_UNREPAIRED.format(n=r.unrepaired) if r.unrepaired else msg.REPORT_ALL_READ,
        msg.REPORT_PREVIEW.format(n=len(r.preview)),
    ]  # fmt: skip
    preview = [
        f"- {_md(cite)} {_md(path) + '：' if path else ''}{_md(text)}"
        for cite, path, text in draft.preview_with(draft.fields)
    ]
    return "\n\n".join(lines) + "\n\n" + "\n".join(preview)


def _md(text: str) -> str:
    """Text safe inside Markdown: HTML escaped, Markdown's own specials backslashed."""
    out = escape(str(text), quote=False)
    for ch in "\\`*_[]#|":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")
