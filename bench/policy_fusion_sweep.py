"""How the policy profile's fusion weights were chosen: a sweep on the policy benchmark.

``python -m bench.policy_fusion_sweep [--laws default]`` searches the policy benchmark's
answerable questions through the real :meth:`Retriever.search <retriever.search.Retriever.search>`
with each candidate :class:`~retriever.profile.Profile` (a fixed dense weight, or the
query-adaptive rule: ``quoted_dense_weight`` when BM25's first hit stands at least
``quoted_lexical_z`` standard scores out), with and without the question's own
province/year as filters (the benchmark's ``hybrid`` and ``hybrid-filters``), and prints
R@1 / R@5 / MRR@10 on the dev and the test half (:func:`eval.fusion_study.split_dev_test`)
for the 283 document questions (q001–q283) and the law questions (q301–) apart. The
shipped choice was made on dev; test is the report. Writes
``bench/results/policy_fusion_sweep.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from common.atomic import write_json
from eval.benchmark import load_qrels, load_queries
from eval.fusion_study import split_dev_test
from eval.metrics import per_query
from retriever import Retriever
from retriever.profile import POLICY, Profile

RESULTS = Path(__file__).resolve().parent / "results" / "policy_fusion_sweep.json"
METRICS = ("recall@1", "recall@5", "mrr@10")
#: The benchmark's document questions end at q283; the law questions start at q301.
LAST_DOCUMENT_QUESTION = 283

CANDIDATES: dict[str, Profile] = {
    "fixed 0.3 (before)": dataclasses.replace(POLICY, dense_weight=0.3, quoted_lexical_z=None),
    "fixed 0.2": dataclasses.replace(POLICY, dense_weight=0.2, quoted_lexical_z=None),
    "fixed 0.4": dataclasses.replace(POLICY, dense_weight=0.4, quoted_lexical_z=None),
    "adaptive z≥3: 0.1, else 0.4": dataclasses.replace(
        POLICY, dense_weight=0.4, quoted_lexical_z=3.0, quoted_dense_weight=0.1
    ),
    "adaptive z≥4: 0.1, else 0.4 (shipped)": POLICY,
    "adaptive z≥4: 0.2, else 0.5": dataclasses.replace(
        POLICY, dense_weight=0.5, quoted_lexical_z=4.0, quoted_dense_weight=0.2
    ),
    "adaptive z≥5: 0.1, else 0.4": dataclasses.replace(
        POLICY, dense_weight=0.4, quoted_lexical_z=5.0, quoted_dense_weight=0.1
    ),
}


def group_of(query_id: str) -> str:
    """``documents`` for the 283 document questions, ``laws`` for the law questions."""
    return "documents" if int(query_id[1:]) <= LAST_DOCUMENT_QUESTION else "laws"


def sweep(retriever: Retriever, profiles: dict[str, Profile]) -> list[dict[str, object]]:
    """One row per profile × filters × half × group with the mean of each metric."""
    qrels = load_qrels()
    queries = [q for q in load_queries() if any(g >= 2 for g in qrels.get(q.id, {}).values())]
    halves = split_dev_test(queries)
    rows: list[dict[str, object]] = []
    for name, profile in tqdm(profiles.items(), desc="profiles", file=sys.stderr):
        retriever.profile = profile
        for detect in (False, True):
            rankings = {
                q.id: [
                    h.clause.id
                    for h in retriever.search(retriever.prepare(q.text, detect=detect)).hits
                ]
                for q in queries
            }
            scores = per_query({q.id: qrels[q.id] for q in queries}, rankings, METRICS)
            for half in ("dev", "test"):
                for group in ("documents", "laws"):
                    ids = [
                        q.id for q in queries if halves[q.id] == half and group_of(q.id) == group
                    ]
                    row: dict[str, object] = {
                        "profile": name,
                        "config": "hybrid-filters" if detect else "hybrid",
                        "half": half,
                        "group": group,
                        "n": len(ids),
                    }
                    row.update({m: sum(scores[m][i] for i in ids) / len(ids) for m in METRICS})
                    rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.policy_fusion_sweep", description=__doc__
    )
    parser.add_argument("--laws", default="default", help="laws indexed beside the documents")
    parser.add_argument("--index", type=Path, default=None, help="index folder")
    args = parser.parse_args(argv)
    retriever = Retriever.load(args.index, laws=args.laws, progress=False)
    rows = sweep(retriever, CANDIDATES)
    print(
        f"{'profile':<40} {'config':<15} {'half':<5} {'group':<10} "
        + " ".join(f"{m:>9}" for m in METRICS)
    )
    for row in rows:
        figures = " ".join(f"{row[m]:>9.3f}" for m in METRICS)
        print(
            f"{row['profile']:<40} {row['config']:<15} {row['half']:<5} {row['group']:<10} {figures}"
        )
    write_json(RESULTS, {"laws": args.laws, "rows": rows})
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
