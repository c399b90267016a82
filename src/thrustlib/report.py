"""What the command prints: problems, summaries, progress, bug reports, ``--help`` examples.

:mod:`thrustlib.cli` decides what to do and which exit code it means; this module only
turns results into text on stdout and stderr. Problems and narration go to stderr, so
stdout keeps only what a script might read (summaries, made paths, GitHub annotations).
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TextIO

from thrustlib import __version__
from thrustlib.engine.build import BuildResult
from thrustlib.errors import ContentError, Problem, ThrustlibError

ISSUES_FALLBACK = "the thrustlib issue tracker"


# -- help ----------------------------------------------------------------------------

EXAMPLES: Mapping[str, str] = MappingProxyType(
    {
        "thrustlib": """\
examples:
  thrustlib init my-library && cd my-library
  thrustlib new "Frog Pump" --muscle glutes --level beginner
  thrustlib build --strict

Run 'thrustlib COMMAND --help' for a command's options.
""",
        "build": """\
examples:
  thrustlib build                      build ./site.toml's site into _site/
  thrustlib build --strict             fail on warnings too (for CI)
  thrustlib build --config docs/site.toml --out public
  thrustlib build --base-url https://example.org/library/ --drafts
""",
        "check": """\
examples:
  thrustlib check                      validate content and templates, write nothing
  thrustlib check --strict             also fail on warnings
""",
        "serve": """\
examples:
  thrustlib serve                      preview at http://127.0.0.1:8000/, reload on save
  thrustlib serve --port 0 --open      any free port, and open the browser
  thrustlib serve --drafts             include exercises marked draft: true
""",
        "init": """\
examples:
  thrustlib init                       make the current folder a site
  thrustlib init my-library            create my-library/ with a site in it
""",
        "new": """\
examples:
  thrustlib new "Kettlebell Swing"
  thrustlib new "B-Stance Hip Thrust" --muscle glutes --muscle hamstrings \\
      --equipment barbell --equipment bench --level intermediate --variation-of hip-thrust
""",
        "import": """\
examples:
  thrustlib import free-exercise-db exercises.json
                                       one file per exercise in the site's exercises/
  thrustlib import free-exercise-db exercises.json --into library/
""",
    }
)
"""The examples under each command's ``--help`` (``thrustlib``: under the bare command's)."""


# -- problems ------------------------------------------------------------------------


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def problems(found: Iterable[Problem]) -> None:
    """Print each problem as ``path:line: severity: message`` with its Reason lines."""
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    lines: list[str] = []
    annotations: list[str] = []
    for problem in sorted(found, key=Problem.sort_key):
        lines.append(str(problem))
        if problem.reasons:
            lines.extend(f"  Reason: {reason}" for reason in problem.reasons)
        if github:
            annotations.append(github_annotation(problem))
    # Written at once: standard error is line-buffered, and a line at a time was a write
    # per warning (15,000 of them for a library of 10,000 imported files: 0.3 s).
    if lines:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    if annotations:
        # Workflow commands are read from stdout, where the runner looks for them.
        sys.stdout.write("\n".join(annotations) + "\n")


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions ``::error``/``::warning`` workflow command."""
    props = []
    if problem.path is not None:
        props.append(f"file={_escape_property(problem.path.as_posix())}")
        if problem.line is not None:
            props.append(f"line={problem.line}")
    message = "\n".join([problem.message, *(f"Reason: {r}" for r in problem.reasons)])
    head = f"::{problem.severity}"
    return (
        f"{head} {','.join(props)}::{_escape_data(message)}"
        if props
        else f"{head}::{_escape_data(message)}"
    )


def _escape_data(text: str) -> str:
    # GitHub's rules (actions/toolkit command.ts): % first, so the escapes stay intact.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def stopped(exc: ThrustlibError) -> None:
    """The problems that stopped a run, then how many there were."""
    problems(exc.problems)
    _err(_failure_line(exc))


def interrupted() -> None:
    """Ctrl-C: one line, no traceback."""
    _err("thrustlib: interrupted")


def os_error(exc: OSError) -> None:
    """A file or folder the machine refused, as ``filename: error: reason``."""
    where = f"{exc.filename}: " if exc.filename else ""
    _err(f"{where}error: {exc.strerror or exc}")


def internal_error(exc: BaseException, argv: Sequence[str], *, full: bool) -> None:
    """A bug: the short report, after the whole traceback when ``full``."""
    if full:
        traceback.print_exception(exc, file=sys.stderr)
    _err(_crash_report(exc, argv, show_hint=not full))


def _failure_line(exc: ThrustlibError) -> str:
    """The last line of a failed run: how many errors (and warnings) stopped it."""
    errors = len(exc.errors)
    warnings = len(exc.problems) - errors
    if isinstance(exc, ContentError):
        if errors == 0:
            what = f"{_count(warnings, 'warning')} under --strict"
        else:
            what = f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
        return f"Stopped: {what}; nothing was written."
    return f"Stopped: {_count(errors, 'error')}."


