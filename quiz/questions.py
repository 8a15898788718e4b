"""Questions and their generators, one per type.

Every generator takes one clause (and a term of it, for the blank types) and returns a
:class:`Question` or ``None`` when the clause cannot carry that type well (too few
distractors, the term repeated in its sentence …). Generators never guess: what they blank is
sliced from ``Clause.text``, and what they offer as wrong is checked against the clause.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from corpus.clause import Clause
from quiz.distractors import TermPool, acceptable, closeness, pick_distractors
from quiz.terms import Term, TermKind, find_terms

QuestionType = Literal["cloze", "choice", "multi", "judge", "source"]
Difficulty = Literal["易", "中", "难"]

#: The title of an exported quiz when the trainer gives none.
DEFAULT_TITLE = "安全生产政策文件测验"

QUESTION_TYPES: tuple[QuestionType, ...] = ("cloze", "choice", "multi", "judge", "source")
TYPE_LABELS: dict[str, str] = {
    "cloze": "填空题",
    "choice": "单选题",
    "multi": "多选题",
    "judge": "判断题",
    "source": "出处题",
}
LETTERS = "ABCD"
BLANK = "______"
TRUE, FALSE = "正确", "错误"

#: How hard a term of each kind is to recall (titles are long and memorable, numbers are not).
_KIND_WEIGHT: dict[str, int] = {
    "title": 0, "quoted": 1, "department": 1, "deadline": 1, "figure": 2, "percent": 2,
}  # fmt: skip
_MULTI_NOUNS: dict[str, str] = {
    "department": "单位被列为该项工作的牵头或负责单位",
    "quoted": "提法（引号中的表述）出现在该条中",
    "title": "文件在该条中被提及",
    "figure": "数字出现在该条中",
    "percent": "比例出现在该条中",
    "deadline": "时间节点出现在该条中",
}
_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
_MAX_EXCERPT = 120


@dataclass(frozen=True)
class Question:
    """One quiz question, traceable to its clause.

    ``answer`` is what an exam system imports: letters for 单选/多选/出处 ("B", "AC"),
    正确/错误 for 判断, the term itself for 填空. ``answer_terms`` are the strings that must
    occur in the clause, ``distractors`` the ones that must not, and ``blanked`` the clause
    excerpt with :data:`BLANK` where the answer goes — what :mod:`quiz.validate` checks.
    """

    type: QuestionType
    stem: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    citation: str
    clause_id: str
    difficulty: Difficulty
    term_kind: str = ""
    answer_terms: tuple[str, ...] = ()
    distractors: tuple[str, ...] = ()
    blanked: str = ""
    province: str = ""
    year: int | None = None
    doc_id: str = ""

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    @property
    def answer_text(self) -> str:
        """The answer spelled out: letters resolved to their options."""
        if self.type in ("choice", "multi", "source"):
            return "；".join(self.options[LETTERS.index(letter)] for letter in self.answer)
        return self.answer

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["type_label"] = self.type_label
        data["answer_text"] = self.answer_text
        return data


def excerpt_around(text: str, term: Term) -> tuple[str, int] | None:
    """The sentence holding ``term`` (cut to comma-separated parts if long), and its offset.

    ``None`` when the term occurs more than once in that excerpt: a blank there would be
    answered by its twin.
    """
    start = 0
    for piece in _SENTENCE_END.split(text):
        end = start + len(piece)
        if start <= term.start and term.end <= end:
            break
        start = end
    else:
        return None
    sentence = text[start:end]
    if len(sentence) > _MAX_EXCERPT:
        sentence, start = _shorten(text, start, end, term)
    if sentence.count(term.text) != 1:
        return None
    return sentence.strip(), start + (len(sentence) - len(sentence.lstrip()))


def _shorten(text: str, start: int, end: int, term: Term) -> tuple[str, int]:
    """Grow comma-separated parts around the term until about :data:`_MAX_EXCERPT` chars."""
    inner = [start + m.end() for m in re.finditer(r"[，,：:]", text[start:end])]
    cuts = sorted({start, *inner, end})
    left = max(c for c in cuts if c <= term.start)
    right = min(c for c in cuts if c >= term.end)
    while right - left < _MAX_EXCERPT * 2 // 3:
        wider_left = max((c for c in cuts if c < left), default=None)
        wider_right = min((c for c in cuts if c > right), default=None)
        if wider_right is not None:
            right = wider_right
        elif wider_left is not None:
            left = wider_left
        else:
            break
    return text[left:right], left


def context_prefix(clause: Clause) -> str:
    return f"根据《{clause.title}》（{clause.label}），"


def headline(clause: Clause) -> str:
    """The item's own title (its first sentence without the number), shortened if long."""
    first = re.split(r"[。；;]", clause.text, maxsplit=1)[0]
    first = re.sub(r"^\s*\d+\s*[.．、]\s*", "", first)
    return first if len(first) <= 40 else first[:30] + "…"


def _framed(clause: Clause, term: Term, excerpt: str) -> str:
    """The excerpt as shown in a stem: a responsibility note alone says nothing, so it is
    introduced by the item it belongs to."""
    if term.kind == "department":
        return f"“{headline(clause)}”一项的分工为：{excerpt}"
    return excerpt


