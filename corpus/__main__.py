"""``python -m corpus``: inspect and export the corpus.

    python -m corpus [--dir D]                     table per document, then load errors
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
from corpus.loader import DEFAULT_CORPUS_DIR, LoadedDocument, load_documents


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    folder = Path(args.dir) if args.dir else DEFAULT_CORPUS_DIR
    documents, errors = load_documents(folder, progress=False)
    if args.command == "show":
        return _show(documents, errors, args.clause_id)
    if args.command == "export":
        return _export(documents, errors, Path(args.out))
    return _table(documents, errors)


def _parser() -> argparse.ArgumentParser:
    # --dir is accepted before and after the sub-command; SUPPRESS keeps a sub-parser's
    # absent --dir from overwriting one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", default=argparse.SUPPRESS, help="document folder")
    parser = argparse.ArgumentParser(
        prog="python -m corpus", description="Inspect and export the policy-document corpus."
    )
    parser.add_argument(
        "--dir", default=None, help=f"document folder (default: {DEFAULT_CORPUS_DIR})"
    )
    sub = parser.add_subparsers(dest="command")
    show = sub.add_parser("show", parents=[common], help="print one clause and its neighbours")
    show.add_argument("clause_id")
    export = sub.add_parser("export", parents=[common], help="write BEIR corpus.jsonl")
    export.add_argument("--out", required=True, help="output file, e.g. corpus.jsonl")
    return parser


def _table(documents: list[LoadedDocument], errors: list[LoadError]) -> int:
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
    _print_errors(errors)
    return 0 if documents else 1


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


def _show(documents: list[LoadedDocument], errors: list[LoadError], clause_id: str) -> int:
    for doc in documents:
        ids = [c.id for c in doc.clauses]
        if clause_id in ids:
            i = ids.index(clause_id)
            if i > 0:
                _print_context("previous", doc.clauses[i - 1])
            _print_clause(doc.clauses[i])
            if i + 1 < len(ids):
                _print_context("next", doc.clauses[i + 1])
            return 0
    print(f"unknown clause id: {clause_id!r}", file=sys.stderr)
    _print_errors(errors)
    return 1


def _print_clause(clause: Clause) -> None:
    print(f"{clause.id}  {clause.citation}  ({clause.kind}, {clause.label})")
    print(f"title:   {clause.title}")
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


def _export(documents: list[LoadedDocument], errors: list[LoadError], out: Path) -> int:
    """Write the BEIR corpus layout atomically: a temp file beside ``out``, then a rename."""
    clauses = [c for doc in documents for c in doc.clauses]
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
        },
    }


if __name__ == "__main__":
    sys.exit(main())
