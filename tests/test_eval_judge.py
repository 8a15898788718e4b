"""Both relevance modes: qrels by clause id, and answer substrings judged on hit text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.clause import Clause, DocMeta
from eval.benchmark import Query, load_qrels, load_queries, write_qrels
from eval.configs import CONFIGS, parse_configs
from eval.judge import Passage, answer_matcher, answer_qrels, credited_ranking, overlap_matcher
from eval.runner import Searcher, load_benchmark, run_config
from retriever.hit import Filters, Hit, SearchResult

ZJ = DocMeta(doc_id="zhejiang-2021", title="t", province="浙江省", year=2021)
QH = DocMeta(doc_id="qinghai-2020", title="t", province="青海省", year=2020)


def clause(cid: str, doc: DocMeta, text: str) -> Clause:
    return Clause(cid, doc, "item", "1", (), text, text, 0, len(text))


CLAUSES = [
    clause("zhejiang-2021:2-2-3", ZJ, "推動52個化工園區開展以“五個一體化”為重點的安全整治提升"),
    clause("qinghai-2020:4-24", QH, "严查“百吨王”以及大客车超速、超员等严重违法行为"),
    clause("qinghai-2020:4-25", QH, "推进重点领域消防安全综合治理,紧盯高层建筑"),
]


class FakeRetriever:
    """Returns the clauses in a fixed order for every query (what is judged is the point)."""

    def __init__(self, order: list[str]):
        self.clauses = tuple(CLAUSES)
        self._order = order

    def prepare(self, query: str, *, detect: bool) -> str:
        return query

    def search(self, query: str, k: int = 10, *, mode: str) -> SearchResult:
        by = {c.id: c for c in self.clauses}
        hits = tuple(Hit(by[cid], rank, 1.0 / rank) for rank, cid in enumerate(self._order[:k], 1))
        return SearchResult(query, Filters(), hits, low_confidence=query.startswith("无关"))


def write_queries(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_simplified_answer_matches_traditional_hit_text() -> None:
    query = Query(
        "q", "浙江多少个化工园区要整治？", docs=("zhejiang-2021",), answers=("52个化工园区",)
    )
    matches = answer_matcher(query)
    assert matches("answer:0", Passage("x", "zhejiang-2021", CLAUSES[0].text))
    assert not matches("answer:0", Passage("x", "zhejiang-2021", CLAUSES[1].text))


def test_answer_must_come_from_the_named_document_but_related_may_not() -> None:
    query = Query("q", "…", docs=("henan-2023",), answers=("百吨王",), related=("百吨王",))
    matches = answer_matcher(query)
    hit = Passage("x", "qinghai-2020", CLAUSES[1].text)
    assert not matches("answer:0", hit)
    assert matches("related:0", hit)
    assert answer_qrels([query]) == {"q": {"answer:0": 2, "related:0": 1}}


def test_window_overlapping_a_relevant_clause_counts_as_that_clause() -> None:
    matches = overlap_matcher({c.id: c for c in CLAUSES}, min_chars=20)
    window = Passage("w1", "qinghai-2020", "……违法违规行为。" + CLAUSES[1].text[:25] + "……")
    short = Passage("w2", "qinghai-2020", "前文" + CLAUSES[1].text[:10] + "后文")
    assert credited_ranking([short, window], {"qinghai-2020:4-24": 2}, matches) == [
        "w2",
        "qinghai-2020:4-24",
    ]


def test_run_judged_by_qrels_ids(tmp_path: Path) -> None:
    queries = write_queries(
        tmp_path / "q.jsonl",
        [
            {"_id": "a", "text": "百吨王怎么查"},
            {"_id": "b", "text": "无关的问题"},
        ],
    )
    qrels = tmp_path / "qrels.tsv"
    write_qrels({"a": {"qinghai-2020:4-24": 2}}, qrels)
    bench = load_benchmark(queries, qrels)
    assert bench.judging == "ids"
    assert [q.id for q in bench.unanswerable] == ["b"]
    retriever = FakeRetriever(["qinghai-2020:4-25", "qinghai-2020:4-24"])
    run = run_config(CONFIGS["hybrid"], bench, Searcher(CONFIGS["hybrid"], retriever, 10))
    assert run.rankings["a"] == ["qinghai-2020:4-25", "qinghai-2020:4-24"]
    assert run.low_confidence == {"a": False, "b": True}


def test_run_judged_by_answer_substrings_survives_other_ids(tmp_path: Path) -> None:
    queries = write_queries(
        tmp_path / "q.jsonl",
        [{"_id": "a", "text": "化工园区整治", "answers": ["52个化工园区"]}],
    )
    bench = load_benchmark(queries)  # a queries file without qrels: judged by answers
    assert bench.judging == "answers"
    retriever = FakeRetriever(["qinghai-2020:4-24", "zhejiang-2021:2-2-3"])
    run = run_config(CONFIGS["lexical"], bench, Searcher(CONFIGS["lexical"], retriever, 10))
    assert run.rankings["a"] == ["qinghai-2020:4-24", "answer:0"]


def test_answers_mode_without_answers_is_refused(tmp_path: Path) -> None:
    queries = write_queries(tmp_path / "q.jsonl", [{"_id": "a", "text": "问题"}])
    with pytest.raises(ValueError, match="answers"):
        load_benchmark(queries)


def test_qrels_round_trip_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "qrels" / "test.tsv"
    write_qrels({"q1": {"c1": 2, "c2": 1}}, path)
    assert path.read_text("utf-8").splitlines()[0] == "query-id\tcorpus-id\tscore"
    assert load_qrels(path) == {"q1": {"c1": 2, "c2": 1}}
    bad = tmp_path / "bad.tsv"
    bad.write_text("query-id\tcorpus-id\tscore\nq1\tc1\n", "utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_qrels(bad)


def test_plain_beir_queries_get_defaults(tmp_path: Path) -> None:
    path = write_queries(tmp_path / "q.jsonl", [{"_id": "1", "text": "應急管理"}])
    (query,) = load_queries(path)
    assert (query.type, query.script, query.answers) == ("unknown", "traditional", ())


def test_unknown_configuration_is_named() -> None:
    with pytest.raises(ValueError, match="bogus"):
        parse_configs("hybrid,bogus")
    assert [c.name for c in parse_configs("naive, dense")] == ["naive", "dense"]
