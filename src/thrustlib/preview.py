"""The preview's site state: parse results per file, snapshots, and what an edit makes stale.

The site lives in memory as immutable :class:`Snapshot` values: a library, a renderer,
the set of output paths, and the pages rendered from them so far (pages render on first
request, so a 10,000-page site starts fast).

Edits are incremental. Parse results are kept per file, so one saved file is one file
parsed; pages that do not depend on the edited exercise carry over to the new snapshot.
Templates, static files and site.toml change everything and start from an empty cache.

Nothing here holds a lock or a socket: :mod:`thrustlib.serve` makes snapshots on its
rebuild thread and publishes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from thrustlib.config import SiteConfig
from thrustlib.errors import ContentError, Problem, Problems
from thrustlib.library import build_library
from thrustlib.load import EXERCISE_SUFFIXES, display_path, find_exercise_files, is_ignored
from thrustlib.model import Exercise, Library
from thrustlib.parse import ParseResult, parse_exercise
from thrustlib.render import Renderer
from thrustlib.watch import Changes


class Snapshot:
    """One good build: never changes, except for filling in pages as they are asked for."""

    __slots__ = ("_pages", "library", "paths", "renderer")

    def __init__(
        self,
        library: Library,
        renderer: Renderer,
        paths: frozenset[str],
        pages: dict[str, bytes] | None = None,
    ) -> None:
        self.library = library
        self.renderer = renderer
        self.paths = paths
        """Every output path the site has."""
        # Filled from request threads without a lock: a dict store is atomic, and two
        # threads racing to render one page store identical bytes.
        self._pages: dict[str, bytes] = pages if pages is not None else {}

    def page(self, path: str) -> bytes | None:
        """The bytes of output ``path``, rendered on first use; ``None`` if there is none."""
        data = self._pages.get(path)
        if data is None and path in self.paths:
            data = self.renderer.render_page(self.library, path)
            self._pages[path] = data
        return data

    def successor(
        self, library: Library, paths: frozenset[str] | None, stale: Iterable[str]
    ) -> Snapshot:
        """A snapshot of ``library`` keeping the rendered pages that are not ``stale``."""
        pages = dict(self._pages)
        for path in stale:
            pages.pop(path, None)
        if paths is not None and paths != self.paths:
            pages = {p: data for p, data in pages.items() if p in paths}
        return Snapshot(library, self.renderer, paths or self.paths, pages)


def sample(paths: Iterable[str]) -> list[str]:
    """One output path per kind of page, to try the templates before publishing."""
    kinds: dict[tuple[str, int], str] = {}
    for path in sorted(paths):
        if path.endswith(".html"):
            parts = path.split("/")
            kinds.setdefault((parts[0] if len(parts) > 1 else path, len(parts)), path)
    return sorted(kinds.values())


def _structure(exercise: Exercise) -> tuple[Any, ...]:
    """What :func:`~thrustlib.library.build_library` reads of an exercise.

    Two versions of a file that agree on this give the same library but for that one
    exercise's own text, so an edit of the text can skip the cross-file work.
    """
    return (
        exercise.slug,
        exercise.title,
        exercise.draft,
        exercise.variation_of,
        exercise.variation_of_null,
        exercise.muscles,
        exercise.secondary_muscles,
        exercise.equipment,
        exercise.inferred,
        exercise.source.path,
        tuple(exercise.source.key_lines.items()),
    )


class Site:
    """A site's sources as last read: one parse result per file, and the last good build.

    Only the rebuild thread calls it, so it keeps plain mutable state.
    """

    def __init__(self, config: SiteConfig, *, drafts: bool | None = None) -> None:
        self.config = config
        self.drafts_override = drafts
        self.results: dict[Path, ParseResult] = {}
        self.failing: set[Path] = set()
        """Files whose result has errors, so a save need not look through every result."""
        self.library_problems: list[Problem] = []
        self.folder_problem: Problem | None = None
        """The exercises folder is missing (as ``build`` reports it), or ``None``."""
        self.good = False
        """True when ``results`` are exactly what the last published snapshot was built from."""

    @property
    def drafts(self) -> bool:
        """Whether draft exercises are shown."""
        return self.config.drafts if self.drafts_override is None else self.drafts_override

    @property
    def exercises_dir(self) -> Path:
        """The exercises folder, absolute (watchdog reports absolute paths)."""
        return self.config.path(self.config.exercises_dir).absolute()

    def problems(self) -> list[Problem]:
        """Every problem of the sources as they are now, files first."""
        out = [p for result in self.results.values() for p in result.problems]
        if self.folder_problem is not None:
            out.append(self.folder_problem)
        return out + self.library_problems

    def problems_of(self, paths: Iterable[Path]) -> list[Problem]:
        """The problems of the files ``paths``: their own, then the library's about them."""
        paths = list(paths)
        out = [p for path in paths if (r := self.results.get(path)) for p in r.problems]
        root = self.config.root.absolute()
        shown = {display_path(path, root) for path in paths}
        return out + [p for p in self.library_problems if p.path in shown]

    # -- reading ----------------------------------------------------------------------

    def _parse(self, path: Path) -> None:
        shown = display_path(path, self.config.root.absolute())
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._forget(path)  # deleted again before we got to it
            return
        except OSError as exc:
            problem = Problem(shown, None, f"cannot read the file: {exc.strerror or exc}")
            result = ParseResult(None, [problem])
        else:
            result = parse_exercise(shown, data, self.config.vocabulary)
        self.results[path] = result
        if result.ok:
            self.failing.discard(path)
        else:
            self.failing.add(path)

    def _check_folder(self) -> None:
        folder = self.config.path(self.config.exercises_dir)
        if folder.is_dir():
            self.folder_problem = None
        else:
            # As thrustlib.load.load_exercises words it for build and check.
            shown = display_path(folder.absolute(), self.config.root.absolute())
            self.folder_problem = Problem(shown, None, "the exercises folder does not exist")

    def read_all(self) -> None:
        """Parse every exercise file."""
        self.results.clear()
        self.failing.clear()
        self.good = False
        self._check_folder()
        for path in find_exercise_files(self.exercises_dir):
            self._parse(path)

    def _is_exercise(self, path: Path) -> bool:
        try:
            parts = path.relative_to(self.exercises_dir).parts
        except ValueError:
            return False
        return (
            path.name.endswith(EXERCISE_SUFFIXES)
            and not any(is_ignored(part) for part in parts)
            and path.is_file()
        )

    def read_changes(self, changes: Changes) -> dict[Path, ParseResult | None]:
        """Re-parse what ``changes`` names; return each touched file's previous result."""
        before: dict[Path, ParseResult | None] = {}
        self._check_folder()
        paths = set(changes.paths)
        if changes.rescan:
            found = set(find_exercise_files(self.exercises_dir))
            paths |= (found - set(self.results)) | (set(self.results) - found)
        for path in sorted(paths):
            before[path] = self.results.get(path)
            if self._is_exercise(path):
                self._parse(path)
            else:
                self._forget(path)
        return before

    def _forget(self, path: Path) -> None:
        self.results.pop(path, None)
        self.failing.discard(path)

    # -- the library ------------------------------------------------------------------

    def library(
        self, old: Library | None, before: Mapping[Path, ParseResult | None]
    ) -> tuple[Library, set[str] | None]:
        """The library of the sources as they are now; :class:`ContentError` on errors.

        After an edit that leaves the library's structure alone (the usual save: a
        sentence changed), the old library is reused with the edited exercise swapped in,
        so the edit costs the same in a site of 10 exercises as in one of 10,000. The
        second value is then the set of swapped slugs; ``None`` after a full build.
        """
        patched = self._patched(old, before) if old is not None and self.good else None
        self.good = False  # until the caller has published what this returns
        if patched is not None:
            library, changed = patched
        else:
            problems = Problems()
            exercises = [r.exercise for r in self.results.values() if r.ok and r.exercise]
            library = build_library(exercises, self.config.vocabulary, problems, drafts=self.drafts)
            self.library_problems = problems.items
            changed = None
        errors = any(p.severity == "error" for p in self.library_problems)
        if self.failing or self.folder_problem is not None or errors:
            raise ContentError(self.problems())
        return library, changed

    def _patched(
        self, old: Library, before: Mapping[Path, ParseResult | None]
    ) -> tuple[Library, set[str]] | None:
        """``old`` with the edited exercises swapped in, or ``None`` if that is not enough."""
        swapped: dict[str, Exercise] = {}
        for path, previous in before.items():
            current = self.results.get(path)
            if previous is None or current is None or not previous.ok or not current.ok:
                return None
            assert previous.exercise is not None and current.exercise is not None
            if _structure(previous.exercise) != _structure(current.exercise):
                return None
            listed = old.exercises.get(previous.exercise.slug)
            if listed is None:
                continue  # a hidden draft stays hidden
            # The library keeps exercises as parsed (derived parents live in its
            # variation tree), so the new parse result can stand in for the old one.
            swapped[listed.slug] = current.exercise
        exercises = MappingProxyType({**old.exercises, **swapped})
        return dataclasses.replace(old, exercises=exercises), set(swapped)


def changed_slugs(old: Library, new: Library) -> set[str]:
    """Slugs whose exercise or place in a family differs between two libraries."""
    out = set()
    for slug in old.exercises.keys() | new.exercises.keys():
        a, b = old.exercises.get(slug), new.exercises.get(slug)
        if (a is not b and a != b) or old.variations.get(slug) != new.variations.get(slug):
            out.add(slug)
    return out


def stale_pages(renderer: Renderer, old: Library, new: Library, slugs: Iterable[str]) -> set[str]:
    """Output paths that may differ between ``old`` and ``new`` because of ``slugs``."""
    stale: set[str] = set()
    for slug in slugs:
        if slug in old.exercises:
            stale |= renderer.dependents(old, slug)
        if slug in new.exercises:
            stale |= renderer.dependents(new, slug)
    return stale
