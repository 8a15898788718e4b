"""Cards: highlighting, escaping and what a card shows."""

from __future__ import annotations

from page import cards
from page import messages as msg
from retriever.hit import Hit
from tests.page_fakes import QH14, QH15, QH16, YN, ZJ


def test_matched_terms_are_marked_and_longer_terms_win():
    html = cards.highlight("严格划设消防车通道标志", ["通道", "消防车通道"])
    assert html == "严格划设<mark>消防车通道</mark>标志"


def test_every_occurrence_is_marked():
    assert cards.highlight("通道甲通道", ["通道"]).count("<mark>") == 2


def test_highlight_escapes_text_and_never_marks_inside_an_entity():
    html = cards.highlight("a<b & lt", ["lt", "<b"])
    assert html == "a<mark>&lt;b</mark> &amp; <mark>lt</mark>"
    assert cards.highlight("<script>x</script>", []) == "&lt;script&gt;x&lt;/script&gt;"


def test_card_shows_citation_title_path_text_and_a_copy_button():
    hit = Hit(clause=QH15, rank=1, score=-0.2, scores={"dense": 0.8, "lexical": 9.1},
              ranks={"dense": 3, "lexical": 1}, matched_terms=("消防车通道",))  # fmt: skip
    html = cards.card(hit, neighbours=[QH14, QH15, QH16])
    assert "【青海省·2020年·第15项】" in html
    assert QH15.title in html and "三、强化重点行业领域专项整治" in html
    assert "<mark>消防车通道</mark>" in html
    assert 'class="qa-copy" title="复制引用：【青海省·2020年·第15项】"' in html
    assert "语义 第3 (0.800)" in html and "关键词 第1 (9.100)" in html
    assert "-0.2" not in html  # a fused z-score means nothing to a reader
    assert "\n" not in html  # a newline could end the chatbot's HTML block


def test_neighbours_are_labelled_previous_and_next_and_exclude_the_clause():
    hit = Hit(clause=QH15, rank=1, score=0.5)
    block = cards.neighbour_block(QH15, [QH14, QH15, QH16], simplified=False)
    assert block.index(msg.CARD_PREVIOUS) < block.index(QH14.text[3:10])
    assert block.index(msg.CARD_NEXT) < block.index(QH16.text[3:10])
    assert QH15.text[3:10] not in block
    assert msg.CARD_NO_CONTEXT in cards.card(hit, neighbours=[QH15])


def test_simplified_view_highlights_terms_given_in_traditional():
    hit = Hit(clause=YN, rank=1, score=0.5, matched_terms=("消防車通道",))
    assert "<mark>消防車通道</mark>" in cards.card(hit)
    assert "<mark>消防车通道</mark>" in cards.card(hit, simplified=True)


def test_title_path_and_citation_are_escaped_too():
    hit = Hit(clause=ZJ, rank=1, score=0.1)
    html = cards.card(hit)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_answer_sentence_falls_back_to_the_clause_start():
    hit = Hit(clause=QH16, rank=1, score=0.5, answer="")
    html = cards.answer_sentence(hit)
    assert msg.ANSWER_PREFIX in html and QH16.text[:10] in html
    assert "【青海省·2020年·第16项】" in html
