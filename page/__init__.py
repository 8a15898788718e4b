"""The web page: a Chinese chat over the documents, with cited clause cards and filters.

``build_page(retriever)`` builds the Gradio Blocks (tabs 问答 / 出题 / 评测 and the
``/search`` API); ``serve(demo, ...)`` queues and launches it. The handlers behind the page
are pure functions in ``page.handlers``.
"""

from page.layout import build_page, serve

__all__ = ["build_page", "serve"]
