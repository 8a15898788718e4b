"""Every size limit of the project, in one place, each overridable by an environment variable.

A hostile or careless input (a 1 GB text file, a .docx that inflates to gigabytes, a 10 MB
chat question, a 100 MB request body) must be refused quickly with a message that names the
limit and how to raise it, not exhaust the server. The defaults are far above what a real
policy document or question needs; an administrator with unusual documents raises one with
its variable (``POLICY_QA_MAX_FILE_MB=50``) instead of editing code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits in force; :func:`limits` reads them from the environment.

    Sizes are in bytes or characters; each field's variable is ``POLICY_QA_`` + its
    upper-case name (``max_file_mb`` ← ``POLICY_QA_MAX_FILE_MB``).
    """

    #: Bytes of one document file (any format), checked before reading it.
    max_file_mb: float = 20.0
    #: Total uncompressed size of a .docx package (a zip), from its declared sizes and then
    #: counted while inflating, so a decompression bomb is refused without being inflated.
    max_docx_uncompressed_mb: float = 64.0
    #: Entries (files) inside a .docx package.
    max_docx_entries: int = 2000
    #: Pages of one PDF.
    max_pdf_pages: int = 1000
    #: Characters of one document once read (about 1000 dense pages).
    max_document_chars: int = 2_000_000
    #: Bytes of one HTTP request body at the server (uploads use ``max_file_mb``).
    max_request_kb: float = 1024.0
    #: Turns of a chat kept in the session (re-drawn, exported, followed up on).
    max_chat_turns: int = 20
    #: Age (seconds) and total size after which the process's temporary files are removed.
    max_scratch_age_s: float = 3600.0
    max_scratch_mb: float = 256.0

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_docx_uncompressed_bytes(self) -> int:
        return int(self.max_docx_uncompressed_mb * MB)

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_kb * 1024)

    @property
    def max_scratch_bytes(self) -> int:
        return int(self.max_scratch_mb * MB)


def variable(name: str) -> str:
    """The environment variable of a :class:`Limits` field (for messages)."""
    return f"POLICY_QA_{name.upper()}"


def limits(environ: dict[str, str] | None = None) -> Limits:
    """The limits from ``environ`` (default ``os.environ``); a malformed value is an error
    naming the variable, since silently falling back would hide a misconfiguration."""
    env = os.environ if environ is None else environ
    values: dict[str, float | int] = {}
    for f in fields(Limits):
        raw = env.get(variable(f.name))
        if raw is None or not raw.strip():
            continue
        kind = int if f.type in ("int", int) else float
        try:
            value = kind(raw)
        except ValueError:
            raise ValueError(f"{variable(f.name)}={raw!r} is not a number") from None
        if value <= 0:
            raise ValueError(f"{variable(f.name)}={raw!r} must be positive")
        values[f.name] = value
    return Limits(**values)  # type: ignore[arg-type]
