"""``thrustlib import``: exercise files made from a library that exists elsewhere.

An import runs in three steps, each in its own place:

1. A **source** reads one file of its own shape into neutral
   :class:`~thrustlib.importers.record.ImportRecord` values: title, description,
   muscle / equipment / level names, the steps as plain text, extra keys. Everything
   particular to the source (its field names, its words for equipment) lives in its
   module, as tables.
2. The **shared writer** (:mod:`thrustlib.importers.write`) matches the names against
   the site's vocabulary and makes unique file names and the file text, with a warning
   naming the record for whatever it could not map.
3. It writes the files, never overwriting one (:func:`write_files`).

Adding a source (a CSV export, another JSON shape) is one small module: a class with
``name``, ``summary`` and ``read(path, data, problems) -> SourceRecords | None`` (see
:class:`Importer`), and one line in :data:`SOURCES`. Its helpers are in
:mod:`thrustlib.importers.record` (``json_items`` reads a JSON list with each item's
line; the standard :mod:`csv` module reads a spreadsheet) and
:mod:`thrustlib.importers.text` (``first_sentence`` makes a description).
:mod:`thrustlib.importers.free_exercise_db` is the model to copy.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from thrustlib.content.vocabulary import Vocabulary
from thrustlib.errors import Problem, Problems, ThrustlibError
from thrustlib.importers import free_exercise_db
from thrustlib.importers.record import ImportRecord, Origin, SourceRecords

if TYPE_CHECKING:
    from thrustlib.importers.write import ExerciseFile, Kept, plan_files, taken_slugs, write_files

_WRITER = frozenset({"ExerciseFile", "Kept", "plan_files", "taken_slugs", "write_files"})
"""The names this package gives of :mod:`thrustlib.importers.write`, loaded when first
asked for (PEP 562): the writer checks what it writes with the parser, and the command
line, which lists :data:`SOURCES` in its help, must not load Markdown and YAML for every
command."""


if not TYPE_CHECKING:  # so that a checker sees the real names above, and only them

    def __getattr__(name: str) -> object:
        if name in _WRITER:
            from thrustlib.importers import write

            return getattr(write, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SOURCES",
    "ExerciseFile",
    "ImportFailed",
    "ImportRecord",
    "ImportResult",
    "Importer",
    "Kept",
    "Origin",
    "SourceRecords",
    "import_file",
    "plan_files",
    "taken_slugs",
    "write_files",
]


class Importer(Protocol):
    """A source of exercises: reads one file of its shape into neutral records."""

    @property
    def name(self) -> str:
        """The name ``thrustlib import`` knows it by (``free-exercise-db``)."""
        ...

    @property
    def summary(self) -> str:
        """What file it reads, in a few words, for ``--help``."""
        ...

    def read(self, path: Path, data: bytes, problems: Problems) -> SourceRecords | None:
        """The records of ``data`` (read from ``path``), or ``None`` when the file as a
        whole is not of this source's shape; every problem goes to ``problems``, each
        naming the record by its index and identifier."""
        ...


SOURCES: Mapping[str, Importer] = MappingProxyType(
    {free_exercise_db.IMPORTER.name: free_exercise_db.IMPORTER}
)
"""Every source ``thrustlib import`` can read, by name."""


class ImportFailed(ThrustlibError):
    """A file that cannot be imported at all: unreadable, or not of the source's shape."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, for the summary and the exit code."""

    file: Path
    """The file imported."""

    folder: Path
    """The folder the exercise files were written to."""

    records: int
    """Items in the file."""

    written: tuple[Path, ...]
    """The files written, in the file's order."""

    kept: tuple[Kept, ...]
    """Existing files left as they were, each instead of a record's file."""

    failed: int
    """Records that could not be imported at all (each reported as an error)."""

    problems: tuple[Problem, ...]
    """Every warning and error, each naming its record."""

    seconds: float
    """Wall time of the whole import."""


def import_file(
    source: Importer | str, path: Path, folder: Path, vocabulary: Vocabulary
) -> ImportResult:
    """Import ``path`` of ``source`` into ``folder``, with the site's ``vocabulary``.

    Raises :class:`ImportFailed` when nothing can be read from the file (and then writes
    nothing); a record that cannot be imported is an error in the result instead.
    """
    from thrustlib.importers.write import plan_files, taken_slugs, write_files

    started = time.perf_counter()
    importer = SOURCES[source] if isinstance(source, str) else source
    problems = Problems()
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = Problem(path, None, f"cannot read the file: {exc.strerror or exc}")
        raise ImportFailed([problem]) from exc
    found = importer.read(path, data, problems)
    if found is None:
        raise ImportFailed(problems.items)
    files = plan_files(path, found.records, vocabulary, problems)
    # Read before writing: what this import writes must not count as taken.
    taken = taken_slugs(folder, vocabulary)
    written, kept = write_files(folder, files, taken)
    return ImportResult(
        file=path,
        folder=folder,
        records=len(found.records) + found.unreadable,
        written=tuple(written),
        kept=tuple(kept),
        failed=found.unreadable + len(found.records) - len(files),
        problems=tuple(problems.sorted()),
        seconds=time.perf_counter() - started,
    )
