"""Wrong options of the same kind as the answer, drawn from the rest of the corpus.

A distractor is never correct for the clause being asked about: it must not occur anywhere in
that clause (in either script), must differ from the answer and from the other distractors
after t2s normalisation, and must not contain or be contained in the answer (so "三个必须"
never competes with "三个必须要求").
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz import numerals
from quiz.law_terms import domains_of
from quiz.terms import Term, clause_terms, number_of

#: Kinds whose distractors are generated from the answer's number when the corpus has too few.
NUMERIC_KINDS = frozenset({"figure", "percent", "deadline", "period", "range"})


@dataclass(frozen=True)
class TermPool:
    """Every term of the corpus, grouped by (kind, unit, script), in a stable sorted order.

    The script matters for text kinds: a Simplified option among Traditional ones gives the
    answer away, so a Traditional clause draws quoted terms and titles from Traditional
    documents only. Numbers are re-rendered with the answer's own unit, so they need no split.
    """

    groups: dict[tuple[str, str, bool], tuple[str, ...]] = field(default_factory=dict)
    #: The documents each text term occurs in (Simplified text → doc ids), so a law's
    #: question takes its wrong subjects and terms from the same law first.
    docs: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_clauses(cls, clauses: Iterable[Clause]) -> TermPool:
        collected: dict[tuple[str, str, bool], dict[str, str]] = {}
        docs: dict[str, set[str]] = {}
        for clause in clauses:
            traditional = is_traditional(clause)
            for term in clause_terms(clause):
                key = _group_key(term, traditional)
                collected.setdefault(key, {}).setdefault(term.norm, term.text)
                if term.kind not in NUMERIC_KINDS:
                    docs.setdefault(term.norm, set()).add(clause.doc.doc_id)
        groups = {
            key: tuple(texts[norm] for norm in sorted(texts))
            for key, texts in sorted(collected.items())
        }
        return cls(groups, {norm: frozenset(ids) for norm, ids in docs.items()})

    def candidates(self, term: Term, traditional: bool) -> tuple[str, ...]:
        return self.groups.get(_group_key(term, traditional), ())


def is_traditional(clause: Clause) -> bool:
    """Whether the clause is written in Traditional script (t2s changes it)."""
    return clause.text != clause.text_norm


def occurs_in(text: str, clause: Clause) -> bool:
    """Whether ``text`` occurs in the clause, in either script."""
    return text in clause.text or to_simplified(text) in clause.text_norm


def acceptable(candidate: str, answer: str, clause: Clause, chosen: Sequence[str]) -> bool:
    """The distractor rules of the module docstring, for one candidate."""
    norm, answer_norm = to_simplified(candidate), to_simplified(answer)
    if not norm or norm in answer_norm or answer_norm in norm or occurs_in(candidate, clause):
        return False
    return all(to_simplified(other) != norm for other in chosen)


def pick_distractors(
    term: Term, clause: Clause, pool: TermPool, rng: random.Random, k: int = 3
) -> list[str]:
    """Up to ``k`` distractors for ``term`` of ``clause``; fewer when the corpus has too few.

    Corpus terms come first (they are real policy language); for numbers, values near the
    answer fill up. Text candidates of similar length are preferred, so options look alike.
    """
    candidates = list(pool.candidates(term, is_traditional(clause)))
    if term.kind in NUMERIC_KINDS and term.chinese:
        candidates = _chinese_candidates(term, candidates, rng)
    elif term.kind in NUMERIC_KINDS:
        answer = term.value or 0.0
        plausible = [v for v in map(_number, candidates) if _within(v, answer, 5.0)]
        candidates = [_renumber(term, v) for v in plausible]
        rng.shuffle(candidates)
        candidates += _nearby_numbers(term, rng)
    else:
        rng.shuffle(candidates)
        candidates.sort(key=lambda c: abs(len(c) - len(term.text)) // 3)
        if clause.doc.national:  # 防火巡查 in a question on 矿山 answers itself
            domains = domains_of(clause.text_norm)
            candidates = [c for c in candidates if domains_of(to_simplified(c)) <= domains]
            own = clause.doc.doc_id  # and 防汛指挥机构 among 安全生产法's subjects stands out
            candidates.sort(key=lambda c: own not in pool.docs.get(to_simplified(c), ()))
    chosen: list[str] = []
    for candidate in candidates:
        if len(chosen) == k:
            break
        if acceptable(candidate, term.text, clause, chosen):
            chosen.append(candidate)
    return chosen


def closeness(term: Term, distractors: Sequence[str]) -> float:
    """How close the distractors are to the answer, 0 (far) … 1 (near); feeds difficulty.

    Numbers: share of distractors within a factor 1.5 of the answer (months: within 2).
    Text: mean share of the answer's characters that a distractor also has.
    """
    if not distractors:
        return 0.0
    if term.kind in NUMERIC_KINDS and term.value:
        answer = term.value
        near = 0
        for distractor in distractors:
            value = _number(distractor)
            if term.kind == "deadline":
                near += abs(value - answer) <= 2
            else:
                near += _within(value, answer, 1.5)
        return near / len(distractors)
    chars = set(to_simplified(term.text))
    shares = [len(chars & set(to_simplified(d))) / len(chars) for d in distractors]
    return sum(shares) / len(shares)


def _group_key(term: Term, traditional: bool) -> tuple[str, str, bool]:
    if term.kind in NUMERIC_KINDS:
        suffix = "" if term.kind != "deadline" else _deadline_suffix(term.text)
        suffix += "·中文" if term.chinese else ""  # 三十日 and 30日 never meet in one question
        return (term.kind, to_simplified(term.unit) + suffix, False)
    if term.kind == "subject":  # a department never competes with a person of the enterprise
        return (term.kind, term.unit, traditional)
    # "1·13" among "灰犀牛", "黑名单" would stand out: quoted terms with digits form their own group
    digits = "digits" if any(ch.isdigit() for ch in term.text) else ""
    return (term.kind, digits, traditional)


def _deadline_suffix(text: str) -> str:
    """The form of a deadline without its month: "月底前", "月20日前" → "月日前"."""
    return re.sub(r"\d+", "", text.split("月", 1)[1])


def _number(text: str) -> float:
    return number_of(text) or 0.0


def _chinese_candidates(term: Term, pool: list[str], rng: random.Random) -> list[str]:
    """Wrong figures written as the law writes them: values other articles use for the same
    unit first (nearest first), then the unit's ladder (一百人 → 五十人, 二百人; 三十日 → 十五日).
    A range takes other articles' ranges of its unit, then ranges stepped along the ladder."""
    answer = numerals.numbers_in(term.text)
    if not answer:
        return []
    if term.kind == "range":
        rng.shuffle(pool)
        pool.sort(key=lambda text: _ratio(_number(text), answer[0]))
        return pool + _stepped_ranges(term.text, answer, term.unit)
    values = sorted({int(v) for v in map(_number, pool) if v and v != answer[0]})
    rng.shuffle(values)
    values.sort(key=lambda v: round(_ratio(v, answer[0]), 1))
    values += numerals.neighbours(answer[0], term.unit)
    return [numerals.replace_numbers(term.text, [v]) for v in values if 0 < v < 10_000]


