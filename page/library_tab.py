"""The 文件库 tab and the library API endpoints: Gradio wiring only.

Everything it decides is in :mod:`page.library_service` (permissions, changes, re-index)
and everything it shows in :mod:`page.library_view`. Endpoints for ``gradio_client``:
``/library_add`` (a file and optional metadata), ``/library_list``, ``/library_remove``.
Each handler takes the ``gr.Request``, so a logged-in non-administrator is refused here
just as on the page, whichever door they use.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.data_classes import FileData

from corpus.clause import STATUSES
from corpus.ingest import FORM_FIELDS, Draft
from corpus.reading import SUPPORTED_SUFFIXES
from page import library_view as view
from page import messages as msg
from page.access import request_user
from page.library_service import LibraryService, Refused

#: Seconds between refreshes of the table and the progress bar.
REFRESH_S = 1.0


def build_library_tab(demo: gr.Blocks, tab: gr.Tab, service: LibraryService) -> None:
    """The tab's components and events, and the library endpoints."""
    gr.Markdown(msg.LIB_RULES + "\n\n" + msg.LIB_WHERE.format(folder=service.library.folder))
    mode = gr.Markdown(elem_id="lib-mode")
    status = gr.HTML(view.status_html(service), elem_id="lib-status")
    table = gr.Dataframe(
        value=view.table_rows(service), headers=list(msg.LIB_HEADERS), interactive=False,
        wrap=True, label=msg.LIB_TABLE, elem_id="lib-table",
    )  # fmt: skip
    drafts = gr.State([])
    selected = gr.State("")
    shown = gr.State("")
    with gr.Column() as actions:
        files = gr.File(
            label=msg.LIB_UPLOAD, file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
            elem_id="lib-files",
        )  # fmt: skip
        check = gr.Button(msg.LIB_CHECK, elem_id="lib-check")
        report = gr.Markdown(elem_id="lib-report")
        gr.Markdown(msg.LIB_FORM)
        form = _form("lib-form")
        with gr.Row():
            confirm = gr.Button(msg.LIB_CONFIRM, variant="primary", elem_id="lib-confirm")
            skip = gr.Button(msg.LIB_SKIP, elem_id="lib-skip")
        notice = gr.Markdown(elem_id="lib-notice")
        gr.Markdown(msg.LIB_MANAGE)
        chosen = gr.Markdown(elem_id="lib-selected")
        edit = _form("lib-edit")
        with gr.Row():
            save = gr.Button(msg.LIB_SAVE, elem_id="lib-save")
            retire = gr.Button(msg.LIB_RETIRE, elem_id="lib-retire")
            restore = gr.Button(msg.LIB_RESTORE, elem_id="lib-restore")
        with gr.Row():
            version = gr.File(label=msg.LIB_NEW_VERSION, file_types=list(SUPPORTED_SUFFIXES),
                              elem_id="lib-version")  # fmt: skip
            replace = gr.Button(msg.LIB_REPLACE, elem_id="lib-replace")
        with gr.Row():
            sure = gr.Checkbox(label=msg.LIB_DELETE_OK, value=False, elem_id="lib-sure")
            delete = gr.Button(msg.LIB_DELETE, variant="stop", elem_id="lib-delete")
        done = gr.Markdown(elem_id="lib-done")
    form_fields = [form[name] for name in FORM_FIELDS]
    edit_fields = [edit[name] for name in FORM_FIELDS]
    private = {"api_visibility": "private"}

    def on_load(request: gr.Request) -> tuple[Any, ...]:
        user = request_user(request)
        problem = service.refusal(user)
        line = msg.LIB_YOU_MAY if problem is None else msg.LIB_READ_ONLY.format(reason=problem)
        shown = gr.Tab(visible=True) if service.visible_to(user) else gr.skip()
        return shown, gr.Column(visible=problem is None), line

    demo.load(on_load, None, [tab, actions, mode], **private)

    def refresh(last: str) -> tuple[Any, ...]:
        service.sync()
        rows = view.table_rows(service)
        digest = hashlib.sha1(
            json.dumps(rows, ensure_ascii=False, default=str).encode()
        ).hexdigest()
        update = gr.skip() if digest == last else gr.Dataframe(value=rows)
        return view.status_html(service), update, digest

    gr.Timer(REFRESH_S).tick(refresh, [shown], [status, table, shown], **private)

    def show_draft(pending: list[Draft], lines: list[str]) -> tuple[Any, ...]:
        if not pending:
            return (pending, "\n\n".join(lines), *[""] * (len(FORM_FIELDS) - 1), STATUSES[0])
        draft = pending[0]
        if len(pending) > 1:
            lines = [*lines, msg.LIB_PENDING.format(n=len(pending) - 1)]
        body = "\n\n".join([*lines, view.report_markdown(draft)])
        values = [_shown(draft.fields.get(name)) for name in FORM_FIELDS]
        return (pending, body, *values)

    def on_check(paths: list[str] | None, request: gr.Request) -> tuple[Any, ...]:
        user = request_user(request)
        pending: list[Draft] = []
        lines: list[str] = []
        for path in paths or []:
            name = Path(path).name
            try:
                pending.append(service.check_file(path, name, user))
            except Refused as error:
                lines.append(msg.LIB_REFUSED_FILE.format(message=error))
        if not paths:
            lines.append(msg.LIB_NO_FILES)
        return (*show_draft(pending, lines), "")

    check.click(on_check, [files], [drafts, report, *form_fields, notice], **private)

    def on_confirm(
        pending: list[Draft], title: str, province: str, year: str, issuer: str, date: str,
        doc_type: str, doc_number: str, status: str, request: gr.Request,
    ) -> tuple[Any, ...]:  # fmt: skip
        fields = [title, province, year, issuer, date, doc_type, doc_number, status]
        if not pending:
            return (*show_draft(pending, []), msg.LIB_NO_DRAFT)
        try:
            entry = service.add(pending[0], dict(zip(FORM_FIELDS, fields, strict=True)),
                                request_user(request))  # fmt: skip
        except Refused as error:
            return (*show_draft(pending, []), str(error))
        return (*show_draft(pending[1:], []), added_message(entry.data))

    confirm.click(
        on_confirm, [drafts, *form_fields], [drafts, report, *form_fields, notice], **private
    )

    def on_skip(pending: list[Draft]) -> tuple[Any, ...]:
        if not pending:
            return (*show_draft(pending, []), msg.LIB_NO_DRAFT)
        return (*show_draft(pending[1:], []), msg.LIB_SKIPPED.format(name=pending[0].name))

    skip.click(on_skip, [drafts], [drafts, report, *form_fields, notice], **private)

    def on_select(event: gr.SelectData) -> tuple[Any, ...]:
        row = list(event.row_value or [])
        doc_id = str(row[-1]) if row else ""
        blank = ("", "", *[""] * (len(FORM_FIELDS) - 1), STATUSES[0])
        if len(row) >= 2 and row[-2] == msg.ORIGIN_BUILTIN:
            return (*blank[:1], msg.LIB_BUILTIN_SELECTED.format(title=row[0]), *blank[2:])
        try:
            entry = service.library.entry(doc_id)
        except ValueError:
            return blank
        values = [_shown(entry.get(name)) for name in FORM_FIELDS]
        return (doc_id, msg.LIB_SELECTED.format(title=entry.get("title"), doc_id=doc_id),
                *values)  # fmt: skip

    table.select(on_select, None, [selected, chosen, *edit_fields], **private)

    def act(doc_id: str, request: gr.Request, action: str, *args: Any) -> str:
        if not doc_id:
            return msg.LIB_SELECT_FIRST
        user = request_user(request)
        try:
            if action == "save":
                entry = service.edit(doc_id, dict(zip(FORM_FIELDS, args, strict=True)), user)
                return msg.LIB_SAVED.format(title=entry.get("title"))
            if action in ("retire", "restore"):
                entry = service.retire(doc_id, user, undo=action == "restore")
                done_msg = msg.LIB_RETIRED if action == "retire" else msg.LIB_RESTORED
                return done_msg.format(title=entry.get("title"))
            if action == "replace":
                path = args[0]
                if not path:
                    return msg.LIB_NO_FILES
                draft = service.check_file(path, Path(path).name, user)
                entry = service.replace(doc_id, draft, user)
                return msg.LIB_REPLACED.format(title=entry.get("title"),
                                               version=entry.get("version"))  # fmt: skip
            if not args[0]:
                return msg.LIB_CONFIRM_DELETE
            entry = service.remove(doc_id, user)
            return msg.LIB_REMOVED.format(title=entry.get("title"))
        except Refused as error:
            return str(error)

    def on_save(
        doc_id: str, title: str, province: str, year: str, issuer: str, date: str,
        doc_type: str, doc_number: str, status: str, request: gr.Request,
    ) -> str:  # fmt: skip
        fields = [title, province, year, issuer, date, doc_type, doc_number, status]
        return act(doc_id, request, "save", *fields)

    def on_retire(doc_id: str, request: gr.Request) -> str:
        return act(doc_id, request, "retire")

    def on_restore(doc_id: str, request: gr.Request) -> str:
        return act(doc_id, request, "restore")

    def on_replace(doc_id: str, path: str | None, request: gr.Request) -> str:
        return act(doc_id, request, "replace", path)

    def on_delete(doc_id: str, sure_: bool, request: gr.Request) -> str:
        return act(doc_id, request, "delete", sure_)

    save.click(on_save, [selected, *edit_fields], [done], **private)
    retire.click(on_retire, [selected], [done], **private)
    restore.click(on_restore, [selected], [done], **private)
    replace.click(on_replace, [selected, version], [done], **private)
    delete.click(on_delete, [selected, sure], [done], **private)
    add_library_api(service)


