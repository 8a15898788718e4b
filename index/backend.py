"""Choosing the storage backend: the local folder (FAISS + bm25s) or Milvus, by configuration.

Both implement :class:`index.protocol.SearchBackend` and are opened the same way — loaded
when current, (re)built when missing, damaged or out of date — so the retriever, the page,
the CLI and the benchmark never need to know which one they use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from common.log import stderr
from corpus.clause import Corpus
from encoder.protocol import Encoder
from index.protocol import SearchBackend

BACKENDS: tuple[str, ...] = ("local", "milvus")

#: Where ``--backend milvus`` keeps its Milvus Lite data when no URI is given: next to the
#: default local index, inside the git-ignored ``index/data/``.
DEFAULT_MILVUS_URI = str(Path(__file__).resolve().parent / "data" / "milvus.db")


def check_backend(kind: str, milvus_uri: str | None = None) -> None:
    """Raise ``ValueError`` for an unknown ``kind`` or a bad ``milvus_uri``, so a command
    refuses its options before spending seconds on loading the model."""
    if kind not in BACKENDS:
        raise ValueError(f"unknown backend {kind!r}; expected one of {', '.join(BACKENDS)}")
    if kind == "milvus" and milvus_uri is not None:
        from index.milvus import check_uri

        check_uri(milvus_uri)


def open_backend(
    kind: str,
    corpus: Corpus,
    encoder: Encoder,
    *,
    index_dir: Path | None = None,
    milvus_uri: str | None = None,
    collection: str | None = None,
    force: bool = False,
    progress: bool = True,
    log: Callable[[str], None] = stderr,
) -> SearchBackend:
    """The index of ``corpus`` in the backend ``kind``, loaded or built.

    ``"local"``: the folder ``index_dir`` (default ``index.store.DEFAULT_INDEX_DIR``).
    ``"milvus"``: ``milvus_uri`` — a path ending in ``.db`` runs Milvus Lite in this
    process, ``http(s)://host:19530`` talks to a Milvus server or cluster (default: a Lite
    file in ``index/data/``); ``collection`` names the index there (default
    ``policy_clauses``). Raises ``ValueError`` for an unknown kind or a bad URI, before
    anything is loaded.
    """
    check_backend(kind, milvus_uri)
    if kind == "local":
        from index.store import DEFAULT_INDEX_DIR, open_index

        return open_index(
            Path(index_dir or DEFAULT_INDEX_DIR),
            corpus,
            encoder,
            force=force,
            progress=progress,
            log=log,
        )
    if kind == "milvus":
        from index.milvus import DEFAULT_COLLECTION, check_uri
        from index.milvus_build import open_milvus

        return open_milvus(
            check_uri(milvus_uri or DEFAULT_MILVUS_URI),
            corpus,
            encoder,
            collection=collection or DEFAULT_COLLECTION,
            force=force,
            progress=progress,
            log=log,
        )
    raise ValueError(f"unknown backend {kind!r}; expected one of {', '.join(BACKENDS)}")
