"""The clauses cited in a conversation, as a Markdown file to paste into a report.

The file is handed on as an official record, so nothing a user typed may shape it: the
only headings are clause citations, formatted from the clause's fields; questions and every
other text are escaped so that no line of them can start a heading, a quote, a list, a link
or an image (a question holding ``\n## 【青海省·2020年·九、第99项】`` stays one line of text).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from common.atomic import write_text
from common.scratch import new_folder
from page import messages as msg
from page.conversation import Conversation
from retriever.hit import Hit


def cited(conversation: Conversation) -> list[tuple[Hit, list[str]]]:
    """Each clause shown as an answer, once, with the questions it answered, in order.

    Weak matches of a low-confidence turn are not citations and are left out.
    """
    by_id: dict[str, tuple[Hit, list[str]]] = {}
    for turn in conversation.turns:
        if not turn.answered or turn.result is None:
            continue
        for hit in turn.result.hits:
            entry = by_id.setdefault(hit.clause.id, (hit, []))
            if turn.question not in entry[1]:
                entry[1].append(turn.question)
    return list(by_id.values())


def markdown(conversation: Conversation) -> str:
    """Markdown: one section per cited clause (citation, document, heading path, original text).

    The text is quoted as written (original script): a report cites the document, not our
    Simplified form of it.
    """
    lines = [msg.EXPORT_TITLE, ""]
    entries = cited(conversation)
    if not entries:
        lines += [msg.EXPORT_EMPTY, ""]
    if conversation.dropped:
        lines += [msg.EXPORT_RECENT_ONLY.format(turns=len(conversation.turns)), ""]
    for hit, questions in entries:
        c = hit.clause
        lines += [
            f"## {inline(c.citation)}",
            "",
            f"- {msg.EXPORT_SOURCE}：{inline(c.title)}",
            f"- {msg.EXPORT_PATH}：{inline(c.path_text) or '—'}",
            f"- {msg.EXPORT_QUESTION}：{'；'.join(inline(q) for q in questions)}",
            "",
            *(f"> {quoted(line)}" if line.strip() else ">" for line in c.text.splitlines()),
            "",
        ]
    return "\n".join(lines)


#: Characters with a meaning in Markdown (CommonMark's escapable ASCII punctuation).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~\"'&=:^$])")
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")


def inline(text: str) -> str:
    """``text`` as literal Markdown on one line: line breaks become spaces and every
    Markdown punctuation character is backslash-escaped, so it renders as typed and can
    open no heading, list, quote, link, image or HTML tag wherever it is placed."""
    flat = _LINE_BREAKS.sub(" ", text).strip()
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)


#: In quoted clause text: what makes inline structure (emphasis, code, links, images, HTML,
#: tables) anywhere, and what opens a block at the start of a line (headings, lists, rules).
_INLINE_STRUCTURE = re.compile(r"([\\`*_\[\]<>!|#~])")
_LINE_START_BLOCK = re.compile(r"^(\s*)(\d+[.)](?=\s)|[+\-=])")


def quoted(line: str) -> str:
    """A line of clause text for a ``> `` quote: its own wording kept readable (``15.深入…``
    stays as written) while nothing in it can start a heading, list, link, image or tag."""
    escaped = _INLINE_STRUCTURE.sub(r"\\\1", _LINE_BREAKS.sub(" ", line))
    return _LINE_START_BLOCK.sub(
        lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", escaped
    )


def write_markdown(conversation: Conversation, directory: Path | None = None) -> Path:
    """Write :func:`markdown` to a new file in ``directory`` (default: a fresh sub-folder of
    the process's temporary folder, :func:`common.scratch.new_folder`, which is pruned by
    age and size and removed when the process exits).

    Called when the user asks for the download, not on every answer. Written to a temporary
    name and renamed, so a download never gets a half-written file.
    """
    folder = Path(directory) if directory else new_folder("export")
    target = folder / f"引用条款-{datetime.now():%Y%m%d-%H%M%S}.md"
    return write_text(target, markdown(conversation))
