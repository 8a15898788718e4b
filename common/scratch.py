"""One temporary folder per process for the files the page hands out (exports, quizzes).

Every chat answer and quiz download used to get its own ``mkdtemp`` folder in /tmp, never
removed (668 folders, 83 MB after one load test). Here a process has one folder,
``policy-qa-<pid>-…`` in the system temp dir: each download gets a sub-folder in it
(:func:`new_folder`), sub-folders older than ``max_scratch_age_s`` or beyond
``max_scratch_mb`` in total are removed whenever a new one is made, and the whole folder is
removed when the process exits (``atexit``; app.py turns SIGTERM into a normal exit).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from common.limits import Limits, limits

#: The sub-folder given to Gradio as ``GRADIO_TEMP_DIR`` (page/layout.py).
GRADIO_CACHE = "gradio"

_lock = threading.Lock()
_root: Path | None = None
_root_pid: int | None = None


def scratch_root() -> Path:
    """This process's temporary folder, created on first use (again after a fork)."""
    global _root, _root_pid
    with _lock:
        if _root is None or _root_pid != os.getpid() or not _root.is_dir():
            _root = Path(tempfile.mkdtemp(prefix=f"policy-qa-{os.getpid()}-"))
            _root_pid = os.getpid()
            atexit.register(_remove, _root, os.getpid())
        return _root


def new_folder(prefix: str, limits_: Limits | None = None) -> Path:
    """A fresh sub-folder of :func:`scratch_root` for one download; old ones are pruned first."""
    root = scratch_root()
    prune(root, limits_ or limits())
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=root))


def prune(root: Path, limits_: Limits, now: float | None = None) -> list[Path]:
    """Remove sub-folders of ``root`` older than the age limit, then the oldest ones until
    the rest fit the size limit; returns what was removed. A download handed out within
    the age limit stays available unless the size cap forces it out."""
    now = time.time() if now is None else now
    entries = []
    for child in root.iterdir():
        if child.name == GRADIO_CACHE:
            continue  # Gradio's own copies: pruned by Gradio (Blocks(delete_cache=…))
        try:
            entries.append((child.stat().st_mtime, _size(child), child))
        except OSError:
            continue  # removed meanwhile
    entries.sort()
    removed = []
    total = sum(size for _, size, _ in entries)
    for mtime, size, child in entries:
        if now - mtime > limits_.max_scratch_age_s or total > limits_.max_scratch_bytes:
            _delete(child)
            total -= size
            removed.append(child)
    return removed


def cleanup() -> None:
    """Remove this process's folder now (also done at exit)."""
    global _root
    with _lock:
        if _root is not None and _root_pid == os.getpid():
            shutil.rmtree(_root, ignore_errors=True)
            _root = None


def _remove(root: Path, pid: int) -> None:
    if os.getpid() == pid:  # a forked child must not remove its parent's folder
        shutil.rmtree(root, ignore_errors=True)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _delete(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
