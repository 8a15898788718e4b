"""What a hit shows: the query terms found in the clause, and its best-matching sentence.

Matching happens on the Simplified ``text_norm``; what is returned is always a substring of
the clause's original ``text``, so Traditional documents are highlighted in Traditional.
OpenCC's t2s conversion maps these texts character for character (same length), so an
offset in ``text_norm`` is the same offset in ``text``; where that does not hold, the text
is converted one character at a time to rebuild an aligned form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from corpus.clause import Clause
from corpus.script import to_simplified

#: Single characters never highlighted on their own: particles and function words that
#: would light up half of every clause.
SINGLE_CHAR_STOPWORDS = frozenset("的了和与及或在是有对为把被将从向于以之其中等也都要就")

#: Kinds whose first sentence is a title ("5.深化煙花爆竹企業專項整治。").
_TITLED_KINDS = frozenset({"item", "leaf"})

_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])|\n")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a clause: its original text and its offset in ``clause.text``."""

    text: str
    start: int


def aligned_norm(clause: Clause) -> str:
    """``clause.text`` in Simplified with the same length, so offsets carry over.

    Uses ``clause.text_norm`` when it already has the right length; otherwise converts each
    character on its own (t2s of one character is one character for CJK text), keeping the
    original character where the conversion would change the length.
    """
    if len(clause.text_norm) == len(clause.text):
        return clause.text_norm
    chars = []
    for ch in clause.text:
        simple = to_simplified(ch)
        chars.append(simple if len(simple) == 1 else ch)
    return "".join(chars)


def matched_spans(norm: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``norm`` covered by any of ``words``, with touching spans merged.

    Merging joins pieces a segmenter cut apart ("百吨" + "王" → "百吨王"), so what is
    highlighted is the phrase as it stands in the text. An isolated one-character span that is
    a stopword is dropped.
    """
    covered = [False] * len(norm)
    for word in {w.lower() for w in words if w and w.strip()}:
        start = norm.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                covered[i] = True
            start = norm.find(word, start + 1)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(norm):
        if not covered[i]:
            i += 1
            continue
        j = i
        while j < len(norm) and covered[j]:
            j += 1
        if j - i > 1 or norm[i] not in SINGLE_CHAR_STOPWORDS:
            spans.append((i, j))
        i = j
    return spans


def matched_terms(clause: Clause, words: Iterable[str]) -> tuple[str, ...]:
    """The query ``words`` (Simplified, as a segmenter produced them) found in ``clause``,
    as they are written in the clause's original text: distinct, longest first.

    Case is folded for matching (queries are lower-cased by the segmenter).
    """
    norm = aligned_norm(clause).lower()
    spans = matched_spans(norm, words)
    terms = {clause.text[start:end] for start, end in spans}
    return tuple(sorted(terms, key=lambda t: (-len(t), clause.text.find(t))))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences ending in 。；！？ (or their ASCII forms) or a line break; blanks dropped."""
    sentences: list[Sentence] = []
    pos = 0
    for piece in _SENTENCE_END.split(text):
        if piece is None:
            continue
        stripped = piece.strip()
        if stripped:
            sentences.append(Sentence(stripped, pos + piece.find(stripped)))
        pos += len(piece)
    return sentences


def best_sentence(clause: Clause, words: Sequence[str]) -> str:
    """The clause's sentence that best answers the query, in its original script.

    Each query word found in a sentence adds ``len(word) × ln(1 + S / df)``, where ``S`` is
    the number of sentences of the clause and ``df`` the number holding the word, so a word
    found in one sentence only says more than one found everywhere. The first sentence of a
    numbered item (or leaf) is its title, the topic of everything after it, so its words count
    as present in every later sentence: "烟花爆竹零售店" then picks the sentence about 零售店
    rather than the title 深化煙花爆竹企業專項整治, while the title still wins when no later
    sentence adds anything. Ties go to the earlier sentence. With no match at all (a purely
    semantic hit) the first sentence is returned: an item's title, a paragraph's lead.
    """
    sentences = split_sentences(clause.text)
    if not sentences:
        return clause.text.strip()
    norm = aligned_norm(clause).lower()
    pieces = [norm[s.start : s.start + len(s.text)] for s in sentences]
    content = [w.lower() for w in dict.fromkeys(words) if w.strip()]
    present = [{w for w in content if w in piece} for piece in pieces]
    if clause.kind in _TITLED_KINDS and clause.part == 1:
        present[1:] = [found | present[0] for found in present[1:]]
    df = {w: sum(w in found for found in present) for w in content}
    weight = {w: len(w) * math.log(1 + len(pieces) / n) for w, n in df.items() if n}
    best, best_score = sentences[0], 0.0
    for sentence, found in zip(sentences, present, strict=True):
        score = sum(weight[w] for w in found)
        if score > best_score + 1e-9:
            best, best_score = sentence, score
    return best.text


def coverage(
    query_words: Sequence[str], clause: Clause, weights: Mapping[str, float] | None = None
) -> float:
    """Share of the query's content (its words, stopwords already removed) found in
    ``clause``: 1.0 when every word is found, 0.0 when none is.

    Each word counts with ``weights[word]`` (see :func:`retriever.confidence.idf_weights`:
    rare words count most) or, without weights, with its length in characters. Used by the
    low-confidence rule: a question the corpus cannot answer usually shares at most a
    generic word or two with its best clause.
    """
    content = query_content_words(query_words)
    given = weights or {}
    weight = {w: given.get(w, float(len(w))) for w in content}
    total = sum(weight.values())
    if not total:
        return 0.0
    norm = aligned_norm(clause).lower()
    return sum(weight[w] for w in content if holds(norm, w)) / total


#: At most this many characters between two characters of an abbreviation in its full form
#: (危化品 in 危险化学品: 1 and 1; 安委会 in 安全生产委员会: 3 and 1).
ABBREVIATION_GAP = 3


def holds(text: str, word: str) -> bool:
    """Whether ``text`` holds ``word``: as written, or, for a Chinese word of three or more
    characters, as the full form it abbreviates (its characters in order, each within
    :data:`ABBREVIATION_GAP` Chinese characters of the last).

    Why: officials write 危化品 and 安委会; 云南's document writes 危險化學品 and 安全生產委員會. The
    word then matched nothing, so 云南's column of 浙江和云南在危化品方面的要求有什么不同 rested on
    its cosine alone (0.8696 with unbatched int8 vectors, against the floor of 0.87) and could
    say no clause was found. Two-character words are left out: 股票 would match 股…票 in
    unrelated text. Document frequencies (:func:`retriever.confidence.document_frequencies`)
    still count a word as written: running the pattern over every clause the search may
    return would add to a question's first search, and only a hit's coverage needs it.
    """
    if word in text:
        return True
    pattern = _abbreviation(word)
    return bool(pattern and pattern.search(text))


@lru_cache(maxsize=4096)
def _abbreviation(word: str) -> re.Pattern[str] | None:
    if len(word) < 3 or not _is_cjk(word):
        return None
    gap = f"[\u3400-\u9fff]{{0,{ABBREVIATION_GAP}}}"
    return re.compile(gap.join(map(re.escape, word)))


def query_content_words(query_words: Sequence[str]) -> list[str]:
    """The distinct, lower-cased query words coverage counts: any word of two or more
    characters, and single characters only when CJK (a lone Latin letter or digit says
    nothing)."""
    return [w.lower() for w in dict.fromkeys(query_words) if len(w) > 1 or _is_cjk(w)]


def _is_cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" for ch in text)
