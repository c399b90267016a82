"""The ``thrustlib`` command: ``main(argv) -> int`` is the only place that prints or exits.

Exit codes: 0 success; 1 content or config errors (or warnings under ``--strict``), and
internal errors; 2 usage errors; 130 interrupted. Tests call :func:`main` in-process.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from thrustlib import __version__
from thrustlib.config import CONFIG_NAME, SiteConfig, load_config, with_overrides
from thrustlib.content.model import Library
from thrustlib.engine import build
from thrustlib.errors import ContentError, Problem, ThrustlibError

log = logging.getLogger(__name__)

ISSUES_FALLBACK = "the thrustlib issue tracker"
_EPILOG_BUILD = """\
examples:
  thrustlib build                      build ./site.toml's site into _site/
  thrustlib build --strict             fail on warnings too (for CI)
  thrustlib build --config docs/site.toml --out public
  thrustlib build --base-url https://example.org/library/ --drafts
"""
_EPILOG_CHECK = """\
examples:
  thrustlib check                      validate content and templates, write nothing
  thrustlib check --strict             also fail on warnings
"""
_EPILOG_SERVE = """\
examples:
  thrustlib serve                      preview at http://127.0.0.1:8000/, reload on save
  thrustlib serve --port 0 --open      any free port, and open the browser
  thrustlib serve --drafts             include exercises marked draft: true
"""
_EPILOG_INIT = """\
examples:
  thrustlib init                       make the current folder a site
  thrustlib init my-library            create my-library/ with a site in it
"""
_EPILOG_NEW = """\
examples:
  thrustlib new "Kettlebell Swing"
  thrustlib new "B-Stance Hip Thrust" --muscle glutes --muscle hamstrings \\
      --equipment barbell --equipment bench --level intermediate --variation-of hip-thrust
"""
_EPILOG_MAIN = """\
examples:
  thrustlib init my-library && cd my-library
  thrustlib new "Frog Pump" --muscle glutes --level beginner
  thrustlib build --strict

Run 'thrustlib COMMAND --help' for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        # argparse exits on --help, --version (0) and on usage errors (2); main returns.
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    logger = logging.getLogger("thrustlib")
    level = logger.level
    handler = _configure_logging(logger, verbose=args.verbose, quiet=args.quiet)
    try:
        command: Callable[[argparse.Namespace], int] = args.command
        return command(args)
    except ThrustlibError as exc:
        _report(exc.problems)
        _print_err(_failure_line(exc))
        return 1
    except KeyboardInterrupt:
        _print_err("thrustlib: interrupted")
        return 130
    except OSError as exc:
        # A folder that cannot be written, a full disk: the machine's problem, not a bug.
        where = f"{exc.filename}: " if exc.filename else ""
        _print_err(f"{where}error: {exc.strerror or exc}")
        return 1
    except Exception as exc:
        if args.traceback or args.verbose:
            traceback.print_exc(file=sys.stderr)
        _print_err(_crash_report(exc, args_list, show_hint=not (args.traceback or args.verbose)))
        return 1
    finally:
        # Leave logging as it was, for programs and tests that call main() repeatedly.
        logger.removeHandler(handler)
        logger.setLevel(level)


def main_entry() -> None:
    """The console script: ``thrustlib`` on the PATH."""
    raise SystemExit(main())


# -- commands ------------------------------------------------------------------------


def _cmd_build(args: argparse.Namespace) -> int:
    config = _config(args)
    progress = _Progress.for_terminal() if not args.quiet else None
    try:
        result = build.build(
            config,
            strict=args.strict,
            progress=progress,
            cache=not args.no_cache,
            jobs=args.jobs,
        )
    finally:
        if progress is not None:
            progress.clear()
    _report(result.warnings)
    if not args.quiet:
        print(
            f"Built {_shown(result.output)}: {_count(result.pages, 'page')},"
            f" {_count(result.exercises, 'exercise')}, {_count(len(result.warnings), 'warning')}"
            f" in {result.seconds:.2f} s"
        )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    started = time.perf_counter()
    library, problems = build.load_library(
        config, strict=args.strict, cache=not args.no_cache, jobs=args.jobs
    )
    pages = _render_in_memory(config, library, args.jobs)
    _report(problems.warnings)
    if not args.quiet:
        rendered = f", {_count(pages, 'page')} rendered" if pages is not None else ""
        print(
            f"Checked {_count(len(library), 'exercise')}{rendered}:"
            f" no errors, {_count(len(problems.warnings), 'warning')},"
            f" nothing written ({time.perf_counter() - started:.2f} s)"
        )
    return 0


