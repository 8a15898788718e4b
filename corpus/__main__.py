"""``python -m corpus``: inspect and export the corpus.

    python -m corpus [--dir D] [--laws default|all|none|NAMES]   table per document and law
    python -m corpus show CLAUSE_ID [--dir D]      one clause with its neighbours
    python -m corpus export --out F.jsonl [--dir D] BEIR corpus.jsonl

Exit status 1 when a clause id is unknown or nothing could be loaded; 0 otherwise (load
errors of single documents are printed, and the table still shows the rest).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from common import atomic
from corpus.clause import Clause, LoadError
from corpus.loader import (
    DEFAULT_CORPUS_DIR,
    LoadedDocument,
    law_clauses_of,
    law_selection,
    load_documents,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    folder = Path(args.dir) if args.dir else DEFAULT_CORPUS_DIR
    documents, errors = load_documents(folder, progress=False)
    laws, law_errors = law_clauses_of(
        law_selection(Path(args.dir) if args.dir else None, args.laws)
    )
    errors += law_errors
    if args.command == "show":
        return _show(documents, errors, args.clause_id, laws)
    if args.command == "export":
        return _export(documents, errors, Path(args.out), laws)
    return _table(documents, errors, laws)


LAWS_HELP = (
    "national laws: default (corpus/laws.json), all, none, or names (安全生产法,消防法); "
    "default: the default laws with the shipped corpus, none with --dir"
)


def _parser() -> argparse.ArgumentParser:
    # --dir is accepted before and after the sub-command; SUPPRESS keeps a sub-parser's
    # absent --dir from overwriting one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", default=argparse.SUPPRESS, help="document folder")
    common.add_argument("--laws", default=argparse.SUPPRESS, help=LAWS_HELP)
    parser = argparse.ArgumentParser(
        prog="python -m corpus", description="Inspect and export the policy-document corpus."
    )
    parser.add_argument(
        "--dir", default=None, help=f"document folder (default: {DEFAULT_CORPUS_DIR})"
    )
    parser.add_argument("--laws", default=None, help=LAWS_HELP)
    sub = parser.add_subparsers(dest="command")
    show = sub.add_parser("show", parents=[common], help="print one clause and its neighbours")
    show.add_argument("clause_id")
    export = sub.add_parser("export", parents=[common], help="write BEIR corpus.jsonl")
    export.add_argument("--out", required=True, help="output file, e.g. corpus.jsonl")
    return parser


def _table(
    documents: list[LoadedDocument], errors: list[LoadError], laws: Sequence[Clause] = ()
) -> int:
    header = (
        "file",
        "doc_id",
        "province",
        "year",
        "clauses",
        "items",
        "leaves",
        "paragraphs",
        "points",
        "split→parts",
        "flags",
        "metadata",
        "cleaned",
    )
    rows = [header] + [_row(doc) for doc in documents]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
    total = sum(len(doc.clauses) for doc in documents)
    print(f"\n{len(documents)} documents, {total} clauses")
    if laws:
        _law_table(laws)
    _print_errors(errors)
    return 0 if documents or laws else 1


def _law_table(laws: Sequence[Clause]) -> None:
    """One row per law version: its name, status, version date, articles and clauses."""
    by_doc: dict[str, list[Clause]] = {}
    for clause in laws:
        by_doc.setdefault(clause.doc.doc_id, []).append(clause)
    header = ("law", "status", "version", "effective", "articles", "clauses")
    rows = [header]
    for clauses in by_doc.values():
        doc = clauses[0].doc
        articles = {c.id.split("~")[0] for c in clauses}
        rows.append(
            (
                doc.title,
                doc.status,
                doc.version_date or "?",
                doc.effective_date or "?",
                str(len(articles)),
                str(len(clauses)),
            )
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    print()
    for row in rows:
        print("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"\n{len(by_doc)} laws, {len(laws)} clauses")


def _row(doc: LoadedDocument) -> tuple[str, ...]:
    counts = document_counts(doc)
    flags = Counter(f for c in doc.clauses for f in c.flags)
    meta = doc.meta
    sources = sorted({meta.source_of(name) for name in ("province", "year", "title")})
    return (
        doc.path.name,
        meta.doc_id,
        meta.province or "?",
        str(meta.year or "?"),
        str(counts["clauses"]),
        str(counts["items"]),
        str(counts["leaves"]),
        str(counts["paragraphs"]),
        str(counts["points"]),
        f"{counts['split']}→{counts['parts']}",
        ", ".join(f"{f}×{n}" for f, n in sorted(flags.items())) or "-",
        "+".join(sources),
        _cleaned(doc),
    )


def _cleaned(doc: LoadedDocument) -> str:
    """What cleaning removed, and how many clauses repeated an earlier one's text."""
    summary = doc.cleaning.summary()
    parts = [summary] if summary != "-" else []
    if doc.dropped:
        parts.append(f"repeated clauses {len(doc.dropped)}")
    return ", ".join(parts) or "-"


