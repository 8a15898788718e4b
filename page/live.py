"""The retriever the page serves, replaceable while it serves.

When the library changes, a new index is built in the background and a new
:class:`~retriever.search.Retriever` made over it; until then every search keeps answering
from the previous one. :class:`LiveRetriever` is what the page holds instead of a
``Retriever``: it forwards every attribute to the current retriever, and :meth:`swap`
replaces that retriever in one assignment, so a search sees the old one or the new one,
never a mixture (each call resolves ``current`` once).

The re-index embeds clauses on a job thread while searches embed questions on request
threads, with the same model, whose tokenizer is not re-entrant: :class:`SerialEncoder`
serialises both through one lock (a search waits at most one batch of 32 clauses).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from corpus.clause import DocMeta
from encoder.protocol import Encoder


class SerialEncoder:
    """An encoder whose calls never overlap (one lock for queries and passages)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        with self._lock:
            return self.inner.encode_passages(texts, progress=False)


class CountingEncoder:
    """Reports each embedded batch as progress: ``report(done, expected)``."""

    def __init__(self, inner: Encoder, expected: int, report: Callable[[int, int], None]):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.expected = max(0, expected)
        self.done = 0
        self._report = report

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = self.inner.encode_passages(texts, progress=False)
        self.done += len(texts)
        self._report(self.done, max(self.expected, self.done))
        return out


class LiveRetriever:
    """The page's retriever: forwards to ``current``; :meth:`swap` replaces it atomically.

    ``indexed`` maps each library document id to the :attr:`corpus.library.Entry.key` it was
    indexed with (what the table compares to tell 可检索 from 索引中); ``revision`` is the
    library revision the current index was built from.
    """

    def __init__(self, retriever: Any, *, indexed: dict[str, str] | None = None,
                 revision: str = "") -> None:  # fmt: skip
        self.__dict__["_state"] = (retriever, dict(indexed or {}), revision)

    @property
    def current(self) -> Any:
        return self.__dict__["_state"][0]

    @property
    def indexed(self) -> dict[str, str]:
        return self.__dict__["_state"][1]

    @property
    def revision(self) -> str:
        return self.__dict__["_state"][2]

    def swap(self, retriever: Any, *, indexed: dict[str, str], revision: str) -> None:
        """Serve ``retriever`` from now on (one assignment: readers see old or new)."""
        self.__dict__["_state"] = (retriever, dict(indexed), revision)

    def documents(self) -> dict[str, tuple[DocMeta, list[Any]]]:
        """Each indexed document's metadata and clauses, by doc_id, in corpus order."""
        out: dict[str, tuple[DocMeta, list[Any]]] = {}
        for clause in self.current.clauses:
            out.setdefault(clause.doc.doc_id, (clause.doc, []))[1].append(clause)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_state"][0], name)