def _form(prefix: str) -> dict[str, Any]:
    """The metadata fields (title … status), in two rows."""
    parts: dict[str, Any] = {}
    with gr.Row():
        for name in ("title", "province", "year", "issuer"):
            parts[name] = gr.Textbox(label=msg.FIELD_WORDS[name], elem_id=f"{prefix}-{name}")
    with gr.Row():
        for name in ("date", "doc_type", "doc_number"):
            parts[name] = gr.Textbox(label=msg.FIELD_WORDS[name], elem_id=f"{prefix}-{name}")
        parts["status"] = gr.Dropdown(
            choices=list(STATUSES), value=STATUSES[0], label=msg.FIELD_WORDS["status"],
            elem_id=f"{prefix}-status",
        )  # fmt: skip
    return parts


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def added_message(entry: dict[str, Any]) -> str:
    """ "Added", plus the warning when province or year was left empty (allowed, flagged)."""
    text = msg.LIB_ADDED.format(title=entry.get("title"))
    missing = [name for name in ("province", "year") if not entry.get(name)]
    if missing:
        words = "、".join(msg.FIELD_WORDS[n] for n in missing)
        flags = "、".join(msg.FLAG_WORDS[f"{n}-unknown"] for n in missing)
        text += "\n\n" + msg.LIB_MISSING.format(missing=words, flags=flags)
    return text


