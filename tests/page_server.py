"""Start the real page on a free local port for the API and browser tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from page import build_page, serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_page(retriever: Any, *, library: Any = None, auth: Any = None) -> Iterator[str]:
    """The page over ``retriever`` served in this process; yields its URL, closes it after.
    ``library`` mounts the 文件库 tab (a LibraryService); ``auth`` requires a login."""
    demo = build_page(retriever, library=library)
    port = free_port()
    serve(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True, auth=auth)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
