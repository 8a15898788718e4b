"""The retriever: one object that loads corpus, encoder and index once and answers queries.

``Retriever.load()`` is the public entry point used by the page, the CLI, the benchmark,
the evaluation and the quiz; ``Retriever.search()`` turns a question into a
:class:`~retriever.hit.SearchResult` of cited clauses.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from common.log import stderr
from corpus.clause import Clause, Corpus
from encoder.batching import QueryEmbedder
from encoder.protocol import Encoder
from index.protocol import Candidate, Scope, SearchBackend
from retriever.answer import (
    aligned_norm,
    best_sentence,
    coverage,
    matched_terms,
    query_content_words,
)
from retriever.confidence import (
    CONFIDENCE_DEPTH,
    document_frequencies,
    is_low_confidence,
    rarity,
)
from retriever.fusion import DEFAULT_FUSION, FUSIONS, fuse_hybrid
from retriever.hit import Filters, Hit, SearchResult
from retriever.lawquery import LawTable
from retriever.prepare import MAX_QUERY_CHARS, PreparedQuery, prepare_query
from retriever.profile import POLICY, Profile

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "dense", "lexical")

__all__ = ["MAX_QUERY_CHARS", "MODES", "Retriever"]


@dataclass(frozen=True)
class _Ranked:
    """One source's candidates for a query, by clause id (best first)."""

    ids: list[str]
    scores: dict[str, float]
    ranks: dict[str, int]

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> _Ranked:
        ids: list[str] = []
        scores: dict[str, float] = {}
        for clause, score in candidates:
            if clause.id not in scores:
                ids.append(clause.id)
                scores[clause.id] = float(score)
        return cls(ids, scores, {cid: rank for rank, cid in enumerate(ids, start=1)})

    def scored(self) -> list[tuple[str, float]]:
        return [(cid, self.scores[cid]) for cid in self.ids]

    @classmethod
    def merge(cls, parts: Sequence[_Ranked]) -> _Ranked:
        """One side's candidates of several disjoint scopes, ranked together by score (a
        cosine or a BM25 score means the same in every scope of one index)."""
        scores = {cid: score for part in parts for cid, score in part.scores.items()}
        ids = sorted(scores, key=lambda cid: -scores[cid])
        return cls(ids, scores, {cid: rank for rank, cid in enumerate(ids, start=1)})


