"""The Milvus backend on Milvus Lite: build, checked loads, updates, filters, hybrid search.

One Lite server per module (its data folder in a temporary directory); each test uses its
own collection, so no test depends on another. The encoder is the bag-of-characters fake:
these tests are about storage and search, not about the model.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from corpus.clause import Corpus
from index import milvus_collection as mc
from index.backend import open_backend
from index.milvus import MilvusIndex
from index.milvus_build import open_milvus
from index.store import LocalIndex, open_index
from retriever.hit import Filters
from tests.index_fakes import FakeEncoder, make_corpus, make_doc_clauses

QUERIES = ["百吨王超载整治", "危险化学品安全", "150座隧道", "应急管理数字化"]


class Log(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


@pytest.fixture(scope="module")
def uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Milvus Lite database in a temporary folder, shared by this module's tests."""
    return str(tmp_path_factory.mktemp("milvus") / "test.db")


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    """A collection name of this test's own."""
    return re.sub(r"\W", "_", request.node.name)[:100]


def _open(uri: str, name: str, corpus: Corpus, encoder: FakeEncoder, **options):
    log = Log()
    index = open_milvus(uri, corpus, encoder, collection=name, progress=False, log=log, **options)
    return index, log


def _results(index, encoder: FakeEncoder) -> list:
    out = []
    for query in QUERIES:
        vector = encoder.encode_queries([query])[0]
        out.append([(c.id, round(s, 5)) for c, s in index.dense_search(vector, 5, Filters())])
        out.append([(c.id, round(s, 3)) for c, s in index.lexical_search(query, 5, Filters())])
    return out


@pytest.fixture
def built(uri: str, name: str) -> tuple[Corpus, MilvusIndex]:
    corpus = make_corpus()
    index, _ = _open(uri, name, corpus, FakeEncoder())
    return corpus, index


def test_first_open_builds_and_second_loads_without_embedding(uri, name, built) -> None:
    corpus, first = built
    assert first.embedded == len(corpus.clauses)
    counting = FakeEncoder()
    second, log = _open(uri, name, corpus, counting)
    assert counting.passages == [] and second.embedded == 0
    assert log == []
    assert second.clauses == corpus.clauses
    assert _results(second, counting) == _results(first, counting)


def test_released_collections_after_a_restart_are_loaded_not_rebuilt(uri, name, built) -> None:
    corpus, first = built
    first.client.release_collection(first.generation)  # what a server restart leaves
    first.client.release_collection(mc.meta_collection(name))
    counting = FakeEncoder()
    second, log = _open(uri, name, corpus, counting)
    assert log == [] and counting.passages == []
    assert second.generation == first.generation
    assert _results(second, counting) == _results(first, counting)


