"""What happens when the user asks, ticks a chip or calls the API: pure functions.

Each handler takes the retriever and the session's :class:`Conversation` and returns a new
one (or plain data); none touches Gradio, so they are unit-tested with a fake retriever and
``page.layout`` only wires them to components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from corpus.clause import Clause
from page import cards, inputs
from page import messages as msg
from page.conversation import Conversation, NeedsTopic, Query, Turn, resolve
from retriever.compare import read_comparison
from retriever.gather import GATHER_DEPTH, gathered
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


def refused_preview(text: str) -> str:
    """What the session keeps of a refused question: the text when short, else its first
    characters and its length (a refused 10 MB paste must not live in the session)."""
    if len(text) <= msg.REFUSED_PREVIEW_CHARS:
        return text
    return msg.REFUSED_PREVIEW.format(start=text[: msg.REFUSED_PREVIEW_CHARS], n=f"{len(text):,}")


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
    ``include_superseded`` (the page's switch) lets 已废止/历史版本 texts answer too.
    """
    try:
        checked = inputs.check_search(text, provinces, years, k, retriever.provinces())
    except inputs.InputError as error:
        shown = refused_preview(inputs.shown_question(text).strip())
        return conversation.add(Turn(question=shown, notice=str(error)))
    text, provinces, years, k = checked.question, checked.provinces, checked.years, checked.k
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
        # Searched deeper than shown, so the answer can gather points from clauses just below
        # the cards (each then shown as a card too); the first k are the same either way.
        result = retriever.search(prepared, k=max(int(k), GATHER_DEPTH))
    except ValueError as error:
        notice = msg.SEARCH_FAILED.format(error=error)
        return Turn(question=query.question, query=query, notice=notice)
    points = gathered(result)
    shown = result.hits[: int(k)]
    shown_ids = {h.clause.id for h in shown}
    extra = tuple(p.hit for p in points if p.hit.clause.id not in shown_ids)
    result = replace(result, hits=(*shown, *extra))
    neighbours = tuple(
        (h.clause.id, tuple(retriever.neighbours(h.clause.id, before=1, after=1)))
        for h in result.hits
    )
    return Turn(
        question=query.question, query=query, result=result, neighbours=neighbours, points=points
    )


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
    source: str = "all",
) -> dict[str, Any]:
    """One search as ``SearchResult.to_json()``, filters in the question detected.

    Raises :class:`page.inputs.InputError` (a ``ValueError``) with a Chinese message for any
    value that cannot be used (:func:`page.inputs.check_search`: the question must be text,
    provinces known names, years integers, ``k`` 1–50), so API users read the same
    explanation as people, never a Python error.
    """
    checked = inputs.check_search(query, provinces, years, k, retriever.provinces())
    try:
        prepared = retriever.prepare(
            checked.question,
            list(checked.provinces) or None,
            list(checked.years) or None,
            include_superseded=bool(include_superseded),
            source=source or "all",
        )
        result = retriever.search(prepared, k=checked.k)
    except ValueError as error:  # what the retriever refuses, in the page's words
        raise inputs.InputError(msg.SEARCH_FAILED.format(error=error)) from None
    return result.to_json()


# --- drawing the chat ---------------------------------------------------------------------


def chat_messages(conversation: Conversation, *, simplified: bool = False) -> list[dict]:
    """The chatbot's messages (Gradio "messages" format) for the kept turns.

    Re-drawn from the stored turns each time, so the Simplified switch applies to every
    answer without searching again; the conversation keeps only its recent turns, so a
    reply's size does not grow with the length of the chat. The user's questions are shown
    as plain text (:func:`page.cards.plain_text`): the chatbot renders Markdown and HTML,
    and a question must not fetch an image or draw a heading.
    """
    out: list[dict] = []
    if conversation.dropped:
        note = msg.EARLIER_TURNS_HIDDEN.format(
            dropped=conversation.dropped, turns=len(conversation.turns)
        )
        out.append({"role": "assistant", "content": cards.notice(note, "info")})
    for turn in conversation.turns:
        out.append({"role": "user", "content": cards.plain_text(turn.question)})
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
        if len(turn.points) > 1:
            top = cards.answer_points(turn.points, simplified=simplified)
        else:
            top = cards.answer_sentence(result.hits[0], simplified=simplified)
        body = top + scope + cards.cards(result.hits, simplified=simplified, neighbours=neighbours)
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
    if turn.result.filters.include_superseded:
        line += msg.WITH_SUPERSEDED
    if turn.query is not None and turn.query.follow_up:
        line += msg.FOLLOW_UP_NOTE.format(topic=turn.query.topic)
    if _reads_as_comparison(turn):
        line += "　" + msg.COMPARE_HINT
    return line


def _reads_as_comparison(turn: Turn) -> bool:
    """A question naming two or more provinces, or 各省 / 与全国法律相比: the 对比 tab
    answers it side by side, so the chat points there."""
    assert turn.result is not None
    if len(turn.result.filters.provinces) >= 2:
        return True
    _text, every_province, national = read_comparison(turn.question)
    return every_province or national


def _filter_words(provinces: Sequence[str], years: Sequence[int]) -> list[str]:
    return [*provinces, *(f"{y}年" for y in years)]
