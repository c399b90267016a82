"""The engine: a site's exercise files -> entries -> library and problems, for every command.

``thrustlib build``, ``check`` and ``serve`` all go through :class:`Engine` (Zola's
``Site`` is the model): :meth:`Engine.load` reads every file (from the content cache and
on every core when asked) and :meth:`Engine.library` turns the entries into the library
and its problems; the preview then calls :meth:`Engine.read_changes` and
:meth:`Engine.library` again for each save, falling back to the whole library whenever
an edit may reach past its own exercise. One path from files to library means a build
and a preview can never disagree about a site's problems or pages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from thrustlib.config import SiteConfig
from thrustlib.content import files
from thrustlib.content.files import (
    EXERCISE_SUFFIXES,
    check_file,
    display_path,
    exercise_files,
    is_ignored,
    walk_order,
)
from thrustlib.content.library import build_library, shape, structure, with_indexes
from thrustlib.content.model import Entry, Exercise, HeldContents, Library
from thrustlib.content.result import ParseResult
from thrustlib.engine import cache as content_cache
from thrustlib.engine import indexes, packing
from thrustlib.engine.fileindex import FileIndex
from thrustlib.engine.load import (
    Loaded,
    Rules,
    read_entries,
    read_entry,
    take_entries,
    take_problems,
)
from thrustlib.engine.parsecache import ParseCache
from thrustlib.errors import ContentError, Problem, Problems


class Changes(Protocol):
    """What the preview saw change (:class:`thrustlib.serve.watch.Changes` has these)."""

    @property
    def paths(self) -> frozenset[Path]:
        """Exercise files created, written, deleted or renamed."""

    @property
    def rescan(self) -> bool:
        """A folder of exercises came, went or moved: walk the exercises folder again."""


def _ok(entry: Loaded | None) -> bool:
    """True for a file that was read and parsed without errors."""
    return entry is not None and not isinstance(entry, Problem) and entry.ok


def _entry(loaded: ParseResult | packing.PackedResult) -> Entry | None:
    return loaded.exercise if isinstance(loaded, ParseResult) else loaded.entry


class Engine:
    """A site's exercise files as last read, one entry per file, and their library.

    Only one thread calls it at a time (the build, or the preview's rebuild thread), so
    it keeps plain mutable state.
    """

    def __init__(
        self,
        config: SiteConfig,
        *,
        drafts: bool | None = None,
        cache: bool = False,
        jobs: int | None = 1,
        files: FileIndex | None = None,
    ) -> None:
        self.config = config
        self.drafts = config.drafts if drafts is None else drafts
        """Whether draft exercises are part of the site."""
        self.jobs = jobs
        self.cache = (
            ParseCache(content_cache.cache_folder(config), config.vocabulary, files)
            if cache
            else None
        )
        self.entries: dict[Path, Loaded] = {}
        """Every exercise file's entry by its absolute path, in walk order."""
        self.library_problems: list[Problem] = []
        self.folder_problem: Problem | None = None
        """The exercises folder is missing, or ``None``."""
        self.rules = Rules.of(config)
        self.walk_problems: list[Problem] = []
        """What the walk of the exercises folder refused besides files (links to folders
        out of the site, loops) or found too many files for."""
        self.theme_problems: list[Problem] = []
        """What the walks of the templates and static folders refused or skipped, so that
        a build reports them with the exercises' problems (rendering refuses them too)."""
        self.good = False
        """True when ``entries`` are exactly what the last library given out came from."""
        self.warnings: tuple[Problem, ...] = ()
        """The warnings of the last library given out."""
        self.saved: Callable[[], bool] = lambda: True
        """Whether the parse cache was written: waits for the process writing it, if any."""

    @property
    def folder(self) -> Path:
        """The exercises folder, absolute (the watcher reports absolute paths)."""
        return self.config.path(self.config.exercises_dir).absolute()

    @property
    def root(self) -> Path:
        """The site folder, absolute: paths in problems are shown relative to it."""
        return self.config.root.absolute()

    # -- reading ----------------------------------------------------------------------

    def load(
        self, *, save_apart: bool = False, meanwhile: Callable[[], None] | None = None
    ) -> Library:
        """Read every exercise file and build the library; :class:`ContentError` with
        every problem when any is an error.

        With ``save_apart``, a parse cache of many files parsed again is written by a
        second process while the library is put together (:meth:`ParseCache.save`, as
        ``jobs`` allows): :attr:`saved` waits for it. ``meanwhile()`` is run by this
        process while others parse the files, or before the parse when this process
        parses them alone; not when the folder is missing or the library too large
        (see :func:`~thrustlib.engine.load.read_entries`).
        """
        self.entries.clear()
        self.good = False
        self._check_folder()
        self.theme_problems = self._survey_theme()
        self.walk_problems = []
        if self.folder_problem is None:
            walked = Problems()
            found = read_entries(
                self.folder,
                self.config.vocabulary,
                root=self.root,
                cache=self.cache,
                jobs=self.jobs,
                rules=self.rules,
                problems=walked,
                meanwhile=meanwhile,
            )
            self.walk_problems = walked.items
            self.entries.update(found)
            if self.cache is not None:
                # Content errors are the files' problem; the results stay valid.
                self.saved = self.cache.save(jobs=self.jobs if save_apart else 1)
        library, _ = self.library(None, {})
        return library

    def _survey_theme(self) -> list[Problem]:
        """The problems of the site's templates and static folders' files (links out of
        the site, special files...), found by the walk that reads them."""
        problems = Problems()
        for folder in (self.config.templates_dir, self.config.static_dir):
            for _ in files.walk(
                self.config.path(folder), boundary=self.rules.boundary, problems=problems
            ):
                pass
        return problems.items

    def _check_folder(self) -> None:
        if self.folder.is_dir():
            self.folder_problem = None
        else:
            shown = display_path(self.folder, self.root)
            self.folder_problem = Problem(shown, None, "the exercises folder does not exist")

    def _is_exercise(self, path: Path) -> bool:
        try:
            parts = path.relative_to(self.folder).parts
        except ValueError:
            return False
        # Whatever is there but a folder: a link or a pipe is named by the file's entry.
        return (
            path.name.endswith(EXERCISE_SUFFIXES)
            and not any(is_ignored(part) for part in parts)
            and (path.is_symlink() or path.exists())
            and not path.is_dir()
        )

    def read_changes(self, changes: Changes) -> dict[Path, Loaded | None]:
        """Read again what ``changes`` names; return each touched file's previous entry."""
        before: dict[Path, Loaded | None] = {}
        self._check_folder()
        paths = set(changes.paths)
        boundary = self.rules.boundary
        assert boundary is not None
        if changes.rescan:
            walked = Problems()
            found = {path for path, _ in exercise_files(self.folder, boundary, walked)}
            self.walk_problems = walked.items
            paths |= (found - set(self.entries)) | (set(self.entries) - found)
        added = False
        for path in sorted(paths):
            before[path] = self.entries.get(path)
            if self._is_exercise(path):
                added |= path not in self.entries
                # The same rules as the walk: a file that became a link out of the site is
                # refused here as it would be by a fresh build.
                refusal = check_file(path, boundary)
                shown = display_path(path, self.root)
                limit = self.rules.max_file_size
                entry = refusal or read_entry(shown, path, self.config.vocabulary, limit)
                if entry is not None:
                    self.entries[path] = entry
                    continue
            # Gone, or removed since it was seen (its deletion is reported next).
            self.entries.pop(path, None)
        if added:  # problems and exercises come in the order a fresh walk gives them
            order = sorted(self.entries, key=lambda path: walk_order(path, self.folder))
            self.entries = {path: self.entries[path] for path in order}
        return before

    # -- the library ------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem of the sources as they are now: the folder's, the files' (in walk
        order), then the library's."""
        problems = Problems()
        problems.extend(self._source_problems())
        take_problems(self.entries.values(), problems)
        return problems.items + self.library_problems

    def _source_problems(self) -> list[Problem]:
        """The problems of the folders rather than of one exercise file."""
        folder = [self.folder_problem] if self.folder_problem is not None else []
        return folder + self.theme_problems + self.walk_problems

    def problems_of(self, paths: Iterable[Path]) -> list[Problem]:
        """The problems of the files ``paths``: their own, then the library's about them."""
        paths = list(paths)
        problems = Problems()
        take_problems([e for p in paths if (e := self.entries.get(p)) is not None], problems)
        shown = {display_path(path, self.root) for path in paths}
        return problems.items + [p for p in self.library_problems if p.path in shown]

    def library(
        self, old: Library | None, before: Mapping[Path, Loaded | None]
    ) -> tuple[Library, set[str] | None]:
        """The library of the entries as they are now; :class:`ContentError` on errors.

        After an edit that leaves the library's structure alone (the usual save: a
        sentence changed), ``old`` is reused with the edited exercise swapped in, so the
        edit costs the same in a site of 10 exercises as in one of 10,000. The second
        value is then the set of swapped slugs; ``None`` after a full build.
        """
        patched = self._patched(old, before) if old is not None and self.good else None
        self.good = False  # until the caller has published what this returns
        problems = Problems()
        if patched is not None:
            library, changed = patched
            problems.extend(self.problems())
        else:
            problems.extend(self._source_problems())
            packed: dict[int, packing.PackedResult] = {}
            exercises = take_entries(self.entries.values(), problems, packed)
            mark = len(problems.items)
            # Kept indexes help a first read (a build, a preview starting); after an edit
            # the preview saw, they are another library's: not looked for, nor kept.
            library = self._indexed(exercises, problems, packed, kept=old is None)
            if packed:
                library = dataclasses.replace(
                    library, contents=packing.PackedContents.of(library, packed)
                )
            self.library_problems = problems.items[mark:]
            changed = None
        if problems.has_errors():
            raise ContentError(problems.items)
        self.warnings = tuple(problems.warnings)
        return library, changed

    def _indexed(
        self,
        exercises: list[Entry],
        problems: Problems,
        packed: Mapping[int, packing.PackedResult],
        *,
        kept: bool,
    ) -> Library:
        """:func:`build_library` of ``exercises``, or (with ``kept``) the last build's
        indexes when every exercise has the structure it had then
        (:mod:`thrustlib.engine.indexes`). ``packed`` holds the packed results some of
        them came in (:func:`~thrustlib.engine.load.take_entries`)."""
        vocabulary = self.config.vocabulary
        if self.cache is None or not kept:
            return build_library(exercises, vocabulary, problems, drafts=self.drafts)
        context = content_cache.library_context(self.config.vocabulary, self.drafts)

        # A packed result carries its entry's shape, taken where it was parsed: only an
        # exercise parsed whole in this process is hashed here.
        def shape_of(exercise: Entry) -> bytes:
            result = packed.get(id(exercise))
            return result.shape if result is not None and result.shape else shape(exercise)

        found = indexes.key(map(shape_of, exercises), context)
        known = self.cache.indexes.get(found)
        if known is not None:
            made, made_problems = known
            problems.extend(made_problems)
            return with_indexes(exercises, vocabulary, made, drafts=self.drafts)
        mark = len(problems.items)
        library = build_library(exercises, vocabulary, problems, drafts=self.drafts)
        if not problems.has_errors():  # a library with errors is never used
            self.cache.indexes.put(found, library, problems.items[mark:])
        return library

    def _patched(
        self, old: Library, before: Mapping[Path, Loaded | None]
    ) -> tuple[Library, set[str]] | None:
        """``old`` with the edited exercises swapped in, or ``None`` if that is not enough."""
        swapped: dict[str, Exercise] = {}
        for path, previous in before.items():
            current = self.entries.get(path)
            if not _ok(previous) or not _ok(current):
                return None
            # What was read again was parsed here: it is whole.
            assert isinstance(current, ParseResult)
            assert previous is not None and not isinstance(previous, Problem)
            was, now = _entry(previous), current.exercise
            assert was is not None and now is not None
            if structure(was) != structure(now):
                return None
            listed = old.exercises.get(was.slug)
            if listed is None:
                continue  # a hidden draft stays hidden
            # The library keeps entries as parsed (derived parents live in its variation
            # tree), so the new parse result can stand in for the old one.
            swapped[listed.slug] = now
        exercises = MappingProxyType(
            {**old.exercises, **{s: e.entry() for s, e in swapped.items()}}
        )
        # In front of the old contents: a swapped exercise's old form is never opened.
        contents = HeldContents.over(old.contents, swapped)
        return dataclasses.replace(old, exercises=exercises, contents=contents), set(swapped)
