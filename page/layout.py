"""The Gradio page: tabs, the 问答 chat with its filters, and the ``/search`` API endpoint.

Only wiring lives here: every event calls a pure function of ``page.handlers`` and draws the
result. Per-user state (the conversation, hence the previous question for follow-ups) is a
``gr.State``, so each browser session has its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from common.limits import limits
from common.scratch import GRADIO_CACHE, scratch_root
from page import answers_export, compare_view, export, handlers
from page import messages as msg
from page.access import Access
from page.compare_cards import CSS as COMPARE_CSS
from page.conversation import Conversation
from page.guard import BodyLimit
from page.jobs import JobRunner
from page.pickers import province_year_pickers

#: How many requests of one event run at once; more wait in Gradio's queue. Searches run in
#: parallel but share one (batched) encoder, so more in flight means bigger, cheaper batches.
CONCURRENCY_LIMIT = 16
#: Browser sessions whose state Gradio keeps in memory (each holds a copy of the page's
#: config, ~0.5 MB here, kept after the tab closes); the oldest are dropped beyond this.
#: Gradio's default, 10,000, lets a long-running server grow by gigabytes.
SESSION_CAPACITY = 1000

#: One document-level click listener for every card's copy button. The chatbot sanitises
#: message HTML (inline ``onclick`` and ``data-`` attributes are removed), so the listener
#: copies the text of the ``.qa-cite`` beside the button. Gradio may insert the head twice;
#: the flag keeps it to one listener. ``navigator.clipboard`` needs a secure context (https or
#: localhost); elsewhere the old ``execCommand("copy")`` is the fallback.
HEAD = f"""<script>
if (!window.__qaCopyInstalled) {{
window.__qaCopyInstalled = true;
document.addEventListener("click", function (event) {{
  const button = event.target.closest ? event.target.closest("button.qa-copy") : null;
  if (!button) return;
  event.preventDefault();
  event.stopPropagation();
  const holder = button.closest(".qa-card-head, .qa-answer");
  const cite = holder ? holder.querySelector(".qa-cite") : null;
  const text = cite ? cite.textContent.trim() : "";
  if (!text) return;
  const done = function () {{
    button.textContent = "{msg.COPIED}";
    button.classList.add("qa-copied");
    setTimeout(function () {{
      button.textContent = "{msg.COPY_CITATION}";
      button.classList.remove("qa-copied");
    }}, 1500);
  }};
  const fallback = function () {{
    const area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {{ ok = document.execCommand("copy"); }} catch (e) {{ ok = false; }}
    area.remove();
    if (ok) done();
  }};
  if (navigator.clipboard && window.isSecureContext) {{
    navigator.clipboard.writeText(text).then(done, fallback);
  }} else {{
    fallback();
  }}
}}, true);
}}
</script>"""

#: After an answer arrives, scroll the chat so the question and the answer's first line (not
#: its last card) are in view; Gradio's own autoscroll would jump to the bottom of a long
#: answer. The delay lets the chatbot draw the new message first.
SCROLL_TO_ANSWER = """() => { setTimeout(() => {
  const found = document.querySelectorAll("#qa-chat .qa-scope");
  let target = found[found.length - 1];
  if (!target) return;
  let row = target.closest(".message-row");
  while (row && !row.classList.contains("user-row")) row = row.previousElementSibling;
  if (row) target = row;
  let box = target.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 4
         && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  if (!box) return;
  box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top;
}, 300); }"""

CSS = """
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin: 10px 0; background: var(--background-fill-primary); }
.qa-card-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.qa-rank { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 999px;
  background: var(--color-accent-soft); font-size: 12px; }
.qa-cite { font-weight: 600; color: var(--color-accent); }
.qa-part { font-size: 12px; color: var(--body-text-color-subdued); }
.qa-copy { font-size: 12px; padding: 0 8px; border: 1px solid var(--border-color-primary);
  border-radius: 4px; cursor: pointer; background: var(--button-secondary-background-fill); }
