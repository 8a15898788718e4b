"""page.inputs: every value a door can be sent gets a Chinese message, never a Python error."""

from __future__ import annotations

import pytest

from page import handlers, inputs
from page import messages as msg
from page.conversation import Conversation
from page.inputs import InputError, check_k, check_provinces, check_question, check_years
from tests.page_fakes import FakeRetriever

KNOWN = ("青海省", "云南省", "浙江省")
PYTHON_WORDS = ("object", "attribute", "Traceback", "NoneType", "TypeError", "invalid literal")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (123, msg.NOT_TEXT.format(kind="整数")),
        (["消防"], msg.NOT_TEXT.format(kind="列表")),
        ({"q": "消防"}, msg.NOT_TEXT.format(kind="对象（字典）")),
        (None, msg.EMPTY_INPUT),
        ("   ", msg.EMPTY_INPUT),
        ("？？", msg.PUNCTUATION_ONLY),
        ("消" * 501, msg.TOO_LONG),
    ],
)
def test_a_question_that_is_not_searchable_text_is_refused_in_words(value, expected):
    with pytest.raises(InputError) as refused:
        check_question(value)
    assert str(refused.value) == expected


def test_a_single_province_string_is_one_name_not_a_list_of_characters():
    assert check_provinces("青海", KNOWN) == ("青海省",)
    assert check_provinces(["雲南省", "青海省", "青海"], KNOWN) == ("云南省", "青海省")
    assert check_provinces(None, KNOWN) == () and check_provinces([], KNOWN) == ()


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("青", "“青”不是现有文件中的省份"),
        (["广东省"], "“广东省”不是现有文件中的省份"),
        (5, "收到的是整数"),
        ([1, 2], "收到的是整数"),
        ({"a": 1}, "收到的是对象（字典）"),
        (["青海"] * 101, "筛选条件太多"),
    ],
)
def test_wrong_provinces_are_refused_naming_what_is_expected(value, fragment):
    with pytest.raises(InputError, match=fragment) as refused:
        check_provinces(value, KNOWN)
    assert not any(word in str(refused.value) for word in PYTHON_WORDS)


def test_years_are_integers_in_range_and_one_integer_is_one_year():
    assert check_years(2020) == (2020,) and check_years([2021, 2019.0, 2021]) == (2019, 2021)
    for value, fragment in [
        ("2020", "收到的是文字"),
        ([2020.5], "收到的是小数"),
        (True, "收到的是布尔值"),
        ([3000], "年份 3000 不在 1949–2100 之间"),
        ([float("nan")], "收到的是小数"),
    ]:
        with pytest.raises(InputError, match=fragment):
            check_years(value)


def test_k_is_an_integer_from_1_to_50():
    assert check_k(5.0) == 5 and check_k(50) == 50
    for value in (0, 51, -3, 2.5, "5", None, True, 10**12):
        with pytest.raises(InputError, match="条款数 k 必须是 1 到 50 之间的整数"):
            check_k(value)


def test_the_api_handler_and_the_chat_share_one_check():
    fake = FakeRetriever()
    with pytest.raises(InputError, match="“青”不是现有文件中的省份"):
        handlers.search_api(fake, "消防车通道", "青")
    data = handlers.search_api(fake, "消防车通道", "云南", 2019, 3.0)
    assert data["filters"]["province"] == ["云南省"] and data["filters"]["year"] == [2019]
    searched = len(fake.calls)
    conv = handlers.ask(fake, Conversation(), 42)
    assert conv.turns[-1].notice == msg.NOT_TEXT.format(kind="整数")
    assert conv.turns[-1].question == "42"
    conv = handlers.ask(fake, conv, "消防车通道", (), (), 1000)
    assert "条款数 k" in conv.turns[-1].notice and conv.turns[-1].result is None
    assert len(fake.calls) == searched  # nothing was searched for the refused ones
    conv = handlers.ask(fake, conv, "消防车通道", ["云南省"], [2019], 3)
    assert conv.turns[-1].result is not None and conv.turns[-1].result.hits


def test_refining_with_a_crafted_filter_adds_a_message_and_keeps_the_answer():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海2020年消防车通道")
    refined = handlers.refine(fake, conv, ["青海省"], "火星", (), 5)
    assert refined.turns[0] == conv.turns[0]
    assert "“火星”不是现有文件中的省份" in refined.turns[-1].notice


def test_shown_question_never_fails():
    assert inputs.shown_question(None) == "" and inputs.shown_question(3.5) == "3.5"
