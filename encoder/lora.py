"""LoRA layers for training the adapter (torch; used by ``eval.train_adapter`` only).

:class:`LoRALinear` wraps a frozen ``torch.nn.Linear`` and adds the low-rank path
``scale · B(A(x))``; ``B`` starts at zero, so an untrained adapter changes nothing. After
training, :func:`extract` returns the ``(A, B)`` pairs that :mod:`encoder.adapter` stores and
merges into the weights (``W + scale · B @ A``) — the serving paths never see these layers.
Hand-rolled (30 lines) rather than a dependency: the project needs only training-time LoRA
on four Linear layers of a BertModel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from encoder.adapter import TARGETS


class LoRALinear(nn.Module):
    """``base(x) + scale · B(A(dropout(x)))`` with ``base`` frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float = 0.0) -> None:
        super().__init__()
        self.base = base
        for parameter in self.base.parameters():
            parameter.requires_grad_(False)
        self.rank = rank
        self.scale = alpha / rank
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))  # as nn.Linear; B = 0
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        low = self.dropout(x) @ self.lora_A.T @ self.lora_B.T
        return self.base(x) + self.scale * low


def inject(
    model: nn.Module,
    *,
    rank: int,
    alpha: float,
    dropout: float = 0.0,
    targets: Sequence[str] = TARGETS,
) -> dict[str, LoRALinear]:
    """Freeze ``model`` and wrap every Linear whose name ends in one of ``targets``;
    returns ``{weight name: layer}`` (``encoder.layer.0.attention.self.query.weight`` …),
    the names the adapter file and the merge use."""
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    wrapped: dict[str, LoRALinear] = {}
    for name, module in list(model.named_modules()):
        if isinstance(module, nn.Linear) and name.endswith(tuple(targets)):
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            layer = LoRALinear(module, rank, alpha, dropout)
            setattr(parent, child, layer)
            wrapped[f"{name}.weight"] = layer
    if not wrapped:
        raise ValueError(f"no Linear layer of the model ends in any of {list(targets)}")
    return wrapped


def extract(layers: dict[str, LoRALinear]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{weight name: (A, B)}`` as float32 arrays, for :func:`encoder.adapter.save_adapter`."""
    return {
        name: (
            layer.lora_A.detach().cpu().numpy().astype(np.float32),
            layer.lora_B.detach().cpu().numpy().astype(np.float32),
        )
        for name, layer in layers.items()
    }
