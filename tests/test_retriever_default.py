"""The retriever on the default corpus with the default model: the issue's "done when"."""

from __future__ import annotations

import shutil

import pytest

from retriever import Retriever
from tests.conftest import TEST_LAWS

pytestmark = pytest.mark.model


def ids(result) -> list[str]:
    return [hit.clause.id for hit in result.hits]


def test_simplified_question_finds_traditional_fireworks_retail_item(default_retriever):
    result = default_retriever.search("烟花爆竹零售店有什么安全要求", k=3)
    assert "yunnan-2019:2-3-5" in ids(result)
    hit = next(h for h in result.hits if h.clause.id == "yunnan-2019:2-3-5")
    assert "煙花爆竹" in hit.clause.text  # shown in its original Traditional script
    assert "零售店" in hit.answer
    assert all(term in hit.clause.text for term in hit.matched_terms)


def test_bai_dun_wang_ranks_qinghai_item_24_first(default_retriever):
    top = default_retriever.search("百吨王", k=5).hits[0]
    assert top.clause.id.startswith("qinghai-2020:") and top.clause.id.endswith("-24")
    assert "百吨王" in top.matched_terms
    assert top.citation.startswith("【青海省·2020年·") and "第24项" in top.citation


def test_hazardous_chemicals_in_zhejiang_finds_a_repaired_clause(default_retriever):
    result = default_retriever.search("浙江危化品安全整治", k=5)
    assert result.filters.provinces == ("浙江省",)
    assert all(h.clause.province == "浙江省" or h.clause.doc.national for h in result.hits)
    assert any("mojibake-repaired" in h.clause.flags for h in result.hits[:3])


def test_filter_in_question_restricts_and_is_reported(default_retriever):
    result = default_retriever.search("青海 2020 消防车通道", k=10)
    assert result.filters.detected == ("青海省", "2020年")
    # National laws apply in every province and year: they may follow, labelled 全国.
    assert result.hits and all(
        h.clause.province == "青海省" or h.clause.doc.province_label == "全国" for h in result.hits
    )
    assert result.hits[0].clause.id.endswith("-15")
    assert "消防车通道" in result.hits[0].matched_terms


@pytest.mark.parametrize(
    "question", ["医保报销比例是多少", "如何申请出国签证", "今天天气怎么样", "火星基地建设规划"]
)
def test_questions_outside_the_corpus_are_flagged_low_confidence(default_retriever, question):
    assert default_retriever.search(question).low_confidence


@pytest.mark.parametrize(
    "question",
    [
        "消防车通道",
        "烟花爆竹",
        "危化品",
        "百吨王",
        "高楼着火逃生通道被堵怎么办",
        "烟花爆竹零售店",
        "浙江危化品",
        "两客一危",
        "森林防灭火",
        "应急广播",
        "安全生产月",
    ],
)
def test_on_topic_questions_are_not_flagged(default_retriever, question):
    assert not default_retriever.search(question).low_confidence


def test_question_boilerplate_does_not_outrank_the_topic(default_retriever):
    # Among the documents (the 消防法 articles on 消防车通道 would rightly come first).
    result = default_retriever.search(
        "消防车通道有什么要求", k=5, province="云南", source="provincial"
    )
    top3 = ids(result)[:3]
    assert "yunnan-2019:2-3-6" in top3  # 持續開展消防綜合治理
    assert not any(cid.startswith("yunnan-2019:3-") for cid in top3)  # 三、工作要求
    assert all("要求" not in h.matched_terms for h in result.hits)


def test_second_load_reuses_the_index_without_embedding(default_retriever, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(default_retriever.backend.folder, index_dir)
    vectors = index_dir / "dense" / "vectors.npy"
    before = vectors.stat().st_mtime_ns
    messages: list[str] = []
    again = Retriever.load(index_dir, progress=False, log=messages.append, laws=TEST_LAWS)
    assert again.backend.embedded == 0
    assert not any("embedded" in m or "rebuild" in m for m in messages), messages
    assert vectors.stat().st_mtime_ns == before
    assert ids(again.search("百吨王", k=3)) == ids(default_retriever.search("百吨王", k=3))


def test_truncated_vectors_file_triggers_a_rebuild_with_a_message(default_retriever, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(default_retriever.backend.folder, index_dir)
    vectors = index_dir / "dense" / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 2])
    messages: list[str] = []
    rebuilt = Retriever.load(index_dir, progress=False, log=messages.append, laws=TEST_LAWS)
    assert any("rebuild" in m for m in messages), messages
    assert rebuilt.backend.embedded == len(rebuilt.clauses)
    assert ids(rebuilt.search("百吨王", k=3)) == ids(default_retriever.search("百吨王", k=3))


# --- national laws beside the documents (issue 12) -----------------------------------------


@pytest.mark.parametrize("question", ["安全生产法第二十一条", "安全生产法21条"])
def test_a_named_article_ranks_first(default_retriever, question):
    top = default_retriever.search(question, k=5).hits[0]
    assert top.clause.id == "law:安全生产法@2021-06-10:21"
    assert top.citation == "【《中华人民共和国安全生产法》第二十一条】"


def test_a_named_law_returns_only_its_articles(default_retriever):
    result = default_retriever.search("消防法对人员密集场所有什么规定", k=10)
    assert result.hits and {h.clause.doc.title for h in result.hits} == {"中华人民共和国消防法"}
    assert any("人员密集场所" in h.clause.text for h in result.hits[:3])


def test_qinghai_2020_fire_lanes_first_national_articles_labelled(default_retriever):
    result = default_retriever.search("青海2020年消防车通道", k=10)
    assert result.hits[0].clause.id.startswith("qinghai-2020:")
    assert result.hits[0].clause.id.endswith("-15")
    national = [h for h in result.hits if h.clause.doc.national]
    assert all(h.clause.doc.province_label == "全国" for h in national)


def test_an_everyday_question_finds_the_law_article(default_retriever):
    result = default_retriever.search("领导让我冒险作业，我能不干吗？", k=5)
    assert "law:安全生产法@2021-06-10:54" in ids(result)
