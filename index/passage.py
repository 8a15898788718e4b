"""What is indexed for a clause: its Simplified text, and for a law article its law and headings.

A question in everyday words rarely repeats an article's wording, but it often names the
subject that the article's law and chapter are about (劳动合同 for 劳动合同法, 继承 for 第六编
继承). Measured on the STARD dev half (docs in eval/data/stard/NOTE.md), putting
``《short law name》 编 章 节`` before an article's text lifts both BM25 and e5. Clauses of
policy documents are indexed exactly as before (their heading path is already in their
wording), so their vectors and BM25 rows do not change.
"""

from __future__ import annotations

from corpus.clause import Clause

#: Recorded in the index manifest: what text a row's vector and BM25 tokens come from.
PASSAGE_TEXT = "text_norm; articles: 《law》 + heading path + text_norm"

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
    """The text embedded and BM25-indexed for ``clause`` (Simplified)."""
    heading = law_heading(clause)
    return f"{heading}\n{clause.text_norm}" if heading else clause.text_norm
