"""What a door of the page was given, checked before anything is searched.

The chat's events and the ``/search`` API are reachable by any HTTP client, which can send
any JSON: a number as the question, a string where a list of provinces belongs, a year of
``"abc"``, ``k = 10**9``. :func:`check_search` is the one function every door calls first; it
returns the cleaned values or raises :class:`InputError` with a Chinese sentence from
:mod:`page.messages` — never a Python error text. Province names are read by the
retriever's own :func:`retriever.query.normalise_provinces` (青海, 青海省, Traditional), so a
door accepts exactly the names a search would.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from page import messages as msg
from retriever.query import normalise_provinces

#: Most clauses one request may ask for.
K_MAX = 50
#: Years a filter may name: the People's Republic's documents, up to well past today.
YEAR_MIN, YEAR_MAX = 1949, 2100
#: Most provinces or years in one filter (a list of 10,000 names is not a filter).
MAX_FILTER_ITEMS = 100


class InputError(ValueError):
    """A value a door cannot use; ``str()`` is the Chinese message for the user."""


@dataclass(frozen=True)
class SearchInput:
    """Checked values: the question stripped, provinces as corpus names, years, ``k``."""

    question: str
    provinces: tuple[str, ...]
    years: tuple[int, ...]
    k: int


def kind(value: object) -> str:
    """The kind of ``value`` in Chinese words, for a message."""
    return msg.KINDS.get(type(value).__name__, msg.KIND_OTHER)


def check_question(value: object) -> str:
    """The question stripped; :class:`InputError` when it is not text or cannot be searched
    (empty, too long, punctuation only: the page's own messages)."""
    if value is None:
        raise InputError(msg.EMPTY_INPUT)
    if not isinstance(value, str):
        raise InputError(msg.NOT_TEXT.format(kind=kind(value)))
    text = value.strip()
    if not text:
        raise InputError(msg.EMPTY_INPUT)
    if len(text) > msg.MAX_QUESTION_CHARS:
        raise InputError(msg.TOO_LONG)
    if not any(ch.isalnum() for ch in text):
        raise InputError(msg.PUNCTUATION_ONLY)
    return text


def check_provinces(value: object, known: Sequence[str]) -> tuple[str, ...]:
    """Corpus province names from a list of names or one name (not read letter by letter);
    None and empty mean no filter."""
    if value is None or value == "":
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        shown = value if not isinstance(value, list | tuple) else next(
            (i for i in value if not isinstance(i, str)), value
        )  # fmt: skip
        raise InputError(msg.BAD_PROVINCES.format(kind=kind(shown)))
    if len(items) > MAX_FILTER_ITEMS:
        raise InputError(msg.TOO_MANY_FILTERS.format(high=MAX_FILTER_ITEMS))
    result: list[str] = []
    for item in items:
        try:
            result.extend(n for n in normalise_provinces(item, known) if n not in result)
        except ValueError:
            name = item.strip()[:20]
            raise InputError(
                msg.UNKNOWN_PROVINCE.format(name=name, known="、".join(known))
            ) from None
    return tuple(result)


def _integer(value: object) -> int | None:
    """``value`` as an int when it is one (2020, or 2020.0 as JSON may send it), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def check_years(value: object) -> tuple[int, ...]:
    """Years from an integer or a list of integers in :data:`YEAR_MIN`–:data:`YEAR_MAX`;
    None and empty mean no filter."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    if len(items) > MAX_FILTER_ITEMS:
        raise InputError(msg.TOO_MANY_FILTERS.format(high=MAX_FILTER_ITEMS))
    years: list[int] = []
    for item in items:
        year = _integer(item)
        if year is None:
            raise InputError(msg.BAD_YEARS.format(kind=kind(item)))
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise InputError(msg.YEAR_OUT_OF_RANGE.format(year=year, low=YEAR_MIN, high=YEAR_MAX))
        if year not in years:
            years.append(year)
    return tuple(sorted(years))


def check_k(value: object, high: int = K_MAX) -> int:
    """``k`` as an integer from 1 to ``high`` (the chat's slider sends a float such as 5.0)."""
    k = _integer(value)
    if k is None or not 1 <= k <= high:
        shown = repr(value)[:30] if k is None else str(k)
        raise InputError(msg.BAD_K.format(high=high, value=shown))
    return k


def check_search(
    question: object,
    provinces: object,
    years: object,
    k: object,
    known_provinces: Sequence[str],
) -> SearchInput:
    """Every value of one search checked, question first; :class:`InputError` for the first
    one that is wrong."""
    return SearchInput(
        check_question(question),
        check_provinces(provinces, known_provinces),
        check_years(years),
        check_k(k),
    )


def shown_question(value: Any) -> str:
    """The question as it can be shown back in the chat (a non-text value as its text)."""
    return value if isinstance(value, str) else "" if value is None else str(value)[:200]
