"""Mojibake repair: the 危化品 damage of the Zhejiang page, the general lead-byte repair, and
that clean text is never touched."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from corpus.mojibake import LOST, Repair, repair_mojibake

DOCUMENTS = Path(__file__).resolve().parent.parent / "corpus" / "documents"
ZHEJIANG = next(DOCUMENTS.glob("zhejiang-2021-*.txt"))
CLEAN_SEEDS = sorted(p for p in DOCUMENTS.glob("*.txt") if p != ZHEJIANG)


def _shifted(original: str, lost_lead: bytes) -> str:
    """The corruption itself: GBK bytes with one lead byte dropped, decoded as GBK again (a
    lost byte shows as "?")."""
    raw = original.encode("gbk")
    assert raw.startswith(lost_lead)
    return "?" + raw[len(lost_lead) :].decode("gbk", errors="replace").replace("\ufffd", "?")


@pytest.fixture(scope="module")
def zhejiang() -> tuple[str, Repair]:
    text = ZHEJIANG.read_text(encoding="utf-8")
    return text, repair_mojibake(text)


def test_shandong_heading_with_a_lost_full_width_space_is_restored() -> None:
    repair = repair_mojibake("?。ㄒ唬┚C合整治重點\n")
    assert repair.text == "　（一）綜合整治重點\n"
    assert repair.unrepaired == ()
    assert len(repair.repaired) == 1


def test_the_repair_is_not_a_word_list_it_undoes_any_lost_lead_byte() -> None:
    original = "地震災害風險防治"
    garbled = _shifted(original, "地".encode("gbk")[:1])
    assert garbled.startswith("?") and garbled[1:3] != original[:2]
    repair = repair_mojibake(garbled)
    assert repair.text == original
    assert repair.unrepaired == ()


def test_the_documents_own_words_decide_between_readings() -> None:
    # Alone, ?實企業 reads best as 其實企業 (其实 is the commoner word); in a document that
    # keeps saying 落實, it is 落實企業.
    body = next(DOCUMENTS.glob("yunnan-2019-*.txt")).read_text(encoding="utf-8") + "\n"
    assert "落實" in body
    garbled = _shifted("落實企業主體責任", "落".encode("gbk")[:1])
    repair = repair_mojibake(body + garbled)
    assert repair.text == body + "落實企業主體責任"


def test_a_first_character_that_cannot_be_told_is_marked_not_guessed() -> None:
    # 重點 and 特點 are both common words: the lost lead byte cannot be chosen.
    repair = repair_mojibake(_shifted("重點行業領域專項整治", "重".encode("gbk")[:1]))
    assert repair.text == LOST + "點行業領域專項整治"
    assert repair.repaired == ()
    assert repair.unrepaired == ((0, 2),)


def test_repaired_span_covers_the_restored_words() -> None:
    repair = repair_mojibake("前言。?。ㄒ唬┚C合整治重點")
    start, end = repair.repaired[0]
    assert repair.text[start:end].startswith("　（一）")
    assert repair.text[:start] == "前言。"


@pytest.mark.parametrize("seed", CLEAN_SEEDS, ids=lambda p: p.stem.split("-")[0])
def test_documents_without_mojibake_come_back_unchanged(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    repair = repair_mojibake(text)
    assert repair.text == text
    assert repair.repaired == () and repair.unrepaired == ()


@pytest.mark.parametrize(
    "text",
    [
        "这是问题吗?是的。",
        "What? 安全生产",
        "?",
        "",
        "请于6月底前报送?(联系人:张三)",
        "硝基胍等爆炸危险性化学品?;",
        "為什麼?;方法很多",
    ],
)
def test_question_marks_in_ordinary_text_are_left_alone(text: str) -> None:
    assert repair_mojibake(text) == Repair(text)


def test_every_destroyed_weihuapin_is_back(zhejiang: tuple[str, Repair]) -> None:
    original, repair = zhejiang
    destroyed = original.count("?;")
    assert destroyed == 11  # counted by hand in the page: ten-odd places, as the notes say
    assert original.count("危化品") == 0
    assert repair.text.count("危化品") == destroyed
    assert "?" not in repair.text


@pytest.mark.parametrize(
    "phrase",
    [
        "危化品領域:到年底",
        "各市或危化品重點縣制定",
        "“兩重點一重大”的危化品建設項目安全風險防控",
        "建立危化品建設項目多部門聯合審查制度",
        "建成3個以上危化品安全實訓示范",
        "完成2萬名以上危化品一線員工應急技能",
        "完成危化品、涉海涉漁",
        "突出對危化品、礦山",
        "礦山、危化品、煙花爆竹",
    ],
)
def test_repaired_phrases_read_as_the_bytes_say(zhejiang: tuple[str, Repair], phrase: str) -> None:
    assert phrase in zhejiang[1].text


def test_bytes_lost_for_good_are_marked_and_flagged_not_guessed(
    zhejiang: tuple[str, Repair],
) -> None:
    _, repair = zhejiang
    flagged = [repair.text[start:end] for start, end in repair.unrepaired]
    assert flagged == ["危化品安全實訓示范" + LOST, "危化品" + LOST]
    assert "重點危化品" + LOST + "企業" in repair.text
    assert repair.text.count(LOST) == 2


def test_spans_point_at_the_repairs_in_the_output(zhejiang: tuple[str, Repair]) -> None:
    _, repair = zhejiang
    spans = sorted(repair.repaired + repair.unrepaired)
    assert len(spans) == 11
    assert all(repair.text[start:end].startswith("危化品") for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_the_rest_of_the_page_is_untouched(zhejiang: tuple[str, Repair]) -> None:
    original, repair = zhejiang
    before = original.splitlines()
    after = repair.text.splitlines()
    assert len(before) == len(after)
    untouched = [(a, b) for a, b in zip(before, after, strict=True) if "?" not in a]
    assert untouched and all(a == b for a, b in untouched)
