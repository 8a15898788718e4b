"""A query-expansion lexicon learned from question → relevant-article pairs (no rules).

People ask 欠钱不还 where the article says 债务 and 清偿; a hand-written synonym table (the
peer's) covers the pairs someone thought of. This lexicon is learned instead: for every
question word ``w`` of the training questions and every word ``v`` of their relevant
articles that the question lacks, it counts in how many training pairs ``v`` came with
``w``; ``v`` becomes an expansion of ``w`` when that happens at least ``min_pairs`` times
and often relative to how many questions use ``w`` (confidence), weighted by ``v``'s
rarity in the corpus (idf), so words every article has are never added. Only the pairs of
the law suite's dev half are used to learn it; it is measured on the test half.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common.atomic import write_json

Words = Callable[[str], Sequence[str]]


def content_words(words: Iterable[str]) -> list[str]:
    """Distinct words of two or more characters holding an ideograph (the ones that carry a
    topic), in order."""
    return list(
        dict.fromkeys(
            w for w in words if len(w) >= 2 and any("\u4e00" <= ch <= "\u9fff" for ch in w)
        )
    )


@dataclass
class Lexicon:
    """``{question word: [(expansion, weight), ...]}`` best first."""

    entries: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    @classmethod
    def learn(
        cls,
        pairs: Iterable[tuple[str, Sequence[str]]],
        words: Words,
        document_frequency: Mapping[str, int],
        n_documents: int,
        *,
        min_pairs: int = 2,
        min_confidence: float = 0.3,
        per_word: int = 3,
    ) -> Lexicon:
        """Learn from ``(question, [relevant article texts])`` pairs; ``words`` segments a
        text, ``document_frequency``/``n_documents`` give a word's rarity in the corpus."""
        asked: Counter[str] = Counter()
        together: dict[str, Counter[str]] = defaultdict(Counter)
        for question, articles in pairs:
            q_words = content_words(words(question))
            a_words = set(content_words(w for text in articles for w in words(text)))
            asked.update(q_words)
            new = a_words - set(q_words)
            for w in q_words:
                together[w].update(new)
        entries: dict[str, list[tuple[str, float]]] = {}
        for w, counts in together.items():
            scored = []
            for v, n in counts.items():
                confidence = n / asked[w]
                if n < min_pairs or confidence < min_confidence:
                    continue
                idf = math.log((n_documents + 1) / (document_frequency.get(v, 0) + 1))
                scored.append((v, round(confidence * idf, 4)))
            scored.sort(key=lambda item: (-item[1], item[0]))
            if scored[:per_word]:
                entries[w] = scored[:per_word]
        return cls(entries)

    def expand(self, words: Sequence[str], limit: int = 8) -> list[str]:
        """The expansions of ``words`` not already among them, strongest first."""
        present = set(words)
        best: dict[str, float] = {}
        for w in content_words(words):
            for v, weight in self.entries.get(w, ()):
                if v not in present:
                    best[v] = max(best.get(v, 0.0), weight)
        return [v for v, _ in sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]]

    def save(self, path: Path) -> None:
        write_json(
            path, {w: [[v, s] for v, s in e] for w, e in sorted(self.entries.items())}, indent=None
        )

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({w: [(v, float(s)) for v, s in e] for w, e in data.items()})
