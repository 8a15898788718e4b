"""Choosing clauses: each selector alone, combined, and the query through a retriever."""

from __future__ import annotations

import pytest

from corpus.clause import Clause
from quiz.select import Selection, in_section, select_clauses
from tests.quiz_samples import FakeRetriever, sample_clauses

CLAUSES = sample_clauses()


def _ids(selection: Selection, retriever: object = None) -> list[str]:
    return [c.id for c in select_clauses(CLAUSES, selection, retriever)]


def test_no_selector_selects_every_body_clause_in_corpus_order() -> None:
    ids = _ids(Selection())
    assert ids == [c.id for c in CLAUSES if c.kind not in ("notice", "heading")]


def test_province_accepts_short_and_full_names_and_traditional() -> None:
    short = _ids(Selection(provinces=("青海",)))
    assert short == _ids(Selection(provinces=("青海省",)))
    assert short and all(i.startswith("qinghai") for i in short)
    assert _ids(Selection(provinces=("雲南",))) == _ids(Selection(provinces=("云南",))) != []


def test_year_and_document() -> None:
    assert {i.split(":")[0] for i in _ids(Selection(years=(2021,)))} == {"zhejiang-2021"}
    assert {i.split(":")[0] for i in _ids(Selection(docs=("henan-2023",)))} == {"henan-2023"}
    assert _ids(Selection(provinces=("青海",), years=(2021,))) == []


def test_section_by_number_and_by_words() -> None:
    four = _ids(Selection(section="四"))
    assert four == ["qinghai-2020:5"]  # 四、… but not 一、 (and 四 would not match 四十、)
    assert _ids(Selection(section="四、")) == four
    assert _ids(Selection(section="二、（三）")) == ["yunnan-2019:7"]
    assert _ids(Selection(section="(三)")) == ["yunnan-2019:7"]
    assert _ids(Selection(section="主要目标")) == ["zhejiang-2021:8", "zhejiang-2021:9"]


def test_section_number_does_not_match_a_longer_number() -> None:
    clause = CLAUSES[5]
    forty = Clause(**{**clause.__dict__, "path": ("四十、其他",)})
    assert not in_section(forty, "四")
    assert in_section(forty, "四十")


def test_ids() -> None:
    assert _ids(Selection(ids=("zhejiang-2021:10", "qinghai-2020:2"))) == [
        "qinghai-2020:2",
        "zhejiang-2021:10",
    ]
    assert _ids(Selection(ids=("qinghai-2020:0",))) == []  # the notice is not quiz material


def test_query_keeps_the_retrievers_hits_and_passes_the_filters() -> None:
    retriever = FakeRetriever()
    ids = _ids(Selection(query="監管", provinces=("浙江",)), retriever)
    assert ids == ["zhejiang-2021:10"]
    assert retriever.calls[0]["province"] == ["浙江"]
    with pytest.raises(ValueError, match="retriever"):
        _ids(Selection(query="消防"))


def test_describe_says_what_was_selected() -> None:
    assert Selection().describe() == "whole corpus"
    assert "province=青海" in Selection(provinces=("青海",), section="四").describe()
