"""Why heavy jobs run one at a time in a worker process: ranx's numba code from several threads.

    .venv/bin/python bench/numba_threads.py [--threads 4] [--rounds 20]

For each numba threading layer (``workqueue``; ``omp``; ``tbb``, which needs libtbb), set
through ``NUMBA_THREADING_LAYER`` and — since ranx overrides that on import with
``numba.config.THREADING_LAYER = "workqueue"`` — again in ``numba.config`` after importing
ranx, a child process calls
``ranx.evaluate`` — what every benchmark run does — from ``--threads`` Python threads at
once, ``--rounds`` times, and the script records whether the child survived, its exit code
and the last line it printed (the workqueue layer aborts the whole process with
"Concurrent access has been detected"). Then the same with one thread at a time, as
``page.jobs`` runs jobs. Prints a table and writes ``bench/results/numba_threads.json``.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, table, write_json

RESULTS = RESULTS_DIR / "numba_threads.json"
LAYERS = ("workqueue", "omp", "tbb")

CHILD = """
import sys, threading
import numpy as np
from ranx import Qrels, Run, evaluate
import numba
threads, rounds = int(sys.argv[1]), int(sys.argv[2])
if sys.argv[3]:  # ranx sets config.THREADING_LAYER = "workqueue" on import: override after it
    numba.config.THREADING_LAYER = sys.argv[3]
rng = np.random.default_rng(0)
qrels = Qrels({f"q{i}": {f"d{j}": 1 for j in rng.choice(200, 3)} for i in range(300)})
run = Run({f"q{i}": {f"d{j}": float(s) for j, s in enumerate(rng.random(100))} for i in range(300)})
def work():
    for _ in range(rounds):
        evaluate(qrels, run, ["ndcg@10", "mrr", "recall@10"], make_comparable=True)
pool = [threading.Thread(target=work) for _ in range(threads)]
[t.start() for t in pool]
[t.join() for t in pool]
import numba
print("survived; threading layer:", numba.threading_layer())
"""


def trial(layer: str, threads: int, rounds: int, *, after_import: bool = False) -> dict:
    """``layer`` set through the environment (before ranx is imported) or, with
    ``after_import``, in ``numba.config`` after it."""
    env = {**os.environ, "NUMBA_THREADING_LAYER": layer}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(threads), str(rounds), layer if after_import else ""],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    lines = (done.stdout + done.stderr).strip().splitlines()
    last = next((ln for ln in reversed(lines) if ln.strip()), "")
    return {
        "layer": layer + (" (set after importing ranx)" if after_import else " (environment)"),
        "threads": threads,
        "exit_code": done.returncode,
        "survived": done.returncode == 0,
        "last_line": last[-200:],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    trials = [trial(layer, args.threads, args.rounds) for layer in LAYERS]
    trials += [
        trial(layer, args.threads, args.rounds, after_import=True) for layer in ("omp", "tbb")
    ]
    trials.append(trial("workqueue", 1, args.rounds * args.threads))
    rows = [[t["layer"], t["threads"], t["exit_code"], t["seconds"], t["last_line"][:90]]
            for t in trials]  # fmt: skip
    print(table(rows, ["layer", "threads", "exit", "s", "last line"]))
    write_json(args.out, {"trials": trials, "machine": machine_info(), "measured_at": now_utc()})
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
