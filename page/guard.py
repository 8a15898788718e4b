"""What the server refuses before any handler runs: oversize requests and guessed passwords.

* :class:`BodyLimit` is ASGI middleware handed to Gradio's FastAPI app
  (``launch(app_kwargs={"middleware": …})``): a request whose declared ``Content-Length``
  is over the limit is answered 413 at once; a chunked one (no length declared) is read
  here, and answered 413 as soon as it passes the limit (FastAPI would turn an error raised
  while it reads the body into a 400, and read all of it first). A question is at most 500 characters,
  so 1 MB (``POLICY_QA_MAX_REQUEST_KB``) is far above any real request; file uploads get
  the document limit (``POLICY_QA_MAX_FILE_MB``) instead.
* :class:`LoginThrottle` is the login check Gradio calls (``auth=throttle.login``): after a few wrong
  passwords for a user name, every attempt for it is refused for a while without even
  comparing the password, and each failure answers only after a short pause (awaited, so
  the server keeps serving everyone else).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import threading
import time
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


class LoginThrottle:
    """The login check for Gradio (:meth:`login`): one user name and password, guessing slowed.

    ``max_failures`` wrong passwords for a name within ``window_s`` lock that name for the
    rest of the window (correct passwords included, so guessing cannot continue); each
    failure is answered after ``pause_s``. Locking by name, not by address, since Gradio's
    login check is not given the request; the price is that someone can lock a user out
    for ``window_s`` by failing on purpose, which the log line makes visible.
    """

    def __init__(
        self,
        user: str,
        password: str,
        *,
        max_failures: int = 5,
        window_s: float = 300.0,
        pause_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._user = user.encode()
        self._password = password.encode()
        self.max_failures = max_failures
        self.window_s = window_s
        self.pause_s = pause_s
        self._clock = clock
        self._log = log
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, user: str) -> bool:
        """Whether ``user`` has used up its failures in the current window."""
        with self._lock:
            return len(self._recent(user)) >= self.max_failures

    def _recent(self, user: str) -> list[float]:
        now = self._clock()
        kept = [t for t in self._failures.get(user, []) if now - t < self.window_s]
        if kept:
            self._failures[user] = kept
        else:
            self._failures.pop(user, None)
        return kept

    def check(self, user: str, password: str) -> bool:
        """The decision without the pause (what :meth:`__call__` awaits)."""
        if self.locked(user):
            return False
        ok = hmac.compare_digest(user.encode(), self._user) & hmac.compare_digest(
            password.encode(), self._password
        )
        if not ok:
            with self._lock:
                self._failures.setdefault(user, []).append(self._clock())
                locked_now = len(self._recent(user)) == self.max_failures
            if locked_now and self._log is not None:
                self._log(
                    f"login: {self.max_failures} wrong passwords for {user[:40]!r}; "
                    f"refusing it for {self.window_s:.0f} s"
                )
        return ok

    async def login(self, user: str, password: str) -> bool:
        """Pass this bound method as ``auth=``: Gradio awaits it because it is a coroutine
        function (an object with an async ``__call__`` would not be awaited, and the
        un-awaited coroutine would count as a successful login)."""
        ok = self.check(user, password)
        if not ok:
            await asyncio.sleep(self.pause_s)
        return ok