class Retriever:
    """Hybrid (dense + BM25, fused by z-scored scores or RRF) search over one corpus's clauses.

    Thread-safe for concurrent ``search`` calls: a search reads only state fixed at load
    time, and the encoder (whose tokenizer is not re-entrant) is called under a lock.
    """

    def __init__(
        self,
        backend: SearchBackend,
        encoder: Encoder,
        corpus: Corpus | None = None,
        profile: Profile = POLICY,
    ):
        self.backend = backend
        self.profile = profile
        #: The national laws ``Retriever.load`` was asked for (None: built by hand).
        self.law_selection: str | Sequence[str] | None = None
        self.encoder = encoder
        self.corpus = corpus
        self._clauses: tuple[Clause, ...] = tuple(backend.clauses)
        self._has_laws = any(c.doc.national for c in self._clauses)
        self._by_id: dict[str, Clause] = {c.id: c for c in self._clauses}
        self._position: dict[str, int] = {}
        self._by_doc: dict[str, list[Clause]] = {}
        for clause in self._clauses:
            siblings = self._by_doc.setdefault(clause.doc.doc_id, [])
            self._position[clause.id] = len(siblings)
            siblings.append(clause)
        self._provinces = tuple(dict.fromkeys(c.province for c in self._clauses if c.province))
        # Years of the documents only: a law's version year is no filter choice (national
        # laws pass every year filter).
        self._years = tuple(
            sorted({c.year for c in self._clauses if c.year and not c.doc.national})
        )
        self._norms: tuple[str, ...] = tuple(aligned_norm(c).lower() for c in self._clauses)
        self._laws = LawTable.of(self._clauses)
        self._encode_lock = threading.Lock()
        self._queries = QueryEmbedder(encoder)
        # Document frequencies for the low-confidence rule, by (filters, word): counting one
        # means scanning every allowed clause, so each is counted once per process.
        self._df: dict[tuple[Scope, str], int] = {}
        self._allowed: dict[Scope, int] = {}
        self._words: Callable[[str], list[str]] = backend.segmenter.words
        self._words("预热")  # load the segmenter's dictionary now, not inside a first search

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        *,
        model: str | None = None,
        variant: str | None = None,
        corpus_dir: Path | None = None,
        force: bool = False,
        progress: bool = True,
        log: Callable[[str], None] | None = None,
        backend: str = "local",
        milvus_uri: str | None = None,
        laws: str | Sequence[str] | None = None,
        library: Path | None = None,
    ) -> Retriever:
        """Load the corpus, the encoder and the index (building the index if needed).

        ``index_dir`` defaults to ``index.store.DEFAULT_INDEX_DIR``, ``model`` to the bundled
        multilingual-e5-small, ``variant`` to its default inference path
        (``encoder.sentence.VARIANTS``: torch, onnx, onnx-int8), ``corpus_dir`` to the shipped default corpus. ``force``
        rebuilds the index; an index that is missing, damaged or built from another corpus
        or model is rebuilt anyway (the index store decides and says so through ``log``).
        ``backend`` is ``"local"`` (FAISS + bm25s in ``index_dir``) or ``"milvus"``
        (``milvus_uri``: a ``.db`` path for Milvus Lite, ``http(s)://…`` for a server; see
        :func:`index.backend.open_backend`). ``laws`` selects the national laws indexed
        beside the documents (``"default"``, ``"all"``, ``"none"`` or names; left out: the
        default laws with the shipped corpus, none with ``corpus_dir``). ``library`` is the
        user's document library folder (:mod:`corpus.library`): its documents are indexed
        with the corpus.
        """
        from corpus.loader import law_selection, load_corpus
        from encoder.sentence import load_encoder
        from index.backend import check_backend, open_backend

        check_backend(backend, milvus_uri)
        if library is not None:
            from corpus.library import Library, load_with_library

            corpus = load_with_library(
                corpus_dir, Library(library, default_dir=corpus_dir, laws=laws), laws=laws
            )
        else:
            corpus = load_corpus(corpus_dir, laws=laws)
        law_errors = [e.message for e in corpus.errors if e.path == "laws"]
        if law_errors:  # a misspelt law name is an error the user must see, not a silent gap
            raise ValueError(law_errors[0])
        say = log if log is not None else stderr
        for problem in corpus.errors:  # skipped, refused and duplicate files: never silent
            say(f"corpus: {problem.message}")
        encoder = load_encoder(model, variant=variant, progress=progress)
        options: dict[str, Any] = {"force": force, "progress": progress}
        if log is not None:
            options["log"] = log
        store = open_backend(
            backend, corpus, encoder, index_dir=index_dir, milvus_uri=milvus_uri, **options
        )
        retriever = cls(store, encoder, corpus)
        # What was asked for, so a worker process can load the very same corpus again
        # (eval.tab.RetrieverSource) instead of rebuilding the shared index with another.
        retriever.law_selection = law_selection(corpus_dir, laws)
        return retriever

    def dense_floor(self, scope: Scope) -> float:
        """The low-confidence cosine floor for a search within ``scope``: the documents'
        own floor when no national law can answer (see
        :data:`retriever.confidence.DOCUMENTS_DENSE_FLOOR`), else the profile's."""
        laws_possible = self._has_laws and scope.source != "provincial"
        return self.profile.dense_floor if laws_possible else self.profile.documents_dense_floor

    def with_encoder(self, encoder: Encoder) -> Retriever:
        """A retriever over the same index and corpus that embeds queries with ``encoder``
        (e.g. the benchmark's query-vector cache), leaving this one untouched."""
        clone = copy.copy(self)
        clone.encoder = encoder
        clone._encode_lock = threading.Lock()
        clone._queries = QueryEmbedder(encoder)
        return clone

    # --- the corpus, for filter choices and context --------------------------------------

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """All indexed clauses, in document order."""
        return self._clauses

    def provinces(self) -> tuple[str, ...]:
        """Full province names present in the corpus, in document order."""
        return self._provinces

    def years(self) -> tuple[int, ...]:
        """Years present in the corpus, ascending."""
        return self._years

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id; ``KeyError`` naming the id when there is none."""
        try:
            return self._by_id[clause_id]
        except KeyError:
            raise KeyError(f"no clause with id {clause_id!r}") from None

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]:
        """The clause with up to ``before`` clauses before it and ``after`` after it, from the
        same document, in document order (the clause itself included), for "expand context".
        """
        clause = self.clause(clause_id)
        siblings = self._by_doc[clause.doc.doc_id]
        at = self._position[clause_id]
        return siblings[max(0, at - max(0, before)) : at + max(0, after) + 1]

    # --- search ----------------------------------------------------------------------------

    def prepare(
        self,
        query: object,
        province: str | Sequence[str] | None = None,
        year: int | Sequence[int] | range | str | None = None,
        *,
        detect: bool = True,
        include_superseded: bool = False,
        source: str = "all",
    ) -> PreparedQuery:
        """``query`` prepared for this corpus (:func:`retriever.prepare.prepare_query` with
        its provinces, its laws and its index's segmenter): what :meth:`search` does first.
        ``include_superseded`` lets 历史版本/已废止 texts answer; ``source`` limits to
        ``"provincial"`` documents or to ``"laws"``. The profile's lexicon, if any, adds
        its learned expansions."""
        return prepare_query(
            query,
            self._provinces,
            self._words,
            province,
            year,
            detect=detect,
            laws=self._laws,
            include_superseded=include_superseded,
            source=source,
            lexicon=self.profile.lexicon,
            expansion_limit=self.profile.expansion_limit,
        )

    def law_titles(self) -> tuple[str, ...]:
        """Titles of the corpus's documents laid out in articles (laws, regulations)."""
        return tuple(self._laws.docs)

    def search(
        self,
        query: str | PreparedQuery,
        k: int = 10,
        province: str | Sequence[str] | None = None,
        year: int | Sequence[int] | range | str | None = None,
        *,
        mode: str = "hybrid",
        fusion: str = DEFAULT_FUSION,
        include_superseded: bool = False,
        source: str = "all",
    ) -> SearchResult:
        """The ``k`` clauses that best answer ``query``, best first.

        ``province`` (青海, 青海省, Traditional, or a list) and ``year`` (2020, "2019-2021",
        a list or a range) restrict the search; provinces and years written in the question
        are detected, applied and reported in ``result.filters.detected``, explicit
        arguments winning over detected ones. ``query`` may also be a
        :class:`~retriever.prepare.PreparedQuery` from :meth:`prepare` (then its filters
        are used as they are, and ``province``/``year`` must be left out).
        ``mode`` is ``"hybrid"`` (dense and BM25 fused), ``"dense"`` or ``"lexical"``; in a
        single mode a hit's ``score`` is that source's own score (cosine or BM25).
        ``fusion`` is how hybrid fuses: ``"zscore"`` (default: 0.3·z(cosine) + 0.7·z(BM25),
        chosen by eval/fusion_study.py) or ``"rrf"`` (equal-weight reciprocal rank fusion);
        see :func:`retriever.fusion.fuse_hybrid`.

        Raises ``ValueError`` for an empty or punctuation-only query, an unknown mode,
        fusion or province, a bad year, or ``k < 1``. Queries longer than
        :data:`MAX_QUERY_CHARS` are cut to that length.
        """
        return self.search_timed(
            query,
            k,
            province,
            year,
            mode=mode,
            fusion=fusion,
            include_superseded=include_superseded,
            source=source,
        )[0]

    def search_timed(
        self,
        query: str | PreparedQuery,
        k: int = 10,
        province: str | Sequence[str] | None = None,
        year: int | Sequence[int] | range | str | None = None,
        *,
        mode: str = "hybrid",
        fusion: str = DEFAULT_FUSION,
        include_superseded: bool = False,
        source: str = "all",
    ) -> tuple[SearchResult, dict[str, float]]:
        """:meth:`search`, plus the seconds spent in each stage (parse, embed, dense,
        lexical, fuse, answer) for the latency benchmark."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - clock
            clock = now

        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; expected one of {', '.join(FUSIONS)}")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        if isinstance(query, PreparedQuery):
            if province is not None or year is not None or include_superseded or source != "all":
                raise ValueError("a prepared query carries its filters: pass no province/year")
            prepared = query
        else:
            prepared = self.prepare(
                query, province, year, include_superseded=include_superseded, source=source
            )
        filters, words = prepared.filters, prepared.words
        depth = max(50, 5 * k)
        lap("parse")

        vector = None
        if mode in ("hybrid", "dense"):
            vector = self._embed(prepared.norm)
            lap("embed")
        if mode == "hybrid" and self._documents_first(filters):
            # Each source fused over its own candidates, so the documents keep the order
            # they have without the 1,489 law articles in the pool (z-scores over a pool
            # of mostly articles reordered 青海 items among themselves).
            parts = [
                self._candidates(
                    prepared, vector, mode, depth, replace(filters.scope, source=s), lap
                )
                for s in ("provincial", "laws")
            ]
            dense = _Ranked.merge([d for d, _ in parts])
            lexical = _Ranked.merge([lx for _, lx in parts])
            # Only the items a search of everything would have found (its top ``depth`` on
            # either side) go before the laws, so an unrelated item of that province does
            # not push every national article off the page.
            found = set(dense.ids[:depth]) | set(lexical.ids[:depth])
            fused = [
                pair
                for d, lx in parts
                for pair in fuse_hybrid(
                    d.scored(),
                    lx.scored(),
                    fusion,
                    self.profile.dense_weight_for(lx.scored(), len(d.ids)),
                )
                if pair[0] in found
            ][:k]
        elif mode == "hybrid":
            dense, lexical = self._candidates(prepared, vector, mode, depth, filters.scope, lap)
            weight = self.profile.dense_weight_for(lexical.scored(), len(dense.ids))
            fused = fuse_hybrid(dense.scored(), lexical.scored(), fusion, weight)
            fused = fused[:k]
        else:
            dense, lexical = self._candidates(prepared, vector, mode, depth, filters.scope, lap)
            single = dense if mode == "dense" else lexical
            fused = [(cid, single.scores[cid]) for cid in single.ids[:k]]
        fused = self._pinned_first(fused, prepared.pinned, filters.scope, k)
        lap("fuse")

        weights = self._rarity(query_content_words(words), filters)
        hits = tuple(
            self._hit(self._by_id[cid], rank, score, dense, lexical, words, weights)
            for rank, (cid, score) in enumerate(fused, start=1)
        )
        best_dense = max(dense.scores.values(), default=None) if mode != "lexical" else None
        best_coverage = max((h.coverage for h in hits[:CONFIDENCE_DEPTH]), default=0.0)
        # A question about a province the corpus has no documents for (广东省…) cannot be
        # answered by another province's clause, however close its wording.
        elsewhere = bool(filters.absent) and not filters.provinces
        named = bool(hits) and hits[0].clause.id in prepared.pinned
        floor = self.dense_floor(filters)
        low = not named and (
            not hits
            or elsewhere
            or is_low_confidence(
                best_dense,
                best_coverage,
                dense_floor=floor,
                coverage_floor=self.profile.coverage_floor_for(best_dense),
            )
        )
        lap("answer")
        result = SearchResult(
            query=prepared.text,
            filters=filters,
            hits=hits,
            low_confidence=low,
            query_used=prepared.rest,
            dense_floor=floor,
            best_dense=best_dense,
        )
        return result, timings

    def _documents_first(self, filters: Filters) -> bool:
        """Whether the documents are ranked before the national articles: a question about
        a province or year (青海2020年消防车通道, 那云南呢) wants that province's items first,
        then the laws that also apply there (全国). A score penalty was tried instead
        (0.5–5 z-units): the benchmark's old questions gained less, and 消防车通道有什么要求
        in 云南 still led with 消防法 articles."""
        scoped = bool(filters.provinces or filters.years)
        return scoped and self._has_laws and filters.source == "all"

    def _candidates(
        self,
        prepared: PreparedQuery,
        vector: np.ndarray | None,
        mode: str,
        depth: int,
        scope: Scope,
        lap: Callable[[str], None],
    ) -> tuple[_Ranked, _Ranked]:
        """The dense and the BM25 candidates within ``scope`` (empty for a side ``mode``
        does not use); ``lap`` times each side."""
        dense = lexical = _Ranked([], {}, {})
        if vector is not None:
            dense = _Ranked.of(self.backend.dense_search(vector, depth, scope))
            lap("dense")
        if mode in ("hybrid", "lexical"):
            lexical = _Ranked.of(self.backend.lexical_search(prepared.lexical_text, depth, scope))
            lap("lexical")
        return dense, lexical

    def _pinned_first(
        self, fused: list[tuple[str, float]], pinned: Sequence[str], scope: Scope, k: int
    ) -> list[tuple[str, float]]:
        """The named article's clauses (those the scope allows) first, then the rest: a
        person who asks for 安全生产法第二十一条 wants that article, whatever else matches."""
        wanted = [cid for cid in pinned if scope.allows(self._by_id[cid])]
        if not wanted:
            return fused
        top = max((score for _, score in fused), default=1.0)
        head = [(cid, top) for cid in wanted]
        return (head + [(cid, score) for cid, score in fused if cid not in wanted])[:k]

    def _rarity(self, words: Sequence[str], filters: Filters) -> dict[str, float]:
        """:func:`retriever.confidence.rarity` of ``words`` over the clauses ``filters``
        allow, counting only words not counted before under the same filters."""
        scope = filters.scope
        distinct = list(dict.fromkeys(words))
        new = [w for w in distinct if (scope, w) not in self._df]
        if new or scope not in self._allowed:
            n, counts = document_frequencies(new, self._allowed_norms(scope))
            self._allowed[scope] = n
            self._df.update({(scope, w): f for w, f in counts.items()})
        return rarity({w: self._df[(scope, w)] for w in distinct}, self._allowed[scope])

    def _allowed_norms(self, scope: Scope) -> Iterable[str]:
        """Lower-cased Simplified texts of the clauses ``scope`` allows: the set whose word
        rarity the low-confidence rule weighs (a word absent from it cannot be answered)."""
        return (
            norm
            for clause, norm in zip(self._clauses, self._norms, strict=True)
            if scope.allows(clause)
        )

    def _embed(self, query_norm: str) -> np.ndarray:
        """The query's vector: the encoder is called by one thread at a time, concurrent
        searches batched into its next call, recent questions cached
        (:class:`encoder.batching.QueryEmbedder`)."""
        with self._encode_lock:
            if self._queries.encoder is not self.encoder:  # the encoder was swapped
                self._queries = QueryEmbedder(self.encoder)
            embedder = self._queries
        return embedder.embed(query_norm)

    @staticmethod
    def _hit(
        clause: Clause,
        rank: int,
        score: float,
        dense: _Ranked,
        lexical: _Ranked,
        words: Sequence[str],
        weights: dict[str, float],
    ) -> Hit:
        scores: dict[str, float] = {}
        ranks: dict[str, int] = {}
        for name, source in (("dense", dense), ("lexical", lexical)):
            if clause.id in source.scores:
                scores[name] = source.scores[clause.id]
                ranks[name] = source.ranks[clause.id]
        return Hit(
            clause=clause,
            rank=rank,
            score=float(score),
            scores=scores,
            ranks=ranks,
            matched_terms=matched_terms(clause, words),
            answer=best_sentence(clause, words),
            coverage=coverage(words, clause, weights),
        )
