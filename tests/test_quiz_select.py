"""Choosing clauses: each selector alone, combined, and the query through a retriever."""

from __future__ import annotations

from dataclasses import replace

import pytest

from corpus.clause import HISTORICAL, STATUSES, Clause
from quiz.generate import generate_mixed
from quiz.select import Selection, article_numbers, in_section, select_clauses
from tests.law_samples import law_clauses
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


def _laws() -> list[Clause]:
    return law_clauses()


def test_laws_chapters_and_article_ranges_select_articles() -> None:
    articles = _laws()
    fire = select_clauses(articles, Selection(laws=("消防法",)))
    assert fire and {c.title for c in fire} == {"中华人民共和国消防法"}
    assert select_clauses(articles, Selection(laws=("中华人民共和国消防法",))) == fire
    rights = select_clauses(articles, Selection(laws=("安全生产法",), chapter="第三章"))
    assert {c.item for c in rights} == {"第五十五条", "第五十六条", "第五十七条", "第五十八条"}
    assert select_clauses(articles, Selection(chapter="从业人员的安全生产权利义务")) == rights
    assert select_clauses(articles, Selection(chapter="三")) == rights  # not 第三十章
    ranged = select_clauses(articles, Selection(laws=("安全生产法",), articles="第九十四条-96"))
    assert [c.item for c in ranged] == ["第九十四条", "第九十五条", "第九十六条"]
    assert article_numbers("21,25，第一百零一条") == {21, 25, 101}
    with pytest.raises(ValueError, match="article"):
        article_numbers("第二十条-第十条")


def test_only_texts_in_force_unless_asked_and_source_splits_laws_from_documents() -> None:
    articles = _laws()
    old = replace(articles[0], id="old", doc=replace(articles[0].doc, status=HISTORICAL))
    mixed = [*CLAUSES, *articles, old]
    assert old not in select_clauses(mixed, Selection())
    assert old in select_clauses(mixed, Selection(statuses=STATUSES))
    laws_only = select_clauses(mixed, Selection(source="laws"))
    assert laws_only == articles
    assert all(not c.doc.national for c in select_clauses(mixed, Selection(source="provincial")))
    with pytest.raises(ValueError, match="status"):
        select_clauses(mixed, Selection(statuses=("生效",)))


def test_a_mixed_quiz_takes_each_part_from_its_own_selection() -> None:
    corpus = [*CLAUSES, *_laws()]
    parts = [
        (select_clauses(corpus, Selection(laws=("安全生产法",))), 20),
        (select_clauses(corpus, Selection(provinces=("浙江",))), 5),
    ]
    quiz = generate_mixed(parts, seed=4, corpus=corpus)
    laws = [q for q in quiz if q.doc_id == "law-安全生产法"]
    zhejiang = [q for q in quiz if q.province == "浙江省"]
    assert len(laws) == 20 and 1 <= len(zhejiang) <= 5 and len(quiz) == len(laws) + len(zhejiang)
    assert len({q.stem for q in quiz}) == len(quiz)
