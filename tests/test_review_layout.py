"""The review package's floor plan: no import cycles, no private names across modules, no module over 600 lines,
and callers outside review/ use its public face."""

from __future__ import annotations

import ast
from pathlib import Path

import perfeval.review as review

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "perfeval" / "review"


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names imported) for every import in a file."""
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [alias.name for alias in node.names]))
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for target, names in _imports(path):
            candidates = [target] + [f"{target}.{n}" for n in names]
            graph[name] |= {c for c in candidates if c in modules and c != name}
    return graph


def test_no_import_cycles_in_review() -> None:
    graph = _graph()
    # the package face imports everything; nothing inside imports the face
    assert not [m for m, deps in graph.items() if "perfeval.review" in deps], "import the submodule, not the face"
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in graph[node]:
            assert state.get(dep) != 1, " → ".join(trail + [node, dep])
            if dep not in state:
                visit(dep, trail + [node])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [])


def test_no_private_names_across_modules() -> None:
    for path in (SRC / "perfeval").rglob("*.py"):
        for target, names in _imports(path):
            if target.startswith("perfeval.review"):
                assert not [n for n in names if n.startswith("_")], (path, target, names)


def test_modules_at_most_600_lines() -> None:
    assert not [p.name for p in PACKAGE.rglob("*.py") if len(p.read_text(encoding="utf-8").splitlines()) > 600]


def test_callers_use_the_public_face() -> None:
    outside = [p for p in (SRC / "perfeval").rglob("*.py") if PACKAGE not in p.parents and p.parent != PACKAGE]
    for path in outside:
        for target, names in _imports(path):
            if target.startswith("perfeval.review."):
                raise AssertionError(f"{path}: import {names} from perfeval.review, not {target}")
            if target == "perfeval.review":
                assert set(names) <= set(review.__all__), (path, names)
