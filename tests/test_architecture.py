"""The layers point one way and no module imports itself back through others.

corpus < encoder < index < retriever < {page, quiz, eval} < {app, bench}; ``common`` sits
below them all. A lower layer never imports a higher one, at module level, inside a function
or under ``TYPE_CHECKING`` alike: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS: dict[str, int] = {
    "common": 0,
    "corpus": 1,
    "encoder": 2,
    "index": 3,
    "retriever": 4,
    "page": 5,
    "quiz": 5,
    "eval": 5,
    "app": 6,
    "bench": 6,
}


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in LAYERS:
        folder = ROOT / package
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                parts = path.relative_to(ROOT).with_suffix("").parts
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                found[name] = path
    return found


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # "from index import store" imports index.store
                sub = f"{node.module}.{alias.name}"
                yield node.lineno, sub if sub in MODULES else node.module


MODULES = _modules()


def _project_imports(name: str) -> set[str]:
    return {m for _, m in _imports(MODULES[name]) if m in MODULES and m != name}


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for name, path in MODULES.items():
        rank = LAYERS[name.split(".")[0]]
        for line, imported in _imports(path):
            top = imported.split(".")[0]
            if top in LAYERS and LAYERS[top] > rank:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not upward, "imports pointing up a layer:\n" + "\n".join(sorted(set(upward)))


def test_there_are_no_import_cycles() -> None:
    graph = {name: _project_imports(name) for name in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("package", ["corpus", "encoder", "index", "retriever"])
def test_the_checker_sees_the_lower_layers(package: str) -> None:
    # Guards the two tests above against passing vacuously (a renamed folder, a broken walk).
    assert any(name.split(".")[0] == package for name in MODULES)
    assert any(_project_imports(n) for n in MODULES if n.split(".")[0] == package)
