"""The package's layout keeps the pipeline visible: no import cycles, stages in order.

The import graph is read from the source (every ``import`` and ``from ... import``,
including those inside functions and under ``TYPE_CHECKING``), so a cycle that only a
lazy import hides is still one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "thrustlib"
MAX_LINES = 400

# What each part may import from the others: data flows one way, files -> content ->
# site, with the engine driving both and the preview and the command on top. Every
# part may use `frozen` (the records' quicker __init__), which imports none of them.
ALLOWED: dict[str, set[str]] = {
    "frozen": set(),  # how the records of every part are made, below them all
    "errors": set(),
    "content": {"errors"},
    "config": {"errors", "content"},
    "site": {"errors", "content", "config"},
    "engine": {"errors", "content", "config", "site"},
    "serve": {"errors", "content", "config", "site", "engine"},
    "scaffold": {"errors", "content", "config", "site", "engine"},
    "report": {"errors", "content", "config", "site", "engine"},
    "importers": {"errors", "content", "config", "engine"},
    "cli": {
        "errors",
        "content",
        "config",
        "site",
        "engine",
        "serve",
        "scaffold",
        "report",
        "importers",
    },
}
for _part, _allowed in ALLOWED.items():
    if _part != "frozen":
        _allowed.add("frozen")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The thrustlib modules ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # "from thrustlib.engine import cache" imports the module thrustlib.engine.cache
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("thrustlib") and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def part(module: str) -> str:
    """The part of the package a module belongs to (``content``, ``cli``...)."""
    pieces = module.split(".")
    if len(pieces) == 1:
        return "package"
    return "config" if pieces[1].startswith("config") else pieces[1]


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = " -> ".join([*stack[stack.index(node) :], node])
            pytest.fail(f"import cycle: {cycle}")
        if node in done:
            return
        for nxt in sorted(edges.get(node, ())):
            visit(nxt, [*stack, node])
        done.add(node)

    for module in sorted(edges):
        visit(module, [])


def test_stages_import_only_the_stages_before_them() -> None:
    wrong = []
    for module, targets in graph().items():
        mine = part(module)
        for target in targets:
            theirs = part(target)
            if theirs in (mine, "package", "__main__") or mine in ("package", "__main__"):
                continue
            if theirs not in ALLOWED.get(mine, set()):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_too_long(name: str) -> None:
    lines = modules()[name].read_text("utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it along a stage boundary"
