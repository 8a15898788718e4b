"""Profiles: the law profile's learned expansions reach BM25, the policy profile is today's
search, and a lexical-only law index answers lexical searches and refuses dense ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.suites import lexical_only
from index.store import open_index
from retriever import Retriever
from retriever.expansion import Lexicon
from retriever.profile import POLICY, Profile
from tests.index_fakes import FakeEncoder, make_corpus


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("profile") / "index"
    return open_index(folder, make_corpus(), FakeEncoder(), progress=False, log=lambda m: None)


def lexicon_profile(tmp_path: Path) -> Profile:
    # A question about 超载 should also look for 超限 (learned, here written by hand).
    Lexicon({"货车": [("超限", 2.0)]}).save(tmp_path / "lexicon.json")
    return Profile("test", lexicon_path=tmp_path / "lexicon.json", expansion_limit=4)


def test_learned_expansions_reach_bm25_and_find_the_clause_worded_otherwise(
    index, tmp_path
) -> None:
    plain = Retriever(index, FakeEncoder(), profile=POLICY)
    expanded = Retriever(index, FakeEncoder(), profile=lexicon_profile(tmp_path))
    question = "货车怎么管"
    assert plain.prepare(question).expansions == ()
    prepared = expanded.prepare(question)
    assert prepared.expansions == ("超限",)
    assert prepared.lexical_text.endswith(" 超限")
    found = [h.clause.id for h in expanded.search(prepared, k=3, mode="lexical").hits]
    assert "qinghai-2020/1" in found  # 超限超载专项整治: reached through 超限
    without = [h.clause.id for h in plain.search(question, k=3, mode="lexical").hits]
    assert "qinghai-2020/1" not in without  # plain BM25 has no way to it


def test_a_lexical_only_index_serves_bm25_and_refuses_vectors(tmp_path) -> None:
    corpus = make_corpus("qinghai-2020")
    backend = lexical_only(corpus, lambda m: None, root=tmp_path)
    retriever = Retriever(backend, FakeEncoder())
    hits = retriever.search("隧道排查整治", k=2, mode="lexical").hits
    assert hits[0].clause.id == "qinghai-2020/2"
    with pytest.raises(ValueError, match="no vectors"):
        retriever.search("隧道排查整治", k=2, mode="hybrid")
    assert (tmp_path / "laws-lexical").is_dir()  # cached for the next run


def test_bm25_leads_when_the_question_quotes_a_clause() -> None:
    adaptive = Profile("t", dense_weight=0.4, quoted_lexical_z=1.5, quoted_dense_weight=0.1)
    quoted = [("a", 9.0), ("b", 1.0), ("c", 1.0), ("d", 1.0)]  # first hit far ahead: z 1.73
    flat = [("a", 3.0), ("b", 2.9), ("c", 2.8), ("d", 1.0)]  # no clause stands out
    assert adaptive.dense_weight_for(quoted) == 0.1
    assert adaptive.dense_weight_for(flat) == 0.4
    assert adaptive.dense_weight_for([]) == 0.4  # nothing matched: no evidence of a quote
    fixed = Profile("t", dense_weight=0.3)
    assert fixed.dense_weight_for(quoted) == fixed.dense_weight_for(flat) == 0.3


def test_a_search_without_vectors_keeps_its_own_coverage_floor() -> None:
    profile = Profile("t", coverage_floor=0.76, lexical_coverage_floor=0.4)
    assert profile.coverage_floor_for(0.95) == 0.76  # coverage only rescues a low cosine
    assert profile.coverage_floor_for(None) == 0.4  # coverage alone decides in lexical mode
    assert Profile("t", coverage_floor=0.5).coverage_floor_for(None) == 0.5
