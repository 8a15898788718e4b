"""Synthetic corpora for the scale benchmark, made from the real documents.

Every clause is a few sentences of the shipped documents (Simplified), recombined at
random, in a synthetic document with a province (one of the 31 of the mainland) and a year
(2015–2024), so filters select realistic fractions (one province ≈ 1/31, province + year
≈ 1/310). Vectors are random unit vectors: the cost of an index depends on the count and
the dimension, not on what the vectors mean.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import faiss
import numpy as np

from corpus.clause import Clause, DocMeta
from corpus.loader import load_corpus
from index.segment import Segmenter

DIM = 384

# fmt: off
PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)
# fmt: on
YEARS: tuple[int, ...] = tuple(range(2015, 2025))
_SENTENCE = re.compile(r"[^。；！？!?;\n]+[。；！？!?;\n]*")


def real_sentences() -> tuple[list[str], float]:
    """Distinct sentences (Simplified, with their closing punctuation) of the body clauses of
    the shipped corpus, and the mean clause length in characters."""
    clauses = [c for c in load_corpus().clauses if c.kind in ("item", "leaf", "paragraph", "point")]
    found: dict[str, None] = {}
    for clause in clauses:
        for sentence in _SENTENCE.findall(clause.text_norm):
            if len(sentence.strip()) >= 6:
                found.setdefault(sentence.strip(), None)
    return list(found), float(np.mean([len(c.text_norm) for c in clauses]))


@dataclass(frozen=True)
class SyntheticCorpus:
    """``n`` clauses as sentence numbers (CSR: ``offsets``/``sentences``) with metadata rows.

    Clauses are grouped into documents of 20–60 clauses; each document has one province
    and one year, as real ones do.
    """

    offsets: np.ndarray  # (n + 1,) int64
    sentences: np.ndarray  # sentence numbers, clause i = sentences[offsets[i]:offsets[i+1]]
    doc: np.ndarray  # (n,) document number
    doc_province: np.ndarray  # (documents,) index into PROVINCES
    doc_year: np.ndarray  # (documents,) year

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def sentence_ids(self, row: int) -> np.ndarray:
        return self.sentences[self.offsets[row] : self.offsets[row + 1]]

    def provinces(self) -> np.ndarray:
        return np.array(PROVINCES, dtype=object)[self.doc_province[self.doc]]

    def years(self) -> np.ndarray:
        return self.doc_year[self.doc].astype(np.int64)


def synthesise(
    n: int, sentence_count: int, sentences_per_clause: float, seed: int
) -> SyntheticCorpus:
    """A corpus of ``n`` clauses of on average ``sentences_per_clause`` random sentences."""
    rng = np.random.default_rng(seed)
    lengths = np.maximum(1, rng.poisson(sentences_per_clause, n)).astype(np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    sentences = rng.integers(0, sentence_count, int(offsets[-1]), dtype=np.int32)
    sizes = rng.integers(20, 61, n // 20 + 1)
    doc = np.repeat(np.arange(len(sizes)), sizes)[:n]
    documents = int(doc[-1]) + 1
    return SyntheticCorpus(
        offsets=offsets,
        sentences=sentences,
        doc=doc,
        doc_province=rng.integers(0, len(PROVINCES), documents),
        doc_year=rng.choice(np.array(YEARS), documents),
    )


def clause_records(corpus: SyntheticCorpus, sentences: Sequence[str]) -> Iterator[Clause]:
    """The synthetic clauses as :class:`Clause` records (made one at a time: a million of
    them held at once would cost more memory than the indexes)."""
    metas: dict[int, DocMeta] = {}
    for row in range(len(corpus)):
        d = int(corpus.doc[row])
        meta = metas.get(d)
        if meta is None:
            province = PROVINCES[int(corpus.doc_province[d])]
            year = int(corpus.doc_year[d])
            meta = metas[d] = DocMeta(
                doc_id=f"synthetic-{d}",
                title=f"{province}{year}年安全生产工作要点",
                province=province,
                year=year,
                doc_type="工作要点",
            )
        text = "".join(sentences[s] for s in corpus.sentence_ids(row))
        yield Clause(
            id=f"synthetic-{d}:{row}",
            doc=meta,
            kind="item",
            item=f"第{row + 1}项",
            path=(),
            text=text,
            text_norm=text,
            start=0,
            end=len(text),
        )


class ClauseTokenIds(Sequence[list[int]]):
    """bm25s's ``corpus_token_ids``, made on demand from per-sentence token ids.

    bm25s only iterates over it (three passes) and asks its length, so a million token
    lists never have to sit in memory at once.
    """

    def __init__(self, corpus: SyntheticCorpus, sentence_tokens: Sequence[list[int]]):
        self.corpus = corpus
        self.sentence_tokens = sentence_tokens

    def __len__(self) -> int:
        return len(self.corpus)

    def __getitem__(self, row: int) -> list[int]:  # type: ignore[override]
        out: list[int] = []
        for s in self.corpus.sentence_ids(row):
            out += self.sentence_tokens[s]
        return out

    def __iter__(self) -> Iterator[list[int]]:
        return (self[row] for row in range(len(self)))


def sentence_token_ids(
    sentences: Sequence[str], segmenter: Segmenter
) -> tuple[list[list[int]], dict[str, int], float]:
    """Token ids of every sentence, the vocabulary, and the seconds jieba took."""
    vocab: dict[str, int] = {}
    started = time.perf_counter()
    ids = [[vocab.setdefault(t, len(vocab)) for t in segmenter.tokens(s)] for s in sentences]
    return ids, vocab, time.perf_counter() - started


def random_unit_vectors(n: int, seed: int, chunk: int = 100_000) -> np.ndarray:
    """(n, DIM) float32 unit vectors, made in chunks to keep the peak at one copy."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, chunk):
        block = rng.standard_normal((min(chunk, n - start), DIM), dtype=np.float32)
        faiss.normalize_L2(block)
        out[start : start + len(block)] = block
    return out
