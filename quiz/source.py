"""出处题: which province and year issued this clause.

The excerpt shown has every province name and every year masked (××), since "青海省2020年"
in the text would answer the question; the explanation keeps the full original clause.
"""

from __future__ import annotations

import random
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz.distractors import is_traditional
from quiz.questions import LETTERS, Difficulty, Question

_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MIN_EXCERPT, _MAX_EXCERPT = 40, 150
MASK = "××"


def source_label(clause: Clause) -> str:
    """The option text for a clause's document: "青海省·2020年"; "" when either is unknown."""
    if not clause.province or not clause.year:
        return ""
    return f"{clause.province}·{clause.year}年"


def make_source(clause: Clause, corpus: Sequence[Clause], rng: random.Random) -> Question | None:
    """A 出处题 for ``clause``; ``corpus`` supplies the other documents' labels as options.

    ``None`` when the clause's own label is unknown, when fewer than two documents exist, or
    when the excerpt also occurs in a document with another label (two right answers).
    """
    label = source_label(clause)
    excerpt = _excerpt(clause.text)
    if not label or not excerpt:
        return None
    labels = sorted({source_label(c) for c in corpus} - {"", label})
    excerpt_norm = to_simplified(excerpt)
    if len(labels) < 1 or any(
        source_label(c) not in ("", label) and excerpt_norm in c.text_norm for c in corpus
    ):
        return None
    options = [label, *rng.sample(labels, min(3, len(labels)))]
    rng.shuffle(options)
    masked = mask_places(excerpt, corpus)
    return Question(
        type="source",
        stem=f"下列内容出自哪个省份、哪一年的文件？“{masked}”",
        options=tuple(options),
        answer=LETTERS[options.index(label)],
        explanation=clause.text,
        citation=clause.citation,
        clause_id=clause.id,
        difficulty=_difficulty(masked, clause),
        answer_terms=(excerpt,),
        province=clause.province,
        year=clause.year,
        doc_id=clause.doc.doc_id,
    )


def mask_places(text: str, corpus: Sequence[Clause]) -> str:
    """``text`` with the corpus's province names (full and short) and all years masked."""
    names = sorted(
        {n for c in corpus for n in (c.province, c.doc.province_short) if n},
        key=len,
        reverse=True,
    )
    for name in names:
        text = text.replace(name, MASK)
    return _YEAR.sub(MASK * 2, text)


def _excerpt(text: str) -> str:
    """Whole sentences from the start of the clause, about 40–150 characters."""
    excerpt = ""
    for sentence in _SENTENCE_END.split(text):
        if excerpt and len(excerpt) + len(sentence) > _MAX_EXCERPT:
            break
        excerpt += sentence
        if len(excerpt) >= _MIN_EXCERPT:
            break
    if len(excerpt) > _MAX_EXCERPT:
        excerpt = excerpt[:_MAX_EXCERPT]
    return excerpt.strip()


def _difficulty(masked: str, clause: Clause) -> Difficulty:
    """易 when a city or county still names the place, 中 when the script narrows it to the
    Traditional documents, 难 otherwise."""
    if _place_hint(to_simplified(masked)):
        return "易"
    return "中" if is_traditional(clause) else "难"


@lru_cache(maxsize=4096)
def _place_hint(text: str) -> bool:
    """Whether cpca finds a province (through a city or county name) in the text."""
    with warnings.catch_warnings():  # cpca imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import cpca  # slow import (pandas, address tables): only 出处题 need it

    frame = cpca.transform([text.replace(MASK, "")])
    return bool(frame["省"].notna().iloc[0])
