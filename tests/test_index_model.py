"""The index over the real default corpus with the real encoder (needs the model)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpus.clause import Corpus
from index.store import open_index
from retriever.hit import Filters
from tests.index_fakes import make_doc_clauses

pytestmark = pytest.mark.model


class CountingEncoder:
    """Wraps the real encoder and records every passage it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.passages: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.passages.extend(texts)
        return self.inner.encode_passages(texts, progress=progress)


def test_default_index_records_model_and_finds_domain_terms(default_retriever) -> None:
    backend = default_retriever.backend
    encoder = default_retriever.encoder
    assert backend.manifest["model"] == encoder.name
    assert backend.manifest["dim"] == encoder.dim == 384
    assert backend.manifest["counts"]["clauses"] == len(backend.clauses)

    top = backend.lexical_search("百吨王", 3, Filters())
    assert top and top[0][0].province == "青海省" and "百吨王" in top[0][0].text_norm

    zhejiang = backend.lexical_search("危化品", 10, Filters(provinces=("浙江省",)))
    # National laws apply in every province, so they pass a province filter too.
    assert zhejiang and all(c.province == "浙江省" or c.doc.national for c, _ in zhejiang)
    assert zhejiang[0][0].province == "浙江省"
    assert "危化品" in zhejiang[0][0].text_norm

    vector = encoder.encode_queries(["危险化学品安全专项整治"])[0]
    dense = backend.dense_search(vector, 5, Filters(provinces=("浙江省",), years=(2021,)))
    assert len(dense) == 5
    assert all((c.province, c.year) == ("浙江省", 2021) or c.doc.national for c, _ in dense)
    assert any(c.province == "浙江省" for c, _ in dense)


def test_reopening_and_growing_the_default_index(default_retriever, tmp_path: Path) -> None:
    backend = default_retriever.backend
    folder = tmp_path / "index"
    shutil.copytree(backend.folder, folder)
    corpus = Corpus(tuple(backend.clauses))
    encoder = CountingEncoder(default_retriever.encoder)
    logs: list[str] = []

    reopened = open_index(folder, corpus, encoder, progress=False, log=logs.append)
    assert encoder.passages == [] and logs == []
    query = encoder.encode_queries(["烟花爆竹安全监管"])[0]
    assert reopened.dense_search(query, 5, Filters()) == backend.dense_search(query, 5, Filters())

    extra = make_doc_clauses("extra-2024", ["严厉打击“百吨王”非法运输，开展烟花爆竹安全监管。"])
    grown = open_index(
        folder, Corpus(corpus.clauses + tuple(extra)), encoder, progress=False, log=logs.append
    )
    assert encoder.passages == [extra[0].text_norm]
    assert any("embedded 1 of" in line for line in logs)
    hits = grown.lexical_search("百吨王", 5, Filters(years=(2023,)))
    assert [c.id for c, _ in hits] == [extra[0].id]
