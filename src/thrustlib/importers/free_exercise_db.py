"""The Free Exercise DB: one JSON list of exercise objects, in the public domain.

The project (https://github.com/yuhonas/free-exercise-db) ships ``exercises.json``; each
object has ``id``, ``name``, ``level``, ``equipment``, ``primaryMuscles``,
``secondaryMuscles``, ``instructions`` and ``category`` (plus ``force``, ``mechanic``
and ``images``). This module is the whole of what is particular to it: how its fields
and values map to thrustlib's. Its 17 muscle groups are thrustlib's default muscles.

``images`` are paths into that project's repository, so they are not imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from thrustlib.errors import Problems
from thrustlib.importers.record import (
    ExtraValue,
    ImportRecord,
    Origin,
    SourceRecords,
    json_items,
    json_kind,
)
from thrustlib.importers.text import clean, clean_step, first_sentence

NAME = "free-exercise-db"

LEVELS: Mapping[str, str] = MappingProxyType(
    {"beginner": "beginner", "intermediate": "intermediate", "expert": "advanced"}
)
"""Its ``level`` -> thrustlib's level."""

EQUIPMENT: Mapping[str, str | None] = MappingProxyType(
    {
        "body only": "bodyweight",
        "barbell": "barbell",
        "dumbbell": "dumbbell",
        "kettlebells": "kettlebell",
        "cable": "cable",
        "machine": "machine",
        "bands": "band",
        "medicine ball": "medicine-ball",
        "exercise ball": "exercise-ball",
        "foam roll": "foam-roll",
        "e-z curl bar": "ez-curl-bar",
        "other": None,  # names nothing a page could list
    }
)
"""Its ``equipment`` -> thrustlib's equipment key (``None``: left out, with a warning)."""

MUSCLES: Mapping[str, str] = MappingProxyType(
    {
        "abdominals": "abdominals",
        "abductors": "abductors",
        "adductors": "adductors",
        "biceps": "biceps",
        "calves": "calves",
        "chest": "chest",
        "forearms": "forearms",
        "glutes": "glutes",
        "hamstrings": "hamstrings",
        "lats": "lats",
        "lower back": "lower-back",
        "middle back": "middle-back",
        "neck": "neck",
        "quadriceps": "quadriceps",
        "shoulders": "shoulders",
        "traps": "traps",
        "triceps": "triceps",
    }
)
"""Its muscle names -> thrustlib's default muscle keys; other names are looked up in the
site's vocabulary as they are."""

EXTRA_FIELDS: Mapping[str, str] = MappingProxyType(
    {"category": "category", "force": "force", "mechanic": "mechanic"}
)
"""Its fields kept as extra front-matter keys (templates may show them), when given."""

_Warn = Callable[[str], None]


class FreeExerciseDb:
    """The importer of the Free Exercise DB's ``exercises.json``."""

    name = NAME
    summary = "the Free Exercise DB's exercises.json (public domain; 873 exercises)"

    def read(self, path: Path, data: bytes, problems: Problems) -> SourceRecords | None:
        """The records of the file; ``None`` when it is not a JSON list."""
        items = json_items(path, data, problems)
        if items is None:
            return None
        records: list[ImportRecord] = []
        for index, (line, item) in enumerate(items):
            record = _record(path, Origin(index, _ident(item), line), item, problems)
            if record is not None:
                records.append(record)
        return SourceRecords(tuple(records), len(items) - len(records))


IMPORTER = FreeExerciseDb()


def _ident(item: object) -> str | None:
    """The record's ``id`` (else its ``name``), to name it in messages."""
    if isinstance(item, dict):
        for field in ("id", "name"):
            value = item.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _record(path: Path, origin: Origin, item: object, problems: Problems) -> ImportRecord | None:
    """One object of the list as a neutral record; ``None`` (with an error) if it is none."""

    def warn(message: str) -> None:
        problems.warning(path, origin.line, f"{origin.label}: {message}")

    if not isinstance(item, dict):
        problems.error(
            path,
            origin.line,
            f"{origin.label} is {json_kind(item)}, not an exercise object; not imported",
        )
        return None
    name = item.get("name")
    if not isinstance(name, str) or not clean(name):
        if name is None or isinstance(name, str):
            what = "no 'name'" if name is None else "an empty 'name'"
        else:
            what = f"a 'name' that is {json_kind(name)}"
        problems.error(path, origin.line, f"{origin.label} has {what}; not imported")
        return None
    ident = item.get("id")
    if not isinstance(ident, str) or not ident.strip():
        warn("no 'id' to make the file name of; made it of the name")
        ident = name

    steps = tuple(s for s in (clean_step(t) for t in _names(item, "instructions", warn)) if s)
    if not steps:
        warn(
            "no instructions: the file has no Execution list (the build warns that the page"
            " has no instructions) and a description made of its name, level and muscles"
        )
    equipment: list[str] = []
    raw = _text(item, "equipment", warn)
    if raw is not None:
        mapped = EQUIPMENT.get(raw.strip().lower(), raw)
        if mapped is None:
            warn(f"equipment {raw!r} names no equipment in particular; left out")
        else:
            equipment.append(mapped)
    level = _text(item, "level", warn)
    extra: dict[str, ExtraValue] = {}
    for field, key in EXTRA_FIELDS.items():
        value = item.get(field)
        if isinstance(value, str) and value.strip():
            extra[key] = value.strip()
    extra["source"] = NAME
    extra["source_id"] = ident.strip()
    return ImportRecord(
        origin=origin,
        title=clean(name),
        slug_text=ident,
        description=first_sentence(steps[0]) if steps else None,
        muscles=_muscles(item, "primaryMuscles", warn),
        secondary_muscles=_muscles(item, "secondaryMuscles", warn),
        equipment=tuple(equipment),
        level=LEVELS.get(level.strip().lower(), level) if level is not None else None,
        execution=steps,
        extra=MappingProxyType(extra),
    )


def _muscles(item: Mapping[str, object], field: str, warn: _Warn) -> tuple[str, ...]:
    names = _names(item, field, warn)
    return tuple(MUSCLES.get(n.strip().lower(), n) for n in names)


def _names(item: Mapping[str, object], field: str, warn: _Warn) -> list[str]:
    """A field that holds a list of text; anything else in it is left out, with a warning."""
    if field not in item:
        warn(f"no '{field}'; read as none")
        return []
    value = item[field]
    if value is None:
        return []
    if not isinstance(value, list):
        warn(f"'{field}' is {json_kind(value)}, not a list; left out")
        return []
    names: list[str] = []
    for entry in value:
        if isinstance(entry, str):
            if entry.strip():
                names.append(entry)
        else:
            warn(f"'{field}' holds {json_kind(entry)}, not text; left out")
    return names


def _text(item: Mapping[str, object], field: str, warn: _Warn) -> str | None:
    """A field that holds text or null."""
    if field not in item:
        warn(f"no '{field}'; read as none")
        return None
    value = item[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        warn(f"'{field}' is {json_kind(value)}, not text; left out")
        return None
    return value
