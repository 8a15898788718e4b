"""The numbers of a benchmark run, gathered into the plain data the report renders."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

from eval.benchmark import Benchmark, ConfigRun
from eval.metrics import METRICS, mean_by, per_query, significance


def _percentile(values: Sequence[float], q: int) -> float:
    if len(values) < 2:
        return float(values[0]) if values else 0.0
    return float(statistics.quantiles(values, n=100, method="inclusive")[q - 1])


def summarise(bench: Benchmark, runs: Sequence[ConfigRun], *, k: int = 10) -> dict[str, Any]:
    """Everything the report shows, as plain JSON-able data."""
    answerable = bench.answerable
    groups = {
        "type": {q.id: q.type for q in answerable},
        "doc": {q.id: q.doc or "unknown" for q in answerable},
        "script": {q.id: q.script for q in answerable},
    }
    configs: dict[str, Any] = {}
    for run in runs:
        scores = per_query(bench.qrels, run.rankings)
        no_answer = [q.id for q in bench.unanswerable]
        fired = [run.low_confidence[q] for q in no_answer if q in run.low_confidence]
        false_alarms = [run.low_confidence[q.id] for q in answerable if q.id in run.low_confidence]
        configs[run.config.name] = {
            "description": run.config.description,
            "overall": mean_by(scores)["all"],
            "by_type": mean_by(scores, groups["type"]),
            "by_doc": mean_by(scores, groups["doc"]),
            "by_script": mean_by(scores, groups["script"]),
            "latency_ms": {
                "p50": _percentile(run.latencies_ms, 50),
                "p95": _percentile(run.latencies_ms, 95),
                "n": len(run.latencies_ms),
            },
            "low_confidence": {
                "no_answer_fired": sum(fired) / len(fired) if fired else None,
                "no_answer_n": len(fired),
                "answerable_fired": sum(false_alarms) / len(false_alarms) if false_alarms else None,
                "answerable_n": len(false_alarms),
            },
            "errors": run.errors,
            "per_query": scores,
        }
    return {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "k": k,
        "judging": bench.judging,
        "queries_file": str(bench.queries_path),
        "qrels_file": str(bench.qrels_path) if bench.qrels_path else None,
        "n_queries": len(bench.queries),
        "n_answerable": len(answerable),
        "n_no_answer": len(bench.unanswerable),
        "metrics": list(METRICS),
        "configs": configs,
        "significance": significance(bench.qrels, {r.config.name: r.rankings for r in runs}),
        "query_types": dict(sorted(_count(q.type for q in bench.queries).items())),
    }


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
