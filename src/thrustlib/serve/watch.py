"""Watchdog events -> kinds of change (content, templates, static, config), debounced.

An editor's save is a burst of events (write, close, often a rename of a temporary file),
and a ``git checkout`` is hundreds; the preview should rebuild once for each burst. The
:class:`Debouncer` merges what arrives until the tree has been quiet for a short window,
then hands the merged :class:`Changes` to one callback, on one thread, one batch at a time.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from thrustlib.config import CONFIG_NAME, SiteConfig
from thrustlib.content.files import (
    EXERCISE_SUFFIXES,
    is_editor_leftover,
    is_ignored,
    walk_names,
)

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.05
"""Quiet time that ends a burst: long enough to merge one save's events, short enough
that the edit is on screen before the eye is back on the browser."""

MAX_DELAY_SECONDS = 1.0
"""A stream of events that never goes quiet (a long copy) still rebuilds this often."""

# Reads (opened, closed without writing) are not changes; the server itself reads files.
_CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})


class Kind(enum.Enum):
    """What part of a site changed; each asks for a different amount of rebuilding."""

    CONTENT = "content"
    """Exercise files: re-parse those files, re-render the pages that depend on them."""

    TEMPLATES = "templates"
    """The site's templates: everything renders again."""

    STATIC = "static"
    """The site's static files: the assets (and pages that link fingerprinted ones)."""

    CONFIG = "config"
    """site.toml: settings may touch anything, so the whole site builds again."""


@dataclass(frozen=True, slots=True)
class Folders:
    """The absolute places a site's sources live in, as one watch sees them."""

    root: Path
    exercises: Path
    templates: Path
    static: Path
    config: Path
    output: Path

    @classmethod
    def of(cls, config: SiteConfig) -> Folders:
        """The folders ``config`` names, made absolute.

        Absolute but not resolved: watchdog reports paths under the name a folder was
        scheduled by, and the rest of the preview names files the same way.
        """
        root = config.root.absolute()
        return cls(
            root=root,
            exercises=config.path(config.exercises_dir).absolute(),
            templates=config.path(config.templates_dir).absolute(),
            static=config.path(config.static_dir).absolute(),
            config=(config.config_path or root / CONFIG_NAME).absolute(),
            output=config.path(config.output_dir).absolute(),
        )

    def watched(self) -> list[tuple[Path, bool]]:
        """``(folder, recursive)`` for every existing place to watch.

        The site folder itself is watched without recursion: that sees site.toml and a
        templates or static folder being created, without a watch on every folder of
        a previous build's output (10,000 pages are 10,000 folders, past inotify limits).
        """
        places = [(self.root, False), (self.config.parent, False)]
        places += [(f, True) for f in (self.exercises, self.templates, self.static)]
        return [place for place in dict.fromkeys(places) if place[0].is_dir()]


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed during one burst of events."""

    kinds: frozenset[Kind] = frozenset()
    """The kinds of source that changed."""

    paths: frozenset[Path] = frozenset()
    """Exercise files created, written, deleted or renamed (either name)."""

    rescan: bool = False
    """A folder of exercises came, went or moved: walk the exercises folder again."""

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.kinds | other.kinds, self.paths | other.paths, self.rescan or other.rescan
        )


def _inside(path: Path, folder: Path) -> tuple[str, ...] | None:
    """The parts of ``path`` below ``folder``, or ``None`` when it is not below it."""
    try:
        return path.relative_to(folder).parts
    except ValueError:
        return None


def classify(path: Path, is_directory: bool, folders: Folders) -> Changes:
    """The change one path stands for; empty for editor leftovers and the output."""
    if path == folders.config and not is_directory:
        return Changes(frozenset({Kind.CONFIG}))
    if _inside(path, folders.output) is not None:
        return Changes()
    parts = _inside(path, folders.exercises)
    if parts is not None:
        if any(is_ignored(part) for part in parts):
            return Changes()
        # A link made to a folder is a file to the watcher: it may bring exercises too.
        if is_directory or (path.is_symlink() and not path.name.endswith(EXERCISE_SUFFIXES)):
            return Changes(frozenset({Kind.CONTENT}), rescan=True)
        if path.name.endswith(EXERCISE_SUFFIXES):
            return Changes(frozenset({Kind.CONTENT}), frozenset({path}))
        return Changes()
    for folder, kind in ((folders.templates, Kind.TEMPLATES), (folders.static, Kind.STATIC)):
        parts = _inside(path, folder)
        if parts is not None:
            # "_" names are theme files too (static/_headers, templates/_macros.html).
            if any(is_editor_leftover(part) for part in parts):
                return Changes()
            return Changes(frozenset({kind}))
    return Changes()


def classify_event(event: FileSystemEvent, folders: Folders) -> Changes:
    """The change a watchdog event stands for (both names of a rename count)."""
    if event.event_type not in _CHANGE_EVENTS:
        return Changes()
    if event.is_directory and event.event_type == "modified":
        return Changes()  # a folder's mtime moves whenever a file in it does
    names = [event.src_path, event.dest_path] if event.event_type == "moved" else [event.src_path]
    out = Changes()
    for name in names:
        text = name.decode() if isinstance(name, bytes) else name
        if text:
            out |= classify(Path(text), event.is_directory, folders)
    return out


def changed_since(folders: Folders, since_ns: int) -> Changes:
    """What changed in the sources since ``since_ns`` (a ``time.time_ns()``), found by
    looking at the files' times: the changes made before a watch began.

    The preview reads the site before it starts watching (so that the first read can use
    every core: a process must not fork once it has threads); this finds the saves made
    meanwhile. A file created, deleted or renamed shows as its folder's time.
    """
    out = Changes()
    for folder in (folders.exercises, folders.templates, folders.static):
        # Names and os.stat: a path object for each of 10,000 files, only to look at its
        # time, was most of the cost of a preview's start after its first read.
        for name in (str(folder), *walk_names(folder, skip=lambda name: False, folders=True)):
            try:
                stat = os.stat(name)  # noqa: PTH116 (see above)
            except OSError:
                continue
            if stat.st_mtime_ns >= since_ns:
                out |= classify(Path(name), S_ISDIR(stat.st_mode), folders)
    try:
        if folders.config.stat().st_mtime_ns >= since_ns:
            out |= Changes(frozenset({Kind.CONFIG}))
    except OSError:
        pass
    return out


@dataclass(slots=True)
class _Pending:
    changes: Changes = field(default_factory=Changes)
    first: float = 0.0
    last: float = 0.0


class Debouncer:
    """Merges changes until ``window`` seconds pass without one, then calls ``callback``.

    The callback runs on the debouncer's own thread, so a rebuild never overlaps the
    next one; changes that arrive while it runs are the next batch.
    """

    def __init__(
        self,
        callback: Callable[[Changes], None],
        *,
        window: float = DEBOUNCE_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
    ) -> None:
        self.callback = callback
        self.window = window
        self.max_delay = max_delay
        self._pending = _Pending()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="thrustlib-debounce", daemon=True)

    def start(self) -> None:
        """Start the thread that calls back."""
        self._thread.start()

    def add(self, changes: Changes) -> None:
        """Record changes; the callback sees them after the next quiet window."""
        if not changes:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending.changes:
                self._pending.first = now
            self._pending.changes |= changes
            self._pending.last = now
            self._cond.notify()

    def stop(self) -> None:
        """Stop the thread (after a callback that is running returns); drop what is pending."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _next(self) -> Changes | None:
        """Wait for a quiet burst and take it; ``None`` when stopping."""
        with self._cond:
            while not self._stopping:
                pending = self._pending
                if not pending.changes:
                    self._cond.wait()
                    continue
                now = time.monotonic()
                due = min(pending.last + self.window, pending.first + self.max_delay)
                if now < due:
                    self._cond.wait(due - now)
                    continue
                self._pending = _Pending()
                return pending.changes
            return None

    def _run(self) -> None:
        while (changes := self._next()) is not None:
            try:
                self.callback(changes)
            except Exception:
                # A bug in one rebuild must not end live reload for the session.
                log.exception("rebuild failed unexpectedly")


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.debouncer.add(classify_event(event, self.watcher.folders))