class _Discard:
    """A sink that keeps nothing: ``check`` renders every page only to see that it can."""

    def write(self, path: str, data: bytes) -> None:
        pass


def _render_in_memory(config: SiteConfig, library: Library, jobs: int | None) -> int | None:
    """Render every page without writing, so template errors surface; pages rendered.

    Pages are dropped as they are rendered (a large site's pages would be hundreds of
    megabytes held at once), and shared among ``jobs`` processes as a build shares them.
    """
    try:
        from thrustlib.site.render import Renderer
    except ModuleNotFoundError as exc:
        # Only a missing render stage is tolerated; a missing dependency of it is a bug.
        if exc.name != "thrustlib.site.render":
            raise
        log.debug("no render stage in this installation; templates not checked")
        return None
    renderer = Renderer(config)
    renderer.render_all(library, sink=_Discard(), jobs=jobs)
    return sum(1 for path in renderer.page_paths(library) if path.endswith(".html"))


def _cmd_serve(args: argparse.Namespace) -> int:
    from thrustlib.serve import server  # local: http.server and watchdog load for serve only

    config = _config(args)
    if not (args.quiet or args.verbose):
        # A preview narrates: its address, each rebuild, each failed build.
        logging.getLogger("thrustlib").setLevel(logging.INFO)
    return server.run(
        config, host=args.host, port=args.port, open_browser=args.open, drafts=args.drafts
    )


def _cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    from thrustlib import scaffold  # only for this command

    created, kept = scaffold.init_site(folder)
    if not args.quiet:
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
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    config = _config(args)
    from thrustlib import scaffold  # only for this command

    path = scaffold.new_exercise(
        config,
        args.title,
        muscles=args.muscle or (),
        equipment=args.equipment or (),
        level=args.level,
        variation_of=args.variation_of,
        draft=args.draft,
    )
    print(path)
    return 0


def _config(args: argparse.Namespace) -> SiteConfig:
    """The site's config with the command's options applied."""
    config_path = Path(args.config) if args.config else None
    root = config_path.parent if config_path is not None else Path()
    log.debug("site folder: %s, config: %s", root.resolve(), config_path or root / CONFIG_NAME)
    config = load_config(root, config_path)
    return with_overrides(
        config,
        base_url=getattr(args, "base_url", None),
        # --out is a path typed at the shell, so it is relative to where the shell is.
        output=Path(args.out).absolute() if getattr(args, "out", None) else None,
        drafts=getattr(args, "drafts", None),
    )


# -- output --------------------------------------------------------------------------


def _print_err(text: str) -> None:
    print(text, file=sys.stderr)


def _report(problems: Iterable[Problem]) -> None:
    """Print each problem as ``path:line: severity: message`` with its Reason lines."""
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in sorted(problems, key=Problem.sort_key):
        _print_err(str(problem))
        for reason in problem.reasons:
            _print_err(f"  Reason: {reason}")
        if github:
            # Workflow commands are read from stdout, where the runner looks for them.
            print(github_annotation(problem))


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


def _failure_line(exc: ThrustlibError) -> str:
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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Progress:
    """A one-line ``stage done/total`` display on an interactive stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.width = 0

    @classmethod
    def for_terminal(cls) -> _Progress | None:
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


class _LogFormatter(logging.Formatter):
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
        if record.levelno == logging.INFO:
            return message
        return f"{record.levelname.lower()}: {message}"


def _configure_logging(logger: logging.Logger, *, verbose: bool, quiet: bool) -> logging.Handler:
    """Send thrustlib's log records to stderr; returns the handler to remove afterwards."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter(verbose=verbose))
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
    logger.addHandler(handler)
    return handler


