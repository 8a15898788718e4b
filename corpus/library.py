"""The user's document library: a folder outside the repository, next to the default corpus.

The shipped default corpus (``corpus/documents``) is read-only and always loads; the
library holds what users add, in a folder of their own (``--library DIR``,
``$POLICY_QA_LIBRARY``, default ``$XDG_DATA_HOME/policy-qa/library``)::

    manifest.json               the corpus manifest format, plus what the library records:
                                original name, sha256, content fingerprint, size, added/
                                updated times, version, where each field came from, counts
    lib-1a2b3c4d5e-v1.docx      each document under a generated name (never the uploaded one)
    .lock                       held (flock) while the library is written
    .orphans/                   files found on start that no manifest entry names

Every write is atomic (:mod:`common.atomic`) and ordered so that a crash at any moment
leaves a consistent library: a new file is written before the manifest names it, a removed
one is unlisted before it is deleted. The only debris a crash can leave is a file no entry
names (or a temporary file); :meth:`Library.recover`, run on every open, moves such files to
``.orphans/`` (nothing a user uploaded is deleted) and says so.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import atomic
from corpus.clause import STATUSES, Corpus, LoadError
from corpus.ingest import FORM_FIELDS, Draft, IngestError, inspect_upload
from corpus.loader import (
    DEFAULT_CORPUS_DIR,
    LoadedDocument,
    law_clauses_of,
    law_selection,
    load_documents,
    merge_documents,
)
from corpus.metadata import MANIFEST_NAME, ManifestError, load_manifest
from corpus.places import provinces_mentioned
from corpus.script import to_simplified

LIBRARY_ENV = "POLICY_QA_LIBRARY"
LOCK_NAME = ".lock"
ORPHANS = ".orphans"
#: The fields of an entry that change what is indexed or how it is cited.
_INDEXED_FIELDS = (*FORM_FIELDS, "file", "sha256")


def default_library_dir(environ: dict[str, str] | None = None) -> Path:
    """``$POLICY_QA_LIBRARY``, else ``$XDG_DATA_HOME/policy-qa/library``, else
    ``~/.local/share/policy-qa/library``: the user's data, never inside the repository."""
    env = os.environ if environ is None else environ
    if env.get(LIBRARY_ENV):
        return Path(env[LIBRARY_ENV]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "policy-qa" / "library"


class LibraryError(ValueError):
    """A library operation refused (unknown document, duplicate, bad metadata …); ``code`` is
    stable for the page's Chinese message, ``str()`` the English detail."""

    def __init__(self, code: str, detail: str, **info: Any) -> None:
        self.code = code
        self.detail = detail
        self.info = info
        super().__init__(detail)


@dataclass(frozen=True)
class Entry:
    """One library document as its manifest entry records it."""

    data: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    @property
    def key(self) -> str:
        """A fingerprint of what the index holds for this document: a change of file,
        metadata or status changes it, so the page knows the index is behind."""
        wanted = {name: self.data.get(name) for name in _INDEXED_FIELDS}
        return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:16]


