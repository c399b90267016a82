"""Per-stage cost of one exercise file, in one process: where a build's time goes.

Writes each corpus (``corpus.py``: real-shaped and tidy by default) into a temporary
site folder, then times, file by file in this one process, each stage a build runs:

- read: the file's bytes (``Path.read_bytes``; the OS page cache is warm after round 1);
- decode: bytes to text with LF endings (``parse.decode``);
- front matter: ``split_front_matter``, which loads the YAML with PyYAML's C loader (the
  row below it is that loader alone, on the same text);
- body: ``parse_body`` with ``fast=True`` (the line scanner, else thrustlib's tuned
  markdown-it-py) and with ``fast=False`` (plain markdown-it-py, the reference);
- rest of parse: ``parse_exercise`` as a whole less decode, front matter and the fast
  body (the checks of each value, titles, muscle inference, HowTo steps);
- library: ``build_library`` over all the parsed exercises, divided by their number;
- render: ``Renderer(config).render_page(library, path)`` for every path of
  ``page_paths(library)``, by page kind, and all of it divided by the exercises.

Each stage runs over every file in a row, ``--rounds`` times; the figure is the median
round's time divided by the files. The garbage collector is off while a stage is timed,
as it is during a build. Writing the output and the worker processes of a build (which
share parsing and rendering among the cores) are not in these figures.

    python bench/bench_stages.py                        # real and tidy, 1000 files, 5 rounds
    python bench/bench_stages.py --corpus real,tidy,freedb -n 300 --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from benchutil import machine, median
from corpus import SHAPES, Corpus, write_site

from thrustlib.config import load_config
from thrustlib.content import fastpath
from thrustlib.content.body import parse_body
from thrustlib.content.files import find_exercise_files
from thrustlib.content.front_matter import split_front_matter
from thrustlib.content.library import build_library
from thrustlib.content.model import Exercise
from thrustlib.content.parse import decode, parse_exercise
from thrustlib.errors import Problems
from thrustlib.site import urls
from thrustlib.site.render import Renderer

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Page kinds, in the order the table lists them, by what urls.route gives a path.
ENTRY_KINDS = {
    urls.EXERCISES: "exercise page",
    urls.MUSCLES: "muscle page",
    urls.EQUIPMENT: "equipment page",
    urls.VARIATIONS: "variation family page",
}
INDEX_KINDS = {
    urls.HOME: "home page",
    urls.EXERCISES: "all-exercises page",
    urls.MUSCLES: "muscles index",
    urls.EQUIPMENT: "equipment index",
    urls.VARIATIONS: "variations index",
    urls.NOT_FOUND: "404 page",
}
FILE_KINDS = {
    urls.API_DATA: "api/exercises.json",
    urls.API_SCHEMA: "api schema",
    urls.SITEMAP: "sitemap.xml",
    urls.ROBOTS: "robots.txt",
}


def page_kind(path: str) -> str:
    if path in FILE_KINDS:
        return FILE_KINDS[path]
    if path.startswith(urls.STATIC):
        return "static file"
    shape = urls.route(path)
    if shape is None:
        return "other"
    section, key = shape
    if key is None:
        return INDEX_KINDS.get(section, section)
    return ENTRY_KINDS.get(section, section)


@dataclass(slots=True)
class Figures:
    """Microseconds per file of each stage, and per page of each page kind."""

    corpus: Corpus
    fast_share: float = 0.0
    setup_ms: float = 0.0
    """Making the renderer (compiling every template, reading the static files): once
    per build, not per file."""
    stages: dict[str, float] = field(default_factory=dict)
    pages: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Kind -> (pages of that kind, median microseconds per page)."""


def timed(rounds: int, run: Callable[[], object]) -> float:
    """Median seconds of ``rounds`` calls of ``run``, with the collector off, as in a build."""
    times = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return median(times)