# -- arguments -----------------------------------------------------------------------


def _port(text: str) -> int:
    """A TCP port number, 0 to 65535 (0: any free port), as an argparse type."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0 to 65535)")
    return port


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="thrustlib",
        description="Build a static website from a folder of exercise files in Markdown.",
        epilog=_EPILOG_MAIN,
        formatter_class=formatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"thrustlib {__version__} (Python {platform.python_version()})",
    )
    _common(parser, top=True)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(
        name: str, func: Callable[[argparse.Namespace], int], summary: str, epilog: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=summary, description=summary, epilog=epilog, formatter_class=formatter
        )
        sub.set_defaults(command=func)
        _common(sub, top=False)
        return sub

    sub = command("build", _cmd_build, "Build the site into its output folder.", _EPILOG_BUILD)
    _site_options(sub)
    sub.add_argument(
        "--out", metavar="DIR", help="write the site to DIR instead of the configured output folder"
    )
    sub.add_argument("--base-url", metavar="URL", help="serve from URL, overriding site.base_url")

    sub = command(
        "check", _cmd_check, "Validate everything build does; write nothing.", _EPILOG_CHECK
    )
    _site_options(sub)

    sub = command(
        "serve",
        _cmd_serve,
        "Preview the site: rebuild on save and reload the browser.",
        _EPILOG_SERVE,
    )
    _config_option(sub)
    sub.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="HOST",
        help="address to listen on (default: 127.0.0.1; others expose the preview)",
    )
    sub.add_argument(
        "--port",
        type=_port,
        default=8000,
        metavar="PORT",
        help="port to listen on (default: 8000; 0 picks a free one)",
    )
    sub.add_argument("--open", action="store_true", help="open the site in the web browser")
    _drafts_option(sub)

    sub = command(
        "init",
        _cmd_init,
        "Create a new site (site.toml, an example exercise, templates/, static/).",
        _EPILOG_INIT,
    )
    sub.add_argument(
        "folder",
        nargs="?",
        default=".",
        metavar="DIR",
        help="the site folder (default: the current folder)",
    )

    sub = command("new", _cmd_new, "Create a new exercise file with every section.", _EPILOG_NEW)
    sub.add_argument("title", help='the exercise\'s title, such as "Kettlebell Swing"')
    _config_option(sub)
    sub.add_argument(
        "--muscle",
        action="append",
        metavar="NAME",
        help="a primary muscle (repeat for more; default: glutes as a placeholder)",
    )
    sub.add_argument(
        "--equipment", action="append", metavar="NAME", help="equipment used (repeat for more)"
    )
    sub.add_argument("--level", metavar="LEVEL", help="beginner, intermediate or advanced")
    sub.add_argument(
        "--variation-of", metavar="SLUG", help="the slug of the exercise this is a variation of"
    )
    sub.add_argument(
        "--draft", action="store_true", help="mark it a draft, left out of builds until ready"
    )
    return parser


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """-q, -v and --traceback, accepted before and after the command name."""

    # The command's own copy must not reset what was given before the command name.
    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("output options")
    noise = group.add_mutually_exclusive_group()
    noise.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="print only problems"
    )
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="print debug messages, and the full traceback of an internal error",
    )
    group.add_argument(
        "--traceback",
        action="store_true",
        default=default(False),
        help="print the full traceback of an internal error",
    )


def _config_option(parser: argparse.ArgumentParser) -> None:
    """``--config``, for every command that works on a site."""
    parser.add_argument(
        "--config", metavar="FILE", help=f"the site's config file (default: ./{CONFIG_NAME})"
    )


def _drafts_option(parser: argparse.ArgumentParser) -> None:
    """``--drafts`` / ``--no-drafts``, overriding the site's setting."""
    parser.add_argument(
        "--drafts",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include (or leave out) exercises marked draft: true, overriding build.drafts",
    )


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return jobs


def _site_options(parser: argparse.ArgumentParser) -> None:
    """The options build and check share."""
    _config_option(parser)
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    _drafts_option(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor update the content cache in .thrustlib-cache/",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="parse and render a large site in N processes (default: one per core; 1: one)",
    )
