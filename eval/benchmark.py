"""The benchmark set on disk: BEIR-layout queries and qrels, read and written.

``queries.jsonl`` holds one query a line: ``_id``, ``text``, optionally ``answers`` (short
substrings of the answering clause, original script) and ``related`` (substrings of clauses
that are related, grade 1), and ``metadata`` with ``type``, ``script``, ``doc`` (the target
document) and ``docs`` (every document holding an answer), and for the law suite ``split`` (``dev``/``test``) and
``targets`` (each relevant article with its ``needles``: sentences only that article holds).
Only ``_id`` and ``text`` are
required, so any BEIR queries file can be read. ``qrels/test.tsv`` is BEIR's
``query-id  corpus-id  score`` with a header line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from common.atomic import write_text
from corpus.script import to_simplified
from eval.configs import Config

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_QUERIES = DATA_DIR / "queries.jsonl"
DEFAULT_QRELS = DATA_DIR / "qrels" / "test.tsv"
#: Where reports go, one ``YYYYmmdd-HHMMSS`` folder each (gitignored).
REPORTS_DIR = Path(__file__).resolve().parent / "reports"

#: The query type of questions the corpus cannot answer; they get no qrels.
NO_ANSWER = "no-answer"

Qrels = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Query:
    """One benchmark question and what is known about it."""

    id: str
    text: str
    type: str = "unknown"
    script: str = "simplified"
    doc: str = ""
    docs: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    #: One tuple of needles per relevant article (law suite): any needle found = that target.
    targets: tuple[tuple[str, ...], ...] = ()
    split: str = ""


def script_of(text: str) -> str:
    """``traditional`` when OpenCC t2s changes the text, else ``simplified``."""
    return "traditional" if to_simplified(text) != text else "simplified"


def load_queries(path: Path = DEFAULT_QUERIES) -> list[Query]:
    """Read a BEIR ``queries.jsonl``; ``ValueError`` naming the line when one is malformed.

    Missing metadata gets defaults (type ``unknown``, script detected from the text), so a
    plain BEIR file from another tool works. ``answers``/``related`` may sit at the top level
    or inside ``metadata``.
    """
    queries: list[Query] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                qid, text = str(row["_id"]), str(row["text"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a BEIR query line ({exc})") from None
            if qid in seen:
                raise ValueError(f"{path}:{number}: duplicate query id {qid!r}")
            seen.add(qid)
            meta = row.get("metadata") or {}
            docs = tuple(meta.get("docs") or ([meta["doc"]] if meta.get("doc") else []))
            queries.append(
                Query(
                    id=qid,
                    text=text,
                    type=str(meta.get("type") or "unknown"),
                    script=str(meta.get("script") or script_of(text)),
                    doc=str(meta.get("doc") or (docs[0] if docs else "")),
                    docs=docs,
                    answers=tuple(row.get("answers") or meta.get("answers") or ()),
                    related=tuple(row.get("related") or meta.get("related") or ()),
                    targets=tuple(tuple(t.get("needles") or ()) for t in meta.get("targets") or ()),
                    split=str(meta.get("split") or ""),
                )
            )
    return queries


def load_qrels(path: Path = DEFAULT_QRELS) -> Qrels:
    """Read BEIR qrels (tab-separated, header line optional) as ranx's ``{qid: {id: grade}}``."""
    qrels: Qrels = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            if not row or (number == 1 and row[0] == "query-id"):
                continue
            if len(row) != 3:
                raise ValueError(f"{path}:{number}: expected 3 tab-separated columns, got {row}")
            try:
                grade = int(row[2])
            except ValueError:
                raise ValueError(f"{path}:{number}: score {row[2]!r} is not an integer") from None
            qrels.setdefault(row[0], {})[row[1]] = grade
    return qrels


def write_qrels(qrels: Mapping[str, Mapping[str, int]], path: Path) -> None:
    """Write BEIR qrels with its header line, atomically (temp file beside it, then rename)."""
    rows = [(qid, cid, grade) for qid, docs in qrels.items() for cid, grade in docs.items()]
    write_text(path, _tsv(rows))


def _tsv(rows: Iterable[tuple[str, str, int]]) -> str:
    lines = ["query-id\tcorpus-id\tscore"]
    lines += [f"{qid}\t{cid}\t{grade}" for qid, cid, grade in rows]
    return "\n".join(lines) + "\n"


@dataclass
class ConfigRun:
    """What one configuration returned for every query."""

    config: Config
    rankings: dict[str, list[str]] = field(default_factory=dict)  # credited ids, best first
    latencies_ms: list[float] = field(default_factory=list)
    low_confidence: dict[str, bool] = field(default_factory=dict)  # absent: not applicable
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Benchmark:
    """The queries and how their relevance is judged."""

    queries: list[Query]
    qrels: Qrels
    judging: Literal["ids", "answers", "needles"]
    queries_path: Path
    qrels_path: Path | None

    @property
    def answerable(self) -> list[Query]:
        return [q for q in self.queries if self.qrels.get(q.id)]

    @property
    def unanswerable(self) -> list[Query]:
        return [q for q in self.queries if not self.qrels.get(q.id)]
