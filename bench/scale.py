"""Scale: how build time, memory, index size and query latency grow to a million clauses.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--queries 100]
        [--hnsw-budget-s 600] [--out bench/results/scale.json]

For each size a synthetic corpus is made from the real one: every clause is 1–n sentences
of the shipped documents (Simplified), recombined at random, and belongs to a synthetic
document with a province (one of the 31 of the mainland) and a year (2015–2024), so
filters select realistic fractions (one province ≈ 1/31, province + year ≈ 1/310).

Measured with the project's own classes (``index.dense.DenseIndex``,
``index.lexical.LexicalIndex``, ``index.store.LocalIndex.rows`` for filters,
``index.folder.write_clauses`` for the clause store):

* dense: exact ``IndexFlatIP`` and approximate ``IndexHNSWFlat`` — build time, memory
  growth, bytes on disk, single-query latency at the retriever's depth (k=50), recall@10 of
  HNSW against exact, for several ``efSearch``;
* lexical: bm25s build time, memory, bytes on disk, query latency on the benchmark questions;
* filtered search (dense and lexical) for one province + one year, one province, three years.

Why random vectors: embedding a million clauses on 2 CPU cores would take days (see
``bench/embedding_throughput.py`` for the real rate); the index's cost depends on the count
and the dimension, not on what the vectors mean. Isotropic random unit vectors are the
hardest case for HNSW (no cluster structure to exploit), so its recall here is a lower
bound. Why cached sentence tokens: jieba over a million clauses takes longer than the
index it feeds; each distinct sentence is segmented once, a clause's tokens are its
sentences' tokens (exact: sentences end in punctuation, which no token crosses), and the
jieba rate is measured on a sample and reported separately.

Results are written after every size (merged into the existing file, so sizes can be run
separately); a PNG of the curves sits beside the JSON. Figures, not a test.
"""

from __future__ import annotations

import argparse
import gc
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bm25s
import faiss
from bm25s.tokenization import Tokenized

from bench.common import (
    RESULTS_DIR,
    machine_info,
    now_utc,
    percentiles,
    rss_mib,
    write_json,
)
from bench.scale_report import plot, print_report
from bench.synthetic import (
    DIM,
    ClauseTokenIds,
    SyntheticCorpus,
    clause_records,
    random_unit_vectors,
    real_sentences,
    sentence_token_ids,
    synthesise,
)
from corpus.script import to_simplified
from eval.benchmark import load_queries
from index.dense import (
    DEFAULT_EF_SEARCH,
    HNSW_EF_CONSTRUCTION,
    HNSW_M,
    DenseIndex,
    resolve_kind,
)
from index.folder import write_clauses
from index.lexical import LexicalIndex
from index.segment import Segmenter
from index.store import LocalIndex
from retriever.hit import Filters

RESULTS = RESULTS_DIR / "scale.json"
#: What the retriever asks each source for (``max(50, 5 * k)``).
DEPTH = 50
EF_SWEEP = (64, DEFAULT_EF_SEARCH, 256)
#: One query is timed on one thread: on a shared 2-core machine an OpenMP team of two waits
#: for whichever thread the scheduler parked (tens of ms at 10k vectors), which would measure
#: the neighbours, not the index. The same holds for numpy's BLAS (filtered exact search
#: is a matrix product). Builds use every core.
QUERY_THREADS = 1
#: HNSW settings used when the default ones would exceed the time budget.
REDUCED_M, REDUCED_EF_CONSTRUCTION = 16, 40

FILTER_PROVINCE = "青海省"


def filters_for(corpus: SyntheticCorpus) -> dict[str, Filters]:
    """One province + one year that has a document (a small corpus lacks some pairs), one
    province, and three years."""
    provinces = corpus.provinces()
    years = corpus.years()
    present = years[provinces == FILTER_PROVINCE]
    year = int(present[0]) if present.size else 2020
    return {
        "province+year": Filters(provinces=(FILTER_PROVINCE,), years=(year,)),
        "province": Filters(provinces=(FILTER_PROVINCE,)),
        "three years": Filters(years=(2019, 2020, 2021)),
    }


