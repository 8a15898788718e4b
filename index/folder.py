"""The index folder on disk: the clause store, atomic replacement, and the build lock.

A build writes a complete sibling folder and only then swaps it in, so at every moment the
path holds either the previous complete index or the new one — never a half-written mix.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpus.clause import Clause
from index.manifest import IndexProblem


def read_clauses(path: Path) -> list[Clause]:
    """The clause store, in row order; :class:`IndexProblem` naming the first bad line."""
    clauses = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    clauses.append(Clause.from_dict(json.loads(line)))
                except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                    raise IndexProblem(
                        f"{path.name} does not parse (line {number}: {error})"
                    ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise IndexProblem(f"{path.name} cannot be read ({error})") from error
    return clauses


def write_clauses(path: Path, clauses: Sequence[Clause]) -> None:
    """One ``Clause.to_dict()`` JSON object per line (written inside the temporary folder,
    so the swap makes it atomic)."""
    with path.open("w", encoding="utf-8") as handle:
        for clause in clauses:
            handle.write(json.dumps(clause.to_dict(), ensure_ascii=False) + "\n")


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def swap_in(tmp: Path, index_dir: Path) -> None:
    """Replace ``index_dir`` by ``tmp``: move the old folder aside, rename the new one in,
    then delete the old one (a folder cannot be renamed over a non-empty folder)."""
    old = index_dir.parent / f".{index_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if index_dir.exists():
        index_dir.rename(old)
    tmp.rename(index_dir)
    shutil.rmtree(old, ignore_errors=True)


def recover_swap(index_dir: Path) -> None:
    """Finish what a process killed during :func:`swap_in` or a build left behind:
    put the old folder back if the new one never arrived, remove stray temporaries."""
    old = index_dir.parent / f".{index_dir.name}.old"
    if old.exists():
        if index_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(index_dir)
    for stray in index_dir.parent.glob(f".{index_dir.name}.tmp-*"):
        shutil.rmtree(stray, ignore_errors=True)


@contextmanager
def build_lock(index_dir: Path, log: Callable[[str], None]) -> Iterator[None]:
    """Hold ``.{name}.lock`` next to the folder (fcntl.flock) for the duration.

    Where no lock file can be created (a read-only location), nothing can be built there
    either, so loading goes ahead unlocked and a build fails when it tries to write.
    """
    lock_path = index_dir.parent / f".{index_dir.name}.lock"
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError:
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another process to finish building the index at {index_dir}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_writable(index_dir: Path) -> None:
    """Raise ``OSError`` at once when a build could not be written next to ``index_dir``.

    A build embeds every clause (minutes on a small machine) before it writes; in a
    read-only location the write then fails and the minutes are lost. A probe file in the
    parent folder (where the build's temporary folder goes) settles it first.
    """
    parent = index_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{index_dir.name}.probe-", dir=parent)
        os.close(handle)
        os.unlink(name)
    except OSError as error:
        raise OSError(
            f"cannot build the index at {index_dir}: {parent} is not writable "
            f"({error.strerror or error}); nothing was embedded. Give a writable folder "
            "with --index, or fix the folder's permissions"
        ) from error
