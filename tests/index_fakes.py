"""Hand-made clauses and a fake encoder for the index tests (no model, no corpus loader).

The fake encoder embeds a text as its hashed bag of characters (and character bigrams),
L2-normalised: deterministic, instant, and similar texts get similar vectors, which is all
the storage and filtering tests need. It counts what it was asked to embed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corpus.clause import Clause, Corpus, DocMeta
from corpus.loader import DEFAULT_CORPUS_DIR
from corpus.script import to_simplified
from index.segment import Segmenter


class FakeEncoder:
    """An :class:`index.protocol.Encoder` that needs no model."""

    def __init__(self, name: str = "fake-chars", dim: int = 64, fail_after: int | None = None):
        self.name = name
        self.dim = dim
        self.fail_after = fail_after  # raise once this many passages have been embedded
        self.passages: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest())
            vector[bucket % self.dim] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if self.fail_after is not None and len(self.passages) + len(texts) > self.fail_after:
            raise RuntimeError("encoder crashed mid-build (simulated)")
        self.passages.extend(texts)
        return self.encode_queries(texts)


DOCS = {
    "qinghai-2020": ("青海省安全生产委员会2020年工作要点", "青海省", 2020),
    "yunnan-2019": ("云南省安全生產委員會2019年度安全生產工作要點", "云南省", 2019),
    "zhejiang-2021": ("2021年浙江省應急管理工作要點", "浙江省", 2021),
}

TEXTS = {
    "qinghai-2020": [
        "深入开展“百吨王”等超限超载专项整治，严厉打击非法改装行为。",
        "6月底前完成全省150座以上危险隧道的排查整治。",
        "持续推进“两客一危”车辆动态监控，确保重点车辆上线率达到100%。",
        "落实“三个必须”要求，健全安全生产责任体系。",
        "开展尾矿库“头顶库”综合治理，消除重大隐患。",
    ],
    "yunnan-2019": [
        "加強道路運輸安全管理，嚴厲打擊客車超員、貨車超載行為。",
        "推進危險化學品安全綜合治理，年底前關閉退出不達標企業。",
        "開展消防安全專項整治，重點整治高層建築和人員密集場所。",
        "強化煤礦安全監管，事故起數下降20%。",
    ],
    "zhejiang-2021": [
        "深化危化品安全專項整治，推進化工園區認定。",
        "健全自然災害防治體系，提升防汛防台能力。",
        "推進應急管理數字化改革，建設“掌上應急”平台。",
    ],
}


class FixedScoresBackend:
    """A backend whose two sides give each clause a fixed score, whatever the question:
    ``dense[i]`` and ``lexical[i]`` are ``clauses[i]``'s cosine and BM25 score. Each side
    returns the clauses the scope allows, best first, so a test can set up exactly the
    numbers a fusion rule is judged on."""

    def __init__(
        self, clauses: Sequence[Clause], dense: Sequence[float], lexical: Sequence[float]
    ) -> None:
        self._clauses = tuple(clauses)
        self._dense = tuple(dense)
        self._lexical = tuple(lexical)
        self.manifest: dict = {}
        self.segmenter = Segmenter()

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return self._clauses

    def _ranked(self, scores: Sequence[float], k: int, filters) -> list[tuple[Clause, float]]:
        found = [(c, s) for c, s in zip(self._clauses, scores, strict=True) if filters.allows(c)]
        return sorted(found, key=lambda pair: -pair[1])[:k]

    def dense_search(self, vector, k, filters):
        return self._ranked(self._dense, k, filters)

    def lexical_search(self, query_norm, k, filters):
        return self._ranked(self._lexical, k, filters)


def make_doc_clauses(doc_id: str, texts: Sequence[str] | None = None) -> list[Clause]:
    title, province, year = DOCS.get(doc_id, (f"{doc_id}文件", "河南省", 2023))
    doc = DocMeta(doc_id=doc_id, title=title, province=province, year=year)
    clauses = []
    for number, text in enumerate(texts if texts is not None else TEXTS[doc_id], start=1):
        clauses.append(
            Clause(
                id=f"{doc_id}/{number}",
                doc=doc,
                kind="item",
                item=f"第{number}项",
                path=(f"第{number}项",),
                text=text,
                text_norm=to_simplified(text),
                start=0,
                end=len(text),
            )
        )
    return clauses


def item_clause(doc: DocMeta, path: str, text: str) -> Clause:
    """One numbered item of ``doc`` with id ``{doc_id}:{path}``, labelled by its path."""
    return Clause(
        id=f"{doc.doc_id}:{path}",
        doc=doc,
        kind="item",
        item=path,
        path=(),
        text=text,
        text_norm=to_simplified(text),
        start=0,
        end=len(text),
    )


def make_corpus(*doc_ids: str) -> Corpus:
    clauses: list[Clause] = []
    for doc_id in doc_ids or tuple(TEXTS):
        clauses.extend(make_doc_clauses(doc_id))
    return Corpus(tuple(clauses))


def one_document_corpus(folder: Path, doc_id: str = "sichuan-2018") -> Path:
    """``folder`` made a corpus folder holding one shipped document (the short 四川 简报 by
    default) and its manifest entry: a real corpus the CLI builds in seconds."""
    manifest = json.loads((DEFAULT_CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["doc_id"] == doc_id]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    shutil.copy(DEFAULT_CORPUS_DIR / manifest["documents"][0]["file"], folder)
    return folder
