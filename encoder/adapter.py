"""The LoRA adapter of the default encoder: its file, its identity, and merging it.

A LoRA adapter (Hu et al. 2021) stores, for each adapted ``Linear`` weight ``W`` (out × in),
two small matrices ``A`` (rank × in) and ``B`` (out × rank); the adapted weight is
``W + (alpha / rank) · B @ A``. The repository ships one, trained by ``python -m
eval.train_adapter`` on the dev halves of both benchmarks, in :data:`ADAPTER_FILE`
(safetensors; rank and alpha in its metadata). It is merged into the weights once, when the
model is converted (:func:`encoder.e5convert.convert_adapted`), so the torch, ONNX and int8
paths all serve the merged model and nothing at run time knows about LoRA.

The adapter's identity is the SHA-1 of its file: it goes into the converted folder's name
and into the model name an index manifest and the passage-vector cache record, so vectors of
the base model and of each adapter never mix. This module needs only numpy and safetensors
(no torch): the ONNX serving path imports it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.atomic import write_bytes

DATA_DIR = Path(__file__).resolve().parent / "data"
#: The adapter shipped with the repository, and the record of how it was trained.
ADAPTER_FILE = DATA_DIR / "e5-small-lora.safetensors"
ADAPTER_INFO = DATA_DIR / "e5-small-lora.json"
#: Which adapter the default model gets: unset → :data:`DEFAULT_ADAPTER`; ``none`` (or
#: ``off``, ``0``) → the base model; ``lora`` (``on``, ``1``) → :data:`ADAPTER_FILE`;
#: anything else → the path of an adapter file.
ADAPTER_ENV = "POLICY_QA_ADAPTER"
#: The shipped adapter is opt-in. Measured (onnx-int8): on the law suite's held-out test
#: half it lifts dense R@10 0.567 → 0.604 but leaves hybrid flat (MRR@10 0.566 → 0.568), and
#: on the policy benchmark's 269 document questions (``--laws none``) hybrid R@1 falls
#: 0.904 → 0.897 and the vague type's MRR@10 0.795 → 0.750 — a model change must not lower
#: the policy benchmark, so the base model stays the default.
DEFAULT_ADAPTER = "none"
#: The BertModel Linear layers an adapter may adapt (attention query/key/value/output).
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
)
_OFF = {"", "none", "off", "0", "no", "false"}
_ON = {"lora", "on", "1", "yes", "true", "default"}


@dataclass(frozen=True)
class Adapter:
    """A loaded adapter: ``{weight name: (A, B)}`` with its rank, alpha and file SHA-1."""

    rank: int
    alpha: float
    pairs: Mapping[str, tuple[np.ndarray, np.ndarray]]
    sha1: str
    path: Path | None = None
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        return self.alpha / self.rank

    @property
    def short(self) -> str:
        """The first 8 hex digits of the file's SHA-1: what names and folders carry."""
        return self.sha1[:8]

    def delta(self, weight: str) -> np.ndarray:
        """``scale · B @ A`` for ``weight`` (a BertModel parameter name ending in .weight)."""
        a, b = self.pairs[weight]
        return (self.scale * (b.astype(np.float64) @ a.astype(np.float64))).astype(np.float32)


def lora_keys(weight: str) -> tuple[str, str]:
    """The tensor names of ``weight``'s A and B in an adapter file."""
    stem = weight.removesuffix(".weight")
    return f"{stem}.lora_A", f"{stem}.lora_B"


def adapter_bytes(
    pairs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    rank: int,
    alpha: float,
    meta: Mapping[str, str] | None = None,
) -> bytes:
    """The safetensors bytes of an adapter (tensors sorted by name, so the same adapter
    always gives the same bytes and the same SHA-1)."""
    from safetensors.numpy import save

    tensors: dict[str, np.ndarray] = {}
    for weight, (a, b) in sorted(pairs.items()):
        if a.shape[0] != rank or b.shape[1] != rank:
            raise ValueError(f"{weight}: A {a.shape} and B {b.shape} do not have rank {rank}")
        key_a, key_b = lora_keys(weight)
        tensors[key_a] = np.ascontiguousarray(a, dtype=np.float32)
        tensors[key_b] = np.ascontiguousarray(b, dtype=np.float32)
    header = {"rank": str(rank), "alpha": repr(float(alpha)), **dict(meta or {})}
    return canonical(save(tensors, metadata=header))


