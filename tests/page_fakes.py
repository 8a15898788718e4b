"""Hand-built clauses and a small fake retriever for the page's unit tests.

The fake has the methods of ``retriever.Retriever`` that the page calls, matches by shared
character bigrams (Simplified on both sides, like the real one), and records every search
so tests can check which filters the page asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.clause import Clause, DocMeta
from corpus.script import to_simplified
from retriever.hit import Hit, SearchResult
from retriever.prepare import PreparedQuery, prepare_query

QINGHAI = DocMeta(doc_id="qinghai-2020", title="青海省安全生产委员会2020年工作要点",
                  province="青海省", year=2020)  # fmt: skip
YUNNAN = DocMeta(doc_id="yunnan-2019", title="云南省安全生產委員會2019年度安全生產工作要點",
                 province="云南省", year=2019)  # fmt: skip
ZHEJIANG = DocMeta(doc_id="zhejiang-2021", title="2021年浙江省應急管理工作要點",
                   province="浙江省", year=2021)  # fmt: skip


def clause(doc: DocMeta, item: str, text: str, start: int, path: tuple[str, ...] = ()) -> Clause:
    return Clause(
        id=f"{doc.doc_id}:{item}", doc=doc, kind="item", item=item, path=path, text=text,
        text_norm=to_simplified(text), start=start, end=start + len(text),
    )  # fmt: skip


QH14 = clause(QINGHAI, "第14项", "14.深化电气火灾综合治理。开展电动自行车停放充电专项整治。", 100,
              ("三、强化重点行业领域专项整治",))  # fmt: skip
QH15 = clause(QINGHAI, "第15项",
              "15.深入开展打通“生命通道”安全防护行动。全面开展建筑内部及周边道路消防车通道"
              "安全隐患排查整治，严格按照标准划设消防车通道标志标线。", 200,
              ("三、强化重点行业领域专项整治",))  # fmt: skip
QH16 = clause(QINGHAI, "第16项", "16.加强烟花爆竹零售店安全管理，严禁在居民住宅内储存烟花爆竹。", 300,
              ("三、强化重点行业领域专项整治",))  # fmt: skip
YN = clause(YUNNAN, "二、（三）4", "4.打通消防車通道。開展高層建築消防車通道專項整治，確保暢通。", 50,
            ("二、深化專項整治", "（三）消防安全"))  # fmt: skip
ZJ = clause(ZHEJIANG, "二、（一）1", "1.危化品整治<script>alert('x')</script>目标：完成危化品企业评估。", 80,
            ("二、任务措施", "（一）危化品"))  # fmt: skip
CLAUSES = (QH14, QH15, QH16, YN, ZJ)


@dataclass
class FakeRetriever:
    """Bigram matching over :data:`CLAUSES`; ``low`` forces low confidence on every search."""

    clauses: tuple[Clause, ...] = CLAUSES
    low: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)

    def provinces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.province for c in self.clauses))

    def years(self) -> tuple[int, ...]:
        return tuple(sorted({c.year for c in self.clauses if c.year}))

    def neighbours(self, clause_id: str, before: int = 1, after: int = 1) -> list[Clause]:
        at = next(i for i, c in enumerate(self.clauses) if c.id == clause_id)
        doc = self.clauses[at].doc.doc_id
        window = self.clauses[max(0, at - before) : at + after + 1]
        return [c for c in window if c.doc.doc_id == doc]

    def prepare(
        self,
        query: object,
        province: Any = None,
        year: Any = None,
        *,
        include_superseded: bool = False,
        source: str = "all",
    ) -> PreparedQuery:
        """The real preparation (filters, absent provinces), with whitespace as words."""
        return prepare_query(
            query, self.provinces(), str.split, province, year,
            include_superseded=include_superseded, source=source,
        )  # fmt: skip

    def search(
        self,
        query: str | PreparedQuery,
        k: int = 10,
        province: str | Sequence[str] | None = None,
        year: Any = None,
        *,
        mode: str = "hybrid",
        include_superseded: bool = False,
        source: str = "all",
    ) -> SearchResult:
        options = {"include_superseded": include_superseded, "source": source}
        prepared = (
            query
            if isinstance(query, PreparedQuery)
            else self.prepare(query, province, year, **options)
        )
        filters = prepared.filters
        self.calls.append({"query": prepared.rest, "k": k, "province": list(filters.provinces) or None,
                           "year": list(filters.years) or None})  # fmt: skip
        provinces, years = filters.provinces, filters.years
        query = prepared.rest
        norm = prepared.norm
        grams = {norm[i : i + 2] for i in range(len(norm) - 1) if norm[i : i + 2].strip()}
        scored = []
        for c in self.clauses:
            if (provinces and c.province not in provinces) or (years and c.year not in years):
                continue
            found = sorted(g for g in grams if g in c.text_norm)
            scored.append((len(found) / max(1, len(grams)), c, found))
        scored.sort(key=lambda item: -item[0])
        hits = tuple(
            Hit(clause=c, rank=i + 1, score=s, scores={"lexical": s},
                matched_terms=tuple(_original(c, g) for g in found),
                answer=c.text.split("。")[0] + "。")
            for i, (s, c, found) in enumerate(scored[:k])
        )  # fmt: skip
        best = scored[0][0] if scored else 0.0
        return SearchResult(
            query=prepared.text, filters=filters, hits=hits,
            low_confidence=self.low or best < 0.3 or bool(filters.absent and not provinces),
            query_used=query,
        )  # fmt: skip


def _original(c: Clause, gram: str) -> str:
    """The matched bigram in the clause's own script (t2s keeps offsets)."""
    at = c.text_norm.index(gram)
    return c.text[at : at + len(gram)]
