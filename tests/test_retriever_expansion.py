"""The learned expansion lexicon: hand-checked counts on a few question → article pairs."""

from __future__ import annotations

import math
from pathlib import Path

from retriever.expansion import Lexicon, content_words


def words(text: str) -> list[str]:
    return text.split()


PAIRS = [
    ("欠钱 不还 怎么办", ["债务 清偿 债权人"]),
    ("朋友 欠钱 不还", ["债务 清偿 期限"]),
    ("欠钱 利息", ["借款 利息 债务"]),
    ("离婚 孩子 归谁", ["离婚 子女 抚养"]),
]
DF = {"债务": 3, "清偿": 2, "债权人": 1, "期限": 9, "借款": 1, "子女": 2, "抚养": 2, "离婚": 2}


def test_an_article_word_that_comes_with_a_question_word_in_several_pairs_is_learned() -> None:
    lexicon = Lexicon.learn(PAIRS, words, DF, n_documents=10, min_pairs=2, min_confidence=0.5)
    learned = dict(lexicon.entries["欠钱"])
    # 债务 comes with 欠钱 in all 3 pairs, 清偿 in 2 of 3; 债权人, 期限, 借款 only once.
    assert set(learned) == {"债务", "清偿"}
    # weight = share of the word's questions × ln((N + 1) / (df + 1)):
    assert learned["债务"] == round(1.0 * math.log(11 / 4), 4)  # 3 of 3, df 3
    assert learned["清偿"] == round(2 / 3 * math.log(11 / 3), 4)  # 2 of 3, df 2
    assert "离婚" not in lexicon.entries  # one pair only: nothing is learned from it


def test_expansion_adds_only_words_the_question_lacks_strongest_first() -> None:
    lexicon = Lexicon.learn(PAIRS, words, DF, n_documents=10, min_pairs=2, min_confidence=0.5)
    # 不还 came in 2 questions, both with 债务 and 清偿: 清偿 = 1·ln(11/3) = 1.299 beats
    # 债务's best, 1·ln(11/4) = 1.012 (a word keeps its strongest reason).
    assert lexicon.expand(["朋友", "欠钱", "不还"]) == ["清偿", "债务"]
    assert lexicon.expand(["欠钱"]) == ["债务", "清偿"]  # 1.012 > 0.866
    assert lexicon.expand(["欠钱", "债务"]) == ["清偿"]
    assert lexicon.expand(["地震"]) == []


def test_the_lexicon_round_trips_through_its_file(tmp_path: Path) -> None:
    lexicon = Lexicon.learn(PAIRS, words, DF, n_documents=10, min_pairs=2, min_confidence=0.5)
    lexicon.save(tmp_path / "lexicon.json")
    assert Lexicon.load(tmp_path / "lexicon.json").entries == lexicon.entries


def test_content_words_keep_chinese_words_of_two_or_more_characters_once() -> None:
    assert content_words(["欠", "欠钱", "2020", "欠钱", "ok", "利息"]) == ["欠钱", "利息"]
