"""The index folder's ``manifest.json``: what it records and how a folder is checked against it.

The manifest is written last, after every data file, and lists each file's size and sha256,
so a folder whose manifest verifies is complete and untouched: a truncated ``vectors.npy``,
a garbage ``faiss.index`` or a half-written build are all caught before anything is loaded.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from corpus.clause import Clause

#: Bump when the folder layout or the meaning of a field changes; older folders are rebuilt.
FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.json"

#: Libraries whose versions decide what is in the folder (and so are worth knowing later).
_LIBRARIES = ("faiss-cpu", "bm25s", "jieba", "sentence-transformers", "torch", "numpy")


class IndexProblem(Exception):
    """Why a stored index cannot be used; the index is then rebuilt from scratch.

    ``corrupted`` is true when the folder is damaged (missing, truncated, altered or
    unparseable files) and false when it is sound but was built for another model or
    format version — the log line says which.
    """

    def __init__(self, reason: str, *, corrupted: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.corrupted = corrupted


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def clauses_fingerprint(clauses: Iterable[Clause]) -> str:
    """sha256 over clause ids and texts, in order: changes when any clause is added,
    removed, reordered or re-worded."""
    digest = hashlib.sha256()
    for clause in clauses:
        digest.update(clause.id.encode())
        digest.update(b"\0")
        digest.update(clause.text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def records_fingerprint(clauses: Iterable[Clause]) -> str:
    """sha256 over the full clause records (metadata included), so a corrected province or
    year in the corpus manifest refreshes the stored clauses even when no text changed."""
    digest = hashlib.sha256()
    for clause in clauses:
        digest.update(json.dumps(clause.to_dict(), ensure_ascii=False, sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def document_fingerprints(clauses: Sequence[Clause]) -> dict[str, str]:
    """:func:`clauses_fingerprint` of each document's clauses, by doc_id."""
    by_doc: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_doc.setdefault(clause.doc.doc_id, []).append(clause)
    return {doc_id: clauses_fingerprint(group) for doc_id, group in by_doc.items()}


def library_versions(names: Iterable[str] = _LIBRARIES) -> dict[str, str]:
    """``{distribution: version}`` of ``names`` (by default, those an index depends on);
    ``"not installed"`` for a missing one."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe_files(folder: Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{relative name: {"bytes": size, "sha256": digest}}`` of the data files."""
    return {
        name: {"bytes": (folder / name).stat().st_size, "sha256": sha256_file(folder / name)}
        for name in sorted(names)
    }


def make_manifest(
    folder: Path,
    *,
    clauses: Sequence[Clause],
    model: str,
    dim: int,
    tokenizer: dict[str, Any],
    dense_kind: str,
    data_files: Iterable[str],
    counts: dict[str, int],
    timings: dict[str, float],
    passage_text: str,
) -> dict[str, Any]:
    """The manifest of a folder whose data files are all written."""
    return {
        "format_version": FORMAT_VERSION,
        "model": model,
        "dim": dim,
        "passage_text": passage_text,
        "tokenizer": tokenizer,
        "corpus_fingerprint": clauses_fingerprint(clauses),
        "records_fingerprint": records_fingerprint(clauses),
        "documents": document_fingerprints(clauses),
        "dense_kind": dense_kind,
        "counts": {"clauses": len(clauses), **counts},
        "libraries": library_versions(),
        "python": platform.python_version(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": {name: round(value, 3) for name, value in timings.items()},
        "files": describe_files(folder, data_files),
    }


def read_manifest(folder: Path) -> dict[str, Any]:
    """The parsed manifest; :class:`IndexProblem` when it is missing or not a JSON object."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise IndexProblem(f"{MANIFEST_FILE} is missing")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexProblem(f"{MANIFEST_FILE} cannot be parsed ({error})") from error
    if not isinstance(manifest, dict):
        raise IndexProblem(f"{MANIFEST_FILE} is not a JSON object")
    return manifest


def check_manifest(
    manifest: dict[str, Any], folder: Path, *, model: str, dim: int, required: Iterable[str]
) -> None:
    """Raise :class:`IndexProblem` unless the manifest is current, from this model, and
    every data file (at least ``required``) is present with its recorded size and sha256."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexProblem(
            f"it has format version {manifest.get('format_version')!r}, not {FORMAT_VERSION}",
            corrupted=False,
        )
    if manifest.get("model") != model or manifest.get("dim") != dim:
        raise IndexProblem(
            f"it was built with model {manifest.get('model')!r} ({manifest.get('dim')} dims), "
            f"not the current {model!r} ({dim} dims)",
            corrupted=False,
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise IndexProblem(f"{MANIFEST_FILE} lists no data files")
    unlisted = sorted(set(required) - set(files))
    if unlisted:
        raise IndexProblem(f"{MANIFEST_FILE} does not list {', '.join(unlisted)}")
    for name, expected in files.items():
        check_file(folder, name, expected)


def check_file(folder: Path, name: str, expected: dict[str, Any]) -> None:
    path = folder / name
    if not path.is_file():
        raise IndexProblem(f"{name} is missing")
    size = path.stat().st_size
    want = expected.get("bytes")
    if size != want:
        what = "truncated" if isinstance(want, int) and size < want else "the wrong size"
        raise IndexProblem(f"{name} is {what} (expected {want} bytes, found {size})")
    if sha256_file(path) != expected.get("sha256"):
        raise IndexProblem(f"{name} does not match its recorded sha256 (contents changed)")
