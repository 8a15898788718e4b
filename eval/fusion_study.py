"""Fusion study: which way of combining the dense and the lexical ranking answers best?

``python -m eval.fusion_study`` loads the default retriever once, takes every answerable
benchmark query's dense and lexical candidate lists (top :data:`DEPTH`, with their scores),
and fuses them offline with every method of :func:`method_grid`: reciprocal rank fusion with
a heavier lexical weight and two constants, and convex combinations of normalised scores
(min-max, z-score, theoretical min-max; Bruch, Gai & Ingber 2023, "An Analysis of Fusion
Functions for Hybrid Retrieval"). To keep the choice honest the queries are split into a
dev and a test half (:func:`split_dev_test`); the method is chosen on dev only and reported
on both. The report (``study.md``, ``study.json``, ``study.png``) goes to
``eval/reports/fusion-study/``; :mod:`eval.fusion_analysis` explains the result.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.benchmark import Qrels, Query
from eval.fusion_methods import BASELINES, EQUAL_RRF, NORMALISERS, Lists, Method
from eval.metrics import mean_by, per_query, significance, top_grade_qrels

if TYPE_CHECKING:
    from retriever import Retriever

#: Candidates taken from each source, as deep as the retriever's own hybrid search reads.
DEPTH = 50
#: Ranks scored (the benchmark's k).
CUTOFF = 10
METRICS: tuple[str, ...] = ("recall@1", "recall@5", "mrr@10", "ndcg@10")
RRF_WEIGHTS: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0)
RRF_KS: tuple[int, ...] = (10, 60)
ALPHAS: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(1, 10))


def method_grid() -> list[Method]:
    """Every candidate method: RRF over :data:`RRF_WEIGHTS` × :data:`RRF_KS`, then the
    convex combination over :data:`NORMALISERS` × :data:`ALPHAS` (simplest first, which is
    how ties are broken when choosing)."""
    rrf = [Method("rrf", w, k) for k in RRF_KS[::-1] for w in RRF_WEIGHTS]
    convex = [Method(n, a) for n in NORMALISERS for a in ALPHAS]
    return rrf + convex


def split_dev_test(queries: Sequence[Query]) -> dict[str, str]:
    """``{query id: "dev" | "test"}``: deterministic halves, stratified by query type.

    Within each type the queries are ordered by the SHA-1 of their id and dealt out
    alternately (dev first), so each type is split evenly (odd counts give dev one more),
    even the small ones (10 or 11 ``vague`` or ``department`` queries), and the split does
    not depend on the file's order. Exact balance was preferred over a per-query hash bit,
    which would keep a query in its half when others are added but could leave a small type
    almost entirely on one side.
    """
    by_type: dict[str, list[Query]] = {}
    for query in queries:
        by_type.setdefault(query.type, []).append(query)
    split: dict[str, str] = {}
    for members in by_type.values():
        ordered = sorted(members, key=lambda q: hashlib.sha1(q.id.encode("utf-8")).hexdigest())
        for i, query in enumerate(ordered):
            split[query.id] = "dev" if i % 2 == 0 else "test"
    return split


def evaluate(
    methods: Sequence[Method], lists: Mapping[str, Lists], qrels: Qrels
) -> dict[str, dict[str, dict[str, float]]]:
    """``{method name: {metric: {query id: score}}}`` for the queries in ``lists``, with
    each ranking cut at :data:`CUTOFF` and scored by :func:`eval.metrics.per_query` (ranx)."""
    judged = {qid: qrels[qid] for qid in lists if qrels.get(qid)}
    out: dict[str, dict[str, dict[str, float]]] = {}
    for method in methods:
        rankings = {qid: method.fuse(lists[qid])[:CUTOFF] for qid in judged}
        out[method.name] = per_query(judged, rankings, METRICS)
    return out


def half_means(
    scores: Mapping[str, Mapping[str, float]], split: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """Mean of each metric on ``dev``, ``test`` and ``all`` (each row also has ``n``)."""
    table = mean_by(scores, {qid: split.get(qid, "unknown") for qid in split})
    table["all"] = mean_by(scores)["all"]
    return table


def choose(
    dev: Mapping[str, Mapping[str, float]], methods: Sequence[Method], baseline: Method = EQUAL_RRF
) -> Method:
    """The method with the best dev MRR@10 among those whose dev Recall@5 is at least the
    baseline's (a better first answer must not cost answers further down), ties broken by
    Recall@5, then nDCG@10, then the order of ``methods`` (simplest first).

    ``dev`` maps method names to their dev means. Returns ``baseline`` when nothing
    qualifies.
    """
    floor = dev[baseline.name]["recall@5"] - 1e-12
    eligible = [m for m in methods if dev[m.name]["recall@5"] >= floor]
    if not eligible:
        return baseline

    def key(item: tuple[int, Method]) -> tuple[float, float, float, int]:
        i, m = item
        row = dev[m.name]
        return (-_r(row["mrr@10"]), -_r(row["recall@5"]), -_r(row["ndcg@10"]), i)

    return min(enumerate(eligible), key=key)[1]


def _r(value: float) -> float:
    """Rounded so that float noise in a mean does not decide a tie."""
    return round(value, 9)


def top_hits(ranking: Sequence[str], qrels_row: Mapping[str, int], n: int) -> bool:
    """Whether an answering clause (the query's highest grade) is within the first ``n``."""
    top = top_grade_qrels({"q": dict(qrels_row)}).get("q", {})
    return any(cid in top for cid in ranking[:n])


def disagreements(
    a: Method,
    b: Method,
    lists: Mapping[str, Lists],
    qrels: Qrels,
    types: Mapping[str, str],
    n: int = 1,
) -> dict[str, dict[str, int]]:
    """Per query type (plus ``all``): how many queries ``a`` gets right that ``b`` gets
    wrong (``a_only``), the reverse (``b_only``) and the total (``n``); "right" means an
    answering clause within the first ``n``."""
    table: dict[str, dict[str, int]] = {}
    for qid, pair in lists.items():
        if not qrels.get(qid):
            continue
        right_a = top_hits(a.fuse(pair), qrels[qid], n)
        right_b = top_hits(b.fuse(pair), qrels[qid], n)
        for label in (types.get(qid, "unknown"), "all"):
            row = table.setdefault(label, {"n": 0, "a_only": 0, "b_only": 0})
            row["n"] += 1
            row["a_only"] += right_a and not right_b
            row["b_only"] += right_b and not right_a
    return dict(sorted(table.items(), key=lambda kv: (kv[0] == "all", kv[0])))


def collect(retriever: Retriever, queries: Sequence[Query], depth: int = DEPTH) -> dict[str, Lists]:
    """Each query's dense and lexical candidates from the real retriever, filters off (the
    benchmark's ``hybrid`` configuration searches the same way)."""
    from tqdm import tqdm

    lists: dict[str, Lists] = {}
    for query in tqdm(queries, desc="candidates", unit="query"):
        prepared = retriever.prepare(query.text, detect=False)
        found = {
            mode: retriever.search(prepared, k=depth, mode=mode).hits
            for mode in ("dense", "lexical")
        }
        lists[query.id] = Lists(
            dense=[(h.clause.id, h.score) for h in found["dense"]],
            lexical=[(h.clause.id, h.score) for h in found["lexical"]],
        )
    return lists


def study(lists: Mapping[str, Lists], queries: Sequence[Query], qrels: Qrels) -> dict[str, Any]:
    """The whole comparison as one JSON-ready dict (see :mod:`eval.fusion_report`)."""
    answerable = [q for q in queries if qrels.get(q.id) and q.id in lists]
    split = split_dev_test(answerable)
    types = {q.id: q.type for q in answerable}
    grid = method_grid()
    scores = evaluate([*BASELINES[:2], *grid], {q.id: lists[q.id] for q in answerable}, qrels)
    means = {name: half_means(by_metric, split) for name, by_metric in scores.items()}
    chosen = choose({name: m["dev"] for name, m in means.items()}, grid)
    test_gain = {
        metric: means[chosen.name]["test"][metric] - means[EQUAL_RRF.name]["test"][metric]
        for metric in METRICS
    }
    pairs = {
        "lexical vs dense": (Method("lexical"), Method("dense")),
        "lexical vs rrf": (Method("lexical"), EQUAL_RRF),
        "chosen vs rrf": (chosen, EQUAL_RRF),
        "chosen vs lexical": (chosen, Method("lexical")),
    }
    return {
        "n_queries": len(answerable),
        "n_dev": sum(1 for h in split.values() if h == "dev"),
        "n_test": sum(1 for h in split.values() if h == "test"),
        "depth": DEPTH,
        "cutoff": CUTOFF,
        "metrics": list(METRICS),
        "split": split,
        "methods": {
            m.name: {"family": m.family, "weight": m.weight, "k": m.k, **means[m.name]}
            for m in (*BASELINES[:2], *grid)
        },
        "baselines": [m.name for m in BASELINES],
        "chosen": chosen.name,
        "chosen_method": {"family": chosen.family, "weight": chosen.weight, "k": chosen.k},
        "test_gain_over_rrf": test_gain,
        "adopt": test_gain["mrr@10"] >= 0.01 and test_gain["recall@5"] >= -1e-12,
        "disagreements": {
            label: {
                "a": a.name,
                "b": b.name,
                "top1": disagreements(a, b, lists, qrels, types, 1),
                "top5": disagreements(a, b, lists, qrels, types, 5),
            }
            for label, (a, b) in pairs.items()
        },
        "stability": _stability(means, grid),
        "by_type": {m.name: mean_by(scores[m.name], types) for m in (*BASELINES, chosen)},
        "significance_test": _significance_on("test", split, (*BASELINES, chosen), lists, qrels),
    }


def _significance_on(
    half: str,
    split: Mapping[str, str],
    methods: Sequence[Method],
    lists: Mapping[str, Lists],
    qrels: Qrels,
) -> dict[str, dict[str, dict[str, float]]]:
    """p-values of the paired t-test between ``methods`` on one half (eval.metrics)."""
    judged = {qid: qrels[qid] for qid, h in split.items() if h == half}
    runs = {
        m.name: {qid: m.fuse(lists[qid])[:CUTOFF] for qid in judged} for m in dict.fromkeys(methods)
    }
    return significance(judged, runs, ("recall@1", "recall@5", "mrr@10", "ndcg@10"))


def _stability(means: Mapping[str, Any], grid: Sequence[Method]) -> dict[str, Any]:
    """What choosing on the *test* half would have picked, and how well the dev ranking of
    methods predicts the test ranking (Spearman's ρ of their MRR@10): a check that the dev
    choice is not luck."""
    reverse = choose({name: m["test"] for name, m in means.items()}, grid)
    dev = [means[m.name]["dev"]["mrr@10"] for m in grid]
    test = [means[m.name]["test"]["mrr@10"] for m in grid]
    return {"chosen_on_test": reverse.name, "spearman_dev_test_mrr": _spearman(dev, test)}


def _spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    import warnings

    from scipy.stats import spearmanr

    with warnings.catch_warnings():  # constant inputs (a tiny test set) give NaN, handled below
        warnings.simplefilter("ignore", RuntimeWarning)
        rho = float(spearmanr(xs, ys).statistic)
    return 0.0 if math.isnan(rho) else rho


def main(argv: Sequence[str] | None = None) -> int:
    """Load the default retriever, run the study, write the report folder, print a summary."""
    import argparse

    from eval.benchmark import REPORTS_DIR
    from eval.fusion_analysis import rank_flips, score_margins, score_ranges, term_overlap
    from eval.fusion_report import stamp, write_study
    from eval.runner import load_benchmark
    from index.segment import Segmenter
    from retriever import Retriever

    parser = argparse.ArgumentParser(prog="python -m eval.fusion_study", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=REPORTS_DIR / "fusion-study", help="report folder"
    )
    args = parser.parse_args(argv)
    bench = load_benchmark()
    retriever = Retriever.load(progress=False)
    lists = collect(retriever, bench.answerable)
    results = {"created": stamp(), "n_clauses": len(retriever.clauses)}
    results |= study(lists, bench.queries, bench.qrels)
    segmenter = Segmenter.from_texts(c.text_norm for c in retriever.clauses)
    results["overlap"] = term_overlap(bench.answerable, retriever.clauses, bench.qrels, segmenter)
    results["margins"] = score_margins(lists, bench.qrels)
    results["ranges"] = score_ranges(lists)
    results["flips"] = rank_flips(lists, bench.qrels, EQUAL_RRF)
    folder = write_study(results, args.out)
    for name in dict.fromkeys([*results["baselines"], results["chosen"]]):
        row = results["methods"][name]
        print(
            f"{name:22s} "
            + "  ".join(
                f"{half} " + " ".join(f"{row[half][m]:.3f}" for m in METRICS)
                for half in ("dev", "test")
            )
        )
    print(f"chosen on dev: {results['chosen']}; adopt: {results['adopt']}")
    print(f"study written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
