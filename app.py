"""Start the web page: ``python app.py`` serves http://127.0.0.1:7860 on the default corpus.

The model and the index are loaded once, here, before the server starts (with progress in
the terminal); every request reuses them. Set POLICY_QA_USER and POLICY_QA_PASSWORD to
require a login (wrong passwords back off); then only POLICY_QA_ADMINS (default: that user)
may run benchmarks and change the library. Heavy actions run one at a time (page.jobs).
The user's document library (``--library DIR``, default under the user's data folder, see
:mod:`corpus.library`) is indexed with the default corpus and managed on the 文件库 tab.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from corpus.clause import Corpus
from corpus.library import Library, default_library_dir
from encoder.protocol import Encoder
from encoder.sentence import DEFAULT_VARIANT, VARIANTS
from index.backend import open_backend
from page import build_page, serve
from page.access import Access, login_guard
from page.layout import SESSION_CAPACITY
from page.library_service import LibraryService
from retriever import Retriever


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Policy-document Q&A web page (Gradio).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=7860, help="port to listen on")
    parser.add_argument("--share", action="store_true", help="also open a public Gradio link")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: built-in)")
    parser.add_argument("--corpus", type=Path, default=None, help="documents folder")
    parser.add_argument(
        "--laws",
        default=None,
        help="national laws: default (corpus/laws.json), all, none, or names (安全生产法,消防法)",
    )
    parser.add_argument("--model", default=None, help="sentence-transformers model name or path")
    parser.add_argument(
        "--encoder",
        choices=VARIANTS,
        default=None,
        help=f"inference path of the default model (default: {DEFAULT_VARIANT})",
    )
    parser.add_argument(
        "--backend", choices=("local", "milvus"), default="local", help="index store"
    )
    parser.add_argument(
        "--milvus-uri", default=None, help="with --backend milvus: *.db (Lite) or http(s)://…"
    )
    parser.add_argument(
        "--library", type=Path, default=None,
        help=f"the user's document library folder (default: $POLICY_QA_LIBRARY or "
        f"{default_library_dir()})",
    )  # fmt: skip
    parser.add_argument(
        "--sessions", type=int, default=SESSION_CAPACITY,
        help="browser sessions kept in memory (oldest dropped beyond this)",
    )  # fmt: skip
    parser.add_argument(
        "--allow-uploads",
        action="store_true",
        help="on a public address without login, let visitors change the library and run "
        "benchmarks and rebuilds",
    )
    return parser.parse_args(argv)


def login_from_env() -> tuple[str, str] | None:
    """(user, password) when both POLICY_QA_USER and POLICY_QA_PASSWORD are set, else None."""
    return Access.from_options().login


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print("Loading corpus, model and index (first run converts the model and builds the index)…")
    library = Library(args.library, default_dir=args.corpus, laws=args.laws)
    for line in library.recovered:
        print(f"library: {line}")
    retriever = Retriever.load(
        args.index,
        model=args.model,
        variant=args.encoder,
        corpus_dir=args.corpus,
        progress=True,
        log=print,
        backend=args.backend,
        milvus_uri=args.milvus_uri,
        laws=args.laws,
        library=library.folder,
    )
    print(f"Ready: {len(retriever.clauses)} clauses from {', '.join(retriever.provinces())}.")
    print(f"Library: {library.folder} ({len(library.entries())} documents)")

    def open_store(corpus: Corpus, encoder: Encoder) -> object:
        """The background re-index: the same backend and folder as at start."""
        return open_backend(args.backend, corpus, encoder, index_dir=args.index,
                            milvus_uri=args.milvus_uri, progress=False, log=print)  # fmt: skip

    access = Access.from_options(args.host, allow_uploads=args.allow_uploads)
    service = LibraryService.start(retriever, library, open_store, access=access)
    page = build_page(service.live, access=access, library=service,
                      eval_run=benchmark_run(args, retriever, library.folder))  # fmt: skip
    try:
        run_server(page, host=args.host, port=args.port, share=args.share,
                   auth=login_guard(access), sessions=args.sessions)  # fmt: skip
    finally:
        page.jobs.close()
    return 0


def run_server(page: Any, **options: Any) -> None:
    """Serve the page until Ctrl-C or SIGTERM, then return normally.

    SIGTERM (what ``kill``, systemd and docker send) is turned into the same KeyboardInterrupt
    as Ctrl-C, so Gradio closes its server and the ``atexit`` clean-up of the process's
    temporary files (common/scratch.py) runs; by default SIGTERM would end the process
    without either.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    serve(page, **options)


def benchmark_run(args: argparse.Namespace, retriever: Retriever, library: Path) -> Any:
    """The 评测 tab's run: the full benchmark over this app's corpus (with the library, so
    the worker's load never rebuilds the shared index without it), model and index, loaded
    again in the job worker process (so a run can never take the page down with it)."""
    from eval.tab import BenchmarkRun, RetrieverSource

    folder = getattr(retriever.backend, "folder", args.index)
    source = RetrieverSource(
        folder, args.model, args.corpus, args.backend, args.milvus_uri, library=library,
        laws=args.laws,
    )  # fmt: skip
    return BenchmarkRun(source)


if __name__ == "__main__":
    sys.exit(main())
