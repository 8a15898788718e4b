"""Loading a folder of documents into a :class:`~corpus.clause.Corpus`.

Per document: read (any supported format and encoding) → clean → repair mojibake → parse the
structure → split long clauses → :class:`~corpus.clause.Clause` records. A document that fails
becomes a :class:`~corpus.clause.LoadError` and the rest of the folder still loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from corpus.articles import split_article
from corpus.clause import Clause, Corpus, DocMeta, LoadError
from corpus.cleaning import CleanText, clean_text
from corpus.lawtext import count_articles, parse_law_structure
from corpus.metadata import ManifestError, document_meta, load_manifest
from corpus.mojibake import repair_mojibake
from corpus.reading import SUPPORTED_SUFFIXES, DocumentReadError, read_document
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
    """The files of ``folder`` the loader reads, sorted by name: supported suffixes only,
    the manifest and hidden files left out."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.name != MANIFEST_NAME
        and not p.name.startswith(".")
        and p.suffix.lower() in SUPPORTED_SUFFIXES
    )


#: What ``laws`` may be besides law names (see :func:`corpus.laws.load_laws`).
LAW_SELECTIONS = ("default", "all", "none")


def load_corpus(
    folder: Path | None = None,
    *,
    progress: bool = False,
    laws: str | Sequence[str] | None = None,
) -> Corpus:
    """Load every supported document in ``folder`` (default: :data:`DEFAULT_CORPUS_DIR`),
    followed by the national laws ``laws`` selects.

    ``laws`` is ``"default"`` (corpus/laws.json), ``"all"``, ``"none"`` or law names; left
    at ``None`` it is ``"default"`` for the shipped corpus and ``"none"`` for another folder
    (a user's own folder holds what they chose). Every version of a selected law is loaded,
    superseded ones included: whether those answer is the search scope's business.

    Clauses come in file-name order, then document order, then laws. Ids are unique and
    identical across runs; no two clauses have the same text (whitespace-normalised; the
    first is kept). A missing folder, an empty one, a bad file or an unknown law name gives
    a :class:`LoadError` instead of an exception, so a caller can show what went wrong next
    to what did load.
    """
    documents, errors = load_documents(folder, progress=progress)
    clauses = tuple(c for doc in documents for c in doc.clauses)
    law_clauses, law_errors = law_clauses_of(law_selection(folder, laws))
    return Corpus(clauses + law_clauses, tuple(errors + law_errors))


def law_selection(folder: Path | None, laws: str | Sequence[str] | None) -> str | Sequence[str]:
    """``laws`` as given, or its default: the default laws beside the shipped corpus, none
    beside a folder of the user's own."""
    if laws is not None:
        return laws
    return "default" if folder is None else "none"


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
    folder: Path | None = None, *, progress: bool = False
) -> tuple[list[LoadedDocument], list[LoadError]]:
    """Load a folder document by document (what the CLI table shows); see :func:`load_corpus`."""
    folder = Path(folder) if folder is not None else DEFAULT_CORPUS_DIR
    if not folder.is_dir():
        return [], [LoadError(str(folder), f"not a folder: {folder}")]
    errors: list[LoadError] = []
    try:
        manifest = load_manifest(folder)
    except (ManifestError, OSError) as exc:  # the documents still load, without it
        manifest = {}
        errors.append(LoadError(str(folder / MANIFEST_NAME), f"manifest ignored: {exc}"))
    files = document_files(folder)
    if not files:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        errors.append(LoadError(str(folder), f"no documents ({supported}) in {folder}"))
        return [], errors
    documents: list[LoadedDocument] = []
    for path in tqdm(files, desc="loading", unit="doc", disable=not progress):
        try:
            documents.append(load_document(path, manifest.get(path.name)))
        except DocumentReadError as exc:
            errors.append(LoadError(str(path), str(exc)))
        except Exception as exc:  # one broken document must not take the corpus down
            errors.append(LoadError(str(path), f"cannot load {path.name}: {exc}"))
    return _deduplicated(documents), errors


def load_document(path: Path, manifest_entry: dict | None = None) -> LoadedDocument:
    """Read, clean, repair, parse and split one document; raises DocumentReadError when the
    file cannot be read and ValueError when it holds no clause."""
    raw = read_document(path)
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


def _deduplicated(documents: list[LoadedDocument]) -> list[LoadedDocument]:
    """Drop clauses whose text repeats an earlier clause (whitespace-normalised) and make ids
    unique across the corpus: a repeated id (two files with one doc_id, a document that
    numbers two blocks alike) gets ``_2``, ``_3`` … in load order, so it is stable."""
    seen_texts: set[str] = set()
    seen_ids: set[str] = set()
    result = []
    for doc in documents:
        kept: list[Clause] = []
        dropped: list[str] = []
        for clause in doc.clauses:
            key = re.sub(r"\s+", " ", clause.text).strip()
            if key in seen_texts:
                dropped.append(clause.id)
                continue
            seen_texts.add(key)
            clause_id, n = clause.id, 1
            while clause_id in seen_ids:
                n += 1
                clause_id = f"{clause.id}_{n}"
            seen_ids.add(clause_id)
            kept.append(clause if clause_id == clause.id else replace(clause, id=clause_id))
        result.append(replace(doc, clauses=tuple(kept), dropped=tuple(dropped)))
    return result