# --- measuring -----------------------------------------------------------------------------


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_queries(search, queries: Sequence[Any]) -> tuple[dict[str, float], list[Any]]:
    """Latency percentiles of ``search(query)`` over ``queries`` (one warm-up call first),
    BLAS limited to :data:`QUERY_THREADS`."""
    seconds, results = [], []
    with threadpool_limits(limits=QUERY_THREADS):
        search(queries[0])
        for query in queries:
            started = time.perf_counter()
            results.append(search(query))
            seconds.append(time.perf_counter() - started)
    return percentiles(seconds), results


def recall_at_10(found: Sequence[Sequence[tuple[int, float]]], truth: np.ndarray) -> float:
    hits = [
        len({row for row, _ in f[:10]} & set(t[:10].tolist()))
        for f, t in zip(found, truth, strict=True)
    ]
    return round(float(np.mean(hits)) / 10, 4)


def hnsw_settings(n: int, previous: dict[str, Any] | None, budget_s: float) -> dict[str, Any]:
    """The project's HNSW settings, or reduced ones when the build would exceed ``budget_s``.

    The projection scales the last measured build by n·log n (HNSW inserts cost about
    log n each).
    """
    settings: dict[str, Any] = {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION}
    if previous:
        m = previous["n"]
        # CPU seconds over the cores: what a machine with no other jobs would take (wall
        # time on a shared machine depends on the neighbours).
        seconds = (
            previous["cpu_s"] / previous["threads"] if "cpu_s" in previous else previous["build_s"]
        )
        projected = seconds * (n / m) * (math.log(n) / math.log(m))
        settings["projected_build_s"] = round(projected, 1)
        if previous.get("M", HNSW_M) == HNSW_M and projected > budget_s:
            settings.update(M=REDUCED_M, efConstruction=REDUCED_EF_CONSTRUCTION, reduced=True)
    return settings


