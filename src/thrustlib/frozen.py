"""A quicker ``__init__`` for the frozen, slotted dataclasses a build makes by the million.

The ``__init__`` that :func:`dataclasses.dataclass` writes for a frozen class sets each
field through ``object.__setattr__(self, "name", value)``: a global looked up, a method
called with the field's name, the name looked up again on the class. For the model's
small records (an item, a step, a link) that is about half the cost of making one, and
a build of 10,000 exercises makes a million of them. :func:`quick_init` replaces it with
one that sets each slot through its descriptor, taken once when the class is made.

Nothing else changes: the same signature (names, order, defaults, keyword-only fields),
the same ``__post_init__`` call, the object still frozen after. For a class using what
the replacement does not handle (an ``InitVar``, a field left out of ``__init__`` without
a default) :func:`quick_init` raises ``TypeError`` at import rather than build something
else: such a class is left without the decorator. Tests hold every class it is given to
:data:`GENERATED` (what dataclasses wrote for it) on the same arguments.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

GENERATED: dict[type, Callable[..., None]] = {}
"""The ``__init__`` dataclasses wrote, by class, for each class given to
:func:`quick_init` (what the tests compare against)."""


class _Factory:
    """The default of a field made by a factory, as dataclasses shows it."""

    def __repr__(self) -> str:
        return "<factory>"


_NO_DEFAULT = _Factory()


def quick_init(cls: T) -> T:
    """Give the frozen, slotted dataclass ``cls`` the quicker ``__init__`` (a decorator,
    placed above ``@dataclass(frozen=True, slots=True)``)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__qualname__} is not a frozen, slotted dataclass")
    fields = dataclasses.fields(cls)
    namespace: dict[str, Any] = {"_NO_DEFAULT": _NO_DEFAULT}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for number, field in enumerate(fields):
        # Each name bound in the function's own globals: one dictionary lookup a field.
        setter, value = f"_set{number}", field.name
        namespace[setter] = _slot(cls, field.name).__set__
        has_factory = field.default_factory is not dataclasses.MISSING
        if has_factory:
            namespace[f"_factory{number}"] = field.default_factory
        if field.default is not dataclasses.MISSING:
            namespace[f"_default{number}"] = field.default
        if not field.init:
            if has_factory:
                value = f"_factory{number}()"
            elif field.default is not dataclasses.MISSING:
                value = f"_default{number}"
            else:
                raise TypeError(f"{cls.__qualname__}.{field.name}: not in __init__, no default")
        else:
            if has_factory:
                default = "=_NO_DEFAULT"
                value = f"_factory{number}() if {field.name} is _NO_DEFAULT else {field.name}"
            elif field.default is not dataclasses.MISSING:
                default = f"=_default{number}"
            else:
                default = ""
            (keyword if field.kw_only else positional).append(field.name + default)
        body.append(f" {setter}(self, {value})")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    arguments = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({arguments}) -> None:\n" + "\n".join(body or [" pass"]) + "\n"
    exec(source, namespace)
    made = namespace["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    made.__module__ = cls.__module__
    generated = cls.__dict__["__init__"]
    if _arguments(made) != _arguments(generated):  # an InitVar, say: not handled here
        raise TypeError(f"{cls.__qualname__}: its __init__ takes other arguments")
    made.__annotations__ = dict(generated.__annotations__)
    GENERATED[cls] = generated
    type.__setattr__(cls, "__init__", made)
    return cls


def _slot(cls: type, name: str) -> types.MemberDescriptorType:
    """The descriptor of the slot ``name``, on ``cls`` or the class above it that has it."""
    for owner in cls.__mro__:
        found = owner.__dict__.get(name)
        if found is not None:
            if not isinstance(found, types.MemberDescriptorType):
                raise TypeError(f"{cls.__qualname__}.{name} is not a slot")
            return found
    raise TypeError(f"{cls.__qualname__}.{name} has no slot")


def _arguments(init: Callable[..., None]) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(init).parameters.values()]
