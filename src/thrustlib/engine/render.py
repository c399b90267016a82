"""Every page of a site rendered into a sink, on every core: what build and check share.

The site stage renders one page at a time (:meth:`thrustlib.site.render.Renderer.
render_page`); here the pages are shared among processes, each writing through its own
copy of the sink, and the first failing page, in path order, is raised however many
processes ran.
"""

from __future__ import annotations

from typing import Protocol

from thrustlib.content.model import Library
from thrustlib.engine import workers
from thrustlib.site.render import Progress, Renderer
from thrustlib.site.write import check_paths


class Sink(Protocol):
    """Where pages go as they are rendered (an output writer, or nowhere)."""

    def write(self, path: str, data: bytes) -> None: ...


class Discard:
    """A sink that keeps nothing: ``check`` renders every page only to see that it can."""

    def write(self, path: str, data: bytes) -> None:
        pass


def render_into(
    renderer: Renderer,
    library: Library,
    sink: Sink,
    *,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> int:
    """Render every output file into ``sink``, kept nowhere else; the HTML pages counted.

    Up to ``jobs`` processes (``None``: one per core) share the pages, so ``sink`` must
    write to disk (an :class:`~thrustlib.site.write.OutputWriter`) or need nothing back.
    """
    paths = renderer.page_paths(library)
    count = workers.processes(jobs, len(paths))
    if count > 1:
        check_paths(paths)  # no process sees the paths the others write
        renderer.warm()
    total = len(paths)
    finished = 0

    def render_one(path: str) -> BaseException | None:
        try:
            sink.write(path, renderer.render_page(library, path))
        except Exception as exc:
            return exc
        return None

    def sent(failure: BaseException | None) -> BaseException | None:
        return None if failure is None else workers.portable(failure)

    def done(n: int) -> None:
        # Only this process reports; the others are taken to keep pace.
        nonlocal finished
        finished += n
        if progress is not None:
            progress("render", min(finished * count, total), total)

    failures = workers.map_items(render_one, paths, count, sent=sent, done=done)
    failed = next((f for f in failures if f is not None), None)
    if failed is not None:
        raise failed  # the first failing page in path order, however many processes ran
    if progress is not None:
        progress("render", total, total)
    return sum(1 for path in paths if path.endswith(".html"))
