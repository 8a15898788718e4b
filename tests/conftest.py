"""Fixtures shared by every area's tests.

``default_retriever`` is the real thing — default corpus, default model, index built once per
test session in a temporary folder (never in the repository) — for tests marked
``@pytest.mark.model``. Treat it as read-only: tests that damage or rebuild an index copy
its folder (``default_retriever.backend.folder``) into their own ``tmp_path`` first.

Both use the shipped documents with only :data:`TEST_LAWS` of the national laws: the full
default law list (~1,500 articles) would take minutes to embed on every test run, and two
laws are enough for what the model tests check about laws beside documents.
"""

from __future__ import annotations

import pytest

from corpus.clause import Corpus
from retriever import Retriever

#: The national laws the session index holds beside the five documents.
TEST_LAWS: tuple[str, ...] = ("安全生产法", "消防法")


@pytest.fixture(scope="session")
def default_corpus() -> Corpus:
    """The shipped documents (corpus/documents) and :data:`TEST_LAWS`, loaded once."""
    from corpus.loader import load_corpus

    return load_corpus(laws=TEST_LAWS)


@pytest.fixture(scope="session")
def default_retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """A Retriever over the default corpus and model, its index in a session temp folder."""
    index_dir = tmp_path_factory.mktemp("default-index") / "index"
    return Retriever.load(index_dir, progress=False, log=lambda message: None, laws=TEST_LAWS)
