"""The preview's HTTP side: the request handler, the threading server, content types.

Every answer comes from the preview's live snapshot in memory; nothing on disk is read
for a request. The handler sees the preview only through :class:`Preview`, so this module
never imports :mod:`thrustlib.serve.server`, which builds what it serves. How requests
come in is not its business: :mod:`thrustlib.serve.connections` bounds the connections and
gives each a thread, :mod:`thrustlib.serve.heads` reads each request head within limits.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import mimetypes
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from thrustlib.config import SiteConfig
from thrustlib.errors import CacheChanged, Problem, ThrustlibError
from thrustlib.serve import inject
from thrustlib.serve.connections import ConnectionServer
from thrustlib.serve.heads import HeadReader
from thrustlib.serve.snapshot import Live, Snapshot
from thrustlib.site import urls

log = logging.getLogger(__name__)

IDLE_SECONDS = 30.0
"""A connection gets this long to send a whole request head, and a stalled read or write
ends after it (longer than a long-poll waits, :data:`thrustlib.serve.server.LONG_POLL_SECONDS`)."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}

_GUESSES = mimetypes.MimeTypes()
"""Python's own table only: what the machine's mime.types says must not change answers."""
_GUESSES.add_type("font/ttf", ".ttf")
_GUESSES.add_type("font/otf", ".otf")


def content_type(path: str) -> str:
    """The Content-Type for an output path, by its suffix."""
    suffix = PurePosixPath(path).suffix.lower()
    known = CONTENT_TYPES.get(suffix)
    if known is not None:
        return known
    guess, encoding = _GUESSES.guess_type("file" + suffix, strict=False)
    if guess is None or encoding is not None:
        # A .gz served as its contents' type would be wrong; unknown stays opaque.
        return "application/octet-stream"
    return f"{guess}; charset=utf-8" if guess.startswith("text/") else guess


class Preview(Protocol):
    """What a request needs of the preview: its site, and a way to wait for the next one."""

    @property
    def boot(self) -> str:
        """Changes on every start, so open pages know to reload after a restart."""
        ...

    @property
    def config(self) -> SiteConfig:
        """The site being previewed (its ``base_path`` most of all)."""
        ...

    @property
    def live(self) -> Live:
        """What is being served right now."""
        ...

    def long_poll(self, generation: int) -> tuple[Live, bool]:
        """The next build after ``generation``; ``(live, False)`` when too many wait."""
        ...

    def cache_changed(self, seen: Live, exc: CacheChanged) -> None:
        """A page of ``seen`` met a parse cache changed under it: read the files again."""
        ...


class PreviewHTTPServer(ConnectionServer):
    """The preview's server: bounded connections (:mod:`~thrustlib.serve.connections`)
    answered from the preview's snapshot."""

    def __init__(self, preview: Preview, address: tuple[str, int]) -> None:
        self.preview = preview
        super().__init__(address, _Handler)


