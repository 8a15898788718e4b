"""The ONNX Runtime encoder: same vectors as the torch path, export cached and checked.

The converted sentence-transformers folder is read from the machine's cache (converted
there on first use); the ONNX exports are made once per test session into a temporary
folder (about 20 s), never into the machine's cache. Subprocesses see that folder through a
temporary ``$POLICY_QA_CACHE`` whose entries link to it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from encoder import onnx, onnx_export, sentence
from encoder.cache import CACHE_ENV
from encoder.onnx import OnnxEncoder, load_onnx_encoder
from index.store import open_index
from tests.index_fakes import make_corpus, one_document_corpus
from tests.test_encoder_model import QUERIES, seed_passages

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def torch_encoder():
    """The reference: the default model on sentence-transformers (converts it if missing)."""
    return sentence.load_encoder(variant="torch", progress=False)


@pytest.fixture(scope="module")
def source(torch_encoder) -> Path:
    return sentence.default_model_dir()


@pytest.fixture(scope="module")
def exports(source, tmp_path_factory) -> Path:
    """Both ONNX files of the converted model, exported once into a temporary folder."""
    folder = tmp_path_factory.mktemp("onnx")
    for quantisation in onnx_export.FILES:
        onnx_export.ensure_exported(source, folder, quantisation, log=lambda _msg: None)
    return folder


@pytest.fixture
def fresh(monkeypatch):
    """No encoder loaded in this process yet, so a load reads (and checks) the cache."""
    monkeypatch.setattr(onnx, "_LOADED", {})


def load(source: Path, folder: Path, variant: str, log=lambda _msg: None) -> OnnxEncoder:
    return load_onnx_encoder(
        source, variant, sentence._default_name(variant), out_dir=folder, log=log
    )


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def alone_and_among(encode, text: str, others: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``text``'s vector embedded on its own, and embedded in one call with ``others``."""
    return encode([text])[0], encode([text, *others])[0]


@pytest.mark.model
def test_fp32_vectors_match_torch(torch_encoder, source, exports):
    enc = load(source, exports, "onnx")
    passages = seed_passages()
    p = cosines(enc.encode_passages(passages), torch_encoder.encode_passages(passages))
    q = cosines(enc.encode_queries(QUERIES), torch_encoder.encode_queries(QUERIES))
    assert min(p.min(), q.min()) >= 0.9999
    vectors = enc.encode_passages(["安全生产", "x" * 3000])  # the long one is cut at 512 tokens
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert enc.encode_queries([]).shape == (0, 384)


@pytest.mark.model
def test_padding_in_a_batch_does_not_change_a_vector(source, exports):
    """A short text batched with long ones (padded to their length) gets its own vector."""
    enc = load(source, exports, "onnx")
    alone, batched = alone_and_among(enc.encode_passages, "消防车通道", seed_passages()[:20])
    assert float(alone @ batched) >= 0.99999


@pytest.mark.model
def test_an_int8_question_gets_the_same_vector_alone_or_with_others(source, exports):
    """The chat batches concurrent users' questions; the CLI embeds one: same vector."""
    enc = load(source, exports, "onnx-int8")
    alone, batched = alone_and_among(
        enc.encode_queries, "消防车通道有什么要求", seed_passages()[:8]
    )
    np.testing.assert_allclose(batched, alone, atol=1e-6)


@pytest.mark.model
def test_an_int8_clause_gets_the_same_vector_whatever_is_indexed_with_it(source, exports):
    """A clause added to a library, rebuilt into another index or read from the passage
    cache must be the clause the search was tuned on: one vector per text."""
    enc = load(source, exports, "onnx-int8")
    passages = seed_passages()[:24]
    alone = enc.encode_passages([passages[5]])[0]
    with_others = enc.encode_passages(passages)[5]
    with_fewer = enc.encode_passages(passages[3:9])[2]
    np.testing.assert_allclose(with_others, alone, atol=1e-6)
    np.testing.assert_allclose(with_fewer, alone, atol=1e-6)


@pytest.mark.model
def test_int8_vectors_agree_with_torch_as_measured(torch_encoder, source, exports):
    """Measured on these passages: mean 0.9968, min 0.9949 (queries 0.9971 / 0.9966); one
    scale per weight matrix instead of per channel gave 0.987 / 0.983."""
    enc = load(source, exports, "onnx-int8")
    passages = seed_passages()
    p = cosines(enc.encode_passages(passages), torch_encoder.encode_passages(passages))
    q = cosines(enc.encode_queries(QUERIES), torch_encoder.encode_queries(QUERIES))
    assert p.mean() >= 0.995 and q.mean() >= 0.995
    assert min(p.min(), q.min()) >= 0.99


@pytest.mark.model
def test_export_is_reused_on_the_next_load(source, exports, fresh, monkeypatch):
    def must_not_export(*args, **kwargs):
        raise AssertionError("exported again although the cached file is sound")

    monkeypatch.setattr(onnx_export, "export_fp32", must_not_export)
    monkeypatch.setattr(onnx_export, "quantize_int8", must_not_export)
    before = {p.name: p.stat().st_mtime_ns for p in exports.iterdir()}
    messages: list[str] = []
    for variant in onnx.QUANTISATION:
        enc = load(source, exports, variant, log=messages.append)
        assert enc.encode_queries(["应急预案"]).shape == (1, 384)
    assert messages == []
    assert {p.name: p.stat().st_mtime_ns for p in exports.iterdir()} == before


