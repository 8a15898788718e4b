"""The report folder: ``report.md`` for people, ``report.json`` for tools, ``chart.png``.

Written to a hidden temp folder beside the target and renamed into place, so a reader (the
评测 tab) never sees a half-written report.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

CHART_METRICS: tuple[str, ...] = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
CJK_FONT = "Noto Sans CJK SC"


def write_report(results: Mapping[str, Any], out_dir: Path) -> Path:
    """Write the three files into ``out_dir/<YYYYmmdd-HHMMSS>/`` and return that folder.

    Two runs in the same second get a ``-2``, ``-3`` … suffix rather than overwriting.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    tmp = Path(tempfile.mkdtemp(prefix=f".{stamp}.", suffix=".tmp", dir=out_dir))
    try:
        (tmp / "report.json").write_text(
            json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (tmp / "report.md").write_text(render_markdown(results), encoding="utf-8")
        draw_chart(results, tmp / "chart.png")
        folder, n = out_dir / stamp, 1
        while True:
            try:
                os.rename(tmp, folder)  # fails if the folder exists, unlike os.replace on files
                break
            except OSError:
                if not folder.exists():
                    raise
                n += 1
                folder = out_dir / f"{stamp}-{n}"
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(results: Mapping[str, Any]) -> str:
    """The human report: headline table, breakdowns, latency, low confidence, significance."""
    configs: Mapping[str, Any] = results["configs"]
    metrics: list[str] = results["metrics"]
    judged = {
        "ids": "clause ids (qrels)",
        "needles": "each target article's needles in the hit text (R@k: share of articles)",
    }.get(results["judging"], "answer substrings in the hit text")
    lines = [
        f"# Retrieval benchmark — {results['created']}",
        "",
        f"{results['n_queries']} queries ({results['n_answerable']} answerable, "
        f"{results['n_no_answer']} without an answer), k = {results['k']}, relevance judged by {judged}.",
        f"Queries: `{results['queries_file']}`"
        + (f"; qrels: `{results['qrels_file']}`" if results["qrels_file"] else ""),
        "",
        "Recall@k and MRR@10 count the answering clauses (grade 2); nDCG@10 also rewards related ones (grade 1).",
        "",
        "## Configurations",
        "",
    ]
    rows = [
        [f"**{name}**"]
        + [_cell(c["overall"].get(m)) for m in metrics]
        + [f"{c['latency_ms']['p50']:.1f}", f"{c['latency_ms']['p95']:.1f}"]
        for name, c in configs.items()
    ]
    lines += _table(["config", *metrics, "p50 ms", "p95 ms"], rows)
    lines += [""] + [f"- **{name}**: {c['description']}" for name, c in configs.items()]
    for key, title in (
        ("by_type", "query type"),
        ("by_doc", "document"),
        ("by_script", "query script"),
    ):
        lines += ["", f"## By {title} (Recall@5 / MRR@10)", ""]
        labels = sorted({label for c in configs.values() for label in c[key]})
        header = [title, "n", *configs]
        body = []
        for label in labels:
            n = next((int(c[key][label]["n"]) for c in configs.values() if label in c[key]), 0)
            body.append(
                [label, str(n)]
                + [
                    f"{_cell(c[key].get(label, {}).get('recall@5'))} / {_cell(c[key].get(label, {}).get('mrr@10'))}"
                    for c in configs.values()
                ]
            )
        lines += _table(header, body)
    lines += ["", "## Low-confidence signal", ""]
    lc_rows = []
    for name, c in configs.items():
        lc = c["low_confidence"]
        if lc["no_answer_fired"] is None and lc["answerable_fired"] is None:
            lc_rows.append([name, "n/a", "n/a"])
            continue
        lc_rows.append(
            [
                name,
                f"{_cell(lc['no_answer_fired'])} ({lc['no_answer_n']} queries)",
                f"{_cell(lc['answerable_fired'])} ({lc['answerable_n']} queries)",
            ]
        )
    lines += _table(
        [
            "config",
            "fires on no-answer queries (want high)",
            "fires on answerable queries (want low)",
        ],
        lc_rows,
    )
    lines += _significance_lines(results.get("significance", {}), list(configs))
    errors = {name: c["errors"] for name, c in configs.items() if c["errors"]}
    if errors:
        lines += ["", "## Queries refused", ""]
        lines += [
            f"- {name} {qid}: {msg}" for name, errs in errors.items() for qid, msg in errs.items()
        ]
    return "\n".join(lines) + "\n"


def _significance_lines(sig: Mapping[str, Any], names: Sequence[str]) -> list[str]:
    if not sig:
        return []
    base = "hybrid" if "hybrid" in sig else names[0]
    metrics = sorted({m for by_metric in sig[base].values() for m in by_metric})
    lines = [
        "",
        f"## Significance: {base} against each other configuration",
        "",
        "Paired two-sided Student's t-test over the answerable queries (ranx `compare`); "
        "p < 0.05 is marked *.",
        "",
    ]
    rows = []
    for other, by_metric in sig[base].items():
        rows.append(
            [other] + [f"{by_metric[m]:.4f}{' *' if by_metric[m] < 0.05 else ''}" for m in metrics]
        )
    return lines + _table(["vs", *[f"p ({m})" for m in metrics]], rows)


def _cjk_font() -> str | None:
    """The CJK font's family name if installed (labels may be Chinese), else None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in (CJK_FONT, "Noto Sans CJK JP", "WenQuanYi Zen Hei", "SimHei"):
        if name in names:
            return name
    return None


def draw_chart(results: Mapping[str, Any], path: Path) -> None:
    """Grouped bars: one group per metric of :data:`CHART_METRICS`, one bar per configuration."""
    configs: Mapping[str, Any] = results["configs"]
    font = _cjk_font()
    style = {"font.family": [font, "DejaVu Sans"]} if font else {}
    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(10, 4.8), dpi=110)
        width = 0.8 / max(1, len(configs))
        for i, (name, c) in enumerate(configs.items()):
            xs = [j + (i - (len(configs) - 1) / 2) * width for j in range(len(CHART_METRICS))]
            values = [c["overall"].get(m, 0.0) for m in CHART_METRICS]
            bars = ax.bar(xs, values, width, label=name)
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=1)
        ax.set_xticks(
            range(len(CHART_METRICS)), [m.upper().replace("RECALL", "R") for m in CHART_METRICS]
        )
        ax.set_ylim(0, 1.08)
        ax.set_ylabel("score")
        ax.set_title(f"检索评测 · {results['n_answerable']} 个可回答问题 · {results['created']}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