class Library:
    """The library folder (see the module doc). Safe to share between the threads of one
    process and between processes (the page and ``python -m corpus``): writes hold a
    thread lock and an ``flock`` on ``.lock``."""

    #: Called (if set) after a new file is written and before the manifest names it: the
    #: seam a crash test uses to kill the process at the worst moment.
    after_file_written: Callable[[Path], None] | None = None

    def __init__(
        self,
        folder: Path | None = None,
        *,
        default_dir: Path | None = None,
        laws: str | Sequence[str] | None = None,
    ) -> None:
        self.folder = Path(folder) if folder is not None else default_library_dir()
        self.default_dir = Path(default_dir) if default_dir is not None else DEFAULT_CORPUS_DIR
        #: The national laws indexed with it (see :func:`corpus.loader.load_corpus`).
        self.laws = laws
        self._lock = threading.RLock()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.recovered: list[str] = self.recover()

    # --- reading ------------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_NAME

    def entries(self) -> list[Entry]:
        """Every document of the library, in the order added."""
        return [Entry(dict(e)) for e in self._read()]

    def entry(self, doc_id: str) -> Entry:
        for entry in self.entries():
            if entry.doc_id == doc_id:
                return entry
        raise LibraryError("unknown-doc", f"no library document {doc_id!r}", doc_id=doc_id)

    def listed_files(self) -> list[str]:
        """The stored file names the manifest lists."""
        return [e["file"] for e in self._read()]

    def revision(self) -> str:
        """A fingerprint of the manifest: changes whenever the library does."""
        try:
            return hashlib.sha256(self.manifest_path.read_bytes()).hexdigest()[:16]
        except FileNotFoundError:
            return "empty"

    def documents(self) -> tuple[list[LoadedDocument], list[LoadError]]:
        """The library's documents, loaded as the loader loads any folder (its own hidden
        ``.lock``/``.orphans`` left out of the errors)."""
        if not self._read():
            return [], []
        docs, errors = load_documents(self.folder)
        hidden = (str(self.folder / LOCK_NAME), str(self.folder / ORPHANS))
        return docs, [e for e in errors if e.path not in hidden]

    def corpus(self) -> Corpus:
        """Default corpus + library: what the retriever indexes."""
        return load_with_library(self.default_dir, self, laws=self.laws)

    # --- writing ------------------------------------------------------------------------

    def check(self, data: bytes, name: str) -> Draft:
        """:func:`corpus.ingest.inspect_upload`, plus the duplicate check against the library
        (and the default corpus's files): the same bytes or the same text, in any encoding."""
        draft = inspect_upload(data, name)
        self._refuse_duplicate(draft)
        return draft

    def add(self, draft: Draft, fields: dict[str, Any] | None = None) -> Entry:
        """Store a checked upload with its confirmed (or corrected) metadata."""
        values, sources = self._fields(draft, fields)
        with self._writing():
            self._refuse_duplicate(draft)
            entries = self._read()
            doc_id = "lib-" + draft.sha256[:10]
            now = _now()
            entry = {
                "doc_id": doc_id,
                "file": f"{doc_id}-v1{draft.suffix}",
                **values,
                "original_name": draft.name,
                "sha256": draft.sha256,
                "fingerprint": draft.fingerprint,
                "size": len(draft.data),
                "version": 1,
                "added": now,
                "updated": now,
                "sources": sources,
                "report": {"clauses": draft.report.counts["clauses"], "flags": draft.report.flags},
            }
            self._store_file(entry["file"], draft.data)
            self._write([*entries, entry])
        return Entry(entry)

    def edit(self, doc_id: str, fields: dict[str, Any]) -> Entry:
        """Change a document's metadata (only the fields given); its file stays."""
        with self._writing():
            entries = self._read()
            at = self._index(entries, doc_id)
            entry = dict(entries[at])
            for name, value in _clean_fields(fields).items():
                if entry.get(name) != value:
                    entry[name] = value
                    entry.setdefault("sources", {})[name] = "user" if value else "unknown"
            entry["updated"] = _now()
            entries[at] = entry
            self._write(entries)
        return Entry(entry)

    def set_status(self, doc_id: str, status: str) -> Entry:
        """Mark a document 已废止 (kept, hidden from default search) or back 现行有效 …"""
        return self.edit(doc_id, {"status": status})

    def replace(self, doc_id: str, draft: Draft, fields: dict[str, Any] | None = None) -> Entry:
        """A new version of a document: new file, same doc_id (so its clause ids, and the
        vectors of unchanged clauses, carry over); metadata kept unless ``fields`` says."""
        with self._writing():
            self._refuse_duplicate(draft)
            entries = self._read()
            at = self._index(entries, doc_id)
            old = dict(entries[at])
            version = int(old.get("version", 1)) + 1
            entry = {
                **old,
                **_clean_fields(fields or {}),
                "file": f"{doc_id}-v{version}{draft.suffix}",
                "original_name": draft.name,
                "sha256": draft.sha256,
                "fingerprint": draft.fingerprint,
                "size": len(draft.data),
                "version": version,
                "updated": _now(),
                "report": {"clauses": draft.report.counts["clauses"], "flags": draft.report.flags},
            }
            self._store_file(entry["file"], draft.data)
            entries[at] = entry
            self._write(entries)
            (self.folder / old["file"]).unlink(missing_ok=True)
        return Entry(entry)

    def remove(self, doc_id: str) -> Entry:
        """Delete a document: unlisted first, then its file removed."""
        with self._writing():
            entries = self._read()
            at = self._index(entries, doc_id)
            gone = entries.pop(at)
            self._write(entries)
            (self.folder / gone["file"]).unlink(missing_ok=True)
        return Entry(gone)

    def recover(self) -> list[str]:
        """Make the folder consistent after a crash; one English line per thing done.

        Temporary files of an interrupted atomic write are removed (they never held the
        truth); a document file no entry names is moved to ``.orphans/``; an entry whose file
        is missing is reported (the loader reports it too) and left for the user to remove.
        """
        done: list[str] = []
        with self._writing():
            try:
                entries = self._read()
            except LibraryError as error:
                return [str(error)]
            listed = {e["file"] for e in entries}
            for path in sorted(self.folder.iterdir()):
                name = path.name
                if name in (MANIFEST_NAME, LOCK_NAME, ORPHANS) or name in listed:
                    continue
                if not path.is_file() or path.is_symlink():
                    continue
                if name.startswith(".") and ".tmp" in name:
                    path.unlink()
                    done.append(f"removed {name}, left by an interrupted write")
                    continue
                orphans = self.folder / ORPHANS
                orphans.mkdir(exist_ok=True)
                os.replace(path, orphans / name)
                done.append(f"moved {name} to {ORPHANS}/: no manifest entry names it")
            for name in sorted(listed):
                if not (self.folder / name).is_file():
                    done.append(f"the manifest lists {name}, which is missing")
        return done

    # --- internals ----------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._lock, open(self.folder / LOCK_NAME, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self) -> list[dict[str, Any]]:
        if not self.manifest_path.exists():
            return []
        try:
            load_manifest(self.folder)  # the loader's own checks: shape, years, doc ids
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (ManifestError, ValueError) as error:
            raise LibraryError("bad-manifest", f"library manifest unusable: {error}") from None
        return [dict(e) for e in data.get("documents", [])]

    def _write(self, entries: list[dict[str, Any]]) -> None:
        atomic.write_json(self.manifest_path, {"version": 1, "documents": entries})

    def _store_file(self, name: str, data: bytes) -> None:
        target = self.folder / name
        atomic.write_bytes(target, data)
        hook = type(self).after_file_written
        if hook is not None:
            hook(target)

    @staticmethod
    def _index(entries: list[dict[str, Any]], doc_id: str) -> int:
        for at, entry in enumerate(entries):
            if entry.get("doc_id") == doc_id:
                return at
        raise LibraryError("unknown-doc", f"no library document {doc_id!r}", doc_id=doc_id)

    def _refuse_duplicate(self, draft: Draft) -> None:
        for entry in self._read():
            same = entry.get("sha256") == draft.sha256 or (
                entry.get("fingerprint") == draft.fingerprint
            )
            if same:  # also the document being replaced: a "new version" that is the same
                raise LibraryError(
                    "duplicate",
                    f"{draft.name} has the same content as {entry.get('original_name')!r} "
                    f"({entry['doc_id']})",
                    title=entry.get("title") or entry.get("original_name"),
                )
        for path in sorted(self.default_dir.iterdir()) if self.default_dir.is_dir() else ():
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == draft.sha256:
                raise LibraryError(
                    "duplicate", f"{draft.name} is the default corpus's {path.name}",
                    title=path.name,
                )  # fmt: skip

    def _fields(
        self, draft: Draft, fields: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The metadata to store and where each field came from: ``inferred`` (prefilled and
        confirmed), ``user`` (typed or corrected), ``unknown`` (left empty)."""
        given = _clean_fields({**draft.fields, **(fields or {})})
        inferred = _clean_fields(draft.fields)
        values = {name: given.get(name, "" if name != "year" else None) for name in FORM_FIELDS}
        if not values["title"]:
            values["title"] = Path(draft.name).stem
        sources = {}
        for name in FORM_FIELDS:
            if name == "status":
                continue
            value = values[name]
            if value in (None, ""):
                sources[name] = "unknown"
            elif value == inferred.get(name):
                sources[name] = "inferred"
            else:
                sources[name] = "user"
        return values, sources


def load_with_library(
    default_dir: Path | None,
    library: Library | None,
    *,
    laws: str | Sequence[str] | None = None,
) -> Corpus:
    """The default corpus, the library's documents and the selected national laws (see
    :func:`corpus.loader.load_corpus` for ``laws``) as one :class:`Corpus`."""
    folder = Path(default_dir) if default_dir is not None else DEFAULT_CORPUS_DIR
    documents, errors = load_documents(folder)
    listed = set(_listed(folder))
    if library is not None:
        extra, extra_errors = library.documents()
        documents, errors = documents + extra, errors + extra_errors
        listed |= set(library.listed_files())
    documents, repeats = merge_documents(documents, listed)
    clauses = tuple(c for doc in documents for c in doc.clauses)
    law_clauses, law_errors = law_clauses_of(law_selection(default_dir, laws))
    return Corpus(clauses + law_clauses, tuple(errors + repeats + law_errors))


def _listed(folder: Path) -> list[str]:
    try:
        return list(load_manifest(folder))
    except (ManifestError, OSError):
        return []


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Form values checked and normalised: year an integer (or None), province a full name,
    status one of the statuses, text stripped; :class:`LibraryError` (``bad-field``)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in FORM_FIELDS:
            continue
        if name == "year":
            out[name] = _year(value)
        elif name == "province":
            out[name] = _province(value)
        elif name == "status":
            status = str(value or "").strip() or STATUSES[0]
            if status not in STATUSES:
                raise LibraryError("bad-field", f"status must be one of {STATUSES}", field=name)
            out[name] = status
        else:
            out[name] = str(value or "").strip()
    return out


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(float(str(value).strip().removesuffix("年")))
    except ValueError:
        raise LibraryError("bad-field", f"year {value!r} is not a number", field="year") from None
    if not 1949 <= year <= 2100:
        raise LibraryError("bad-field", f"year {year} is out of range", field="year")
    return year


def _province(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    found = set(provinces_mentioned(to_simplified(text)))
    if len(found) != 1:
        raise LibraryError("bad-field", f"{text!r} is not one province", field="province")
    return found.pop()


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


__all__ = ["Draft", "Entry", "IngestError", "Library", "LibraryError", "default_library_dir"]
