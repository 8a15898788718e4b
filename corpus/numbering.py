"""Chinese official numbering: the numerals, the numbered-line markers and enumerations.

Four levels of numbered lines, outermost first: ``一、`` / ``（一）`` or ``(一)`` / ``1.``
``1．`` ``1、`` / ``（1）`` or ``(1)``; and, inside a paragraph, enumerations ``一是…二是…``
or ``一要…二要…``. What a document does with them is :mod:`corpus.structure`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"
_NUMERAL = re.compile("(?:([一二三四五六七八九])?(十))?([一二三四五六七八九])?")

#: (level, pattern) of a numbered line; the first group is the number, the match end is where
#: the line's own text starts.
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^([{_CN}]{{1,3}})、\s*")),
    (2, re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*")),
    (3, re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*")),
)
#: ``一是`` / ``二要`` at the start of a paragraph or right after punctuation (``统一是`` is
#: not a point).
_POINT = re.compile(rf"(?:^|(?<=[。；;，,：:！!？?\s]))([{_CN}]{{1,2}})(是|要)")


@dataclass(frozen=True)
class Marker:
    """A numbered line's level (1 = ``一、`` … 4 = ``（1）``), number, and where its text starts."""

    level: int
    number: int
    rest: int  # offset of the line's own text, past the number

    def label(self) -> str:
        """The number as cited: ``一、``, ``（一）``, ``1``, ``（1）`` (full-width brackets)."""
        if self.level == 1:
            return f"{to_chinese_numeral(self.number)}、"
        if self.level == 2:
            return f"（{to_chinese_numeral(self.number)}）"
        if self.level == 3:
            return str(self.number)
        return f"（{self.number}）"


def parse_chinese_numeral(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23 (what numbering uses, up to 99).

    Raises ValueError for anything else (``一二``), so such a line is not taken as numbered.
    """
    match = _NUMERAL.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    tens_digit, ten, units = match.groups()
    tens = (_CN_DIGITS[tens_digit] if tens_digit else 1) if ten else 0
    return tens * 10 + (_CN_DIGITS[units] if units else 0)


def to_chinese_numeral(number: int) -> str:
    """The inverse of :func:`parse_chinese_numeral` for 1–99."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def line_marker(line: str) -> Marker | None:
    """The numbering a line starts with, if any (``一二、`` is not a number)."""
    for level, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            raw = match.group(1)
            try:
                number = int(raw) if raw.isdigit() else parse_chinese_numeral(raw)
            except ValueError:
                return None
            return Marker(level, number, match.end())
    return None


def find_points(paragraph: str) -> list[tuple[int, int, str]]:
    """(start, end, marker) of the points of the first enumeration 一是, 二是 … (or 一要 …)
    in a paragraph; empty unless at least two consecutive points are found."""
    chain: list[tuple[int, str]] = []
    suffix = ""
    for match in _POINT.finditer(paragraph):
        try:
            number = parse_chinese_numeral(match.group(1))
        except ValueError:
            continue
        if number == 1 and not chain:
            chain, suffix = [(match.start(), match.group(0))], match.group(2)
        elif chain and match.group(2) == suffix and number == len(chain) + 1:
            chain.append((match.start(), match.group(0)))
    if len(chain) < 2:
        return []
    ends = [start for start, _ in chain[1:]] + [len(paragraph)]
    return [(start, end, marker) for (start, marker), end in zip(chain, ends, strict=True)]
