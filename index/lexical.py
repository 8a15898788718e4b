"""The lexical index: bm25s over :class:`index.segment.Segmenter` tokens.

Rows are clause positions (0 … n-1, in corpus order), the same numbering the dense index
uses, so a filter computed once as a row array serves both.

bm25s is given pre-tokenised lists: its own tokenizer splits on a Latin word regex and would
leave a Chinese sentence as one token. Filtering scores every row once (bm25s
``get_scores_from_ids``) and takes the top ``k`` among the allowed rows, so a filtered
search still returns up to ``k`` matches instead of whatever survived an unfiltered top-k.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from index.segment import Segmenter

#: The segmenter's config, saved next to bm25s's own files so the folder is self-contained.
SEGMENTER_FILE = "segmenter.json"


def top_k(scores: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``k`` best ``(row, score)`` among ``rows`` (all rows when None) with score > 0.

    Ties are broken by row so results are deterministic across runs and platforms.
    """
    candidates = np.arange(len(scores)) if rows is None else np.asarray(rows, dtype=np.int64)
    if k <= 0 or candidates.size == 0:
        return []
    values = scores[candidates]
    positive = values > 0
    candidates, values = candidates[positive], values[positive]
    if candidates.size > k:
        keep = np.argpartition(-values, k - 1)[:k]
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))
    return [(int(candidates[i]), float(values[i])) for i in order]


class LexicalIndex:
    """BM25 (bm25s, Lucene variant, k1=1.5, b=0.75) over segmented Simplified clause text."""

    def __init__(self, bm25: bm25s.BM25, segmenter: Segmenter) -> None:
        self.bm25 = bm25
        self.segmenter = segmenter

    @classmethod
    def build(cls, texts_norm: Sequence[str], segmenter: Segmenter) -> LexicalIndex:
        """Index ``texts_norm`` (Simplified; row i = texts_norm[i])."""
        if not texts_norm:
            raise ValueError("cannot build a lexical index over no texts")
        bm25 = bm25s.BM25()
        bm25.index([segmenter.tokens(text) for text in texts_norm], show_progress=False)
        return cls(bm25, segmenter)

    def __len__(self) -> int:
        return int(self.bm25.scores["num_docs"])

    def scores(self, query_norm: str) -> np.ndarray:
        """BM25 score of every row for ``query_norm`` (zeros when no query token is known)."""
        # Each distinct token counts once: a two-character word is also its own bigram, and
        # counting it twice let generic words such as 要求 outweigh a topic bigram (消防).
        tokens = list(dict.fromkeys(self.segmenter.tokens(query_norm)))
        ids = self.bm25.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(len(self), dtype=np.float32)
        return self.bm25.get_scores_from_ids(ids)

    def search(
        self, query_norm: str, k: int, rows: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Up to ``k`` ``(row, bm25)`` pairs, best first, only rows in ``rows`` (None: all)
        and only rows that share at least one token with the query (score > 0)."""
        return top_k(self.scores(query_norm), k, rows)

    def save(self, folder: Path) -> None:
        """Write bm25s's plain files (npy arrays, vocab and params JSON) and the segmenter."""
        folder.mkdir(parents=True, exist_ok=True)
        self.bm25.save(str(folder), show_progress=False)
        (folder / SEGMENTER_FILE).write_text(
            json.dumps(self.segmenter.to_config(), ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read a folder written by :meth:`save` (no pickle: ``allow_pickle=False``)."""
        config = json.loads((folder / SEGMENTER_FILE).read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(folder), show_progress=False, allow_pickle=False)
        return cls(bm25, Segmenter.from_config(config))
