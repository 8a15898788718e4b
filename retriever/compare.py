"""Comparisons: what each province (and the national laws) says on one topic, side by side.

``compare(retriever, "浙江和云南在危化品方面的要求有什么不同")`` prepares the question once
(:meth:`Retriever.prepare <retriever.search.Retriever.prepare>`), takes its sources (the
provinces named, every province for 各省, a 全国 column for national laws when they are in
scope) and searches each source on its own, restricted by its :class:`~index.protocol.Scope`
(one province's own documents — ``source="provincial"`` — or ``source="laws"``). Each column keeps its strong clauses
(:func:`retriever.gather.strong_hits`); a source whose search is low-confidence says it has
nothing on the topic instead of showing weak matches. Facts (figures, deadlines, lead
departments, quoted terms) found in one column and in no other are marked as differing.

The page's 对比 view, the ``/compare`` API and ``python -m retriever compare`` all call
:func:`compare`; bad input raises :class:`CompareError` with a ``code`` the page turns into
a Chinese message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from corpus.clause import Clause, short_province
from corpus.script import to_simplified
from retriever.comparison import NATIONAL, Column, Comparison, MarkedFact, Request
from retriever.facts import find_facts
from retriever.gather import strong_hits
from retriever.hit import Filters, SearchResult
from retriever.prepare import QUESTION_BOILERPLATE, PreparedQuery
from retriever.query import ALL_PROVINCES

__all__ = [
    "MAX_SOURCES", "NATIONAL", "PER_SOURCE", "Column", "CompareError", "Comparer", "Comparison",
    "MarkedFact", "Request", "compare", "compare_request", "has_topic", "read_comparison",
]  # fmt: skip

#: Most sources side by side (columns that still fit a page and a report table).
MAX_SOURCES = 6
#: Clauses shown per source.
PER_SOURCE = 3

#: Words that ask for a comparison rather than name its topic; taken out before the
#: question is prepared, so BM25 and highlighting do not look for 不同 or 比较.
_COMPARE = re.compile(
    r"(?:有什么|有何|有哪些|都有哪些|分别有什么|分别)?(?:不同之处|不同|区别|差别|差异|异同)"
    r"|(?:分别|各自)|(?:进行)?(?:对比|比较)(?:一下)?|相比较?"
    r"|方面(?:的)?(?:要求|规定|工作|措施|做法)?"
)
#: 各省 / 各地 / 所有省份: every province of the corpus.
_EVERY_PROVINCE = re.compile(r"各省(?:份|区市|市)?|各地|所有省份?|全部省份?|每个省份?")
#: 与全国法律相比 / 和国家法规: the national laws as a source.
_NATIONAL = re.compile(
    r"(?:与|和|跟|同|及)?(?:全国|国家)(?:性)?(?:的)?(?:法律法规|法律|法规|层面|规定)"
    r"|(?:与|和|跟|同)全国(?=相比|比较|对比)"
)
_MEANINGFUL = re.compile(r"[^\W_]")
_NOT_TEXT = re.compile(r"[\W_]+")


class Comparer(Protocol):
    """What a comparison needs of :class:`~retriever.search.Retriever`."""

    @property
    def clauses(self) -> Sequence[Clause]: ...

    def provinces(self) -> Sequence[str]: ...

    def prepare(self, query: object, province: Any = None, year: Any = None) -> PreparedQuery: ...

    def search(self, query: str | PreparedQuery, k: int = 10) -> SearchResult: ...


class CompareError(ValueError):
    """A comparison that cannot be made, in English (CLI) with a ``code`` and details the
    page words in Chinese: ``no-topic``, ``one-source`` (``count``), ``too-many``
    (``count``, ``limit``), ``absent`` (``provinces``: named, no documents), ``unknown``
    (``name``)."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def compare(
    retriever: Comparer,
    question: str,
    provinces: Sequence[str] | str | None = None,
    years: Any = None,
    *,
    laws: bool | None = None,
    every_province: bool = False,
    per_source: int = PER_SOURCE,
    max_sources: int = MAX_SOURCES,
) -> Comparison:
    """Compare what each source says about the topic of ``question``.

    Sources are the provinces named in ``question`` together with ``provinces``; 各省 (各地,
    所有省份) means every province of the corpus. ``laws`` adds a 全国 column searched over
    national laws only: True always, False never, None when the corpus holds national laws
    (or the question asks, 与全国法律相比). ``years`` (as :meth:`Retriever.search`) restricts
    every column. ``every_province`` asks for every province as 各省 in the question does.

    Raises :class:`CompareError` for a question with no topic, fewer than two sources, more
    than ``max_sources`` named, or only provinces without documents; ``ValueError`` for a
    bad year or an empty question.
    """
    text, every_named, national_asked = read_comparison(question)
    every_province = every_province or every_named
    prepared = retriever.prepare(text, None, years)
    if not has_topic(prepared):
        raise CompareError("no-topic", f"no topic to compare in {question!r}")
    named, absent = _sources(retriever, prepared, provinces)
    corpus_provinces = provincial(retriever)
    chosen = list(corpus_provinces) if every_province else named
    has_laws = any(c.doc.national for c in retriever.clauses)
    want_laws = (has_laws or national_asked) if laws is None else laws
    with_laws = want_laws and has_laws
    count = len(chosen) + with_laws
    if count < 2:
        if absent:
            raise CompareError(
                "absent",
                f"the documents hold nothing from {', '.join(absent)}; "
                "a comparison needs two sources with documents",
                provinces=absent,
            )
        raise CompareError(
            "one-source", f"a comparison needs at least two sources, got {count}", count=count
        )
    if not every_province and count > max_sources:
        raise CompareError(
            "too-many",
            f"at most {max_sources} sources fit side by side, got {count}",
            count=count,
            limit=max_sources,
        )
    columns = [_column(retriever, prepared, p, False, per_source) for p in chosen]
    if with_laws:
        columns.append(_column(retriever, prepared, NATIONAL, True, per_source))
    overflow: tuple[str, ...] = ()
    if every_province:
        found = [c for c in columns if c.found and not c.national]
        if len(found) + with_laws > max_sources:
            keep = {c.source for c in found[: max_sources - with_laws]}
            overflow = tuple(c.source for c in found if c.source not in keep)
            columns = [c for c in columns if c.national or c.source in keep or not c.found]
    return Comparison(
        question=question.strip(),
        prepared=prepared,
        columns=tuple(mark_differences(columns)),
        every_province=every_province,
        absent=absent,
        overflow=overflow,
        laws_missing=want_laws and not has_laws,
    )


