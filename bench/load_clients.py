"""The simulated users of bench/load.py: one asking in the chat, one calling ``/search``.

The chat's events are not an API (``gradio_client`` cannot call them), so a chat user
speaks the browser's own protocol: ``POST gradio_api/queue/join`` with the ask button's
event and a session hash, then the server-sent events of ``gradio_api/queue/data`` until
the event completes. Each chat user starts a new session every :data:`TURNS_PER_SESSION`
questions, as people do, so a conversation (which the page re-draws whole) stays the size
of a real one.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

TURNS_PER_SESSION = 10
ASK_BUTTON = "qa-ask"


@dataclass
class Tally:
    """What the client threads observed, shared under a lock."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies.append(seconds)
            else:
                self.errors.append(error)


def chat_event(url: str) -> tuple[int, int]:
    """(fn_index, trigger id) of the ask button's click, read from the page's config."""
    config = httpx.get(f"{url}config", timeout=30).json()
    button = next(
        c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == ASK_BUTTON
    )
    for number, dep in enumerate(config["dependencies"]):
        if [button, "click"] in [list(t) for t in dep.get("targets", [])]:
            return int(dep.get("id", number)), button
    raise RuntimeError("the page has no click event on the ask button")


class ChatUser:
    """One person at the chat: questions in a session, a new session every few turns."""

    def __init__(self, url: str, fn_index: int, trigger: int, timeout: float) -> None:
        self.url, self.fn_index, self.trigger = url, fn_index, trigger
        self.http = httpx.Client(timeout=timeout)
        self.session, self.turns = "", TURNS_PER_SESSION

    def ask(self, question: str) -> None:
        """Ask; raises with the server's message when the event fails or answers nothing."""
        if self.turns >= TURNS_PER_SESSION:
            self.session, self.turns = uuid.uuid4().hex[:11], 0
        self.turns += 1
        payload = {
            "data": [question, None, [], [], 5, False],
            "event_data": None,
            "fn_index": self.fn_index,
            "trigger_id": self.trigger,
            "session_hash": self.session,
        }
        joined = self.http.post(f"{self.url}gradio_api/queue/join", json=payload)
        joined.raise_for_status()
        event_id = joined.json()["event_id"]
        params = {"session_hash": self.session}
        with self.http.stream("GET", f"{self.url}gradio_api/queue/data", params=params) as reply:
            for line in reply.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") != event_id:
                    continue
                if message.get("msg") == "process_completed":
                    output = message.get("output", {})
                    if not message.get("success"):
                        raise RuntimeError(str(output.get("error"))[:200])
                    chat = output.get("data", [None])[0]
                    if not chat:
                        raise RuntimeError("empty chat in the reply")
                    return
        raise RuntimeError("the event stream ended without a result")

    def close(self) -> None:
        self.http.close()


class SearchUser:
    """One program calling ``/search`` through gradio_client."""

    def __init__(self, url: str, timeout: float) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False, download_files=False)
        self.timeout = timeout

    def ask(self, question: str) -> None:
        job = self.client.submit(question, [], [], 5, api_name="/search")
        data = job.result(timeout=self.timeout)
        if not (isinstance(data, dict) and "hits" in data):
            raise RuntimeError(f"bad reply: {data!r}"[:200])

    def close(self) -> None:
        self.client.close()


def client_loop(
    make_user: Callable[[], Any],
    questions: Sequence[str],
    offset: int,
    stop: threading.Event,
    tally: Tally,
) -> None:
    """One user: connect, then ask question after question until ``stop`` is set."""
    try:
        user = make_user()
    except Exception as error:  # a failed connection is an error to report, not a crash
        tally.record(0.0, f"connect: {type(error).__name__}: {error}")
        return
    n = offset
    while not stop.is_set():
        question = questions[n % len(questions)]
        n += 1
        started = time.perf_counter()
        try:
            user.ask(question)
            error = None
        except Exception as exc:  # every failure counts; the message says which
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
        tally.record(time.perf_counter() - started, error)
    user.close()
