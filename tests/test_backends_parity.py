"""The retriever's behavioural tests, run again on both real backends (local and Milvus Lite).

The retriever's own tests (``test_retriever_search.py``, ``test_retriever_default.py``) are
collected here a second time with their ``retriever`` / ``default_retriever`` fixtures
replaced by parametrised ones, so every behaviour a user sees — filters, modes, errors,
citations, low confidence — is checked on the local index and on Milvus. Tests about the
local folder itself (copying, truncating files) stay where they are. Each backend is built
once per session, in a temporary folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from corpus.clause import Corpus
from index.backend import open_backend
from retriever import Retriever
from tests import test_retriever_default as default_tests
from tests import test_retriever_search as search_tests
from tests.conftest import TEST_LAWS
from tests.index_fakes import one_document_corpus

BACKENDS = ("local", "milvus")
REPO = Path(__file__).resolve().parents[1]

#: Tests of the local folder format, not of search behaviour.
LOCAL_ONLY = {
    "test_second_load_reuses_the_index_without_embedding",
    "test_truncated_vectors_file_triggers_a_rebuild_with_a_message",
}


def _quiet(message: str) -> None:
    pass


def _collect(module: object, mark: Callable | None = None) -> None:
    """Bring ``module``'s test functions into this module (pytest collects them here too,
    with this module's fixtures)."""
    for name, value in vars(module).items():
        if name.startswith("test_") and callable(value) and name not in LOCAL_ONLY:
            globals()[name] = mark(value) if mark is not None else value


def _backend(kind: str, corpus: Corpus, encoder, folder: Path):
    return open_backend(
        kind,
        corpus,
        encoder,
        index_dir=folder / "index",
        milvus_uri=str(folder / "milvus.db"),
        progress=False,
        log=_quiet,
    )


# --- the small hand-made corpus of test_retriever_search, no model -----------------------


def _small(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    encoder = search_tests.CharEncoder()
    corpus = Corpus(tuple(search_tests.make_clauses()))
    folder = tmp_path_factory.mktemp(f"small-{kind}")
    return Retriever(_backend(kind, corpus, encoder, folder), encoder, corpus)


@pytest.fixture(scope="session")
def small_local(tmp_path_factory) -> Retriever:
    return _small("local", tmp_path_factory)


@pytest.fixture(scope="session")
def small_milvus(tmp_path_factory) -> Retriever:
    return _small("milvus", tmp_path_factory)


@pytest.fixture(params=BACKENDS)
def retriever(request) -> Retriever:
    """Replaces test_retriever_search's in-memory stand-in for the tests collected below."""
    return request.getfixturevalue(f"small_{request.param}")


_collect(search_tests)


@pytest.mark.parametrize("query", ["消防车通道", "百吨王", "烟花爆竹零售店", "电动自行车"])
def test_small_corpus_dense_mode_is_identical_on_both_backends(
    small_local, small_milvus, query
) -> None:
    local = small_local.search(query, k=5, mode="dense", province="青海")
    milvus = small_milvus.search(query, k=5, mode="dense", province="青海")
    assert type(small_local.backend).__name__ == "LocalIndex"
    assert type(small_milvus.backend).__name__ == "MilvusIndex"
    shown = [(h.citation, h.clause.text, h.answer, h.matched_terms) for h in local.hits]
    assert [(h.citation, h.clause.text, h.answer, h.matched_terms) for h in milvus.hits] == shown
    assert [h.score for h in milvus.hits] == pytest.approx([h.score for h in local.hits], abs=1e-5)
    assert {h.clause.province for h in milvus.hits} == {"青海省"}


# --- the default corpus and model (test_retriever_default) -------------------------------


@pytest.fixture(scope="session")
def default_retriever_local(tmp_path_factory) -> Retriever:
    """The default corpus and model on the local backend (like conftest's fixture)."""
    index_dir = tmp_path_factory.mktemp("parity-local") / "index"
    return Retriever.load(index_dir, progress=False, log=_quiet, laws=TEST_LAWS)


@pytest.fixture(scope="session")
def milvus_default_retriever(default_retriever_local: Retriever, tmp_path_factory) -> Retriever:
    """The same corpus and encoder on Milvus Lite (the model is loaded once, not twice)."""
    corpus, encoder = default_retriever_local.corpus, default_retriever_local.encoder
    assert corpus is not None
    folder = tmp_path_factory.mktemp("parity-milvus")
    stored = StoredPassages(encoder, default_retriever_local.backend)
    return Retriever(_backend("milvus", corpus, stored, folder), encoder, corpus)


class StoredPassages:
    """The real encoder, except that passages the local index already embedded are taken
    from it: the same vectors, without embedding the corpus a second time on a slow CPU."""

    def __init__(self, encoder, local_index) -> None:
        self.encoder, self.name, self.dim = encoder, encoder.name, encoder.dim
        self.known = {
            c.text_norm: local_index.dense.vectors[row] for row, c in enumerate(local_index.clauses)
        }

    def encode_queries(self, texts):
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts, *, progress=False):
        if all(t in self.known for t in texts):
            return np.stack([self.known[t] for t in texts])
        return self.encoder.encode_passages(texts, progress=progress)


