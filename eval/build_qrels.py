"""Map the benchmark's answer substrings to clause ids and write ``qrels/test.tsv``.

Queries are written with answer substrings because substrings survive changes to the corpus
loader; qrels by id are what BEIR tools read. Run after the loader or the queries change::

    python -m eval.build_qrels            # writes eval/data/qrels/test.tsv
    python -m eval.build_qrels --check    # only reports, writes nothing

Grade 2: every clause of the query's documents containing an answer substring. Grade 1:
every clause (any document) containing a ``related`` substring. A query that is not of type
``no-answer`` but maps to no clause is an error: fix the query, not the map.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.clause import Clause
from eval.benchmark import (
    DEFAULT_QRELS,
    DEFAULT_QUERIES,
    NO_ANSWER,
    Qrels,
    Query,
    load_queries,
    write_qrels,
)
from eval.judge import normalise

#: An answer found in more clauses than this is probably not distinctive; it is reported.
MAX_CLAUSES_PER_ANSWER = 2


@dataclass
class Mapping:
    """The qrels built, with what needs a person's attention."""

    qrels: Qrels = field(default_factory=dict)
    unmapped: list[tuple[Query, str]] = field(default_factory=list)  # (query, substring)
    ambiguous: list[tuple[Query, str, list[str]]] = field(default_factory=list)
    missing_queries: list[Query] = field(default_factory=list)  # answerable, no clause at all


def build_qrels(queries: Sequence[Query], clauses: Sequence[Clause]) -> Mapping:
    """Map each query's answers (grade 2) and related substrings (grade 1) to clause ids."""
    texts = [(c, normalise(c.text)) for c in clauses]
    result = Mapping()
    for query in queries:
        grades: dict[str, int] = {}
        for grade, needles in ((2, query.answers), (1, query.related)):
            docs = set(query.docs) if grade == 2 else set()
            for needle in needles:
                key = normalise(needle)
                ids = [
                    c.id for c, text in texts if key in text and (not docs or c.doc.doc_id in docs)
                ]
                if not ids:
                    result.unmapped.append((query, needle))
                elif len(ids) > MAX_CLAUSES_PER_ANSWER:
                    result.ambiguous.append((query, needle, ids))
                for cid in ids:
                    grades[cid] = max(grades.get(cid, 0), grade)
        if grades:
            result.qrels[query.id] = grades
        elif query.type != NO_ANSWER:
            result.missing_queries.append(query)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.build_qrels", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--out", type=Path, default=DEFAULT_QRELS)
    parser.add_argument(
        "--corpus-dir", type=Path, default=None, help="document folder (default: shipped corpus)"
    )
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)

    from corpus.loader import load_corpus

    queries = load_queries(args.queries)
    mapping = build_qrels(queries, load_corpus(args.corpus_dir).clauses)
    for query, needle in mapping.unmapped:
        print(f"unmapped  {query.id} {needle!r}  ({query.text})", file=sys.stderr)
    for query, needle, ids in mapping.ambiguous:
        print(f"ambiguous {query.id} {needle!r} -> {', '.join(ids)}", file=sys.stderr)
    pairs = sum(len(v) for v in mapping.qrels.values())
    print(f"{len(mapping.qrels)} of {len(queries)} queries mapped to {pairs} (query, clause) pairs")
    if mapping.missing_queries:
        ids = ", ".join(q.id for q in mapping.missing_queries)
        print(f"error: answerable queries with no clause: {ids}", file=sys.stderr)
        return 1
    if not args.check:
        write_qrels(mapping.qrels, args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
