"""What happens when the user asks, ticks a chip or calls the API: pure functions.

Each handler takes the retriever and the session's :class:`Conversation` and returns a new
one (or plain data); none touches Gradio, so they are unit-tested with a fake retriever and
``page.layout`` only wires them to components.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from corpus.clause import Clause
from page import cards
from page import messages as msg
from page.conversation import Conversation, NeedsTopic, Query, Turn, resolve
from retriever.hit import SearchResult
from retriever.prepare import PreparedQuery


class Searcher(Protocol):
    """The part of ``retriever.Retriever`` the page uses."""

    def prepare(
        self,
        query: object,
        province: Any = None,
        year: Any = None,
        *,
        include_superseded: bool = False,
        source: str = "all",
    ) -> PreparedQuery: ...

    def search(
        self,
        query: str | PreparedQuery,
        k: int = 10,
        province: Any = None,
        year: Any = None,
        *,
        mode: str = "hybrid",
        include_superseded: bool = False,
        source: str = "all",
    ) -> SearchResult: ...

    def provinces(self) -> Sequence[str]: ...

    def years(self) -> Sequence[int]: ...

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]: ...


def input_problem(text: str | None) -> str | None:
    """The message for a question that cannot be searched, or None when it can.

    Checked before searching so the user gets a sentence rather than an error: empty text,
    text over :data:`messages.MAX_QUESTION_CHARS`, and text with no letter, digit or
    ideograph (only punctuation or symbols).
    """
    text = (text or "").strip()
    if not text:
        return msg.EMPTY_INPUT
    if len(text) > msg.MAX_QUESTION_CHARS:
        return msg.TOO_LONG
    if not any(ch.isalnum() for ch in text):
        return msg.PUNCTUATION_ONLY
    return None


def ask(
    retriever: Searcher,
    conversation: Conversation,
    text: str | None,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    k: int = 5,
    *,
    include_superseded: bool = False,
    source: str = "all",
) -> Conversation:
    """The conversation with ``text`` asked and answered (or refused with a message).

    ``provinces``/``years`` are the filters picked beside the chat; filters named in the
    question (or carried by a follow-up) replace them for that dimension, because the question
    is the more recent and more specific wish — and they show as chips the user can untick.
    """
    text = (text or "").strip()
    problem = input_problem(text)
    if problem:
        return conversation.add(Turn(question=text, notice=problem))
    try:
        query = resolve(text, conversation.last_query(), retriever.prepare)
    except NeedsTopic:
        return conversation.add(Turn(question=text, notice=msg.NO_FOLLOW_UP_TOPIC))
    except ValueError as error:
        return conversation.add(Turn(question=text, notice=msg.SEARCH_FAILED.format(error=error)))
    options = {"include_superseded": include_superseded, "source": source}
    return conversation.add(run(retriever, query, provinces, years, k, **options))


def refine(
    retriever: Searcher,
    conversation: Conversation,
    kept_labels: Sequence[str],
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    k: int = 5,
    *,
    include_superseded: bool = False,
    source: str = "all",
) -> Conversation:
    """The last answer searched again with only the chips still ticked (``kept_labels``).

    The last turn is replaced rather than a new one added: unticking a chip corrects the
    question, it does not ask another one.
    """
    last = conversation.turns[-1] if conversation.turns else None
    if last is None or last.query is None:
        return conversation
    query = last.query.keep_only(kept_labels)
    if query == last.query:
        return conversation
    options = {"include_superseded": include_superseded, "source": source}
    return conversation.replace_last(run(retriever, query, provinces, years, k, **options))


def run(
    retriever: Searcher,
    query: Query,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    k: int = 5,
    *,
    include_superseded: bool = False,
    source: str = "all",
) -> Turn:
    """Search one resolved query and collect the neighbours of every clause shown.

    The topic is prepared the way every door prepares a question; the chips (or, without
    them, the sidebar's choices) are its explicit filters, and the provinces the
    conversation named that the corpus lacks stay named.
    """
    province = list(query.provinces or provinces) or None
    year = list(query.years or years) or None
    try:
        prepared = retriever.prepare(
            query.topic, province, year, include_superseded=include_superseded, source=source
        ).with_absent(query.absent)
        result = retriever.search(prepared, k=int(k))
    except ValueError as error:
        notice = msg.SEARCH_FAILED.format(error=error)
        return Turn(question=query.question, query=query, notice=notice)
    neighbours = tuple(
        (h.clause.id, tuple(retriever.neighbours(h.clause.id, before=1, after=1)))
        for h in result.hits
    )
    return Turn(question=query.question, query=query, result=result, neighbours=neighbours)


def chips(conversation: Conversation) -> list[str]:
    """The chip labels of the latest turn (all ticked when shown)."""
    last = conversation.turns[-1] if conversation.turns else None
    return list(last.query.labels) if last and last.query else []


def search_api(
    retriever: Searcher,
    query: str,
    provinces: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    k: int = 10,
    *,
    include_superseded: bool = False,
    source: str = "all",
) -> dict[str, Any]:
    """One search as ``SearchResult.to_json()``, filters in the question detected.

    Raises ``ValueError`` with the page's Chinese message for a question that cannot be
    searched, so API users read the same explanation as people.
    """
    problem = input_problem(query)
    if problem:
        raise ValueError(problem)
    result = retriever.search(
        query.strip(),
        k=max(1, int(k)),
        province=list(provinces) if provinces else None,
        year=[int(y) for y in years] if years else None,
        include_superseded=bool(include_superseded),
        source=source or "all",
    )
    return result.to_json()


# --- drawing the chat ---------------------------------------------------------------------


def chat_messages(conversation: Conversation, *, simplified: bool = False) -> list[dict]:
    """The chatbot's messages (Gradio "messages" format) for the whole conversation.

    Re-drawn from the stored turns each time, so the Simplified switch applies to every
    answer without searching again. Questions are escaped like clause text: the chatbot
    renders HTML.
    """
    out: list[dict] = []
    for turn in conversation.turns:
        out.append({"role": "user", "content": cards.escape_text(turn.question)})
        out.extend(turn_messages(turn, simplified=simplified))
    return out


def turn_messages(turn: Turn, *, simplified: bool = False) -> list[dict]:
    """The assistant messages answering one turn."""
    if turn.result is None:
        return [{"role": "assistant", "content": cards.notice(turn.notice, "warn")}]
    result = turn.result
    neighbours = dict(turn.neighbours)
    scope = cards.notice(_scope_line(turn), "scope")
    if turn.answered:
        body = (
            cards.answer_sentence(result.hits[0], simplified=simplified)
            + scope
            + cards.cards(result.hits, simplified=simplified, neighbours=neighbours)
        )
        return [{"role": "assistant", "content": body}]
    messages = [{"role": "assistant", "content": _no_answer(result) + scope}]
    if result.hits:
        messages.append(
            {
                "role": "assistant",
                "content": cards.cards(result.hits, simplified=simplified, neighbours=neighbours),
                "metadata": {"title": msg.MAYBE_RELATED, "status": "done"},
            }
        )
    return messages


def _no_answer(result: SearchResult) -> str:
    """Plainly: nothing answers this; and which filters to remove, when some were applied."""
    lead = msg.LOW_CONFIDENCE if result.hits else msg.NO_HITS
    applied = _filter_words(result.filters.provinces, result.filters.years)
    if result.filters.absent and not result.filters.provinces:
        hint = msg.ABSENT_PROVINCES.format(provinces="、".join(result.filters.absent))
    elif applied:
        hint = msg.LOW_CONFIDENCE_WITH_FILTERS.format(filters="、".join(applied))
    else:
        hint = msg.LOW_CONFIDENCE_HINT
    return cards.notice(lead, "warn") + cards.notice(hint, "info")


def _scope_line(turn: Turn) -> str:
    assert turn.result is not None
    filters = turn.result.filters
    applied = _filter_words(filters.provinces, filters.years)
    if filters.laws:
        names = [label for label in filters.detected if label.startswith("《")]
        applied.append(msg.ONLY_LAWS_IN.format(laws="、".join(names) or "所指法律"))
    if filters.source != "all":
        applied.append(msg.SOURCE_NAMES[filters.source])
    line = msg.SEARCHED_WITH.format(filters="、".join(applied) or msg.ALL_DOCUMENTS)
    if filters.include_superseded:
        line += msg.WITH_SUPERSEDED
    if turn.query is not None and turn.query.follow_up:
        line += msg.FOLLOW_UP_NOTE.format(topic=turn.query.topic)
    return line


def _filter_words(provinces: Sequence[str], years: Sequence[int]) -> list[str]:
    return [*provinces, *(f"{y}年" for y in years)]
