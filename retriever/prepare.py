"""Preparing a question, once, for every door (chat, API, CLI, benchmark, bench scripts).

:func:`prepare_query` turns what the user typed (plus any explicitly chosen province/year)
into a :class:`PreparedQuery`: the cleaned question, the filters (explicit, detected in the
question, and provinces named that the corpus lacks), the Simplified text the encoder
reads, the topic text BM25 reads (question boilerplate removed) and the topic words that
highlighting, coverage and the low-confidence rule count. :meth:`Retriever.search
<retriever.search.Retriever.search>` takes either a plain string, which it prepares
exactly so, or a prepared query; nothing else re-implements any step of the chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from corpus.clause import IN_FORCE
from corpus.script import to_simplified
from index.protocol import SOURCES
from retriever.expansion import Lexicon
from retriever.hit import Filters
from retriever.lawquery import LawTable, find_laws, masked, unmasked
from retriever.query import (
    ParsedQuery,
    merge_filters,
    normalise_provinces,
    normalise_years,
    parse_query,
)

#: Longer questions are cut here: e5 reads at most 512 tokens, and nobody types more.
MAX_QUERY_CHARS = 512

Words = Callable[[str], list[str]]


#: Question boilerplate, removed from the *query* only (never from indexed text): the
#: interrogative itself, the verb before it and the generic noun after it (有什么要求,
#: 采取了哪些措施, 是怎么安排的), polite openers (请问) and a trailing 的要求/的规定. These
#: words name no topic, yet 要求 alone occurs in a sixth of the clauses, so BM25 let them
#: outrank the topic (消防车通道有什么要求 ranked 三、工作要求 above the 消防 item).
_ASK = r"什么|哪些|哪个|哪几[个项条类]?|哪里|何种|怎么样|怎么|怎样|如何|多少|几[个项条类]"
_ASK_VERB = r"有|是|还有|都有|包括|提出了?|做了|采取了?|开展了?|要|应|需要|应当|应该|具体"
_ASK_NOUN = r"要求|规定|措施|内容|安排|做法|方面|工作|任务|部署|举措|办法"
QUESTION_BOILERPLATE = re.compile(
    rf"(?:请问|请教|我想知道|想知道|我想问)"
    rf"|(?:{_ASK_VERB})?(?:{_ASK})(?:样的|的)?(?:{_ASK_NOUN})?"
    rf"|是否|有没有|能否|能不能|可不可以|[吗呢吧]"
    rf"|(?:的|有关|相关)(?:要求|规定)(?=[\s?？。!！,，]*$)"
)
_MEANINGFUL = re.compile(r"[^\W_]")


def strip_question_boilerplate(text_norm: str) -> str:
    """``text_norm`` with question boilerplate (:data:`QUESTION_BOILERPLATE`) replaced by
    spaces, or ``text_norm`` unchanged when nothing meaningful would be left.

    A space (not "") goes in its place so no bigram spans the removed words (消防车通道有什么
    要求 would otherwise yield 道有); a question that is all boilerplate (有什么要求) is kept
    as it is, since searching nothing finds nothing.
    """
    stripped = QUESTION_BOILERPLATE.sub(" ", text_norm)
    return stripped if _MEANINGFUL.search(stripped) else text_norm


def clean_query(query: object) -> str:
    """The query stripped and cut to :data:`MAX_QUERY_CHARS`.

    Raises ``ValueError`` when it is not a string or holds no letter, digit or ideograph
    (empty, whitespace or punctuation only): there is nothing to search for.
    """
    if not isinstance(query, str):
        raise ValueError(f"query must be a string, got {type(query).__name__}")
    text = query.strip()[:MAX_QUERY_CHARS].strip()
    if not any(ch.isalnum() for ch in text):
        raise ValueError("query is empty: type a question with at least one word")
    return text


@dataclass(frozen=True)
class PreparedQuery:
    """A question ready to search.

    ``text`` is the cleaned question; ``rest`` the question without the filter words taken
    out of it (what is searched); ``filters`` what the search is restricted to, with the
    detected filters and absent provinces listed for the page; ``norm`` is ``rest`` in
    Simplified script (the dense side reads the whole question: e5 was trained on questions);
    ``topic`` is ``norm`` without question boilerplate (BM25 reads it); ``words`` are the
    topic's words as the index's segmenter splits them; ``expansions`` the words a learned
    lexicon adds for BM25 (none without one), read together with the topic as
    :attr:`lexical_text`.
    """

    text: str
    rest: str
    filters: Filters
    norm: str
    topic: str
    words: tuple[str, ...]
    #: Clause ids of an article the question names (安全生产法第二十一条): put first.
    pinned: tuple[str, ...] = ()
    #: (detected label, the question's words for it) of each law/article named:
    #: (《中华人民共和国消防法》, 消防法), so a page can take the filter back out of ``rest``.
    law_words: tuple[tuple[str, str], ...] = ()
    #: Words a learned lexicon adds for BM25 (law profile; none by default).
    expansions: tuple[str, ...] = ()

    @property
    def lexical_text(self) -> str:
        """What BM25 reads: the topic, then the learned expansions."""
        return " ".join((self.topic, *self.expansions)) if self.expansions else self.topic

    def with_absent(self, provinces: Sequence[str]) -> PreparedQuery:
        """The same query, also naming ``provinces`` as asked about but absent from the
        corpus (a follow-up such as 那广东呢 names one without repeating the topic)."""
        absent = tuple(dict.fromkeys((*self.filters.absent, *provinces)))
        return replace(self, filters=replace(self.filters, absent=absent))


def prepare_query(
    query: object,
    corpus_provinces: Sequence[str],
    words: Words,
    province: str | Sequence[str] | None = None,
    year: int | Sequence[int] | range | str | None = None,
    *,
    detect: bool = True,
    laws: LawTable | None = None,
    include_superseded: bool = False,
    source: str = "all",
    lexicon: Lexicon | None = None,
    expansion_limit: int = 8,
) -> PreparedQuery:
    """Prepare ``query`` for a corpus whose provinces are ``corpus_provinces``.

    Provinces and years written in the question become filters (see
    :func:`retriever.query.parse_query`); explicit ``province``/``year`` win over them,
    dimension by dimension. ``detect=False`` reads the question as plain text (the
    benchmark's configurations that ignore what a question says about its scope).
    ``words`` splits the topic into words (the index's segmenter); ``lexicon`` (the law
    profile's) adds up to ``expansion_limit`` learned expansions for BM25.
    ``include_superseded`` lets 历史版本/已废止 texts answer (default: in force only).

    ``laws`` is the corpus's :class:`~retriever.lawquery.LawTable`: a law named in the
    question (消防法, 《安全生产法》) restricts the search to it — unless a province is also
    in scope, since 浙江…新安全生产法 asks what that province's documents say — and an
    article named with it (安全生产法第二十一条, 刑法134条) is ``pinned`` first. Law names
    are read before provinces, so 青海省安全生产条例 is a regulation, not a province filter.
    ``include_superseded`` lets 历史版本/已废止 texts answer; ``source`` is ``"all"``,
    ``"provincial"`` or ``"laws"``.

    Raises ``ValueError`` for a query that is not a string or has nothing to search for,
    an unknown province or source, or a bad year.
    """
    text = clean_query(query)
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    law = find_laws(text, laws) if detect and laws is not None else None
    explicit = (normalise_provinces(province, corpus_provinces), normalise_years(year))
    searched = ""
    if law is not None and law.spans:
        # Law names are read first and hidden while provinces and years are read.
        parsed = parse_query(masked(text, law.spans), corpus_provinces)
        filters = merge_filters(parsed.filters, *explicit)
        if filters.provinces and not law.pinned:
            # 浙江…新安全生产法: what that province's documents say about the law.
            law = None
            parsed = parse_query(text, corpus_provinces)
            filters = merge_filters(parsed.filters, *explicit)
        else:
            # ``rest`` keeps the names (a follow-up re-reads them); the searched text does
            # not: articles say 本法, not their title.
            rest, searched = unmasked(parsed.rest, text, law.spans)
            parsed = replace(parsed, rest=rest)
    else:
        law = None
        parsed = (
            parse_query(text, corpus_provinces)
            if detect
            else ParsedQuery(text=text, rest=text, filters=Filters())
        )
        filters = merge_filters(parsed.filters, *explicit)
    pinned: tuple[str, ...] = ()
    written: tuple[tuple[str, str], ...] = ()
    if law is not None:
        restrict = not filters.provinces
        filters = replace(
            filters,
            laws=law.doc_ids if restrict else (),
            detected=(*filters.detected, *law.labels),
        )
        pinned = law.pinned
        written = tuple(zip(law.labels, law.written, strict=True))
    filters = replace(filters, statuses=() if include_superseded else IN_FORCE, source=source)
    norm = to_simplified(searched if _MEANINGFUL.search(searched) else parsed.rest)
    topic = strip_question_boilerplate(norm)
    topic_words = tuple(words(topic))
    return PreparedQuery(
        text=text,
        rest=parsed.rest,
        filters=filters,
        norm=norm,
        topic=topic,
        words=topic_words,
        pinned=pinned,
        law_words=written,
        expansions=tuple(lexicon.expand(topic_words, expansion_limit)) if lexicon else (),
    )
