"""The naive baseline: what a generic RAG tutorial does with these files.

Raw file text (no cleaning, no de-duplication, no mojibake repair, no script conversion),
cut into fixed 500-character windows with 50 characters of overlap by LangChain's
``CharacterTextSplitter(separator="")``, embedded with the same encoder as the retriever and
searched by inner product in a FAISS ``IndexFlatIP``. Everything the real pipeline adds is
missing on purpose, so the benchmark shows what that work is worth.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np
from langchain_text_splitters import CharacterTextSplitter

from encoder.protocol import Encoder
from eval.judge import Passage

WINDOW_CHARS = 500
OVERLAP_CHARS = 50


def read_raw_documents(folder: Path) -> list[tuple[str, str]]:
    """``(doc_id, raw text)`` of every ``.txt`` file in ``folder``, as a tutorial reads them.

    The doc id comes from the folder's ``manifest.json`` when it lists the file (so windows
    can be judged by document), else from the file name.
    """
    ids: dict[str, str] = {}
    manifest = folder / "manifest.json"
    if manifest.is_file():
        for entry in json.loads(manifest.read_text(encoding="utf-8")).get("documents", []):
            if entry.get("file") and entry.get("doc_id"):
                ids[entry["file"]] = entry["doc_id"]
    return [
        (ids.get(path.name, path.stem), path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(folder.glob("*.txt"))
    ]


def law_documents(laws: str) -> list[tuple[str, str]]:
    """``(law name, raw text)`` per law of the selection: its articles as the database holds
    them, one after another, the way a tutorial would dump a law to a file."""
    from corpus.laws import load_laws

    articles: dict[str, dict[str, list[str]]] = {}
    for clause in load_laws(laws):
        law = articles.setdefault(clause.doc.title, {})
        law.setdefault(clause.id.split("~", 1)[0], []).append(clause.text)
    return [
        (name, "\n".join("\n".join(parts) for parts in law.values()))
        for name, law in articles.items()
    ]


def split_windows(
    documents: Sequence[tuple[str, str]], size: int = WINDOW_CHARS, overlap: int = OVERLAP_CHARS
) -> list[Passage]:
    """Fixed-size character windows of each document, ids ``<doc_id>#w<n>``."""
    splitter = CharacterTextSplitter(separator="", chunk_size=size, chunk_overlap=overlap)
    return [
        Passage(id=f"{doc_id}#w{n}", doc_id=doc_id, text=window)
        for doc_id, text in documents
        for n, window in enumerate(splitter.split_text(text))
    ]


class NaiveIndex:
    """Windows and their vectors in a flat inner-product FAISS index."""

    def __init__(self, windows: Sequence[Passage], encoder: Encoder, *, progress: bool = False):
        if not windows:
            raise ValueError("the naive baseline found no .txt document to index")
        self.windows = list(windows)
        self.encoder = encoder
        vectors = encoder.encode_passages([w.text for w in self.windows], progress=progress)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def with_encoder(self, encoder: Encoder) -> NaiveIndex:
        """A copy sharing these windows and vectors that embeds queries with ``encoder``."""
        clone = copy.copy(self)
        clone.encoder = encoder
        return clone

    @classmethod
    def build(cls, folder: Path, encoder: Encoder, *, progress: bool = False) -> NaiveIndex:
        return cls(split_windows(read_raw_documents(folder)), encoder, progress=progress)

    def search(self, query: str, k: int = 10) -> list[Passage]:
        """The ``k`` windows nearest the query (the query as typed: no script conversion)."""
        vector = np.ascontiguousarray(self.encoder.encode_queries([query]), dtype=np.float32)
        _, rows = self.index.search(vector, min(k, len(self.windows)))
        return [self.windows[i] for i in rows[0] if i >= 0]
