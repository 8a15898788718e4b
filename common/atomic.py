"""Atomic writes: a file is written beside its target under a temporary name, then renamed.

A reader (a download, the next start, another process) sees the old file or the new one,
never half of one; a write that fails or is killed leaves the target as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Written files are readable by others (mkstemp makes 0600): exports, reports and indexes
#: are meant to be shared.
FILE_MODE = 0o644


@contextmanager
def atomic_path(target: Path, *, mode: int = FILE_MODE) -> Iterator[Path]:
    """A temporary path beside ``target`` for a writer that wants a path (openpyxl,
    python-docx, matplotlib); renamed onto ``target`` when the block succeeds, removed when
    it fails."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, mode)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically; returns ``target``."""
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; returns ``target``."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)
    return Path(target)


def write_json(target: Path, data: Any, *, indent: int | None = 2) -> Path:
    """Write ``data`` as UTF-8 JSON (Chinese kept readable) to ``target`` atomically."""
    return write_text(target, json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
