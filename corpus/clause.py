"""The clause: the one record that flows from the corpus through every later stage.

A clause is a numbered item (or a paragraph, a point, the cover notice …) of one document,
carrying the document's metadata and everything needed to cite it. Citations are formatted
from these fields, never re-parsed from text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: Where a metadata field's value came from.
Source = Literal["manifest", "inferred", "unknown"]

#: What part of a document a clause is. Only ``item``, ``leaf``, ``paragraph``, ``point`` and
#: ``article`` (第X条 of a law or regulation) are the body; the others are kept so nothing is
#: lost, but are not cited as items.
Kind = Literal[
    "notice", "preamble", "heading", "item", "leaf", "paragraph", "point", "closing", "article"
]

#: Validity (时效) of a document, as the national law database states it. 现行有效 and
#: 已被修改 (in force as amended: the 刑法) are searched by default; 历史版本 and 已废止 only
#: when asked for.
CURRENT = "现行有效"
AMENDED = "已被修改"
HISTORICAL = "历史版本"
REPEALED = "已废止"
STATUSES: tuple[str, ...] = (CURRENT, AMENDED, HISTORICAL, REPEALED)
IN_FORCE: tuple[str, ...] = (CURRENT, AMENDED)


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one document, shared by all its clauses.

    ``sources`` maps each field name (``province``, ``year``, ``title``, ``issuer``, ``date``,
    ``doc_type``) to where its value came from, as a tuple of pairs so the record stays hashable.
    """

    doc_id: str
    title: str
    province: str  # full name, e.g. "青海省"; "" when unknown
    year: int | None
    issuer: str = ""
    date: str = ""  # ISO date or a prefix of one ("2018-12"); "" when unknown
    doc_type: str = ""  # 工作要点 / 简报 / 会议报道 …
    source_file: str = ""  # the file the document was read from (name only)
    sources: tuple[tuple[str, Source], ...] = ()
    status: str = CURRENT  # one of STATUSES
    national: bool = False  # a national law or regulation: applies in every province
    effective_date: str = ""  # ISO date the text took effect; "" when unknown
    version_date: str = ""  # ISO date of this version (修正/修订), for superseded texts
    doc_number: str = ""  # 文号, e.g. 青安委〔2020〕1号; "" when the text has none

    @property
    def in_force(self) -> bool:
        """True for 现行有效 and 已被修改 texts: what a default search answers from."""
        return self.status in IN_FORCE

    def source_of(self, name: str) -> Source:
        return dict(self.sources).get(name, "unknown")

    @property
    def province_label(self) -> str:
        """What a card shows as the jurisdiction: 全国 for a national law, else the province."""
        return "全国" if self.national else (self.province or "省份不详")

    @property
    def province_short(self) -> str:
        """Province without its suffix (青海省 → 青海, 广西壮族自治区 → 广西)."""
        return short_province(self.province)


@dataclass(frozen=True)
class Clause:
    """One citable unit of a document.

    ``id`` is deterministic (document id + numbering path + part), so qrels and links survive
    rebuilds. ``text`` is the clean original text (original script); ``text_norm`` is its
    Simplified form (OpenCC t2s) used for matching only. ``start``/``end`` are character
    offsets of ``text`` in the cleaned document text.
    """

    id: str
    doc: DocMeta
    kind: Kind
    item: str  # the label a person cites: "四、第22项", "二、（三）4", "¶3·二是", "印发通知"
    path: tuple[str, ...]  # heading path, original script, outermost first
    text: str
    text_norm: str
    start: int
    end: int
    part: int = 1
    parts: int = 1
    flags: tuple[
        str, ...
    ] = ()  # e.g. "mojibake-repaired", "mojibake-unrepaired", "province-inferred"

    @property
    def province(self) -> str:
        return self.doc.province

    @property
    def year(self) -> int | None:
        return self.doc.year

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def citation(self) -> str:
        """The citation string shown with every answer, e.g. 【青海省·2020年·四、第22项】;
        an article of a law or regulation the way a lawyer writes it,
        【《中华人民共和国安全生产法》第二十一条第二款】, a superseded version with its date and
        status, a provincial regulation with its province."""
        if self.kind == "article":
            return f"【{article_source(self.doc)}{self.item}】"
        province = self.doc.province or "省份不详"
        year = f"{self.doc.year}年" if self.doc.year else "年份不详"
        return f"【{province}·{year}·{self.item}】"

    @property
    def label(self) -> str:
        """The item label with the part, when the item was split: "四、第22项（第2/3部分）"."""
        return self.item if self.parts == 1 else f"{self.item}（第{self.part}/{self.parts}部分）"

    @property
    def path_text(self) -> str:
        return " › ".join(self.path)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clause:
        doc = dict(data["doc"])
        doc["sources"] = tuple(tuple(pair) for pair in doc.get("sources", ()))
        return cls(
            **{
                **data,
                "doc": DocMeta(**doc),
                "path": tuple(data["path"]),
                "flags": tuple(data.get("flags", ())),
            }
        )


_PROVINCE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "特别行政区",
    "省",
    "市",
)


def version_note(doc: DocMeta) -> str:
    """（2021年4月29日版·历史版本） for a text that is not in force, "" otherwise."""
    if doc.in_force:
        return ""
    date = doc.version_date or doc.date
    parts = date.split("-")
    when = ""
    if parts and parts[0].isdigit():
        when = f"{parts[0]}年"
        if len(parts) > 1 and parts[1].isdigit():
            when += f"{int(parts[1])}月"
            if len(parts) > 2 and parts[2].isdigit():
                when += f"{int(parts[2])}日"
        when += "版·"
    return f"（{when}{doc.status}）"


def article_source(doc: DocMeta) -> str:
    """《title》 with the version note, prefixed by the province for a provincial regulation."""
    province = "" if doc.national or not doc.province else f"{doc.province}·"
    return f"{province}《{doc.title}》{version_note(doc)}"


def short_province(name: str) -> str:
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class LoadError:
    """A document that could not be read; the rest of the corpus still loads."""

    path: str
    message: str


@dataclass(frozen=True)
class Corpus:
    """The result of loading a folder: its clauses, in document order, and any errors."""

    clauses: tuple[Clause, ...]
    errors: tuple[LoadError, ...] = field(default=())

    def by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}
