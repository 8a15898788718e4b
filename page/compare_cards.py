"""A comparison as HTML: one column per source, citations, the answer sentence highlighted,
facts that differ from the other columns marked.

As in ``page.cards``, everything from a document is escaped; only the ``<mark>`` and layout
tags added here are markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from corpus.script import to_simplified
from page import messages as msg
from page.cards import escape_text, notice
from retriever.compare import NATIONAL, Column, Comparison

CSS = """
.qa-cols { display: grid; gap: 12px; margin-top: 8px; }
.qa-col { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
  background: var(--background-fill-primary); min-width: 0; }
.qa-col-head { font-weight: 700; font-size: 15px; margin-bottom: 6px; }
.qa-col-clause { border-top: 1px dashed var(--border-color-primary); padding: 6px 0; }
.qa-col-clause:first-of-type { border-top: none; }
.qa-col .qa-answer { line-height: 1.7; }
.qa-col mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.qa-col mark.qa-diff, .qa-legend mark.qa-diff { background: #fdba74; font-weight: 600; }
.qa-col-none { color: var(--body-text-color-subdued); font-style: italic; }
.qa-col-differs { font-size: 12px; margin-top: 4px; }
.qa-col details { font-size: 13px; margin-top: 4px; }
.qa-legend { font-size: 12px; color: var(--body-text-color-subdued); margin-top: 6px; }
"""


def source_label(column: Column) -> str:
    return msg.COMPARE_NATIONAL if column.source == NATIONAL and column.national else column.source


def marked(text: str, terms: Iterable[str], differing: Iterable[str], simplified: bool) -> str:
    """``text`` escaped, matched ``terms`` in ``<mark>``, ``differing`` facts in
    ``<mark class="qa-diff">`` (a differing fact wins over a term it overlaps)."""
    shown = to_simplified(text) if simplified else text
    convert = to_simplified if simplified else (lambda t: t)
    diff = {convert(t) for t in differing if t}
    wanted = {convert(t) for t in terms if t and t.strip()} | diff
    if not wanted:
        return escape_text(shown)
    order = sorted(wanted, key=lambda t: (t not in diff, -len(t)))
    pattern = re.compile("|".join(re.escape(t) for t in order))
    out, last = [], 0
    for match in pattern.finditer(shown):
        out.append(escape_text(shown[last : match.start()]))
        css = ' class="qa-diff"' if match.group() in diff else ""
        out.append(f"<mark{css}>{escape_text(match.group())}</mark>")
        last = match.end()
    out.append(escape_text(shown[last:]))
    return "".join(out)


def column_html(column: Column, *, simplified: bool = False) -> str:
    """One source's column: its clauses, or the sentence saying it has nothing on the topic."""
    head = f'<div class="qa-col-head">{escape(source_label(column))}</div>'
    if not column.found:
        return f'<div class="qa-col">{head}<div class="qa-col-none">{escape(msg.COMPARE_NOTHING)}</div></div>'
    parts = []
    for hit in column.hits:
        differing = [f.fact.text for f in column.facts_of(hit.clause.id) if f.differs]
        sentence = hit.answer or hit.clause.text[:120]
        listed = "、".join(dict.fromkeys(differing))
        differs = (
            f'<div class="qa-col-differs">{escape(msg.COMPARE_DIFFERS)}：'
            f'<mark class="qa-diff">{escape(listed)}</mark></div>'
            if listed
            else ""
        )
        parts.append(
            '<div class="qa-col-clause">'
            f'<span class="qa-cite">{escape(hit.citation)}</span>'
            f'<div class="qa-answer">{marked(sentence, hit.matched_terms, differing, simplified)}</div>'
            f"{differs}"
            f"<details><summary>{escape(msg.COMPARE_FULL_TEXT)}</summary>"
            f'<div class="qa-text">{marked(hit.clause.text, hit.matched_terms, differing, simplified)}</div>'
            "</details></div>"
        )
    return f'<div class="qa-col">{head}{"".join(parts)}</div>'


def comparison_html(comparison: Comparison, *, simplified: bool = False) -> str:
    """The whole comparison: scope line, notices, the columns side by side, the legend."""
    columns = comparison.shown
    years = "、".join(f"{y}年" for y in comparison.years) or msg.COMPARE_ALL_YEARS
    sources = "、".join(source_label(c) for c in comparison.columns)
    lines = [
        notice(
            msg.COMPARE_SCOPE.format(topic=comparison.topic, years=years, sources=sources), "scope"
        )
    ]
    if comparison.absent:
        lines.append(
            notice(msg.COMPARE_ABSENT.format(provinces="、".join(comparison.absent)), "warn")
        )
    if comparison.missing:
        missing = "、".join(source_label(c) for c in comparison.columns if not c.found)
        lines.append(notice(msg.COMPARE_MISSING.format(sources=missing), "warn"))
    if comparison.overflow:
        lines.append(notice(msg.COMPARE_OVERFLOW.format(count=len(comparison.overflow),
                                                        sources="、".join(comparison.overflow)), "info"))  # fmt: skip
    if comparison.laws_missing:
        lines.append(notice(msg.COMPARE_LAWS_MISSING, "info"))
    grid = (
        f'<div class="qa-cols" style="grid-template-columns: repeat({max(1, len(columns))}, minmax(0, 1fr));">'
        + "".join(column_html(c, simplified=simplified) for c in columns)
        + "</div>"
    )
    legend = (
        f'<div class="qa-legend"><mark class="qa-diff">　</mark> {escape(msg.COMPARE_LEGEND)}</div>'
    )
    return f'<div class="qa-compare">{"".join(lines)}{grid}{legend}</div>'
