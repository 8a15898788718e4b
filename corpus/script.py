"""Script conversion: documents are partly Traditional, officials type Simplified.

Matching happens in Simplified form on both sides (OpenCC ``t2s``); what is shown stays in
the document's own script.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional (and variant) characters to Simplified; other text is unchanged."""
    return _t2s().convert(text) if text else text
