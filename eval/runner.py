"""Run the benchmark: every configuration over every query, judged, measured, reported."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from corpus.clause import Clause
from eval.benchmark import (
    DEFAULT_QRELS,
    DEFAULT_QUERIES,
    REPORTS_DIR,
    Benchmark,
    ConfigRun,
    Query,
    load_qrels,
    load_queries,
)
from eval.configs import Config, parse_configs
from eval.judge import (
    Matcher,
    Passage,
    answer_matcher,
    answer_qrels,
    by_id,
    credited_ranking,
    needle_matcher,
    needle_qrels,
    overlap_matcher,
)
from eval.suites import SUITES
from eval.vectors import QueryVectorCache

if TYPE_CHECKING:
    from retriever import Retriever

Judging = Literal["auto", "ids", "answers", "needles"]
Progress = Callable[[float, str], None]

#: Queries timed one by one per configuration for the latency figures.
LATENCY_SAMPLE = 40


def load_benchmark(
    queries_path: Path | None = None,
    qrels_path: Path | None = None,
    judging: Judging = "auto",
    split: str | None = None,
    extra: Sequence[Path] = (),
) -> Benchmark:
    """Read queries and decide how relevance is judged.

    ``auto``: by id with the given qrels file, or with the shipped one when no queries file
    is given; by needles for a queries file whose queries carry targets (the law suite), by
    answer substrings for another queries file given without qrels. ``extra`` files add
    queries (the law suite's no-answer questions); ``split`` keeps only the queries of that
    half (``dev``/``test``). Raises
    ``ValueError`` when the chosen mode has nothing to judge with.
    """
    queries = load_queries(queries_path or DEFAULT_QUERIES)
    for path in extra:
        queries += load_queries(path)
    if split:
        queries = [q for q in queries if q.split == split]
        if not queries:
            raise ValueError(f"no query of {queries_path} is in the {split!r} half")
    if judging == "auto":
        judging = "ids" if qrels_path is not None or queries_path is None else "answers"
        if qrels_path is None and any(q.targets for q in queries):
            judging = "needles"
    if judging == "needles":
        if not any(q.targets for q in queries):
            raise ValueError('judging by needles, but no query has "targets" with needles')
        return Benchmark(
            queries, needle_qrels(queries), "needles", Path(queries_path or DEFAULT_QUERIES), None
        )
    if judging == "answers":
        if not any(q.answers for q in queries):
            raise ValueError('judging by answers, but no query has an "answers" list; give --qrels')
        return Benchmark(
            queries, answer_qrels(queries), "answers", Path(queries_path or DEFAULT_QUERIES), None
        )
    path = Path(qrels_path or DEFAULT_QRELS)
    known = {q.id for q in queries}
    qrels = {qid: units for qid, units in load_qrels(path).items() if qid in known}
    if not qrels:
        raise ValueError(f"no qrels in {path} match the query ids of the queries file")
    return Benchmark(queries, qrels, "ids", Path(queries_path or DEFAULT_QUERIES), path)


def run_benchmark(
    *,
    configs: str | Sequence[Config] | None = None,
    queries_path: Path | None = None,
    qrels_path: Path | None = None,
    judging: Judging = "auto",
    k: int = 10,
    out_dir: Path = REPORTS_DIR,
    retriever: Retriever | None = None,
    corpus_dir: Path | None = None,
    latency_sample: int = LATENCY_SAMPLE,
    on_progress: Progress | None = None,
    split: str | None = None,
    suite: str = "policy",
    laws: str = "all",
) -> Path:
    """Run the configurations, compute the metrics and write a report folder; return it.

    ``retriever`` defaults to ``Retriever.load()`` (the shipped corpus and model);
    ``corpus_dir`` is where the naive baseline reads raw ``.txt`` files (default: the
    shipped documents). ``suite`` ``"laws"`` judges by needles, runs the law configurations
    and lets the naive baseline read the ``laws`` selection's raw article text; ``split``
    keeps one half of the questions. Quality uses every query with query vectors computed once in
    batches; latency is timed on ``latency_sample`` queries (spread over the set, 0: all)
    searched one at a time with the real encoder, as a user's query would be.
    """
    from eval.report import write_report
    from eval.summary import summarise

    progress = on_progress or (lambda fraction, message: None)
    chosen = (
        parse_configs(configs, suite)
        if configs is None or isinstance(configs, str)
        else list(configs)
    )
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    extra = SUITES[suite].extra if queries_path == SUITES[suite].queries else ()
    bench = load_benchmark(queries_path, qrels_path, judging, split, extra)
    progress(0.0, "loading the retriever")
    if retriever is None:
        from retriever import Retriever

        retriever = Retriever.load(progress=False)
    progress(0.02, "embedding the queries")
    cache = QueryVectorCache(retriever.encoder)
    cache.prefill(_embedded_texts(bench.queries, retriever, chosen))
    timed = _spread(bench.queries, latency_sample)
    runs: list[ConfigRun] = []
    for number, config in enumerate(chosen):

        def step(done: int, total: int, number: int = number, name: str = config.name) -> None:
            progress(0.05 + 0.9 * (number + done / total) / len(chosen), f"{name}: {done}/{total}")

        searcher = _searcher(
            config, retriever, k=k, corpus_dir=corpus_dir, laws=laws if suite == "laws" else None
        )
        quality = searcher.using(cache)
        run = run_config(config, bench, quality, on_step=step, clauses=retriever.clauses)
        run.latencies_ms = [_timed(searcher, q.text) for q in timed]
        runs.append(run)
    progress(0.97, "writing the report")
    results = summarise(bench, runs, k=k)
    folder = write_report(results, out_dir)
    progress(1.0, f"report written to {folder}")
    return folder


class Searcher:
    """One configuration as a function of the query text, and the object holding its encoder."""

    def __init__(self, config: Config, owner: Any, k: int):
        self.config = config
        self.owner = owner  # a Retriever, or a NaiveIndex for the naive baseline
        self.k = k

    def using(self, encoder: Any) -> Searcher:
        """The same configuration over a copy of the owner that embeds with ``encoder``
        (the query-vector cache), leaving the owner, which may be serving the page, as it is."""
        return Searcher(self.config, self.owner.with_encoder(encoder), self.k)

    def __call__(self, text: str) -> tuple[list[Passage], bool | None]:
        """The passages found, best first, and the low-confidence flag (None: not applicable)."""
        if self.config.naive or self.config.peer:
            return self.owner.search(text, self.k), None
        prepared = self.owner.prepare(text, detect=self.config.detect_filters)
        result = self.owner.search(prepared, self.k, mode=self.config.mode)
        passages = [Passage(h.clause.id, h.clause.doc.doc_id, h.clause.text) for h in result.hits]
        return passages, result.low_confidence


def _searcher(
    config: Config, retriever: Any, *, k: int, corpus_dir: Path | None, laws: str | None = None
) -> Searcher:
    if config.peer:
        from eval.peer import PeerIndex

        return Searcher(config, PeerIndex(), k)
    if not config.naive:
        return Searcher(config, retriever, k)
    from eval.naive import NaiveIndex

    if laws is not None:
        from encoder.passage_cache import CachedEncoder
        from eval.naive import law_documents, split_windows
        from eval.suites import PASSAGE_CACHE

        windows = split_windows(law_documents(laws))
        index = NaiveIndex(windows, CachedEncoder(retriever.encoder, PASSAGE_CACHE))
        return Searcher(config, index.with_encoder(retriever.encoder), k)
    from corpus.loader import DEFAULT_CORPUS_DIR

    folder = Path(corpus_dir or DEFAULT_CORPUS_DIR)
    return Searcher(config, NaiveIndex.build(folder, retriever.encoder), k)


def run_config(
    config: Config,
    bench: Benchmark,
    searcher: Callable[[str], tuple[list[Passage], bool | None]],
    *,
    clauses: Sequence[Clause] = (),
    on_step: Callable[[int, int], None] | None = None,
) -> ConfigRun:
    """Search every query with one configuration and credit the results (see eval.judge).

    ``clauses`` are needed only to judge the naive baseline's windows against qrels by id.
    """
    overlap = overlap_matcher({c.id: c for c in clauses}) if config.naive else None
    run = ConfigRun(config)
    for done, query in enumerate(bench.queries, start=1):
        try:
            passages, low = searcher(query.text)
        except ValueError as exc:  # a query the retriever refuses counts as finding nothing
            run.errors[query.id] = str(exc)
            passages, low = [], None
        if low is not None:
            run.low_confidence[query.id] = low
        matcher: Matcher
        if bench.judging == "answers":
            matcher = answer_matcher(query)
        elif bench.judging == "needles":
            matcher = needle_matcher(query)
        else:
            matcher = overlap if overlap is not None else by_id
        run.rankings[query.id] = credited_ranking(passages, bench.qrels.get(query.id, {}), matcher)
        if on_step is not None:
            on_step(done, len(bench.queries))
    return run


def _embedded_texts(
    queries: Sequence[Query], retriever: Any, configs: Sequence[Config]
) -> list[str]:
    """The texts the configurations will embed, as far as they can be foreseen: the raw
    query (naive) and the retriever's prepared query, with and without detected filters.
    A wrong guess costs only speed (the cache embeds what it misses)."""
    texts: list[str] = []
    detects = {c.detect_filters for c in configs if not c.naive and c.mode != "lexical"}
    for query in queries:
        if any(c.naive for c in configs):
            texts.append(query.text)
        for detect in sorted(detects):
            try:
                texts.append(retriever.prepare(query.text, detect=detect).norm)
            except ValueError:
                break
    return texts


def _spread(queries: Sequence[Query], n: int) -> list[Query]:
    """``n`` queries evenly spread over the list (all when ``n`` is 0 or larger)."""
    if n <= 0 or n >= len(queries):
        return list(queries)
    step = len(queries) / n
    return [queries[int(i * step)] for i in range(n)]


def _timed(searcher: Searcher, text: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(ValueError):
        searcher(text)
    return (time.perf_counter() - started) * 1000
