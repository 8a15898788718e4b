"""Hits as HTML cards for the chat: citation, source, heading path, highlighted clause text.

Everything that comes from a document (clause text, titles, headings, citations) goes through
``html.escape`` before it is put into markup, so a clause that contains ``<script>`` is shown
as those characters and never run. Only the ``<mark>`` tags added here are markup.

The HTML is emitted on a single line on purpose: the chatbot renders messages as Markdown,
and a blank line or an indented line inside an HTML block would end the block and turn the
rest into Markdown (or a code block).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from corpus.clause import AMENDED, CURRENT, Clause
from corpus.script import to_simplified
from page import messages as msg
from retriever.hit import Hit

#: Score sources as the user reads them.
_SOURCE_NAMES = {"dense": "语义", "lexical": "关键词"}


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of any of ``terms`` wrapped in ``<mark>``.

    Longer terms win over shorter ones that overlap them (``消防车通道`` over ``通道``), so a
    match is marked once; matching is done on the raw text and each piece is escaped
    separately, so a term can never match inside an entity such as ``&lt;``.
    """
    unique = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not unique:
        return escape_text(text)
    pattern = re.compile("|".join(re.escape(t) for t in unique))
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape_text(text[last : match.start()]))
        out.append(f"<mark>{escape_text(match.group())}</mark>")
        last = match.end()
    out.append(escape_text(text[last:]))
    return "".join(out)


