"""The 出题 tab of the page: pick clauses, generate a quiz, preview it, download it.

The page engineer calls :func:`build_quiz_tab` inside ``with gr.Tab("出题"):``. The work
itself is :func:`make_quiz`, a plain function (no Gradio), so it is tested directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import gradio as gr

from common.scratch import new_folder
from corpus.clause import IN_FORCE, STATUSES, Clause
from quiz.export import FILE_NAMES, FORMAT_LABELS, export
from quiz.generate import generate_quiz
from quiz.questions import QUESTION_TYPES, TYPE_LABELS, Question
from quiz.select import Selection, article_numbers, select_clauses
from quiz.validate import check_question

PREVIEW_HEADERS = ["序号", "题型", "难度", "题干", "选项", "答案", "出处"]
MAX_QUESTIONS = 200


@dataclass(frozen=True)
class QuizResult:
    """What one click produces: the questions, their preview rows, the files, a message."""

    questions: tuple[Question, ...]
    rows: list[list[Any]]
    files: dict[str, Path]
    message: str


def corpus_of(retriever: Any) -> tuple[Clause, ...]:
    """The retriever's clauses, or the default corpus when there is no retriever."""
    if retriever is not None:
        return tuple(retriever.clauses)
    return _default_corpus()


@lru_cache(maxsize=1)
def _default_corpus() -> tuple[Clause, ...]:
    from corpus.loader import load_corpus

    return load_corpus().clauses


def make_quiz(
    clauses: Sequence[Clause],
    retriever: Any,
    selection: Selection,
    types: Sequence[str],
    n: int,
    seed: int,
    out_dir: Path,
) -> QuizResult:
    """Select, generate, check and export; every user mistake becomes a Chinese message."""
    if not types:
        return QuizResult((), [], {}, "请至少选择一种题型。")
    if selection.query and retriever is None:
        return QuizResult((), [], {}, "检索词出题需要检索服务，当前未加载。")
    if selection.articles:
        try:
            article_numbers(selection.articles)
        except ValueError:
            return QuizResult(
                (), [], {}, "条文范围无法识别，请写成“第二十条-第三十条”“20-30”或“21,25”。"
            )
    chosen = select_clauses(clauses, selection, retriever)
    if not chosen:
        return QuizResult((), [], {}, "没有符合条件的条款，请放宽筛选条件。")
    n = max(1, min(int(n), MAX_QUESTIONS))
    generated = generate_quiz(chosen, n=n, types=list(types), seed=int(seed), corpus=clauses)
    by_id = {c.id: c for c in clauses}
    questions = tuple(
        q for q in generated if not check_question(q, by_id.get(q.clause_id), clauses)
    )
    if not questions:
        return QuizResult(
            (), [], {}, "所选条款中找不到可出题的内容（如数字、期限、引号提法、文件名、牵头单位）。"
        )
    files = {
        name: export(questions, out_dir / file_name, formats=(name,))
        for name, file_name in FILE_NAMES.items()
    }
    message = f"已从 {len(chosen)} 条条款生成 {len(questions)} 道题"
    if len(questions) < n:
        message += f"（要求 {n} 道，素材不足）"
    return QuizResult(questions, preview_rows(questions), files, message + "。")


def preview_rows(questions: Sequence[Question]) -> list[list[Any]]:
    rows = []
    for number, q in enumerate(questions, 1):
        options = "　".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(q.options))
        answer = q.answer if q.type in ("cloze", "judge") else f"{q.answer}（{q.answer_text}）"
        rows.append([number, q.type_label, q.difficulty, q.stem, options, answer, q.citation])
    return rows


