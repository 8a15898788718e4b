"""Filters written in the question, and the explicit province/year arguments."""

import pytest

from retriever.hit import Filters
from retriever.query import merge_filters, normalise_provinces, normalise_years, parse_query

CORPUS = ("青海省", "云南省", "四川省", "河南省", "浙江省")


def test_province_and_year_are_detected_and_removed_from_the_searched_text():
    parsed = parse_query("青海2020年消防车通道有什么要求", CORPUS)
    assert parsed.filters.provinces == ("青海省",)
    assert parsed.filters.years == (2020,)
    assert parsed.filters.detected == ("青海省", "2020年")
    assert parsed.rest == "消防车通道有什么要求"


def test_traditional_full_name_maps_to_the_corpus_name_and_rest_keeps_original_script():
    parsed = parse_query("雲南省煙花爆竹零售店", CORPUS)
    assert parsed.filters.provinces == ("云南省",)
    assert parsed.rest == "煙花爆竹零售店"


def test_short_name_with_space():
    parsed = parse_query("浙江 危化品", CORPUS)
    assert parsed.filters.provinces == ("浙江省",)
    assert parsed.rest == "危化品"


def test_province_outside_the_corpus_is_not_a_filter_and_stays_searched():
    parsed = parse_query("山东危化品", CORPUS)
    assert parsed.filters.provinces == ()
    assert "山东" in parsed.rest
    assert parsed.filters.absent == ("山东省",)


def test_provinces_outside_the_corpus_are_reported_as_absent_beside_corpus_ones():
    parsed = parse_query("廣東省和青海省的安全生产工作要点", CORPUS)
    assert parsed.filters.provinces == ("青海省",)
    assert parsed.filters.absent == ("广东省",)
    assert parse_query("青海南部牧区", CORPUS).filters.absent == ()  # 海南 is not in 青海南部


def test_longer_province_name_wins_over_a_shorter_one_inside_it():
    parsed = parse_query("内蒙古自治区 煤矿", ("内蒙古自治区", "青海省"))
    assert parsed.filters.provinces == ("内蒙古自治区",)
    assert parsed.rest == "煤矿"


def test_two_provinces_and_the_connector_between_them():
    parsed = parse_query("河南省和四川省的应急演练", CORPUS)
    assert parsed.filters.provinces == ("河南省", "四川省")
    assert parsed.rest == "应急演练"


@pytest.mark.parametrize(
    "question",
    ["2019-2021年烟花爆竹", "2019至2021年烟花爆竹", "2019到2021烟花爆竹", "2019～2021年度烟花爆竹"],
)
def test_year_ranges(question):
    parsed = parse_query(question, CORPUS)
    assert parsed.filters.years == (2019, 2020, 2021)
    assert parsed.rest == "烟花爆竹"


def test_year_list():
    parsed = parse_query("2019、2020年 危化品", CORPUS)
    assert parsed.filters.years == (2019, 2020)
    assert parsed.rest == "危化品"


def test_digits_that_are_not_a_year_are_left_alone():
    parsed = parse_query("联系电话0971-6138729 12020次", CORPUS)
    assert parsed.filters.years == ()
    assert parsed.filters.detected == ()


def test_question_made_only_of_filters_still_searches_something():
    parsed = parse_query("青海2020", CORPUS)
    assert parsed.filters.provinces == ("青海省",)
    assert parsed.filters.years == (2020,)
    assert parsed.rest == "青海2020"


def test_no_filters():
    parsed = parse_query("消防车通道", CORPUS)
    assert parsed.filters == Filters()
    assert parsed.rest == "消防车通道"


def test_explicit_provinces_accept_short_full_traditional_and_lists():
    assert normalise_provinces("青海", CORPUS) == ("青海省",)
    assert normalise_provinces("青海省", CORPUS) == ("青海省",)
    assert normalise_provinces(["雲南", "浙江省", "青海"], CORPUS) == ("云南省", "浙江省", "青海省")
    assert normalise_provinces(None, CORPUS) == ()


def test_unknown_explicit_province_is_reported():
    with pytest.raises(ValueError, match="山东"):
        normalise_provinces("山东", CORPUS)


@pytest.mark.parametrize(
    ("value", "years"),
    [
        (2020, (2020,)),
        ("2020", (2020,)),
        ("2019-2021", (2019, 2020, 2021)),
        ("2019至2020年", (2019, 2020)),
        ("2018、2020", (2018, 2020)),
        ([2021, 2019], (2019, 2021)),
        (range(2019, 2021), (2019, 2020)),
        (None, ()),
    ],
)
def test_explicit_years(value, years):
    assert normalise_years(value) == years


def test_bad_explicit_year_is_reported():
    with pytest.raises(ValueError, match="abc"):
        normalise_years("abc")


def test_explicit_filter_wins_over_detected_one_per_dimension():
    detected = parse_query("青海2020年消防车通道", CORPUS).filters
    merged = merge_filters(detected, ("云南省",), ())
    assert merged.provinces == ("云南省",)
    assert merged.years == (2020,)
    assert merged.detected == ("2020年",)


def test_provinces_are_matched_leftmost_longest():
    # 海南 hides inside 青海南部 but the reader sees 青海 first
    parsed = parse_query("青海南部的尾矿库", (*CORPUS, "海南省"))
    assert parsed.filters.provinces == ("青海省",)


def test_a_quantity_is_not_a_year():
    parsed = parse_query("储量超过2000吨的危化品仓库", CORPUS)
    assert parsed.filters.years == ()
    assert "2000吨" in parsed.rest
