"""Learn the law profile's expansion lexicon from the law suite's dev half (never its test).

``python -m eval.learn_lexicon`` pairs each dev question with the law clauses holding its
targets' needles, segments both with the segmenter the law index uses (the same words a
query is split into), counts document frequencies over every law passage, and writes
:data:`retriever.profile.LAW_LEXICON`. See :mod:`retriever.expansion` for the counting.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from corpus.clause import Clause
from eval.benchmark import Query, load_queries
from eval.judge import normalise
from eval.suites import STARD_QUERIES
from retriever.expansion import Lexicon, content_words
from retriever.prepare import prepare_query
from retriever.profile import LAW_LEXICON

#: Settings chosen on two folds of the dev half (see the law-suite note).
SETTINGS = {"min_pairs": 2, "min_confidence": 0.5, "per_word": 2}


def target_texts(query: Query, clauses: Sequence[Clause], norms: Sequence[str]) -> list[str]:
    """Passages of the clauses that hold one of ``query``'s needles."""
    from index.passage import passage_text

    needles = [normalise(n) for group in query.targets for n in group]
    return [
        passage_text(c) for c, t in zip(clauses, norms, strict=True) if any(n in t for n in needles)
    ]


def learn(queries: Sequence[Query], clauses: Sequence[Clause], **settings: float) -> Lexicon:
    """The lexicon of ``queries`` (with targets) over ``clauses`` (the law library)."""
    from index.passage import passage_text
    from index.segment import Segmenter

    passages = [passage_text(c) for c in clauses]
    words = Segmenter.from_texts(passages).words
    df: Counter[str] = Counter()
    for text in passages:
        df.update(set(content_words(words(text))))
    norms = [normalise(c.text) for c in clauses]
    pairs = [
        (prepare_query(q.text, (), words, detect=False).topic, target_texts(q, clauses, norms))
        for q in queries
        if q.targets
    ]
    return Lexicon.learn(pairs, words, df, len(passages), **{**SETTINGS, **settings})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.learn_lexicon", description=__doc__)
    parser.add_argument("--out", type=Path, default=LAW_LEXICON)
    parser.add_argument("--laws", default="all")
    args = parser.parse_args(argv)
    from corpus.laws import load_laws
    from corpus.loader import load_corpus

    clauses = list(load_corpus().clauses) + load_laws(args.laws)
    dev = [q for q in load_queries(STARD_QUERIES) if q.split == "dev"]
    lexicon = learn(dev, clauses)
    lexicon.save(args.out)
    print(
        f"learned {len(lexicon.entries)} question words from {len(dev)} dev questions: {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
