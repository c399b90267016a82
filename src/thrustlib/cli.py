"""The ``thrustlib`` command: ``main(argv) -> int`` is the only place that exits.

This module holds the arguments and what each command does; :mod:`thrustlib.report`
prints the results. Exit codes: 0 success; 1 content or config errors (or warnings under
``--strict``), and internal errors; 2 usage errors; 130 interrupted. Tests call
:func:`main` in-process.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from thrustlib import __version__, report
from thrustlib.config import CONFIG_NAME, SiteConfig, load_config, with_overrides
from thrustlib.engine import build
from thrustlib.errors import ThrustlibError

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        # argparse exits on --help, --version (0) and on usage errors (2); main returns.
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    command: Callable[[argparse.Namespace], int] = args.command
    with report.logging_to_stderr(verbose=args.verbose, quiet=args.quiet):
        try:
            return command(args)
        except ThrustlibError as exc:
            report.stopped(exc)
            return 1
        except KeyboardInterrupt:
            report.interrupted()
            return 130
        except OSError as exc:
            # A folder that cannot be written, a full disk: the machine's problem, not a bug.
            report.os_error(exc)
            return 1
        except Exception as exc:
            report.internal_error(exc, args_list, full=args.traceback or args.verbose)
            return 1


def main_entry() -> None:
    """The console script: ``thrustlib`` on the PATH (and ``python -m thrustlib``)."""
    # One command, then the process ends (below): the cycle collector's passes would free
    # nothing its end does not. At its first pass after a build, over what the build left
    # (15,000 warnings of a large library), it was a tenth of a second of a build after an
    # edit. The preview, which runs for hours, turns it on (serve.command.settle_heap).
    gc.disable()
    code = main()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        raise SystemExit(code)  # a debugger, profiler or coverage reports at exit
    # Ended without the interpreter's teardown, which frees every object one by one:
    # after a build of 10,000 exercises that took a third of a second and did nothing a
    # process's exit does not do anyway (mypy ends the same way). What is buffered is
    # written first; every file the command wrote is closed by then.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # read by something that stopped reading (| head)
        pass
    os._exit(code)


# -- commands ------------------------------------------------------------------------


def _cmd_build(args: argparse.Namespace) -> int:
    config = _config(args)
    progress = report.Progress.for_terminal() if not args.quiet else None
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
    report.problems(result.warnings)
    if not args.quiet:
        report.built(result)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    started = time.perf_counter()
    renderer = build.LazyRenderer(config, cache=not args.no_cache)  # made as a build does
    library, problems = build.load_library(
        config, strict=args.strict, cache=not args.no_cache, jobs=args.jobs, meanwhile=renderer.make
    )
    from thrustlib.engine.render import Discard, render_into

    # Every page is rendered (and dropped), so template errors surface as in a build.
    pages = render_into(renderer.get(), library, Discard(), jobs=args.jobs).pages
    report.problems(problems.warnings)
    if not args.quiet:
        seconds = time.perf_counter() - started
        report.checked(len(library), pages, len(problems.warnings), seconds)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from thrustlib.serve import command  # local: http.server and watchdog load for serve only

    config = _config(args)
    if not (args.quiet or args.verbose):
        # A preview narrates: its address, each rebuild, each failed build.
        logging.getLogger("thrustlib").setLevel(logging.INFO)
    return command.run(
        config, host=args.host, port=args.port, open_browser=args.open, drafts=args.drafts
    )


def _cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    from thrustlib import scaffold  # only for this command

    created, kept = scaffold.init_site(folder)
    if not args.quiet:
        report.initialised(folder, created, kept)
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
    report.made(path)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from thrustlib import importers  # only for this command

    config = _config(args)
    # --into is a path typed at the shell, so it is relative to where the shell is.
    folder = Path(args.into) if args.into else config.path(config.exercises_dir)
    result = importers.import_file(args.source, Path(args.file), folder, config.vocabulary)
    report.problems(result.problems)
    if not args.quiet:
        for kept in result.kept:
            report.kept(kept.path, f"{kept.reason}; {kept.origin.label} not imported")
        report.imported(
            result.file,
            result.folder,
            records=result.records,
            written=len(result.written),
            kept=len(result.kept),
            failed=result.failed,
            warnings=sum(p.severity == "warning" for p in result.problems),
            seconds=result.seconds,
        )
    # Files kept as they were are what a second import of the same file should do.
    return 1 if result.failed else 0


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
        epilog=report.EXAMPLES["thrustlib"],
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
        name: str, func: Callable[[argparse.Namespace], int], summary: str
    ) -> argparse.ArgumentParser:
        epilog = report.EXAMPLES[name]
        sub = commands.add_parser(
            name, help=summary, description=summary, epilog=epilog, formatter_class=formatter
        )
        sub.set_defaults(command=func)
        _common(sub, top=False)
        return sub

    sub = command("build", _cmd_build, "Build the site into its output folder.")
    _site_options(sub)
    sub.add_argument(
        "--out", metavar="DIR", help="write the site to DIR instead of the configured output folder"
    )
    sub.add_argument("--base-url", metavar="URL", help="serve from URL, overriding site.base_url")

    sub = command("check", _cmd_check, "Validate everything build does; write nothing.")
    _site_options(sub)

    sub = command("serve", _cmd_serve, "Preview the site: rebuild on save and reload the browser.")
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
    )
    sub.add_argument(
        "folder",
        nargs="?",
        default=".",
        metavar="DIR",
        help="the site folder (default: the current folder)",
    )

    sub = command("new", _cmd_new, "Create a new exercise file with every section.")
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

    from thrustlib.importers import SOURCES  # the sources the import command can read

    sub = command(
        "import",
        _cmd_import,
        "Write one exercise file per record of another library's file; never overwrite one.",
    )
    sub.add_argument(
        "source",
        choices=sorted(SOURCES),
        help="; ".join(f"{name}: {SOURCES[name].summary}" for name in sorted(SOURCES)),
    )
    sub.add_argument("file", metavar="FILE", help="the file to import")
    _config_option(sub)
    sub.add_argument(
        "--into",
        metavar="DIR",
        help="write the files into DIR (default: the site's exercises folder, from site.toml)",
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
