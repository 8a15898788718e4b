"""The numbering parser on small hand-written documents (the real files: test_corpus_loader)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.numbering import parse_chinese_numeral, to_chinese_numeral
from corpus.structure import Segment, parse_structure


def _by_key(text: str, hint: str = "") -> dict[str, tuple[Segment, str]]:
    structure = parse_structure(text, hint)
    return {"-".join(s.key): (s, text[s.start : s.end]) for s in structure.segments}


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十三", 23)],
)
def test_chinese_numerals_round_trip(numeral: str, value: int) -> None:
    assert parse_chinese_numeral(numeral) == value
    assert to_chinese_numeral(value) == numeral


def test_a_run_of_digits_is_not_a_numeral() -> None:
    with pytest.raises(ValueError):
        parse_chinese_numeral("一二")


RESTARTING = """关于做好安全生产工作的通知
为做好今年工作，制定本要点。
一、总体要求
坚持安全第一。
二、重点任务
（一）强化责任落实。
1．落实领导责任。各级党委政府要定期研究。
2、落实部门责任。管行业必须管安全。
(二)加强风险管控
1.开展专项整治。重点整治危化品。
2.加强执法检查。
（1）严格执法。依法查处违法行为。
（2）规范执法。推行执法公示制度。
三、工作要求
(一)提高站位。各地要高度重视。
(二)注重实效。确保各项任务落实。"""


def test_restarting_numbering_gives_paths_and_labels() -> None:
    segments = _by_key(RESTARTING)
    item, text = segments["2-2-1"]
    assert item.kind == "item"
    assert item.item == "二、（二）1"
    assert item.path == ("二、重点任务", "(二)加强风险管控")
    assert text == "1.开展专项整治。重点整治危化品。"
    assert segments["2-1-2"][0].item == "二、（一）2"  # "2、" numbers like "2."
    assert segments["2-1-1"][1].startswith("1．落实领导责任")  # and so does "1．"


def test_full_and_half_width_brackets_are_one_level() -> None:
    segments = _by_key(RESTARTING)
    assert segments["2-1-1"][0].path[-1] == "（一）强化责任落实。"
    assert segments["2-2-1"][0].path[-1] == "(二)加强风险管控"


def test_parenthesised_arabic_numbers_are_sub_items() -> None:
    segments = _by_key(RESTARTING)
    sub, text = segments["2-2-2-1"]
    assert sub.item == "二、（二）2（1）"
    assert text == "（1）严格执法。依法查处违法行为。"


def test_title_only_headings_live_in_paths_not_in_clauses() -> None:
    structure = parse_structure(RESTARTING)
    texts = [RESTARTING[s.start : s.end] for s in structure.segments]
    assert "二、重点任务" not in texts
    assert not any(t.startswith(("（一）强化责任落实", "(二)加强风险管控")) for t in texts)


def test_section_text_under_a_heading_is_a_leaf_labelled_with_the_section() -> None:
    leaf, text = _by_key(RESTARTING)["1"]
    assert (leaf.kind, leaf.item, text) == ("leaf", "一、", "坚持安全第一。")
    assert leaf.path == ("一、总体要求",)


def test_blocks_without_numbered_items_are_leaves() -> None:
    leaf, text = _by_key(RESTARTING)["3-2"]
    assert (leaf.kind, leaf.item) == ("leaf", "三、（二）")
    assert text == "(二)注重实效。确保各项任务落实。"
    assert leaf.path == ("三、工作要求",)


def test_title_and_preamble() -> None:
    structure = parse_structure(RESTARTING)
    assert structure.title == "关于做好安全生产工作的通知"
    preamble, text = _by_key(RESTARTING)["preamble"]
    assert (preamble.kind, preamble.item, text) == (
        "preamble",
        "前言",
        "为做好今年工作，制定本要点。",
    )


GLOBAL = """各市人民政府：
现将工作要点印发你们，请抓好落实。
某省安全生产委员会
2020年3月3日
某省安全生产委员会2020年工作要点
一、强化责任
1.落实责任。内容一。
2.完善考核。内容二。
二、专项治理
3.整治隐患。内容三。
4.打非治违。内容四。"""


def test_numbering_through_the_document_is_cited_per_section() -> None:
    structure = parse_structure(GLOBAL)
    assert structure.global_items
    item, text = _by_key(GLOBAL)["2-3"]
    assert item.item == "二、第3项"
    assert item.path == ("二、专项治理",)
    assert text == "3.整治隐患。内容三。"


def test_cover_notice_runs_up_to_the_title() -> None:
    structure = parse_structure(GLOBAL)
    assert structure.title == "某省安全生产委员会2020年工作要点"
    notice, text = _by_key(GLOBAL)["notice"]
    assert (notice.kind, notice.item) == ("notice", "印发通知")
    assert text.startswith("各市人民政府：") and text.endswith("2020年3月3日")


def test_issuer_and_date_after_the_last_item_are_a_closing() -> None:
    text = GLOBAL + "\n某省安全生产委员会办公室\n2020年3月5日"
    segments = _by_key(text)
    assert segments["2-4"][1] == "4.打非治违。内容四。"
    closing, closing_text = segments["closing"]
    assert closing.kind == "closing"
    assert closing_text == "某省安全生产委员会办公室\n2020年3月5日"


PARAGRAPHS = """某厅简报(第1期)
我省召开视频会议。会议指出，形势严峻。
会议强调，要突出重点。一是研判要制度化，健全机制；二是排查要精细化，闭环整改。三是防范要常态化。
会议要求，要加强统筹。一要扛稳责任。二要主动协调。
各地要统一思想，坚持统一是前提，二是一个数字。"""


def test_paragraph_documents_number_paragraphs_after_the_title() -> None:
    structure = parse_structure(PARAGRAPHS)
    assert not structure.numbered
    assert structure.title == "某厅简报(第1期)"
    first, text = _by_key(PARAGRAPHS)["p1"]
    assert (first.kind, first.item, text) == (
        "paragraph",
        "¶1",
        "我省召开视频会议。会议指出，形势严峻。",
    )
    assert all(PARAGRAPHS[s.start : s.end] != "某厅简报(第1期)" for s in structure.segments)


def test_enumerations_become_points_and_the_lead_in_stays() -> None:
    segments = _by_key(PARAGRAPHS)
    assert segments["p2"][1] == "会议强调，要突出重点。"
    point, text = segments["p2-2"]
    assert (point.kind, point.item) == ("point", "¶2·二是")
    assert text == "二是排查要精细化，闭环整改。"
    assert segments["p2-1"][1] == "一是研判要制度化，健全机制；"
    assert segments["p3-2"][0].item == "¶3·二要"
    assert segments["p3-2"][1] == "二要主动协调。"


def test_words_containing_yi_shi_are_not_points() -> None:
    segments = _by_key(PARAGRAPHS)
    assert "p4-1" not in segments
    assert segments["p4"][1] == "各地要统一思想，坚持统一是前提，二是一个数字。"


def test_offsets_are_exact_slices() -> None:
    for text in (RESTARTING, GLOBAL, PARAGRAPHS):
        for segment in parse_structure(text).segments:
            piece = text[segment.start : segment.end]
            assert piece and piece == piece.strip()


def test_sub_items_of_globally_numbered_items_extend_the_item_label() -> None:
    text = GLOBAL + "\n（1）排查隐患。逐一销号。\n（2）整治隐患。限期整改。"
    sub, sub_text = _by_key(text)["2-4-2"]
    assert sub.item == "二、第4项（2）"
    assert sub.path == ("二、专项治理", "4.打非治违。")
    assert sub_text == "（2）整治隐患。限期整改。"


_LINES = st.sampled_from(
    [
        "一、总体要求",
        "二、重点任务",
        "（一）强化责任。",
        "(二)加强管控,狠抓治理。",
        "1.落实责任。各地要认真落实。",
        "2、完善考核。",
        "（1）严格执法。依法查处。",
        "会议强调，要突出重点。一是研判要制度化；二是排查要精细化。",
        "某省安全生产委员会",
        "2020年3月3日",
        "正文一段，没有编号。",
        "   ",
        "",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, max_size=25))
def test_any_layout_gives_exact_ordered_spans(lines: list[str]) -> None:
    text = "\n".join(lines)
    segments = parse_structure(text).segments
    for segment in segments:
        piece = text[segment.start : segment.end]
        assert piece and piece == piece.strip()
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))
