"""The offline fusion study on a hand-made benchmark (no model, no index).

Every query of the hand-made set has the pattern behind equal-weight RRF's losses on the
real benchmark: dense barely prefers a wrong clause, BM25 is sure of the answer.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from eval.benchmark import Query
from eval.fusion_analysis import rank_flips, score_margins, score_ranges, term_overlap
from eval.fusion_methods import EQUAL_RRF, Lists, Method
from eval.fusion_report import write_study
from eval.fusion_study import (
    choose,
    disagreements,
    evaluate,
    split_dev_test,
    study,
)
from index.segment import Segmenter
from tests.index_fakes import make_doc_clauses

# Every method ties on some queries of this tiny set: the t-tests see zero variance.
pytestmark = pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")

CLAUSES = make_doc_clauses("qinghai-2020")
IDS = [c.id for c in CLAUSES]
N = 8


def _answer(i: int) -> str:
    return IDS[i % len(IDS)]


def _wrong(i: int) -> str:
    return IDS[(i + 1) % len(IDS)]


def _other(i: int) -> str:
    return IDS[(i + 2) % len(IDS)]


QUERIES = [
    Query(
        id=f"q{i}",
        text=CLAUSES[i % len(CLAUSES)].text[:12] + "有什么要求？",
        type="fact" if i % 2 else "vague",
    )
    for i in range(N)
]
QRELS = {f"q{i}": {_answer(i): 2} for i in range(N)}
LISTS = {
    f"q{i}": Lists(
        dense=[(_wrong(i), 0.90), (_answer(i), 0.89), (_other(i), 0.50)],
        lexical=[(_answer(i), 20.0), (_wrong(i), 5.0), (_other(i), 4.0)],
    )
    for i in range(N)
}


def _queries(n_fact: int, n_vague: int) -> list[Query]:
    return [Query(id=f"f{i}", text="x", type="fact") for i in range(n_fact)] + [
        Query(id=f"v{i}", text="x", type="vague") for i in range(n_vague)
    ]


def test_split_is_stratified_and_independent_of_file_order():
    queries = _queries(11, 6)
    split = split_dev_test(queries)
    assert set(split) == {q.id for q in queries}
    assert set(split.values()) == {"dev", "test"}
    for kind, n in (("fact", 11), ("vague", 6)):
        dev = sum(1 for q in queries if q.type == kind and split[q.id] == "dev")
        assert dev in (n // 2, n - n // 2)
    shuffled = list(queries)
    random.Random(7).shuffle(shuffled)
    assert split_dev_test(shuffled) == split


def test_evaluate_scores_the_fused_rankings_with_ranx():
    scores = evaluate([Method("dense"), Method("lexical"), EQUAL_RRF], LISTS, QRELS)
    # dense: answer 2nd everywhere → MRR 0.5, R@1 0; BM25: answer 1st; equal RRF: a tie of
    # (1, 2) against (2, 1) that source order gives to dense's pick → like dense.
    assert set(scores["dense"]["mrr@10"].values()) == {0.5}
    assert set(scores["lexical"]["mrr@10"].values()) == {1.0}
    assert set(scores[EQUAL_RRF.name]["recall@1"].values()) == {0.0}
    assert set(scores[EQUAL_RRF.name]["recall@5"].values()) == {1.0}


def test_a_heavier_lexical_weight_or_score_fusion_finds_the_answer_first():
    pair = LISTS["q0"]
    assert EQUAL_RRF.fuse(pair)[0] == _wrong(0)
    assert Method("rrf", 2.0, 60).fuse(pair)[0] == _answer(0)
    assert Method("zscore", 0.3).fuse(pair)[0] == _answer(0)
    assert Method("minmax", 0.3).fuse(pair)[0] == _answer(0)
    # theoretical min-max squeezes the cosines together: dense cannot outvote BM25 even at 0.9
    assert Method("tmm", 0.9).fuse(pair)[0] == _answer(0)


def test_choose_keeps_recall_then_prefers_mrr_then_the_simpler_method():
    a, b, c = Method("rrf", 3.0, 60), Method("minmax", 0.2), Method("zscore", 0.2)
    dev = {
        EQUAL_RRF.name: {"mrr@10": 0.80, "recall@5": 0.90, "ndcg@10": 0.8},
        a.name: {"mrr@10": 0.95, "recall@5": 0.85, "ndcg@10": 0.9},  # loses R@5: not eligible
        b.name: {"mrr@10": 0.90, "recall@5": 0.90, "ndcg@10": 0.9},
        c.name: {"mrr@10": 0.90, "recall@5": 0.90, "ndcg@10": 0.9},
    }
    assert choose(dev, [a, b, c]) == b
    assert choose(dev, [a]) == EQUAL_RRF


def test_disagreements_count_each_side_per_type():
    table = disagreements(
        Method("lexical"), EQUAL_RRF, LISTS, QRELS, {q.id: q.type for q in QUERIES}
    )
    assert table["all"] == {"n": N, "a_only": N, "b_only": 0}
    assert table["fact"]["n"] + table["vague"]["n"] == N
    top5 = disagreements(Method("lexical"), EQUAL_RRF, LISTS, QRELS, {}, n=5)
    assert top5["all"]["a_only"] == top5["all"]["b_only"] == 0


def test_study_recommends_a_method_that_beats_equal_rrf_on_test():
    result = study(LISTS, QUERIES, QRELS)
    assert result["n_dev"] + result["n_test"] == N
    chosen = result["methods"][result["chosen"]]
    assert chosen["family"] != "dense" and result["chosen"] != EQUAL_RRF.name
    assert chosen["test"]["mrr@10"] == pytest.approx(1.0)
    assert result["test_gain_over_rrf"]["mrr@10"] == pytest.approx(0.5)
    assert result["adopt"] is True


def test_analysis_measures_overlap_margins_and_flips():
    verbatim = Query(id="v", text=CLAUSES[1].text, type="fact")
    unrelated = Query(id="u", text="火星探测器着陆", type="vague")
    qrels = {"v": {IDS[1]: 2}, "u": {IDS[2]: 2}}
    overlap = term_overlap([verbatim, unrelated], CLAUSES, qrels, Segmenter())
    assert overlap["fact"]["word_cov"] == 1.0 and overlap["fact"]["word_full"] == 1.0
    assert overlap["vague"]["word_cov"] == 0.0
    assert overlap["all"]["n"] == 2

    margins = score_margins(LISTS, QRELS)
    # BM25 z of (20, 5, 4): 1.412011, −0.637679 → gap 2.049690; dense z of (0.90, 0.89):
    # 0.733786, 0.680094 → gap 0.053692 (and dense is always wrong)
    assert margins["lexical"]["median_gap_right"] == pytest.approx(2.049690, abs=1e-5)
    assert margins["dense"]["median_gap_wrong"] == pytest.approx(0.053692, abs=1e-5)
    assert margins["dense"]["n_right"] == 0

    flips = rank_flips(LISTS, QRELS, EQUAL_RRF)
    assert flips["n"] == flips["exact_ties"] == N
    assert score_ranges(LISTS)["dense"] == {"median_first": 0.90, "median_last": 0.50}


def test_report_folder_is_written_whole_and_replaced(tmp_path: Path):
    result = {"created": "test", "n_clauses": len(CLAUSES), **study(LISTS, QUERIES, QRELS)}
    result["overlap"] = term_overlap(QUERIES, CLAUSES, QRELS, Segmenter())
    result["margins"] = score_margins(LISTS, QRELS)
    result["ranges"] = score_ranges(LISTS)
    result["flips"] = rank_flips(LISTS, QRELS, EQUAL_RRF)
    folder = tmp_path / "fusion-study"
    (folder / "stale").mkdir(parents=True)
    assert write_study(result, folder) == folder
    assert sorted(p.name for p in folder.iterdir()) == ["study.json", "study.md", "study.png"]
    assert [p.name for p in tmp_path.iterdir()] == ["fusion-study"]  # no temp folder left
    saved = json.loads((folder / "study.json").read_text(encoding="utf-8"))
    assert saved["chosen"] == result["chosen"]
    text = (folder / "study.md").read_text(encoding="utf-8")
    assert result["chosen"] in text and "adopt it" in text
    assert (folder / "study.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