class _Handler(HeadReader):
    """Serves the live snapshot from memory; nothing on disk is ever read for a request."""

    server: PreviewHTTPServer
    server_version = "thrustlib-preview"
    # Without a timeout an idle keep-alive connection holds its thread forever.
    timeout = IDLE_SECONDS

    # -- methods ------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _not_allowed(self) -> None:
        # The body of such a request is never read: the connection cannot go on after it.
        self.close_connection = True
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"Method not allowed\n",
            "text/plain",
            extra={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def log_message(self, format: str, *args: Any) -> None:
        # Called for every answer: format only when someone reads it.
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s - %s", self.address_string(), format % args)

    # -- answering ----------------------------------------------------------------------

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        ctype: str,
        *,
        head: bool = False,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        # HTML must never come from the browser's cache in a preview: the point is to
        # see the edit. Assets may be cached but are checked again on every load.
        self.send_header(
            "Cache-Control", "no-store" if ctype.startswith("text/html") else "no-cache"
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str, *, head: bool) -> None:
        self._send(HTTPStatus.FOUND, b"", "text/plain", head=head, extra={"Location": location})

    def _error_page(self, errors: Iterable[Problem], live: Live, *, head: bool) -> None:
        """A 500 page listing ``errors``; it is the overlay, so none is added to it."""
        page = inject.error_page(errors).encode()
        self._html(
            HTTPStatus.INTERNAL_SERVER_ERROR, page, dataclasses.replace(live, errors=()), head=head
        )

    def _html(self, status: HTTPStatus, page: bytes, live: Live, *, head: bool) -> None:
        preview = self.server.preview
        addition = inject.live_script(preview.boot, live.generation)
        if live.errors:
            addition = inject.overlay(live.errors) + addition
        self._send(status, inject.inject(page, addition), CONTENT_TYPES[".html"], head=head)

    def _respond(self, *, head: bool) -> None:
        preview = self.server.preview
        try:
            target = urlsplit(self.path)
            path = unquote(target.path, errors="strict")
        except (ValueError, UnicodeDecodeError):
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request\n", "text/plain", head=head)
            return
        if (
            not path.startswith("/")
            or "\\" in path
            or "\x00" in path
            or any(part in (".", "..") for part in path.split("/"))
        ):
            # No normalising: a path that tries to climb is not a page, whatever it names.
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request\n", "text/plain", head=head)
            return
        if path == inject.EVENTS_PATH:
            self._events(target.query, head=head)
            return
        live = preview.live
        base = preview.config.base_path
        if not path.startswith(base):
            if path in ("/", base.rstrip("/")):
                self._redirect(base, head=head)
            else:
                self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain", head=head)
            return
        if live.snapshot is None:
            self._error_page(live.errors, live, head=head)
            return
        rel = path[len(base) :]
        if rel == "" or rel.endswith("/"):
            rel += urls.INDEX
        try:
            try:
                data, folder, missing = _lookup(live.snapshot, rel)
            except CacheChanged as exc:
                # An exercise it needs came from a cache file something wrote into: the
                # site is read again from its files, and the page rendered from those.
                preview.cache_changed(live, exc)
                live = preview.live
                if live.snapshot is None:
                    raise
                data, folder, missing = _lookup(live.snapshot, rel)
            if folder:
                # A folder without its slash: relative links only resolve from inside it.
                query = f"?{target.query}" if target.query else ""
                self._redirect(path + "/" + query, head=head)
                return
            status = HTTPStatus.OK
            if data is None:
                status, data, rel = HTTPStatus.NOT_FOUND, missing, urls.NOT_FOUND
                if data is None:
                    self._send(status, b"Not found\n", "text/plain", head=head)
                    return
        except ThrustlibError as exc:
            # A page the pre-publish check did not try; show its error like a failed build,
            # in the one overlay the error page already is.
            errors = dict.fromkeys([*live.errors, *(exc.errors or exc.problems)])
            self._error_page(errors, live, head=head)
            return
        ctype = content_type(rel)
        if ctype == CONTENT_TYPES[".html"]:
            self._html(status, data, live, head=head)
        else:
            self._send(status, data, ctype, head=head)

    def _events(self, query: str, *, head: bool) -> None:
        """Answer once the generation or boot the page knows is out of date."""
        preview = self.server.preview
        params = parse_qs(query)
        boot = params.get("boot", [""])[0]
        try:
            generation = int(params.get("generation", ["-1"])[0])
        except ValueError:
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request\n", "text/plain", head=head)
            return
        live, waited = preview.live, True
        if boot == preview.boot and not head:
            live, waited = preview.long_poll(generation)
        state: dict[str, Any] = {
            "boot": preview.boot,
            "generation": live.generation,
            "errors": len(live.errors),
        }
        if not waited:
            state["busy"] = True  # the page pauses before it asks again
        body = json.dumps(state).encode()
        self._send(HTTPStatus.OK, body, CONTENT_TYPES[".json"], head=head)


def _lookup(snapshot: Snapshot, rel: str) -> tuple[bytes | None, bool, bytes | None]:
    """The page at ``rel`` of ``snapshot``; else whether it is a folder asked for without
    its slash, and the not-found page. Each is rendered on first use, so any of them
    may meet a changed cache file (:class:`~thrustlib.errors.CacheChanged`)."""
    data = snapshot.page(rel)
    if data is not None:
        return data, False, None
    if snapshot.page(f"{rel}/{urls.INDEX}") is not None:
        return None, True, None
    return None, False, snapshot.page(urls.NOT_FOUND)
