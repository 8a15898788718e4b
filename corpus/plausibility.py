"""How plausible a string is as Chinese text, from character frequencies.

Used to choose between readings of the same bytes: GB18030 against Big5 for a file of unknown
encoding, and a re-decoded mojibake run against the run as it stands. Both choices compare
readings of the *same* bytes, so a unigram model is enough: a wrong reading is made of rare
characters, symbols and stray Latin letters, a right one of common characters.

Character frequencies come from jieba's dictionary (each word's frequency credited to each of
its characters), so no extra data ships with the project. Text is converted to Simplified
first (jieba's dictionary is Simplified); punctuation, digits and Latin letters, absent from
that dictionary, get per-mille figures of running policy text (see ``_SYMBOL_PER_MILLE``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from corpus.script import to_simplified

# Share of running Chinese text that is ideographs; the rest is punctuation, digits, Latin.
_IDEOGRAPH_SHARE = 0.85

# Occurrences per 1,000 characters. Half-width forms were counted on the five seed documents
# (which mostly use ASCII punctuation); full-width forms get the figure of their half-width
# twin. The ideographic space is the indent of every paragraph in scraped pages and Word
# files (two per paragraph), so it is about as common as quotation marks.
_SYMBOL_PER_MILLE: dict[str, float] = {
    **dict.fromkeys(",，", 35.0),
    "、": 31.0,
    **dict.fromkeys("。.．", 22.0),
    **dict.fromkeys('“”"', 7.0),
    "　": 7.0,
    **dict.fromkeys("()（）", 5.0),
    **dict.fromkeys("0123456789０１２３４５６７８９", 3.0),
    **dict.fromkeys(";；", 3.0),
    **dict.fromkeys("《》", 2.0),
    **dict.fromkeys(":：%％", 1.0),
    " ": 1.0,
    **dict.fromkeys("-—…·〔〕【】‘’「」『』！？!", 0.2),
}
# A Latin letter inside Chinese text is rare (model names, "A级"); rarer than any punctuation.
_LATIN_PER_MILLE = 0.1
# Longest dictionary word tried when segmenting (jieba's words rarely exceed this).
_MAX_WORD = 6
# Anything never seen (bopomofo, box drawing, kana, private use …): about one in ten million.
_FLOOR_PER_MILLE = 1e-4


@dataclass(frozen=True)
class _Dictionary:
    words: dict[str, int]  # jieba's word frequencies
    word_total: int
    chars: Counter[str]  # each word's frequency credited to each of its characters
    char_total: int


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    """jieba's dictionary file, read directly (no need to build jieba's prefix dictionary)."""
    import jieba

    words: dict[str, int] = {}
    chars: Counter[str] = Counter()
    with jieba.get_dict_file() as handle:
        for raw in handle:
            parts = raw.decode("utf-8").split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            if freq <= 0:
                continue
            words[word] = freq
            for ch in word:
                chars[ch] += freq
    return _Dictionary(words, sum(words.values()), chars, sum(chars.values()))


def is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def char_logp(ch: str) -> float:
    """Natural log of the share of running text that is ``ch`` (``ch`` already Simplified)."""
    if is_ideograph(ch):
        dictionary = _dictionary()
        count = dictionary.chars.get(ch, 0)
        per_mille = 1000.0 * _IDEOGRAPH_SHARE * count / dictionary.char_total if count else 0.0
    elif ch in _SYMBOL_PER_MILLE:
        per_mille = _SYMBOL_PER_MILLE[ch]
    elif ch.isascii() and ch.isalpha():
        per_mille = _LATIN_PER_MILLE
    else:
        per_mille = _FLOOR_PER_MILLE
    return math.log(max(per_mille, _FLOOR_PER_MILLE) / 1000.0)


def mean_logp(text: str, *, sample: int = 20000) -> float:
    """Mean :func:`char_logp` per non-whitespace character of (the first ``sample`` of) ``text``.

    Newlines and ASCII spaces are left out: they are layout, equally present in every reading.
    Returns ``-inf`` for text without such characters.
    """
    chars = [ch for ch in to_simplified(text[:sample]) if ch not in "\n\r\t "]
    if not chars:
        return float("-inf")
    return sum(char_logp(ch) for ch in chars) / len(chars)


def is_rare(ch: str, *, per_mille: float = 0.001) -> bool:
    """True for a character rarer than ``per_mille`` (default: one in a million) in running text.

    A re-decoded character this rare is taken for debris of lost bytes, not for a word.
    """
    simplified = to_simplified(ch)
    if len(simplified) != 1:
        return False
    return char_logp(simplified) < math.log(per_mille / 1000.0)


def word_logp(text: str) -> float:
    """Log-probability of ``text`` (Simplified first) under its best segmentation into jieba
    dictionary words; characters that are no word score as in :func:`char_logp`.

    A unigram of characters cannot tell 重點 from 地點 (both common characters); words can.
    Only readings of equal length should be compared: the score is a total, not a mean.
    """
    simplified = to_simplified(text)
    dictionary = _dictionary()
    log_total = math.log(dictionary.word_total)
    best = [0.0] + [float("-inf")] * len(simplified)
    for i, ch in enumerate(simplified):
        if best[i] == float("-inf"):
            continue
        single = dictionary.words.get(ch)
        step = math.log(single) - log_total if single else char_logp(ch)
        best[i + 1] = max(best[i + 1], best[i] + step)
        for j in range(i + 2, min(i + _MAX_WORD, len(simplified)) + 1):
            freq = dictionary.words.get(simplified[i:j])
            if freq:
                best[j] = max(best[j], best[i] + math.log(freq) - log_total)
    return best[-1]
