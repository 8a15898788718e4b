"""Command line: build the index, search it.

    python -m retriever build [--force] [--model M] [--encoder torch|onnx|onnx-int8] [--index DIR]
        [--corpus DIR] [--laws L]
    python -m retriever build --backend milvus --milvus-uri http://milvus:19530   # or x.db
    python -m retriever search "问题" --k 10 [--province 青海] [--year 2020] [--mode hybrid] --json
    python -m retriever search --queries FILE.jsonl --k 10 --json
    python -m retriever search "安全生产法第二十一条" --include-superseded --source laws

With ``--json``, each query prints ONE line holding a JSON object (``SearchResult.to_json()``
plus ``query_used``; batch lines also carry the input's ``id``). Scripts depend on this shape.
Progress and log messages go to stderr only, so stdout stays parseable.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from encoder.sentence import DEFAULT_VARIANT, VARIANTS
from index.backend import BACKENDS
from index.protocol import SOURCES
from retriever.hit import SearchResult
from retriever.prepare import clean_query
from retriever.search import MODES, Retriever


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    problem = _search_args_problem(args) if args.command == "search" else None
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        retriever = _load(args)
    except (OSError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.command == "build":
        print(
            f"index ready: {len(retriever.clauses)} clauses, "
            f"{len(retriever.provinces())} provinces, years {list(retriever.years())}",
            file=sys.stderr,
        )
        return 0
    if args.queries:
        return _search_batch(retriever, args)
    return _search_one(retriever, args)


def _search_args_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the search arguments, checked before seconds go into loading."""
    if (args.query is None) == (args.queries is None):
        return "give either a question or --queries FILE.jsonl"
    if args.k < 1:
        return f"--k must be at least 1, got {args.k}"
    if args.queries is not None and not args.queries.is_file():
        return f"no such queries file: {args.queries}"
    if args.query is not None:
        try:
            clean_query(args.query)
        except ValueError as error:
            return str(error)
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m retriever", description=__doc__.split("\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index", type=Path, default=None, help="index folder (default: index/data)"
    )
    common.add_argument("--model", default=None, help="sentence-transformers model name or path")
    common.add_argument(
        "--encoder",
        choices=VARIANTS,
        default=None,
        help=f"inference path of the default model (default: {DEFAULT_VARIANT})",
    )
    common.add_argument("--corpus", type=Path, default=None, help="folder of documents")
    common.add_argument(
        "--laws",
        default=None,
        help="national laws indexed: default (corpus/laws.json), all, none, or names "
        "(安全生产法,消防法); default: the default laws, none with --corpus",
    )
    common.add_argument(
        "--backend", choices=BACKENDS, default="local", help="index store (default: local)"
    )
    common.add_argument(
        "--milvus-uri",
        default=None,
        help="with --backend milvus: a Milvus Lite file (*.db) or http(s)://host:19530",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", parents=[common], help="build (or check) the index")
    build.add_argument("--force", action="store_true", help="rebuild even if the index is valid")
    search = sub.add_parser("search", parents=[common], help="search the index")
    search.add_argument("query", nargs="?", help="the question")
    search.add_argument("--queries", type=Path, help='JSONL file of {"id", "query"} lines')
    search.add_argument("--k", type=int, default=10, help="number of hits (default 10)")
    search.add_argument("--province", action="append", help="province filter (repeatable)")
    search.add_argument("--year", help='year filter: 2020, "2019-2021", "2019、2020"')
    search.add_argument("--mode", choices=MODES, default="hybrid")
    search.add_argument(
        "--include-superseded",
        action="store_true",
        help="also search 已废止/历史版本 law texts (labelled as such)",
    )
    search.add_argument(
        "--source",
        choices=SOURCES,
        default="all",
        help="all (default), provincial documents only, or national laws only",
    )
    search.add_argument(
        "--no-detect-filters", action="store_true", help="do not read filters from the question"
    )
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def _load(args: argparse.Namespace) -> Retriever:
    """Load everything with stdout redirected to stderr: libraries that print must not break
    the JSON output."""
    with contextlib.redirect_stdout(sys.stderr):
        return Retriever.load(
            args.index,
            model=args.model,
            variant=args.encoder,
            corpus_dir=args.corpus,
            force=getattr(args, "force", False),
            progress=True,
            log=lambda message: print(message, file=sys.stderr),
            backend=args.backend,
            milvus_uri=args.milvus_uri,
            laws=args.laws,
        )


def _search_one(retriever: Retriever, args: argparse.Namespace) -> int:
    try:
        prepared = retriever.prepare(
            args.query,
            args.province,
            args.year,
            detect=not args.no_detect_filters,
            include_superseded=args.include_superseded,
            source=args.source,
        )
        result = retriever.search(prepared, k=args.k, mode=args.mode)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(_result_json(result))
    else:
        _print_table(result, sys.stdout)
    return 0


def _search_batch(retriever: Retriever, args: argparse.Namespace) -> int:
    """One output object per input line, in order; a bad line yields an object with
    ``error`` and no hits rather than stopping the batch."""
    failures = 0
    for line_no, item in _read_queries(args.queries):
        query_id = item.get("id", line_no)
        try:
            prepared = retriever.prepare(
                item.get("query", ""),
                item.get("province", args.province),
                item.get("year", args.year),
                detect=not args.no_detect_filters,
                include_superseded=bool(item.get("include_superseded", args.include_superseded)),
                source=item.get("source", args.source),
            )
            result = retriever.search(prepared, k=args.k, mode=args.mode)
        except ValueError as error:
            failures += 1
            print(f"error: query {query_id!r}: {error}", file=sys.stderr)
            output = {"id": query_id, "query": item.get("query"), "error": str(error), "hits": []}
            if args.json:
                _print_json(output)
            continue
        if args.json:
            _print_json({"id": query_id, **_result_json(result)})
        else:
            print(f"# {query_id}")
            _print_table(result, sys.stdout)
    return 1 if failures else 0


def _read_queries(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                item = {"id": line_no, "query": "", "_error": str(error)}
            if not isinstance(item, dict):
                item = {"id": line_no, "query": ""}
            yield line_no, item


def _result_json(result: SearchResult) -> dict[str, Any]:
    return {**result.to_json(), "query_used": result.query_used}


def _print_json(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _print_table(result: SearchResult, out: TextIO) -> None:
    filters = result.filters
    chips = "、".join(filters.detected) or "none"
    print(f"query: {result.query}", file=out)
    print(f"searched: {result.query_used}   detected filters: {chips}", file=out)
    if result.low_confidence:
        print("(low confidence: the documents may not answer this question)", file=out)
    if not result.hits:
        print("no hits", file=out)
    for hit in result.hits:
        sources = " ".join(f"{name}#{rank}" for name, rank in hit.ranks.items())
        print(f"{hit.rank:>2}. {hit.citation}  {hit.score:.4f}  ({sources})", file=out)
        print(f"    {hit.clause.title} › {hit.clause.path_text}", file=out)
        print(f"    {hit.answer}", file=out)
        if hit.matched_terms:
            print(f"    matched: {'、'.join(hit.matched_terms)}", file=out)


if __name__ == "__main__":
    raise SystemExit(main())
