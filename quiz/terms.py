"""Blankable key terms of a clause: the facts a trainer would test.

A term is a span of ``Clause.text`` (original script) of one kind:

- ``figure``: a number with a unit (150座, 50支, 2萬名, 10个以上 → "10个");
- ``percent``: 20%, 1%;
- ``deadline``: 6月底前, 12月20日前;
- ``quoted``: the inside of “…” (三个必须, 回头看);
- ``title``: the inside of 《…》;
- ``department``: one lead department inside a responsibility note in parentheses
  ("(省委宣传部、应急管理厅牵头,…)" → 省委宣传部, 应急管理厅; the 省 prefix is left in the text).

Law articles (``find_terms(text, law=True)``, see :mod:`quiz.law_terms`) add figures in
Chinese numerals (一百人, ``figure``), time limits (三十日内, ``period``), ranges
(五万元以上十万元以下, ``range``), 百分之五十 (``percent``), responsible subjects
(``subject``, unit "gov" or "unit" for the side they are on) and key terms (``keyterm``).

Only these kinds are extracted, so particles and filler verbs (加强, 推进, 落实 …) are never
blanked; :func:`is_trivial` additionally guards quoted terms and titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz import numerals
from quiz.law_terms import law_spans

TermKind = Literal[
    "figure", "percent", "deadline", "quoted", "title", "department", "period", "range",
    "subject", "keyterm",
]  # fmt: skip

#: Units a counted figure may carry (Simplified; text is matched after t2s, so 個/項/萬 count).
UNITS = (
    "万吨", "万元", "亿元", "万名", "万人", "万张", "万户", "万家", "万个", "万", "亿",
    "小时", "公里", "千米", "平方米", "个", "家", "座", "支", "名", "人", "项", "次", "所", "处",
    "条", "吨", "台", "辆", "艘", "场", "批", "类", "户", "件", "套", "级", "道", "块", "张",
    "份", "架", "队", "矿次", "起", "天", "元", "米",
)  # fmt: skip

#: Words that are never worth a blank, even when quoted.
TRIVIAL = frozenset(
    {
        "的", "了", "和", "与", "及", "等", "在", "是", "加强", "推进", "落实", "工作", "开展",
        "强化", "健全", "完善", "推动", "深入", "全面", "持续", "进一步", "坚持", "提升", "建设",
        "安全", "生产", "安全生产", "管理", "要求", "部门",
    }
)  # fmt: skip

_NUMBER = r"(?<![\d.])\d+(?:\.\d+)?"
_UNIT_RE = "|".join(sorted(UNITS, key=len, reverse=True))
_FIGURE = re.compile(rf"{_NUMBER}(?:{_UNIT_RE})(?!\d)")
_PERCENT = re.compile(rf"{_NUMBER}[%％]")
_DEADLINE = re.compile(r"(?<!\d)(?:1[0-2]|[1-9])月(?:底|末|(?:[12]\d|3[01]|[1-9])日)?前")
_QUOTED = re.compile(r"“([^“”]{2,20})”")
_TITLE = re.compile(r"《([^《》]{4,60})》")
_NOTE = re.compile(r"[（(]([^（）()]{2,160})[)）]")
_NOTE_END = re.compile(r"牵头|会同|等有关部门|等部门|按职责|分工负责|负责|配合")


@dataclass(frozen=True)
class Term:
    """One blankable span: ``text`` is exactly ``clause.text[start:end]``.

    ``unit`` is the Simplified unit of a figure ("个", "%" for percents, "" otherwise), so
    distractors can be drawn with the same unit.
    """

    kind: TermKind
    text: str
    start: int
    end: int
    unit: str = ""

    @property
    def norm(self) -> str:
        return to_simplified(self.text)

    @property
    def chinese(self) -> bool:
        """Whether the number is written in Chinese numerals (三十日, 百分之五十)."""
        return bool(numerals.numbers_in(self.text)) and not any(c.isdigit() for c in self.text)

    @property
    def value(self) -> float | None:
        """The number of a figure, percent or deadline (the month for deadlines; the lower
        bound of a range)."""
        return number_of(self.text)


def number_of(text: str) -> float | None:
    """The first number of ``text``, in Arabic digits or Chinese numerals."""
    match = re.match(r"\d+(?:\.\d+)?", text)
    if match:
        return float(match.group())
    found = numerals.numbers_in(text)
    return float(found[0]) if found else None


def is_trivial(text: str) -> bool:
    """True for spans no trainer would blank: filler words, bare numbers, one character."""
    core = to_simplified(text).strip()
    return len(core) < 2 or core in TRIVIAL or core.isdigit()


def clause_terms(clause: Clause) -> tuple[Term, ...]:
    """The terms of a clause: law articles (national texts) get the law kinds as well."""
    return find_terms(clause.text, law=clause.doc.national)


@lru_cache(maxsize=16384)
def find_terms(text: str, law: bool = False) -> tuple[Term, ...]:
    """All key terms of ``text``, in order of position, without overlaps.

    Matching runs on the Simplified form (OpenCC t2s keeps the length of these spans, checked
    per term), while the returned ``text`` is sliced from the original, so stems and answers
    keep the document's script.
    """
    norm = to_simplified(text)
    if len(norm) != len(text):
        norm = text
    found: list[Term] = []
    for match in _PERCENT.finditer(norm):
        found.append(Term("percent", text[match.start() : match.end()], *match.span(), unit="%"))
    for match in _FIGURE.finditer(norm):
        unit = re.sub(r"^[\d.]+", "", match.group())
        found.append(Term("figure", text[match.start() : match.end()], *match.span(), unit=unit))
    for match in _DEADLINE.finditer(norm):
        found.append(Term("deadline", text[match.start() : match.end()], *match.span()))
    for kind, pattern in (("quoted", _QUOTED), ("title", _TITLE)):
        for match in pattern.finditer(norm):
            if not is_trivial(match.group(1)):
                span = match.span(1)
                found.append(Term(kind, text[span[0] : span[1]], *span))  # type: ignore[arg-type]
    if law:  # a law's parentheses (包括法定代表人、实际控制人…) are no responsibility notes
        found = [t for t in found if t.kind != "quoted"]
    else:
        found.extend(_departments(text, norm))
    if law:
        for kind, start, end, unit in law_spans(norm):
            found.append(Term(kind, text[start:end], start, end, unit=unit))  # type: ignore[arg-type]
    return tuple(_without_overlaps(found))


def _departments(text: str, norm: str) -> list[Term]:
    """Lead departments of the responsibility notes: the names before 牵头/会同/负责 …."""
    terms: list[Term] = []
    for note in _NOTE.finditer(norm):
        inner = note.group(1)
        end = _NOTE_END.search(inner)
        if end is None or end.start() == 0:
            continue
        offset = note.start(1)
        position = 0
        for name in re.split(r"[、，,]", inner[: end.start()]):
            start = offset + position
            position += len(name) + 1
            if name.startswith("省") and not name.startswith("省委"):
                name, start = name[1:], start + 1
            if len(name) < 2 or "有关" in name or name.startswith("各"):
                continue
            terms.append(
                Term("department", text[start : start + len(name)], start, start + len(name))
            )
    return terms


def _without_overlaps(terms: list[Term]) -> list[Term]:
    """Keep the earliest, then longest, of overlapping spans; a quoted title loses to neither."""
    kept: list[Term] = []
    for term in sorted(terms, key=lambda t: (t.start, -(t.end - t.start), t.kind)):
        if kept and term.start < kept[-1].end:
            continue
        kept.append(term)
    return kept


def swappable(clause: Clause, term: Term) -> bool:
    """Whether another term of the kind can stand in the term's place: not after 其他
    ("应急管理部门和其他负有…职责的部门": any other department after 其他 contradicts)."""
    return not (term.kind == "subject" and clause.text[: term.start].endswith("其他"))
