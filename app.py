"""Start the web page: ``python app.py`` serves http://127.0.0.1:7860 on the default corpus.

The model and the index are loaded once, here, before the server starts (with progress in
the terminal); every request reuses them. Set POLICY_QA_USER and POLICY_QA_PASSWORD to
require a login.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from encoder.sentence import DEFAULT_VARIANT, VARIANTS
from page import build_page, serve
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
    return parser.parse_args(argv)


def login_from_env() -> tuple[str, str] | None:
    """(user, password) when both POLICY_QA_USER and POLICY_QA_PASSWORD are set, else None."""
    user = os.environ.get("POLICY_QA_USER", "")
    password = os.environ.get("POLICY_QA_PASSWORD", "")
    return (user, password) if user and password else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print("Loading corpus, model and index (first run converts the model and builds the index)…")
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
    )
    print(f"Ready: {len(retriever.clauses)} clauses from {', '.join(retriever.provinces())}.")
    serve(build_page(retriever), host=args.host, port=args.port, share=args.share,
          auth=login_from_env())  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
