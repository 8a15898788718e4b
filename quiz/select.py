"""Choosing the clauses a quiz is about: by province, year, document, section, query or ids.

Selectors combine with AND; an empty selector selects everything. The result keeps corpus
order, so the same selection always gives the same list (and, with a seed, the same quiz).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corpus.clause import Clause, short_province
from corpus.script import to_simplified
from quiz.generate import body_clauses

#: How many search hits a query selects (before the other selectors narrow them).
QUERY_HITS = 30


@dataclass(frozen=True)
class Selection:
    """What to quiz on. ``provinces`` accept 青海 or 青海省; ``section`` a heading number
    ("四", "二、（三）") or words of a heading ("安全生产方面"); ``ids`` exact clause ids."""

    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    docs: tuple[str, ...] = ()
    section: str = ""
    query: str = ""
    ids: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [
            f"province={','.join(self.provinces)}" if self.provinces else "",
            f"year={','.join(map(str, self.years))}" if self.years else "",
            f"doc={','.join(self.docs)}" if self.docs else "",
            f"section={self.section}" if self.section else "",
            f"query={self.query}" if self.query else "",
            f"ids={len(self.ids)}" if self.ids else "",
        ]
        return " ".join(p for p in parts if p) or "whole corpus"


def select_clauses(
    clauses: Sequence[Clause], selection: Selection, retriever: Any = None
) -> list[Clause]:
    """The body clauses of ``clauses`` that match every selector, in corpus order.

    A query needs ``retriever`` (a ``retriever.Retriever``): its top :data:`QUERY_HITS` hits,
    searched with the province/year selectors as filters, are the query's clauses.
    Raises ``ValueError`` for a query without a retriever.
    """
    chosen = body_clauses(clauses)
    if selection.ids:
        wanted = set(selection.ids)
        chosen = [c for c in chosen if c.id in wanted]
    if selection.provinces:
        names = {short_province(to_simplified(p.strip())) for p in selection.provinces}
        chosen = [c for c in chosen if short_province(to_simplified(c.province)) in names]
    if selection.years:
        chosen = [c for c in chosen if c.year in selection.years]
    if selection.docs:
        chosen = [c for c in chosen if c.doc.doc_id in selection.docs]
    if selection.section:
        chosen = [c for c in chosen if in_section(c, selection.section)]
    if selection.query:
        if retriever is None:
            raise ValueError("a search query needs a retriever")
        found = _searched_ids(retriever, selection)
        chosen = [c for c in chosen if c.id in found]
    return chosen


def in_section(clause: Clause, section: str) -> bool:
    """Whether the clause sits under a heading matching ``section``.

    A numbering ("四", "四、", "（三）", "二、（三）") matches the headings it starts (so "四"
    does not match "四十"); words match any heading containing them. Both sides are compared
    in Simplified form with ASCII brackets made full-width.
    """
    wanted = _norm(section).rstrip("、.． ")
    if not wanted:
        return True
    headings = [_norm(h) for h in clause.path]
    numbers = _NUMBERING.findall(wanted)
    if numbers and _NUMBERING.sub("", wanted).strip("、.． ") == "":
        remaining = iter(headings)
        return all(any(_starts_with_number(h, n) for h in remaining) for n in numbers)
    return any(wanted in h for h in headings)


_NUMBERING = re.compile(r"[一二三四五六七八九十]+|（[一二三四五六七八九十]+）")


def _starts_with_number(heading: str, number: str) -> bool:
    """ "四" starts "四、…" but not "四十、…"; "（三）" starts "（三）…"."""
    if number.startswith("（"):
        return heading.startswith(number)
    return re.match(re.escape(number) + r"[、.．]", heading) is not None


def _norm(text: str) -> str:
    return to_simplified(text).replace("(", "（").replace(")", "）").strip()


def _searched_ids(retriever: Any, selection: Selection) -> set[str]:
    result = retriever.search(
        selection.query,
        k=QUERY_HITS,
        province=list(selection.provinces) or None,
        year=list(selection.years) or None,
    )
    return {hit.clause.id for hit in result.hits}
