"""open_index: build on first use, checked loads, repairs, incremental updates, atomicity."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from corpus.clause import Corpus
from index.store import LocalIndex, open_index
from retriever.hit import Filters
from tests.index_fakes import FakeEncoder, make_corpus, make_doc_clauses

QUERIES = ["百吨王超载整治", "危险化学品安全", "150座隧道", "应急管理数字化"]


class Log(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


def _open(folder: Path, corpus: Corpus, encoder: FakeEncoder, **options) -> tuple[LocalIndex, Log]:
    log = Log()
    index = open_index(folder, corpus, encoder, progress=False, log=log, **options)
    return index, log


def _results(index: LocalIndex, encoder: FakeEncoder) -> list:
    out = []
    for query in QUERIES:
        vector = encoder.encode_queries([query])[0]
        out.append([(c.id, round(s, 5)) for c, s in index.dense_search(vector, 5, Filters())])
        out.append([(c.id, round(s, 5)) for c, s in index.lexical_search(query, 5, Filters())])
    return out


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Corpus, FakeEncoder, LocalIndex]:
    folder = tmp_path / "index"
    corpus = make_corpus()
    encoder = FakeEncoder()
    index, _ = _open(folder, corpus, encoder)
    return folder, corpus, encoder, index


def test_first_open_builds_and_second_loads_without_embedding(built) -> None:
    folder, corpus, _, first = built
    assert first.embedded == len(corpus.clauses)
    counting = FakeEncoder()
    second, log = _open(folder, corpus, counting)
    assert counting.passages == []
    assert second.embedded == 0
    assert log == []
    assert _results(second, counting) == _results(first, counting)
    assert [c.id for c in second.clauses] == [c.id for c in corpus.clauses]
    assert second.clauses == corpus.clauses


def test_folder_holds_manifest_with_what_was_built(built) -> None:
    folder, corpus, encoder, _ = built
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == encoder.name
    assert manifest["dim"] == encoder.dim
    assert manifest["counts"]["clauses"] == len(corpus.clauses)
    assert manifest["dense_kind"] == "flat"
    assert manifest["tokenizer"]["user_terms_count"] > 0
    assert set(manifest["documents"]) == {"qinghai-2020", "yunnan-2019", "zhejiang-2021"}
    assert {"faiss-cpu", "bm25s", "jieba", "numpy"} <= set(manifest["libraries"])
    for name, described in manifest["files"].items():
        assert (folder / name).stat().st_size == described["bytes"]
    assert {"clauses.jsonl", "dense/vectors.npy", "dense/faiss.index"} <= set(manifest["files"])


def test_filters_restrict_both_searches(built) -> None:
    _, _, encoder, index = built
    vector = encoder.encode_queries(["安全整治"])[0]
    only_yunnan = Filters(provinces=("云南省",))
    dense = index.dense_search(vector, 10, only_yunnan)
    assert dense and {c.province for c, _ in dense} == {"云南省"}
    assert len(dense) == 4  # every 云南 clause, though k=10 and other provinces score higher
    lexical = index.lexical_search("安全", 10, Filters(years=(2021,)))
    assert lexical and {c.year for c, _ in lexical} == {2021}
    both = index.dense_search(vector, 10, Filters(provinces=("青海省", "浙江省"), years=(2021,)))
    assert {(c.province, c.year) for c, _ in both} == {("浙江省", 2021)}
    assert index.dense_search(vector, 10, Filters(provinces=("西藏自治区",))) == []


def _assert_repaired(folder: Path, corpus: Corpus, expected: list, fragment: str) -> None:
    encoder = FakeEncoder()
    index, log = _open(folder, corpus, encoder)
    assert len(log) >= 1
    assert f"index at {folder}" in log[0]
    assert fragment in log[0]
    assert log[0].endswith("rebuilding")
    assert index.embedded == len(corpus.clauses)
    assert _results(index, encoder) == expected
    again, log = _open(folder, corpus, FakeEncoder())
    assert log == [] and again.embedded == 0


def test_truncated_vectors_file_is_detected_and_rebuilt(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    path = folder / "dense" / "vectors.npy"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])
    _assert_repaired(
        folder,
        corpus,
        expected,
        f"vectors.npy is truncated (expected {size} bytes, found {size // 2})",
    )


def test_garbage_faiss_file_is_detected_and_rebuilt(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    path = folder / "dense" / "faiss.index"
    path.write_bytes(np.random.default_rng(0).bytes(path.stat().st_size))
    _assert_repaired(folder, corpus, expected, "faiss.index does not match its recorded sha256")


def test_manifest_from_another_model_is_detected_and_rebuilt(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["model"] = "some-other-model"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    _assert_repaired(folder, corpus, expected, "built with model 'some-other-model'")


def test_encoder_of_another_dimension_forces_full_rebuild(built) -> None:
    folder, corpus, _, _ = built
    wider = FakeEncoder(dim=96)
    index, log = _open(folder, corpus, wider)
    assert "96 dims" in log[0]
    assert index.embedded == len(corpus.clauses)
    assert index.dense.dim == 96


def test_missing_clause_store_is_detected_and_rebuilt(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    (folder / "clauses.jsonl").unlink()
    _assert_repaired(folder, corpus, expected, "clauses.jsonl is missing")


def test_unparseable_manifest_is_detected_and_rebuilt(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    _assert_repaired(folder, corpus, expected, "manifest.json cannot be parsed")


def test_adding_a_document_embeds_only_its_clauses(built) -> None:
    folder, corpus, _, _ = built
    added = make_doc_clauses(
        "henan-2023", ["开展安全生产大检查，严防重特大事故。", "落实“一案双罚”。"]
    )
    grown = Corpus(corpus.clauses + tuple(added))
    encoder = FakeEncoder()
    index, log = _open(folder, grown, encoder)
    assert sorted(encoder.passages) == sorted(c.text_norm for c in added)
    assert index.embedded == 2
    assert any("embedded 2 of" in line for line in log)
    top = index.lexical_search("一案双罚", 3, Filters())[0][0]
    assert top.id == "henan-2023/2"
    fresh_encoder = FakeEncoder()
    fresh, _ = _open(folder.parent / "fresh", grown, fresh_encoder)
    assert _results(index, fresh_encoder) == _results(fresh, fresh_encoder)


def test_changing_and_removing_clauses_reembeds_only_changed(built) -> None:
    folder, corpus, _, _ = built
    clauses = list(corpus.clauses)
    changed = make_doc_clauses("qinghai-2020", ["全新内容：推进智慧应急平台建设。"])[0]
    clauses[0] = changed
    del clauses[-1]
    encoder = FakeEncoder()
    index, _ = _open(folder, Corpus(tuple(clauses)), encoder)
    assert encoder.passages == [changed.text_norm]
    assert len(index.clauses) == len(corpus.clauses) - 1
    assert index.lexical_search("智慧应急", 1, Filters())[0][0] == changed


def test_force_rebuilds_everything(built) -> None:
    folder, corpus, _, _ = built
    encoder = FakeEncoder()
    index, log = _open(folder, corpus, encoder, force=True)
    assert len(encoder.passages) == len(corpus.clauses)
    assert "forced" in log[0]
    assert index.embedded == len(corpus.clauses)


def test_build_killed_half_way_leaves_previous_index_usable(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    before = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    crashing = FakeEncoder(fail_after=3)
    with pytest.raises(RuntimeError, match="mid-build"):
        _open(folder, corpus, crashing, force=True)
    after = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in folder.parent.iterdir()) == [".index.lock", "index"]
    reopened, log = _open(folder, corpus, FakeEncoder())
    assert log == [] and reopened.embedded == 0
    assert _results(reopened, encoder) == expected


def test_first_build_killed_half_way_leaves_nothing_half_written(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    with pytest.raises(RuntimeError):
        _open(folder, make_corpus(), FakeEncoder(fail_after=1))
    assert not folder.exists()
    index, log = _open(folder, make_corpus(), FakeEncoder())
    assert "first use" in log[0]
    assert len(index.clauses) == len(make_corpus().clauses)


def test_asking_for_hnsw_rebuilds_dense_without_reembedding(built) -> None:
    folder, corpus, _, _ = built
    encoder = FakeEncoder()
    index, _ = _open(folder, corpus, encoder, kind="hnsw")
    assert index.dense.kind == "hnsw"
    assert encoder.passages == []
    assert json.loads((folder / "manifest.json").read_text())["dense_kind"] == "hnsw"


def test_empty_corpus_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no clauses"):
        _open(tmp_path / "index", Corpus(()), FakeEncoder())


def test_second_process_waits_for_the_build_lock(tmp_path: Path) -> None:
    import fcntl
    import time

    folder = tmp_path / "index"
    released = threading.Event()
    embedded_while_locked: list[str] = []

    class Watching(FakeEncoder):
        def encode_passages(self, texts, *, progress=False):
            if not released.is_set():
                embedded_while_locked.extend(texts)
            return super().encode_passages(texts, progress=progress)

    lock = (tmp_path / ".index.lock").open("a")
    fcntl.flock(lock, fcntl.LOCK_EX)  # another process is building
    log = Log()
    thread = threading.Thread(
        target=lambda: open_index(folder, make_corpus(), Watching(), progress=False, log=log)
    )
    thread.start()
    try:
        for _ in range(600):
            if any("waiting for another process" in line for line in log):
                break
            time.sleep(0.05)
        assert any("waiting for another process" in line for line in log)
        assert not folder.exists()
    finally:
        released.set()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        thread.join(60)
    assert embedded_while_locked == []
    assert (folder / "manifest.json").exists()


def test_large_corpus_gets_hnsw_automatically(tmp_path: Path) -> None:
    corpus = make_corpus()
    index, _ = _open(tmp_path / "index", corpus, FakeEncoder(), hnsw_threshold=5)
    assert index.dense.kind == "hnsw"
    small, _ = _open(tmp_path / "small", corpus, FakeEncoder(), hnsw_threshold=100)
    assert small.dense.kind == "flat"
    encoder = FakeEncoder()
    query = encoder.encode_queries(["危险化学品"])[0]
    assert index.dense_search(query, 1, Filters()) == small.dense_search(query, 1, Filters())


def test_auto_keeps_a_dense_kind_asked_for_earlier(built) -> None:
    folder, corpus, _, _ = built
    _open(folder, corpus, FakeEncoder(), kind="hnsw")
    index, log = _open(folder, corpus, FakeEncoder())
    assert log == []
    assert index.dense.kind == "hnsw"


def test_index_from_another_segmenter_version_is_rebuilt(built, monkeypatch) -> None:
    import index.segment

    folder, corpus, _, _ = built
    monkeypatch.setattr(index.segment, "SEGMENTER_NAME", "jieba-words+cjk-bigrams+numbers/99")
    index_, log = _open(folder, corpus, FakeEncoder())
    assert "cannot be used" in log[0] and "segmented by" in log[0]
    assert index_.manifest["tokenizer"]["name"].endswith("/99")
    again, log = _open(folder, corpus, FakeEncoder())
    assert log == [] and again.embedded == 0


def test_process_killed_between_the_two_renames_keeps_the_old_index(built) -> None:
    folder, corpus, encoder, index = built
    expected = _results(index, encoder)
    folder.rename(folder.parent / ".index.old")  # old moved aside, new never renamed in
    (folder.parent / ".index.tmp-123-abcdef12").mkdir()  # and a half-written build
    reopened, log = _open(folder, corpus, FakeEncoder())
    assert log == [] and reopened.embedded == 0
    assert _results(reopened, encoder) == expected
    assert sorted(p.name for p in folder.parent.iterdir()) == [".index.lock", "index"]
