"""Calibration of the low-confidence rule for the law library (the LAWS profile).

    .venv/bin/python bench/law_confidence_calibration.py [--vectors] [--out FILE]

Asks the law retriever (the default documents + every law; lexical mode, or hybrid with
``--vectors`` once the library is embedded) the 30 calibration no-answer questions
(``eval/data/calibration/no-answer-calibration.jsonl``: off-topic, and near-miss safety
questions no law states, such as a provincial fee) and the dev half of the law suite
(answerable), and records for each the best dense cosine and the best IDF-weighted coverage
of the top three hits. It then picks the coverage floor (and, with vectors, the cosine
floor) that flags the most no-answer questions with at most 3% of the answerable ones
flagged, and writes ``bench/results/law_confidence_calibration.json``. The held-out
no-answer questions and the test half are only reported by ``python -m eval --suite laws``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, write_json
from eval.benchmark import load_queries
from eval.suites import NO_ANSWER_CALIBRATION, STARD_QUERIES, load_with_laws
from retriever.answer import coverage, query_content_words

RESULTS = RESULTS_DIR / "law_confidence_calibration.json"
MAX_FALSE_ALARMS = 0.03


def signals(retriever: Any, question: str, mode: str) -> dict[str, Any]:
    """Best cosine (None in lexical mode) and best weighted coverage of the top three."""
    prepared = retriever.prepare(question)
    result = retriever.search(prepared, k=10, mode=mode)
    weights = retriever._rarity(query_content_words(prepared.words), result.filters)
    best = max((coverage(prepared.words, h.clause, weights) for h in result.hits[:3]), default=0.0)
    return {
        "question": question,
        # The cosine the search's own rule reads: the best dense candidate, hit or not.
        "best_dense": round(result.best_dense, 4) if result.best_dense is not None else None,
        "best_coverage": round(best, 3),
    }


def flagged(row: dict[str, Any], dense_floor: float | None, coverage_floor: float) -> bool:
    lexical_ok = row["best_coverage"] >= coverage_floor
    if dense_floor is None or row["best_dense"] is None:
        return not lexical_ok
    return row["best_dense"] < dense_floor and not lexical_ok


def choose(no_answer: list[dict], answerable: list[dict], vectors: bool) -> dict[str, Any]:
    """The floors flagging the most no-answer questions within the false-alarm budget."""
    coverages = sorted({r["best_coverage"] for r in no_answer + answerable} | {0.0, 1.01})
    denses = sorted({r["best_dense"] for r in no_answer + answerable if r["best_dense"]})
    best: dict[str, Any] = {}
    for dense_floor in denses if vectors else [None]:
        for floor in coverages:
            alarms = sum(flagged(r, dense_floor, floor) for r in answerable) / len(answerable)
            if alarms > MAX_FALSE_ALARMS:
                continue
            fired = sum(flagged(r, dense_floor, floor) for r in no_answer) / len(no_answer)
            if not best or (fired, -alarms) > (best["no_answer_fired"], -best["false_alarms"]):
                best = {
                    "dense_floor": dense_floor,
                    "coverage_floor": floor,
                    "no_answer_fired": round(fired, 3),
                    "false_alarms": round(alarms, 3),
                }
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", action="store_true", help="hybrid (library embedded)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    mode = "hybrid" if args.vectors else "lexical"
    retriever = load_with_laws("all", progress=False, vectors=args.vectors)
    no_answer = [signals(retriever, q.text, mode) for q in load_queries(NO_ANSWER_CALIBRATION)]
    dev = [q for q in load_queries(STARD_QUERIES) if q.split == "dev"]
    answerable = [signals(retriever, q.text, mode) for q in dev]
    chosen = choose(no_answer, answerable, args.vectors)
    print(f"mode {mode}: {chosen}")
    for row in no_answer:
        print(
            f"  no-answer  cov {row['best_coverage']:.3f}  cos {row['best_dense']}  {row['question']}"
        )
    write_json(
        args.out,
        {
            "created": now_utc(),
            "machine": machine_info(),
            "mode": mode,
            "chosen": chosen,
            "no_answer": no_answer,
            "answerable": answerable,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