def add_library_api(service: LibraryService) -> None:
    """``/library_add``, ``/library_list``, ``/library_remove`` for ``gradio_client``."""

    def library_add(
        file: FileData, title: str = "", province: str = "", year: int | None = None,
        issuer: str = "", date: str = "", doc_type: str = "", doc_number: str = "",
        status: str = "现行有效", request: gr.Request = None,  # type: ignore[assignment]
    ) -> dict:  # fmt: skip
        """Add one document (.txt/.md/.docx/.pdf) to the library. Metadata left empty is
        inferred from the text. Returns the stored entry with its ingest report; the
        document is searchable once /library_list shows it "searchable"."""
        user = request_user(request)
        data = file if isinstance(file, dict) else dict(file)
        name = str(data.get("orig_name") or Path(str(data.get("path", ""))).name)
        given = {"title": title, "province": province, "year": year, "issuer": issuer,
                 "date": date, "doc_type": doc_type, "doc_number": doc_number,
                 "status": status}  # fmt: skip
        try:
            draft = service.check_file(str(data.get("path", "")), name, user)
            fields = {k: v for k, v in given.items() if v not in (None, "")}
            entry = service.add(draft, fields, user)
        except Refused as error:
            raise gr.Error(str(error)) from None
        return {**_public(entry.data), "report": draft.report.to_json(),
                "message": added_message(entry.data)}  # fmt: skip

    def library_list(request: gr.Request = None) -> list[dict]:  # type: ignore[assignment]
        """Every library document with its metadata and whether it is searchable yet."""
        problem = service.refusal(request_user(request))
        if problem and service.access.login is not None:
            raise gr.Error(problem)
        indexed = service.live.indexed
        return [
            {**_public(e.data), "searchable": indexed.get(e.doc_id) == e.key
             and e.doc_id in service.live.documents()}
            for e in service.library.entries()
        ]  # fmt: skip

    def library_remove(doc_id: str, request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Delete a library document (by doc_id); gone from search once re-indexed."""
        try:
            entry = service.remove(str(doc_id), request_user(request))
        except Refused as error:
            raise gr.Error(str(error)) from None
        return {"removed": entry.doc_id, "title": entry.get("title")}

    gr.api(library_add, api_name="library_add")
    gr.api(library_list, api_name="library_list")
    gr.api(library_remove, api_name="library_remove")


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    keep = ("doc_id", "title", "province", "year", "issuer", "date", "doc_type", "doc_number",
            "status", "original_name", "added", "updated", "version", "sources")  # fmt: skip
    return {k: entry.get(k) for k in keep}