def escape_text(text: str) -> str:
    """Escaped text with line breaks as ``<br>`` (the message must stay on one line)."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def shown_text(clause: Clause, simplified: bool) -> str:
    """The clause text the user asked to see: original script, or its Simplified form."""
    return clause.text_norm if simplified else clause.text


def shown_terms(terms: Sequence[str], simplified: bool) -> list[str]:
    """Matched terms in the script of the text they will be looked for in.

    The retriever gives terms in the clause's own script; the Simplified view needs them
    converted too, or a Traditional term would find nothing to mark.
    """
    if not simplified:
        return list(terms)
    return [to_simplified(t) for t in terms]


def copy_button(citation: str) -> str:
    """A button that copies the citation shown just before it.

    The click is handled by one document-level listener (``page.layout.HEAD``) that reads the
    text of the ``.qa-cite`` next to the button: the chatbot's HTML sanitiser removes inline
    ``onclick`` handlers and ``data-`` attributes, but keeps classes and text.
    """
    tip = f"{msg.COPY_CITATION}：{citation}"
    return (
        f'<button type="button" class="qa-copy" title="{escape(tip, quote=True)}">'
        f"{escape(msg.COPY_CITATION)}</button>"
    )


def score_line(hit: Hit) -> str:
    """Where the hit came from, small, for the curious: each source's rank and own score.

    The fused score is left out: hybrid fusion blends z-scores, which can be negative and mean
    nothing to a reader, while "关键词 第1 (17.5)" does.
    """
    parts = []
    for source, value in hit.scores.items():
        name = _SOURCE_NAMES.get(source, source)
        rank = hit.ranks.get(source)
        ranked = f" {msg.CARD_RANK.format(rank=rank)}" if rank is not None else ""
        parts.append(f"{name}{ranked} ({value:.3f})")
    return escape(" · ".join(parts))


def neighbour_block(clause: Clause, neighbours: Sequence[Clause], simplified: bool) -> str:
    """A collapsed ``<details>`` with the clauses just before and after ``clause``."""
    rows = []
    for other in neighbours:
        if other.id == clause.id:
            continue
        label = msg.CARD_PREVIOUS if other.start < clause.start else msg.CARD_NEXT
        rows.append(
            '<div class="qa-neighbour">'
            f'<span class="qa-neighbour-label">{escape(label)} {escape(other.citation)}</span>'
            f"{escape_text(shown_text(other, simplified))}</div>"
        )
    body = "".join(rows) or f'<div class="qa-neighbour">{escape(msg.CARD_NO_CONTEXT)}</div>'
    return (
        f'<details class="qa-context"><summary>{escape(msg.CARD_CONTEXT)}</summary>{body}</details>'
    )


def status_badge(clause: Clause) -> str:
    """The validity (时效) of a law or regulation: 已废止/历史版本 in red with its date,
    已被修改 labelled so the reader checks the amendment, 现行有效 plainly; "" for a
    provincial work document, which states no validity."""
    doc = clause.doc
    if doc.status == CURRENT:
        if not (doc.national or clause.kind == "article"):
            return ""
        return f'<span class="qa-status">{escape(CURRENT)}</span>'
    if doc.status == AMENDED:
        return f'<span class="qa-status qa-amended">{escape(msg.CARD_AMENDED)}</span>'
    date = doc.version_date or doc.date or "?"
    text = msg.CARD_SUPERSEDED.format(status=doc.status, date=date)
    return f'<span class="qa-status qa-superseded">{escape(text)}</span>'


def meta_line(clause: Clause) -> str:
    """Title, heading path, and for laws and regulations: jurisdiction (全国 for a national
    law), effective date and validity."""
    doc = clause.doc
    parts = [
        f"{escape(msg.CARD_TITLE)}：{escape(clause.title)}",
        f"{escape(msg.CARD_PATH)}：{escape(clause.path_text or '—')}",
    ]
    if doc.national or clause.kind == "article":
        parts.append(f"{escape(msg.CARD_SCOPE)}：{escape(doc.province_label)}")
        if doc.effective_date:
            parts.append(f"{escape(msg.CARD_EFFECTIVE)}：{escape(doc.effective_date)}")
    badge = status_badge(clause)
    if badge:
        parts.append(f"{escape(msg.CARD_STATUS)}：{badge}")
    return f'<div class="qa-meta">{"　".join(parts)}</div>'


def card(hit: Hit, *, simplified: bool = False, neighbours: Sequence[Clause] = ()) -> str:
    """One clause as a card: citation + copy button, title, heading path, text, context."""
    c = hit.clause
    text = highlight(shown_text(c, simplified), shown_terms(hit.matched_terms, simplified))
    label = "" if c.parts == 1 else f'<span class="qa-part">{escape(c.label)}</span>'
    return (
        '<div class="qa-card">'
        '<div class="qa-card-head">'
        f'<span class="qa-rank">{hit.rank}</span>'
        f'<span class="qa-cite">{escape(c.citation)}</span>{label}{copy_button(c.citation)}'
        f'<span class="qa-score">{score_line(hit)}</span>'
        "</div>"
        f"{meta_line(c)}"
        f'<div class="qa-text">{text}</div>'
        f"{neighbour_block(c, neighbours, simplified)}"
        "</div>"
    )


def answer_sentence(hit: Hit, *, simplified: bool = False) -> str:
    """The direct answer: the top hit's best sentence, highlighted, then its citation.

    Falls back to the start of the clause when the retriever gave no answer sentence.
    """
    sentence = hit.answer or hit.clause.text[:120]
    if simplified:
        sentence = to_simplified(sentence)
    terms = shown_terms(hit.matched_terms, simplified)
    return (
        f'<div class="qa-answer"><b>{escape(msg.ANSWER_PREFIX)}</b>{highlight(sentence, terms)}'
        f' <span class="qa-cite">{escape(hit.citation)}</span>{copy_button(hit.citation)}</div>'
    )


def cards(
    hits: Sequence[Hit],
    *,
    simplified: bool = False,
    neighbours: dict[str, Sequence[Clause]] | None = None,
) -> str:
    """All cards of one answer, in rank order."""
    neighbours = neighbours or {}
    return "".join(
        card(h, simplified=simplified, neighbours=neighbours.get(h.clause.id, ())) for h in hits
    )


def notice(text: str, kind: str = "info") -> str:
    """A short escaped message line (``kind``: ``info``, ``scope`` or ``warn``) for the chat."""
    return f'<div class="qa-notice qa-{escape(kind)}">{escape(text)}</div>'
