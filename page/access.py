"""Who may do what on the page: the actions that cost minutes or change state.

A benchmark run, an index rebuild or a change to the document library costs every visitor
minutes of CPU (or changes what they search), and every event of a Gradio page is reachable
over HTTP. So those actions ask :func:`can_change` (or :func:`refusal`, for the message)
with the request's user name, and go through a :class:`RateLimit`:

- served on loopback (127.0.0.1, localhost, ::1) without a login: the local user may;
- with a login (POLICY_QA_USER / POLICY_QA_PASSWORD): only the users named in
  POLICY_QA_ADMINS (comma-separated; the POLICY_QA_USER account when unset);
- on any other address without a login: nobody, unless the app was started with
  ``--allow-uploads``.

:class:`LoginGuard` is the ``auth=`` callable for ``launch``: it checks the password in
constant time and, after failed attempts for a user name, refuses that name for a short,
doubling time (Gradio hands the callable only the name and password, so the backoff is
per user name, not per address).
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

NOT_ADMIN = "只有管理员可以执行此操作，请用管理员账号登录。"
NOT_LOCAL = (
    "此服务对外开放且未设置登录，评测、重建索引等操作已关闭（启动时加 --allow-uploads 可开启）。"
)
RATE_LIMITED = "操作太频繁：{window:.0f} 秒内最多 {limit} 次，请 {wait:.0f} 秒后再试。"

#: Default rate of state-changing actions per user: this many per window.
RATE_LIMIT = 6
RATE_WINDOW_S = 600.0


@dataclass(frozen=True)
class Access:
    """What the app was started with, as far as permissions go."""

    host: str = "127.0.0.1"
    login: tuple[str, str] | None = None
    admins: frozenset[str] = frozenset()
    allow_uploads: bool = False

    @property
    def local(self) -> bool:
        return self.host in LOOPBACK

    @classmethod
    def from_options(
        cls,
        host: str = "127.0.0.1",
        *,
        allow_uploads: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Access:
        """From the command line's host and flag and the POLICY_QA_* environment."""
        env = os.environ if environ is None else environ
        user = env.get("POLICY_QA_USER", "").strip()
        password = env.get("POLICY_QA_PASSWORD", "")
        login = (user, password) if user and password else None
        named = {a.strip() for a in env.get("POLICY_QA_ADMINS", "").split(",") if a.strip()}
        if login and not named:
            named = {user}
        return cls(host, login, frozenset(named), allow_uploads)


def refusal(access: Access, username: str | None) -> str | None:
    """Why ``username`` may not run a costly or state-changing action (Chinese), or None."""
    if access.login is not None:
        return None if username and username in access.admins else NOT_ADMIN
    if access.local or access.allow_uploads:
        return None
    return NOT_LOCAL


def can_change(access: Access, username: str | None) -> bool:
    """Whether ``username`` (``gr.Request.username``; None without login) may run actions
    that cost minutes or change state: benchmark runs, rebuilds, library changes."""
    return refusal(access, username) is None


def request_user(request: Any) -> str | None:
    """The logged-in user name of a ``gr.Request`` (None without login or request)."""
    return getattr(request, "username", None) or None


@dataclass
class RateLimit:
    """At most ``limit`` actions per ``window_s`` seconds per key (a user name, or "" for the
    anonymous local user); a sliding window of the times of the accepted ones."""

    limit: int = RATE_LIMIT
    window_s: float = RATE_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str | None) -> str | None:
        """Count one action for ``key``; the Chinese refusal when over the limit (not counted)."""
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(key or "", deque())
            while times and now - times[0] >= self.window_s:
                times.popleft()
            if len(times) >= self.limit:
                wait = self.window_s - (now - times[0])
                return RATE_LIMITED.format(
                    window=self.window_s, limit=self.limit, wait=max(1, wait)
                )
            times.append(now)
            return None


def check_action(access: Access, limit: RateLimit, username: str | None) -> str | None:
    """Both checks for one costly action: the permission, then the rate; None when allowed."""
    return refusal(access, username) or limit.take(username)


@dataclass
class LoginGuard:
    """``auth=`` for Gradio: right name and password, with a backoff after failures.

    After ``free_failures`` wrong passwords for a name, that name is refused — even with the
    right password — for ``base_s`` seconds, doubling with each further failure up to
    ``max_s``; a success clears the count.
    """

    users: Mapping[str, str]
    free_failures: int = 3
    base_s: float = 2.0
    max_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, int] = field(default_factory=dict)
    _until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, username: str, password: str) -> bool:
        name = str(username or "")
        now = self.clock()
        with self._lock:
            if now < self._until.get(name, 0.0):
                return False
        expected = self.users.get(name)
        ok = expected is not None and hmac.compare_digest(
            str(password or "").encode(), expected.encode()
        )
        with self._lock:
            if ok:
                self._failures.pop(name, None)
                self._until.pop(name, None)
                return True
            count = self._failures.get(name, 0) + 1
            self._failures[name] = count
            if count >= self.free_failures:
                wait = min(self.max_s, self.base_s * 2 ** (count - self.free_failures))
                self._until[name] = now + wait
            return False

    def locked_for(self, username: str) -> float:
        """Seconds ``username`` is still refused (0 when not)."""
        with self._lock:
            return max(0.0, self._until.get(username, 0.0) - self.clock())


def login_guard(access: Access) -> LoginGuard | None:
    """The ``auth=`` callable for the configured login, None without one."""
    if access.login is None:
        return None
    user, password = access.login
    return LoginGuard({user: password})
