"""``python -m eval``: run the retrieval benchmark and write a report folder.

Examples::

    python -m eval                                   # all configurations, shipped benchmark
    python -m eval --configs hybrid,lexical --k 5
    python -m eval --configs hybrid --encoder onnx-int8   # another inference path of the model
    python -m eval --configs hybrid --backend milvus --milvus-uri /tmp/milvus.db
    python -m eval --queries my.jsonl --qrels my.tsv # any BEIR queries/qrels
    python -m eval --queries my.jsonl                # relevance from each query's "answers"
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from encoder.protocol import THREADS_ENV
from encoder.sentence import DEFAULT_VARIANT, VARIANTS
from eval.benchmark import REPORTS_DIR
from eval.configs import CONFIGS
from eval.runner import LATENCY_SAMPLE, run_benchmark
from index.backend import BACKENDS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m eval", description="Run the retrieval benchmark and write a report."
    )
    parser.add_argument(
        "--configs",
        default=None,
        help=f"comma-separated configurations (default: all of {','.join(CONFIGS)})",
    )
    parser.add_argument("--queries", type=Path, default=None, help="BEIR queries.jsonl")
    parser.add_argument("--qrels", type=Path, default=None, help="BEIR qrels .tsv")
    parser.add_argument(
        "--judge",
        choices=("auto", "ids", "answers"),
        default="auto",
        help="relevance by qrels ids or by answer substrings (auto: ids when qrels are known)",
    )
    parser.add_argument("--k", type=int, default=10, help="hits per query (default 10)")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="reports folder")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="document folder")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: built-in)")
    parser.add_argument(
        "--laws",
        default=None,
        help="national laws indexed: default (corpus/laws.json), all, none, or names",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="encoder CPU threads (default: the cores; 1 is steadier on a busy shared machine)",
    )
    parser.add_argument(
        "--encoder",
        choices=VARIANTS,
        default=None,
        help=f"inference path of the default model (default: {DEFAULT_VARIANT})",
    )
    parser.add_argument(
        "--latency-sample",
        type=int,
        default=LATENCY_SAMPLE,
        help=f"queries timed one by one per configuration (default {LATENCY_SAMPLE}; 0: all)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--backend", choices=BACKENDS, default="local", help="index store (default: local)"
    )
    parser.add_argument(
        "--milvus-uri", default=None, help="with --backend milvus: *.db (Lite) or http(s)://…"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.threads is not None:
        os.environ[THREADS_ENV] = str(max(1, args.threads))  # read by both encoder paths
    retriever = None
    if (
        args.corpus_dir is not None
        or args.backend != "local"
        or args.laws is not None
        or args.index is not None
        or args.encoder is not None
    ):
        from retriever import Retriever

        retriever = Retriever.load(
            args.index,
            variant=args.encoder,
            corpus_dir=args.corpus_dir,
            progress=not args.quiet,
            backend=args.backend,
            milvus_uri=args.milvus_uri,
            laws=args.laws,
        )

    def show(fraction: float, message: str) -> None:
        print(f"\r[{fraction:6.1%}] {message:<50}", end="", file=sys.stderr, flush=True)

    try:
        folder = run_benchmark(
            configs=args.configs,
            queries_path=args.queries,
            qrels_path=args.qrels,
            judging=args.judge,
            k=args.k,
            out_dir=args.out,
            retriever=retriever,
            corpus_dir=args.corpus_dir,
            latency_sample=args.latency_sample,
            on_progress=None if args.quiet else show,
        )
    except (ValueError, OSError) as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(file=sys.stderr)
    report = (folder / "report.md").read_text(encoding="utf-8")
    print(report.split("\n## By ", 1)[0].rstrip())
    print(f"\nreport: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
