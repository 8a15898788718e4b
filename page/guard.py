"""What the server refuses before any handler runs: oversize request bodies.

A :class:`BodyLimit` is ASGI middleware handed to Gradio's FastAPI app
(``launch(app_kwargs={"middleware": …})``): a request whose declared ``Content-Length`` is
over the limit is answered 413 at once; a chunked one (no length declared) is read here and
answered 413 as soon as it passes the limit (FastAPI would turn an error raised while it
reads the body into a 400, after reading all of it). A question is at most 500 characters,
so 1 MB (``POLICY_QA_MAX_REQUEST_KB``) is far above any real request; file uploads get the
document limit (``POLICY_QA_MAX_FILE_MB``) instead.

Failed logins are throttled by the issue-18 work (page/access.py), not here.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from common.limits import Limits, variable

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over the limit with 413 and a message naming the limit."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.max_bytes = limits.max_request_bytes
        self.max_upload_bytes = limits.max_file_bytes + 64 * 1024  # multipart overhead

    def limit_for(self, path: str) -> int:
        return self.max_upload_bytes if path.rstrip("/").endswith("/upload") else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        if declared is None:  # chunked: read it here, at most ``limit`` bytes, then replay
            buffered = await _read_at_most(receive, limit)
            if buffered is None:
                await _refuse(send, limit)
                return
            receive = _replay(buffered, receive)
        await self.app(scope, receive, send)


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes ``limit`` bytes (the rest unread)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "detail": f"request body over the limit of {limit // 1024:,} KB "
            f"({variable('max_request_kb')})"
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
