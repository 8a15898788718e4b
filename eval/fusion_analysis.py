"""Why the lexical ranking is so strong on our benchmark, and why equal-weight RRF loses to it.

Three measurements behind the fusion study's explanation (:mod:`eval.fusion_study`):

* :func:`term_overlap`: how much of a query's wording the answering clause contains, against
  the best other clause. The benchmark questions were written by reading the documents, so
  they reuse the clause's own words; BM25 rewards exactly that.
* :func:`score_margins`: how far each source's first candidate stands above its second (in
  standard deviations of the list) when that first candidate is right and when it is wrong.
  The margin is a confidence signal that rank-based fusion throws away.
* :func:`score_ranges`: on what scale each source speaks.
* :func:`rank_flips`: where equal-weight RRF puts the answer in the queries it loses
  although BM25 had the answer first.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from corpus.clause import Clause
from eval.benchmark import Qrels, Query
from eval.fusion_methods import Lists, Method
from eval.metrics import top_grade_qrels
from index.segment import Segmenter, cjk_bigrams
from retriever.answer import query_content_words
from retriever.fusion import z_score
from retriever.prepare import PreparedQuery, prepare_query


def query_words(segmenter: Segmenter, text: str) -> list[str]:
    """The content words of a question as the retriever's BM25 side sees them (prepared as
    the benchmark's ``hybrid`` configuration prepares it), stopwords and lone Latin
    characters dropped."""
    return query_content_words(_prepared(segmenter, text).words)


def _prepared(segmenter: Segmenter, text: str) -> PreparedQuery:
    return prepare_query(text, (), segmenter.words, detect=False)


def _share(needles: Iterable[str], haystack: str) -> float:
    items = list(dict.fromkeys(needles))
    return sum(1 for n in items if n in haystack) / len(items) if items else 0.0


def term_overlap(
    queries: Sequence[Query], clauses: Sequence[Clause], qrels: Qrels, segmenter: Segmenter
) -> dict[str, dict[str, float]]:
    """Per query type (and ``all``): averages over the answerable queries of

    * ``word_cov``: share of the query's content words found in its answering clause (the
      best-covered one when several answer), and ``word_full``: share of queries with all of
      them found;
    * ``bigram_cov``: the same for the query's CJK character bigrams (BM25's other tokens);
    * ``distractor_cov``: word coverage of the best-covered clause that is not relevant at
      any grade — what the answering clause must beat;
    * ``unique_word``: share of queries with a word found in the answering clause and in no
      other clause of the corpus (a word BM25 weighs with its highest IDF).
    """
    norms = {c.id: c.text_norm.lower() for c in clauses}
    top = top_grade_qrels(qrels)
    rows: dict[str, list[dict[str, float]]] = {}
    for query in queries:
        answers = [cid for cid in top.get(query.id, {}) if cid in norms]
        if not answers:
            continue
        words = query_words(segmenter, query.text)
        bigrams = cjk_bigrams(_prepared(segmenter, query.text).topic)
        others = [t for cid, t in norms.items() if cid not in qrels.get(query.id, {})]
        found_in = {w: sum(1 for t in norms.values() if w in t) for w in words}
        row = {
            "word_cov": max(_share(words, norms[a]) for a in answers),
            "bigram_cov": max(_share(bigrams, norms[a]) for a in answers),
            "distractor_cov": max((_share(words, t) for t in others), default=0.0),
            "unique_word": float(
                any(found_in[w] == 1 and any(w in norms[a] for a in answers) for w in words)
            ),
        }
        row["word_full"] = float(row["word_cov"] >= 1.0)
        for label in (query.type, "all"):
            rows.setdefault(label, []).append(row)
    return {
        label: {"n": float(len(r)), **{k: statistics.fmean(x[k] for x in r) for k in r[0]}}
        for label, r in sorted(rows.items(), key=lambda kv: (kv[0] == "all", kv[0]))
    }


def score_margins(lists: Mapping[str, Lists], qrels: Qrels) -> dict[str, dict[str, float]]:
    """Per source: the median gap, in z-scores of its own list, between its first and second
    candidate, when the first is an answering clause (``right``) and when it is not
    (``wrong``), with the number of queries of each."""
    top = top_grade_qrels(qrels)
    out: dict[str, dict[str, float]] = {}
    for source in ("dense", "lexical"):
        gaps: dict[str, list[float]] = {"right": [], "wrong": []}
        for qid, pair in lists.items():
            scored = z_score(getattr(pair, source))
            if qid not in top or not scored:
                continue
            gap = scored[0][1] - scored[1][1] if len(scored) > 1 else 0.0
            gaps["right" if scored[0][0] in top[qid] else "wrong"].append(gap)
        out[source] = {
            **{f"median_gap_{k}": statistics.median(v) if v else 0.0 for k, v in gaps.items()},
            **{f"n_{k}": float(len(v)) for k, v in gaps.items()},
        }
    return out


def score_ranges(lists: Mapping[str, Lists]) -> dict[str, dict[str, float]]:
    """Per source: the median over queries of its first and its last candidate's score, to
    show on what scale each source speaks (e5 cosines crowd into a few hundredths)."""
    out: dict[str, dict[str, float]] = {}
    for source in ("dense", "lexical"):
        firsts = [getattr(p, source)[0][1] for p in lists.values() if getattr(p, source)]
        lasts = [getattr(p, source)[-1][1] for p in lists.values() if getattr(p, source)]
        out[source] = {
            "median_first": statistics.median(firsts) if firsts else 0.0,
            "median_last": statistics.median(lasts) if lasts else 0.0,
        }
    return out


def rank_flips(lists: Mapping[str, Lists], qrels: Qrels, fused: Method) -> dict[str, Any]:
    """The queries where BM25's first candidate answers but ``fused``'s does not: the
    answer's dense rank, the fused winner's ranks in both sources, and how many were exact
    score ties (answer BM25 #1 / dense #2 against winner dense #1 / BM25 #2, equal under
    equal-weight RRF and settled by source order)."""
    top = top_grade_qrels(qrels)
    flips: list[dict[str, Any]] = []
    for qid, pair in sorted(lists.items()):
        if qid not in top or not pair.lexical or pair.lexical[0][0] not in top[qid]:
            continue
        winner = fused.fuse(pair)[0]
        if winner in top[qid]:
            continue
        dense = [c for c, _ in pair.dense]
        lexical = [c for c, _ in pair.lexical]
        answer = lexical[0]
        flips.append(
            {
                "query": qid,
                "answer_dense_rank": _rank(dense, answer),
                "winner_dense_rank": _rank(dense, winner),
                "winner_lexical_rank": _rank(lexical, winner),
            }
        )
    ties = sum(
        1
        for f in flips
        if (f["answer_dense_rank"], f["winner_dense_rank"], f["winner_lexical_rank"]) == (2, 1, 2)
    )
    return {
        "method": fused.name,
        "n": len(flips),
        "exact_ties": ties,
        "median_answer_dense_rank": _median(f["answer_dense_rank"] for f in flips),
        "winner_dense_first": sum(1 for f in flips if f["winner_dense_rank"] == 1),
        "winner_lexical_second": sum(1 for f in flips if f["winner_lexical_rank"] == 2),
        "queries": flips,
    }


def _rank(ids: Sequence[str], cid: str) -> int | None:
    return ids.index(cid) + 1 if cid in ids else None


def _median(values: Iterable[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None