class Watcher:
    """Watches a site's sources with watchdog and reports debounced :class:`Changes`."""

    def __init__(
        self,
        folders: Folders,
        callback: Callable[[Changes], None],
        *,
        window: float = DEBOUNCE_SECONDS,
    ) -> None:
        self.folders = folders
        self.debouncer = Debouncer(self._changed, window=window)
        self._callback = callback
        self._handler = _Handler(self)
        self._observer: BaseObserver = Observer()
        self._observer.daemon = True
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start watching."""
        self._sync()
        self._observer.start()
        self.debouncer.start()

    def stop(self) -> None:
        """Stop watching and join the threads."""
        self._observer.stop()
        self.debouncer.stop()
        if self._observer.is_alive():
            self._observer.join()

    def set_folders(self, folders: Folders) -> None:
        """Watch other folders (site.toml moved the exercises, say)."""
        self.folders = folders
        self._sync()

    def _changed(self, changes: Changes) -> None:
        # A templates or static folder that did not exist at start may exist now.
        if changes.kinds & {Kind.TEMPLATES, Kind.STATIC} or changes.rescan:
            self._sync()
        self._callback(changes)

    def _sync(self) -> None:
        """Schedule the folders that exist now; drop the watches of those that went."""
        with self._lock:
            wanted = set(self.folders.watched())
            for place in list(self._watches):
                if place not in wanted:
                    self._observer.unschedule(self._watches.pop(place))
            for folder, recursive in sorted(wanted - set(self._watches)):
                try:
                    self._watches[(folder, recursive)] = self._observer.schedule(
                        self._handler, str(folder), recursive=recursive
                    )
                except OSError as exc:  # gone again, or out of inotify watches
                    log.warning("cannot watch %s: %s", folder, exc)


def describe(changes: Changes, root: Path) -> str:
    """A short line for the terminal: what is being rebuilt and why."""
    if changes.paths:
        names = sorted(_short(p, root) for p in changes.paths)
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return ", ".join(names[:3]) + more
    return ", ".join(sorted(kind.value for kind in changes.kinds))


def _short(path: Path, root: Path) -> str:
    parts = _inside(path, root)
    return "/".join(parts) if parts else str(path)
