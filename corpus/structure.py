"""Structure: how a Chinese official document is laid out, from its numbering.

Cover notice, title, preamble, then numbered blocks (the levels are in
:mod:`corpus.numbering`). A document may skip a level (000 goes from 一、 straight to 1.), and
its ``1.`` items may be numbered through the whole document (000: 1–44) or restart in every
block (001, 004); the parser tells the two apart from the numbers themselves, because that
decides how an item is cited (``四、第22项`` versus ``二、（三）4``).

Documents without numbering (briefings, meeting reports) are read as paragraphs, and
enumerations inside a paragraph (``一是…二是…``, ``一要…二要…``) become points.

The parser only finds spans: every segment is ``[start, end)`` in the text it was given, so
the clause text is always an exact slice of the clean document text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.clause import Kind
from corpus.numbering import Marker, find_points, line_marker
from corpus.script import to_simplified
from corpus.splitting import text_lines

#: The cited label of the cover notice and of the preamble, and of a closing signature.
NOTICE_LABEL = "印发通知"
PREAMBLE_LABEL = "前言"
CLOSING_LABEL = "落款"

_SENTENCE_END = "。；;！!？?"
_ANY_PUNCT = re.compile(r"[，,。；;：:！!？?]")
_DATE_LINE = re.compile(
    r"^\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?$|^\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?$"
)
_DOC_TYPE_WORDS = re.compile(
    r"要点|要點|通知|意见|意見|方案|办法|辦法|规定|規定|简报|簡報|报告|報告|计划|計劃|决定|決定|"
    r"细则|細則|会议|會議|条例|條例|纪要|紀要|通报|通報|召开|召開|规划|規劃"
)
#: A heading line is "title only" when, past its number, it is one short sentence.
MAX_TITLE_CHARS = 50
MAX_TITLE_LINE = 60


@dataclass(frozen=True)
class Segment:
    """One clause-to-be: what it is, how it is cited, where it sits and its span.

    ``key`` holds the parts of the clause id after the document id (``("4", "22")``,
    ``("p3", "2")``, ``("notice",)``), joined with ``-`` by the loader.
    """

    kind: Kind
    key: tuple[str, ...]
    item: str
    path: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Structure:
    """The parse of one document: its title line (``""`` when none was found), whether its
    items are numbered through the whole document, and its segments in document order."""

    title: str
    numbered: bool
    global_items: bool
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass
class _Block:
    marker: Marker
    lines: list[_Line]
    parents: list[_Block]

    @property
    def head(self) -> _Line:
        return self.lines[0]


def parse_structure(text: str, title_hint: str = "") -> Structure:
    """Segment a clean document text into notice, preamble, numbered items and leaves — or
    into paragraphs and points when the document has no numbering.

    ``title_hint`` (the metadata title) only helps pick the title line among several
    title-like lines before the body; the title line itself is never a clause.
    """
    lines = _split_lines(text)
    markers = [line_marker(line.text) for line in lines]
    body = next((i for i, m in enumerate(markers) if m is not None), None)
    if body is None or sum(m is not None for m in markers) < 2:
        return _parse_paragraphs(lines)
    head = lines[:body]
    title_index = _title_index(head, title_hint)
    segments = _front_matter(head, title_index)
    blocks = _blocks(lines[body:], markers[body:])
    global_items = _numbered_globally(blocks)
    closing = _split_closing(blocks[-1])
    following = [*blocks[1:], None]
    segments += [
        s
        for b, nxt in zip(blocks, following, strict=True)
        for s in _block_segments(b, nxt, global_items)
    ]
    if closing:
        segments.append(
            Segment("closing", ("closing",), CLOSING_LABEL, (), closing[0].start, closing[-1].end)
        )
    title = head[title_index].text if title_index is not None else ""
    return Structure(title, True, global_items, tuple(segments))


def _split_lines(text: str) -> list[_Line]:
    return [_Line(start, end, line) for start, end, line in text_lines(text)]


def _is_title_like(line: str) -> bool:
    return (
        len(line) <= MAX_TITLE_LINE and not _ANY_PUNCT.search(line) and not _DATE_LINE.match(line)
    )


def _title_index(head: list[_Line], hint: str) -> int | None:
    """The title line among the lines before the body: the one equal to the metadata title,
    else the last title-like line naming a document type (要点, 通知 …), else the last
    title-like line. Taking the last one skips issuer lines of a cover notice."""

    def norm(s: str) -> str:
        return re.sub(r"\s+", "", to_simplified(s))

    candidates = [i for i, line in enumerate(head) if _is_title_like(line.text)]
    if hint:
        exact = [i for i in candidates if norm(head[i].text) == norm(hint)]
        if exact:
            return exact[-1]
    typed = [i for i in candidates if _DOC_TYPE_WORDS.search(head[i].text)]
    if typed:
        return typed[-1]
    return candidates[-1] if candidates else None


def _front_matter(head: list[_Line], title_index: int | None) -> list[Segment]:
    """Lines before the title are the cover notice; lines between the title and the first
    numbered line are the preamble (all of it when no title was found)."""
    segments: list[Segment] = []
    before = head[:title_index] if title_index is not None else []
    after = head[title_index + 1 :] if title_index is not None else head
    if before:
        segments.append(
            Segment("notice", ("notice",), NOTICE_LABEL, (), before[0].start, before[-1].end)
        )
    if after:
        segments.append(
            Segment("preamble", ("preamble",), PREAMBLE_LABEL, (), after[0].start, after[-1].end)
        )
    return segments


def _blocks(lines: list[_Line], markers: list[Marker | None]) -> list[_Block]:
    """Group lines into numbered blocks (a numbered line and the unnumbered lines after it),
    each knowing its enclosing blocks: a marker closes every open block of its level or
    deeper, so skipped levels are fine."""
    blocks: list[_Block] = []
    stack: list[_Block] = []
    for line, marker in zip(lines, markers, strict=True):
        if marker is None:
            blocks[-1].lines.append(line)
            continue
        while stack and stack[-1].marker.level >= marker.level:
            stack.pop()
        block = _Block(marker, [line], list(stack))
        blocks.append(block)
        stack.append(block)
    return blocks


def _numbered_globally(blocks: list[_Block]) -> bool:
    """Items (1. level) are numbered through the document when their numbers run 1, 2, 3 …
    without restarting while spanning more than one parent block (000's 1–44)."""
    items = [b for b in blocks if b.marker.level == 3]
    numbers = [b.marker.number for b in items]
    parents = {id(b.parents[-1]) if b.parents else None for b in items}
    return len(items) >= 2 and numbers == list(range(1, len(items) + 1)) and len(parents) > 1


def _split_closing(last: _Block) -> list[_Line]:
    """Trailing short unpunctuated lines of the last block (an issuer, a date) are the
    document's signature, not part of its last item; they are removed from the block."""
    closing: list[_Line] = []
    while len(last.lines) > 1 and (
        _is_title_like(last.lines[-1].text) or _DATE_LINE.match(last.lines[-1].text)
    ):
        closing.insert(0, last.lines.pop())
    return closing


def _is_title_only(line: str, marker: Marker) -> bool:
    rest = line[marker.rest :].rstrip(_SENTENCE_END + "：:")
    return len(rest) <= MAX_TITLE_CHARS and not any(ch in rest for ch in _SENTENCE_END)


def _heading_text(line: str, marker: Marker) -> str:
    """A heading as it appears in paths: its line, cut after the first sentence when the line
    goes on with body text."""
    if _is_title_only(line, marker):
        return line
    match = re.search(f"[{_SENTENCE_END}]", line[marker.rest :])
    return line[: marker.rest + match.end()] if match else line


def _block_segments(block: _Block, following: _Block | None, global_items: bool) -> list[Segment]:
    """The clause of one numbered block: ``1.`` lines are items; a ``一、``/``（一）`` block is a
    leaf when it has text of its own (past a title-only line, or on the line itself), and
    no clause at all when it is only a heading over numbered children."""
    marker, head = block.marker, block.head
    path = tuple(_heading_text(p.head.text, p.marker) for p in block.parents)
    key = (*(str(p.marker.number) for p in block.parents), str(marker.number))
    label = _label(block, global_items)
    end = block.lines[-1].end
    if marker.level >= 3:
        return [Segment("item", key, label, path, head.start, end)]
    has_children = following is not None and following.marker.level > marker.level
    if not _is_title_only(head.text, marker):
        return [Segment("leaf", key, label, path, head.start, end)]
    if len(block.lines) > 1:
        own = (*path, head.text)
        return [Segment("leaf", key, label, own, block.lines[1].start, end)]
    if has_children:
        return []
    return [Segment("heading", key, label, path, head.start, end)]


def _label(block: _Block, global_items: bool) -> str:
    """``二、（三）4`` for restarting numbering, ``四、第22项`` for numbering through the
    document, ``一、（二）`` for a leaf, ``一、`` for section text (all full-width brackets):
    the enclosing block's label followed by this block's number."""
    marker = block.marker
    own = f"第{marker.number}项" if marker.level == 3 and global_items else marker.label()
    return (_label(block.parents[-1], global_items) if block.parents else "") + own


def _parse_paragraphs(lines: list[_Line]) -> Structure:
    """One clause per paragraph (¶1 is the first paragraph after the title), with the
    enumerated points of a paragraph as clauses of their own; the lead-in before ``一是``
    stays as the paragraph clause."""
    title = ""
    if len(lines) > 1 and _is_title_like(lines[0].text):
        title, lines = lines[0].text, lines[1:]
    segments: list[Segment] = []
    for n, line in enumerate(lines, start=1):
        points = find_points(line.text)
        lead = line.text[: points[0][0] if points else len(line.text)].rstrip()
        if lead:
            segments.append(
                Segment("paragraph", (f"p{n}",), f"¶{n}", (), line.start, line.start + len(lead))
            )
        for k, (start, end, marker) in enumerate(points, start=1):
            chunk = line.text[start:end].rstrip()
            segments.append(
                Segment(
                    "point",
                    (f"p{n}", str(k)),
                    f"¶{n}·{marker}",
                    (),
                    line.start + start,
                    line.start + start + len(chunk),
                )
            )
    return Structure(title, False, False, tuple(segments))
