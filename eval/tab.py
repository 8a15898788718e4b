"""The 评测 tab of the page: the latest benchmark report, and a button to run a new one."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

REPORTS_DIR = Path(__file__).resolve().parent / "reports"


def latest_report_dir(reports_dir: Path = REPORTS_DIR) -> Path | None:
    """The newest complete report folder (names are ``YYYYmmdd-HHMMSS``, so they sort by time).

    A folder counts only when its ``report.md`` exists: reports are written to a temp folder
    and renamed, so a half-written one is never picked.
    """
    if not reports_dir.is_dir():
        return None
    done = [p for p in reports_dir.iterdir() if p.is_dir() and (p / "report.md").is_file()]
    return max(done, key=lambda p: p.name) if done else None


def _report_view(reports_dir: Path = REPORTS_DIR) -> tuple[str, str | None]:
    """Markdown and chart path of the latest report, or a Chinese note when there is none."""
    folder = latest_report_dir(reports_dir)
    if folder is None:
        return "还没有评测报告。点击“运行评测”生成第一份报告（约需几分钟）。", None
    chart = folder / "chart.png"
    text = (folder / "report.md").read_text(encoding="utf-8")
    return f"**最新报告：{folder.name}**\n\n{text}", str(chart) if chart.is_file() else None


def _run(progress: gr.Progress = gr.Progress()) -> tuple[str, str | None]:  # noqa: B008
    """Run the full benchmark on the default corpus and show its report.

    Imported here so that building the page does not load the model or the index.
    """
    from eval.runner import run_benchmark

    def step(fraction: float, message: str) -> None:
        progress(fraction, desc=message)

    try:
        run_benchmark(out_dir=REPORTS_DIR, on_progress=step)
    except Exception as exc:  # the page must say what went wrong rather than hang
        md, chart = _report_view()
        return f"**评测运行失败：** {exc}\n\n{md}", chart
    return _report_view()


def build_eval_tab() -> None:
    """Build the 评测 tab's components; call inside ``with gr.Tab("评测"):``."""
    gr.Markdown(
        "检索评测：用手写的基准问题集比较各检索配置（词法、向量、混合、带筛选的混合、朴素基线）"
        "的召回率、MRR 和 nDCG。"
    )
    run_button = gr.Button("运行评测", variant="primary")
    md, chart = _report_view()
    chart_view = gr.Image(value=chart, label="配置对比图", type="filepath", interactive=False)
    report_view = gr.Markdown(md)
    run_button.click(_run, inputs=None, outputs=[report_view, chart_view])