def _stepped_ranges(text: str, answer: list[int], unit: str) -> list[str]:
    """X以上Y以下 moved along the unit's ladder, keeping about the answer's ratio Y/X."""
    if len(answer) < 2 or not answer[0]:
        return []
    low, high = answer[:2]
    ladder = numerals.ladder_for(unit)
    ranges = []
    for new_low in numerals.neighbours(low, unit):
        above = [v for v in ladder if v > new_low]
        if above:
            new_high = min(above, key=lambda v: abs(v / new_low - high / low))
            ranges.append(numerals.replace_numbers(text, [new_low, new_high]))
    return ranges


def _ratio(value: float, answer: float) -> float:
    return max(value, answer) / min(value, answer) if value > 0 and answer > 0 else 1e9


def _within(value: float, answer: float, factor: float) -> bool:
    """Whether two positive numbers are within ``factor`` of each other."""
    return value > 0 and answer > 0 and max(value, answer) / min(value, answer) <= factor


def _render(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _renumber(term: Term, value: float) -> str:
    """The answer's own text with its leading number (or month) replaced."""
    return re.sub(r"^\d+(?:\.\d+)?", _render(value), term.text, count=1)


def _nearby_numbers(term: Term, rng: random.Random) -> list[str]:
    """Plausible values near the answer: other months, or scaled and shifted figures."""
    answer = term.value or 0.0
    if term.kind == "deadline":
        months = [m for m in range(1, 13) if m != answer]
        months.sort(key=lambda m: (abs(m - answer), m))
        values = [float(m) for m in months]
    else:
        raw = [answer * f for f in (0.5, 0.8, 1.2, 1.5, 2.0, 3.0)] + [
            answer + d for d in (-2, -1, 1, 2, 5, 10)
        ]
        if term.kind == "percent":
            raw = [v for v in raw if v <= 100 or answer > 100]
        # counts stay whole (no "1.6座"); only small percentages get a decimal
        decimals = 1 if term.kind == "percent" and answer < 5 else 0
        values = sorted({round(v, decimals) for v in raw if round(v, decimals) > 0})
        rng.shuffle(values)
    return [_renumber(term, v) for v in values if v != answer]
