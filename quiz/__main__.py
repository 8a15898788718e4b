"""``python -m quiz``: generate a quiz from the corpus and write it to files.

    python -m quiz --province 青海 --year 2020 --doc qinghai-2020 --section 四 --query 消防 \\
        --ids a,b --n 20 --types cloze,choice,multi,judge,source --seed 1 \\
        --out quiz.xlsx --out quiz.docx
    python -m quiz --laws 安全生产法 --chapter 第三章 --articles 50-60 --n 30 --out q.txt
    python -m quiz --mix "laws=安全生产法;n=20" --mix "province=青海;n=10" --out q.xlsx

``--laws`` selects national laws by name (or ``default``/``all``) and loads them; ``--mix``
makes one quiz of several parts, each a ``key=value;…`` set of the selectors (laws, chapter,
articles, province, year, doc, section, source) and its ``n``.

The format of each ``--out`` follows its extension (.xlsx .docx .csv .json .apkg, .txt =
问卷星 batch-add text), a hint in its name (q.tencent.txt = 腾讯问卷 text, q.sheet.xlsx = the
generic 题库 import sheet) or ``--format wjx|tencent|sheet`` (for every --out it fits). The
embedding model and index are loaded only for ``--query``. Exit status 1 when nothing could be
selected or generated, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.clause import STATUSES
from corpus.loader import load_corpus
from quiz.export import EXAM_FORMATS, FORMATS, export, format_of
from quiz.generate import generate_mixed
from quiz.questions import QUESTION_TYPES, TYPE_LABELS, Question
from quiz.select import Selection, article_numbers, select_clauses
from quiz.validate import check_question


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        types = _split(args.types)
        selection = _selection(vars(args))
        parts = [_mix_part(spec, args) for spec in args.mix]
        if selection.articles:
            article_numbers(selection.articles)
        formats = tuple(f for value in args.format for f in _split(value))
        for out in args.out:
            if Path(out).suffix.lower() not in FORMATS:
                raise ValueError(f"unsupported output {out!r}; use one of {', '.join(FORMATS)}")
            format_of(out, formats)
    except ValueError as error:
        parser.error(str(error))
    corpus = load_corpus(args.corpus, laws=_laws_to_load(selection, parts, args))
    for problem in corpus.errors:
        print(f"warning: could not load {problem.path}: {problem.message}", file=sys.stderr)
    try:
        retriever = _load_retriever(args) if selection.query else None
    except (OSError, RuntimeError, ValueError) as error:
        print(f"Could not load the search index for --query: {error}", file=sys.stderr)
        return 1
    try:
        chosen = [
            (select_clauses(corpus.clauses, part, retriever), n)
            for part, n in (parts or [(selection, args.n)])
        ]
        for (part, _), (clauses, _) in zip(parts or [(selection, 0)], chosen, strict=True):
            if not clauses:
                print(f"No clauses match ({part.describe()}).", file=sys.stderr)
                return 1
        questions = generate_mixed(chosen, types=types, seed=args.seed, corpus=corpus.clauses)
    except ValueError as error:
        parser.error(str(error))
    clauses = [c for part, _ in chosen for c in part]
    questions = _valid_only(questions, corpus.by_id())
    if not questions:
        print("No question could be made from the selected clauses.", file=sys.stderr)
        return 1
    _print_summary(questions, clauses, parts or [(selection, args.n)], args)
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
    laws = parser.add_argument_group("national laws (combined with the selectors above)")
    laws.add_argument(
        "--laws",
        action="append",
        default=[],
        help="law names (安全生产法,消防法), default (corpus/laws.json) or all: quiz on their articles",
    )
    laws.add_argument("--chapter", help="chapter number or words, e.g. 第三章 or 从业人员")
    laws.add_argument("--articles", help="article numbers, e.g. 第二十条-第三十条, 20-30 or 21,25")
    laws.add_argument(
        "--include-superseded",
        action="store_true",
        help="also quiz on 历史版本 and 已废止 texts (default: texts in force only)",
    )
    laws.add_argument(
        "--source", default="all", help="all, provincial (documents only) or laws (laws only)"
    )
    laws.add_argument(
        "--mix",
        action="append",
        default=[],
        help='one part of a mixed quiz, e.g. "laws=安全生产法;n=20" "province=青海;n=10"',
    )
    data = parser.add_argument_group("data")
    data.add_argument("--corpus", type=Path, help="corpus folder (default: the shipped one)")
    data.add_argument("--index", type=Path, help="index folder for --query (default: built-in)")
    return parser


_MIX_KEYS = {
    "laws": "laws",
    "law": "laws",
    "chapter": "chapter",
    "articles": "articles",
    "province": "province",
    "year": "year",
    "doc": "doc",
    "section": "section",
    "source": "source",
}


def _selection(values: dict[str, Any]) -> Selection:
    """A :class:`Selection` from option values (lists for the repeatable ones)."""

    def listed(name: str) -> tuple[str, ...]:
        value = values.get(name) or []
        return tuple(p for v in ([value] if isinstance(value, str) else value) for p in _split(v))

    names = tuple(n for n in listed("laws") if n.lower() not in ("default", "all"))
    source = values.get("source") or "all"
    if listed("laws") and source == "all":
        source = "laws"
    return Selection(
        provinces=listed("province"),
        years=tuple(int(y) for y in listed("year")),
        docs=listed("doc"),
        section=values.get("section") or "",
        query=values.get("query") or "",
        ids=listed("ids"),
        laws=names,
        chapter=values.get("chapter") or "",
        articles=values.get("articles") or "",
        statuses=STATUSES if values.get("include_superseded") else Selection().statuses,
        source=source,
    )


def _mix_part(spec: str, args: argparse.Namespace) -> tuple[Selection, int]:
    """One ``--mix`` part: "laws=安全生产法;n=20" → (its selection, 20)."""
    values: dict[str, Any] = {"include_superseded": args.include_superseded}
    n = args.n
    for pair in filter(None, (p.strip() for p in re.split(r"[;；]", spec))):
        key, _, value = pair.partition("=")
        key = key.strip()
        if key == "n":
            n = int(value)
        elif key in _MIX_KEYS:
            values[_MIX_KEYS[key]] = value.strip()
        else:
            raise ValueError(
                f"unknown key {key!r} in --mix {spec!r}; use n or {', '.join(_MIX_KEYS)}"
            )
    return _selection(values), n


def _laws_to_load(
    selection: Selection, parts: list[tuple[Selection, int]], args: argparse.Namespace
) -> str | list[str] | None:
    """Which laws the corpus loads: all for --laws all, the named ones when some are named
    outside the default list, else the loader's default."""
    asked = [p for value in args.laws for p in _split(value)]
    asked += [p for spec in args.mix for p in _mix_laws(spec)]
    if any(name.lower() == "all" for name in asked):
        return "all"
    named = [n for n in asked if n.lower() != "default"]
    if named and any(n.lower() == "default" for n in asked):
        from corpus.laws import read_config

        return [*read_config()["default"], *named]
    return named or None


def _mix_laws(spec: str) -> list[str]:
    found = re.search(r"(?:^|[;；])\s*laws?=([^;；]*)", spec)
    return _split(found.group(1)) if found else []


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
    questions: list[Question],
    clauses: list[Any],
    parts: list[tuple[Selection, int]],
    args: argparse.Namespace,
) -> None:
    types = Counter(q.type for q in questions)
    levels = Counter(q.difficulty for q in questions)
    docs = len({q.doc_id for q in questions})
    asked = sum(n for _, n in parts)
    described = " + ".join(
        f"{part.describe()}" + (f" ×{n}" if len(parts) > 1 else "") for part, n in parts
    )
    print(
        f"{len(questions)} questions (asked {asked}, seed {args.seed}) from "
        f"{len(clauses)} clauses of {docs} documents [{described}]"
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
