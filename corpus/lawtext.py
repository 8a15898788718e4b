"""The law layout of a text file: 第X编 / 第X章 / 第X节 headings over 第X条 articles.

A 条例/办法/规定/实施细则 a user drops in (.txt/.docx/.pdf) is laid out like a national law:
headings ``第一章 总则``, then articles that start a line with ``第一条``; an article's later
lines are its 款, lines starting （一） its 项 (:mod:`corpus.articles` splits long ones).
``第十条`` inside a sentence (依照本条例第十条) is a reference, and so is a line that starts
with one (第十条规定的…): a line opens an article only when its number follows the previous
article's and it is not followed by words that make it a reference.

Like :mod:`corpus.structure`, the parser only finds spans of the text it was given.
"""

from __future__ import annotations

import re

from corpus.articles import NUMERAL, parse_number
from corpus.script import to_simplified
from corpus.splitting import text_lines
from corpus.structure import PREAMBLE_LABEL, Segment, Structure

#: 第X条 at the start of a line, with an optional 之一; group 1 the number, 2 the suffix.
_ARTICLE = re.compile(rf"^第({NUMERAL})条(?:之([一二三四五六七八九十]))?[\s\u3000]*")
#: What follows a 第X条 that is cited, not opened: 第十条规定的… / 第十条的… / 第十条、第十一条.
_REFERENCE_AFTER = re.compile(r"^(?:规定|的|所|中|之规定|、|，|,|至|和|或者|及|第)")
#: A heading: 第一编 / 第二章 / 第三节 and its name, a short line without a sentence end.
_HEADING = re.compile(rf"^第({NUMERAL})(编|章|节)(?:[\s\u3000]*(\S.{{0,40}}))?$")
_LEVEL = {"编": 0, "章": 1, "节": 2}
_SENTENCE_END = re.compile(r"[。；;！!？?]")
#: How far an article number may jump (a text with an article missing still parses).
MAX_GAP = 3
_SUFFIX_NUMBERS = "一二三四五六七八九十"


def _article_start(line: str, last: int) -> tuple[int, str, int] | None:
    """(number, id key, offset of the text) when ``line`` opens the next article."""
    match = _ARTICLE.match(line)
    if not match:
        return None
    try:
        number = parse_number(match.group(1))
    except ValueError:
        return None
    suffix = match.group(2)
    rest = line[match.end() :]
    if _REFERENCE_AFTER.match(rest):
        return None
    if suffix:
        if number != last:
            return None
        key = f"a{number}-{_SUFFIX_NUMBERS.index(suffix) + 1}"
    elif not last < number <= last + MAX_GAP:
        return None
    else:
        key = f"a{number}"
    return number, key, match.end()


def count_articles(text: str) -> int:
    """How many lines of ``text`` open an article in sequence (≥ 2 means law layout)."""
    last, count = 0, 0
    for _, _, line in text_lines(text):
        found = _article_start(line, last)
        if found:
            last, count = found[0], count + 1
    return count


def parse_law_structure(text: str, title_hint: str = "") -> Structure:
    """Segment a law-layout text: a preamble (what precedes the first article, minus the
    title and headings), then one ``article`` segment per 第X条 with its 编/章/节 path."""
    lines = text_lines(text)
    segments: list[Segment] = []
    headings: list[tuple[int, str]] = []  # (level, heading) currently open
    title = ""
    front: list[tuple[int, int, str]] = []
    article: dict | None = None
    last = 0

    def close() -> None:
        if article is None:
            return
        start, end = article["start"], article["end"]
        if start is not None and start < end:
            segments.append(
                Segment("article", (article["key"],), article["item"], article["path"], start, end)
            )

    for start, end, line in lines:
        heading = _HEADING.match(line)
        if heading and not _SENTENCE_END.search(line):
            level = _LEVEL[heading.group(2)]
            headings = [h for h in headings if h[0] < level] + [(level, line)]
            if article is not None:
                close()
                article = None
            continue
        found = _article_start(line, last)
        if found:
            close()
            number, key, rest = found
            last = number
            body = start + rest
            article = {
                "key": key,
                "item": line[:rest].rstrip(" \u3000"),
                "path": tuple(h for _, h in headings),
                "start": body if body < end else None,
                "end": end,
            }
            continue
        if article is None:
            if not segments and not title and title_hint and _same(line, title_hint):
                title = line
            elif not segments:
                front.append((start, end, line))
            continue
        if article["start"] is None:
            article["start"] = start
        article["end"] = end
    close()
    if front and not title:
        title, front = front[0][2], front[1:]
    if front:
        segments.insert(
            0, Segment("preamble", ("preamble",), PREAMBLE_LABEL, (), front[0][0], front[-1][1])
        )
    return Structure(title, True, False, tuple(segments))


def _same(line: str, hint: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[\s《》]+", "", to_simplified(s))

    return norm(line) == norm(hint)
