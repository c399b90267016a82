"""The quicker ``__init__`` of the model's frozen records, held to what dataclasses wrote."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from typing import Any

import pytest

import thrustlib
from thrustlib.frozen import GENERATED, quick_init

# Every module imported, so that every class given to quick_init is in GENERATED.
for _module in pkgutil.walk_packages(thrustlib.__path__, "thrustlib."):
    if not _module.name.endswith("__main__"):
        importlib.import_module(_module.name)

CLASSES = sorted(GENERATED, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _parameters(init: Any) -> list[tuple[str, Any, object, object]]:
    # A factory's default is a marker of each implementation's own, shown as "<factory>".
    return [
        (p.name, p.kind, p.annotation, "<factory>" if repr(p.default) == "<factory>" else p.default)
        for p in inspect.signature(init).parameters.values()
    ]


def _built(cls: type, init: Any, args: list[object], kwargs: dict[str, object]) -> object:
    obj = object.__new__(cls)
    init(obj, *args, **kwargs)
    return obj


def _values(obj: object) -> list[tuple[str, object]]:
    return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]  # type: ignore[arg-type]


def test_the_hot_records_have_it() -> None:
    names = {cls.__qualname__ for cls in CLASSES}
    assert {"Entry", "Exercise", "ListItem", "HowToStep", "Problem", "Link", "Card"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_the_same_signature(cls: type) -> None:
    assert _parameters(cls.__init__) == _parameters(GENERATED[cls])


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_the_same_object_from_the_same_arguments(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    required = [f for f in fields if _no_default(f)]
    # Only the arguments without a default, positionally where they may be.
    args = [object() for f in required if not f.kw_only]
    kwargs = {f.name: object() for f in required if f.kw_only}
    assert _values(_built(cls, cls.__init__, args, kwargs)) == _values(
        _built(cls, GENERATED[cls], args, kwargs)
    )
    # Every argument given, by name.
    every = {f.name: object() for f in fields}
    quick, generated = cls(**every), _built(cls, GENERATED[cls], [], every)
    assert _values(quick) == _values(generated)
    assert quick == generated
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.__setattr__(fields[0].name, None)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_the_same_errors(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    required = [f for f in fields if _no_default(f)]
    for init in (cls.__init__, GENERATED[cls]):
        if required:
            with pytest.raises(TypeError):
                init(object.__new__(cls))
        with pytest.raises(TypeError):
            init(object.__new__(cls), **{f.name: None for f in fields}, unknown=None)


def _no_default(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def test_factories_give_a_new_value_each_time() -> None:
    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Held:
        name: str
        items: list[str] = dataclasses.field(default_factory=list)
        seen: int = dataclasses.field(default=0, init=False)
        key: str = dataclasses.field(default="k", kw_only=True)

    one, two = Held("a"), Held("b", key="z")
    assert one.items == [] and one.items is not two.items
    assert (one.seen, one.key, two.key) == (0, "k", "z")
    assert Held("a", ["x"]).items == ["x"]
    assert _parameters(Held.__init__) == _parameters(GENERATED[Held])


def test_post_init_is_called_after_the_fields() -> None:
    calls: list[str] = []

    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        name: str

        def __post_init__(self) -> None:
            calls.append(self.name)

    Checked("a")
    assert calls == ["a"]


def test_what_it_cannot_do_is_refused_at_import() -> None:
    @dataclasses.dataclass(slots=True)
    class Mutable:
        name: str

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        name: str

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithInitVar:
        name: str
        given: dataclasses.InitVar[int] = 0

    for cls in (Mutable, Unslotted, WithInitVar):
        with pytest.raises(TypeError):
            quick_init(cls)
