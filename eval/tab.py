"""The 评测 tab of the page: the latest benchmark report, and a button to run a new one.

A run takes minutes and runs ranx's numba code, so it never runs in a request thread: the
button (and the ``/run_benchmark`` API) submits a :class:`BenchmarkRun` to the page's
:class:`page.jobs.JobRunner`, which runs one job at a time in its worker process, and the
tab shows the queue position and progress (a timer polls the job while one is active).
Who may start a run is :func:`page.access.check_action`'s decision: the local user on
loopback, only administrators when a login is configured, with a rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from eval.benchmark import REPORTS_DIR
from page import access as acc
from page import jobs as jb

KIND = "benchmark"
NO_REPORT = "还没有评测报告。点击“运行评测”生成第一份报告（需要几分钟）。"
UNKNOWN_JOB = "没有编号为“{job}”的任务（编号可能写错了，或任务早已结束被清理）。"
INTRO = (
    "检索评测：用手写的基准问题集（含答案标注）比较各检索配置——词法、向量、混合、"
    "带省份/年份筛选的混合，以及通用 RAG 教程式的朴素基线——的召回率、MRR 和 nDCG。"
    "评测在后台逐个运行，不影响检索。"
)
#: run_benchmark's progress messages, in the tab's words.
STEPS = {
    "loading the retriever": "加载检索器",
    "embedding the queries": "计算问题向量",
    "writing the report": "写出报告",
}


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
        return NO_REPORT, None
    chart = folder / "chart.png"
    text = (folder / "report.md").read_text(encoding="utf-8")
    return f"**最新报告：{folder.name}**\n\n{text}", str(chart) if chart.is_file() else None


@dataclass(frozen=True)
class RetrieverSource:
    """How the worker process loads the page's retriever: ``Retriever.load``'s arguments.

    Picklable and hashable, so the worker keeps one loaded retriever per source between
    runs. App code passes its own command-line options; :meth:`of` reads them off a loaded
    retriever (its index folder and model name, default corpus).
    """

    index_dir: Path | None = None
    model: str | None = None
    corpus_dir: Path | None = None
    backend: str = "local"
    milvus_uri: str | None = None
    library: Path | None = None  # the user's library, indexed with the corpus (corpus.library)
    laws: str | tuple[str, ...] | None = None  # the national laws indexed (corpus.loader)

    def __call__(self) -> Any:
        from retriever import Retriever

        return Retriever.load(
            self.index_dir, model=self.model, corpus_dir=self.corpus_dir, progress=False,
            log=lambda message: None, backend=self.backend, milvus_uri=self.milvus_uri,
            library=self.library, laws=self.laws,
        )  # fmt: skip

    @classmethod
    def of(cls, retriever: Any) -> RetrieverSource:
        folder = getattr(getattr(retriever, "backend", None), "folder", None)
        # The laws the retriever was loaded with: another selection would rebuild the shared
        # index folder under the page (and change what the page answers from).
        laws = getattr(retriever, "law_selection", None)
        return cls(
            index_dir=folder,
            model=getattr(getattr(retriever, "encoder", None), "name", None),
            laws=tuple(laws) if isinstance(laws, list) else laws,
        )


_LOADED: dict[Any, Any] = {}


def _retriever_of(source: Callable[[], Any]) -> Any:
    """The retriever of ``source``, loaded once per worker process (the last one kept)."""
    if source not in _LOADED:
        _LOADED.clear()
        _LOADED[source] = source()
    return _LOADED[source]


def _step_words(message: str) -> str:
    """A progress message of ``run_benchmark`` in Chinese."""
    if message in STEPS:
        return STEPS[message]
    if message.startswith("report written to "):
        return "报告已写出"
    name, _, count = message.rpartition(": ")
    return f"配置 {name}：第 {count} 题" if name and "/" in count else message


@dataclass(frozen=True)
class BenchmarkRun:
    """One benchmark run as a job: picklable, run by the job runner's worker process.

    Returns the report folder's path as text. ``queries_path``/``configs``/``latency_sample``
    make a small run possible (the tests run three questions).
    """

    source: Callable[[], Any]
    reports_dir: Path = REPORTS_DIR
    queries_path: Path | None = None
    qrels_path: Path | None = None
    judging: str = "auto"
    configs: str | None = None
    latency_sample: int | None = None  # None: the runner's default

    def __call__(self, progress: jb.Progress) -> str:
        from eval.runner import LATENCY_SAMPLE, run_benchmark

        progress(0.0, STEPS["loading the retriever"])
        retriever = _retriever_of(self.source)
        folder = run_benchmark(
            configs=self.configs, queries_path=self.queries_path, qrels_path=self.qrels_path,
            judging=self.judging, out_dir=self.reports_dir, retriever=retriever,
            latency_sample=LATENCY_SAMPLE if self.latency_sample is None else self.latency_sample,
            on_progress=lambda fraction, message: progress(fraction, _step_words(message)),
        )  # fmt: skip
        return str(folder)


@dataclass
class EvalControls:
    """What the tab needs from the page: the runner, the permissions and the run to submit."""

    runner: jb.JobRunner
    access: acc.Access
    limit: acc.RateLimit
    run: BenchmarkRun


def start_run(controls: EvalControls, username: str | None) -> jb.Job:
    """Submit a run for ``username``; ``page.jobs.JobRefused`` (a ValueError) with the Chinese
    reason when the user may not, is over the rate limit, or the queue is full."""
    refusal = acc.check_action(controls.access, controls.limit, username)
    if refusal:
        raise jb.JobRefused(refusal)
    return controls.runner.submit(KIND, controls.run, owner=username, isolated=True)


def job_json(job: jb.Job) -> dict[str, Any]:
    """A job as the API returns it: id, state, position, progress, message, report, error."""
    return {
        "job": job.id,
        "state": job.state,
        "position": job.position,
        "progress": round(job.fraction, 3),
        "message": jb.describe(job),
        "report": job.result if job.state == "done" else None,
        "error": job.error,
    }


def build_eval_tab(
    retriever: Any = None,
    *,
    runner: jb.JobRunner | None = None,
    access: acc.Access | None = None,
    limit: acc.RateLimit | None = None,
    run: BenchmarkRun | None = None,
) -> None:
    """Build the 评测 tab's components (call inside ``with gr.Tab("评测"):``) and its two API
    endpoints, ``/run_benchmark`` and ``/benchmark_status``.

    Defaults: a new job runner, the loopback-only access of a plain ``python app.py``, the
    default rate limit, and the full benchmark over ``retriever``'s index (loaded again in
    the worker process: a run never touches the page's retriever or its encoder).
    """
    controls = EvalControls(
        runner or jb.JobRunner(),
        access or acc.Access(),
        limit or acc.RateLimit(),
        run or BenchmarkRun(RetrieverSource.of(retriever)),
    )
    reports_dir = controls.run.reports_dir
    gr.Markdown(INTRO)
    with gr.Row():
        run_button = gr.Button("运行评测", variant="primary", elem_id="eval-run")
        refresh_button = gr.Button("刷新报告")
    status = gr.Markdown(elem_id="eval-status")
    md, chart = report_view(reports_dir)
    chart_view = gr.Image(value=chart, label="配置对比图", type="filepath", interactive=False)
    report_md = gr.Markdown(md)
    job_id = gr.State("")
    timer = gr.Timer(1.0, active=False)

    def on_run(request: gr.Request) -> tuple[Any, ...]:
        try:
            job = start_run(controls, acc.request_user(request))
        except jb.JobRefused as refused:
            return f"**{refused}**", "", gr.Timer(active=False)
        return jb.describe(job), job.id, gr.Timer(active=True)

    def on_tick(current: str) -> tuple[Any, ...]:
        job = controls.runner.get(current) if current else None
        if job is None:
            return "", gr.Timer(active=False), gr.skip(), gr.skip()
        if job.active:
            return jb.describe(job), gr.Timer(active=True), gr.skip(), gr.skip()
        text, image = report_view(reports_dir)
        return jb.describe(job), gr.Timer(active=False), text, image

    def run_benchmark_api(request: gr.Request) -> dict:
        """Start a benchmark run in the background (administrators only when a login is set;
        rate-limited). Returns at once: the job id, its state and queue position; poll
        ``/benchmark_status`` with the id."""
        try:
            return job_json(start_run(controls, acc.request_user(request)))
        except jb.JobRefused as refused:
            raise gr.Error(str(refused)) from None

    def benchmark_status(job: str) -> dict:
        """The state of a benchmark job: queued (with position), running (with progress),
        done (with the report folder) or failed (with the reason)."""
        found = controls.runner.get(job) if isinstance(job, str) else None
        if found is None:
            raise gr.Error(UNKNOWN_JOB.format(job=str(job)[:40]))
        return job_json(found)

    run_button.click(
        on_run, None, [status, job_id, timer], api_visibility="private", show_progress="hidden"
    )
    timer.tick(
        on_tick, [job_id], [status, timer, report_md, chart_view], api_visibility="private",
        show_progress="hidden",
    )  # fmt: skip
    refresh_button.click(
        lambda: report_view(reports_dir), None, [report_md, chart_view], api_visibility="private"
    )
    gr.api(run_benchmark_api, api_name="run_benchmark")
    gr.api(benchmark_status, api_name="benchmark_status")