def build_quiz_tab(retriever: Any) -> None:
    """Build the 出题 tab's components; call inside ``with gr.Tab("出题"):``.

    ``retriever`` (a ``retriever.Retriever``) supplies the corpus and the 检索词 selection;
    with ``None`` the default corpus is loaded and query selection is unavailable.
    """
    clauses = corpus_of(retriever)
    docs = list(dict.fromkeys((c.doc.title, c.doc.doc_id) for c in clauses))
    gr.Markdown(
        "从政策条款和法律条文生成培训测验题：先筛选条款，再选题型和数量。每题都附答案、解析和出处；"
        "可下载问卷星、腾讯问卷导入文本和题库导入表。"
    )
    with gr.Row():
        provinces = gr.Dropdown(
            sorted({c.province for c in clauses if c.province}), multiselect=True, label="省份"
        )
        years = gr.Dropdown(
            sorted({c.year for c in clauses if c.year}), multiselect=True, label="年份"
        )
        documents = gr.Dropdown(docs, multiselect=True, label="文件")
    laws = sorted({c.title for c in clauses if c.doc.national})
    with gr.Row(visible=bool(laws)):
        law_names = gr.Dropdown(laws, multiselect=True, label="法律", elem_id="quiz-laws")
        chapter = gr.Textbox(
            label="章",
            placeholder="如：第三章 或 从业人员的安全生产权利义务",
            elem_id="quiz-chapter",
        )
        articles = gr.Textbox(
            label="条文范围", placeholder="如：第二十条-第三十条 或 21,25", elem_id="quiz-articles"
        )
        superseded = gr.Checkbox(label="包含已废止和历史版本", value=False)
    with gr.Row():
        section = gr.Textbox(label="章节", placeholder="如：四 或 二、（三） 或 安全生产方面")
        query = gr.Textbox(
            label="检索词", placeholder="如：消防", interactive=retriever is not None
        )
        ids = gr.Textbox(label="条款编号", placeholder="多个用逗号分隔", elem_id="quiz-ids")
    with gr.Row():
        types = gr.CheckboxGroup(
            [(TYPE_LABELS[t], t) for t in QUESTION_TYPES], value=list(QUESTION_TYPES), label="题型"
        )
        count = gr.Slider(1, MAX_QUESTIONS, value=20, step=1, label="题数")
        seed = gr.Number(value=1, precision=0, label="随机种子（相同种子生成相同试题）")
    button = gr.Button("生成题目", variant="primary", elem_id="quiz-generate")
    status = gr.Markdown(elem_id="quiz-status")
    preview = gr.Dataframe(
        headers=PREVIEW_HEADERS,
        wrap=True,
        interactive=False,
        label="题目预览",
        elem_id="quiz-preview",
    )
    with gr.Row():
        downloads = [
            gr.DownloadButton(
                f"下载 {FORMAT_LABELS[name]}",
                visible=False,
                size="sm",
                elem_id=f"quiz-download-{name}",
            )
            for name in FILE_NAMES
        ]

    def on_generate(
        provinces_: list[str] | None,
        years_: list[int] | None,
        documents_: list[str] | None,
        section_: str,
        query_: str,
        ids_: str,
        types_: list[str],
        count_: float,
        seed_: float | None,
        laws_: list[str] | None,
        chapter_: str,
        articles_: str,
        superseded_: bool,
    ) -> list[Any]:
        selection = Selection(
            laws=tuple(laws_ or ()),
            chapter=(chapter_ or "").strip(),
            articles=(articles_ or "").strip(),
            statuses=STATUSES if superseded_ else IN_FORCE,
            provinces=tuple(provinces_ or ()),
            years=tuple(int(y) for y in years_ or ()),
            docs=tuple(documents_ or ()),
            section=(section_ or "").strip(),
            query=(query_ or "").strip(),
            ids=tuple(i.strip() for i in (ids_ or "").replace("，", ",").split(",") if i.strip()),
        )
        out_dir = new_folder("quiz")  # one folder per process, pruned, removed at exit
        try:
            result = make_quiz(
                clauses, retriever, selection, types_, int(count_), int(seed_ or 0), out_dir
            )
        except ValueError as error:
            result = QuizResult((), [], {}, f"出题失败：{error}")
        buttons = [
            gr.DownloadButton(value=str(result.files[name]), visible=True)
            if name in result.files
            else gr.DownloadButton(visible=False)
            for name in FILE_NAMES
        ]
        return [result.message, result.rows, *buttons]

    button.click(
        on_generate,
        [
            provinces,
            years,
            documents,
            section,
            query,
            ids,
            types,
            count,
            seed,
            law_names,
            chapter,
            articles,
            superseded,
        ],
        [status, preview, *downloads],
        api_name="generate_quiz",
        api_visibility="private",  # its reply holds server paths of the files
    )
