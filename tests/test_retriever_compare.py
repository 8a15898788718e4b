"""Comparisons over a small fake index (hand-made provinces and national laws, no model)."""

from __future__ import annotations

import pytest

from retriever import Retriever
from retriever.compare import NATIONAL, CompareError, compare, read_comparison
from tests.compare_fakes import compare_retriever


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    return compare_retriever(tmp_path_factory.mktemp("compare") / "index")


@pytest.fixture(scope="module")
def provinces_only(tmp_path_factory) -> Retriever:
    return compare_retriever(tmp_path_factory.mktemp("compare-no-laws") / "index", False)


def test_each_column_answers_from_its_own_source_and_differing_facts_are_marked(retriever):
    result = compare(retriever, "浙江和云南在危险化学品方面的要求有什么不同")
    assert [c.source for c in result.columns] == ["浙江省", "云南省", NATIONAL]
    for column in result.columns:
        assert column.found
        for hit in column.hits:
            if column.national:
                assert hit.clause.doc.national
            else:
                assert hit.clause.province == column.source and not hit.clause.doc.national
    differing = {c.source: {f.fact.text for f in c.facts if f.differs} for c in result.columns}
    assert "50支" in differing["浙江省"]
    assert "年底前" in differing["云南省"]
    assert "30日" in differing[NATIONAL]
    shared = {f.fact.text for c in result.columns for f in c.facts if not f.differs}
    assert {"兩重點一重大"} <= shared  # quoted in both provinces: not a difference
    data = result.to_json()
    assert [s["source"] for s in data["sources"]] == ["浙江省", "云南省", NATIONAL]
    assert data["sources"][0]["clauses"][0]["citation"].startswith("【浙江省·2021年·")


def test_laws_can_be_left_out_and_missing_laws_are_reported(retriever, provinces_only):
    result = compare(retriever, "浙江和云南的危险化学品", laws=False)
    assert [c.source for c in result.columns] == ["浙江省", "云南省"]
    asked = compare(provinces_only, "浙江危险化学品要求与全国法律相比", ["云南"])
    assert not asked.laws and asked.laws_missing


def test_every_province_shows_those_with_clauses_and_names_the_others(retriever):
    result = compare(retriever, "各省对消防车通道有什么要求")
    shown = [c.source for c in result.shown]
    assert "青海省" in shown and NATIONAL in shown
    assert {"浙江省", "河南省"} <= set(result.missing)
    assert not set(shown) & set(result.missing)
    for column in result.shown:
        assert all("消防车通道" in h.clause.text_norm for h in column.hits)


def test_years_restrict_every_column(retriever):
    result = compare(retriever, "浙江和云南的危险化学品", years=[2019], laws=False)
    zhejiang, yunnan = result.columns
    assert not zhejiang.found and yunnan.found
    assert result.missing == ("浙江省",)


@pytest.mark.parametrize(
    ("question", "provinces", "code", "details"),
    [
        ("浙江的危险化学品", None, "one-source", {"count": 1}),
        ("浙江和广东的危险化学品", None, "absent", {"provinces": ("广东省",)}),
        ("浙江和云南有什么不同", None, "no-topic", {}),
        ("危险化学品", ["浙江", "火星"], "unknown", {"name": "火星"}),
        ("危险化学品", "浙江,云南,青海,河南", "too-many", {"count": 4, "limit": 3}),
    ],
)
def test_bad_requests_say_what_is_wrong(retriever, question, provinces, code, details):
    with pytest.raises(CompareError) as caught:
        compare(retriever, question, provinces, laws=False, max_sources=3)
    assert caught.value.code == code
    assert caught.value.details == details


def test_a_province_without_documents_is_named_beside_the_comparison(retriever):
    result = compare(retriever, "浙江、云南和广东的危险化学品", laws=False)
    assert result.absent == ("广东省",)
    assert [c.source for c in result.columns] == ["浙江省", "云南省"]


def test_comparison_words_are_not_searched():
    text, every, national = read_comparison("各省与全国法律相比在危化品方面有什么不同")
    assert every and national
    assert "危化品" in text
    for word in ("不同", "各省", "法律", "相比", "方面"):
        assert word not in text


def test_milvus_translates_the_source_dimension() -> None:
    from index.milvus_collection import filter_expression
    from index.protocol import Scope

    assert filter_expression(Scope(statuses=())) == ""
    laws = filter_expression(Scope(provinces=("浙江省",), source="laws", statuses=()))
    assert '(province in ["浙江省"] or national == true)' in laws and "national == true" in laws
    assert "national == false" in filter_expression(Scope(source="provincial", statuses=()))


@pytest.mark.parametrize(
    ("args", "message"),
    [(["compare", "？？？"], "query is empty"), (["compare", "危化品", "--k", "0"], "--k")],
)
def test_cli_compare_refuses_bad_arguments_before_loading(args, message, capsys):
    from retriever.__main__ import main

    assert main(args) == 2
    assert message in capsys.readouterr().err