def compare_request(retriever: Comparer, request: Request, **options: Any) -> Comparison:
    """:func:`compare` of a :class:`Request` (what the page's follow-ups build)."""
    return compare(
        retriever,
        request.question,
        request.provinces or None,
        list(request.years) or None,
        laws=request.laws,
        every_province=request.every_province,
        **options,
    )


def read_comparison(question: str) -> tuple[str, bool, bool]:
    """``question`` without its comparison words, whether it asks about every province
    (各省), and whether it asks for the national laws (与全国法律相比).

    Spaces replace what is removed so no word spans the gap; raises ``ValueError`` for a
    question that is not a string (the preparation reports an empty one).
    """
    if not isinstance(question, str):
        raise ValueError(f"question must be a string, got {type(question).__name__}")
    norm = to_simplified(question)
    if len(norm) != len(question):
        norm = question
    every = bool(_EVERY_PROVINCE.search(norm))
    national = bool(_NATIONAL.search(norm))
    spans = [
        m.span()
        for pattern in (_NATIONAL, _EVERY_PROVINCE, _COMPARE)
        for m in pattern.finditer(norm)
    ]
    chars = list(question)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    text = "".join(chars)
    return (text if _MEANINGFUL.search(text) else question), every, national


def has_topic(prepared: PreparedQuery) -> bool:
    """Whether anything is left to compare once provinces, years and question words
    (有什么要求, 方面, 的) are taken out: 浙江和云南有什么不同 names no topic."""
    if prepared.filters.provinces and prepared.rest == prepared.text.strip():
        return False  # the question was only filter words (prepare kept it whole)
    left = QUESTION_BOILERPLATE.sub(" ", prepared.norm)
    left = re.sub(r"方面|情况|要求|规定|的|在|对|和|与|及|之间", " ", left)
    return bool(_MEANINGFUL.search(left))


def provincial(retriever: Comparer) -> tuple[str, ...]:
    """The corpus provinces that have documents of their own (not only national laws)."""
    own = {c.province for c in retriever.clauses if c.province and not c.doc.national}
    return tuple(p for p in retriever.provinces() if p in own)


def _sources(
    retriever: Comparer, prepared: PreparedQuery, extra: Sequence[str] | str | None
) -> tuple[list[str], tuple[str, ...]]:
    """(corpus provinces named in the question or in ``extra``, named provinces without
    documents). A name in ``extra`` that is no province at all raises ``unknown``."""
    named = list(prepared.filters.provinces)
    absent = list(prepared.filters.absent)
    items = [extra] if isinstance(extra, str) else list(extra or ())
    by_name: dict[str, str] = {}
    for full in retriever.provinces():
        by_name[to_simplified(full)] = full
        by_name[short_province(to_simplified(full))] = full
    every = {short_province(p): p for p in ALL_PROVINCES}
    for item in items:
        for name in re.split(r"[,，、\s]+", str(item)):
            simple = to_simplified(name.strip())
            if not simple:
                continue
            full = by_name.get(simple) or by_name.get(short_province(simple))
            if full:
                named.append(full)
            elif short_province(simple) in every:
                absent.append(every[short_province(simple)])
            else:
                raise CompareError("unknown", f"unknown province {name!r}", name=name)
    return list(dict.fromkeys(named)), tuple(dict.fromkeys(absent))


def _column(
    retriever: Comparer, prepared: PreparedQuery, source: str, national: bool, per_source: int
) -> Column:
    """One source searched on its own: the question's preparation with the source's scope."""
    scope = Filters(
        provinces=() if national else (source,),
        years=prepared.filters.years,
        statuses=prepared.filters.statuses,
        source="laws" if national else "provincial",
        detected=prepared.filters.detected,
    )
    result = retriever.search(replace(prepared, filters=scope), k=per_source)
    return Column(source, national, result, strong_hits(result)[:per_source])


def _key(text: str) -> str:
    return _NOT_TEXT.sub("", to_simplified(text))


def mark_differences(columns: Sequence[Column]) -> list[Column]:
    """Each column with its clauses' facts; a fact differs when no other column with
    clauses holds it (compared in Simplified, punctuation ignored). With fewer than two
    columns holding clauses nothing is marked: there is nothing to differ from."""
    texts = {id(c): _key("".join(h.clause.text for h in c.hits)) for c in columns}
    found = [c for c in columns if c.found]
    out = []
    for column in columns:
        others = [texts[id(o)] for o in found if o is not column]
        marked = []
        for hit in column.hits:
            for fact in find_facts(hit.clause.text):
                key = _key(fact.text)
                differs = bool(others) and not any(key in other for other in others)
                marked.append(MarkedFact(fact, hit.clause.id, differs))
        out.append(replace(column, facts=tuple(marked)))
    return out
