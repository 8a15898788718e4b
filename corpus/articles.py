"""Articles (第X条) of a law or regulation: their 款 and 项, and how a long one is split.

An article's text keeps its 款 (paragraphs) as lines; 项 are lines that start with （一）
（二）… and belong to the 款 before them. multilingual-e5-small reads ~400 characters, so an
article longer than that is split by 款, then a long 款 by groups of its 项 (the lead-in
sentence stays with the first group), and only a single 款/项 that is still too long is cut
at sentence ends. Every part keeps the article's citation plus 第N款 / 第（三）项, the way a
lawyer cites a part of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.numbering import parse_chinese_numeral, to_chinese_numeral
from corpus.splitting import MAX_CLAUSE_CHARS, split_spans, text_lines

#: A 项 line: （一） / (一) at the start of a line.
ITEM_LINE = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]")


@dataclass(frozen=True)
class ArticlePart:
    """One part of an article: ``[start, end)`` in the article text, the label that follows
    the article number (``""``, ``第二款``, ``第（三）项``, ``第二款第（一）项至第（三）项``), the id
    suffix (``""``, ``k2``, ``k2i1-3``) and, for a 款/项 still cut at sentence ends, its piece
    number and count (1/1 otherwise)."""

    start: int
    end: int
    label: str
    key: str
    piece: int = 1
    pieces: int = 1


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    item: int | None  # the 项 number, None for a 款 line


def _lines(text: str) -> list[_Line]:
    return [_Line(start, end, _item_number(line)) for start, end, line in text_lines(text)]


def _item_number(line: str) -> int | None:
    """The 项 number a line opens with (（三）→ 3), None for a 款 line."""
    match = ITEM_LINE.match(line)
    if not match:
        return None
    try:
        return parse_chinese_numeral(match.group(1))
    except ValueError:
        return None


def paragraphs(text: str) -> list[list[tuple[int, int, int | None]]]:
    """The 款 of an article: each a list of (start, end, 项 number or None) lines, the 款's
    own line first. A 项 before any 款 line opens a 款 of its own."""
    kuan: list[list[tuple[int, int, int | None]]] = []
    for line in _lines(text):
        if line.item is None or not kuan:
            kuan.append([])
        kuan[-1].append((line.start, line.end, line.item))
    return kuan


def item_label(first: int, last: int) -> str:
    """第（三）项, or 第（一）项至第（三）项 for a run of 项."""
    one = f"第（{chinese_number(first)}）项"
    return one if first == last else f"{one}至第（{chinese_number(last)}）项"


def split_article(text: str, limit: int = MAX_CLAUSE_CHARS) -> list[ArticlePart]:
    """The parts of an article's text; one part covering it all when it is within ``limit``."""
    if len(text) <= limit:
        return [ArticlePart(0, len(text), "", "")]
    kuan = paragraphs(text)
    many = len(kuan) > 1
    parts: list[ArticlePart] = []
    for k, lines in enumerate(kuan, start=1):
        prefix = f"第{chinese_number(k)}款" if many else ""
        key = f"k{k}"
        start, end = lines[0][0], lines[-1][1]
        if end - start <= limit:
            parts.append(ArticlePart(start, end, prefix, key))
            continue
        items = [line for line in lines if line[2] is not None]
        if not items:
            parts += _pieces(text, start, end, prefix, key, limit)
            continue
        for group in _groups(lines, limit):
            g_start, g_end = group[0][0], group[-1][1]
            numbers = [line[2] for line in group if line[2] is not None]
            if numbers:
                label = prefix + item_label(numbers[0], numbers[-1])
                g_key = f"{key}i{numbers[0]}" + (f"-{numbers[-1]}" if len(numbers) > 1 else "")
            else:
                label, g_key = prefix, key
            parts += _pieces(text, g_start, g_end, label or "", g_key, limit)
    return parts


def _groups(
    lines: list[tuple[int, int, int | None]], limit: int
) -> list[list[tuple[int, int, int | None]]]:
    """Consecutive lines of a 款 grouped greedily so each group spans at most ``limit``
    characters (a single longer line is a group of its own)."""
    groups: list[list[tuple[int, int, int | None]]] = []
    for line in lines:
        if groups and line[1] - groups[-1][0][0] <= limit:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _pieces(text: str, start: int, end: int, label: str, key: str, limit: int) -> list[ArticlePart]:
    """A 款/项 span as one part, or cut at sentence ends when it alone exceeds ``limit``."""
    spans = split_spans(text[start:end], limit)
    if len(spans) == 1:
        return [ArticlePart(start, end, label, key)]
    return [
        ArticlePart(start + s, start + e, label, f"{key}p{n}", n, len(spans))
        for n, (s, e) in enumerate(spans, start=1)
    ]


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS.update({"七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000}
#: A Chinese numeral as article numbers use it (一百零三, 二百一十, 十一), or Arabic digits.
NUMERAL = r"(?:[零〇一二两三四五六七八九十百千]{1,8}|\d{1,4})"


def parse_number(text: str) -> int:
    """第一百零三条's 一百零三 → 103; ``21`` → 21. Raises ValueError on anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a number: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def chinese_number(number: int) -> str:
    """103 → 一百零三, 21 → 二十一, 110 → 一百一十 (the form of 第X条 in a law)."""
    if number < 100:
        return to_chinese_numeral(number)
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(number, 100)
    out = digits[hundreds] + "百"
    if rest == 0:
        return out
    if rest < 10:
        return out + "零" + digits[rest]
    tens, units = divmod(rest, 10)
    return out + digits[tens] + "十" + (digits[units] if units else "")
