"""Chinese segmentation for the lexical index: jieba words + character bigrams + whole numbers.

BM25 over jieba words alone misses whenever jieba cuts a query differently from a clause
(unknown policy slogans, Traditional leftovers); BM25 over character bigrams alone ranks
slogans like 两客一危 no better than their pieces. The lexical index therefore uses both
(measured on the seeds: bigrams alone already reach R@5 1.00, words sharpen the top rank).

Numbers are kept whole with their unit (``6月底``, ``150座``, ``20%``, ``2020年``) and also
bare (``150``), because jieba would cut ``150座`` into ``150`` + ``座`` and a bigram index
never sees digits at all.

Domain terms are harvested from the corpus itself — quoted terms (“…”, "…", 「…」) and
《…》 titles — and added to a private :class:`jieba.Tokenizer`, so a quoted slogan is one
token and the user words of one index never leak into another (the global jieba
dictionary is shared by every caller in the process). The harvested list is part of
:meth:`Segmenter.to_config`, so a loaded index segments queries exactly as at build time.

Callers pass ``text_norm`` (Simplified, via :func:`corpus.script.to_simplified`): the
dictionary, stopwords and harvested terms are all Simplified.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bm25s.stopwords import STOPWORDS_CHINESE

with warnings.catch_warnings():
    # jieba 0.42 imports pkg_resources, which warns on every import in recent setuptools.
    warnings.simplefilter("ignore")
    import jieba

jieba.setLogLevel(logging.WARNING)

#: Name recorded in the index manifest; bump when token output changes for the same input.
SEGMENTER_NAME = "jieba-words+cjk-bigrams+numbers/1"

#: Terms every index knows even when the corpus never quotes them (危化品 is mostly written
#: unquoted, and in the 浙江 seed it survives only through mojibake repair). Changing this
#: list changes tokens: bump :data:`SEGMENTER_NAME` with it.
BUILTIN_TERMS: tuple[str, ...] = (
    "危化品",
    "危险化学品",
    "两客一危",
    "百吨王",
    "三个必须",
    "安全生产",
    "应急管理",
    "烟花爆竹",
    "非煤矿山",
    "尾矿库",
    "双重预防机制",
    "专项整治",
    "隐患排查",
)

#: Function words. bm25s ships a general Chinese list, but it also drops words that carry
#: the meaning in this domain (安全, 要求, 必须, 加强, 重大), so only its one-character
#: entries are used, plus a few multi-character function words and question words
#: ("有什么要求", "如何").
_FUNCTION_WORDS_TEXT = """
    以及 关于 进一步 有关 按照 根据 通过 对于 其中 同时 并且 或者 等等 我们 他们 这些 那些
    这个 那个 可以 应当 已经 还是 就是 因此 所以 如果 由于 为了 其他 一些
    什么 哪些 哪个 如何 怎么 怎样 请问 是否 有没有 多少
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
STOPWORDS: frozenset[str] = frozenset(w for w in STOPWORDS_CHINESE if len(w) == 1) | _FUNCTION_WORDS

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_QUOTED = re.compile(
    r"“([^”\n]{1,60})”|\"([^\"\n]{1,60})\"|「([^」\n]{1,60})」|《([^》\n]{1,60})》"
)
#: Characters jieba keeps inside one block (its ``re_han_default``); a user term made of
#: anything else could never be matched, so harvested terms are split on everything else.
_TERM_PART = re.compile(f"[{_CJK}a-zA-Z0-9+#&._%-]+")
_MIN_TERM, _MAX_TERM = 2, 16

#: Units that belong to the number before them; longest alternatives first so 月底 wins
#: over 月 and 万元 over 万.
_UNITS_TEXT = """
    月底 月初 月份 月中 年底 年初 年度 年内 万元 亿元 万人 万吨 平方米 立方米 公里 千米 小时
    个月 周年 余人 多人 余家 多家 余起 多起
    年 月 日 号 时 分 秒 天 周 座 人 名 吨 辆 艘 家 个 项 次 条 起 户 处 台 场 所 批 类 期 万 亿 元 米 岁 倍 级 层 % ％ ‰
"""
_UNITS = sorted(_UNITS_TEXT.split(), key=len, reverse=True)
_NUMBER = re.compile(r"(\d+(?:[.．]\d+)?)(" + "|".join(map(re.escape, _UNITS)) + ")?")
_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")


class SegmenterMismatch(ValueError):
    """A saved segmenter config is from another segmenter version."""


