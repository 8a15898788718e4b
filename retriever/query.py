"""Filters written into the question itself: provinces and years.

People type "青海2020年消防车通道有什么要求" rather than picking filters from a list. This
module finds such provinces (full or short names, Simplified or Traditional) and years (single,
ranges, lists), turns them into a :class:`~retriever.hit.Filters`, and returns the rest of the
question, which is what gets searched. It also normalises the explicit ``province=`` /
``year=`` arguments of :meth:`retriever.search.Retriever.search` and merges the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.clause import short_province
from corpus.script import to_simplified
from retriever.hit import Filters

#: Every provincial-level division, so that a longer name wins over a shorter one hidden in it
#: and names absent from the corpus are recognised (and then left alone) rather than half-matched.
ALL_PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省",
    "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)  # fmt: skip

#: Plausible document years; four digits outside this range are not read as a year filter.
YEAR_MIN, YEAR_MAX = 1949, 2099

_YEAR = r"(?:19[4-9]\d|20\d\d)"
_RANGE_SEP = r"\s*(?:-|–|—|－|~|～|至|到)\s*"
_LIST_SEP = r"\s*(?:、|,|，|和|及|与|/)\s*"
_YEAR_SUFFIX = r"(?:年度|年)?"
# A year expression: a range, a list, or a single year, each optionally followed by 年/年度;
# the years of a list may carry their own 年 ("2019年、2020年").
_YEAR_EXPR = re.compile(
    rf"(?<!\d)(?:(?P<lo>{_YEAR}){_YEAR_SUFFIX}{_RANGE_SEP}(?P<hi>{_YEAR})"
    rf"|(?P<list>{_YEAR}{_YEAR_SUFFIX}(?:{_LIST_SEP}{_YEAR}{_YEAR_SUFFIX})+)"
    rf"|(?P<one>{_YEAR})){_YEAR_SUFFIX}(?!\d)"
)
_YEAR_IN_LIST = re.compile(_YEAR)
#: After a bare four-digit number (no 年), these mean a quantity rather than a year.
_UNITS = frozenset("人吨元万亿米个家辆座多余次起户名项条台处所.．%％‰")
#: What is left around removed filter words that carries no meaning of its own.
_CONNECTORS = frozenset({"和", "及", "与", "或", "以及", "还有"})
_FILLER_EDGES = "的在中里省年度 \t\r\n,，、。.;；:：!！?？-—~～()（）[]【】"


@dataclass(frozen=True)
class ParsedQuery:
    """A question split into its filters and the rest.

    ``text`` is the question as given; ``rest`` the question with the recognised filter words
    taken out (or ``text`` itself when nothing meaningful would remain, so a question such as
    "青海2020年" still searches something); ``filters`` the recognised filters, each also
    listed in ``filters.detected`` as it would be shown ("青海省", "2020年", "2019–2021年").
    """

    text: str
    rest: str
    filters: Filters


def parse_query(text: str, provinces: Sequence[str]) -> ParsedQuery:
    """Recognise provinces and years written in ``text``.

    ``provinces`` are the full names present in the corpus (as in its manifest); a province
    mentioned in the question but absent from the corpus is not a filter (it stays in the
    searched text), since filtering on it could only return nothing; it is reported in
    ``filters.absent`` so the answer can say the corpus has nothing from there. Years are taken as
    written, whether or not the corpus holds them: a user who asks about 2022 should not be
    shown 2021 as if it were the answer. Matching is done on the Simplified form of the text,
    which OpenCC converts character by character, so offsets carry over to the original.
    """
    norm = to_simplified(text)
    if len(norm) != len(text):  # offsets would not carry over; match on the text as given
        norm = text
    spans: list[tuple[int, int]] = []
    found_provinces, absent = _find_provinces(norm, provinces, spans)
    years, year_labels = _find_years(norm, spans)
    rest = _remove_spans(text, spans)
    if not _is_meaningful(rest):
        rest = text.strip()
    filters = Filters(
        provinces=found_provinces,
        years=years,
        detected=(*found_provinces, *year_labels),
        absent=absent,
    )
    return ParsedQuery(text=text, rest=rest, filters=filters)


def _province_names(corpus_provinces: Iterable[str]) -> list[tuple[str, str]]:
    """(name as written, full name) pairs, longest first; full name "" when not in the corpus."""
    wanted = {to_simplified(p): p for p in corpus_provinces if p}
    names: dict[str, str] = {}
    for full in (*ALL_PROVINCES, *wanted):
        target = wanted.get(full, "")
        names.setdefault(full, target)
        short = short_province(full)
        if len(short) >= 2:
            names.setdefault(short, target)
    return sorted(names.items(), key=lambda pair: -len(pair[0]))


def _find_provinces(
    norm: str, corpus_provinces: Sequence[str], spans: list[tuple[int, int]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(corpus provinces, other provinces) named in ``norm``; the corpus ones' spans are
    appended to ``spans``.

    Names are matched leftmost-longest in one pass, so 青海南部 is 青海 (not 海南) and
    内蒙古自治区 is never read as a shorter name inside it; a province outside the corpus is
    matched too (so it hides no shorter name) but is not a filter and stays in the text.
    """
    names = _province_names(corpus_provinces)
    pattern = re.compile("|".join(re.escape(name) for name, _ in names))
    full_of = dict(names)
    full_names = {short_province(full): full for full in ALL_PROVINCES}
    found: list[str] = []
    absent: list[str] = []
    for match in pattern.finditer(norm):
        name = match.group(0)
        full = full_of[name]
        if full:
            spans.append(match.span())
            if full not in found:
                found.append(full)
        else:
            other = full_names.get(name, name)
            if other not in absent:
                absent.append(other)
    return tuple(found), tuple(absent)


