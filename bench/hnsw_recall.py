"""HNSW recall on random vectors versus corpus-like vectors, at the project's settings.

    .venv/bin/python bench/hnsw_recall.py [--sizes 20000] [--queries 200]
        [--out bench/results/hnsw_recall.json]

``bench/scale.py`` uses isotropic random unit vectors, on which every approximate index
does its worst: 384 independent dimensions leave no neighbourhood structure for the graph
to follow. Real sentence embeddings live near a low-dimensional surface. This script
builds the same HNSW index (``index.dense`` M and efConstruction) over both kinds at the
same size and reports recall@10 against exact search for several ``efSearch``, so the
scale figures can be read correctly.

Corpus-like vectors are mixtures of the real clause embeddings of the default index (the
way a synthetic clause mixes real sentences): each is a random convex combination of 4
real vectors plus a little noise, normalised. The default index must exist (any first run
of ``app.py`` or ``python -m retriever`` builds it). Figures, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, table, write_json
from bench.synthetic import DIM, random_unit_vectors
from index.dense import DEFAULT_EF_SEARCH, HNSW_EF_CONSTRUCTION, HNSW_M
from index.store import DEFAULT_INDEX_DIR

RESULTS = RESULTS_DIR / "hnsw_recall.json"
EF_SWEEP = (64, DEFAULT_EF_SEARCH, 256)
MIXED = 4
NOISE = 0.01  # per dimension: a noise vector of norm ≈ 0.2


def corpus_like(real: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` unit vectors, each a random convex mix of ``MIXED`` real vectors plus noise."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(real), (n, MIXED))
    weights = rng.dirichlet(np.ones(MIXED), n).astype(np.float32)
    out = np.einsum("nk,nkd->nd", weights, real[picks]).astype(np.float32)
    out += rng.normal(0, NOISE, out.shape).astype(np.float32)
    faiss.normalize_L2(out)
    return out


def recall(vectors: np.ndarray, queries: np.ndarray) -> dict[str, Any]:
    exact = faiss.IndexFlatIP(DIM)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    started = time.perf_counter()
    index = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(vectors)
    row: dict[str, Any] = {"build_s": round(time.perf_counter() - started, 1)}
    for ef in EF_SWEEP:
        index.hnsw.efSearch = ef
        _, found = index.search(queries, 10)
        hits = [len(set(f) & set(t)) for f, t in zip(found.tolist(), truth.tolist(), strict=True)]
        row[f"recall@10_ef{ef}"] = round(float(np.mean(hits)) / 10, 4)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    vectors_file = DEFAULT_INDEX_DIR / "dense" / "vectors.npy"
    if not vectors_file.exists():
        parser.error(f"{vectors_file} is missing: build the default index first (python app.py)")
    real = np.load(vectors_file, allow_pickle=False)
    results: dict[str, Any] = {}
    for n in args.sizes:
        results[str(n)] = {
            "random": recall(random_unit_vectors(n, seed=n), random_unit_vectors(args.queries, 1)),
            "corpus_like": recall(
                corpus_like(real, n, seed=n), corpus_like(real, args.queries, seed=1)
            ),
        }
        print(f"{n}: {results[str(n)]}", file=sys.stderr, flush=True)
    report = {
        "hnsw": {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION},
        "real_vectors": len(real),
        "mixed": MIXED,
        "noise_per_dim": NOISE,
        "sizes": results,
        "machine": machine_info(),
        "measured_at": now_utc(),
    }
    write_json(args.out, report)
    rows = [
        [f"{n} {kind}", *[r[f"recall@10_ef{ef}"] for ef in EF_SWEEP], r["build_s"]]
        for n, kinds in results.items()
        for kind, r in kinds.items()
    ]
    print(table(rows, ["vectors", *[f"R@10 ef{ef}" for ef in EF_SWEEP], "build s"]))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