def test_dense_search_matches_the_local_backend(built, tmp_path: Path) -> None:
    corpus, index = built
    local = open_index(tmp_path / "local", corpus, FakeEncoder(), progress=False, log=Log())
    encoder = FakeEncoder()
    for query in QUERIES:
        vector = encoder.encode_queries([query])[0]
        milvus_hits = index.dense_search(vector, 6, Filters())
        local_hits = local.dense_search(vector, 6, Filters())
        assert [c.id for c, _ in milvus_hits] == [c.id for c, _ in local_hits]
        assert [s for _, s in milvus_hits] == pytest.approx([s for _, s in local_hits], abs=1e-5)
        assert milvus_hits[0][0].citation == local_hits[0][0].citation


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("百吨王", "qinghai-2020/1"),
        ("危险化学品综合治理", "yunnan-2019/2"),  # the clause is Traditional: 危險化學品
        ("掌上应急", "zhejiang-2021/3"),
        ("尾矿库头顶库", "qinghai-2020/5"),
    ],
)
def test_lexical_search_finds_the_clause_with_the_words(built, query, expected) -> None:
    _, index = built
    found = index.lexical_search(query, 3, Filters())
    assert found[0][0].id == expected
    assert all(score > 0 for _, score in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_lexical_search_with_no_known_word_finds_nothing(built) -> None:
    _, index = built
    assert index.lexical_search("签证护照", 5, Filters()) == []


def test_filters_restrict_dense_and_lexical(built) -> None:
    _, index = built
    vector = FakeEncoder().encode_queries(["安全整治"])[0]
    only_yunnan = Filters(provinces=("云南省",))
    dense = index.dense_search(vector, 10, only_yunnan)
    assert len(dense) == 4 and {c.province for c, _ in dense} == {"云南省"}
    lexical = index.lexical_search("安全", 10, Filters(years=(2021,)))
    assert lexical and {c.year for c, _ in lexical} == {2021}
    both = Filters(provinces=("青海省", "浙江省"), years=(2021,))
    assert {(c.province, c.year) for c, _ in index.dense_search(vector, 10, both)} == {
        ("浙江省", 2021)
    }
    assert index.dense_search(vector, 10, Filters(provinces=("西藏自治区",))) == []


def test_a_quote_in_a_filter_value_is_data_not_expression(built) -> None:
    _, index = built
    vector = FakeEncoder().encode_queries(["安全"])[0]
    sneaky = Filters(provinces=('青海省"] or year in [2019', "云南省\\"))
    assert index.dense_search(vector, 10, sneaky) == []


def test_manifest_and_fingerprint_agree_with_the_local_backend(built, tmp_path: Path) -> None:
    corpus, index = built
    local = open_index(tmp_path / "local", corpus, FakeEncoder(), progress=False, log=Log())
    manifest = index.manifest
    assert manifest["corpus_fingerprint"] == local.manifest["corpus_fingerprint"]
    assert manifest["records_fingerprint"] == local.manifest["records_fingerprint"]
    assert manifest["model"] == "fake-chars" and manifest["dim"] == 64
    assert manifest["counts"] == {"clauses": 12, "documents": 3, "embedded": 12}
    assert {"pymilvus", "milvus-lite", "jieba"} <= set(manifest["libraries"])


def test_adding_a_document_embeds_only_its_clauses(uri, name, built) -> None:
    corpus, _ = built
    added = make_doc_clauses(
        "henan-2023", ["开展安全生产大检查，严防重特大事故。", "落实“一案双罚”。"]
    )
    grown = Corpus(corpus.clauses + tuple(added))
    encoder = FakeEncoder()
    index, log = _open(uri, name, grown, encoder)
    assert sorted(encoder.passages) == sorted(c.text_norm for c in added)
    assert index.embedded == 2
    assert "out of date" in log[0] and "2 clauses new or changed, 0 gone" in log[0]
    assert any("embedded 2 of 14" in line for line in log)
    assert index.lexical_search("一案双罚", 3, Filters())[0][0].id == "henan-2023/2"
    fresh, _ = _open(uri, f"{name}_fresh", grown, FakeEncoder())
    probe = FakeEncoder()
    assert _results(index, probe) == _results(fresh, probe)


def test_changing_and_removing_clauses_reembeds_only_changed(uri, name, built) -> None:
    corpus, _ = built
    clauses = list(corpus.clauses)
    changed = make_doc_clauses("qinghai-2020", ["全新内容：推进智慧应急平台建设。"])[0]
    clauses[0] = changed
    del clauses[-1]
    encoder = FakeEncoder()
    index, _ = _open(uri, name, Corpus(tuple(clauses)), encoder)
    assert encoder.passages == [changed.text_norm]
    assert len(index.clauses) == len(corpus.clauses) - 1
    assert index.lexical_search("智慧应急", 1, Filters())[0][0] == changed


def test_corrected_province_refreshes_filters_without_embedding(uri, name, built) -> None:
    corpus, _ = built
    moved = [
        replace(c, doc=replace(c.doc, province="甘肃省")) if c.doc.doc_id == "qinghai-2020" else c
        for c in corpus.clauses
    ]
    encoder = FakeEncoder()
    index, log = _open(uri, name, Corpus(tuple(moved)), encoder)
    assert "clause metadata changed" in log[0]
    assert encoder.passages == []
    found = index.lexical_search("百吨王", 5, Filters(provinces=("甘肃省",)))
    assert found and found[0][0].id == "qinghai-2020/1"
    assert index.lexical_search("百吨王", 5, Filters(provinces=("青海省",))) == []


def test_force_rebuilds_everything(uri, name, built) -> None:
    corpus, _ = built
    encoder = FakeEncoder()
    index, log = _open(uri, name, corpus, encoder, force=True)
    assert "forced" in log[0]
    assert len(encoder.passages) == len(corpus.clauses) == index.embedded


def test_another_model_forces_a_full_rebuild(uri, name, built) -> None:
    corpus, _ = built
    wider = FakeEncoder(name="other-model", dim=96)
    index, log = _open(uri, name, corpus, wider)
    assert "cannot be used" in log[0] and "built with model 'fake-chars'" in log[0]
    assert index.embedded == len(corpus.clauses)
    vector = wider.encode_queries(["百吨王"])[0]
    assert index.dense_search(vector, 1, Filters())[0][0].id == "qinghai-2020/1"


def test_another_analyzer_forces_a_rebuild(uri, name, built, monkeypatch) -> None:
    corpus, _ = built
    monkeypatch.setattr(mc, "ANALYZER_PARAMS", {"tokenizer": "jieba"})  # no stopwords
    index, log = _open(uri, name, corpus, FakeEncoder())
    assert "cannot be used" in log[0] and "analysed as" in log[0]
    assert index.manifest["analyzer"] == mc.analyzer_config()
    again, log = _open(uri, name, corpus, FakeEncoder())
    assert log == [] and again.embedded == 0


def test_collection_that_lost_a_row_is_detected_and_rebuilt(uri, name, built) -> None:
    corpus, index = built
    expected = _results(index, FakeEncoder())
    index.client.delete(index.generation, ids=["yunnan-2019/2"])
    encoder = FakeEncoder()
    rebuilt, log = _open(uri, name, corpus, encoder)
    assert "is corrupted" in log[0] and "holds 11 rows, its manifest 12" in log[0]
    assert log[0].endswith("rebuilding")
    assert rebuilt.embedded == len(corpus.clauses)
    assert _results(rebuilt, FakeEncoder()) == expected
    again, log = _open(uri, name, corpus, FakeEncoder())
    assert log == [] and again.embedded == 0


def test_generation_without_manifest_is_never_used(uri, name, built) -> None:
    corpus, index = built
    index.client.delete(mc.meta_collection(name), ids=[index.generation])
    rebuilt, log = _open(uri, name, corpus, FakeEncoder())
    assert "has no manifest" in log[0] and "rebuilding" in log[0]
    assert rebuilt.generation != index.generation


def test_build_failing_half_way_leaves_the_previous_index_in_place(
    uri, name, built, monkeypatch
) -> None:
    corpus, index = built
    expected = _results(index, FakeEncoder())

    def crash(*args, **kwargs):
        raise RuntimeError("server went away (simulated)")

    monkeypatch.setattr(mc, "write_manifest", crash)
    with pytest.raises(RuntimeError, match="simulated"):
        _open(uri, name, corpus, FakeEncoder(), force=True)
    monkeypatch.undo()
    assert list(mc.generations(index.client, name)) == [index.generation]
    reopened, log = _open(uri, name, corpus, FakeEncoder())
    assert log == [] and reopened.generation == index.generation
    assert _results(reopened, FakeEncoder()) == expected


def test_update_keeps_the_previous_generation_serving_and_drops_older(uri, name, built) -> None:
    corpus, first = built
    second, _ = _open(uri, name, corpus, FakeEncoder(), force=True)
    third, _ = _open(uri, name, corpus, FakeEncoder(), force=True)
    assert set(mc.generations(first.client, name)) == {second.generation, third.generation}
    assert mc.current_generation(first.client, name) == third.generation
    vector = FakeEncoder().encode_queries(["百吨王"])[0]
    assert second.dense_search(vector, 1, Filters())[0][0].id == "qinghai-2020/1"


def test_empty_corpus_and_bad_names_are_refused(uri) -> None:
    with pytest.raises(ValueError, match="no clauses"):
        open_milvus(uri, Corpus(()), FakeEncoder(), collection="empty", log=Log())
    for bad in ("1abc", "has-dash", "x" * 200, "a__gb"):
        with pytest.raises(ValueError, match="bad Milvus collection name"):
            open_milvus(uri, make_corpus(), FakeEncoder(), collection=bad, log=Log())


def test_open_backend_picks_the_backend_by_kind_and_uri(uri, tmp_path: Path) -> None:
    corpus = make_corpus("qinghai-2020")
    local = open_backend("local", corpus, FakeEncoder(), index_dir=tmp_path / "i", log=Log())
    assert isinstance(local, LocalIndex)
    milvus = open_backend(
        "milvus", corpus, FakeEncoder(), milvus_uri=uri, collection="factory", log=Log()
    )
    assert isinstance(milvus, MilvusIndex) and milvus.clauses == local.clauses
    with pytest.raises(ValueError, match="'elastic'"):
        open_backend("elastic", corpus, FakeEncoder())
    for bad in ("milvus://host:19530", "/tmp/folder", "localhost:19530"):
        with pytest.raises(ValueError, match="bad Milvus URI"):
            open_backend("milvus", corpus, FakeEncoder(), milvus_uri=bad)
