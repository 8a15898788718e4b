"""The library behind the 文件库 tab and its API: permissions, changes, background re-index.

No Gradio here (the tab and the endpoints in ``page.library_tab`` are thin wiring), so the
rules are unit-tested directly:

- every change asks :func:`page.access.check_action` first (who may, and how often);
- a change is written to the library (:class:`corpus.library.Library`, atomic), then a
  re-index is queued on the page's one :class:`page.jobs.JobRunner`: one at a time, and a
  re-index already waiting absorbs later changes (it reads the library when it starts), so
  two uploads at once queue and both end up indexed;
- the re-index embeds only new or changed clauses (the index store reuses stored vectors)
  and swaps the served retriever in one assignment (:class:`page.live.LiveRetriever`), so
  searches answer from the previous index until the new one is ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from common.limits import limits
from corpus.clause import CURRENT, REPEALED, Corpus
from corpus.ingest import Draft, IngestError
from corpus.library import Entry, Library, LibraryError
from encoder.protocol import Encoder
from page import messages as msg
from page.access import Access, RateLimit, check_action, refusal
from page.jobs import Job, JobRefused, JobRunner
from page.live import CountingEncoder, LiveRetriever, SerialEncoder
from retriever.search import Retriever

#: Library changes per user per 10 minutes: enough for a script loading a folder.
LIBRARY_RATE = 200
REINDEX = "reindex"

OpenStore = Callable[[Corpus, Encoder], Any]


class Refused(ValueError):
    """An action refused; ``str()`` is the Chinese sentence for the page and the API."""


def message_of(error: Exception, name: str = "") -> str:
    """The Chinese sentence for an :class:`IngestError` / :class:`LibraryError`."""
    code = getattr(error, "code", "unreadable")
    info = dict(getattr(error, "info", {}) or {})
    if code == "bad-field":
        info["field"] = msg.LIB_BAD_FIELD.get(info.get("field", ""), str(error))
    template = msg.LIB_ERRORS.get(code, msg.LIB_ERRORS["unreadable"])
    values = {"name": name, "title": "", "field": "", **info}
    values.setdefault("limit", f"{limits().max_file_mb:g} MB")
    return template.format(**values)


@dataclass
class LibraryService:
    """The library as the page uses it (see the module doc)."""

    library: Library
    live: LiveRetriever
    open_store: OpenStore
    encoder: SerialEncoder
    access: Access = field(default_factory=Access)
    jobs: JobRunner = field(default_factory=JobRunner)
    limit: RateLimit = field(default_factory=lambda: RateLimit(limit=LIBRARY_RATE))
    last_job: str | None = None

    @classmethod
    def start(
        cls,
        retriever: Retriever,
        library: Library,
        open_store: OpenStore,
        *,
        access: Access | None = None,
        jobs: JobRunner | None = None,
    ) -> LibraryService:
        """Wrap a retriever loaded over default corpus + ``library`` for serving."""
        serial = SerialEncoder(retriever.encoder)
        live = LiveRetriever(
            retriever.with_encoder(serial),
            indexed={e.doc_id: e.key for e in library.entries()},
            revision=library.revision(),
        )
        return cls(library, live, open_store, serial, access or Access(), jobs or JobRunner())

    # --- who may --------------------------------------------------------------------------

    def refusal(self, username: str | None) -> str | None:
        """Why ``username`` may not change the library (Chinese), or None."""
        return refusal(self.access, username)

    def visible_to(self, username: str | None) -> bool:
        """With a login, only administrators see the tab; otherwise everyone (read-only
        when :meth:`refusal` says so)."""
        return self.access.login is None or self.refusal(username) is None

    def _allow(self, username: str | None) -> None:
        problem = check_action(self.access, self.limit, username)
        if problem:
            raise Refused(problem)

    # --- changes --------------------------------------------------------------------------

    def check(self, data: bytes, name: str, username: str | None = None) -> Draft:
        """A checked upload (nothing stored); :class:`Refused` with the Chinese reason."""
        if self.refusal(username):
            raise Refused(self.refusal(username))
        try:
            return self.library.check(data, name)
        except (IngestError, LibraryError) as error:
            raise Refused(message_of(error, name)) from None

    def check_file(self, path: str, name: str, username: str | None = None) -> Draft:
        """:meth:`check` of an uploaded file, refusing one over the size limit unread."""
        cap = limits().max_file_bytes
        try:
            with open(path, "rb") as handle:
                data = handle.read(cap + 1)
        except OSError:
            raise Refused(msg.LIB_ERRORS["unreadable"].format(name=name)) from None
        if len(data) > cap:
            raise Refused(message_of(IngestError("too-large", name), name))
        return self.check(data, name, username)

    def add(self, draft: Draft, fields: dict[str, Any], username: str | None = None) -> Entry:
        self._allow(username)
        entry = self._do(self.library.add, draft, fields, name=draft.name)
        self.reindex(username)
        return entry

    def edit(self, doc_id: str, fields: dict[str, Any], username: str | None = None) -> Entry:
        self._allow(username)
        entry = self._do(self.library.edit, doc_id, fields)
        self.reindex(username)
        return entry

    def retire(self, doc_id: str, username: str | None = None, *, undo: bool = False) -> Entry:
        return self.edit(doc_id, {"status": CURRENT if undo else REPEALED}, username)

    def replace(self, doc_id: str, draft: Draft, username: str | None = None) -> Entry:
        self._allow(username)
        entry = self._do(self.library.replace, doc_id, draft, name=draft.name)
        self.reindex(username)
        return entry

    def remove(self, doc_id: str, username: str | None = None) -> Entry:
        self._allow(username)
        entry = self._do(self.library.remove, doc_id)
        self.reindex(username)
        return entry

    @staticmethod
    def _do(action: Callable[..., Entry], *args: Any, name: str = "") -> Entry:
        try:
            return action(*args)
        except (IngestError, LibraryError) as error:
            raise Refused(message_of(error, name)) from None

    # --- the background re-index ------------------------------------------------------------

    def reindex(self, username: str | None = None) -> Job | None:
        """Queue a re-index unless one is already waiting (it will see this change too)."""
        waiting = [j for j in self.jobs.active(REINDEX) if j.state == "queued"]
        if waiting:
            return waiting[0]
        try:
            job = self.jobs.submit(REINDEX, _reindex, self, owner=username)
        except JobRefused:
            return None  # the runner is full or closing; sync() retries on the next tick
        self.last_job = job.id
        return job

    def sync(self) -> None:
        """Queue a re-index when the library changed behind the page (``python -m corpus``)."""
        if self.library.revision() != self.live.revision and not self.jobs.active(REINDEX):
            self.reindex()

    def current_job(self) -> Job | None:
        """The running (else first waiting, else last) re-index job."""
        active = self.jobs.active(REINDEX)
        if active:
            return active[0]
        return self.jobs.get(self.last_job) if self.last_job else None

    def up_to_date(self) -> bool:
        return not self.jobs.active(REINDEX) and self.live.revision == self.library.revision()

    def wait_indexed(self, timeout: float = 120.0) -> bool:
        """Block until every change is indexed (for scripts and tests); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sync()
            if self.up_to_date():
                return True
            time.sleep(0.1)
        return False


def _reindex(progress: Callable[[float, str], None], service: LibraryService) -> dict[str, int]:
    """The job: load default corpus + library, update the index (embedding only new or
    changed clauses), serve a retriever over it."""
    library, live = service.library, service.live
    revision = library.revision()
    entries = library.entries()
    progress(0.02, msg.PROGRESS_LOADING)
    corpus = library.corpus()
    known = {(c.id, c.text) for c in live.current.clauses}
    expected = sum(1 for c in corpus.clauses if (c.id, c.text) not in known)

    def report(done: int, total: int) -> None:
        progress(0.05 + 0.85 * done / max(total, 1),
                 msg.PROGRESS_EMBEDDING.format(done=done, total=total))  # fmt: skip

    progress(0.05, msg.PROGRESS_BUILDING)
    backend = service.open_store(corpus, CountingEncoder(service.encoder, expected, report))
    progress(0.95, msg.PROGRESS_SWAP)
    live.swap(
        Retriever(backend, service.encoder, corpus),
        indexed={e.doc_id: e.key for e in entries},
        revision=revision,
    )
    embedded = int(getattr(backend, "embedded", expected))
    return {"clauses": len(corpus.clauses), "embedded": embedded}
