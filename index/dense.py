"""The dense index: FAISS inner product over L2-normalised float32 vectors (= cosine).

Below :data:`HNSW_THRESHOLD` vectors an exact ``IndexFlatIP`` is both fast enough and
exact; above it an ``IndexHNSWFlat`` (M=32) keeps query time flat as the corpus grows.
Row i of the index is clause i of the corpus (FAISS ids are row numbers, as in txtai).

The vectors are also kept as a plain ``vectors.npy``: they let a rebuild reuse the
embeddings of unchanged clauses, and they make filtered search exact — HNSW with a
restrictive ``IDSelector`` can miss allowed rows (the graph walk rarely reaches them), so
when it returns fewer than it should, or when few rows are allowed, the allowed rows are
scored by brute force instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import faiss
import numpy as np

Kind = Literal["auto", "flat", "hnsw"]

HNSW_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
DEFAULT_EF_SEARCH = 128
MIN_EF_SEARCH = 64
#: A filter allowing at most this many rows is searched by brute force (exact, and cheaper
#: than a filtered graph walk at that size).
EXACT_FILTER_ROWS = 4096

INDEX_FILE = "faiss.index"
VECTORS_FILE = "vectors.npy"


def normalise(vectors: np.ndarray) -> np.ndarray:
    """A float32, C-contiguous, L2-normalised copy of ``vectors`` (2-D; 1-D becomes one row)."""
    out = np.array(vectors, dtype=np.float32, order="C", ndmin=2, copy=True)
    faiss.normalize_L2(out)
    return out


def resolve_kind(
    kind: Kind, count: int, threshold: int = HNSW_THRESHOLD
) -> Literal["flat", "hnsw"]:
    """``auto`` is ``flat`` below ``threshold`` vectors and ``hnsw`` from it on."""
    if kind == "auto":
        return "hnsw" if count >= threshold else "flat"
    if kind not in ("flat", "hnsw"):
        raise ValueError(f"dense index kind must be 'auto', 'flat' or 'hnsw', not {kind!r}")
    return kind


class DenseIndex:
    """A FAISS index plus the vectors it holds, searchable with an optional row filter."""

    def __init__(
        self,
        index: faiss.Index,
        vectors: np.ndarray,
        kind: Literal["flat", "hnsw"],
        ef_search: int = DEFAULT_EF_SEARCH,
    ) -> None:
        if index.ntotal != len(vectors) or index.d != vectors.shape[1]:
            raise ValueError(
                f"FAISS index holds {index.ntotal}×{index.d} but vectors are "
                f"{vectors.shape[0]}×{vectors.shape[1]}"
            )
        if ef_search < MIN_EF_SEARCH:
            raise ValueError(f"ef_search must be at least {MIN_EF_SEARCH}, not {ef_search}")
        self.index = index
        self.vectors = vectors
        self.kind = kind
        self.ef_search = ef_search
        if kind == "hnsw":
            faiss.downcast_index(index).hnsw.efSearch = ef_search

    @classmethod
    def empty(
        cls,
        dim: int,
        kind: Literal["flat", "hnsw"],
        ef_search: int = DEFAULT_EF_SEARCH,
    ) -> DenseIndex:
        """An index of ``kind`` holding no vectors yet."""
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(dim)
        return cls(index, np.zeros((0, dim), dtype=np.float32), kind, ef_search)

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        kind: Kind = "auto",
        *,
        threshold: int = HNSW_THRESHOLD,
        ef_search: int = DEFAULT_EF_SEARCH,
    ) -> DenseIndex:
        """An index over ``vectors`` (normalised here), its kind chosen by :func:`resolve_kind`."""
        vectors = normalise(vectors)
        dense = cls.empty(vectors.shape[1], resolve_kind(kind, len(vectors), threshold), ef_search)
        dense.add(vectors)
        return dense

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        """Append ``vectors`` (normalised here) as the next rows."""
        vectors = normalise(vectors)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors have {vectors.shape[1]} dimensions, index has {self.dim}")
        self.index.add(vectors)
        self.vectors = np.concatenate([self.vectors, vectors]) if len(self.vectors) else vectors

    def search(
        self, query_vectors: np.ndarray, k: int, rows: np.ndarray | None = None
    ) -> list[list[tuple[int, float]]]:
        """For each query, up to ``k`` ``(row, cosine)`` pairs, best first.

        ``rows`` restricts results to those rows (None: all); every returned row is an
        allowed one, and as many as ``min(k, len(rows))`` are returned.
        """
        queries = normalise(query_vectors)
        if queries.shape[1] != self.dim:
            raise ValueError(
                f"query vectors have {queries.shape[1]} dimensions, index has {self.dim}"
            )
        if k <= 0 or len(self) == 0:
            return [[] for _ in queries]
        if rows is None:
            return self._faiss_search(queries, min(k, len(self)), None)
        allowed = np.unique(np.asarray(rows, dtype=np.int64))
        allowed = allowed[(allowed >= 0) & (allowed < len(self))]
        want = min(k, allowed.size)
        if want == 0:
            return [[] for _ in queries]
        if allowed.size <= EXACT_FILTER_ROWS or self.kind == "flat":
            return self._exact_search(queries, want, allowed)
        results = self._faiss_search(queries, want, allowed)
        return [
            found if len(found) >= want else self._exact_search(query[None], want, allowed)[0]
            for query, found in zip(queries, results, strict=True)
        ]

    def _faiss_search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None
    ) -> list[list[tuple[int, float]]]:
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed)
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.ef_search, k))
        elif self.kind == "hnsw" and k > self.ef_search:
            params = faiss.SearchParametersHNSW(efSearch=k)
        scores, labels = self.index.search(queries, k, params=params)
        return [
            [(int(i), float(s)) for i, s in zip(row_labels, row_scores, strict=True) if i >= 0]
            for row_labels, row_scores in zip(labels, scores, strict=True)
        ]

    def _exact_search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray
    ) -> list[list[tuple[int, float]]]:
        scores = queries @ self.vectors[allowed].T
        results = []
        for row_scores in scores:
            top = (
                np.argpartition(-row_scores, k - 1)[:k]
                if allowed.size > k
                else np.arange(allowed.size)
            )
            top = top[np.lexsort((allowed[top], -row_scores[top]))]
            results.append([(int(allowed[i]), float(row_scores[i])) for i in top])
        return results

    def save(self, folder: Path) -> None:
        """Write ``faiss.index`` (faiss.write_index) and ``vectors.npy`` (float32, no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / INDEX_FILE))
        np.save(folder / VECTORS_FILE, self.vectors, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, ef_search: int = DEFAULT_EF_SEARCH) -> DenseIndex:
        """Read a folder written by :meth:`save`; raises if the two files disagree."""
        index = faiss.read_index(str(folder / INDEX_FILE))
        vectors = np.load(folder / VECTORS_FILE, allow_pickle=False)
        if vectors.dtype != np.float32 or vectors.ndim != 2:
            raise ValueError(
                f"{VECTORS_FILE} holds {vectors.dtype} {vectors.shape}, not float32 rows"
            )
        kind: Literal["flat", "hnsw"] = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"
        return cls(index, vectors, kind, ef_search)