def document_counts(doc: LoadedDocument) -> dict[str, int]:
    """Clause records; numbered items, leaves, paragraphs and points (each counted once
    however many parts it was split into); clauses split, and the parts they became."""
    kinds: dict[str, set[str]] = {}
    for clause in doc.clauses:
        kinds.setdefault(clause.kind, set()).add(clause.id.split("~")[0])
    split = {c.id.split("~")[0] for c in doc.clauses if c.parts > 1}
    return {
        "clauses": len(doc.clauses),
        "items": len(kinds.get("item", ())),
        "leaves": len(kinds.get("leaf", ())),
        "paragraphs": len(kinds.get("paragraph", ())),
        "points": len(kinds.get("point", ())),
        "split": len(split),
        "parts": sum(1 for c in doc.clauses if c.parts > 1),
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _print_errors(errors: list[LoadError]) -> None:
    if errors:
        print(f"\n{len(errors)} load error(s):", file=sys.stderr)
        for error in errors:
            print(f"  {error.path}: {error.message}", file=sys.stderr)


def _show(
    documents: list[LoadedDocument],
    errors: list[LoadError],
    clause_id: str,
    laws: Sequence[Clause] = (),
) -> int:
    groups = [list(doc.clauses) for doc in documents]
    by_law: dict[str, list[Clause]] = {}
    for clause in laws:
        by_law.setdefault(clause.doc.doc_id, []).append(clause)
    for clauses in groups + list(by_law.values()):
        ids = [c.id for c in clauses]
        if clause_id in ids:
            i = ids.index(clause_id)
            if i > 0:
                _print_context("previous", clauses[i - 1])
            _print_clause(clauses[i])
            if i + 1 < len(ids):
                _print_context("next", clauses[i + 1])
            return 0
    print(f"unknown clause id: {clause_id!r}", file=sys.stderr)
    _print_errors(errors)
    return 1


def _print_clause(clause: Clause) -> None:
    print(f"{clause.id}  {clause.citation}  ({clause.kind}, {clause.label})")
    print(f"title:   {clause.title}")
    if clause.doc.national or clause.kind == "article":
        doc = clause.doc
        print(
            f"status:  {doc.status}  effective {doc.effective_date or '?'}  ({clause.doc.province_label})"
        )
    print(f"path:    {clause.path_text or '-'}")
    print(f"flags:   {', '.join(clause.flags) or '-'}")
    print(
        f"offsets: [{clause.start}, {clause.end}) in the clean text of {clause.doc.source_file or clause.doc.doc_id}"
    )
    print(clause.text)
    print()


def _print_context(which: str, clause: Clause) -> None:
    excerpt = clause.text if len(clause.text) <= 80 else clause.text[:80] + "…"
    print(f"[{which}] {clause.id}  {clause.label}\n  {excerpt}\n")


def _export(
    documents: list[LoadedDocument],
    errors: list[LoadError],
    out: Path,
    laws: Sequence[Clause] = (),
) -> int:
    """Write the BEIR corpus layout atomically: a temp file beside ``out``, then a rename."""
    clauses = [c for doc in documents for c in doc.clauses] + list(laws)
    if not clauses:
        print("nothing to export: no clause was loaded", file=sys.stderr)
        _print_errors(errors)
        return 1
    atomic.write_text(
        out, "".join(json.dumps(beir_record(c), ensure_ascii=False) + "\n" for c in clauses)
    )
    print(f"wrote {len(clauses)} clauses to {out}")
    _print_errors(errors)
    return 0


def _default_file_mode() -> int:
    """The mode ``open(path, "w")`` would give a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def beir_record(clause: Clause) -> dict:
    """One line of a BEIR ``corpus.jsonl``: the document title as ``title``, the clause text
    as ``text``, and what a run needs to cite or filter in ``metadata``."""
    return {
        "_id": clause.id,
        "title": clause.title,
        "text": clause.text,
        "metadata": {
            "province": clause.province,
            "year": clause.year,
            "item": clause.label,
            "citation": clause.citation,
            "path": clause.path_text,
            "kind": clause.kind,
            "doc_id": clause.doc.doc_id,
            "status": clause.doc.status,
            "national": clause.doc.national,
        },
    }


if __name__ == "__main__":
    sys.exit(main())
