"""Every page of a site rendered into a sink, on every core: what build and check share.

The site stage renders one page at a time (:meth:`thrustlib.site.render.Renderer.
render_page`); here the pages are shared among processes, each writing through its own
copy of the sink, and the first failing page, in path order, is raised however many
processes ran.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from thrustlib.content.model import Library
from thrustlib.engine import workers
from thrustlib.site import urls
from thrustlib.site.api import Piece, library_data
from thrustlib.site.api import exercise_part as api_part
from thrustlib.site.render import Progress, Renderer
from thrustlib.site.write import check_paths


class Sink(Protocol):
    """Where pages go as they are rendered (an output writer, or nowhere)."""

    def write(self, path: str, data: bytes) -> None: ...


class Discard:
    """A sink that keeps nothing: ``check`` renders every page only to see that it can."""

    def write(self, path: str, data: bytes) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Rendered:
    """What :func:`render_into` did."""

    pages: int
    """HTML pages rendered."""

    files: int
    """Files rendered in all."""

    spans: dict[str, tuple[int, int]]
    """Where each exercise's piece of the JSON API is in the file (offset, length), by
    slug (empty when the API was not rendered), for the next build to reuse."""


def render_into(
    renderer: Renderer,
    library: Library,
    sink: Sink,
    *,
    paths: list[str] | None = None,
    parts: Mapping[str, Piece] | None = None,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> Rendered:
    """Render ``paths`` (default: every output file) into ``sink``, kept nowhere else.

    Up to ``jobs`` processes (``None``: one per core) share the pages, so ``sink`` must
    write to disk (an :class:`~thrustlib.site.write.OutputWriter`) or need nothing back.
    The JSON API is put together here from each exercise's piece, made by whichever
    process is free (reading an exercise whole is most of its cost) or taken from
    ``parts``.
    """
    if paths is None:
        paths = renderer.page_paths(library)
    api = urls.API_DATA in paths
    known = dict(parts or {}) if api else {}
    base = renderer.url(urls.HOME)
    related = renderer.related(library)
    items: list[tuple[str, str]] = [("page", p) for p in paths if p != urls.API_DATA]
    if api:
        # Each exercise's piece right after its page: the two read the exercise whole,
        # and one process opens it once for both (chunks are runs of items in order).
        after = {
            urls.page_file(urls.exercise(slug)): slug
            for slug in library.exercises
            if slug not in known
        }
        ordered: list[tuple[str, str]] = []
        for item in items:
            ordered.append(item)
            if (slug := after.pop(item[1], None)) is not None:
                ordered.append(("part", slug))
        items = ordered + [("part", slug) for slug in after.values()]  # pages not rendered
    count = workers.processes(jobs, len(items))
    # ``order`` keeps where each item was in path order, for the failure to raise.
    order: Sequence[int] = range(len(items))
    if count > 1:
        check_paths(paths)  # no process sees the paths the others write
        renderer.warm()
        # The pages that list many exercises go first (the A-Z page costs as much as 300
        # exercise pages): the processes then end together on the even run of exercise
        # pages, instead of waiting for one that took a long page last.
        order = sorted(order, key=lambda n: _even(items[n]))
        items = [items[n] for n in order]
    total = len(items)
    finished = 0

    def render_one(item: tuple[str, str]) -> bytes | BaseException | None:
        kind, name = item
        try:
            if kind == "part":
                return api_part(library, name, base, related)
            sink.write(name, renderer.render_page(library, name))
        except Exception as exc:
            return exc
        return None

    def sent(result: bytes | BaseException | None) -> bytes | BaseException | None:
        return workers.portable(result) if isinstance(result, BaseException) else result

    def done(n: int) -> None:
        # Only this process reports; the others are taken to keep pace.
        nonlocal finished
        finished += n
        if progress is not None:
            progress("render", min(finished * count, total), total)

    results = workers.map_items(render_one, items, count, sent=sent, done=done)
    failures = [(order[n], r) for n, r in enumerate(results) if isinstance(r, BaseException)]
    if failures:
        # The first failing page in path order, however many processes ran.
        raise min(failures, key=lambda failure: failure[0])[1]
    for (kind, name), result in zip(items, results, strict=True):
        if kind == "part" and isinstance(result, bytes):
            known[name] = result
    spans: dict[str, tuple[int, int]] = {}
    if api:
        sink.write(urls.API_DATA, library_data(library, base, known, spans, related=related))
    if progress is not None:
        progress("render", total, total)
    pages = sum(1 for path in paths if path.endswith(".html"))
    return Rendered(pages, len(paths), spans)


def _even(item: tuple[str, str]) -> bool:
    """True for an exercise's page or its piece of the API: the many items of about
    the same cost, which :func:`render_into` hands out last."""
    kind, name = item
    if kind == "part":
        return True
    shape = urls.route(name)
    return shape is not None and shape[0] == urls.EXERCISES and shape[1] is not None
