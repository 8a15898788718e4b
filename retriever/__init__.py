"""Retrieval: questions in, cited clauses out.

Public API::

    from retriever import Retriever
    r = Retriever.load()                      # corpus + encoder + index, built once
    result = r.search("青海2020年消防车通道有什么要求", k=5)
    for hit in result.hits:
        print(hit.citation, hit.answer)
"""

from retriever.confidence import is_low_confidence
from retriever.fusion import reciprocal_rank_fusion
from retriever.hit import Filters, Hit, SearchResult
from retriever.query import ParsedQuery, parse_query
from retriever.search import MAX_QUERY_CHARS, MODES, Retriever

__all__ = [
    "MAX_QUERY_CHARS",
    "MODES",
    "Filters",
    "Hit",
    "ParsedQuery",
    "Retriever",
    "SearchResult",
    "is_low_confidence",
    "parse_query",
    "reciprocal_rank_fusion",
]
