"""Loading a folder of documents into a :class:`~corpus.clause.Corpus`.

Per document: read (any supported format and encoding) → clean → repair mojibake → parse the
structure → split long clauses → :class:`~corpus.clause.Clause` records. A document that fails
becomes a :class:`~corpus.clause.LoadError` and the rest of the folder still loads.

The folder is untrusted input: only regular files directly in it are read (never a symbolic
link, a sub-folder, a FIFO or a device), each within the size limits of
:mod:`common.limits`; a name from the folder or the manifest is only ever matched against the
folder's own listing, never opened as a path. Every file left out is reported, with why.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from common.limits import Limits, limits
from corpus.articles import split_article
from corpus.clause import Clause, Corpus, DocMeta, LoadError
from corpus.cleaning import CleanText, clean_text
from corpus.lawtext import count_articles, parse_law_structure
from corpus.metadata import ManifestError, document_meta, load_manifest
from corpus.mojibake import repair_mojibake
from corpus.reading import SUPPORTED_SUFFIXES, DocumentReadError, file_kind, read_document
from corpus.script import to_simplified
from corpus.splitting import MAX_CLAUSE_CHARS, split_spans
from corpus.structure import Segment, Structure, parse_structure

#: The default corpus shipped with the project (the five seed documents and their manifest).
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent / "documents"

MANIFEST_NAME = "manifest.json"

Span = tuple[int, int]


@dataclass(frozen=True)
class LoadedDocument:
    """One document as loaded: its metadata, clean text (what clause offsets refer to), the
    cleaning report, the mojibake spans, the parse and its final clauses; ``dropped`` holds
    the ids of clauses left out because an earlier clause has the same text."""

    path: Path
    meta: DocMeta
    text: str
    cleaning: CleanText
    repaired: tuple[Span, ...]
    unrepaired: tuple[Span, ...]
    structure: Structure
    clauses: tuple[Clause, ...]
    dropped: tuple[str, ...] = ()


def document_files(folder: Path) -> list[Path]:
    """The files of ``folder`` the loader reads, sorted by name (see :func:`scan_folder`)."""
    return scan_folder(folder)[0]


def scan_folder(folder: Path) -> tuple[list[Path], list[LoadError]]:
    """The regular files of ``folder`` with a supported suffix, sorted by name, and a
    :class:`LoadError` for every other entry saying why it is not read (the manifest
    excepted). Entries are examined without following links (``lstat``)."""
    files: list[Path] = []
    skipped: list[LoadError] = []
    with os.scandir(folder) as entries:
        listing = sorted(entries, key=lambda e: e.name)
    for entry in listing:
        path = folder / entry.name
        if entry.name == MANIFEST_NAME and entry.is_file(follow_symlinks=False):
            continue
        if entry.name.startswith("."):
            reason = "its name starts with '.', so it is treated as hidden and not read"
        elif (kind := file_kind(entry.stat(follow_symlinks=False).st_mode)) is not None:
            reason = f"it is {kind}; only regular files directly in the folder are read"
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            supported = ", ".join(SUPPORTED_SUFFIXES)
            reason = f"unsupported file type {path.suffix or '(no suffix)'!r} ({supported})"
        else:
            files.append(path)
            continue
        skipped.append(LoadError(str(path), f"skipped {entry.name!r}: {reason}"))
    return files, skipped


#: What ``laws`` may be besides law names (see :func:`corpus.laws.load_laws`).
LAW_SELECTIONS = ("default", "all", "none")


def load_corpus(
    folder: Path | None = None,
    *,
    progress: bool = False,
    laws: str | Sequence[str] | None = None,
    limits_: Limits | None = None,
) -> Corpus:
    """Load every supported document in ``folder`` (default: :data:`DEFAULT_CORPUS_DIR`),
    followed by the national laws ``laws`` selects.

    ``laws`` is ``"default"`` (corpus/laws.json), ``"all"``, ``"none"`` or law names; left
    at ``None`` it is ``"default"`` for the shipped corpus and ``"none"`` for another folder
    (a user's own folder holds what they chose). Every version of a selected law is loaded,
    superseded ones included: whether those answer is the search scope's business.

    Clauses come in file-name order, then document order, documents listed in the
    manifest first, then laws. Ids are unique and identical across runs; no two clauses
    have the same text (whitespace-normalised): a clause repeated in another file is kept
    in the listed document, else in the first file by name, and the copy is named in
    ``errors``. A missing folder, an empty one, a bad or skipped file or an unknown law
    name gives a :class:`LoadError` instead of an exception, so a caller can show what went
    wrong next to what did load.
    """
    documents, errors = load_documents(folder, progress=progress, limits_=limits_)
    clauses = tuple(c for doc in documents for c in doc.clauses)
    law_clauses, law_errors = law_clauses_of(law_selection(folder, laws))
    return Corpus(clauses + law_clauses, tuple(errors + law_errors))


def law_selection(folder: Path | None, laws: str | Sequence[str] | None) -> str | Sequence[str]:
    """``laws`` as given, or its default: the default laws beside the shipped corpus, none
    beside a folder of the user's own."""
    if laws is not None:
        return laws
    shipped = folder is None or Path(folder).resolve() == DEFAULT_CORPUS_DIR.resolve()
    return "default" if shipped else "none"


def law_clauses_of(
    selection: str | Sequence[str],
) -> tuple[tuple[Clause, ...], list[LoadError]]:
    """The clauses of the selected laws (all versions), or the error that stops them."""
    if isinstance(selection, str) and selection.strip().lower() in ("none", ""):
        return (), []
    from corpus.laws import LawSelectionError, load_laws

    try:
        return tuple(load_laws(selection, include_superseded=True)), []
    except LawSelectionError as exc:
        return (), [LoadError("laws", str(exc))]


def load_documents(
    folder: Path | None = None, *, progress: bool = False, limits_: Limits | None = None
) -> tuple[list[LoadedDocument], list[LoadError]]:
    """Load a folder document by document (what the CLI table shows); see :func:`load_corpus`."""
    folder = Path(folder) if folder is not None else DEFAULT_CORPUS_DIR
    if not folder.is_dir():
        return [], [LoadError(str(folder), f"not a folder: {folder}")]
    lim = limits_ or limits()
    errors: list[LoadError] = []
    try:
        manifest = load_manifest(folder)
    except (ManifestError, OSError) as exc:  # the documents still load, without it
        manifest = {}
        errors.append(LoadError(str(folder / MANIFEST_NAME), f"manifest ignored: {exc}"))
    files, skipped = scan_folder(folder)
    errors.extend(skipped)
    present = {p.name for p in files} | {Path(e.path).name for e in skipped}
    for name in manifest:
        if name not in present:
            errors.append(
                LoadError(
                    str(folder / MANIFEST_NAME),
                    f"the manifest lists {name!r}, which is not a file in the folder "
                    "(listed names are matched against the folder, never opened as paths)",
                )
            )
    if not files:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        errors.append(LoadError(str(folder), f"no documents ({supported}) in {folder}"))
        return [], errors
    documents: list[LoadedDocument] = []
    for path in tqdm(files, desc="loading", unit="doc", disable=not progress):
        try:
            documents.append(load_document(path, manifest.get(path.name), lim))
        except DocumentReadError as exc:
            errors.append(LoadError(str(path), str(exc)))
        except Exception as exc:  # one broken document must not take the corpus down
            errors.append(LoadError(str(path), f"cannot load {path.name}: {exc}"))
    documents, repeats = _deduplicated(documents, set(manifest))
    return documents, errors + repeats


def merge_documents(
    documents: list[LoadedDocument], listed: set[str]
) -> tuple[list[LoadedDocument], list[LoadError]]:
    """Documents loaded from several folders (the default corpus, then the user's library) as
    one corpus: clause texts repeated across them kept once, ids unique, repeats reported.
    ``listed`` are the file names some manifest lists (see :func:`_deduplicated`)."""
    return _deduplicated(documents, listed)


def load_document(
    path: Path, manifest_entry: dict | None = None, limits_: Limits | None = None
) -> LoadedDocument:
    """Read, clean, repair, parse and split one document; raises DocumentReadError when the
    file cannot be read (or is over a size limit) and ValueError when it holds no clause."""
    raw = read_document(path, limits_)
    cleaning = clean_text(raw)
    repair = repair_mojibake(cleaning.text)
    text = repair.text
    # Metadata is read off the raw text: a scraped page's 來源/發布時間 lines, which cleaning
    # removes from the document, are exactly where an unlisted page states issuer and date.
    meta = document_meta(path, raw, manifest_entry)
    # A 条例/办法 laid out in 第X条 articles is parsed as a law; everything else by numbering.
    if count_articles(text) >= 2:
        structure = parse_law_structure(text, meta.title)
    else:
        structure = parse_structure(text, meta.title)
    repaired = tuple(tuple(s) for s in repair.repaired)
    unrepaired = tuple(tuple(s) for s in repair.unrepaired)
    flags = _meta_flags(meta)
    clauses = [
        replace(c, flags=c.flags + _mojibake_flags(c.start, c.end, repaired, unrepaired))
        for segment in structure.segments
        for c in _clauses_of(segment, text, meta, flags)
    ]
    if not clauses:
        raise ValueError(f"{path.name} holds no text once cleaned")
    return LoadedDocument(
        path, meta, text, cleaning, repaired, unrepaired, structure, tuple(clauses)
    )


def _clauses_of(segment: Segment, text: str, meta: DocMeta, flags: tuple[str, ...]) -> list[Clause]:
    """The clause of a segment, or its parts when the segment is longer than the limit."""
    base_id = f"{meta.doc_id}:{'-'.join(segment.key)}"
    body = text[segment.start : segment.end]
    if segment.kind == "article":
        return _article_clauses(segment, body, base_id, meta, flags)
    spans = split_spans(body, MAX_CLAUSE_CHARS)
    clauses = []
    for part, (start, end) in enumerate(spans, start=1):
        piece = body[start:end]
        clauses.append(
            Clause(
                id=base_id if len(spans) == 1 else f"{base_id}~{part}",
                doc=meta,
                kind=segment.kind,
                item=segment.item,
                path=segment.path,
                text=piece,
                text_norm=to_simplified(piece),
                start=segment.start + start,
                end=segment.start + end,
                part=part,
                parts=len(spans),
                flags=flags,
            )
        )
    return clauses


def _article_clauses(
    segment: Segment, body: str, base_id: str, meta: DocMeta, flags: tuple[str, ...]
) -> list[Clause]:
    """An article and, when long, its 款/项 parts, each cited 第N条第M款 / 第（K）项."""
    return [
        Clause(
            id=f"{base_id}~{part.key}" if part.key else base_id,
            doc=meta,
            kind="article",
            item=segment.item + part.label,
            path=segment.path,
            text=body[part.start : part.end],
            text_norm=to_simplified(body[part.start : part.end]),
            start=segment.start + part.start,
            end=segment.start + part.end,
            part=part.piece,
            parts=part.pieces,
            flags=flags,
        )
        for part in split_article(body)
    ]


def _meta_flags(meta: DocMeta) -> tuple[str, ...]:
    """``province-inferred`` / ``province-unknown`` / ``year-…`` from where the metadata came."""
    flags = []
    for name, value in (("province", meta.province), ("year", meta.year)):
        source = meta.source_of(name)
        if not value or source == "unknown":
            flags.append(f"{name}-unknown")
        elif source == "inferred":
            flags.append(f"{name}-inferred")
    return tuple(flags)


def _mojibake_flags(
    start: int, end: int, repaired: Sequence[Span], unrepaired: Sequence[Span]
) -> tuple[str, ...]:
    flags = []
    if _overlaps(start, end, repaired):
        flags.append("mojibake-repaired")
    if _overlaps(start, end, unrepaired):
        flags.append("mojibake-unrepaired")
    return tuple(flags)


def _overlaps(start: int, end: int, spans: Iterable[Span]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _deduplicated(
    documents: list[LoadedDocument], listed: set[str]
) -> tuple[list[LoadedDocument], list[LoadError]]:
    """Drop clauses whose text repeats an earlier clause (whitespace-normalised) and make ids
    unique across the corpus; report every file that repeats another file's clauses.

    Documents listed in the manifest come first (in name order), then unlisted ones: a copy
    of a listed document (re-encoded, or named to sort first) never takes its clauses, ids
    or citations. Between two unlisted copies the first by name wins. A repeated id (two
    files with one doc_id, a document that numbers two blocks alike) gets ``_2``, ``_3`` …
    in that order, so it is stable.
    """
    ordered = sorted(documents, key=lambda d: d.path.name not in listed)  # stable
    owner_of_text: dict[str, int] = {}
    seen_ids: set[str] = set()
    result: list[LoadedDocument] = []
    reports: list[LoadError] = []
    for number, doc in enumerate(ordered):
        kept: list[Clause] = []
        dropped: list[str] = []
        repeats_of: dict[int, int] = {}
        for clause in doc.clauses:
            key = re.sub(r"\s+", " ", clause.text).strip()
            if key in owner_of_text:
                dropped.append(clause.id)
                owner = owner_of_text[key]
                if owner != number:
                    repeats_of[owner] = repeats_of.get(owner, 0) + 1
                continue
            owner_of_text[key] = number
            clause_id, n = clause.id, 1
            while clause_id in seen_ids:
                n += 1
                clause_id = f"{clause.id}_{n}"
            seen_ids.add(clause_id)
            kept.append(clause if clause_id == clause.id else replace(clause, id=clause_id))
        result.append(replace(doc, clauses=tuple(kept), dropped=tuple(dropped)))
        for owner, count in repeats_of.items():
            original = ordered[owner].path.name
            why = "listed in the manifest" if original in listed else "first by name"
            reports.append(
                LoadError(
                    str(doc.path),
                    f"{doc.path.name!r} repeats {count} of its {len(doc.clauses)} clauses from "
                    f"{original!r} ({why}); the repeats are left out of {doc.path.name!r}",
                )
            )
    return result, reports