def harvest_terms(texts: Iterable[str]) -> list[str]:
    """Domain terms quoted in ``texts``: the parts of “…”/"…"/「…」/《…》 spans.

    A quoted span is split on punctuation and spaces (“党政同责、一岗双责” gives both slogans);
    parts of 2–16 characters containing a CJK character and not starting with a digit are
    kept: digits-only quotes ("5678") and single characters (“芯”) would be noise, and a
    term starting with a digit could never match because numbers are cut off first.
    """
    found: set[str] = set()
    for text in texts:
        for match in _QUOTED.finditer(text):
            span = next(g for g in match.groups() if g is not None)
            for part in _TERM_PART.findall(span):
                if (
                    _MIN_TERM <= len(part) <= _MAX_TERM
                    and _CJK_RUN.search(part)
                    and not part[0].isdigit()
                ):
                    found.add(part)
    return sorted(found)


def cjk_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of every CJK run; a one-character run yields itself."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


@lru_cache(maxsize=1)
def _default_dictionary() -> jieba.Tokenizer:
    """jieba's default dictionary, loaded once per process (~1–2 s)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _fresh_tokenizer() -> jieba.Tokenizer:
    """A private tokenizer holding its own copy of the default dictionary.

    Copying the loaded word table (~40 ms) instead of loading it again (~2 s) makes each
    index's segmenter cheap; the copy matters because ``add_word`` writes into it.
    """
    base = _default_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(base.FREQ)
    tokenizer.total = base.total
    tokenizer.initialized = True
    return tokenizer


def _content(piece: str) -> str:
    """``piece`` stripped and lower-cased, or "" for punctuation, whitespace, stopwords."""
    word = piece.strip().lower()
    return "" if not word or _PUNCT_OR_SPACE.match(word) or word in STOPWORDS else word


class Segmenter:
    """Turns Simplified text into BM25 tokens and highlightable words.

    Each instance owns a private :class:`jieba.Tokenizer` with the default dictionary plus
    :data:`BUILTIN_TERMS` and ``user_terms``, set up lazily on first use (the default
    dictionary is read once per process and copied).
    """

    def __init__(self, user_terms: Iterable[str] = ()) -> None:
        self.user_terms: tuple[str, ...] = tuple(sorted(set(user_terms)))
        self._tokenizer: jieba.Tokenizer | None = None

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Segmenter:
        """A segmenter whose user dictionary is the terms harvested from ``texts``."""
        return cls(harvest_terms(texts))

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            tokenizer = _fresh_tokenizer()
            for term in sorted(set(BUILTIN_TERMS) | set(self.user_terms)):
                tokenizer.add_word(term)
            self._tokenizer = tokenizer
        return self._tokenizer

    def _pieces(self, text: str) -> Iterable[tuple[str, str | None]]:
        """Raw jieba words in order, with each whole number as one piece.

        Yields ``(piece, bare_number)``; ``bare_number`` is the digits of a number piece
        that carries a unit (``150座`` → ``150``), else None.
        """
        pos = 0
        for match in _NUMBER.finditer(text):
            if match.start() > pos:
                yield from ((w, None) for w in self.tokenizer.cut(text[pos : match.start()]))
            yield match.group(0), match.group(1) if match.group(2) else None
            pos = match.end()
        if pos < len(text):
            yield from ((w, None) for w in self.tokenizer.cut(text[pos:]))

    def words(self, text_norm: str) -> list[str]:
        """jieba words of ``text_norm`` in order, numbers whole, lower-cased Latin;
        punctuation, whitespace and stopwords dropped. For highlighting matched terms."""
        return [word for piece, _ in self._pieces(text_norm) if (word := _content(piece))]

    def tokens(self, text_norm: str) -> list[str]:
        """What goes into BM25: :meth:`words`, the bare digits of numbers with units
        (``150座`` also yields ``150``) and the CJK bigrams of the text."""
        out: list[str] = []
        for piece, bare in self._pieces(text_norm):
            if word := _content(piece):
                out.append(word)
            if bare is not None:
                out.append(bare)
        out.extend(cjk_bigrams(text_norm))
        return out

    def to_config(self) -> dict[str, Any]:
        """What the index manifest records: enough to rebuild an identical segmenter."""
        return {
            "name": SEGMENTER_NAME,
            "jieba_version": jieba.__version__,
            "user_terms_count": len(self.user_terms),
            "user_terms_sha256": hashlib.sha256("\n".join(self.user_terms).encode()).hexdigest(),
            "user_terms": list(self.user_terms),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Segmenter:
        """The segmenter an index was built with.

        Raises :class:`SegmenterMismatch` when the config is from another segmenter version
        and ``ValueError`` when its term list does not match its checksum: queries would
        then be cut differently from the indexed clauses, so the index must be rebuilt.
        """
        if config.get("name") != SEGMENTER_NAME:
            raise SegmenterMismatch(
                f"segmented by {config.get('name')!r}, not the current {SEGMENTER_NAME!r}"
            )
        segmenter = cls(config.get("user_terms", ()))
        if segmenter.to_config()["user_terms_sha256"] != config.get("user_terms_sha256"):
            raise ValueError("segmenter user terms do not match their recorded checksum")
        return segmenter

    def __repr__(self) -> str:
        return f"Segmenter({len(self.user_terms)} user terms)"
