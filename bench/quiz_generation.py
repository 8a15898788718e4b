"""Quiz generation on the default corpus: how fast, how many, how varied.

    .venv/bin/python bench/quiz_generation.py [--n 200] [--seeds 1,2,3] [--out FILE]

Loads the default corpus, generates ``--n`` questions per seed, checks them, exports every
format, and prints and writes ``bench/results/quiz_generation.json``: load, generation,
check and export times, questions per type and difficulty, documents covered, and any
validity problems (expected: none). Figures, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.atomic import write_json
from corpus.loader import load_corpus
from quiz import FORMATS, check_quiz, export, generate_quiz
from quiz.generate import body_clauses

RESULTS = Path(__file__).resolve().parent / "results" / "quiz_generation.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    started = time.perf_counter()
    corpus = load_corpus()
    load_s = time.perf_counter() - started
    report: dict[str, Any] = {
        "corpus_clauses": len(corpus.clauses),
        "body_clauses": len(body_clauses(corpus.clauses)),
        "load_s": round(load_s, 3),
        "n": args.n,
        "runs": [],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    for seed in (int(s) for s in args.seeds.split(",")):
        started = time.perf_counter()
        quiz = generate_quiz(corpus.clauses, n=args.n, seed=seed)
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        problems = check_quiz(quiz, corpus.by_id())
        check_s = time.perf_counter() - started
        export_s: dict[str, float] = {}
        with tempfile.TemporaryDirectory() as folder:
            for ext in FORMATS:
                started = time.perf_counter()
                export(quiz, Path(folder) / f"quiz{ext}")
                export_s[ext] = round(time.perf_counter() - started, 3)
        run = {
            "seed": seed,
            "questions": len(quiz),
            "generate_s": round(generate_s, 3),
            "check_s": round(check_s, 3),
            "export_s": export_s,
            "types": dict(Counter(q.type for q in quiz)),
            "difficulty": dict(Counter(q.difficulty for q in quiz)),
            "term_kinds": dict(Counter(q.term_kind for q in quiz if q.term_kind)),
            "documents": dict(Counter(q.doc_id for q in quiz)),
            "problems": problems,
        }
        report["runs"].append(run)
        print(json.dumps(run, ensure_ascii=False))
    write_json(args.out, report)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