def _crash_report(exc: BaseException, argv: Sequence[str], *, show_hint: bool) -> str:
    """A few lines that are enough for a bug report, instead of a wall of frames."""
    lines = [
        f"thrustlib: internal error: {type(exc).__name__}: {exc}",
        "This is a bug in thrustlib, not a problem in your files. Please report it at",
        f"{_issues_url()} with these lines:",
        f"  thrustlib {__version__}, Python {platform.python_version()} ({platform.system()})",
        f"  command: thrustlib {' '.join(argv)}",
    ]
    if show_hint:
        lines.append("Run the command again with --traceback (or -v) for the full traceback.")
    return "\n".join(lines)


def _issues_url() -> str:
    """The issue tracker named in the package metadata, if the installation has one."""
    from importlib import metadata  # only when reporting a bug: slow to import

    try:
        urls = metadata.metadata("thrustlib").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ISSUES_FALLBACK
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("issues", "bug tracker", "bugs", "tracker"):
            return str(url).strip()
    return ISSUES_FALLBACK


# -- summaries -----------------------------------------------------------------------


def built(result: BuildResult) -> None:
    """The one-line summary of a finished build."""
    # Say how much was done when it was less than everything: a user who wonders why a
    # build was quick learns that it kept the rest, and from which build.
    if result.rendered == 0:
        how = " (nothing changed)"
    elif result.rendered is not None and result.rendered < result.files:
        how = f" ({result.rendered} of {_count(result.files, 'file')} rendered, the rest kept)"
    else:
        how = ""
    print(
        f"Built {_shown(result.output)}: {_count(result.pages, 'page')},"
        f" {_count(result.exercises, 'exercise')}, {_count(len(result.warnings), 'warning')}"
        f" in {result.seconds:.2f} s{how}"
    )


def checked(exercises: int, pages: int | None, warnings: int, seconds: float) -> None:
    """The one-line summary of a check; ``pages`` is ``None`` when none were rendered."""
    rendered = f", {_count(pages, 'page')} rendered" if pages is not None else ""
    print(
        f"Checked {_count(exercises, 'exercise')}{rendered}:"
        f" no errors, {_count(warnings, 'warning')},"
        f" nothing written ({seconds:.2f} s)"
    )


def initialised(folder: Path, created: Iterable[Path], kept: Iterable[Path]) -> None:
    """What ``init`` made and kept, and what to do next."""
    for path in created:
        print(f"created {path}")
    for path in kept:
        print(f"kept    {path} (it exists)")
    go = f"  cd {folder}\n" if folder != Path() else ""
    print(
        "\nNext steps:\n"
        f"{go}"
        "  edit site.toml (title, base_url) and exercises/glute-bridge.md\n"
        '  thrustlib new "Exercise Title"   add an exercise\n'
        "  thrustlib serve                   preview it on http://127.0.0.1:8000/\n"
        "  thrustlib build                   write the site to _site/"
    )


def kept(path: Path, why: str) -> None:
    """An existing file a command left as it was, and why."""
    print(f"kept    {path} ({why})")


def imported(
    file: Path,
    folder: Path,
    *,
    records: int,
    written: int,
    kept: int,
    failed: int,
    warnings: int,
    seconds: float,
) -> None:
    """The one-line summary of an import."""
    print(
        f"Imported {_shown(file)} into {_shown(folder)}: {written} of {_count(records, 'record')}"
        f" written, {_count(kept, 'existing file')} kept, {failed} not imported,"
        f" {_count(warnings, 'warning')} in {seconds:.2f} s"
    )


def made(path: Path) -> None:
    """The path of a file a command made, alone on its line for scripts to read."""
    print(path)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- progress and log lines ----------------------------------------------------------


class Progress:
    """A one-line ``stage done/total`` display on an interactive stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.width = 0

    @classmethod
    def for_terminal(cls) -> Progress | None:
        """A display when stderr is a terminal outside CI (CI logs keep every ``\\r``)."""
        if os.environ.get("CI") or not sys.stderr.isatty():
            return None
        return cls(sys.stderr)

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        # Short builds finish before anything is drawn; long ones redraw at most 10 per s.
        if now - self.started < 0.5 or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        text = f"{stage} {done}/{total}"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def clear(self) -> None:
        """Erase the line, so the summary or the errors start on a clean one."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


class LogFormatter(logging.Formatter):
    """Plain lines for what a command narrates (the preview's address, each rebuild);
    level and module only where they help: for problems, and for debugging."""

    def __init__(self, *, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and self.verbose:
            message += "\n" + self.formatException(record.exc_info)
        if self.verbose:
            return f"{record.levelname.lower()}: {record.name}: {message}"
        # A problem's own line already says "warning:" or "error:" (as a build prints it).
        if record.levelno == logging.INFO or getattr(record, "problem", False):
            return message
        return f"{record.levelname.lower()}: {message}"


@contextlib.contextmanager
def logging_to_stderr(*, verbose: bool, quiet: bool) -> Iterator[None]:
    """Send thrustlib's log records to stderr for the length of one command."""
    logger = logging.getLogger("thrustlib")
    level = logger.level
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogFormatter(verbose=verbose))
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        # Leave logging as it was, for programs and tests that call main() repeatedly.
        logger.removeHandler(handler)
        logger.setLevel(level)
