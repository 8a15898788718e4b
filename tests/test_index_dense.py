"""DenseIndex: kind selection, filtered search, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import DenseIndex, resolve_kind


def _vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, dim)).astype(np.float32)


def test_kind_follows_threshold_and_can_be_overridden() -> None:
    assert DenseIndex.build(_vectors(99), threshold=100).kind == "flat"
    assert DenseIndex.build(_vectors(100), threshold=100).kind == "hnsw"
    assert DenseIndex.build(_vectors(10), "hnsw").kind == "hnsw"
    assert DenseIndex.build(_vectors(200), "flat", threshold=100).kind == "flat"
    with pytest.raises(ValueError, match="kind"):
        resolve_kind("ivf", 10)  # type: ignore[arg-type]


def test_ef_search_below_minimum_is_rejected() -> None:
    with pytest.raises(ValueError, match="ef_search"):
        DenseIndex.build(_vectors(10), "hnsw", ef_search=16)


def test_hnsw_and_flat_agree_on_top1() -> None:
    data = _vectors(800, seed=1)
    queries = data[:50] + 0.05 * _vectors(50, seed=2)
    flat = DenseIndex.build(data, "flat")
    hnsw = DenseIndex.build(data, "hnsw")
    flat_top = [r[0][0] for r in flat.search(queries, 5)]
    hnsw_top = [r[0][0] for r in hnsw.search(queries, 5)]
    assert flat_top == hnsw_top == list(range(50))


def test_scores_are_cosines_best_first() -> None:
    data = _vectors(20)
    dense = DenseIndex.build(data * 7.0)  # scale must not matter: vectors are normalised
    found = dense.search(data[3], 5)[0]
    assert found[0][0] == 3
    assert found[0][1] == pytest.approx(1.0, abs=1e-5)
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_filtered_search_returns_only_allowed_rows_and_up_to_k(kind: str) -> None:
    data = _vectors(600, seed=3)
    dense = DenseIndex.build(data, kind)  # type: ignore[arg-type]
    allowed = np.array([5, 77, 301, 599])
    found = dense.search(data[0], 10, allowed)[0]
    assert sorted(row for row, _ in found) == [5, 77, 301, 599]
    found = dense.search(data[0], 2, allowed)[0]
    assert len(found) == 2
    assert {row for row, _ in found} <= set(allowed.tolist())
    assert dense.search(data[0], 5, np.array([], dtype=np.int64)) == [[]]


def test_filtered_hnsw_matches_exact_search_on_a_large_filter(monkeypatch) -> None:
    import index.dense as dense_module

    monkeypatch.setattr(dense_module, "EXACT_FILTER_ROWS", 10)  # force the FAISS selector path
    data = _vectors(1000, seed=4)
    allowed = np.arange(0, 1000, 3)
    hnsw = DenseIndex.build(data, "hnsw").search(data[:5], 8, allowed)
    flat = DenseIndex.build(data, "flat").search(data[:5], 8, allowed)
    for got, want in zip(hnsw, flat, strict=True):
        assert {r for r, _ in got} <= set(allowed.tolist())
        assert len(got) == 8
        assert got[0][0] == want[0][0]


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_load_round_trip_gives_identical_results(tmp_path: Path, kind: str) -> None:
    data = _vectors(300, seed=5)
    dense = DenseIndex.build(data, kind)  # type: ignore[arg-type]
    dense.save(tmp_path / "dense")
    loaded = DenseIndex.load(tmp_path / "dense")
    assert loaded.kind == kind
    assert len(loaded) == 300
    queries = _vectors(10, seed=6)
    assert loaded.search(queries, 7) == dense.search(queries, 7)
    np.testing.assert_array_equal(loaded.vectors, dense.vectors)


def test_add_appends_rows() -> None:
    data = _vectors(30, seed=7)
    dense = DenseIndex.build(data[:20], "flat")
    dense.add(data[20:])
    assert len(dense) == 30
    assert dense.search(data[25], 1)[0][0][0] == 25
    with pytest.raises(ValueError, match="dimensions"):
        dense.add(_vectors(2, dim=8))
    with pytest.raises(ValueError, match="dimensions"):
        dense.search(_vectors(1, dim=8), 3)
