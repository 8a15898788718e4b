"""The 对比 tab and the ``/compare`` API: thin Gradio wiring over ``page.compare``.

Mounted by ``page.layout.build_page``; the logic (follow-ups, messages) is in
``page.compare``, the HTML in ``page.compare_cards``, the files in ``page.compare_export``.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from page import compare as logic
from page import compare_export
from page import messages as msg
from page.cards import notice
from page.compare_cards import comparison_html
from page.pickers import province_year_pickers


def build_compare_tab(retriever: Any) -> None:
    """Question box, province/year/laws choices, the columns, and the two downloads."""
    state = gr.State(logic.CompareState())
    with gr.Row():
        question = gr.Textbox(
            show_label=False, placeholder=msg.PLACEHOLDER_COMPARE, elem_id="qa-compare-question",
            scale=5, lines=1,
        )  # fmt: skip
        go = gr.Button(msg.LABEL_COMPARE, variant="primary", scale=1, elem_id="qa-compare-go")
    with gr.Row():
        provinces, years = province_year_pickers(retriever)
        laws = gr.Checkbox(label=msg.LABEL_COMPARE_LAWS, value=True)
    gr.Examples(
        examples=[[e] for e in msg.COMPARE_EXAMPLES], inputs=[question], label=msg.LABEL_EXAMPLES
    )
    view = gr.HTML(elem_id="qa-compare-view")
    with gr.Row():
        docx = gr.DownloadButton(
            msg.LABEL_COMPARE_DOCX, interactive=False, elem_id="qa-compare-docx"
        )
        xlsx = gr.DownloadButton(
            msg.LABEL_COMPARE_XLSX, interactive=False, elem_id="qa-compare-xlsx"
        )

    def on_compare(
        text: str, current: logic.CompareState, prov: list[str], yrs: list[int], with_laws: bool
    ) -> tuple[Any, ...]:
        new = logic.run(retriever, current, text, prov or (), yrs or (), bool(with_laws))
        return (*_draw(new, changed=new.comparison is not current.comparison), "")

    outputs = [view, state, docx, xlsx, question]
    inputs = [question, state, provinces, years, laws]
    go.click(on_compare, inputs, outputs, api_visibility="private")
    question.submit(on_compare, inputs, outputs, api_visibility="private")


def _draw(state: logic.CompareState, *, changed: bool) -> tuple[Any, ...]:
    """The view's HTML, the state, and the downloads (rewritten only for a new comparison)."""
    html = notice(state.notice, "warn") if state.notice else ""
    if state.comparison is None:
        off = gr.DownloadButton(value=None, interactive=False)
        return html, state, off, off
    html += comparison_html(state.comparison)
    if not changed:
        return html, state, gr.DownloadButton(), gr.DownloadButton()
    docx = compare_export.write_docx(state.comparison)
    xlsx = compare_export.write_xlsx(state.comparison)
    return (
        html,
        state,
        gr.DownloadButton(value=str(docx), interactive=True),
        gr.DownloadButton(value=str(xlsx), interactive=True),
    )


def add_compare_api(retriever: Any) -> None:
    """The ``/compare`` endpoint: JSON with one entry per source (no file paths)."""

    def compare(
        topic: str,
        provinces: list[str] | None = None,
        years: list[int] | None = None,
        laws: bool = True,
    ) -> dict:
        """Compare what provinces (and national laws) say on a topic. ``topic`` may be a
        question naming the provinces (浙江和云南在危化品方面有什么不同, 各省…); ``provinces``
        (e.g. ["浙江省", "云南省"]) and ``years`` add to it; ``laws`` adds a 全国 column when
        the documents hold national laws. Returns one entry per source with its clauses,
        citations, answer sentences and the facts that differ."""
        try:
            return logic.compare_api(retriever, topic, provinces, years, laws)
        except ValueError as error:
            raise gr.Error(str(error)) from None

    gr.api(compare, api_name="compare")
