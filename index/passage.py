"""What BM25 indexes for a clause: its Simplified text, and for a law article its law and
headings too.

A question in everyday words rarely repeats an article's wording, but it often names the
subject that the article's law and chapter are about (劳动合同 for 劳动合同法, 继承 for 第六编
继承). On the STARD dev half, putting ``《short law name》 编 章 节`` before an article's text
lifted BM25 (R@10 0.527 → 0.540, MRR@10 0.450 → 0.461) and no question type of the policy
benchmark lost in lexical mode. The dense side embeds the text alone (``text_norm``): with
the prefix embedded too, e5 found the benchmark's law questions worse (law type, dense
R@5 0.846 → 0.699), although it helped the policy types. Clauses of policy documents are
indexed exactly as before.
"""

from __future__ import annotations

from corpus.clause import Clause

#: Recorded in the index manifest: what a row's BM25 tokens come from (vectors: text_norm).
PASSAGE_TEXT = "dense: text_norm; bm25: text_norm, articles after 《law》 + heading path"

_PREFIX = "中华人民共和国"


def law_heading(clause: Clause) -> str:
    """``《刑法》 第二编 分则 第六章 …`` for an article of a national law, else ""."""
    if clause.kind != "article" or not clause.doc.national:
        return ""
    title = clause.doc.title.strip().strip("《》")
    if title.startswith(_PREFIX) and len(title) > len(_PREFIX):
        title = title[len(_PREFIX) :]
    return " ".join([f"《{title}》", *clause.path]).strip()


def passage_text(clause: Clause) -> str:
    """The text BM25 indexes for ``clause`` (Simplified)."""
    heading = law_heading(clause)
    return f"{heading}\n{clause.text_norm}" if heading else clause.text_norm
