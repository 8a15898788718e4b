"""The province and year pickers of the 问答 and 对比 tabs: the same choices, read from the
loaded corpus (years of the documents only: a law's version year is no filter choice)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from page import messages as msg


def province_year_pickers(retriever: Any) -> tuple[gr.Dropdown, gr.Dropdown]:
    """Two multi-select dropdowns, nothing chosen: the corpus's provinces and years."""
    provinces = gr.Dropdown(
        choices=list(retriever.provinces()), value=[], multiselect=True, label=msg.LABEL_PROVINCES
    )
    years = gr.Dropdown(
        choices=[(f"{y}年", y) for y in retriever.years()], value=[], multiselect=True,
        label=msg.LABEL_YEARS,
    )  # fmt: skip
    return provinces, years
