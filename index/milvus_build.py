"""Opening a Milvus index: load the current generation when sound and current, else build one.

:func:`open_milvus` behaves like :func:`index.store.open_index`, with the same rules and the
same log lines: a missing, damaged or foreign index is rebuilt, a stale one is updated
re-embedding only clauses whose embedded text has no stored vector. A build writes a new
generation collection and moves the alias only once it is complete (see
:mod:`index.milvus_collection`), so readers never see a half-built index.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pymilvus import MilvusClient
from tqdm import tqdm

from common.log import stderr
from corpus.clause import Clause, Corpus
from encoder.protocol import Encoder
from index import milvus_collection as mc
from index.folder import build_lock
from index.manifest import IndexProblem, clauses_fingerprint, library_versions, records_fingerprint
from index.milvus import DEFAULT_COLLECTION, MilvusIndex, check_uri, connect, is_lite
from index.segment import Segmenter
from index.store import BATCH_SIZE, PASSAGE_TEXT

Log = Callable[[str], None]


def open_milvus(
    uri: str,
    corpus: Corpus,
    encoder: Encoder,
    *,
    collection: str = DEFAULT_COLLECTION,
    force: bool = False,
    progress: bool = True,
    log: Log = stderr,
) -> MilvusIndex:
    """The Milvus index of ``corpus`` at ``uri``/``collection``, loaded if sound and
    current, else built as a new generation (same rules and messages as ``open_index``):

    * never built, or ``force`` → full build;
    * damaged generation (no manifest, rows missing or unparseable, clauses that do not
      match the manifest's fingerprint) or another model/format → one log line, full build;
    * corpus or clause metadata changed → new generation re-embedding only clauses whose
      embedded text (by sha256) has no stored vector; logs how many were embedded.

    The alias moves to the new generation only once it is complete; the previous generation
    is kept (replicas still serving it keep working until they reload), older ones dropped.
    """
    uri = check_uri(uri)
    name = mc.check_name(collection)
    clauses = corpus.clauses
    if not clauses:
        raise ValueError("the corpus has no clauses; there is nothing to index")
    where = f"{uri} (collection {name})"
    with _lock(uri, log):
        client = connect(uri)
        current = mc.current_generation(client, name)
        reuse: MilvusIndex | None = None
        if current is None:
            log(f"building the index at {where} (first use)")
        elif force:
            log(f"rebuilding the index at {where} (forced)")
        else:
            try:
                stored = load_generation(client, uri, name, current, encoder)
            except IndexProblem as problem:
                state = "is corrupted" if problem.corrupted else "cannot be used"
                log(f"index at {where} {state}: {problem.reason}; rebuilding")
            else:
                reason = _staleness(stored, clauses)
                if reason is None:
                    return stored
                log(f"index at {where} is out of date: {reason}; updating")
                reuse = stored
        return _build(client, uri, name, clauses, encoder, reuse, progress=progress, log=log)


def load_generation(
    client: MilvusClient, uri: str, name: str, generation: str, encoder: Encoder
) -> MilvusIndex:
    """Load and verify one generation; :class:`IndexProblem` says what is wrong with it."""
    manifest = mc.read_manifest(client, name, generation)
    if manifest.get("format_version") != mc.MILVUS_FORMAT_VERSION:
        raise IndexProblem(
            f"it has format version {manifest.get('format_version')!r}, "
            f"not {mc.MILVUS_FORMAT_VERSION}",
            corrupted=False,
        )
    if manifest.get("model") != encoder.name or manifest.get("dim") != encoder.dim:
        raise IndexProblem(
            f"it was built with model {manifest.get('model')!r} ({manifest.get('dim')} dims), "
            f"not the current {encoder.name!r} ({encoder.dim} dims)",
            corrupted=False,
        )
    if manifest.get("analyzer") != mc.analyzer_config():
        raise IndexProblem(
            f"its text was analysed as {manifest.get('analyzer')!r}, "
            f"not as {mc.analyzer_config()!r}",
            corrupted=False,
        )
    if not client.has_collection(generation):
        raise IndexProblem(f"collection {generation} is missing")
    client.load_collection(generation)
    expected = int(manifest.get("counts", {}).get("clauses", -1))
    rows = mc.read_rows(client, generation, expected)
    clauses = mc.rows_to_clauses(rows, expected)
    if records_fingerprint(clauses) != manifest.get("records_fingerprint"):
        raise IndexProblem("its clauses do not match the fingerprint in its manifest")
    hashes = {str(r["id"]): str(r["text_hash"]) for r in rows}
    return MilvusIndex(client, uri, name, generation, clauses, manifest, hashes)


def _staleness(stored: MilvusIndex, clauses: Sequence[Clause]) -> str | None:
    """Why a sound stored generation does not serve ``clauses`` (None: it does)."""
    if stored.manifest.get("corpus_fingerprint") != clauses_fingerprint(clauses):
        old = {(c.id, c.text) for c in stored.clauses}
        new = {(c.id, c.text) for c in clauses}
        return (
            f"the corpus changed ({len(new - old)} clauses new or changed, {len(old - new)} gone)"
        )
    if stored.manifest.get("records_fingerprint") != records_fingerprint(clauses):
        return "clause metadata changed"
    return None


def _build(
    client: MilvusClient,
    uri: str,
    name: str,
    clauses: Sequence[Clause],
    encoder: Encoder,
    reuse: MilvusIndex | None,
    *,
    progress: bool,
    log: Log,
) -> MilvusIndex:
    started = time.perf_counter()
    vectors, embedded, embed_seconds = _embed(client, clauses, encoder, reuse, progress)
    log(f"embedded {embedded} of {len(clauses)} clauses ({len(clauses) - embedded} reused)")
    rest_started = time.perf_counter()
    generation = mc.new_generation(name)
    try:
        mc.create_generation(client, generation, encoder.dim, lite=is_lite(uri))
        mc.insert_rows(client, generation, clauses, vectors, PASSAGE_TEXT)
        client.load_collection(generation)
        manifest = _manifest(
            uri, generation, clauses, encoder, embedded,
            {"embedding": embed_seconds, "rest": time.perf_counter() - rest_started,
             "total": time.perf_counter() - started},
        )  # fmt: skip
        mc.ensure_meta(client, name)
        mc.write_manifest(client, name, generation, manifest)
        previous = mc.current_generation(client, name)
        mc.point_alias(client, name, generation)
    except BaseException:
        with contextlib.suppress(Exception):
            mc.drop_generation(client, name, generation)
        raise
    for old in mc.generations(client, name):
        if old not in (generation, previous):
            with contextlib.suppress(Exception):
                mc.drop_generation(client, name, old)
    hashes = {c.id: mc.passage_hash(getattr(c, PASSAGE_TEXT)) for c in clauses}
    return MilvusIndex(client, uri, name, generation, clauses, manifest, hashes, embedded=embedded)


def _embed(
    client: MilvusClient,
    clauses: Sequence[Clause],
    encoder: Encoder,
    reuse: MilvusIndex | None,
    progress: bool,
) -> tuple[np.ndarray, int, float]:
    """Vectors for ``clauses`` in order, reusing stored ones whose id and embedded-text
    hash are unchanged; returns the vectors, how many were embedded, and the seconds."""
    vectors = np.zeros((len(clauses), encoder.dim), dtype=np.float32)
    stored: dict[str, np.ndarray] = {}
    if reuse is not None:
        same = [
            c.id
            for c in clauses
            if reuse.text_hashes.get(c.id) == mc.passage_hash(getattr(c, PASSAGE_TEXT))
        ]
        stored = mc.fetch_vectors(client, reuse.generation, same, encoder.dim)
    todo = [row for row, c in enumerate(clauses) if c.id not in stored]
    for row, clause in enumerate(clauses):
        if clause.id in stored:
            vectors[row] = stored[clause.id]
    # Length-sorted batches: a batch is padded to its longest text, so mixing a 400-character
    # article with 30-character ones wastes most of the work (laws are 20–400 characters).
    todo.sort(key=lambda r: len(getattr(clauses[r], PASSAGE_TEXT)))
    started = time.perf_counter()
    with tqdm(
        total=len(todo), desc="embedding clauses", unit="clause", disable=not progress
    ) as bar:
        for start in range(0, len(todo), BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            texts = [getattr(clauses[r], PASSAGE_TEXT) for r in batch]
            out = np.asarray(encoder.encode_passages(texts))
            if out.shape != (len(batch), encoder.dim):
                raise ValueError(
                    f"encoder {encoder.name!r} returned shape {out.shape}, "
                    f"expected {(len(batch), encoder.dim)}"
                )
            vectors[batch] = out
            bar.update(len(batch))
    return vectors, len(todo), time.perf_counter() - started


def _manifest(
    uri: str,
    generation: str,
    clauses: Sequence[Clause],
    encoder: Encoder,
    embedded: int,
    timings: dict[str, float],
) -> dict[str, Any]:
    """What the meta collection records about a generation (the local manifest's fields,
    minus file checksums; the segmenter is rebuilt from the stored texts, so only its
    summary is kept)."""
    segmenter = Segmenter.from_texts(c.text_norm for c in clauses).to_config()
    libraries = {**library_versions(), **library_versions(("pymilvus", "milvus-lite"))}
    return {
        "format_version": mc.MILVUS_FORMAT_VERSION,
        "backend": "milvus-lite" if is_lite(uri) else "milvus",
        "generation": generation,
        "model": encoder.name,
        "dim": encoder.dim,
        "passage_text": PASSAGE_TEXT,
        "analyzer": mc.analyzer_config(),
        "tokenizer": {k: v for k, v in segmenter.items() if k != "user_terms"},
        "corpus_fingerprint": clauses_fingerprint(clauses),
        "records_fingerprint": records_fingerprint(clauses),
        "dense_kind": "flat" if is_lite(uri) else "autoindex",
        "counts": {
            "clauses": len(clauses),
            "documents": len({c.doc.doc_id for c in clauses}),
            "embedded": embedded,
        },
        "libraries": libraries,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": {key: round(value, 3) for key, value in timings.items()},
    }


@contextlib.contextmanager
def _lock(uri: str, log: Log) -> Iterator[None]:
    """The local build lock next to a Milvus Lite file. A server has no shared lock:
    concurrent builders each write a complete generation and the last alias switch wins,
    so readers never see a mix (run re-indexing as one job to avoid wasted work)."""
    if is_lite(uri):
        with build_lock(Path(uri), log):
            yield
    else:
        yield
