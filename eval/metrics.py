"""Metrics with ranx: per query, then averaged overall and per group; significance tests.

Recall@k and MRR@10 count the *answering* passages: the units with the highest grade of each
query (2 in our set; 1 in a binary BEIR file). nDCG@10 uses every grade, so ranking related
clauses (grade 1) high is rewarded too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from ranx import Qrels as RanxQrels
from ranx import Run as RanxRun
from ranx import compare, evaluate

from eval.benchmark import Qrels

METRICS: tuple[str, ...] = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
#: Metrics computed on the answering units only (see the module docstring).
_TOP_ONLY = frozenset({"recall@1", "recall@5", "recall@10", "mrr@10"})
#: ranx's paired Student's t-test (two-sided) over per-query scores: standard for comparing
#: means of the same queries, and instant, where Fisher's randomisation test costs seconds.
STAT_TEST = "student"
MAX_P = 0.05

Ranking = Mapping[str, Sequence[str]]  # query id -> credited passage ids, best first


def top_grade_qrels(qrels: Qrels) -> Qrels:
    """Each query's highest-graded units only, as grade 1."""
    top: Qrels = {}
    for qid, units in qrels.items():
        best = max(units.values(), default=0)
        if best > 0:
            top[qid] = {u: 1 for u, g in units.items() if g == best}
    return top


def to_run(rankings: Ranking, name: str = "run") -> RanxRun:
    """A ranx run from ranked ids: scores descend with rank (ranx re-sorts by score)."""
    run = {
        qid: {pid: float(len(ids) - i) for i, pid in enumerate(ids)}
        if ids
        else {"__nothing__": 0.0}
        for qid, ids in rankings.items()
    }
    return RanxRun(run, name=name)


def per_query(
    qrels: Qrels, rankings: Ranking, metrics: Iterable[str] = METRICS
) -> dict[str, dict[str, float]]:
    """``{metric: {query id: score}}`` for the queries in ``qrels`` (ranx's numbers)."""
    qrels = {q: u for q, u in qrels.items() if u}
    top = top_grade_qrels(qrels)
    out: dict[str, dict[str, float]] = {}
    for metric in metrics:
        judged = top if metric in _TOP_ONLY else qrels
        run = {qid: rankings.get(qid, ()) for qid in judged}
        scores = evaluate(RanxQrels(judged), to_run(run), metric, return_mean=False)
        out[metric] = dict(
            zip(RanxQrels(judged).keys(), np.asarray(scores, dtype=float).tolist(), strict=True)
        )
    return out


def mean_by(
    scores: Mapping[str, Mapping[str, float]], groups: Mapping[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Average per-query scores overall (``groups`` None: key ``"all"``) or per group label;
    each group also gets ``n``, its number of queries."""
    table: dict[str, dict[str, float]] = {}
    for metric, by_query in scores.items():
        buckets: dict[str, list[float]] = {}
        for qid, value in by_query.items():
            label = "all" if groups is None else groups.get(qid, "unknown")
            buckets.setdefault(label, []).append(value)
        for label, values in buckets.items():
            row = table.setdefault(label, {"n": float(len(values))})
            row[metric] = float(np.mean(values))
    return dict(sorted(table.items()))


def significance(
    qrels: Qrels,
    runs: Mapping[str, Ranking],
    metrics: Sequence[str] = ("recall@5", "mrr@10", "ndcg@10"),
) -> dict[str, dict[str, dict[str, float]]]:
    """p-values of every pair of runs, ``{a: {b: {metric: p}}}``, by ranx ``compare``
    with :data:`STAT_TEST` (paired, two-sided, over the queries in ``qrels``)."""
    if len(runs) < 2:
        return {}
    qrels = {q: u for q, u in qrels.items() if u}
    out: dict[str, dict[str, dict[str, float]]] = {}
    for judged, chosen in (
        (top_grade_qrels(qrels), [m for m in metrics if m in _TOP_ONLY]),
        (qrels, [m for m in metrics if m not in _TOP_ONLY]),
    ):
        if not chosen:
            continue
        ranx_runs = [to_run({q: r.get(q, ()) for q in judged}, name) for name, r in runs.items()]
        report = compare(
            RanxQrels(judged), ranx_runs, metrics=chosen, stat_test=STAT_TEST, max_p=MAX_P
        )
        data = report.to_dict()
        for name in runs:
            for other, by_metric in data[name]["comparisons"].items():
                out.setdefault(name, {}).setdefault(other, {}).update(
                    {m: float(p) for m, p in by_metric.items()}
                )
    return out
