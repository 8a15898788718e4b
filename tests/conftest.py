"""Fixtures shared by every area's tests.

``default_retriever`` is the real thing — default corpus, default model, index built once per
test session in a temporary folder (never in the repository) — for tests marked
``@pytest.mark.model``. Treat it as read-only: tests that damage or rebuild an index copy
its folder (``default_retriever.backend.folder``) into their own ``tmp_path`` first.
"""

from __future__ import annotations

import pytest

from corpus.clause import Corpus
from retriever import Retriever


@pytest.fixture(scope="session")
def default_corpus() -> Corpus:
    """The shipped default corpus (corpus/documents), loaded once per session."""
    from corpus.loader import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def default_retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """A Retriever over the default corpus and model, its index in a session temp folder."""
    index_dir = tmp_path_factory.mktemp("default-index") / "index"
    return Retriever.load(index_dir, progress=False, log=lambda message: None)
