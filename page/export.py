"""The clauses cited in a conversation, as a Markdown file to paste into a report."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from common.atomic import write_text
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
    for hit, questions in entries:
        c = hit.clause
        lines += [
            f"## {c.citation}",
            "",
            f"- {msg.EXPORT_SOURCE}：{c.title}",
            f"- {msg.EXPORT_PATH}：{c.path_text or '—'}",
            f"- {msg.EXPORT_QUESTION}：{'；'.join(questions)}",
            "",
            *(f"> {line}" if line else ">" for line in c.text.splitlines()),
            "",
        ]
    return "\n".join(lines)


def write_markdown(conversation: Conversation, directory: Path | None = None) -> Path:
    """Write :func:`markdown` to a new file in ``directory`` (a fresh temp dir by default).

    Written to a temporary name and renamed, so a download never gets a half-written file.
    """
    folder = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="policy-qa-"))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"引用条款-{datetime.now():%Y%m%d-%H%M%S}.md"
    return write_text(target, markdown(conversation))