@pytest.fixture(params=BACKENDS)
def default_retriever(request) -> Retriever:
    """Replaces conftest's local-only fixture for the tests collected below."""
    name = "default_retriever_local" if request.param == "local" else "milvus_default_retriever"
    return request.getfixturevalue(name)


_collect(default_tests, pytest.mark.model)

QUESTIONS = ["烟花爆竹零售店有什么安全要求", "百吨王", "青海 2020 消防车通道", "危化品", "地震"]


@pytest.mark.model
@pytest.mark.parametrize("question", QUESTIONS)
def test_dense_results_and_citations_are_identical_on_both_backends(
    default_retriever_local, milvus_default_retriever, question
) -> None:
    local = default_retriever_local.search(question, k=5, mode="dense")
    milvus = milvus_default_retriever.search(question, k=5, mode="dense")
    assert [h.citation for h in milvus.hits] == [h.citation for h in local.hits]
    assert [h.clause for h in milvus.hits] == [h.clause for h in local.hits]
    assert [h.score for h in milvus.hits] == pytest.approx([h.score for h in local.hits], abs=1e-4)
    assert [h.answer for h in milvus.hits] == [h.answer for h in local.hits]


@pytest.mark.model
@pytest.mark.parametrize("question", QUESTIONS)
def test_hybrid_results_have_the_same_shape_on_both_backends(
    default_retriever_local, milvus_default_retriever, question
) -> None:
    local = default_retriever_local.search(question, k=5).to_json()
    milvus = milvus_default_retriever.search(question, k=5).to_json()
    assert milvus["filters"] == local["filters"]
    assert len(milvus["hits"]) == len(local["hits"]) == 5
    for hit in milvus["hits"]:
        assert set(hit) == set(local["hits"][0])
        assert set(hit["scores"]) <= {"dense", "lexical"}
    assert milvus["hits"][0]["clause_id"] == local["hits"][0]["clause_id"]


# --- choosing the backend on the command line --------------------------------------------


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retriever", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_cli_refuses_a_bad_milvus_uri_before_loading_anything(tmp_path: Path) -> None:
    run = _cli("build", "--backend", "milvus", "--milvus-uri", tmp_path / "no-suffix")
    assert run.returncode == 1
    assert "bad Milvus URI" in run.stderr and "no-suffix" in run.stderr
    assert not (tmp_path / "no-suffix").exists()


@pytest.mark.model
def test_cli_builds_and_searches_on_milvus(tmp_path: Path) -> None:
    corpus = one_document_corpus(tmp_path / "corpus")
    db = tmp_path / "milvus.db"
    options = ("--corpus", corpus, "--backend", "milvus", "--milvus-uri", db)
    built = _cli("build", *options)
    assert built.returncode == 0, built.stderr
    assert "first use" in built.stderr and "index ready" in built.stderr
    run = _cli("search", "四川授旗仪式", "--k", "2", "--json", *options)
    assert run.returncode == 0, run.stderr
    (line,) = run.stdout.splitlines()
    result = json.loads(line)
    assert result["filters"]["detected"] == ["四川省"]
    assert len(result["hits"]) == 2
    assert all(h["citation"].startswith("【四川省·2018年·") for h in result["hits"])
    assert "first use" not in run.stderr and "embedded" not in run.stderr
