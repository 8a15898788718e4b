"""Side by side, in one run: our pipeline against the generic one a user would assemble.

    .venv/bin/python bench/side_by_side.py [--judging auto|ids|answers] [--k 10]
        [--queries FILE] [--qrels FILE] [--out bench/results/side_by_side.json]

The generic pipeline is what a RAG tutorial builds from the same files: the raw ``.txt``
read as is, LangChain's ``RecursiveCharacterTextSplitter`` with fixed 500-character chunks
and 50 of overlap, the *same* encoder as ours (so the comparison is about everything but
the model), FAISS ``IndexFlatIP`` dense only — and, as its lexical option, ``rank-bm25``'s
``BM25Okapi`` over ``\\w+`` tokens (what a generic tokenizer does to Chinese: one token per
run of characters between punctuation).

Ours is ``Retriever.search`` in ``hybrid`` mode (dense + bm25s over jieba words and bigrams,
fused: 0.3·z(cosine) + 0.7·z(BM25)), once as the benchmark runs it (no filters from the question) and once as the
page runs it (province/year named in the question applied as filters).

Every configuration is judged by ``eval/``'s own rules (:mod:`eval.judge`: a chunk is
credited for a relevant clause when it shares a 20-character run with it, each relevant
clause credited once) and scored by ranx (:mod:`eval.metrics`), so the figures are on the
same scale as ``python -m eval``. Prints a table and the ratios ours/generic; writes JSON.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_text_splitters import RecursiveCharacterTextSplitter
from rank_bm25 import BM25Okapi

from bench.common import RESULTS_DIR, machine_info, now_utc, percentiles, table, write_json
from corpus.loader import DEFAULT_CORPUS_DIR
from eval.benchmark import Benchmark
from eval.judge import (
    Matcher,
    Passage,
    answer_matcher,
    by_id,
    credited_ranking,
    overlap_matcher,
)
from eval.metrics import mean_by, per_query
from eval.naive import NaiveIndex, read_raw_documents
from eval.runner import load_benchmark
from retriever import Retriever

RESULTS = RESULTS_DIR / "side_by_side.json"
CHUNK_CHARS = 500
CHUNK_OVERLAP = 50
REPORTED = ("recall@5", "mrr@10", "recall@1", "recall@10", "ndcg@10")
_WORD = re.compile(r"\w+")

Search = Callable[[str, int], list[Passage]]


def generic_chunks(folder: Path) -> list[Passage]:
    """The raw documents cut by LangChain's recursive splitter (its default separators:
    paragraphs, lines, spaces, characters) into chunks of 500 characters, 50 overlapping."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)
    return [
        Passage(id=f"{doc_id}#c{n}", doc_id=doc_id, text=chunk)
        for doc_id, text in read_raw_documents(folder)
        for n, chunk in enumerate(splitter.split_text(text))
    ]


def word_tokens(text: str) -> list[str]:
    """A generic tokenizer: lower-cased ``\\w+`` runs (whole phrases in Chinese text)."""
    return _WORD.findall(text.lower())


class GenericBM25:
    """rank-bm25's BM25Okapi over the generic chunks, ``\\w+`` tokens."""

    def __init__(self, chunks: Sequence[Passage]):
        self.chunks = list(chunks)
        self.bm25 = BM25Okapi([word_tokens(c.text) for c in self.chunks])

    def search(self, query: str, k: int) -> list[Passage]:
        scores = self.bm25.get_scores(word_tokens(query))
        top = np.argsort(-scores, kind="stable")[:k]
        return [self.chunks[i] for i in top if scores[i] > 0]


def ours(retriever: Retriever, detect_filters: bool) -> Search:
    def search(query: str, k: int) -> list[Passage]:
        result = retriever.search(retriever.prepare(query, detect=detect_filters), k)
        return [Passage(h.clause.id, h.clause.doc.doc_id, h.clause.text) for h in result.hits]

    return search


