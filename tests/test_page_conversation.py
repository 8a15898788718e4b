"""Follow-up resolution: which questions continue the previous one, and how."""

from __future__ import annotations

import pytest

from page.conversation import NeedsTopic, resolve
from retriever.prepare import PreparedQuery, prepare_query

CORPUS_PROVINCES = ("青海省", "云南省", "四川省", "河南省", "浙江省")


def PROVINCES(text: str) -> PreparedQuery:
    """The retriever's preparation for a corpus of these five provinces."""
    return prepare_query(text, CORPUS_PROVINCES, str.split)


def test_a_new_question_is_searched_without_its_filter_words():
    q = resolve("青海2020年对消防车通道有什么要求", None, PROVINCES)
    assert not q.follow_up
    assert "青海" not in q.topic and "2020" not in q.topic and "消防车通道" in q.topic
    assert q.provinces == ("青海省",) and q.years == (2020,)
    assert q.labels == ("青海省", "2020年")


def test_traditional_province_names_are_recognised():
    q = resolve("雲南省道路交通安全整治重點是什麼", None, PROVINCES)
    assert q.provinces == ("云南省",) and "道路交通" in q.topic


@pytest.mark.parametrize(
    "follow_up", ["那云南呢？", "那雲南呢", "云南呢", "换成云南", "那么云南的情况呢"]
)
def test_province_follow_ups_keep_the_topic(follow_up):
    first = resolve("青海2020年对消防车通道有什么要求", None, PROVINCES)
    q = resolve(follow_up, first, PROVINCES)
    assert q.follow_up and q.topic == first.topic
    assert q.provinces == ("云南省",) and q.years == ()


@pytest.mark.parametrize("follow_up", ["只看2020年的", "只看2020年", "2020年的呢"])
def test_year_follow_ups_narrow_and_keep_the_province(follow_up):
    first = resolve("青海对消防车通道有什么要求", None, PROVINCES)
    q = resolve(follow_up, first, PROVINCES)
    assert q.follow_up and q.topic == first.topic
    assert q.provinces == ("青海省",) and q.years == (2020,)


def test_a_year_range_becomes_one_chip_with_all_its_years():
    q = resolve("2019-2021年危化品整治", None, PROVINCES)
    assert q.years == (2019, 2020, 2021) and len(q.chips) == 1


def test_a_question_with_its_own_topic_is_not_a_follow_up():
    first = resolve("青海消防车通道", None, PROVINCES)
    q = resolve("云南道路交通安全", first, PROVINCES)
    assert not q.follow_up and "道路交通" in q.topic


def test_a_follow_up_needs_an_earlier_question():
    with pytest.raises(NeedsTopic):
        resolve("那云南呢", None, PROVINCES)


def test_a_bare_province_name_first_is_a_broad_question():
    q = resolve("青海", None, PROVINCES)
    assert not q.follow_up and q.topic == "青海" and q.provinces == ("青海省",)


def test_keep_only_removes_unticked_chips():
    q = resolve("青海2020年消防车通道", None, PROVINCES).keep_only(["2020年"])
    assert q.provinces == () and q.years == (2020,)


def test_a_province_without_documents_is_named_and_drops_the_old_province():
    first = resolve("青海2020年对消防车通道有什么要求", None, PROVINCES)
    q = resolve("那广东呢", first, PROVINCES)
    assert q.follow_up and q.topic == first.topic
    assert q.absent == ("广东省",) and q.provinces == () and q.years == ()
    new = resolve("广东省危化品安全整治有什么要求", None, PROVINCES)
    assert not new.follow_up and new.absent == ("广东省",) and "危化品" in new.topic