def difficulty_for(kind: str, qtype: QuestionType, near: float) -> Difficulty:
    """易/中/难 from what is asked (numbers are hardest to recall), how (recall beats
    recognition) and how close the wrong options are to the right one."""
    score = _KIND_WEIGHT.get(kind, 1) + (qtype in ("cloze", "multi")) + (near >= 0.5)
    return "易" if score <= 1 else "中" if score == 2 else "难"


def _base(clause: Clause) -> dict[str, Any]:
    return {
        "explanation": clause.text,
        "citation": clause.citation,
        "clause_id": clause.id,
        "province": clause.province,
        "year": clause.year,
        "doc_id": clause.doc.doc_id,
    }


def make_cloze(clause: Clause, term: Term, pool: TermPool, rng: random.Random) -> Question | None:
    """填空题: the term's sentence with the term blanked."""
    found = excerpt_around(clause.text, term)
    if found is None:
        return None
    blanked = _blank(found, term)
    return Question(
        type="cloze",
        stem=f"{context_prefix(clause)}填写空白处：{_framed(clause, term, blanked)}",
        options=(),
        answer=term.text,
        difficulty=difficulty_for(term.kind, "cloze", 0.0),
        term_kind=term.kind,
        answer_terms=(term.text,),
        blanked=blanked,
        **_base(clause),
    )


def make_choice(clause: Clause, term: Term, pool: TermPool, rng: random.Random) -> Question | None:
    """单选题: the blanked sentence with the term and three same-kind distractors."""
    found = excerpt_around(clause.text, term)
    distractors = pick_distractors(term, clause, pool, rng)
    if found is None or len(distractors) < 3:
        return None
    options = [term.text, *distractors]
    rng.shuffle(options)
    blanked = _blank(found, term)
    return Question(
        type="choice",
        stem=f"{context_prefix(clause)}下列哪一项应填入空白处？{_framed(clause, term, blanked)}",
        options=tuple(options),
        answer=LETTERS[options.index(term.text)],
        difficulty=difficulty_for(term.kind, "choice", closeness(term, distractors)),
        term_kind=term.kind,
        answer_terms=(term.text,),
        distractors=tuple(distractors),
        blanked=blanked,
        **_base(clause),
    )


def make_multi(
    clause: Clause, kind: TermKind, pool: TermPool, rng: random.Random
) -> Question | None:
    """多选题: which of four same-kind terms the clause names; two or three are right."""
    right: list[Term] = []
    for term in find_terms(clause.text):
        if term.kind == kind and all(term.norm != t.norm for t in right):
            right.append(term)
    if len(right) < 2:
        return None
    right = rng.sample(right, min(len(right), rng.choice((2, 3))))
    wrong: list[str] = []
    for candidate in pick_distractors(right[0], clause, pool, rng, k=8):
        if len(right) + len(wrong) == 4:
            break
        if all(acceptable(candidate, t.text, clause, wrong) for t in right):
            wrong.append(candidate)
    if len(right) + len(wrong) < 4:
        return None
    options = [t.text for t in right] + wrong
    rng.shuffle(options)
    correct = {t.text for t in right}
    answer = "".join(LETTERS[i] for i, option in enumerate(options) if option in correct)
    return Question(
        type="multi",
        stem=f"{context_prefix(clause)}关于“{headline(clause)}”一条，下列哪些{_MULTI_NOUNS[kind]}？",
        options=tuple(options),
        answer=answer,
        difficulty=difficulty_for(kind, "multi", closeness(right[0], wrong)),
        term_kind=kind,
        answer_terms=tuple(t.text for t in right),
        distractors=tuple(wrong),
        **_base(clause),
    )


def make_judge(clause: Clause, term: Term, pool: TermPool, rng: random.Random) -> Question | None:
    """判断题: a sentence of the clause as written (正确), or with the term swapped (错误)."""
    found = excerpt_around(clause.text, term)
    if found is None:
        return None
    sentence, _ = found
    blanked = _blank(found, term)
    base = _base(clause)
    if rng.random() < 0.5:
        return Question(
            type="judge",
            stem=f"{context_prefix(clause)}判断正误：{_framed(clause, term, sentence)}",
            options=(TRUE, FALSE),
            answer=TRUE,
            difficulty=difficulty_for(term.kind, "judge", 0.0),
            term_kind=term.kind,
            answer_terms=(term.text,),
            blanked=blanked,
            **base,
        )
    swaps = pick_distractors(term, clause, pool, rng, k=1)
    if not swaps:
        return None
    swap = swaps[0]
    base["explanation"] = f"原文为“{term.text}”，不是“{swap}”。条款原文：{clause.text}"
    return Question(
        type="judge",
        stem=f"{context_prefix(clause)}判断正误：{_framed(clause, term, blanked.replace(BLANK, swap))}",
        options=(TRUE, FALSE),
        answer=FALSE,
        difficulty=difficulty_for(term.kind, "judge", closeness(term, swaps)),
        term_kind=term.kind,
        answer_terms=(term.text,),
        distractors=(swap,),
        blanked=blanked,
        **base,
    )


def _blank(found: tuple[str, int], term: Term) -> str:
    sentence, offset = found
    at = term.start - offset
    return sentence[:at] + BLANK + sentence[at + len(term.text) :]
