"""A reviewer's sample of law questions: 40 from the default laws at a fixed seed.

    .venv/bin/python bench/quiz_law_review.py [--n 40] [--seed 17] [--unfiltered] [--out FILE]

Generates the sample from the articles in force of the default laws (corpus/laws.json, the
documents left out), prints it as Markdown for a trainer to read (stem, options, answer,
citation), and writes ``bench/results/quiz_law_review.json`` with the questions and what the
validity check's trainer objections (ambiguous blank, guessable option, two correct options)
say about them. ``--unfiltered`` generates as if the generator did not drop the questions
those objections reject, to show what the checks take out. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import quiz.generate as generation
from corpus.loader import load_corpus
from quiz.quality import KINDS, quality_problems
from quiz.questions import LETTERS, Question
from quiz.select import Selection, select_clauses
from quiz.validate import check_question

RESULTS = Path(__file__).resolve().parent / "results" / "quiz_law_review.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--unfiltered", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    corpus = load_corpus()
    laws = select_clauses(corpus.clauses, Selection(source="laws"))
    if args.unfiltered:  # what the generator made before it learned the trainer's objections
        generation._acceptable = lambda attempts, corpus: attempts  # type: ignore[assignment]
    questions = generation.generate_quiz(laws, n=args.n, seed=args.seed, corpus=corpus.clauses)
    by_id = corpus.by_id()
    in_scope = tuple(corpus.clauses)
    rows = []
    flagged: Counter[str] = Counter()
    for number, question in enumerate(questions, 1):
        clause = by_id[question.clause_id]
        objections = quality_problems(question, clause, in_scope)
        flagged.update({kind for kind in KINDS for p in objections if p.startswith(kind)})
        rows.append(
            {
                "number": number,
                "type": question.type_label,
                "stem": question.stem,
                "options": list(question.options),
                "answer": question.answer,
                "citation": question.citation,
                "objections": objections,
                "valid": not check_question(question, clause, in_scope),
            }
        )
        print(_markdown(number, question, objections))
    summary = {
        "n": len(questions),
        "seed": args.seed,
        "unfiltered": args.unfiltered,
        "laws": len({q.doc_id for q in questions}),
        "types": Counter(q.type for q in questions),
        "flagged_questions": sum(bool(r["objections"]) for r in rows),
        "flagged_by_kind": dict(flagged),
    }
    print(f"\n{json.dumps(summary, ensure_ascii=False)}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    from common.atomic import write_json

    write_json(args.out, {"summary": summary, "questions": rows})
    return 0


def _markdown(number: int, question: Question, objections: list[str]) -> str:
    lines = [f"{number}. **[{question.type_label}·{question.difficulty}]** {_flat(question.stem)}"]
    lines += [f"   {LETTERS[i]}. {_flat(o)}" for i, o in enumerate(question.options)]
    lines.append(f"   答案：{question.answer}　{question.citation}")
    lines += [f"   ⚠ {p}" for p in objections]
    return "\n".join(lines)


def _flat(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
