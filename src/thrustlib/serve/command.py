"""``thrustlib serve`` as a command: a :class:`~thrustlib.serve.server.PreviewServer` run
until Ctrl-C, and what belongs to the process rather than to the server (the heap, the
browser, the exit code)."""

from __future__ import annotations

import gc
import logging
import time
import webbrowser

from thrustlib.config import SiteConfig
from thrustlib.serve.server import PreviewServer

log = logging.getLogger(__name__)


def settle_heap(*, collect: bool = True) -> None:
    """Move what the first build made out of the garbage collector's sight.

    A big site is millions of small long-lived objects (every list item of every
    exercise); each full collection walked all of them, which made an edit of a
    10,000-exercise site wait hundreds of milliseconds at random. They live for the whole
    session, so the collector gains nothing by looking at them again. Process-wide, so
    it belongs to the command, not to :class:`PreviewServer`. The collector is on from
    here (the command line starts with it off, as a command that ends soon).

    ``collect`` first frees what is already garbage: needed after a first build that
    failed, whose traceback may hold a whole library in a cycle. After one that worked,
    the garbage in cycles is a few hundred small objects (717 at 10,000 exercises), kept
    for the session rather than walking every object once more on the way to the first
    page (0.3 s at 10,000).
    """
    if collect:
        gc.collect()
    gc.freeze()
    gc.enable()


def run(
    config: SiteConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    drafts: bool | None = None,
) -> int:
    """Serve ``config``'s site until Ctrl-C; the exit code for the CLI."""
    server = PreviewServer(config, host=host, port=port, drafts=drafts)
    try:
        built = server.start()
    except OSError as exc:
        server.stop()
        log.error("cannot serve on %s:%d: %s", host, port, exc.strerror or exc)
        return 1
    # Once the templates are tried: a failure's traceback is not frozen with the heap.
    settle_heap(collect=not (built and server.wait_checked()))
    log.info("serving %s (Ctrl-C to stop)", server.url)
    if open_browser:
        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        server.stop()
    return 0
