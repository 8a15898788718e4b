"""A persistent cache of passage vectors, so a large library is embedded once per machine.

Embedding the 25k articles of every law takes tens of minutes on two shared cores; every
experiment, rebuild and benchmark run after the first one should cost nothing. Vectors are
keyed by ``sha1(model name, passage text)``, so a changed text or another model is simply a
miss. Shards are append-only ``.npy`` files with their keys beside them, written atomically,
so an interrupted warm-up keeps every finished shard and resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from common.atomic import write_bytes, write_text
from encoder.protocol import Encoder

#: How many new vectors are written as one shard during :meth:`CachedEncoder.warm`.
SHARD_SIZE = 512


def passage_key(model: str, text: str) -> str:
    """The cache key of ``text`` embedded as a passage by ``model``."""
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


class CachedEncoder:
    """An :class:`~encoder.protocol.Encoder` that serves passage vectors from ``folder``.

    Queries always go to the wrapped encoder. ``name`` and ``dim`` are the wrapped one's, so
    an index built through the cache is indistinguishable from one built without it.
    """

    def __init__(self, inner: Encoder, folder: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.folder = Path(folder)
        self._vectors: dict[str, np.ndarray] = {}
        self._load()

    def __len__(self) -> int:
        return len(self._vectors)

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for keys_file in sorted(self.folder.glob("shard-*.keys")):
            vectors_file = keys_file.with_suffix(".npy")
            if not vectors_file.is_file():
                continue
            keys = keys_file.read_text(encoding="utf-8").split()
            vectors = np.load(vectors_file)
            if vectors.shape != (len(keys), self.dim):
                continue  # a shard of another model or a damaged one: ignored, re-embedded
            self._vectors.update(zip(keys, vectors, strict=True))

    def _store(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(list(self.folder.glob("shard-*.keys")))
        stem = self.folder / f"shard-{number:05d}-{keys[0][:8]}"
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float32))
        write_bytes(stem.with_suffix(".npy"), buffer.getvalue())
        write_text(stem.with_suffix(".keys"), "\n".join(keys) + "\n")
        self._vectors.update(zip(keys, vectors, strict=True))

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts of ``texts`` without a cached vector."""
        seen: dict[str, str] = {}
        for text in texts:
            key = passage_key(self.name, text)
            if key not in self._vectors:
                seen.setdefault(key, text)
        return list(seen.values())

    def warm(
        self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Embed every missing text, shortest first (little padding), one shard at a time;
        returns how many were embedded."""
        todo = sorted(self.missing(texts), key=len)
        for start in range(0, len(todo), SHARD_SIZE):
            chunk = todo[start : start + SHARD_SIZE]
            vectors = np.asarray(self.inner.encode_passages(chunk), dtype=np.float32)
            self._store([passage_key(self.name, t) for t in chunk], vectors)
            if progress is not None:
                progress(start + len(chunk), len(todo))
        return len(todo)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Cached vectors, embedding (and caching) the missing ones."""
        missing = self.missing(texts)
        if missing:
            vectors = np.asarray(self.inner.encode_passages(missing), dtype=np.float32)
            self._store([passage_key(self.name, t) for t in missing], vectors)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vectors[passage_key(self.name, text)]
        return out