def _find_years(norm: str, spans: list[tuple[int, int]]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    years: list[int] = []
    labels: list[str] = []
    for match in _YEAR_EXPR.finditer(norm):
        if _overlaps(*match.span(), spans):
            continue
        if match["lo"]:
            lo, hi = sorted((int(match["lo"]), int(match["hi"])))
            new = list(range(lo, hi + 1))
            label = f"{lo}–{hi}年"
        elif match["list"]:
            new = [int(y) for y in _YEAR_IN_LIST.findall(match["list"])]
            label = "、".join(f"{y}年" for y in new)
        else:
            if match.group(0) == match["one"] and norm[match.end() : match.end() + 1] in _UNITS:
                continue  # "2000吨", "2020.5": a quantity, not a year
            new = [int(match["one"])]
            label = f"{new[0]}年"
        new = [y for y in new if YEAR_MIN <= y <= YEAR_MAX]
        if not new:
            continue
        spans.append(match.span())
        years.extend(y for y in new if y not in years)
        labels.append(label)
    return tuple(sorted(years)), tuple(labels)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _remove_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the spans; what is left between them is joined with spaces.

    Punctuation and particles at the edges of a removed span (的, 省, 年, commas) and pieces
    that are only a connector (和, 及) go with it.
    """
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    kept = [p.strip(_FILLER_EDGES) for p in pieces]
    return " ".join(p for p in kept if p and p not in _CONNECTORS).strip()


def _is_meaningful(rest: str) -> bool:
    """At least two letters/ideographs, or one ideograph, remain to search for."""
    letters = [ch for ch in rest if ch.isalnum()]
    return len(letters) >= 2 or any("\u4e00" <= ch <= "\u9fff" for ch in letters)


# --- explicit filters (the ``province=`` / ``year=`` arguments) ----------------------------


def normalise_provinces(
    value: str | Sequence[str] | None, corpus_provinces: Sequence[str]
) -> tuple[str, ...]:
    """Map 青海 / 青海省 / 青海省 in Traditional / a list of these onto corpus full names.

    Raises ``ValueError`` naming the value when a name matches no province of the corpus, so a
    typo is reported rather than silently returning nothing.
    """
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    by_name: dict[str, str] = {}
    for full in corpus_provinces:
        simple = to_simplified(full)
        by_name[simple] = full
        by_name[short_province(simple)] = full
    result: list[str] = []
    for item in items:
        name = to_simplified(str(item).strip())
        if not name:
            continue
        full = by_name.get(name) or by_name.get(short_province(name))
        if full is None:
            known = "、".join(corpus_provinces)
            raise ValueError(f"unknown province {item!r}; the corpus has: {known}")
        if full not in result:
            result.append(full)
    return tuple(result)


def normalise_years(value: int | Sequence[int] | range | str | None) -> tuple[int, ...]:
    """Years from 2020, "2020", "2019-2021", "2019、2020", [2019, 2020] or range(2019, 2022).

    Raises ``ValueError`` showing the value when it holds no year.
    """
    if value is None:
        return ()
    if isinstance(value, bool):
        raise ValueError(f"not a year: {value!r}")
    if isinstance(value, int):
        years: list[int] = [value]
    elif isinstance(value, str):
        if not value.strip():
            return ()
        matches = list(_YEAR_EXPR.finditer(to_simplified(value)))
        if not matches:
            raise ValueError(f"not a year or year range: {value!r}")
        years = []
        for match in matches:
            if match["lo"]:
                lo, hi = sorted((int(match["lo"]), int(match["hi"])))
                years.extend(range(lo, hi + 1))
            else:
                years.extend(int(y) for y in _YEAR_IN_LIST.findall(match.group(0)))
    else:
        years = []
        for item in value:
            years.extend(normalise_years(item))
    return tuple(sorted(set(years)))


def merge_filters(detected: Filters, provinces: tuple[str, ...], years: tuple[int, ...]) -> Filters:
    """Explicit filters win, dimension by dimension, over those detected in the question.

    A detected filter that an explicit one replaced is no longer listed in ``detected``: the
    page shows as chips only the filters actually applied.
    """
    keep_provinces = not provinces
    keep_years = not years
    labels = tuple(
        label
        for label in detected.detected
        if (keep_provinces if label in detected.provinces else keep_years)
    )
    return Filters(
        provinces=provinces or detected.provinces,
        years=years or detected.years,
        detected=labels,
        absent=detected.absent,
    )
