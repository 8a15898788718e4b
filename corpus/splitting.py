"""Splitting long clauses so every passage fits the embedding model.

multilingual-e5-small reads at most 512 tokens; 400 characters of Chinese stay safely under
that. A long item is cut at sentence ends (。；！？), then at commas, never in the middle of a
sentence unless one sentence alone is longer than the limit. The parts carry the clause's
citation; the loader numbers them ``~1``…``~n``.
"""

from __future__ import annotations

from functools import lru_cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

#: The longest clause text (characters) that is not split.
MAX_CLAUSE_CHARS = 400

#: Line breaks first (a clause of several paragraphs), then Chinese and ASCII sentence ends,
#: then commas, and as a last resort single characters.
SEPARATORS = ["\n", "。", "；", ";", "！", "!", "？", "?", "，", ",", "、", ""]


@lru_cache(maxsize=4)
def _splitter(chunk_size: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        chunk_size=chunk_size,
        chunk_overlap=0,
        keep_separator="end",
        strip_whitespace=True,
    )


def split_spans(text: str, limit: int = MAX_CLAUSE_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the parts of ``text``, each at most ``limit`` characters.

    A text within the limit is one span covering all of it. Parts are located in ``text``
    in order, so each span is an exact slice even when the same sentence occurs twice;
    whitespace between parts belongs to no part.
    """
    if len(text) <= limit:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for chunk in _splitter(limit).split_text(text):
        start = text.index(chunk, cursor)
        spans.append((start, start + len(chunk)))
        cursor = start + len(chunk)
    return spans


def text_lines(text: str) -> list[tuple[int, int, str]]:
    """The non-blank lines of ``text``, stripped, each with its (start, end) offsets in
    ``text``: what every layout parser walks, the offsets being how clauses cite spans."""
    lines, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + raw.index(stripped)
            lines.append((start, start + len(stripped), stripped))
        pos += len(raw) + 1
    return lines