def measure_dense(
    vectors: np.ndarray,
    queries: np.ndarray,
    rows_by_filter: dict[str, np.ndarray | None],
    previous_hnsw: dict[str, Any] | None,
    budget_s: float,
    scratch: Path,
) -> dict[str, Any]:
    """Flat and HNSW: build, memory, size, latency, recall; filtered search on the kind the
    project would choose at this size (``resolve_kind("auto", n)``)."""
    n = len(vectors)
    auto = resolve_kind("auto", n)
    out: dict[str, Any] = {"auto_kind": auto, "query_threads": QUERY_THREADS}
    build_threads = faiss.omp_get_max_threads()
    truth: np.ndarray | None = None
    for kind in ("flat", "hnsw"):
        gc.collect()
        before = rss_mib()
        started, cpu_started = time.perf_counter(), time.process_time()
        if kind == "flat":
            index = faiss.IndexFlatIP(DIM)
            settings: dict[str, Any] = {}
        else:
            settings = hnsw_settings(n, previous_hnsw, budget_s)
            print(f"  hnsw settings {settings}", file=sys.stderr, flush=True)
            index = faiss.IndexHNSWFlat(DIM, settings["M"], faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = settings["efConstruction"]
        index.add(vectors)
        build_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu_started
        grown = rss_mib() - before
        folder = scratch / kind
        DenseIndex(index, vectors, kind).save(folder)
        row: dict[str, Any] = {
            **settings,
            "n": n,
            "build_s": round(build_s, 2),
            "cpu_s": round(cpu_s, 2),
            "threads": build_threads,
            "memory_mib": round(grown, 1),
            "disk_bytes": folder_bytes(folder),
        }
        shutil.rmtree(folder)
        if truth is None:
            _, truth = index.search(queries, 10)
        faiss.omp_set_num_threads(QUERY_THREADS)
        efs = EF_SWEEP if kind == "hnsw" else (DEFAULT_EF_SEARCH,)
        for ef in efs:
            dense = DenseIndex(index, vectors, kind, ef_search=ef)
            latency, found = timed_queries(lambda q, d=dense: d.search(q[None], DEPTH)[0], queries)
            key = "query" if ef == DEFAULT_EF_SEARCH else f"query_ef{ef}"
            row[key] = {**latency, "recall@10": recall_at_10(found, truth)}
        if kind == auto:
            dense = DenseIndex(index, vectors, kind)
            row["filtered"] = {
                name: timed_queries(
                    lambda q, d=dense, r=rows: d.search(q[None], DEPTH, r)[0], queries
                )[0]
                for name, rows in rows_by_filter.items()
            }
        faiss.omp_set_num_threads(build_threads)
        out[kind] = row
        print(
            f"  {kind}: build {build_s:.1f} s, +{grown:.0f} MiB, p50 {row['query']['p50_ms']} ms",
            file=sys.stderr,
            flush=True,
        )
        del index
    return out


def measure_lexical(
    corpus: SyntheticCorpus,
    sentence_tokens: Sequence[list[int]],
    vocab: dict[str, int],
    segmenter: Segmenter,
    questions: Sequence[str],
    rows_by_filter: dict[str, np.ndarray | None],
    scratch: Path,
) -> dict[str, Any]:
    gc.collect()
    before = rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    bm25 = bm25s.BM25()
    bm25.index(
        Tokenized(ids=ClauseTokenIds(corpus, sentence_tokens), vocab=dict(vocab)),
        show_progress=False,
    )
    build_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    grown = rss_mib() - before
    lexical = LexicalIndex(bm25, segmenter)
    folder = scratch / "lexical"
    lexical.save(folder)
    row: dict[str, Any] = {
        "build_s": round(build_s, 2),
        "cpu_s": round(cpu_s, 2),
        "memory_mib": round(grown, 1),
        "disk_bytes": folder_bytes(folder),
        "postings": len(bm25.scores["data"]),
        "query": timed_queries(lambda q: lexical.search(q, DEPTH), questions)[0],
        "filtered": {
            name: timed_queries(lambda q, r=rows: lexical.search(q, DEPTH, r), questions)[0]
            for name, rows in rows_by_filter.items()
        },
    }
    shutil.rmtree(folder)
    print(
        f"  bm25s: build {build_s:.1f} s, +{grown:.0f} MiB, p50 {row['query']['p50_ms']} ms",
        file=sys.stderr,
        flush=True,
    )
    return row


def filter_rows(corpus: SyntheticCorpus) -> tuple[dict[str, np.ndarray | None], dict[str, Any]]:
    """Rows allowed by each filter, computed by the project's ``LocalIndex.rows``, timed."""
    view = SimpleNamespace(
        _clauses=range(len(corpus)), _provinces=corpus.provinces(), _years=corpus.years()
    )
    rows: dict[str, np.ndarray | None] = {}
    info: dict[str, Any] = {}
    for name, filters in filters_for(corpus).items():
        started = time.perf_counter()
        rows[name] = LocalIndex.rows(view, filters)  # type: ignore[arg-type]
        allowed = rows[name]
        info[name] = {
            "filter": filters.to_json(),
            "rows": len(allowed) if allowed is not None else len(corpus),
            "mask_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    return rows, info


def measure_size(
    n: int,
    sentences: Sequence[str],
    per_clause: float,
    sentence_tokens: Sequence[list[int]],
    vocab: dict[str, int],
    segmenter: Segmenter,
    questions: Sequence[str],
    previous_hnsw: dict[str, Any] | None,
    args: argparse.Namespace,
) -> dict[str, Any]:
    print(f"{n} clauses", file=sys.stderr, flush=True)
    corpus = synthesise(n, len(sentences), per_clause, seed=n)
    rows, filter_info = filter_rows(corpus)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        scratch = Path(tmp)
        started = time.perf_counter()
        write_clauses(scratch / "clauses.jsonl", clause_records(corpus, sentences))  # type: ignore[arg-type]
        store = {
            "write_s": round(time.perf_counter() - started, 2),
            "disk_bytes": (scratch / "clauses.jsonl").stat().st_size,
        }
        (scratch / "clauses.jsonl").unlink()
        lexical = measure_lexical(
            corpus, sentence_tokens, vocab, segmenter, questions, rows, scratch
        )
        gc.collect()
        vectors = random_unit_vectors(n, seed=n)
        queries = random_unit_vectors(args.queries, seed=n + 1)
        dense = measure_dense(vectors, queries, rows, previous_hnsw, args.hnsw_budget_s, scratch)
        del vectors
    return {
        "clauses": n,
        "documents": int(corpus.doc[-1]) + 1,
        "mean_chars": round(
            float(
                np.mean(
                    [
                        len("".join(sentences[s] for s in corpus.sentence_ids(i)))
                        for i in range(min(n, 2000))
                    ]
                )
            ),
            1,
        ),
        "filters": filter_info,
        "clause_store": store,
        "dense": dense,
        "lexical": lexical,
        "peak_rss_mib": peak_rss_mib(),
        "measured_at": now_utc(),
    }


def peak_rss_mib() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def jieba_rate(
    corpus_sentences: Sequence[str], segmenter: Segmenter, per_clause: float
) -> dict[str, float]:
    """Clauses per second that jieba + bigrams segment, on 2,000 synthetic clauses."""
    corpus = synthesise(2000, len(corpus_sentences), per_clause, seed=7)
    texts = [
        "".join(corpus_sentences[s] for s in corpus.sentence_ids(i)) for i in range(len(corpus))
    ]
    started = time.perf_counter()
    for text in texts:
        segmenter.tokens(text)
    rate = len(texts) / (time.perf_counter() - started)
    return {"clauses_per_s": round(rate, 1), "one_million_s": round(1_000_000 / rate, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", type=lambda s: [int(x) for x in s.split(",")]
    )
    parser.add_argument("--queries", type=int, default=100, help="random query vectors per size")
    parser.add_argument(
        "--hnsw-budget-s",
        type=float,
        default=600.0,
        help="use M=16/efConstruction=40 when the projected HNSW build is longer",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    sentences, mean_chars = real_sentences()
    per_clause = mean_chars / float(np.mean([len(s) for s in sentences]))
    segmenter = Segmenter.from_texts(sentences)
    sentence_tokens, vocab, segment_s = sentence_token_ids(sentences, segmenter)
    questions = [to_simplified(q.text) for q in load_queries()][:100]
    try:
        import json

        report = json.loads(args.out.read_text(encoding="utf-8"))
        report.setdefault("sizes", {})
    except (OSError, ValueError):
        report = {"sizes": {}}
    report.update(
        {
            "method": "synthetic clauses recombined from the real sentences; random unit vectors",
            "dim": DIM,
            "depth_k": DEPTH,
            "source": {
                "sentences": len(sentences),
                "real_mean_clause_chars": round(mean_chars, 1),
                "sentences_per_clause": round(per_clause, 2),
                "sentence_segmentation_s": round(segment_s, 2),
                "vocabulary": len(vocab),
            },
            "jieba": jieba_rate(sentences, segmenter, per_clause),
            "machine": machine_info(),
        }
    )
    for n in args.sizes:
        smaller = [s for s in report["sizes"].values() if s["clauses"] < n]
        previous_hnsw = (
            max(smaller, key=lambda s: s["clauses"])["dense"]["hnsw"] if smaller else None
        )
        size = measure_size(
            n,
            sentences,
            per_clause,
            sentence_tokens,
            vocab,
            segmenter,
            questions,
            previous_hnsw,
            args,
        )
        report["sizes"][str(n)] = size
        report["machine"] = machine_info()
        write_json(args.out, report)
        gc.collect()
    print_report(report)
    plot(report, args.out.with_suffix(".png"))
    print(f"written to {args.out} and {args.out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
