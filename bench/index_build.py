"""Benchmark: build the default corpus index from scratch with the real encoder.

Prints the figures and writes them to ``bench/results/index_build.json``: build time split
into embedding and the rest (FAISS, segmentation, bm25s, writing, checksums), the time to
open the built index again (load + full verification), peak RSS, the index folder's size
by file, the clause count and the machine it ran on.

    .venv/bin/python bench/index_build.py [--index-dir DIR] [--kind auto|flat|hnsw]

The index is built in a temporary folder (deleted afterwards) unless ``--index-dir`` is
given, so running the benchmark never disturbs the user's default index.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import RESULTS_DIR, machine_info, write_json  # noqa: E402
from corpus.loader import load_corpus  # noqa: E402
from encoder.sentence import load_encoder  # noqa: E402
from index.store import open_index  # noqa: E402

RESULTS = RESULTS_DIR / "index_build.json"


def folder_sizes(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run(index_dir: Path, kind: str) -> dict[str, Any]:
    started = time.perf_counter()
    corpus = load_corpus()
    corpus_seconds = time.perf_counter() - started

    started = time.perf_counter()
    encoder = load_encoder(progress=False)
    encoder_seconds = time.perf_counter() - started

    rss_before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    index = open_index(index_dir, corpus, encoder, force=True, progress=True, kind=kind)  # type: ignore[arg-type]
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    reopened = open_index(index_dir, corpus, encoder, progress=False)
    reopen_seconds = time.perf_counter() - started
    assert reopened.embedded == 0, "a second open must not re-embed"

    sizes = folder_sizes(index_dir)
    timings = index.manifest["build_seconds"]
    return {
        "measured_at": index.manifest["built_at"],
        "clauses": len(corpus.clauses),
        "documents": index.manifest["counts"]["documents"],
        "model": encoder.name,
        "dim": encoder.dim,
        "dense_kind": index.dense.kind,
        "seconds": {
            "load_corpus": round(corpus_seconds, 3),
            "load_encoder": round(encoder_seconds, 3),
            "build_total": round(build_seconds, 3),
            "build_embedding": timings["embedding"],
            "build_rest": round(build_seconds - timings["embedding"], 3),
            "reopen_verified": round(reopen_seconds, 3),
        },
        "passages_per_second": round(len(corpus.clauses) / timings["embedding"], 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_build_mib": round(rss_before / 2**20, 1),
        "index_bytes": sum(sizes.values()),
        "index_files": sizes,
        "machine": machine_info(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="build here (kept) instead of a temp folder")
    parser.add_argument("--kind", choices=("auto", "flat", "hnsw"), default="auto")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="index-bench-") as scratch:
        figures = run(args.index_dir or Path(scratch) / "index", args.kind)
    write_json(args.out, figures)
    s = figures["seconds"]
    print(
        f"{figures['clauses']} clauses, {figures['dense_kind']} index, model {figures['model']}\n"
        f"build {s['build_total']:.1f} s = embedding {s['build_embedding']:.1f} s "
        f"({figures['passages_per_second']} passages/s) + rest {s['build_rest']:.1f} s\n"
        f"reopen (load + verify) {s['reopen_verified']:.2f} s; "
        f"corpus {s['load_corpus']:.2f} s; encoder {s['load_encoder']:.1f} s\n"
        f"peak RSS {figures['peak_rss_mib']} MiB; index folder {figures['index_bytes'] / 1024:.0f} KiB\n"
        f"written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
