"""Query embedding for many concurrent searches: one encoder call at a time, batched, cached.

Why: the encoder's tokenizer is not re-entrant, so concurrent searches must not call it at
once; but queuing them one by one makes the encoder the bottleneck of the whole server (on
two busy cores one short query costs ~70 ms, most of a search). :class:`QueryEmbedder`
keeps the encoder serialised and lets the searches that arrive while it is busy ride along
in the next call as one batch (a batch of 8 costs ~0.6× the per-query time of single
calls), and remembers the vectors of recent questions (the same example question asked by
many people is embedded once). Everything else of a search runs in parallel.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from encoder.protocol import Encoder

#: Most queries embedded in one call (longer queues wait for the next call).
MAX_BATCH = 32
#: Query vectors remembered, most recently used kept.
CACHE_SIZE = 2048


class _Slot:
    __slots__ = ("done", "error", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None
        self.done = False


class QueryEmbedder:
    """``embed(text)`` for any number of threads over one (non-re-entrant) encoder.

    Each caller queues its text, then takes the encoder lock; whoever holds it embeds every
    queued text (up to :data:`MAX_BATCH`) in one ``encode_queries`` call and hands each
    waiting caller its vector. An encoder error reaches every caller of that batch.
    """

    def __init__(
        self, encoder: Encoder, *, max_batch: int = MAX_BATCH, cache_size: int = CACHE_SIZE
    ) -> None:
        self.encoder = encoder
        self.max_batch = max_batch
        self.cache_size = cache_size
        self._encode_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._pending: list[_Slot] = []
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.calls = 0  # encoder calls made, for the benchmarks
        self.embedded = 0  # texts embedded in them

    def embed(self, text: str) -> np.ndarray:
        """The query vector of ``text`` (float32, read-only: it may be shared)."""
        with self._queue_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
            slot = _Slot(text)
            self._pending.append(slot)
        while True:
            with self._encode_lock:
                if not slot.done:
                    self._run_batch()
            if slot.done:
                break
        if slot.error is not None:
            raise slot.error
        assert slot.vector is not None
        return slot.vector

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of several texts (through the same queue and cache)."""
        return np.stack([self.embed(t) for t in texts]) if texts else np.zeros((0, 0))

    def _run_batch(self) -> None:
        """Embed the queued texts (caller holds the encoder lock)."""
        with self._queue_lock:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
        if not batch:
            return
        texts = list(dict.fromkeys(s.text for s in batch))
        try:
            vectors = np.asarray(self.encoder.encode_queries(texts), dtype=np.float32)
        except BaseException as error:  # every waiting caller gets the encoder's error
            for s in batch:
                s.error, s.done = error, True
            return
        by_text = {}
        for text, vector in zip(texts, vectors, strict=True):
            vector.setflags(write=False)
            by_text[text] = vector
        with self._queue_lock:
            self.calls += 1
            self.embedded += len(texts)
            for text, vector in by_text.items():
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        for s in batch:
            s.vector, s.done = by_text[s.text], True
