"""Follow-up questions: turning "那云南呢？" or "只看2020年的" into a full query.

A question is prepared by the retriever (:meth:`retriever.search.Retriever.prepare`, the one
road every door takes) into filters (provinces, years, provinces the corpus lacks) and the rest. When the rest holds nothing but follow-up words (那…呢, 只看…的, 换成…), the question
is a follow-up: it keeps the previous question's topic and changes only the filters it names.
The previous query lives in the page's per-session ``gr.State``, never in a global.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from corpus.clause import Clause, short_province
from retriever.hit import SearchResult
from retriever.prepare import PreparedQuery
from retriever.query import normalise_years

Prepare = Callable[[str], PreparedQuery]

#: Words that carry no topic of their own in a follow-up ("那云南呢", "只看2020年的", "换成浙江").
#: Longest first, so 那么 is removed before 那.
_FOLLOW_UP_WORDS = sorted(
    (
        "那么", "那", "呢", "吗", "嘛", "呀", "啊", "吧", "了", "的", "也", "又", "再",
        "只看", "只要", "只查", "只找", "仅看", "仅限", "只", "仅", "限定", "限于",
        "看看", "看一下", "查一下", "一下", "看", "查", "找", "换成", "换到", "换", "改成",
        "改为", "改", "如果是", "要是", "是", "怎么样", "如何", "情况", "方面", "省", "年",
        "年份", "年度", "文件", "里", "中", "呢呢",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
_FOLLOW_UP = re.compile("|".join(re.escape(w) for w in _FOLLOW_UP_WORDS))
_NOT_WORDS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Chip:
    """One filter read from the question, shown as a removable chip.

    ``label`` is what the user sees ("青海省", "2020年", "2019–2021年", "《中华人民共和国消防法》",
    "第二十八条"); it names provinces, years, or a law/article — the latter by ``words``, the
    question's own words for it, which stay in the topic (the retriever re-reads them) and
    are taken out of it when the chip is unticked.
    """

    label: str
    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    words: str = ""


@dataclass(frozen=True)
class Query:
    """A question resolved against the conversation: what to search, within which filters.

    ``topic`` is the text searched (the question without its filter words, or the previous
    topic for a follow-up); ``chips`` the filters taken from the question(s), each removable.
    ``follow_up`` says the topic was carried over from the previous question; ``absent``
    names the provinces asked about that the corpus has no documents for (so the answer says
    so, as the API does).
    """

    question: str
    topic: str
    chips: tuple[Chip, ...] = ()
    follow_up: bool = False
    absent: tuple[str, ...] = ()

    @property
    def provinces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for chip in self.chips for p in chip.provinces))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y for chip in self.chips for y in chip.years}))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(chip.label for chip in self.chips)

    def keep_only(self, labels: Sequence[str]) -> Query:
        """The same query with only the chips whose labels are in ``labels``; an unticked
        law or article chip takes its words out of the topic."""
        wanted = set(labels)
        topic = self.topic
        for chip in self.chips:
            if chip.label not in wanted and chip.words:
                topic = " ".join(topic.replace(chip.words, " ", 1).split()) or topic
        return replace(self, topic=topic, chips=tuple(c for c in self.chips if c.label in wanted))


class NeedsTopic(ValueError):
    """A follow-up ("那云南呢") arrived with no earlier question to take the topic from."""


def is_follow_up_rest(rest: str) -> bool:
    """True when ``rest`` (a question minus its filters) holds only follow-up words."""
    return not _NOT_WORDS.sub("", _FOLLOW_UP.sub("", rest))


def resolve(text: str, previous: Query | None, prepare: Prepare) -> Query:
    """The query a question means, given the previous one of the same conversation.

    - A new question: its topic is the question without filter words; its chips are the
      provinces and years named in it.
    - "那云南呢？" (a province and follow-up words only): the previous topic, the new province,
      and the new year if one is named. The previous years are dropped on purpose: in these
      documents a year belongs to one province's document, so keeping 青海's 2020 while moving
      to 云南 would almost always find nothing.
    - "只看2020年的" (a year and follow-up words only): the previous topic and provinces, the
      new years.
    - "那广东呢" (a province the corpus has no documents for): the previous topic, no
      province, and the province named as absent, so the answer says the corpus has none.

    ``prepare`` is the retriever's question preparation. Raises :class:`NeedsTopic` for a
    follow-up without a previous question.
    """
    prepared = prepare(text)
    filters = prepared.filters
    chips = _chips(filters.detected, filters.provinces, dict(prepared.law_words))
    absent = filters.absent
    names_filter = bool(filters.provinces or filters.years or absent)
    rest = prepared.rest if prepared.rest != text.strip() else ""
    rest_without_filters = _without_names(rest or text.strip(), absent) if absent else rest
    if names_filter and is_follow_up_rest(rest_without_filters):
        if previous is None:
            if not rest_without_filters:  # "青海" alone: a (broad) question of its own
                return Query(question=text, topic=text.strip(), chips=chips, absent=absent)
            raise NeedsTopic(text)
        if filters.provinces or absent:
            kept: tuple[Chip, ...] = ()
        else:
            kept = tuple(c for c in previous.chips if c.provinces)
        return Query(
            question=text,
            topic=previous.topic,
            chips=(*kept, *chips),
            follow_up=True,
            absent=absent,
        )
    return Query(question=text, topic=prepared.rest, chips=chips, absent=absent)


def _without_names(text: str, provinces: Sequence[str]) -> str:
    """``text`` without the provinces' full or short names (广东省, 广东)."""
    for full in provinces:
        text = text.replace(full, " ")
        short = short_province(full)
        if len(short) >= 2:
            text = text.replace(short, " ")
    return text


def _chips(
    labels: Sequence[str], provinces: Sequence[str], law_words: dict[str, str] | None = None
) -> tuple[Chip, ...]:
    """One chip per detected label: a province name, a law or article named (with the
    question's words for it), or a year expression's years."""
    chips = []
    law_words = law_words or {}
    for label in labels:
        if label in law_words:
            chips.append(Chip(label=label, words=law_words[label]))
        elif label in provinces:
            chips.append(Chip(label=label, provinces=(label,)))
        else:
            chips.append(Chip(label=label, years=normalise_years(label)))
    return tuple(chips)


@dataclass(frozen=True)
class Turn:
    """One question and what the page answered.

    ``query``/``result`` are None when the question was refused (``notice`` says why).
    ``neighbours`` holds, per shown clause id, the clauses around it, fetched when the answer
    was made so that re-drawing the chat (e.g. in Simplified script) never searches again.
    """

    question: str
    query: Query | None = None
    result: SearchResult | None = None
    notice: str = ""
    neighbours: tuple[tuple[str, tuple[Clause, ...]], ...] = ()

    @property
    def answered(self) -> bool:
        """True when the turn has matches the page presents as an answer."""
        return self.result is not None and bool(self.result.hits) and not self.result.low_confidence


@dataclass(frozen=True)
class Conversation:
    """All turns of one user's chat; kept in ``gr.State``, so each browser session has its own."""

    turns: tuple[Turn, ...] = ()

    def last_query(self) -> Query | None:
        """The query of the latest turn that had one: what a follow-up builds on."""
        for turn in reversed(self.turns):
            if turn.query is not None:
                return turn.query
        return None

    def add(self, turn: Turn) -> Conversation:
        return Conversation(turns=(*self.turns, turn))

    def replace_last(self, turn: Turn) -> Conversation:
        return Conversation(turns=(*self.turns[:-1], turn))
