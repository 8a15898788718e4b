"""Opening a document file safely: regular files only, within the size limits.

The documents folder is untrusted: a symbolic link can point at ``/etc/passwd``, a FIFO
blocks a reader for ever, a 393 KB .docx can inflate to gigabytes. This module is the only
place that opens a document's bytes, and it refuses each of these with a message naming
the file and the limit (:mod:`common.limits`).
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from pathlib import Path

from common.limits import Limits, variable


class DocumentReadError(Exception):
    """A document that cannot be turned into text; ``str()`` names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot read {self.path.name}: {reason}")


def file_kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    for test, name in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``.

    Opened without following a symbolic link (``O_NOFOLLOW``) and without blocking on a
    FIFO (``O_NONBLOCK``), then checked on the open descriptor, so a link or pipe swapped in
    after the folder was listed is refused too; at most ``max_bytes + 1`` bytes are read,
    so a file growing while read cannot exceed the limit either.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DocumentReadError(path, "file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DocumentReadError(
                path, "skipped: it is a symbolic link; only regular files are read"
            ) from None
        if exc.errno == errno.EISDIR:
            raise DocumentReadError(path, "is a folder, not a file") from None
        raise DocumentReadError(path, f"cannot open the file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        kind = file_kind(info.st_mode)
        if kind is not None:
            raise DocumentReadError(path, f"skipped: it is {kind}; only regular files are read")
        _check_size(path, info.st_size, max_bytes)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        _check_size(path, len(data), max_bytes)
        return data
    finally:
        os.close(fd)


def _check_size(path: Path, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DocumentReadError(
            path,
            f"the file is {_mb(size)}, over the limit of {_mb(max_bytes)} "
            f"({variable('max_file_mb')})",
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_docx_package(data: bytes, path: Path, lim: Limits) -> None:
    """Refuse a .docx whose zip would inflate past the limits, before python-docx inflates it.

    First the central directory: the number of entries and the sum of their declared
    uncompressed sizes (instant, nothing inflated). Declared sizes can lie, so every entry
    is then inflated in chunks, counting, and abandoned as soon as the running total passes
    the limit: the work done is bounded by the limit, not by what the zip would expand to.
    """
    cap = lim.max_docx_uncompressed_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if len(entries) > lim.max_docx_entries:
                raise DocumentReadError(
                    path,
                    f"the .docx package holds {len(entries):,} entries, over the limit of "
                    f"{lim.max_docx_entries:,} ({variable('max_docx_entries')})",
                )
            declared = sum(e.file_size for e in entries)
            if declared > cap:
                raise DocumentReadError(path, _bomb(declared, cap, "declares"))
            total = 0
            for entry in entries:
                with package.open(entry) as member:
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > cap:
                            raise DocumentReadError(path, _bomb(total, cap, "inflates past"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise DocumentReadError(path, f"not a valid .docx file ({exc})") from None


def _bomb(size: int, cap: int, verb: str) -> str:
    return (
        f"the .docx package {verb} {_mb(size)} uncompressed, over the limit of {_mb(cap)} "
        f"({variable('max_docx_uncompressed_mb')}); refused without inflating it"
    )