def run_all(
    configs: dict[str, tuple[Search, Callable[[Any], Matcher]]], bench: Benchmark, k: int
) -> dict[str, Any]:
    """Every query through every configuration, credited and scored by eval/.

    The configurations take turns query by query (after one warm-up each), so a burst of
    load from elsewhere on a shared machine slows them alike and the latency ratios hold.
    """
    for search, _ in configs.values():
        search(bench.queries[0].text, k)
    rankings: dict[str, dict[str, list[str]]] = {name: {} for name in configs}
    seconds: dict[str, list[float]] = {name: [] for name in configs}
    refused = dict.fromkeys(configs, 0)
    for number, query in enumerate(bench.queries, start=1):
        for name, (search, matcher_for) in configs.items():
            started = time.perf_counter()
            try:
                passages = search(query.text, k)
            except ValueError:
                passages = []
                refused[name] += 1
            seconds[name].append(time.perf_counter() - started)
            rankings[name][query.id] = credited_ranking(
                passages, bench.qrels.get(query.id, {}), matcher_for(query)
            )
        if number % 50 == 0:
            print(f"  {number}/{len(bench.queries)} queries", file=sys.stderr, flush=True)
    results: dict[str, Any] = {}
    for name in configs:
        scores = mean_by(per_query(bench.qrels, rankings[name], REPORTED))["all"]
        results[name] = {
            "metrics": {m: round(scores[m], 4) for m in REPORTED},
            "latency": percentiles(seconds[name]),
            "refused_queries": refused[name],
        }
    return results


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def run(args: argparse.Namespace) -> dict[str, Any]:
    bench = load_benchmark(args.queries, args.qrels, args.judging)
    print(
        f"{len(bench.queries)} queries, {len(bench.answerable)} answerable, judged by "
        f"{bench.judging}; loading the retriever…",
        file=sys.stderr,
        flush=True,
    )
    retriever = Retriever.load(progress=True, log=lambda m: print(m, file=sys.stderr))
    clauses = {c.id: c for c in retriever.clauses}
    overlap = overlap_matcher(clauses)

    def chunk_matcher(query: Any) -> Matcher:
        return answer_matcher(query) if bench.judging == "answers" else overlap

    def clause_matcher(query: Any) -> Matcher:
        return answer_matcher(query) if bench.judging == "answers" else by_id

    chunks = generic_chunks(Path(args.corpus or DEFAULT_CORPUS_DIR))
    print(f"generic: {len(chunks)} chunks; embedding them…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    dense = NaiveIndex(chunks, retriever.encoder, progress=True)
    dense_build = time.perf_counter() - started
    started = time.perf_counter()
    lexical = GenericBM25(chunks)
    lexical_build = time.perf_counter() - started

    configs: dict[str, tuple[Search, Callable[[Any], Matcher]]] = {
        "ours hybrid": (ours(retriever, False), clause_matcher),
        "ours hybrid + filters": (ours(retriever, True), clause_matcher),
        "generic dense (FAISS)": (dense.search, chunk_matcher),
        "generic BM25 (rank-bm25)": (lexical.search, chunk_matcher),
    }
    print(f"running {', '.join(configs)}, taking turns…", file=sys.stderr, flush=True)
    results = run_all(configs, bench, args.k)
    manifest = retriever.backend.manifest
    results["ours hybrid"]["build"] = {
        "units": len(retriever.clauses),
        "seconds": manifest.get("timings") or manifest.get("build_seconds"),
    }
    results["generic dense (FAISS)"]["build"] = {
        "units": len(chunks),
        "seconds": round(dense_build, 2),
    }
    results["generic BM25 (rank-bm25)"]["build"] = {
        "units": len(chunks),
        "seconds": round(lexical_build, 3),
    }

    base = results["ours hybrid"]
    ratios = {}
    for generic in ("generic dense (FAISS)", "generic BM25 (rank-bm25)"):
        other = results[generic]
        ratios[f"ours hybrid / {generic}"] = {
            "recall@5": ratio(base["metrics"]["recall@5"], other["metrics"]["recall@5"]),
            "mrr@10": ratio(base["metrics"]["mrr@10"], other["metrics"]["mrr@10"]),
            "latency_p50": ratio(base["latency"]["p50_ms"], other["latency"]["p50_ms"]),
            "latency_p95": ratio(base["latency"]["p95_ms"], other["latency"]["p95_ms"]),
        }
    return {
        "judging": bench.judging,
        "queries": len(bench.queries),
        "answerable": len(bench.answerable),
        "k": args.k,
        "model": retriever.encoder.name,
        "generic": {
            "splitter": "RecursiveCharacterTextSplitter",
            "chunk_chars": CHUNK_CHARS,
            "overlap_chars": CHUNK_OVERLAP,
            "chunks": len(chunks),
        },
        "configs": results,
        "ratios": ratios,
        "machine": machine_info(),
        "measured_at": now_utc(),
    }


def print_report(report: dict[str, Any]) -> None:
    rows = [
        [
            name,
            r["metrics"]["recall@5"],
            r["metrics"]["mrr@10"],
            r["metrics"]["ndcg@10"],
            r["latency"]["p50_ms"],
            r["latency"]["p95_ms"],
        ]
        for name, r in report["configs"].items()
    ]
    print(
        f"{report['queries']} queries ({report['answerable']} answerable), judged by "
        f"{report['judging']}, k={report['k']}"
    )
    print(table(rows, ["configuration", "R@5", "MRR@10", "nDCG@10", "p50 ms", "p95 ms"]))
    print()
    ratio_rows = [[name, *r.values()] for name, r in report["ratios"].items()]
    print(table(ratio_rows, ["ratio", "R@5", "MRR@10", "p50 latency", "p95 latency"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--judging", choices=("auto", "ids", "answers"), default="auto")
    parser.add_argument("--queries", type=Path, help="BEIR queries.jsonl (default: eval/data)")
    parser.add_argument("--qrels", type=Path, help="BEIR qrels .tsv (default: eval/data)")
    parser.add_argument("--corpus", type=Path, help="documents folder (default: corpus/documents)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    report = run(args)
    write_json(args.out, report)
    print_report(report)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
