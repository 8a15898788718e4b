"""The Milvus backend: the retriever's :class:`~index.protocol.SearchBackend` on Milvus.

Dense vectors (IP on L2-normalised vectors = cosine) and BM25 both run on the Milvus server;
BM25 is Milvus's own full-text search over the Simplified text, segmented server-side by its
jieba analyzer. Province and year are scalar fields used in filter expressions, so a filtered
search still returns up to ``k`` matching clauses.

``uri`` decides where: a path ending in ``.db`` is Milvus Lite (embedded, one process, used
by the tests), ``http(s)://…`` a Milvus server or cluster. Open an index with
:func:`index.milvus_build.open_milvus` (or :func:`index.backend.open_backend`); the
collection layout is in :mod:`index.milvus_collection`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pymilvus import MilvusClient, MilvusException

from corpus.clause import Clause
from index import milvus_collection as mc
from index.protocol import Candidate, Scope
from index.segment import Segmenter

DEFAULT_COLLECTION = "policy_clauses"
#: pymilvus pings every 10 s by default; Milvus Lite's in-process gRPC server keeps gRPC's
#: 5-minute minimum and answers an idle client with GOAWAY "too_many_pings", logged on
#: stderr. A loopback connection needs no keepalive.
LITE_GRPC_OPTIONS = {"grpc.keepalive_time_ms": 600_000, "grpc.keepalive_permit_without_calls": 0}
#: Environment variable holding a token (``user:password`` or an API key) for a secured server.
TOKEN_ENV = "MILVUS_TOKEN"


def is_lite(uri: str) -> bool:
    return uri.endswith(".db")


def check_uri(uri: str) -> str:
    """``uri`` if it names Milvus Lite (a ``.db`` path, made absolute) or a server
    (``http://``/``https://``); ``ValueError`` showing the value otherwise."""
    text = str(uri).strip()
    if text.startswith(("http://", "https://")):
        return text
    if is_lite(text):
        return str(Path(text).expanduser().resolve())
    raise ValueError(
        f"bad Milvus URI {uri!r}: give a Milvus Lite file ending in .db "
        "or a server address starting with http:// or https://"
    )


def connect(uri: str) -> MilvusClient:
    """A client for ``uri`` (starts the embedded Milvus Lite server for a ``.db`` path);
    ``ConnectionError`` (an ``OSError``, which the command lines report) when unreachable."""
    uri = check_uri(uri)
    try:
        if is_lite(uri):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            return MilvusClient(uri, grpc_options=LITE_GRPC_OPTIONS)
        return MilvusClient(uri, token=os.environ.get(TOKEN_ENV, ""))
    except MilvusException as error:
        raise ConnectionError(f"cannot connect to Milvus at {uri}: {error}") from error


class MilvusIndex:
    """One loaded generation of a Milvus index, searchable by vector, text, or both.

    Searches go to the generation collection itself, not to the alias: the clauses held
    here and the rows searched are then always the same build, even while another process
    re-indexes and moves the alias (this object keeps serving its build until reloaded).
    ``text_hashes`` maps clause ids to the sha256 of the text their stored vector was made
    from (what the next build reuses vectors by); ``embedded`` is how many clauses the
    :func:`open_milvus` call that produced this object embedded.
    """

    def __init__(
        self,
        client: MilvusClient,
        uri: str,
        name: str,
        generation: str,
        clauses: Sequence[Clause],
        manifest: dict[str, Any],
        text_hashes: dict[str, str],
        embedded: int = 0,
    ) -> None:
        self.client = client
        self.uri = uri
        self.name = name
        self.generation = generation
        self._clauses = tuple(clauses)
        self._by_id = {c.id: c for c in self._clauses}
        self.manifest = manifest
        self.text_hashes = text_hashes
        self.embedded = embedded

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return self._clauses

    @cached_property
    def _out_of_force(self) -> list[str]:
        return [c.id for c in self._clauses if not c.doc.in_force]  # IN_FORCE: the default

    @cached_property
    def segmenter(self) -> Segmenter:
        """The local backend's segmenter over the same texts, for query words and
        highlighting, so matched terms and answer sentences are the same on both backends
        (BM25 itself runs on the server with Milvus's jieba analyzer)."""
        return Segmenter.from_texts(c.text_norm for c in self._clauses)

    def dense_search(self, query_vector: np.ndarray, k: int, filters: Scope) -> list[Candidate]:
        """Up to ``k`` clauses allowed by ``filters``, by cosine similarity, best first."""
        vector = np.asarray(query_vector, dtype=np.float32).reshape(-1).tolist()
        return self._candidates(self._search(vector, "dense", "IP", k, filters), negate=False)

    def lexical_search(self, query_norm: str, k: int, filters: Scope) -> list[Candidate]:
        """Up to ``k`` clauses allowed by ``filters`` sharing a term with ``query_norm``
        (Simplified; segmented by the server's analyzer), by BM25, best first."""
        if not query_norm.strip():
            return []
        found = self._search(query_norm, "sparse", "BM25", k, filters)
        return [(c, s) for c, s in self._candidates(found, negate=True) if s > 0]

    def _search(self, query: Any, field: str, metric: str, k: int, filters: Scope) -> Any:
        """The server's top ``k`` ids for one query on ``field``, within ``filters``."""
        expression = mc.filter_expression(filters)
        if not filters.include_superseded and self._out_of_force:
            # Validity is not a collection field: texts not in force are few (a retired
            # library document), so they are excluded by id, before the top k.
            ids = json.dumps(self._out_of_force, ensure_ascii=False)
            expression = " and ".join(p for p in (expression, f"id not in {ids}") if p)
        return self.client.search(
            self.generation,
            data=[query],
            anns_field=field,
            limit=k,
            filter=expression,
            search_params={"metric_type": metric},
            output_fields=["id"],
        )[0]

    def _candidates(self, hits: Sequence[Any], *, negate: bool) -> list[Candidate]:
        """``(clause, score)`` pairs of a Milvus result. Milvus Lite reports BM25 as a
        negative distance and a server as a positive score; ``negate`` takes the magnitude."""
        out = []
        for hit in hits:
            clause = self._by_id.get(str(hit["id"]))
            if clause is not None:
                score = float(hit["distance"])
                out.append((clause, abs(score) if negate else score))
        return out

    def close(self) -> None:
        self.client.close()

    def __repr__(self) -> str:
        return f"MilvusIndex({self.uri!r}, {self.generation!r}, {len(self._clauses)} clauses)"
