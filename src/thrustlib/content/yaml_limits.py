"""Budgets for front matter, checked on YAML's node graph before any value is made.

YAML aliases (``*name``) and merge keys (``<<: *name``) let a few lines stand for
billions of values ("billion laughs"), or for one nested deeper than Python recurses.
Each budget is checked over the nodes as the file wrote them, each node visited once, so
a hostile file fails in milliseconds with the limit named, and a real one (a few dozen
values) never comes near.
"""

from __future__ import annotations

import yaml

MAX_NESTING = 50
"""Deepest list/mapping nesting a front-matter value may have, aliases followed."""

MAX_ALIASES = 100
"""Most YAML aliases (``*name``) a front matter may use: nested ones stand for billions."""

MAX_VALUES = 10_000
"""Most values a front matter may stand for, each alias and merge key counted as all it
stands for (a real one has a few dozen)."""


def alias_excess(node: yaml.Node | None) -> tuple[int, str] | None:
    """The 0-based line of the key whose value takes the front matter past
    :data:`MAX_ALIASES` aliases (second references to a node), and the message; or
    ``None``. Each node is entered once and the count stops at the budget."""
    if not isinstance(node, yaml.MappingNode):
        return None  # not a mapping: an error already, and never walked by anyone
    seen: set[int] = set()
    aliases = 0
    for key, value in node.value:
        stack: list[yaml.Node] = [key, value]
        while stack:
            current = stack.pop()
            if id(current) in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    return int(key.start_mark.line), (
                        f"the front matter uses more than {MAX_ALIASES} YAML aliases (*name),"
                        " the limit; nested aliases can stand for billions of values, so"
                        " none was read"
                    )
                continue
            seen.add(id(current))
            stack.extend(_children(current))
    return None


def expansion_excess(node: yaml.Node | None) -> tuple[int, str] | None:
    """The 0-based line of the first key whose value, aliases and merge keys expanded,
    takes the front matter past :data:`MAX_VALUES` values, and the message; or ``None``.

    The size and height of each node are worked out once, from its children's, so a
    node shared by many aliases costs one visit. A node inside itself (an alias in its
    own anchor) is left to :func:`value_problem`, which names it.
    """
    if not isinstance(node, yaml.MappingNode):
        return None
    sizes: dict[int, tuple[int, int]] = {}  # node id -> (values, levels), aliases expanded
    total = 0
    for key, value in node.value:
        size, _ = _measure(value, sizes)
        total += size + 1
        if total > MAX_VALUES:
            return int(key.start_mark.line), (
                f"the front matter stands for more than {MAX_VALUES:,} values once its YAML"
                " aliases and merge keys (<<) are followed, the limit; none of it was read"
            )
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(top: yaml.Node, sizes: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """How many values ``top`` stands for and how deep it nests, aliases expanded;
    iterative (a deep file must not recurse as deep)."""
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(top, False)]
    while stack:
        current, leaving = stack.pop()
        ident = id(current)
        if leaving:
            on_path.discard(ident)
            inner = [sizes.get(id(child), (1, 0)) for child in _children(current)]
            size = 1 + sum(s for s, _ in inner)
            nested = isinstance(current, yaml.MappingNode | yaml.SequenceNode)
            sizes[ident] = (size, (1 if nested else 0) + max((h for _, h in inner), default=0))
            continue
        if ident in sizes or ident in on_path:
            continue  # measured already; or inside itself, which value_problem reports
        on_path.add(ident)
        stack.append((current, True))
        stack.extend((child, False) for child in _children(current))
    return sizes.get(id(top), (1, 0))


def value_problem(value: object) -> str | None:
    """Why a front-matter value cannot be used as data, or ``None`` when it can.

    A YAML alias inside its own anchor (``a: &x [*x]``) gives a value that holds itself,
    and thousands of nested brackets give one deeper than Python recurses; templates and
    JSON would fail on either, so both are reported here. Iterative, for the same reason,
    and each shared object (an alias's) measured once, with its height kept: a value
    reached again deeper down is as deep as it was plus where it now stands.
    """
    on_path: set[int] = set()
    heights: dict[int, int] = {}
    stack: list[tuple[object, bool]] = [(value, False)]
    while stack:
        node, leaving = stack.pop()
        if not isinstance(node, list | dict):
            continue
        inner = list(node.values()) if isinstance(node, dict) else node
        ident = id(node)
        if leaving:
            on_path.discard(ident)
            heights[ident] = 1 + max(
                (heights.get(id(c), 0) for c in inner if isinstance(c, list | dict)), default=0
            )
            if heights[ident] > MAX_NESTING:
                return f"is nested more than {MAX_NESTING} levels deep"
            continue
        if ident in heights:
            continue
        if ident in on_path:
            return "refers to itself (a YAML alias inside its own anchor)"
        on_path.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in inner)
    return None
