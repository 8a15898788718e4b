"""The retrieval benchmark: a hand-written query set over the default corpus, a runner that
compares configurations with ranx metrics, and a report (``python -m eval``).

Modules: ``benchmark`` (BEIR queries/qrels on disk), ``judge`` (relevance by clause id or by
answer substring), ``configs``, ``naive`` (the tutorial baseline), ``vectors`` (query vector
cache), ``metrics`` (ranx), ``runner``, ``summary``, ``report`` (md/json/PNG), ``tab`` (the
评测 tab) and ``build_qrels`` (answer substrings → qrels).
"""
