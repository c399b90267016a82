"""``thrustlib serve``: a preview that rebuilds on save and reloads the browser.

The site lives in memory as immutable snapshots (:mod:`thrustlib.serve.snapshot`). A rebuild
makes a new snapshot off to the side and publishes it by swapping one reference under a
lock, so a request sees either the old site or the new one, never a mix. A failed
rebuild publishes only its errors: the last good snapshot stays, and every HTML page
shows them in an overlay. Requests are answered by :mod:`thrustlib.serve.http`.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from thrustlib.config import SiteConfig, load_config
from thrustlib.content.model import Library
from thrustlib.engine import cache as content_cache
from thrustlib.engine import parsecache
from thrustlib.engine.incremental import Edits, differences, listing, stale_pages
from thrustlib.engine.site import Engine
from thrustlib.engine.templates import template_cache
from thrustlib.errors import CacheChanged, Problem, ThrustlibError
from thrustlib.serve.http import PreviewHTTPServer
from thrustlib.serve.snapshot import Live, Snapshot, sample
from thrustlib.serve.watch import Changes, Folders, Kind, Watcher, changed_since, describe
from thrustlib.site import urls
from thrustlib.site.render import Renderer

log = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
LONG_POLL_SECONDS = 20.0
"""How long an events request waits for a rebuild before answering 'no change'."""

MAX_LONG_POLLS = 64
"""Events requests that may wait at once; past that they answer at once (each waiting
one holds a thread, and open tabs are not worth an unbounded number of them)."""

_FULL_RESET = 200
"""Past this many changed exercises, drop every rendered page instead of working out
which depend on them: the bookkeeping would cost more than rendering on demand."""


class PreviewServer:
    """An in-memory preview of a site over HTTP that follows edits of its sources.

    ``start()`` builds, binds and starts watching; ``stop()`` undoes all of it. Port 0
    picks a free port; ``url`` is where the site is, ``base_url`` path included.
    """

    def __init__(
        self,
        config: SiteConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        drafts: bool | None = None,
        debounce: float | None = None,
    ) -> None:
        self.config = config
        self.host = host
        self.boot = secrets.token_hex(8)
        """Changes on every start, so open pages know to reload after a restart."""
        # From the content cache, as a build reads it; on every core for the first read.
        self.site = Engine(config, drafts=drafts, cache=True, jobs=None)
        self._drafts = drafts
        self._live = Live(None)
        self._changed = threading.Condition()
        self._build_lock = threading.Lock()
        self._stopping = False
        self._retry: frozenset[Kind] = frozenset()
        """Kinds of change whose rebuild failed: redone with every change until one works."""
        self._polls = threading.BoundedSemaphore(MAX_LONG_POLLS)
        self._waiting = 0
        self._requested_port = port
        self._httpd: PreviewHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._checker: threading.Thread | None = None
        self._check_failed = False
        self._reread: Snapshot | None = None
        """The snapshot whose cache files changed and that the site was read again for."""
        window = {} if debounce is None else {"window": debounce}
        self.watcher = Watcher(Folders.of(config), self._rebuild, **window)

    # -- life cycle -------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the chosen one when asked for port 0)."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The site's address, ``base_url`` path included."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.config.base_path}"

    @property
    def live(self) -> Live:
        """What is being served right now."""
        return self._live

    def start(self) -> bool:
        """Build the site, bind the port and start serving and watching; True when the
        site built (else its errors are what is served until a save mends them)."""
        if self.host not in LOCAL_HOSTS:
            log.warning(
                "serving on %s: other machines can read the preview; it is meant for 127.0.0.1",
                self.host or "all interfaces",
            )
        self._httpd = PreviewHTTPServer(self, (self.host, self._requested_port))
        # The first read comes before any thread (the watcher's, the server's): it may
        # then fork to parse on every core. Saves made while it ran are found by their
        # times once the watch is on, and go through the watcher like any other.
        # (A second of slack: some file systems keep coarse times.)
        since = time.time_ns() - 1_000_000_000
        with self._build_lock:
            built = self._attempt(lambda: self._fresh(check=False), "the site")
        self.watcher.start()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="thrustlib-serve",
            daemon=True,
        )
        self._thread.start()
        # After the first page can be served (a walk of every folder: 0.08 s at 10,000).
        self.watcher.debouncer.add(changed_since(self.watcher.folders, since))
        if built and (first := self._live.snapshot) is not None:
            # No last good pages to keep: the templates are tried once the site is served
            # (0.7 s at 10,000 exercises); a broken one shows as after a save that broke it.
            self._checker = threading.Thread(
                target=self._check_start, args=(first,), name="thrustlib-check", daemon=True
            )
            self._checker.start()
        return built

    def stop(self) -> None:
        """Stop watching and serving; idempotent."""
        with self._changed:
            if self._stopping:
                return
            self._stopping = True
            self._changed.notify_all()  # release waiting long-polls
        self.watcher.stop()
        if self._checker is not None:
            self._checker.join()
        if self._httpd is not None:
            if self._thread is not None:
                self._httpd.shutdown()
                self._thread.join()
            self._httpd.server_close()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def connections(self) -> int:
        """Connections open to the preview right now."""
        return 0 if self._httpd is None else self._httpd.connections

    @property
    def waiting(self) -> int:
        """Events requests waiting for a rebuild right now."""
        return self._waiting

    def wait_for(self, generation: int, timeout: float) -> Live:
        """Block until a build newer than ``generation`` is published, or timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._waiting += 1
            try:
                while self._live.generation == generation and not self._stopping:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(left)
                return self._live
            finally:
                self._waiting -= 1

    def long_poll(self, generation: int) -> tuple[Live, bool]:
        """:meth:`wait_for` for an events request; ``(live, False)`` at once when too many
        are waiting already."""
        if not self._polls.acquire(blocking=False):
            return self._live, False
        try:
            return self.wait_for(generation, LONG_POLL_SECONDS), True
        finally:
            self._polls.release()

    def cache_changed(self, seen: Live, exc: CacheChanged) -> None:
        """What a page request does when a file of the parse cache changed under it (a
        program wrote into it in place): the cache is dropped and every exercise read
        again from its file, as a build that meets it does, once for the snapshot
        ``seen`` shows. If the site no longer builds, its errors are shown over the last
        good pages, as after a save, until an edit mends it."""
        with self._build_lock:
            # Read again once per snapshot: another request did it already, or it failed
            # (a content error) and the snapshot kept is the one that met the change.
            current = self._live.snapshot
            if self._stopping or seen.snapshot is not current or current is self._reread:
                return
            self._reread = seen.snapshot
            log.warning("%s: reading every exercise again without the parse cache", exc.reason)
            parsecache.forget(content_cache.cache_folder(self.config))
            self.site = Engine(self.config, drafts=self._drafts, cache=True)
            self._attempt(self._fresh, "the site again")

    # -- building ---------------------------------------------------------------------

    def _fresh(self, *, check: bool = True) -> Snapshot:
        """Read and build everything, as on start and after site.toml changes."""
        return self._rendered(self.site.load(), check=check)

    def _rendered(self, library: Library, *, check: bool = True) -> Snapshot:
        """A snapshot of ``library`` with a new renderer (templates and assets read again),
        its templates tried on a page of each kind unless not ``check``."""
        renderer = Renderer(self.config, compiled=template_cache(self.config))
        if renderer.template_error is not None:
            raise renderer.template_error
        # The search index is named by a hash of itself: made only to be named unless
        # the last build or preview of these exercises named it.
        names = content_cache.search_names(self.config, self.site.drafts)
        named = names.get(library)
        if named is not None:
            renderer.name_search_index(library, named)
        snapshot = Snapshot(library, renderer, frozenset(renderer.page_paths(library)))
        if named is None:
            names.put(library, renderer.search_index_path(library))
        return self._checked(snapshot, sample(snapshot.paths)) if check else snapshot

    def _check_start(self, first: Snapshot) -> None:
        """Try the templates of ``first``, published on start (see :meth:`start`), on the
        snapshot that has its renderer now (an edit keeps it; a change that reads the
        templates again tries them itself). Only a failure is published, beside any
        errors a rebuild published meanwhile."""
        with self._build_lock:
            current = self._live.snapshot
            if self._stopping or current is None or current.renderer is not first.renderer:
                return
            try:
                self._checked(current, sample(current.paths))
            except Exception as exc:
                found = self._problems_of(exc, "the site's templates")
                self._publish_errors(tuple(dict.fromkeys([*self._live.errors, *found])))
                # As after a save that broke a template: tried again with every change
                # until they work, so an edit elsewhere does not hide it.
                self._retry |= {Kind.TEMPLATES}
                self._check_failed = True

    def wait_checked(self) -> bool:
        """Wait for the templates to be tried after start; False when they failed."""
        if self._checker is not None:
            self._checker.join()
        return not self._check_failed

    def _checked(self, snapshot: Snapshot, paths: Iterable[str]) -> Snapshot:
        # Rendering a few pages before publishing turns a broken template into an overlay
        # over the last good pages instead of a broken page, and warms the cache with the
        # page that the reloading browser asks for first.
        for path in paths:
            snapshot.page(path)
        return snapshot

    def _next(self, changes: Changes) -> Snapshot | None:
        """The snapshot after ``changes``; ``None`` when nothing visible changed."""
        current = self._live.snapshot
        if Kind.CONFIG in changes.kinds:
            self.config = load_config(self.config.root, self.config.config_path)
            self.site = Engine(self.config, drafts=self._drafts, cache=True)
            self.watcher.set_folders(Folders.of(self.config))
            return self._fresh()
        before = self.site.read_changes(changes)
        if current is None or changes.kinds & {Kind.TEMPLATES, Kind.STATIC}:
            library, _ = self.site.library(None, before)
            return self._rendered(library)
        if not before and self.site.good:
            return None
        library, swapped = self.site.library(current.library, before)
        paths: frozenset[str] | None
        if swapped is not None:
            # Same structure: the same pages exist; only the edited ones' dependents move,
            # and the search index gets a new name if what it shows changed.
            old, new = current.library.exercises, library.exercises
            moved = {s for s in swapped if listing(old[s]) != listing(new[s])}
            found = Edits(set(swapped), moved)
            paths = frozenset(current.renderer.page_paths(library)) if moved else None
        else:
            paths = frozenset(current.renderer.page_paths(library))
            found = differences(current.library, library)
        stale: Iterable[str]
        if len(found.edited) > _FULL_RESET:
            stale = current.paths
        else:
            stale = stale_pages(current.renderer, current.library, library, found)
        snapshot = current.successor(library, paths, stale)
        own = [urls.page_file(urls.exercise(slug)) for slug in sorted(found.edited)[:10]]
        return self._checked(snapshot, [p for p in own if p in snapshot.paths])

    def _rebuild(self, changes: Changes) -> None:
        """The watcher's callback: one rebuild, published whole or not at all."""
        with self._build_lock:
            if self._stopping:
                return
            what = describe(changes, self.config.root)
            # A failed rebuild of site.toml or the templates must be redone with every
            # later change: a build of only the new change would publish as if the old
            # failure were fixed.
            changes |= Changes(self._retry)
            touched = None if Kind.CONFIG in changes.kinds else changes.paths
            if self._attempt(lambda: self._next(changes), what, touched):
                self._retry = frozenset()
            else:
                self._retry = changes.kinds

    def _attempt(
        self,
        make: Callable[[], Snapshot | None],
        what: str,
        touched: Iterable[Path] | None = None,
    ) -> bool:
        """Publish what ``make`` builds, or its errors; report warnings of ``touched`` files
        (of every file when ``None``). True when the build worked."""
        started = time.perf_counter()
        try:
            snapshot: Snapshot | None = make()
        except Exception as exc:
            self.site.good = False
            self._publish_errors(self._problems_of(exc, what))
            return False
        self.site.good = True
        if snapshot is None and not self._live.errors:
            return True
        with self._changed:
            self._live = Live(snapshot or self._live.snapshot, (), self._live.generation + 1)
            self._changed.notify_all()
        ms = (time.perf_counter() - started) * 1000
        log.info("built %s in %.0f ms", what, ms)
        problems = self.site.problems() if touched is None else self.site.problems_of(touched)
        _log_problems(logging.WARNING, [p for p in problems if p.severity == "warning"])
        return True

    @staticmethod
    def _problems_of(exc: Exception, what: str) -> tuple[Problem, ...]:
        """What a failed build shows: its problems, or a bug's (which must not end the
        session) as one internal error."""
        if isinstance(exc, ThrustlibError):
            return tuple(exc.errors or exc.problems)
        log.exception("building %s failed", what)
        return (Problem(None, None, f"internal error: {type(exc).__name__}: {exc}"),)

    def _publish_errors(self, errors: tuple[Problem, ...]) -> None:
        with self._changed:
            self._live = Live(self._live.snapshot, errors, self._live.generation + 1)
            self._changed.notify_all()
        kept = " (still serving the last good build)" if self._live.snapshot else ""
        log.error("build failed with %d error(s)%s:", len(errors), kept)
        _log_problems(logging.ERROR, errors)


def _log_problems(level: int, problems: Iterable[Problem], limit: int = 20) -> None:
    items, plain = list(problems), {"problem": True}
    for problem in items[:limit]:
        log.log(level, "  %s", problem, extra=plain)
        for reason in problem.reasons:
            log.log(level, "    Reason: %s", reason, extra=plain)
    if len(items) > limit:
        log.log(level, "  ... and %d more", len(items) - limit, extra=plain)