def measure(corpus: Corpus, rounds: int) -> Figures:
    config = load_config(corpus.site)
    vocabulary = config.vocabulary
    sections = vocabulary.sections
    paths = list(find_exercise_files(corpus.exercises))
    count = len(paths)
    figures = Figures(corpus)
    per_file = 1e6 / count

    data = [p.read_bytes() for p in paths]
    figures.stages["read bytes"] = timed(rounds, lambda: [p.read_bytes() for p in paths])
    texts = [decode(p, d, Problems()) or "" for p, d in zip(paths, data, strict=True)]
    figures.stages["decode"] = timed(
        rounds, lambda: [decode(p, d, Problems()) for p, d in zip(paths, data, strict=True)]
    )

    split = [split_front_matter(p, t, Problems()) for p, t in zip(paths, texts, strict=True)]
    figures.stages["front matter (split_front_matter)"] = timed(
        rounds,
        lambda: [split_front_matter(p, t, Problems()) for p, t in zip(paths, texts, strict=True)],
    )
    # The YAML text alone, for the loader's share of the front-matter stage.
    yaml_texts = [t.split("---\n", 2)[1] if t.startswith("---\n") else "" for t in texts]
    figures.stages["  of which PyYAML C loader alone"] = timed(
        rounds, lambda: [yaml.load(t, Loader=YAML_LOADER) for t in yaml_texts]
    )

    bodies = [(p, s[2], s[3]) for p, s in zip(paths, split, strict=True) if s is not None]
    fast = sum(1 for _, body, line0 in bodies if fastpath.scan(body, line0) is not None)
    figures.fast_share = fast / count

    def read_bodies(fast: bool) -> None:
        for path, body, line0 in bodies:
            parse_body(path, body, line0, Problems(), sections, fast=fast)

    figures.stages["body, fast=True"] = timed(rounds, lambda: read_bodies(True))
    figures.stages["body, fast=False (plain markdown-it-py)"] = timed(
        rounds, lambda: read_bodies(False)
    )

    def parse_all() -> list[Exercise]:
        out = []
        for path, raw in zip(paths, data, strict=True):
            exercise = parse_exercise(path, raw, vocabulary).exercise
            if exercise is not None:
                out.append(exercise)
        return out

    whole = timed(rounds, parse_all)
    exercises = parse_all()
    known = sum(
        figures.stages[k]
        for k in ("decode", "front matter (split_front_matter)", "body, fast=True")
    )
    figures.stages["rest of parse (parse_exercise less the above)"] = whole - known
    figures.stages["parse_exercise, whole"] = whole

    problems = Problems()
    library = build_library(exercises, vocabulary, problems)
    if problems.has_errors():
        raise SystemExit(f"the {corpus.shape} corpus has errors: {problems.errors[:3]}")
    figures.stages["library (build_library)"] = timed(
        rounds, lambda: build_library(exercises, vocabulary, Problems())
    )

    made = time.perf_counter()
    Renderer(config).warm()
    figures.setup_ms = (time.perf_counter() - made) * 1000
    by_kind: dict[str, list[list[float]]] = {}
    totals = []
    for _ in range(rounds):
        # A fresh renderer each round, as each build has: its caches (the cards every
        # listing page shows) fill during the round, as they do during a build.
        renderer = Renderer(config)
        renderer.warm()
        spent: dict[str, list[float]] = {}
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            for path in renderer.page_paths(library):
                begun = time.perf_counter()
                renderer.render_page(library, path)
                spent.setdefault(page_kind(path), []).append(time.perf_counter() - begun)
            totals.append(time.perf_counter() - started)
        finally:
            gc.enable()
        for kind, values in spent.items():
            by_kind.setdefault(kind, []).append(values)
    figures.stages["render, every page and file"] = median(totals)
    for kind, per_round in by_kind.items():
        pages = len(per_round[0])
        figures.pages[kind] = (pages, median([sum(v) for v in per_round]) / pages * 1e6)
    # Everything above is seconds for all files; the table shows microseconds per file.
    figures.stages = {k: v * per_file for k, v in figures.stages.items()}
    return figures


def table(results: list[Figures]) -> str:
    names = [f.corpus.shape for f in results]
    lines = [
        "| stage (µs per file) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for stage in results[0].stages:
        cells = " | ".join(f"{f.stages[stage]:,.0f}" for f in results)
        lines.append(f"| {stage} | {cells} |")
    lines += [
        "",
        "| page kind (µs per page; pages) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    kinds = list(dict.fromkeys(k for f in results for k in f.pages))
    order = [*ENTRY_KINDS.values(), *INDEX_KINDS.values(), *FILE_KINDS.values(), "static file"]
    kinds.sort(key=lambda k: order.index(k) if k in order else len(order))
    for kind in kinds:
        cells = []
        for f in results:
            pages, each = f.pages.get(kind, (0, 0.0))
            cells.append(f"{each:,.0f} ({pages})" if pages else "-")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", default="real,tidy", help=f"comma-separated shapes ({', '.join(SHAPES)})"
    )
    parser.add_argument("-n", "--files", type=int, default=1000, help="files per corpus")
    parser.add_argument("-r", "--rounds", type=int, default=5, help="timed rounds per stage")
    args = parser.parse_args()
    shapes = [s.strip() for s in args.corpus.split(",") if s.strip()]
    if unknown := [s for s in shapes if s not in SHAPES]:
        parser.error(f"unknown corpus {', '.join(unknown)}; use {', '.join(SHAPES)}")
    print(f"machine: {machine()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="thrustlib-stages-") as tmp:
        for shape in shapes:
            corpus = write_site(Path(tmp) / shape, shape, args.files)
            figures = measure(corpus, args.rounds)
            print(
                f"corpus: {corpus.describe()}; body read by the line scanner in"
                f" {figures.fast_share:.0%} of files; renderer set-up (once a build,"
                f" templates compiled, static files read) {figures.setup_ms:.0f} ms"
            )
            results.append(figures)
    print(f"median of {args.rounds} rounds, in one process, collector off while timed\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
