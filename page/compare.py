"""The 对比 view's logic, as pure functions: run a comparison, follow-ups, the API, messages.

Every door (this view, the ``/compare`` API, ``python -m retriever compare``) calls
:func:`retriever.compare.compare`; this module only resolves follow-ups against the
previous comparison and turns :class:`~retriever.compare.CompareError` into the page's
Chinese sentences. ``page.compare_view`` wires it to Gradio.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from corpus.clause import short_province
from page import messages as msg
from page.conversation import is_follow_up_rest
from retriever.compare import CompareError, Comparer, Comparison, Request, compare_request

#: Follow-up verbs: 再加上河南 adds a province, 去掉云南 removes one.
_ADD = re.compile(r"^(?:再|还要|也|请)?(?:加上|加入|添加|增加|补充|加|还有|以及|和|与)")
_REMOVE = re.compile(r"^(?:请)?(?:去掉|去除|删除|删掉|不要|不看|移除|除去|拿掉)")
#: 2020年以后 / 2020年以来 / 2020年起: from that year on; 2020年以前: up to it.
_AFTER = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:以后|之后|以来|往后|后|起)")
_BEFORE = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:以前|之前|前)")


class NeedsComparison(ValueError):
    """A follow-up (再加上河南) arrived before any comparison to build on."""


@dataclass(frozen=True)
class CompareState:
    """One browser session's 对比 view: the last request and its comparison (for
    follow-ups and downloads), or the notice that refused the last input."""

    request: Request | None = None
    comparison: Comparison | None = None
    notice: str = ""


def error_message(error: ValueError) -> str:
    """The page's sentence for a comparison that cannot be made."""
    if isinstance(error, NeedsComparison):
        return msg.COMPARE_NO_FOLLOW_UP
    if not isinstance(error, CompareError):
        return msg.COMPARE_FAILED.format(error=error)
    details = error.details
    if error.code == "no-topic":
        return msg.COMPARE_NO_TOPIC
    if error.code == "one-source":
        return msg.COMPARE_ONE_SOURCE
    if error.code == "too-many":
        return msg.COMPARE_TOO_MANY.format(**details)
    if error.code == "absent":
        return msg.COMPARE_ABSENT_ONLY.format(provinces="、".join(details["provinces"]))
    if error.code == "unknown":
        return msg.COMPARE_UNKNOWN.format(**details)
    return msg.COMPARE_FAILED.format(error=error)


def resolve(
    retriever: Comparer,
    text: str,
    previous: Request | None,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    laws: bool = True,
) -> Request:
    """The request ``text`` means, given the previous one of this view.

    再加上河南 / 去掉云南 change the previous request's provinces; 只看2020年以后 (以前, or a
    year) its years; anything else is a new question, searched with the provinces and years
    picked beside it. Raises :class:`NeedsComparison` for a follow-up without a previous
    comparison.
    """
    text = text.strip()
    laws_flag = None if laws else False
    adding, removing = _ADD.match(text), _REMOVE.match(text)
    verb = adding or removing
    body = text[verb.end() :] if verb else text
    after, before = _AFTER.search(body), _BEFORE.search(body)
    bounded = after or before
    rest_text = _AFTER.sub(" ", _BEFORE.sub(" ", body)) if bounded else body
    prepared = retriever.prepare(rest_text or text)
    filters = prepared.filters
    named = (*filters.provinces, *filters.absent)
    rest = prepared.rest if prepared.rest != (rest_text or text).strip() else ""
    if filters.absent:  # provinces without documents stay in the text: take them out here
        rest = _without_names(rest or rest_text or text, filters.absent)
    if (named or filters.years or bounded) and is_follow_up_rest(rest):
        if previous is None:
            raise NeedsComparison(msg.COMPARE_NO_FOLLOW_UP)
        request = replace(previous, laws=laws_flag)
        if named:
            kept = [p for p in previous.provinces if not removing or p not in named]
            added = list(named) if not removing else []
            request = replace(request, provinces=tuple(dict.fromkeys((*kept, *added))))
            if removing:
                request = replace(request, every_province=False)
        if bounded:
            request = replace(request, years=_bound(retriever, after, before))
        elif filters.years:
            request = replace(request, years=filters.years)
        return request
    chosen_years = tuple(int(y) for y in years)
    if bounded:  # 2020年以后 in a new question: the years from then on, not 2020 alone
        chosen_years = _bound(retriever, after, before)
    return Request(
        question=rest_text if bounded else text,
        provinces=tuple(provinces),
        years=chosen_years,
        laws=laws_flag,
    )


def _without_names(text: str, provinces: Sequence[str]) -> str:
    """``text`` without the provinces' full or short names (广东省, 广东)."""
    for full in provinces:
        for name in (full, short_province(full)):
            if len(name) >= 2:
                text = text.replace(name, " ")
    return text


def _bound(retriever: Comparer, after: re.Match | None, before: re.Match | None) -> tuple[int, ...]:
    """The corpus years from (or up to) the year named; that year alone when none is."""
    corpus_years = sorted({c.year for c in retriever.clauses if c.year})
    if after:
        year = int(after.group(1))
        chosen = [y for y in corpus_years if y >= year]
    else:
        assert before is not None
        year = int(before.group(1))
        chosen = [y for y in corpus_years if y <= year]
    return tuple(chosen) or (year,)


def run(
    retriever: Comparer,
    state: CompareState,
    text: str | None,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    laws: bool = True,
) -> CompareState:
    """The view after ``text`` was asked: a new comparison, or the old one with a notice.

    A refused input keeps the previous comparison (and its downloads) on screen.
    """
    text = (text or "").strip()
    if not text:
        return replace(state, notice=msg.COMPARE_EMPTY)
    if len(text) > msg.MAX_QUESTION_CHARS:
        return replace(state, notice=msg.TOO_LONG)
    try:
        request = resolve(retriever, text, state.request, provinces, years, laws)
        comparison = compare_request(retriever, request)
    except ValueError as error:
        return replace(state, notice=error_message(error))
    # Stored with its topic alone and its sources explicit, so 去掉云南 can remove a
    # province the question named.
    stored = replace(
        request,
        question=comparison.topic,
        provinces=comparison.provinces,
        years=comparison.years,
        every_province=comparison.every_province,
    )
    return CompareState(request=stored, comparison=comparison)


def compare_api(
    retriever: Comparer,
    topic: str,
    provinces: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    laws: bool = True,
) -> dict[str, Any]:
    """One comparison as ``Comparison.to_json()`` (one entry per source).

    Raises ``ValueError`` with the page's Chinese message for input it cannot compare.
    """
    if not isinstance(topic, str) or not topic.strip():
        raise ValueError(msg.COMPARE_EMPTY)
    request = Request(
        question=topic.strip(),
        provinces=tuple(provinces or ()),
        years=tuple(int(y) for y in years or ()),
        laws=None if laws else False,
    )
    try:
        return compare_request(retriever, request).to_json()
    except ValueError as error:
        raise ValueError(error_message(error)) from error
