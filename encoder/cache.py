"""Where converted models and other per-machine caches live (outside git, outside the repo).

One root for everything that is expensive to rebuild but safe to delete: the converted
embedding model today, possibly others later. ``$POLICY_QA_CACHE`` overrides it so tests,
CI and containers can point it at a scratch folder.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that, when set, is the cache root itself.
CACHE_ENV = "POLICY_QA_CACHE"


def cache_dir() -> Path:
    """The cache root, created if missing.

    ``$POLICY_QA_CACHE`` when set, else ``$XDG_CACHE_HOME/policy-qa``, else
    ``~/.cache/policy-qa`` (the XDG default), so the project follows the platform's
    convention and never writes into the repository.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        root = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
        root = base / "policy-qa"
    root.mkdir(parents=True, exist_ok=True)
    return root


def models_dir() -> Path:
    """The folder holding converted models (``<cache>/models``), created if missing."""
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
