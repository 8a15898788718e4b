"""The law suite: judging by per-article needles, STARD's R@k, halves, law passages, the
passage-vector cache and the peer's records judged like our clauses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from corpus.clause import Clause, DocMeta
from encoder.passage_cache import CachedEncoder
from eval.benchmark import Query, load_queries
from eval.build_stard import STARD_DIR, split_of
from eval.configs import Config
from eval.judge import Passage, credited_ranking, needle_matcher, needle_units
from eval.metrics import per_query
from eval.peer import PeerIndex
from eval.runner import Searcher, load_benchmark
from index.passage import law_heading, passage_text
from tests.index_fakes import FakeEncoder

LAW = DocMeta("law-民法典", "中华人民共和国民法典", "", 2020, national=True)
QUESTION = Query(
    "q1",
    "个体户欠的钱谁来还？",
    targets=(("个体工商户的债务，个人经营的，以个人财产承担",), ("合伙人对合伙债务承担连带责任",)),
)


def passage(pid: str, text: str) -> Passage:
    return Passage(pid, "law-民法典", text)


def test_a_clause_is_a_target_when_it_contains_one_of_its_needles_whatever_the_spacing() -> None:
    matches = needle_matcher(QUESTION)
    split_part = passage("a~k1", "第五十六条 个体工商户的债务， 个人经营的，\n以个人财产承担；")
    assert matches("target:0", split_part)
    assert not matches("target:1", split_part)
    assert not matches("target:0", passage("b", "个体工商户可以起字号。"))


def test_recall_is_the_share_of_a_questions_articles_in_the_top_k() -> None:
    found = [
        passage("x", "无关的条文"),
        passage("a", "个体工商户的债务，个人经营的，以个人财产承担"),
        passage("a~2", "个体工商户的债务，个人经营的，以个人财产承担；家庭经营的"),  # same article
    ]
    units = needle_units(QUESTION)
    ranking = credited_ranking(found, units, needle_matcher(QUESTION))
    assert ranking == ["x", "target:0", "a~2"]  # the second part of one article counts once
    scores = per_query({"q1": units}, {"q1": ranking}, ("recall@1", "recall@10", "mrr@10"))
    assert scores["recall@1"]["q1"] == 0.0
    assert scores["recall@10"]["q1"] == 0.5  # one of two articles
    assert scores["mrr@10"]["q1"] == 0.5


def test_the_shipped_suite_has_disjoint_deterministic_halves_and_needles_for_every_query() -> None:
    queries = load_queries(STARD_DIR / "queries.jsonl")
    assert len(queries) == 789
    halves = {q.id: q.split for q in queries}
    assert split_of(list(halves)) == halves  # rebuilt from the ids alone, same halves
    assert abs(sum(s == "dev" for s in halves.values()) - 394.5) <= 0.5
    assert all(q.targets and all(group for group in q.targets) for q in queries)
    test = load_benchmark(STARD_DIR / "queries.jsonl", split="test")
    assert test.judging == "needles" and {q.split for q in test.queries} == {"test"}
    assert (STARD_DIR / "LICENSE-STARD.txt").read_text().startswith("MIT")


def test_law_articles_carry_their_law_and_headings_and_policy_clauses_do_not_change() -> None:
    article = Clause(
        "law:民法典@2020-05-28:56",
        LAW,
        "article",
        "第五十六条",
        ("第一编 总则", "第二章 自然人"),
        "个体工商户的债务",
        "个体工商户的债务",
        0,
        8,
    )
    assert law_heading(article) == "《民法典》 第一编 总则 第二章 自然人"
    assert passage_text(article) == "《民法典》 第一编 总则 第二章 自然人\n个体工商户的债务"
    item = Clause(
        "qh:1", DocMeta("qh", "t", "青海省", 2020), "item", "1", ("一、",), "甲", "甲", 0, 1
    )
    assert passage_text(item) == "甲"


def test_passage_vectors_are_embedded_once_and_survive_a_new_process(tmp_path: Path) -> None:
    inner = FakeEncoder()
    cached = CachedEncoder(inner, tmp_path / "cache")
    assert cached.warm(["甲乙", "丙丁", "甲乙"]) == 2
    again = CachedEncoder(FakeEncoder(), tmp_path / "cache")  # a later run
    vectors = again.encode_passages(["丙丁", "甲乙"])
    assert again.inner.passages == []  # nothing re-embedded
    assert np.allclose(vectors, inner.encode_queries(["丙丁", "甲乙"]))
    again.encode_passages(["戊"])
    assert again.inner.passages == ["戊"]
    other_model = CachedEncoder(FakeEncoder(name="another"), tmp_path / "cache")
    assert other_model.missing(["甲乙"]) == ["甲乙"]  # keyed by model too


class FakePeer:
    def search(self, question: str, top_k: int = 6) -> list[dict]:
        return [
            {"id": 7, "law_name": "中华人民共和国民法典", "article_text": "与此无关"},
            {
                "id": 13095,
                "law_name": "中华人民共和国民法典",
                "article_text": "个体工商户的债务，个人经营的，以个人财产承担；家庭经营的，以家庭财产承担",
            },
        ][:top_k]


def test_the_peers_records_are_judged_by_the_same_needles() -> None:
    searcher = Searcher(
        Config("peer-chinalaw", "", "lexical", peer=True), PeerIndex(FakePeer()), 10
    )
    found, low = searcher(QUESTION.text)
    assert low is None
    assert [p.id for p in found] == ["peer:7", "peer:13095"]
    ranking = credited_ranking(found, needle_units(QUESTION), needle_matcher(QUESTION))
    assert ranking == ["peer:7", "target:0"]


def test_queries_file_round_trip_keeps_targets(tmp_path: Path) -> None:
    line = {
        "_id": "s1",
        "text": "问",
        "metadata": {"split": "dev", "targets": [{"needles": ["甲"]}]},
    }
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    (query,) = load_queries(path)
    assert query.targets == (("甲",),) and query.split == "dev"
