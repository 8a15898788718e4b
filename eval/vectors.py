"""Query vectors computed once, in batches, for the quality pass of the benchmark.

Every configuration but ``lexical`` embeds each query; one at a time on a busy 2-core
machine that is most of a benchmark's run time, and it is the same vector every time. The
quality pass therefore reads vectors from :class:`QueryVectorCache`, filled in batches up
front; latency is measured separately with the real encoder (see ``eval.runner``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from encoder.protocol import Encoder

BATCH = 32


class QueryVectorCache:
    """An :class:`~index.protocol.Encoder` that remembers query vectors by exact text.

    A text not prefilled is embedded on demand, so results never depend on the prefill
    guessing the exact text a searcher embeds; passages go straight to the wrapped encoder.
    """

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._vectors: dict[str, np.ndarray] = {}

    def prefill(self, texts: Iterable[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            for text, vector in zip(chunk, self.inner.encode_queries(chunk), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.prefill(texts)
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, self.dim))

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.inner.encode_passages(texts, progress=progress)
