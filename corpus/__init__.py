"""The corpus: documents in, :class:`Clause` records out.

``load_corpus()`` reads the default corpus (or any folder) into a :class:`Corpus`. The loader
is imported on first use, so ``import corpus.clause`` stays cheap for stages that only need
the records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpus.clause import Clause, Corpus, DocMeta, LoadError

if TYPE_CHECKING:
    from corpus.loader import DEFAULT_CORPUS_DIR, load_corpus

__all__ = ["DEFAULT_CORPUS_DIR", "Clause", "Corpus", "DocMeta", "LoadError", "load_corpus"]


def __getattr__(name: str) -> Any:
    if name in ("load_corpus", "DEFAULT_CORPUS_DIR"):
        from corpus import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")
