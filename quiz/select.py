"""Choosing the clauses a quiz is about: by province, year, document, section, query, ids,
and for laws by law, chapter, article range and status.

Selectors combine with AND; an empty selector selects everything. The result keeps corpus
order, so the same selection always gives the same list (and, with a seed, the same quiz).
Only texts in force (现行有效, 已被修改) are selected unless ``statuses`` says otherwise: a
quiz on a repealed or superseded version teaches what no longer holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corpus.clause import IN_FORCE, STATUSES, Clause, short_province
from corpus.script import to_simplified
from index.protocol import SOURCES
from quiz.generate import body_clauses
from quiz.numerals import parse as parse_numeral

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
    laws: tuple[str, ...] = ()  # 安全生产法 or 中华人民共和国安全生产法: only these laws' articles
    chapter: str = ""  # 第三章, 三 or words of the chapter (从业人员的安全生产权利义务)
    articles: str = ""  # 第二十条-第三十条, 20-30, 21,25,97
    statuses: tuple[str, ...] = IN_FORCE
    source: str = "all"  # all, provincial (the documents) or laws (the national laws)

    def describe(self) -> str:
        parts = [
            f"laws={','.join(self.laws)}" if self.laws else "",
            f"chapter={self.chapter}" if self.chapter else "",
            f"articles={self.articles}" if self.articles else "",
            f"status={','.join(self.statuses)}" if self.statuses != IN_FORCE else "",
            f"source={self.source}" if self.source != "all" else "",
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
    unknown = [status for status in selection.statuses if status not in STATUSES]
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; use one of {', '.join(STATUSES)}")
    chosen = [c for c in chosen if c.doc.status in selection.statuses]
    if selection.source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {selection.source!r}")
    if selection.source != "all":
        chosen = [c for c in chosen if c.doc.national == (selection.source == "laws")]
    if selection.laws:
        wanted_laws = {_law_key(name) for name in selection.laws}
        chosen = [c for c in chosen if c.doc.national and _law_key(c.title) in wanted_laws]
    if selection.chapter:
        chosen = [c for c in chosen if in_chapter(c, selection.chapter)]
    if selection.articles:
        numbers = article_numbers(selection.articles)
        chosen = [c for c in chosen if article_number(c) in numbers]
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


def _law_key(name: str) -> str:
    return to_simplified(name.strip().strip("《》")).removeprefix("中华人民共和国")


_ARTICLE = re.compile(r"^第([一二三四五六七八九十百千零]+)条")


def article_number(clause: Clause) -> int | None:
    """The article a clause is (or is part of): 第二十一条第二款 → 21; ``None`` for others."""
    match = _ARTICLE.match(clause.item) if clause.kind == "article" else None
    return parse_numeral(match.group(1)) if match else None


def article_numbers(spec: str) -> frozenset[int]:
    """The articles of a range spec: "第二十条-第三十条", "20-30", "21,25,97", "第21条".

    Raises ``ValueError`` for anything else.
    """
    numbers: set[int] = set()
    for part in re.split(r"[,，、]", spec):
        bounds = [_one_article(b) for b in re.split(r"[-－—~～至到]", part.strip()) if b.strip()]
        if len(bounds) == 1:
            numbers.add(bounds[0])
        elif len(bounds) == 2 and bounds[0] <= bounds[1]:
            numbers.update(range(bounds[0], bounds[1] + 1))
        else:
            raise ValueError(f"not an article range: {part!r} (e.g. 第二十条-第三十条 or 20-30)")
    return frozenset(numbers)


def _one_article(text: str) -> int:
    core = text.strip().removeprefix("第").removesuffix("条")
    value = int(core) if core.isdigit() else parse_numeral(core)
    if not value:
        raise ValueError(f"not an article number: {text!r}")
    return value


def in_chapter(clause: Clause, chapter: str) -> bool:
    """Whether a law article sits in a chapter (or 编/节) matching ``chapter``: "第三章" or
    "三" match the heading "第三章 从业人员的安全生产权利义务" (not 第三十章); words match any
    heading containing them."""
    wanted = _norm(chapter)
    number = re.fullmatch(r"第?([一二三四五六七八九十百]+)([编章节])?", wanted)
    for heading in map(_norm, clause.path):
        if number:
            level = number.group(2) or "章"
            if heading.startswith(f"第{number.group(1)}{level}"):
                return True
        elif wanted and wanted in heading:
            return True
    return False


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
