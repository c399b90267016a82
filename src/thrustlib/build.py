"""The orchestrator: load -> parse -> library -> render -> write.

Everything is read, checked and rendered before the first byte is written, so a build
that fails (bad content, a broken template, ``--strict`` warnings) leaves the last good
site exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from thrustlib.config import SiteConfig
from thrustlib.errors import ContentError, Problem, Problems
from thrustlib.library import build_library
from thrustlib.load import load_exercises
from thrustlib.model import Library

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a long stage runs."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a finished build did, for the one-line summary."""

    output: Path
    """The folder the site was written to."""

    pages: int
    """HTML pages written."""

    files: int
    """Files written in all (pages, assets, JSON, sitemap...)."""

    exercises: int
    """Exercises in the library."""

    warnings: tuple[Problem, ...]
    """Warnings found on the way (errors stop the build instead)."""

    seconds: float
    """Wall time from start to the swapped-in output."""


def load_library(
    config: SiteConfig, *, drafts: bool | None = None, strict: bool = False
) -> tuple[Library, Problems]:
    """Read and check every exercise file; raise :class:`ContentError` on any error.

    Under ``strict`` warnings count as errors, as mkdocs' ``--strict`` does.
    """
    problems = Problems()
    vocabulary = config.vocabulary
    exercises = load_exercises(
        config.path(config.exercises_dir), vocabulary, problems, root=config.root
    )
    library = build_library(
        exercises, vocabulary, problems, drafts=config.drafts if drafts is None else drafts
    )
    if problems.has_errors() or (strict and problems.warnings):
        raise ContentError(problems.items)
    return library, problems


def build(
    config: SiteConfig,
    *,
    output: Path | None = None,
    drafts: bool | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site into ``output`` (default: the configured output folder)."""
    from thrustlib.render import Renderer
    from thrustlib.write import write_site

    started = time.perf_counter()
    library, problems = load_library(config, drafts=drafts, strict=strict)
    renderer = Renderer(config)
    files = renderer.render_all(library, progress=progress)
    target = output if output is not None else config.path(config.output_dir)
    write_site(files, target)
    return BuildResult(
        output=target,
        pages=sum(1 for f in files if f.path.endswith(".html")),
        files=len(files),
        exercises=len(library),
        warnings=tuple(problems.warnings),
        seconds=time.perf_counter() - started,
    )
