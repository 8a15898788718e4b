"""Checkable facts of a clause, for marking what differs between the columns of a comparison.

The same kinds a trainer blanks (``quiz/terms.py``): figures with units (50支, 30万吨),
percentages (80%), deadlines (6月底前, 年底前), “quoted” terms and the lead departments of a
responsibility note ((省应急管理厅牵头…)). ``quiz`` sits above ``retriever`` in the layers, so
its extractor cannot be imported here; this one is kept to what a comparison needs (no
offsets, no distractor units) and matches on the Simplified text, returning the facts as
written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from corpus.script import to_simplified

FactKind = Literal["figure", "percent", "deadline", "quoted", "department"]

_UNITS = (
    "万吨", "万元", "亿元", "万名", "万人", "万户", "万家", "万个", "小时", "公里", "平方米",
    "个", "家", "座", "支", "名", "人", "项", "次", "所", "处", "条", "吨", "台", "辆", "艘",
    "场", "批", "类", "户", "件", "套", "级", "块", "张", "份", "架", "队", "矿次", "起", "天",
    "元", "米", "日", "万", "亿",
)  # fmt: skip
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_NUMBER = r"(?<![\d.])\d+(?:\.\d+)?"
_PATTERNS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("percent", re.compile(rf"{_NUMBER}[%％]")),
    ("deadline", re.compile(r"(?:(?<!\d)(?:1[0-2]|[1-9])月(?:底|末|上旬|中旬|下旬|\d{1,2}日)?|年底|年内)前")),
    ("figure", re.compile(rf"{_NUMBER}(?:{_UNIT})(?:以上|以下)?(?!\d)")),
    ("quoted", re.compile(r"(?<=“)[^“”]{2,20}(?=”)")),
)  # fmt: skip
_NOTE = re.compile(r"[（(]([^（）()]{2,160})[)）]")
_NOTE_END = re.compile(r"牵头|会同|等有关部门|等部门|按职责|分工负责|负责|配合")


@dataclass(frozen=True)
class Fact:
    """One fact as written in the clause; ``norm`` (Simplified) is what columns compare."""

    kind: FactKind
    text: str

    @property
    def norm(self) -> str:
        return to_simplified(self.text)


def find_facts(text: str) -> tuple[Fact, ...]:
    """The facts of ``text`` in order of position, each once, overlaps resolved longest
    first (a percent is not also a figure, a deadline not a figure of 月)."""
    norm = to_simplified(text)
    if len(norm) != len(text):
        norm = text
    spans: list[tuple[int, int, FactKind]] = []
    for kind, pattern in _PATTERNS:
        spans += [(m.start(), m.end(), kind) for m in pattern.finditer(norm)]
    spans += _departments(norm)
    kept: list[tuple[int, int, FactKind]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, kind))
    facts = dict.fromkeys(Fact(kind, text[start:end]) for start, end, kind in kept)
    return tuple(facts)


def _departments(norm: str) -> list[tuple[int, int, FactKind]]:
    """Lead departments named before 牵头/负责/会同 in a parenthesised responsibility note."""
    found: list[tuple[int, int, FactKind]] = []
    for note in _NOTE.finditer(norm):
        inner = note.group(1)
        end = _NOTE_END.search(inner)
        if end is None or end.start() == 0:
            continue
        position = note.start(1)
        for name in re.split(r"([、，,])", inner[: end.start()]):
            start = position
            position += len(name)
            if name in "、，,":
                continue
            if name.startswith("省") and not name.startswith("省委"):
                name, start = name[1:], start + 1
            if len(name) >= 2 and "有关" not in name and not name.startswith("各"):
                found.append((start, start + len(name), "department"))
    return found
