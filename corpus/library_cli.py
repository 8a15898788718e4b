"""``python -m corpus add|list|edit|retire|remove``: the library from the command line.

    python -m corpus add FILE [--province P] [--year Y] [--title T] [--issuer I] [--date D]
                              [--type T] [--doc-number N] [--status S] [--dry-run]
    python -m corpus list
    python -m corpus edit DOC_ID [--province P] [--year Y] …
    python -m corpus retire DOC_ID [--undo]
    python -m corpus remove DOC_ID

Every command takes ``--library DIR`` (default ``$POLICY_QA_LIBRARY`` or the user's data
folder). ``add`` prints the ingest report and what it stored; metadata left out is inferred
from the text. A running page notices the change and re-indexes in the background; otherwise
the next start indexes it (only new or changed clauses are embedded). Exit status 1 when an
input is refused (the reason on stderr), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from corpus.clause import STATUSES
from corpus.ingest import Draft, IngestError
from corpus.library import Library, LibraryError, default_library_dir

COMMANDS = ("add", "list", "edit", "retire", "remove")
_FIELD_OPTIONS = (
    ("--title", "title"),
    ("--province", "province"),
    ("--year", "year"),
    ("--issuer", "issuer"),
    ("--date", "date"),
    ("--type", "doc_type"),
    ("--doc-number", "doc_number"),
    ("--status", "status"),
)


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the library sub-commands on the ``python -m corpus`` parser."""
    lib = argparse.ArgumentParser(add_help=False, parents=[common])
    lib.add_argument(
        "--library", type=Path, default=None,
        help=f"library folder (default: $POLICY_QA_LIBRARY or {default_library_dir()})",
    )  # fmt: skip
    add = sub.add_parser("add", parents=[lib], help="add a document to the library")
    add.add_argument("file", type=Path)
    add.add_argument("--dry-run", action="store_true", help="check and report; store nothing")
    edit = sub.add_parser("edit", parents=[lib], help="change a library document's metadata")
    edit.add_argument("doc_id")
    for parser in (add, edit):
        for option, dest in _FIELD_OPTIONS:
            choices = STATUSES if dest == "status" else None
            parser.add_argument(option, dest=dest, default=None, choices=choices)
    sub.add_parser("list", parents=[lib], help="list the library's documents (JSON lines)")
    retire = sub.add_parser("retire", parents=[lib], help="mark a document 已废止")
    retire.add_argument("doc_id")
    retire.add_argument("--undo", action="store_true", help="back to 现行有效")
    remove = sub.add_parser("remove", parents=[lib], help="delete a library document")
    remove.add_argument("doc_id")


def run(args: argparse.Namespace) -> int:
    """Run one library command; refused input → message on stderr, status 1."""
    library = Library(args.library)
    for line in library.recovered:
        print(f"library: {line}", file=sys.stderr)
    try:
        if args.command == "add":
            return _add(library, args)
        if args.command == "list":
            for entry in library.entries():
                print(json.dumps(_summary(entry.data), ensure_ascii=False))
            return 0
        if args.command == "edit":
            entry = library.edit(args.doc_id, _given(args))
        elif args.command == "retire":
            entry = library.set_status(args.doc_id, STATUSES[0] if args.undo else "已废止")
        else:
            entry = library.remove(args.doc_id)
            print(f"removed {entry.doc_id} ({entry.get('title')})")
            return 0
        print(json.dumps(_summary(entry.data), ensure_ascii=False))
        return 0
    except (IngestError, LibraryError) as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1


def _add(library: Library, args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"refused: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 1
    draft = library.check(data, path.name)
    _print_report(draft)
    if args.dry_run:
        print("dry run: nothing stored")
        return 0
    entry = library.add(draft, _given(args))
    print(f"added {entry.doc_id} as {entry.file}")
    print(json.dumps(_summary(entry.data), ensure_ascii=False))
    missing = [name for name in ("province", "year") if not entry.get(name)]
    if missing:
        print(f"warning: no {' or '.join(missing)}: the document is flagged "
              f"{', '.join(f'{n}-unknown' for n in missing)}", file=sys.stderr)  # fmt: skip
    return 0


def _print_report(draft: Draft) -> None:
    r = draft.report
    counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
    print(f"{draft.name}: {counts}")
    cleaned = ", ".join(f"{k} {v}" for k, v in r.cleaned.items()) or "-"
    print(f"cleaned: {cleaned}; repeated clauses dropped: {r.repeated}")
    print(f"mojibake repaired: {r.repaired}; unrepaired (□): {r.unrepaired}")
    print("inferred: " + ", ".join(f"{k}={v}" for k, v in draft.fields.items() if v))
    for citation, path, text in r.preview:
        print(f"  {citation} {path + ': ' if path else ''}{text[:60]}")


def _given(args: argparse.Namespace) -> dict[str, Any]:
    return {dest: getattr(args, dest) for _, dest in _FIELD_OPTIONS if getattr(args, dest)}


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    keep = ("doc_id", "title", "province", "year", "doc_type", "doc_number", "status",
            "original_name", "file", "added", "version")  # fmt: skip
    return {k: entry.get(k) for k in keep}
