"""A small corpus for comparison tests: four provinces and a hand-made national law.

The law's clauses carry ``doc.national=True`` (the shape the national laws take as Clause
kind "article"), so the 全国 column is tested before the real laws are in the corpus.
"""

from __future__ import annotations

from pathlib import Path

from corpus.clause import Clause, Corpus, DocMeta
from index.store import open_index
from retriever import Retriever
from tests.index_fakes import FakeEncoder, make_doc_clauses

LAW = DocMeta(doc_id="law-whp", title="中华人民共和国危险化学品安全法", province="", year=2021,
              national=True, doc_type="法律")  # fmt: skip
TEXTS = {
    "qinghai-2020": ["6月底前完成全省150座以上危险隧道的排查整治。",
                     "严格按照标准划设消防车通道标志标线，定期巡查消防车通道。"],
    "yunnan-2019": ["推進危險化學品安全綜合治理，深化“兩重點一重大”整治，年底前關閉退出不達標企業。",
                    "開展消防安全專項整治，重點整治高層建築。"],
    "zhejiang-2021": ["深化危險化學品安全專項整治，深化“兩重點一重大”監管，新培育50支專業救援隊伍。",
                      "推進應急管理數字化改革。"],
    "henan-2023": ["加强煤矿安全监管，严防透水事故。"],
}  # fmt: skip
LAW_TEXTS = {
    30: "第三十条 危险化学品生产企业应当在取得许可后30日内办理危险化学品登记。",
    40: "第四十条 任何单位不得占用、堵塞消防车通道。",
}


def law_clause(number: int, text: str) -> Clause:
    """One article of the hand-made law, kind "article", cited by its article number."""
    item = f"第{number}条"
    return Clause(id=f"{LAW.doc_id}:{number}", doc=LAW, kind="article", item=item, path=(),
                  text=text, text_norm=text, start=0, end=len(text))  # fmt: skip


def compare_clauses(with_laws: bool = True) -> list[Clause]:
    clauses = [c for doc, texts in TEXTS.items() for c in make_doc_clauses(doc, texts)]
    if with_laws:
        clauses += [law_clause(n, t) for n, t in LAW_TEXTS.items()]
    return clauses


def compare_retriever(folder: Path, with_laws: bool = True) -> Retriever:
    """A real Retriever over the corpus above, indexed with the fake encoder in ``folder``."""
    corpus = Corpus(tuple(compare_clauses(with_laws)))
    backend = open_index(folder, corpus, FakeEncoder(), progress=False, log=lambda m: None)
    return Retriever(backend, FakeEncoder(), corpus)