def canonical(data: bytes) -> bytes:
    """``data`` (a safetensors file) with its JSON header's keys sorted.

    safetensors writes the metadata from a hash map, so two saves of the same tensors (two
    identical training runs: their tensor bytes were equal) gave files with different SHA-1s.
    The tensor offsets are relative to the end of the header, so only the header changes;
    it is padded with spaces to a multiple of 8 bytes, as safetensors does.
    """
    size = int.from_bytes(data[:8], "little")
    header = json.dumps(json.loads(data[8 : 8 + size]), sort_keys=True, separators=(",", ":"))
    raw = header.encode()
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + data[8 + size :]


def save_adapter(
    path: Path,
    pairs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    rank: int,
    alpha: float,
    meta: Mapping[str, str] | None = None,
) -> str:
    """Write an adapter file atomically; returns its SHA-1."""
    data = adapter_bytes(pairs, rank=rank, alpha=alpha, meta=meta)
    write_bytes(Path(path), data)
    return hashlib.sha1(data).hexdigest()


def load_adapter(path: Path) -> Adapter:
    """Read an adapter file; ``ValueError`` when it is not one (no rank, unpaired tensors)."""
    from safetensors.numpy import load

    path = Path(path)
    data = path.read_bytes()
    try:
        tensors = load(data)
        header = _metadata(data)
        rank, alpha = int(header["rank"]), float(header["alpha"])
    except Exception as exc:  # safetensors raises its own error types
        raise ValueError(f"{path} is not a LoRA adapter file ({exc})") from exc
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key in tensors:
        if key.endswith(".lora_A"):
            weight = key.removesuffix(".lora_A") + ".weight"
            b_key = lora_keys(weight)[1]
            if b_key not in tensors:
                raise ValueError(f"{path}: {key} has no matching {b_key}")
            pairs[weight] = (tensors[key], tensors[b_key])
    if not pairs or len(pairs) * 2 != len(tensors):
        raise ValueError(f"{path}: expected pairs of lora_A/lora_B tensors, got {sorted(tensors)}")
    return Adapter(rank, alpha, pairs, hashlib.sha1(data).hexdigest(), path, header)


def _metadata(data: bytes) -> dict[str, str]:
    """The ``__metadata__`` of a safetensors file (its JSON header)."""
    size = int.from_bytes(data[:8], "little")
    return dict(json.loads(data[8 : 8 + size]).get("__metadata__") or {})


def merge(state: Mapping[str, np.ndarray], adapter: Adapter) -> dict[str, np.ndarray]:
    """A copy of the BertModel ``state`` with every adapted weight replaced by
    ``W + scale · B @ A``; ``KeyError``/``ValueError`` when the adapter names a weight the
    model lacks or has another shape (an adapter of another model)."""
    merged = dict(state)
    for weight in adapter.pairs:
        if weight not in state:
            raise KeyError(f"the adapter adapts {weight!r}, which the model does not have")
        delta = adapter.delta(weight)
        if delta.shape != state[weight].shape:
            raise ValueError(
                f"the adapter's {weight} is {delta.shape}, the model's {state[weight].shape}"
            )
        merged[weight] = (state[weight].astype(np.float32) + delta).astype(np.float32)
    return merged


def chosen_adapter(setting: str | None = None) -> Path | None:
    """The adapter file the default model gets (None: the base model), from ``setting`` or
    ``$POLICY_QA_ADAPTER`` (see :data:`ADAPTER_ENV`); ``ValueError`` when a named file is
    missing."""
    value = (os.environ.get(ADAPTER_ENV, DEFAULT_ADAPTER) if setting is None else setting).strip()
    if value.lower() in _OFF:
        return None
    if value.lower() in _ON:
        return ADAPTER_FILE
    path = Path(value).expanduser()
    if not path.is_file():
        raise ValueError(f"{ADAPTER_ENV}={value!r}: no adapter file there")
    return path.resolve()


def adapter_sha1(path: Path) -> str:
    """The SHA-1 of an adapter file (its identity in model names and cache folders)."""
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()
