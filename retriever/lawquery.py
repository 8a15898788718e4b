"""Laws and articles named in a question: 消防法…, 《安全生产法》, 安全生产法第二十一条, 刑法134条.

Part of preparing a question (:mod:`retriever.prepare` is the only caller). A law named in
the question restricts the search to that law (all its versions; validity decides which
answer), and an article named with it is put first. Names are the titles of the corpus's
documents laid out in articles (national laws and any regulation a user dropped in), with
and without 中华人民共和国; matching is leftmost-longest on the Simplified question, so
刑法修正案 is never read as 刑法, and 消防法规 (regulations on fire safety) is not 消防法.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corpus.articles import NUMERAL, parse_number
from corpus.clause import Clause
from corpus.laws import short_name
from corpus.script import to_simplified

#: 第二十一条 / 第21条 / 21条 / 第一百三十四条之一, right after the law's name (的, spaces ok).
_ARTICLE = re.compile(
    rf"^[\s》」』\"”]*(?:的)?\s*(?:第\s*({NUMERAL})\s*条|(\d{{1,4}})\s*条)(?:之([一二三四五六七八九十]))?"
)
#: A clause item's article: 第二十一条 (+ 之一), as the loaders write it.
_ITEM = re.compile(rf"^第({NUMERAL})条(?:之([一二三四五六七八九十]))?")
_SUFFIX = "一二三四五六七八九十"
#: After a law's name, these make it a common noun (消防法规, 安全生产法律法规).
_NOT_AFTER = ("规", "律", "治")


def article_key(number: int, suffix: str | None) -> str:
    """``21``, or ``134-1`` for 第一百三十四条之一."""
    return f"{number}-{_SUFFIX.index(suffix) + 1}" if suffix else str(number)


@dataclass(frozen=True)
class LawTable:
    """The law names of one corpus and where its articles are.

    ``names`` are (name in Simplified, title) pairs, longest first; ``docs`` the doc ids of
    each title (every version); ``articles`` the clause ids of each (title, article key),
    in corpus order (an article split into 款/项 has several).
    """

    names: tuple[tuple[str, str], ...] = ()
    docs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    articles: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, clauses: Iterable[Clause]) -> LawTable:
        docs: dict[str, list[str]] = {}
        articles: dict[tuple[str, str], list[str]] = {}
        for clause in clauses:
            if clause.kind != "article" or not clause.doc.title:
                continue
            title = clause.doc.title
            ids = docs.setdefault(title, [])
            if clause.doc.doc_id not in ids:
                ids.append(clause.doc.doc_id)
            match = _ITEM.match(clause.item)
            if match:
                try:
                    key = article_key(parse_number(match.group(1)), match.group(2))
                except ValueError:
                    continue
                articles.setdefault((title, key), []).append(clause.id)
        names: dict[str, str] = {}
        for title in docs:
            for name in (title, short_name(title)):
                simple = to_simplified(name)
                if len(simple) >= 2:
                    names.setdefault(simple, title)
        ordered = tuple(sorted(names.items(), key=lambda pair: -len(pair[0])))
        return cls(
            ordered,
            {t: tuple(ids) for t, ids in docs.items()},
            {k: tuple(v) for k, v in articles.items()},
        )


@dataclass(frozen=True)
class LawMatch:
    """What a question names: the titles (in order), the doc ids to restrict to, the clause
    ids of a named article, the spans to take out of the searched text, and the labels the
    page shows (《中华人民共和国消防法》, 第二十八条), each with the words of the question it
    stands for (``written``: 消防法, 第二十八条), so a page can take a filter back out."""

    titles: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    labels: tuple[str, ...] = ()
    written: tuple[str, ...] = ()


def find_laws(text: str, table: LawTable) -> LawMatch:
    """The laws and articles named in ``text`` (see the module docstring)."""
    if not table.names:
        return LawMatch()
    norm = to_simplified(text)
    if len(norm) != len(text):
        norm = text
    pattern = re.compile("|".join(re.escape(name) for name, _ in table.names))
    title_of = dict(table.names)
    titles: list[str] = []
    pinned: list[str] = []
    spans: list[tuple[int, int]] = []
    labels: list[str] = []
    written: list[str] = []
    for match in pattern.finditer(norm):
        start, end = match.span()
        if norm[end : end + 1] in _NOT_AFTER:
            continue
        title = title_of[match.group(0)]
        if start > 0 and norm[start - 1] == "《":
            start -= 1
        if norm[end : end + 1] == "》":
            end += 1
        if title not in titles:
            titles.append(title)
            labels.append(f"《{title}》")
            written.append(text[start:end])
        article = _ARTICLE.match(norm[end:])
        if article:
            raw = article.group(1) or article.group(2)
            try:
                key = article_key(parse_number(raw), article.group(3))
            except ValueError:
                key = ""
            ids = table.articles.get((title, key), ())
            if ids:
                pinned.extend(i for i in ids if i not in pinned)
                labels.append(_article_label(article.group(0)))
                written.append(text[end : end + article.end()].strip())
                end += article.end()
        spans.append((start, end))
    doc_ids = tuple(i for t in titles for i in table.docs[t])
    return LawMatch(
        tuple(titles), doc_ids, tuple(pinned), tuple(spans), tuple(labels), tuple(written)
    )


def _article_label(written: str) -> str:
    """第二十一条 as the question wrote it (21条 → 第21条)."""
    core = written.strip(' 》」』"”的')
    return core if core.startswith("第") else f"第{core}"


#: Private-use characters that stand in for the law names while provinces and years are
#: read (so 青海省安全生产条例 is not a province filter); one character per name.
_MASK = 0xE000


def masked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with span ``i`` replaced by as many ``U+E000+i`` (offsets unchanged)."""
    out = list(text)
    for i, (start, end) in enumerate(spans):
        out[start:end] = [chr(_MASK + i)] * (end - start)
    return "".join(out)


def unmasked(rest: str, text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, str]:
    """(``rest`` with the law names put back, ``rest`` with them as spaces)."""
    back = re.sub(
        f"[{chr(_MASK)}-{chr(_MASK + max(len(spans) - 1, 0))}]+",
        lambda m: text[slice(*spans[ord(m.group(0)[0]) - _MASK])],
        rest,
    )
    gone = re.sub(f"[{chr(_MASK)}-{chr(_MASK + max(len(spans) - 1, 0))}]+", " ", rest)
    return back, " ".join(gone.split())
