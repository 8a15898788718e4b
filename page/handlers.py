"""What happens when the user asks, ticks a chip or calls the API: pure functions.

Each handler takes the retriever and the session's :class:`Conversation` and returns a new
one (or plain data); none touches Gradio, so they are unit-tested with a fake retriever and
``page.layout`` only wires them to components.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from corpus.clause import Clause
from page import cards, inputs
from page import messages as msg
from page.conversation import Conversation, NeedsTopic, Query, Turn, resolve
from retriever.hit import SearchResult
from retriever.prepare import PreparedQuery


class Searcher(Protocol):
    """The part of ``retriever.Retriever`` the page uses."""

    def prepare(
        self, query: object, province: Any = None, year: Any = None, **options: Any
    ) -> PreparedQuery: ...

    def search(
        self,
        query: str | PreparedQuery,
        k: int = 10,
        province: Any = None,
        year: Any = None,
        *,
        mode: str = "hybrid",
    ) -> SearchResult: ...

    def provinces(self) -> Sequence[str]: ...

    def years(self) -> Sequence[int]: ...

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]: ...


def input_problem(text: object) -> str | None:
    """The message for a question that cannot be searched, or None when it can.

    Checked before searching so the user gets a sentence rather than an error: not text,
    empty, over :data:`messages.MAX_QUESTION_CHARS`, or with no letter, digit or ideograph
    (see :func:`page.inputs.check_question`).
    """
    try:
        inputs.check_question(text)
    except inputs.InputError as error:
        return str(error)
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
) -> Conversation:
    """The conversation with ``text`` asked and answered (or refused with a message).

    ``provinces``/``years`` are the filters picked beside the chat; filters named in the
    question (or carried by a follow-up) replace them for that dimension, because the question
    is the more recent and more specific wish — and they show as chips the user can untick.
    ``include_superseded`` (the page's switch) lets 已废止/历史版本 texts answer too.
    """
    try:
        checked = inputs.check_search(text, provinces, years, k, retriever.provinces())
    except inputs.InputError as error:
        return conversation.add(
            Turn(question=inputs.shown_question(text).strip(), notice=str(error))
        )
    text, provinces, years, k = checked.question, checked.provinces, checked.years, checked.k
    try:
        query = resolve(text, conversation.last_query(), retriever.prepare)
    except NeedsTopic:
        return conversation.add(Turn(question=text, notice=msg.NO_FOLLOW_UP_TOPIC))
    except ValueError as error:
        return conversation.add(Turn(question=text, notice=msg.SEARCH_FAILED.format(error=error)))
    return conversation.add(
        run(retriever, query, provinces, years, k, include_superseded=include_superseded)
    )


def refine(
    retriever: Searcher,
    conversation: Conversation,
    kept_labels: Sequence[str],
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    k: int = 5,
    *,
    include_superseded: bool = False,
) -> Conversation:
    """The last answer searched again with only the chips still ticked (``kept_labels``).

    The last turn is replaced rather than a new one added: unticking a chip corrects the
    question, it does not ask another one.
    """
    last = conversation.turns[-1] if conversation.turns else None
    if last is None or last.query is None:
        return conversation
    try:
        provinces = inputs.check_provinces(provinces, retriever.provinces())
        years, k = inputs.check_years(years), inputs.check_k(k)
    except inputs.InputError as error:
        return conversation.add(Turn(question=last.question, notice=str(error)))
    if not isinstance(kept_labels, list | tuple):
        kept_labels = ()
    query = last.query.keep_only([label for label in kept_labels if isinstance(label, str)])
    if query == last.query:
        return conversation
    return conversation.replace_last(
        run(retriever, query, provinces, years, k, include_superseded=include_superseded)
    )


def run(
    retriever: Searcher,
    query: Query,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    k: int = 5,
    *,
    include_superseded: bool = False,
) -> Turn:
    """Search one resolved query and collect the neighbours of every clause shown.

    The topic is prepared the way every door prepares a question; the chips (or, without
    them, the sidebar's choices) are its explicit filters, and the provinces the
    conversation named that the corpus lacks stay named.
    """
    province = list(query.provinces or provinces) or None
    year = list(query.years or years) or None
    try:
        options = {"include_superseded": True} if include_superseded else {}
        prepared = retriever.prepare(query.topic, province, year, **options)
        prepared = prepared.with_absent(query.absent)
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
    query: object,
    provinces: object = None,
    years: object = None,
    k: object = 10,
    include_superseded: bool = False,
) -> dict[str, Any]:
    """One search as ``SearchResult.to_json()``, filters in the question detected.

    Raises :class:`page.inputs.InputError` (a ``ValueError``) with a Chinese message for any
    value that cannot be used (:func:`page.inputs.check_search`: the question must be text,
    provinces known names, years integers, ``k`` 1–50), so API users read the same
    explanation as people, never a Python error.
    """
    checked = inputs.check_search(query, provinces, years, k, retriever.provinces())
    options = {"include_superseded": True} if include_superseded else {}
    try:
        prepared = retriever.prepare(
            checked.question,
            list(checked.provinces) or None,
            list(checked.years) or None,
            **options,
        )
        result = retriever.search(prepared, k=checked.k)
    except ValueError as error:  # what the retriever refuses, in the page's words
        raise inputs.InputError(msg.SEARCH_FAILED.format(error=error)) from None
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
    applied = _filter_words(turn.result.filters.provinces, turn.result.filters.years)
    line = msg.SEARCHED_WITH.format(filters="、".join(applied) or msg.ALL_DOCUMENTS)
    if turn.result.filters.include_superseded:
        line += msg.WITH_SUPERSEDED
    if turn.query is not None and turn.query.follow_up:
        line += msg.FOLLOW_UP_NOTE.format(topic=turn.query.topic)
    return line


def _filter_words(provinces: Sequence[str], years: Sequence[int]) -> list[str]:
    return [*provinces, *(f"{y}年" for y in years)]
