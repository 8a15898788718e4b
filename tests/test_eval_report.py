"""Report writing and the 评测 tab (no model), and a 5-query end-to-end run (model)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import gradio as gr
import matplotlib.image
import pytest

from eval.benchmark import load_queries, write_qrels
from eval.build_qrels import build_qrels
from eval.report import write_report
from eval.tab import build_eval_tab, latest_report_dir, report_view

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "documents"


def tiny_results(created: str = "2026-01-01 00:00:00") -> dict:
    row = {
        "n": 2.0,
        "recall@1": 0.5,
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr@10": 0.75,
        "ndcg@10": 0.8,
    }
    config = {
        "description": "d",
        "overall": row,
        "by_type": {"fact": row},
        "by_doc": {"qinghai-2020": row},
        "by_script": {"simplified": row},
        "latency_ms": {"p50": 1.0, "p95": 2.0, "n": 3},
        "low_confidence": {
            "no_answer_fired": 1.0,
            "no_answer_n": 1,
            "answerable_fired": 0.0,
            "answerable_n": 2,
        },
        "errors": {},
        "per_query": {},
    }
    return {
        "created": created,
        "k": 10,
        "judging": "ids",
        "queries_file": "q.jsonl",
        "qrels_file": "t.tsv",
        "n_queries": 3,
        "n_answerable": 2,
        "n_no_answer": 1,
        "metrics": ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"],
        "configs": {"hybrid": config, "lexical": config},
        "significance": {"hybrid": {"lexical": {"mrr@10": 0.01, "recall@5": 0.5}}},
        "query_types": {"fact": 2, "no-answer": 1},
    }


def test_two_reports_in_one_second_do_not_overwrite(tmp_path: Path) -> None:
    first = write_report(tiny_results(), tmp_path)
    second = write_report(tiny_results(), tmp_path)
    assert first != second
    assert sorted(p.name for p in first.iterdir()) == ["chart.png", "report.json", "report.md"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left behind


def test_markdown_marks_significant_differences(tmp_path: Path) -> None:
    text = (write_report(tiny_results(), tmp_path) / "report.md").read_text("utf-8")
    assert "| lexical | 0.0100 * | 0.5000 |" in text  # p(mrr@10), p(recall@5)
    assert "| **hybrid** | 0.500 | 1.000 | 1.000 | 0.750 | 0.800 | 1.0 | 2.0 |" in text


def test_tab_shows_latest_complete_report(tmp_path: Path) -> None:
    assert report_view(tmp_path)[1] is None
    assert "还没有评测报告" in report_view(tmp_path)[0]
    folder = write_report(tiny_results(), tmp_path)
    (tmp_path / "99999999-999999").mkdir()  # newer but incomplete: ignored
    (tmp_path / ".99999999-999999.tmp").mkdir()
    assert latest_report_dir(tmp_path) == folder
    md, chart = report_view(tmp_path)
    assert folder.name in md and "| **hybrid** |" in md
    assert chart == str(folder / "chart.png")


def test_tab_builds_inside_a_page() -> None:
    with gr.Blocks() as page, gr.Tab("评测"):
        build_eval_tab()
    labels = [getattr(block, "value", None) for block in page.blocks.values()]
    assert "运行评测" in labels and "刷新报告" in labels


SICHUAN_QUERIES = [
    {"_id": "s1", "text": "甘孜州“辅安”模式是什么？", "answers": ["辅安"]},
    {"_id": "s2", "text": "成都要求乡镇建立多少项安全生产工作机制？", "answers": ["11项机制"]},
    {"_id": "s3", "text": "“四句话方针”是什么？", "answers": ["四句话方针"]},
    {"_id": "s4", "text": "对事故多发的地区要约谈谁？", "answers": ["及时约谈地方政府"]},
    {"_id": "s5", "text": "个人所得税专项附加扣除怎么申报？", "metadata": {"type": "no-answer"}},
]


@pytest.mark.model
def test_five_query_run_writes_all_three_files(default_retriever, tmp_path: Path) -> None:
    from eval.runner import run_benchmark

    for row in SICHUAN_QUERIES[:4]:
        row["metadata"] = {"type": "fact", "doc": "sichuan-2018", "docs": ["sichuan-2018"]}
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in SICHUAN_QUERIES), "utf-8"
    )
    mapping = build_qrels(load_queries(queries), default_retriever.clauses)
    assert not mapping.missing_queries
    qrels = tmp_path / "qrels" / "test.tsv"
    write_qrels(mapping.qrels, qrels)
    # The naive baseline reads one small raw document only, to keep the test short.
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "sichuan-2018-yingjiting-jianbao-2.txt", docs)
    shutil.copy(DOCS / "manifest.json", docs)
    steps: list[float] = []

    folder = run_benchmark(
        configs="hybrid,lexical,naive",
        queries_path=queries,
        qrels_path=qrels,
        out_dir=tmp_path / "reports",
        retriever=default_retriever,
        corpus_dir=docs,
        on_progress=lambda fraction, message: steps.append(fraction),
    )

    assert sorted(p.name for p in folder.iterdir()) == ["chart.png", "report.json", "report.md"]
    assert steps[-1] == 1.0 and steps == sorted(steps)
    results = json.loads((folder / "report.json").read_text("utf-8"))
    assert (results["n_queries"], results["n_answerable"], results["n_no_answer"]) == (5, 4, 1)
    assert list(results["configs"]) == ["hybrid", "lexical", "naive"]
    hybrid = results["configs"]["hybrid"]
    assert hybrid["per_query"]["mrr@10"]["s1"] == 1.0  # 辅安 is in one clause only
    assert hybrid["low_confidence"]["no_answer_n"] == 1
    assert results["configs"]["naive"]["low_confidence"]["no_answer_fired"] is None
    assert 0.0 <= results["configs"]["naive"]["overall"]["recall@10"] <= 1.0
    text = (folder / "report.md").read_text("utf-8")
    for name in ("**hybrid**", "**lexical**", "**naive**", "sichuan-2018", "Low-confidence"):
        assert name in text
    image = matplotlib.image.imread(folder / "chart.png")
    assert image.shape[0] > 300 and image.shape[1] > 600
