"""Progress and warning lines for people at a terminal: stderr, flushed, with a tag."""

from __future__ import annotations

import sys
from collections.abc import Callable


def stderr(message: str) -> None:
    """Print ``message`` on stderr at once (stdout may carry JSON for scripts)."""
    print(message, file=sys.stderr, flush=True)


def tagged(tag: str) -> Callable[[str], None]:
    """A :func:`stderr` that prefixes each line with ``[tag]``."""
    return lambda message: stderr(f"[{tag}] {message}")
