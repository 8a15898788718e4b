"""``python -m quiz``: generate a quiz from the corpus and write it to files.

    python -m quiz --province 青海 --year 2020 --doc qinghai-2020 --section 四 --query 消防 \\
        --ids a,b --n 20 --types cloze,choice,multi,judge,source --seed 1 \\
        --out quiz.xlsx --out quiz.docx

The format of each ``--out`` follows its extension (.xlsx .docx .csv .json .apkg, .txt =
问卷星 batch-add text), a hint in its name (q.tencent.txt = 腾讯问卷 text, q.sheet.xlsx = the
generic 题库 import sheet) or ``--format wjx|tencent|sheet`` (for every --out it fits). The
embedding model and index are loaded only for ``--query``. Exit status 1 when nothing could be
selected or generated, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.loader import load_corpus
from quiz.export import EXAM_FORMATS, FORMATS, export, format_of
from quiz.generate import generate_quiz
from quiz.questions import QUESTION_TYPES, TYPE_LABELS, Question
from quiz.select import Selection, select_clauses
from quiz.validate import check_question


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        types = _split(args.types)
        selection = Selection(
            provinces=tuple(p for value in args.province for p in _split(value)),
            years=tuple(int(y) for value in args.year for y in _split(value)),
            docs=tuple(d for value in args.doc for d in _split(value)),
            section=args.section or "",
            query=args.query or "",
            ids=tuple(i for value in args.ids for i in _split(value)),
        )
        formats = tuple(f for value in args.format for f in _split(value))
        for out in args.out:
            if Path(out).suffix.lower() not in FORMATS:
                raise ValueError(f"unsupported output {out!r}; use one of {', '.join(FORMATS)}")
            format_of(out, formats)
    except ValueError as error:
        parser.error(str(error))
    corpus = load_corpus(args.corpus)
    for problem in corpus.errors:
        print(f"warning: could not load {problem.path}: {problem.message}", file=sys.stderr)
    try:
        retriever = _load_retriever(args) if selection.query else None
    except (OSError, RuntimeError, ValueError) as error:
        print(f"Could not load the search index for --query: {error}", file=sys.stderr)
        return 1
    clauses = select_clauses(corpus.clauses, selection, retriever)
    if not clauses:
        print(f"No clauses match ({selection.describe()}).", file=sys.stderr)
        return 1
    try:
        questions = generate_quiz(
            clauses, n=args.n, types=types, seed=args.seed, corpus=corpus.clauses
        )
    except ValueError as error:
        parser.error(str(error))
    questions = _valid_only(questions, corpus.by_id())
    if not questions:
        print("No question could be made from the selected clauses.", file=sys.stderr)
        return 1
    _print_summary(questions, clauses, selection, args)
    for out in args.out:
        print(f"wrote {export(questions, out, args.title, formats)} ({format_of(out, formats)})")
    if not args.out:
        for number, question in enumerate(questions, 1):
            print(_as_text(number, question))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m quiz", description="Generate quiz questions from the policy corpus."
    )
    select = parser.add_argument_group("which clauses (combined with AND; repeatable, or a,b)")
    select.add_argument("--province", action="append", default=[], help="青海 or 青海省")
    select.add_argument("--year", action="append", default=[], help="e.g. 2020")
    select.add_argument("--doc", action="append", default=[], help="document id, e.g. qinghai-2020")
    select.add_argument("--section", help='heading number or words, e.g. 四 or "二、（三）"')
    select.add_argument("--query", help="search query (loads the embedding model and index)")
    select.add_argument("--ids", action="append", default=[], help="clause ids, a,b")
    quiz = parser.add_argument_group("the quiz")
    quiz.add_argument("--n", type=int, default=20, help="number of questions (default 20)")
    quiz.add_argument(
        "--types",
        default=",".join(QUESTION_TYPES),
        help=f"comma-separated, from {','.join(QUESTION_TYPES)} (default all)",
    )
    quiz.add_argument("--seed", type=int, default=1, help="same seed, same quiz (default 1)")
    quiz.add_argument("--title", default="安全生产政策文件测验", help="title of paper and deck")
    quiz.add_argument(
        "--out", action="append", default=[], help=f"output file, format by extension {FORMATS}"
    )
    quiz.add_argument(
        "--format",
        action="append",
        default=[],
        help=f"exam-system format for the --out files it fits: {','.join(EXAM_FORMATS)} "
        "(wjx/tencent: .txt, sheet: .xlsx)",
    )
    data = parser.add_argument_group("data")
    data.add_argument("--corpus", type=Path, help="corpus folder (default: the shipped one)")
    data.add_argument("--index", type=Path, help="index folder for --query (default: built-in)")
    return parser


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


def _load_retriever(args: argparse.Namespace) -> Any:
    from retriever.search import Retriever

    with contextlib.redirect_stdout(sys.stderr):
        return Retriever.load(args.index, corpus_dir=args.corpus, progress=False)


def _valid_only(questions: list[Question], by_id: dict[str, Any]) -> list[Question]:
    """Drop (and report) any question the validity check rejects."""
    kept = []
    corpus = tuple(by_id.values())
    for question in questions:
        problems = check_question(question, by_id.get(question.clause_id), corpus)
        if problems:
            print(f"warning: dropped a question: {'; '.join(problems)}", file=sys.stderr)
        else:
            kept.append(question)
    return kept


def _print_summary(
    questions: list[Question], clauses: list[Any], selection: Selection, args: argparse.Namespace
) -> None:
    types = Counter(q.type for q in questions)
    levels = Counter(q.difficulty for q in questions)
    docs = len({q.doc_id for q in questions})
    print(
        f"{len(questions)} questions (asked {args.n}, seed {args.seed}) from "
        f"{len(clauses)} clauses of {docs} documents [{selection.describe()}]"
    )
    print("  types: " + ", ".join(f"{t} {types[t]}" for t in QUESTION_TYPES if types[t]))
    print("  difficulty: " + ", ".join(f"{d} {levels[d]}" for d in ("易", "中", "难") if levels[d]))


def _as_text(number: int, question: Question) -> str:
    lines = [f"{number}. [{TYPE_LABELS[question.type]}·{question.difficulty}] {question.stem}"]
    lines += [f"   {chr(65 + i)}. {option}" for i, option in enumerate(question.options)]
    lines.append(f"   answer: {question.answer}    {question.citation}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
