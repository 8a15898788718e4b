"""The 评测 tab of the page: the latest benchmark report, and a button to run a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from eval.benchmark import REPORTS_DIR


def latest_report_dir(reports_dir: Path = REPORTS_DIR) -> Path | None:
    """The newest complete report folder (names are ``YYYYmmdd-HHMMSS``, so they sort by time).

    Only folders holding a ``report.md`` count, and temp folders (leading dot) never do:
    reports are written aside and renamed, so a half-written one is never shown.
    """
    if not reports_dir.is_dir():
        return None
    done = [
        p
        for p in reports_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "report.md").is_file()
    ]
    return max(done, key=lambda p: p.name) if done else None


def report_view(reports_dir: Path = REPORTS_DIR) -> tuple[str, str | None]:
    """Markdown and chart path of the latest report, or a note (in Chinese) when none exists."""
    folder = latest_report_dir(reports_dir)
    if folder is None:
        return "还没有评测报告。点击“运行评测”生成第一份报告（需要几分钟）。", None
    chart = folder / "chart.png"
    text = (folder / "report.md").read_text(encoding="utf-8")
    return f"**最新报告：{folder.name}**\n\n{text}", str(chart) if chart.is_file() else None


def run_and_show(
    reports_dir: Path = REPORTS_DIR,
    progress: gr.Progress = gr.Progress(),  # noqa: B008  (Gradio injects the tracker here)
    retriever: Any = None,
) -> tuple[str, str | None]:
    """Run the full benchmark with ``retriever`` (the page's, already loaded; None loads the
    default one), then show the new report.

    The runner is imported here so that building the page loads neither ranx nor the model.
    A failure is shown on the page, above the previous report, rather than raised.
    """
    from eval.runner import run_benchmark

    def step(fraction: float, message: str) -> None:
        progress(fraction, desc=message)

    try:
        run_benchmark(out_dir=reports_dir, on_progress=step, retriever=retriever)
    except Exception as exc:
        md, chart = report_view(reports_dir)
        return f"**评测运行失败：** {exc}\n\n{md}", chart
    return report_view(reports_dir)


def build_eval_tab(retriever: Any = None) -> None:
    """Build the 评测 tab's components; call inside ``with gr.Tab("评测"):``. Runs use
    ``retriever`` (the page's), so a run loads no second model."""

    def _run_clicked(
        progress: gr.Progress = gr.Progress(),  # noqa: B008  (Gradio injects the tracker here)
    ) -> tuple[str, str | None]:
        return run_and_show(REPORTS_DIR, progress, retriever)

    gr.Markdown(
        "检索评测：用手写的基准问题集（含答案标注）比较各检索配置——词法、向量、混合、"
        "带省份/年份筛选的混合，以及通用 RAG 教程式的朴素基线——的召回率、MRR 和 nDCG。"
    )
    with gr.Row():
        run_button = gr.Button("运行评测", variant="primary")
        refresh_button = gr.Button("刷新报告")
    md, chart = report_view()
    chart_view = gr.Image(value=chart, label="配置对比图", type="filepath", interactive=False)
    report_md = gr.Markdown(md)
    run_button.click(_run_clicked, None, [report_md, chart_view])
    refresh_button.click(lambda: report_view(), None, [report_md, chart_view])
