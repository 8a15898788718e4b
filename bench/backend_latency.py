"""Local (FAISS + bm25s) against Milvus Lite: the same questions, per-stage latency side by side.

    .venv/bin/python bench/backend_latency.py [--repeat 3] [--index DIR] [--out FILE]

Opens the local index of the default corpus (``--index``, default: the default index,
built if needed) and builds Milvus Lite in a temporary folder with the same encoder (Milvus
takes the vectors the local index holds, so both hold identical vectors), then asks the
search-latency questions in hybrid mode, alternating backends question by question so that
load from other jobs on the machine hits both alike. Prints and writes
``bench/results/backend_latency.json``: build and load times, p50/p95 per stage (embed,
dense, lexical, total) for each backend, and the machine. The embed stage runs the same
model on both; ``dense`` and ``lexical`` are the backends' own work. Figures, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, percentiles, table, write_json
from bench.search_latency import QUESTIONS
from index.milvus_build import open_milvus
from retriever import Retriever

RESULTS = RESULTS_DIR / "backend_latency.json"
STAGES = ("embed", "dense", "lexical", "total")


class StoredPassages:
    """The retriever's encoder, with passages the local index already embedded served from
    it (identical vectors; the corpus is not embedded twice)."""

    def __init__(self, retriever: Retriever) -> None:
        self.encoder = retriever.encoder
        self.name, self.dim = self.encoder.name, self.encoder.dim
        backend: Any = retriever.backend
        self.known = {c.text_norm: backend.dense.vectors[i] for i, c in enumerate(backend.clauses)}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if all(t in self.known for t in texts):
            return np.stack([self.known[t] for t in texts])
        return self.encoder.encode_passages(texts, progress=progress)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    parser.add_argument("--index", type=Path, default=None, help="local index folder")
    parser.add_argument("--out", type=Path, default=RESULTS, help="result JSON file")
    args = parser.parse_args(argv)
    quiet = lambda message: None  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        local = Retriever.load(args.index, progress=False, log=quiet)
        local_build = time.perf_counter() - started
        assert local.corpus is not None
        opened = []  # the first open builds the collection, the second loads it
        for _ in range(2):
            started = time.perf_counter()
            backend = open_milvus(
                str(Path(tmp) / "milvus.db"),
                local.corpus,
                StoredPassages(local),
                progress=False,
                log=quiet,
            )
            opened.append(time.perf_counter() - started)
        milvus_build, milvus_load = opened
        milvus = Retriever(backend, local.encoder, local.corpus)
        retrievers = {"local": local, "milvus": milvus}
        for question in QUESTIONS:  # warm-up
            for retriever in retrievers.values():
                retriever.search(question)
        times: dict[str, dict[str, list[float]]] = {n: {s: [] for s in STAGES} for n in retrievers}
        for _ in range(args.repeat):
            for question in QUESTIONS:
                for name, retriever in retrievers.items():
                    _, stages = retriever.search_timed(question)
                    for stage in STAGES[:-1]:
                        times[name][stage].append(stages.get(stage, 0.0))
                    times[name]["total"].append(sum(stages.values()))
    results = {
        "created": now_utc(),
        "questions": len(QUESTIONS),
        "repeat": args.repeat,
        "mode": "hybrid",
        "build_s": {
            "local (embeds 153 clauses)": local_build,
            "milvus (vectors reused)": milvus_build,
        },
        "milvus_load_s": milvus_load,
        "latency": {n: {s: percentiles(v) for s, v in st.items()} for n, st in times.items()},
        "machine": machine_info(),
    }
    write_json(args.out, results)
    rows = [
        [stage]
        + [results["latency"][n][stage][p] for n in retrievers for p in ("p50_ms", "p95_ms")]
        for stage in STAGES
    ]
    print(table(rows, ["stage", "local p50", "local p95", "milvus p50", "milvus p95"]))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