.qa-copy.qa-copied { color: var(--color-accent); }
.qa-score { margin-left: auto; font-size: 11px; color: var(--body-text-color-subdued); }
.qa-meta { font-size: 12px; color: var(--body-text-color-subdued); margin: 4px 0; }
.qa-text { line-height: 1.75; }
.qa-text mark, .qa-answer mark { background: #fde68a; color: inherit; padding: 0 1px;
  border-radius: 2px; }
.qa-answer { line-height: 1.75; margin-bottom: 4px; }
.qa-context summary { cursor: pointer; font-size: 12px; color: var(--body-text-color-subdued);
  margin-top: 6px; }
.qa-neighbour { font-size: 13px; border-left: 3px solid var(--border-color-primary);
  padding-left: 8px; margin: 6px 0; }
.qa-neighbour-label { display: block; font-size: 12px; color: var(--body-text-color-subdued); }
.qa-status { color: #b45309; }
.lib-bar { height: 10px; border-radius: 5px; background: var(--border-color-primary);
  overflow: hidden; margin: 4px 0; }
.lib-bar > div { height: 100%; background: var(--color-accent); }
.qa-notice.qa-warn { font-weight: 600; color: #b45309; }
.qa-status { font-size: 12px; }
.qa-status.qa-superseded { color: #dc2626; font-weight: 600; }
.qa-status.qa-amended { color: #b45309; }
.qa-notice.qa-info, .qa-notice.qa-scope { font-size: 12px;
  color: var(--body-text-color-subdued); }
.qa-hidden { display: none !important; }
"""

#: The export is written when the user clicks 下载 (not on every answer); the file then goes
#: to a hidden DownloadButton, which this clicks so the browser downloads it.
CLICK_EXPORT = """() => { setTimeout(() => {
  const holder = document.querySelector("#qa-export-file");
  const button = holder && (holder.tagName === "BUTTON" ? holder : holder.querySelector("button"));
  if (button) button.click();
}, 50); }"""


def build_page(
    retriever: Any,
    *,
    access: Access | None = None,
    jobs: JobRunner | None = None,
    eval_run: Any = None,
    library: Any = None,
) -> gr.Blocks:
    """The whole page: the 问答 tab, the 出题/评测 tabs when their modules exist, the 文件库
    tab when ``library`` is given, the API.

    ``access`` says who may start costly actions (default: the local user on loopback);
    ``jobs`` runs them one at a time (default: a new runner, kept as ``demo.jobs``);
    ``eval_run`` is the ``eval.tab.BenchmarkRun`` the 评测 tab submits (default: the full
    benchmark over ``retriever``'s index). ``library`` is a
    :class:`page.library_service.LibraryService`: its access rule and job runner are the
    page's (one runner for re-indexes and benchmarks), and ``retriever`` should be its
    ``live`` retriever, which a re-index swaps.

    Gradio's copies of downloads go to this process's temporary folder
    (:mod:`common.scratch`, removed at exit) unless ``GRADIO_TEMP_DIR`` says otherwise,
    and are deleted by Gradio once older than the scratch age limit.
    """
    if library is not None:
        access = access or library.access
        jobs = jobs or library.jobs
    access = access or Access()
    runner = jobs or JobRunner()
    os.environ.setdefault("GRADIO_TEMP_DIR", str(scratch_root() / GRADIO_CACHE))
    age = int(limits().max_scratch_age_s)
    with gr.Blocks(title=msg.TITLE, delete_cache=(max(60, age // 4), age)) as demo:
        gr.Markdown(f"## {msg.TITLE}\n{msg.SUBTITLE}")
        with gr.Tabs():
            with gr.Tab(msg.TAB_QA):
                build_qa_tab(retriever)
            if _has("quiz.tab"):
                with gr.Tab(msg.TAB_QUIZ):
                    import_module("quiz.tab").build_quiz_tab(retriever)
            with gr.Tab(msg.TAB_COMPARE, elem_id="qa-compare-tab"):
                compare_view.build_compare_tab(retriever)
            if _has("eval.tab"):
                with gr.Tab(msg.TAB_EVAL):
                    import_module("eval.tab").build_eval_tab(
                        retriever, runner=runner, access=access, run=eval_run
                    )
            if library is not None:
                # Hidden until the page's load event finds an administrator, when a login
                # is configured (Gradio can show a hidden tab, not hide a shown one).
                shown = library.visible_to(None)
                with gr.Tab(msg.TAB_LIBRARY, elem_id="lib-tab", visible=shown) as tab:
                    import_module("page.library_tab").build_library_tab(demo, tab, library)
        add_search_api(retriever)
        compare_view.add_compare_api(retriever)
    demo.jobs, demo.access = runner, access  # type: ignore[attr-defined]
    return demo


def _has(module: str) -> bool:
    """Whether an optional tab's module is installed (its package may not exist yet)."""
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def build_qa_tab(retriever: Any) -> None:
    """The chat, the question box and examples, and the filters beside them."""
    conversation = gr.State(Conversation())
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label=msg.LABEL_CHAT,
                show_label=False,
                autoscroll=False,
                elem_id="qa-chat",
                height=640,
                layout="panel",
                buttons=["copy", "copy_all"],
                latex_delimiters=[],
                feedback_options=None,
                placeholder=msg.SUBTITLE,
            )
            with gr.Row():
                question = gr.Textbox(
                    show_label=False,
                    placeholder=msg.PLACEHOLDER_QUESTION,
                    elem_id="qa-question",
                    scale=5,
                    lines=1,
                )
                ask = gr.Button(msg.LABEL_ASK, variant="primary", scale=1, elem_id="qa-ask")
            gr.Examples(
                examples=[[e] for e in msg.EXAMPLES], inputs=[question], label=msg.LABEL_EXAMPLES
            )
        with gr.Column(scale=1, min_width=260):
            gr.Markdown(f"### {msg.LABEL_FILTERS}")
            provinces, years = province_year_pickers(retriever)
            source = gr.Radio(
                choices=[(name, key) for key, name in msg.SOURCE_NAMES.items()], value="all",
                label=msg.LABEL_SOURCE, elem_id="qa-source",
            )  # fmt: skip
            superseded = gr.Checkbox(
                label=msg.LABEL_SUPERSEDED, value=False, elem_id="qa-superseded"
            )
            k = gr.Slider(1, 10, value=5, step=1, label=msg.LABEL_K)
            simplified = gr.Checkbox(label=msg.LABEL_SIMPLIFIED, value=False)
            detected = gr.CheckboxGroup(
                choices=[], value=[], label=msg.LABEL_DETECTED, elem_id="qa-detected"
            )
            download = gr.Button(msg.LABEL_DOWNLOAD, interactive=False, elem_id="qa-export")
            with gr.Row():
                download_docx = gr.Button(
                    msg.LABEL_DOWNLOAD_DOCX, interactive=False, elem_id="qa-export-docx"
                )
                download_xlsx = gr.Button(
                    msg.LABEL_DOWNLOAD_XLSX, interactive=False, elem_id="qa-export-xlsx"
                )
            export_file = gr.DownloadButton(
                msg.LABEL_DOWNLOAD, elem_id="qa-export-file", elem_classes=["qa-hidden"]
            )
            clear = gr.Button(msg.LABEL_CLEAR)

    def on_ask(
        text: str, conv: Conversation, prov: list[str], yrs: list[int], n: float, simple: bool,
        src: str, old: bool,
    ) -> tuple[Any, ...]:  # fmt: skip
        conv = handlers.ask(
            retriever, conv, text, prov or (), yrs or (), int(n),
            source=src or "all", include_superseded=bool(old),
        )  # fmt: skip
        return (*_draw(conv, simple), "")

    def on_refine(
        kept: list[str], conv: Conversation, prov: list[str], yrs: list[int], n: float,
        simple: bool, src: str, old: bool,
    ) -> tuple[Any, ...]:  # fmt: skip
        conv = handlers.refine(
            retriever, conv, kept or (), prov or (), yrs or (), int(n),
            source=src or "all", include_superseded=bool(old),
        )  # fmt: skip
        return _draw(conv, simple)

    def on_clear() -> tuple[Any, ...]:
        return _draw(Conversation(), False)[:6]

    outputs = [chatbot, conversation, detected, download, download_docx, download_xlsx]
    inputs = [question, conversation, provinces, years, k, simplified, source, superseded]
    for trigger in (question.submit, ask.click):
        trigger(on_ask, inputs, [*outputs, question], api_visibility="private").then(
            None, js=SCROLL_TO_ANSWER
        )
    detected.input(
        on_refine, [detected, conversation, provinces, years, k, simplified, source, superseded],
        outputs,
        api_visibility="private",
    ).then(None, js=SCROLL_TO_ANSWER)  # fmt: skip
    simplified.change(
        lambda conv, simple: handlers.chat_messages(conv, simplified=simple),
        [conversation, simplified], [chatbot], api_visibility="private",
    )  # fmt: skip
    clear.click(on_clear, None, outputs, api_visibility="private")
    for button, write in (
        (download, export.write_markdown),
        (download_docx, answers_export.write_docx),
        (download_xlsx, answers_export.write_xlsx),
    ):
        button.click(
            lambda conv, write=write: gr.DownloadButton(value=str(write(conv))),
            [conversation], [export_file], api_visibility="private",
        ).then(None, js=CLICK_EXPORT)  # fmt: skip


def _draw(conv: Conversation, simplified: bool) -> tuple[Any, ...]:
    """Chat messages, the state, the chips of the last question, the download buttons
    (enabled when something is cited; a file is written only when its button is clicked)."""
    labels = handlers.chips(conv)
    chips = gr.CheckboxGroup(choices=labels, value=labels)
    some = bool(export.cited(conv))
    buttons = [gr.Button(interactive=some) for _ in range(3)]
    return handlers.chat_messages(conv, simplified=simplified), conv, chips, *buttons


def add_search_api(retriever: Any) -> None:
    """The ``/search`` endpoint for ``gradio_client``: JSON of ``SearchResult.to_json()``."""

    def search(
        query: str,
        provinces: list[str] | str | None = None,
        years: list[int] | int | None = None,
        k: int = 10,
        include_superseded: bool = False,
        source: str = "all",
    ) -> dict:
        """Search the documents and national laws. ``provinces`` (e.g. ["青海省"]) and
        ``years`` (e.g. [2020]) restrict the search (national laws apply everywhere);
        provinces, years, laws and articles written in the question are detected too.
        ``include_superseded`` lets 已废止/历史版本 texts answer; ``source`` is "all",
        "provincial" or "laws". Returns the hits with citation, status, text, scores and
        matched terms."""
        try:
            return handlers.search_api(
                retriever, query, provinces, years, k,
                include_superseded=include_superseded, source=source,
            )  # fmt: skip
        except ValueError as error:
            raise gr.Error(str(error)) from None

    gr.api(search, api_name="search")


def serve(
    demo: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: tuple[str, str] | Callable[[str, str], bool] | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
    sessions: int = SESSION_CAPACITY,
) -> Any:
    """Queue requests (at most :data:`CONCURRENCY_LIMIT` at once) and start the server.

    Request bodies over the limit are refused before Gradio reads them
    (:class:`page.guard.BodyLimit`).
    """
    lim = limits()
    demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT)
    return demo.launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        max_file_size=lim.max_file_bytes,
        app_kwargs={"middleware": [Middleware(BodyLimit, limits=lim)]},
        auth_message=msg.LOGIN if auth else None,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        css=CSS + COMPARE_CSS,
        head=HEAD,
        show_error=True,
        state_session_capacity=sessions,
    )