@pytest.mark.parametrize("damage", ["truncated", "foreign"])
@pytest.mark.model
def test_damaged_export_is_detected_and_redone(source, exports, fresh, tmp_path, damage):
    """A cut-off copy (size differs) or another file of the same size (checksum differs)."""
    folder = tmp_path / "onnx"
    folder.mkdir()
    for item in exports.iterdir():  # the fp32 file is linked: only int8 is damaged and redone
        (os.link if item.name == "model-fp32.onnx" else shutil.copy)(item, folder / item.name)
    int8 = folder / "model-int8.onnx"
    data = int8.read_bytes()
    int8.write_bytes(data[: len(data) // 2] if damage == "truncated" else data[:-64] + bytes(64))
    messages: list[str] = []
    enc = load(source, folder, "onnx-int8", log=messages.append)
    reason = "truncated" if damage == "truncated" else "checksum"
    assert any("re-exporting" in m and reason in m for m in messages), messages
    assert (
        onnx_export.problem(
            int8, source=onnx_export.source_id(source), quantisation="int8-dynamic-per-channel"
        )
        is None
    )
    reference = load(source, exports, "onnx-int8")
    passages = seed_passages()[:8]
    assert (
        cosines(enc.encode_passages(passages), reference.encode_passages(passages)).min() > 0.9999
    )


@pytest.mark.model
def test_variant_names_differ_so_an_index_is_rebuilt_on_a_change(source, exports, tmp_path):
    """An index built with fp32 vectors is rebuilt, not reused, when opened with int8."""
    corpus = make_corpus("qinghai-2020", "yunnan-2019")
    fp32, int8 = load(source, exports, "onnx"), load(source, exports, "onnx-int8")
    assert len({sentence._default_name(v) for v in sentence.VARIANTS}) == 3
    messages: list[str] = []
    open_index(tmp_path / "index", corpus, fp32, progress=False, log=messages.append)
    again = open_index(tmp_path / "index", corpus, int8, progress=False, log=messages.append)
    assert any("cannot be used" in m and "onnx-int8" in m for m in messages), messages
    assert again.manifest["model"] == int8.name
    texts = [c.text_norm for c in corpus.clauses]
    np.testing.assert_allclose(again.dense.vectors, int8.encode_passages(texts), atol=1e-5)
    messages.clear()
    open_index(tmp_path / "index", corpus, int8, progress=False, log=messages.append)
    assert messages == []  # same variant: reused as it is


@pytest.fixture
def cache_with_exports(source, exports, tmp_path) -> Path:
    """A ``$POLICY_QA_CACHE`` whose model and ONNX folders link to the real ones."""
    models = tmp_path / "cache" / "models"
    models.mkdir(parents=True)
    (models / source.name).symlink_to(source)
    (models / f"{source.name}-onnx").symlink_to(exports)
    return tmp_path / "cache"


@pytest.mark.model
def test_cli_builds_with_each_onnx_variant_and_never_imports_torch(cache_with_exports, tmp_path):
    corpus = one_document_corpus(tmp_path / "corpus")
    env = {**os.environ, CACHE_ENV: str(cache_with_exports), "POLICY_QA_THREADS": "1"}
    index = tmp_path / "index"
    for variant in ("onnx", "onnx-int8"):
        built = subprocess.run(
            [sys.executable, "-m", "retriever", "build", "--force", "--index", str(index),
             "--corpus", str(corpus), "--encoder", variant],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        assert "index ready" in built.stderr
        recorded = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["model"]
        assert recorded == sentence._default_name(variant)
    probe = (
        "import sys\nfrom retriever import Retriever\n"
        f"r = Retriever.load({str(index)!r}, variant='onnx-int8', corpus_dir={str(corpus)!r},"
        " progress=False)\n"
        "print(r.search('授旗仪式', k=1).hits[0].clause.id)\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[1] == "False False"
    assert run.stdout.startswith("sichuan-2018:")


def test_onnx_variant_of_a_named_model_is_refused_with_the_reason(tmp_path):
    with pytest.raises(sentence.EncoderLoadError, match="default model only"):
        sentence.load_encoder(str(tmp_path), variant="onnx-int8", progress=False)
    with pytest.raises(sentence.EncoderLoadError, match="choose one of torch, onnx, onnx-int8"):
        sentence.load_encoder(variant="onnx-fp16", progress=False)


def test_unusable_export_is_reported_without_reading_further(tmp_path):
    """A missing marker, or one from another opset, names the file and what is wrong."""
    model = tmp_path / "model-fp32.onnx"
    assert onnx_export.problem(model, source="s", quantisation="none") == "not exported yet"
    model.write_bytes(b"not a model")
    assert "no readable marker" in onnx_export.problem(model, source="s", quantisation="none")
    onnx_export.write_marker(model, source="s", quantisation="none")
    assert onnx_export.problem(model, source="s", quantisation="none") is None
    assert "source" in onnx_export.problem(model, source="other", quantisation="none")
    marker = onnx_export.marker_path(model)
    marker.write_text(marker.read_text().replace('"opset": 17', '"opset": 13'))
    assert "opset 13" in onnx_export.problem(model, source="s", quantisation="none")
