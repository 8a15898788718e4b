"""The benchmark suites: the policy documents (default) and the national laws (STARD).

A suite names its questions, how they are judged, the half reported by default, the
configurations it runs and the corpus its retriever searches. The law suite searches the
project's own law clauses (:func:`corpus.laws.load_laws`) beside the default documents,
in its own index folder, embedded through a passage-vector cache so the 25k articles are
embedded once per machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.log import stderr
from eval.benchmark import DATA_DIR, DEFAULT_QRELS, DEFAULT_QUERIES
from index.store import LocalIndex as LocalIndexBase
from retriever.profile import LAWS

if TYPE_CHECKING:
    from retriever import Retriever

#: Index folders and the passage-vector cache of the law suite (gitignored).
INDEX_DATA = Path(__file__).resolve().parent.parent / "index" / "data"
PASSAGE_CACHE = INDEX_DATA / "passage-vectors"
STARD_QUERIES = DATA_DIR / "stard" / "queries.jsonl"
#: Questions no law or policy clause answers, written for this project: the calibration set
#: (split dev) sets the low-confidence floors, the held-out set (split test) is reported.
CALIBRATION_DIR = DATA_DIR / "calibration"
NO_ANSWER_CALIBRATION = CALIBRATION_DIR / "no-answer-calibration.jsonl"
NO_ANSWER_HELDOUT = CALIBRATION_DIR / "no-answer-heldout.jsonl"


@dataclass(frozen=True)
class Suite:
    """One benchmark: its questions, qrels (None: judged by answers/needles), default half."""

    name: str
    queries: Path
    qrels: Path | None
    split: str | None
    laws: str
    extra: tuple[Path, ...] = ()


SUITES: dict[str, Suite] = {
    "policy": Suite("policy", DEFAULT_QUERIES, DEFAULT_QRELS, None, "none"),
    "laws": Suite(
        "laws", STARD_QUERIES, None, "test", "all", (NO_ANSWER_CALIBRATION, NO_ANSWER_HELDOUT)
    ),
}


def law_index_dir(laws: str) -> Path:
    """``index/data/laws-all`` and the like: one folder per law selection."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in laws)[:60]
    return INDEX_DATA / f"laws-{safe}"


class _NoVectors:
    """The dense side of a lexical-only index: it has rows but cannot be searched."""

    kind = "none"

    def __init__(self, rows: int) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return self.rows


class LexicalOnlyIndex(LocalIndexBase):
    """The law library's BM25 side alone, for runs whose configurations need no vectors
    (lexical, peer, naive excepted) on a machine that has not embedded the library yet."""

    def dense_search(self, query_vector: Any, k: int, filters: Any) -> list[Any]:
        raise ValueError("this run has no vectors for the law library (lexical-only index)")


def lexical_only(corpus: Any, log: Callable[[str], None], root: Path = INDEX_DATA) -> Any:
    """BM25 over the corpus's passages, cached in ``root/laws-lexical/<fingerprint>``."""
    from index.lexical import LexicalIndex
    from index.manifest import clauses_fingerprint
    from index.passage import passage_text
    from index.segment import Segmenter

    clauses = corpus.clauses
    folder = root / "laws-lexical" / clauses_fingerprint(clauses)[:16]
    try:
        lexical = LexicalIndex.load(folder)
    except (OSError, ValueError, KeyError):
        log(f"building BM25 over {len(clauses)} clauses (no vectors needed for this run)")
        passages = [passage_text(c) for c in clauses]
        lexical = LexicalIndex.build(passages, Segmenter.from_texts(passages))
        lexical.save(folder)
    return LexicalOnlyIndex(folder, clauses, _NoVectors(len(clauses)), lexical, {})


def load_with_laws(
    laws: str,
    *,
    model: str | None = None,
    variant: str | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    vectors: bool = True,
) -> Retriever:
    """A retriever over the default documents plus the laws ``laws`` selects ("all",
    "default", names), in :func:`law_index_dir`, embedding through :data:`PASSAGE_CACHE`.
    ``vectors=False`` builds only the BM25 side (runs of lexical configurations)."""
    from corpus.loader import load_corpus
    from encoder.passage_cache import CachedEncoder
    from encoder.sentence import load_encoder
    from index.store import open_index
    from retriever import Retriever

    corpus = load_corpus(laws=laws)
    law_errors = [e.message for e in corpus.errors if e.path == "laws"]
    if law_errors:
        raise ValueError(law_errors[0])
    encoder = load_encoder(model, variant=variant, progress=progress)
    if not vectors:
        return Retriever(lexical_only(corpus, log or stderr), encoder, corpus, profile=LAWS)
    cached = CachedEncoder(encoder, PASSAGE_CACHE)
    options = {"log": log} if log is not None else {}
    index = open_index(law_index_dir(laws), corpus, cached, progress=progress, **options)
    return Retriever(index, encoder, corpus, profile=LAWS)
