"""The theme: a Jinja environment over the site's templates and the package's, and the
static files (site's first, package's as the fallback), with the CSS and JS fingerprinted.

A site overrides the default theme file by file: ``templates/exercise.html`` in the site
folder replaces the package's, and ``{% extends "theme/exercise.html" %}`` still reaches
the package's own copy, so an override can change one block instead of copying a page.
The site's files are read by the site's rules for links and special files
(:class:`thrustlib.content.files.Boundary`); the package's are trusted.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.nodes
import markupsafe
from jinja2.loaders import split_template_path
from markupsafe import Markup

from thrustlib.content.files import Boundary, check_file, read_file, walk
from thrustlib.errors import Problem, Problems, ThemeError
from thrustlib.site import urls

THEME_DIR = Path(__file__).parent.parent / "theme"
"""The default theme shipped in the package."""

FINGERPRINTED = ("thrustlib.css", "thrustlib.js", "search.css", "search.js")
"""Static files served under a content-hashed name, so they can be cached forever."""

TEMPLATE_SUFFIXES = (".html", ".htm", ".xml")
"""Files of a templates folder that are templates (a README.md beside them is not)."""


# What markupsafe.escape replaces, and with what.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def _escape_output(value: object) -> str:
    """The text markupsafe's ``escape(value)`` gives, for one ``{{ ... }}`` of a page.

    Compiled templates pass every output through an escape function, a hundred and
    more times per page, and markupsafe's builds a ``Markup`` object each time in two
    Python calls. An output only ever ends up joined into the page, so plain text is
    enough: text with nothing to escape is returned as it is, ``Markup`` (already
    safe) too, and anything else goes to markupsafe.
    """
    # This runs a hundred and forty times a page: ``type(value) is`` narrows the type as
    # ``cast`` would, without a call, and five ``in`` tests take half a regex search's time.
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return value.translate(_ESCAPES)
        return value
    if type(value) is Markup:
        return value
    return markupsafe.escape(value)


class _Template(jinja2.Template):
    """A Jinja template whose ``{{ ... }}`` outputs are escaped by :func:`_escape_output`."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        # Compiled code looks up the module-level name "escape" for its outputs, and
        # only there. Should a Jinja release stop doing so, this stops making pages
        # faster, never different.
        template.root_render_func.__globals__["escape"] = _escape_output
        return template


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, with a block's or a parent template's output joined where
    it is called instead of passed up piece by piece.

    A page is a template that extends ``base.html``, which calls the page's ``content``
    block: Jinja writes each call as ``yield from``, so every one of the block's few
    hundred outputs climbs through three generators to the ``"".join`` of
    ``Template.render``, a tenth of an exercise page's rendering. Joined where it is
    called (``yield concat(...)``, ``concat`` being the ``"".join`` Jinja binds in every
    function it writes), each climbs one. The text is the same; only a template
    streamed piece by piece (which thrustlib never does) would get it in larger pieces.
    A Jinja release that writes these calls otherwise is left as it is.
    """

    def writeline(self, x: str, node: jinja2.nodes.Node | None = None, extra: int = 0) -> None:
        if x.startswith(_DELEGATIONS) and not self.environment.is_async:
            x = f"yield concat({x.removeprefix('yield from ')})"
        super().writeline(x, node, extra)


# How Jinja's code calls a block (``{% block %}``) and a parent template (``{% extends %}``).
_DELEGATIONS = ("yield from context.blocks[", "yield from parent_template.root_render_func(")


class _Environment(jinja2.Environment):
    template_class = _Template
    code_generator_class = _CodeGenerator

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dictionary: its own over the environment's.

        Jinja's is a ``ChainMap`` over the two, so that the environment's globals could
        change after a template is loaded (which its documentation says not to do, and
        thrustlib never does). Every page walks a template's globals three times (a
        context made, its keys taken, an imported macro module checked against them), a
        ``ChainMap`` in Python code each time: 72 of an exercise page's 2,740 calls.
        """
        return {**self.globals, **(d or {})}


class SiteLoader(jinja2.BaseLoader):
    """The site's templates folder, read by the site's rules whatever name a template is
    asked for by (``{% include %}`` takes any): a link out of the site is a
    :class:`ThemeError`, and a special file or dangling link is skipped as the walk
    skips it (the theme's template of that name is used), never opened. Once the folder
    has been listed, a file that was not there then is not there for this loader."""

    def __init__(self, folder: Path, boundary: Boundary) -> None:
        self.folder = folder
        self.boundary = boundary
        self.refused: list[Problem] = []
        """The errors of the last :meth:`list_templates` walk."""
        self.listed: frozenset[str] | None = None
        """The names the last :meth:`list_templates` walk found (``None``: not walked)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template ``template``'s text, file name, and whether it is unchanged."""
        path = Path(os.path.normpath(self.folder.joinpath(*split_template_path(template))))
        if not path.is_file():  # missing, a folder, a pipe or a dangling link
            raise jinja2.TemplateNotFound(template)
        refusal = check_file(path, self.boundary)
        if refusal is not None:
            raise ThemeError([refusal])
        if self.listed is not None and "/".join(split_template_path(template)) not in self.listed:
            # Made since the renderer compiled what was there: a "theme/" name compiled
            # when first rendered (see _names_to_compile) must still find the theme's.
            raise jinja2.TemplateNotFound(template)
        # Read as Jinja's own loader reads (UTF-8, universal newlines), never blocking.
        text = read_file(path).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        mtime = path.stat().st_mtime_ns
        return text, str(path), lambda: _mtime(path) == mtime

    def list_templates(self) -> list[str]:
        """Every template name the folder has, by the walk's rules."""
        problems = Problems()
        names = [
            path.relative_to(self.folder).as_posix()
            for path in walk(self.folder, boundary=self.boundary, problems=problems)
        ]
        self.refused = problems.errors
        self.listed = frozenset(names)
        return sorted(names)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def make_environment(
    site_templates: Path | None,
    boundary: Boundary | None = None,
    compiled: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """A strict, autoescaping environment: the site's templates first, then the theme's.

    The site's are read by ``boundary``'s rules (default: the templates folder itself);
    the package's own theme is trusted. Templates are read once: no ``auto_reload`` and
    no cache limit, so an environment never picks up an edit made after it loaded a
    template. The preview relies on this to keep serving the last good templates while
    the files on disk are broken. ``compiled`` keeps compiled templates between runs.
    """
    package = jinja2.FileSystemLoader(str(THEME_DIR / "templates"))
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and site_templates.is_dir():
        loaders.append(SiteLoader(site_templates, boundary or Boundary.of(site_templates)))
    loaders += [package, jinja2.PrefixLoader({"theme": package})]
    return _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
        bytecode_cache=compiled,
    )


def load_templates(env: jinja2.Environment) -> ThemeError | None:
    """Compile every template ``env`` can find (the theme's once: see
    :func:`_names_to_compile`); the syntax errors and the site's templates refused by its
    rules (links out of the site), or ``None``.

    Loaded templates stay in the environment's cache, so once this has run, rendering
    reads nothing from disk. Files that fail in other ways (unreadable, not UTF-8) are
    left to the render that needs them, which reports them as before.
    """
    problems = []
    loader = env.loader
    if not isinstance(loader, jinja2.ChoiceLoader):
        names = env.list_templates()
    else:
        names = _names_to_compile(loader.loaders)
        for site in loader.loaders:
            if isinstance(site, SiteLoader):
                problems += site.refused  # links out of the site, whatever their names
    for name in names:
        parts = name.split("/")
        if not name.endswith(TEMPLATE_SUFFIXES) or any(p.startswith((".", "#")) for p in parts):
            continue
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            where = Path(exc.filename) if exc.filename else Path(exc.name or name)
            problems.append(Problem(where, exc.lineno, f"template error: {exc.message}"))
        except ThemeError as exc:
            problems += exc.problems
        except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
            continue
    # An override that is broken is also reached through "theme/" names; report it once.
    return ThemeError(list(dict.fromkeys(problems))) if problems else None


def _names_to_compile(loaders: Sequence[jinja2.BaseLoader]) -> list[str]:
    """The templates :func:`load_templates` compiles: every name the site's folder and
    the theme have, and the theme's own under ``theme/`` only where the site overrides
    the template (an override most likely extends the theme's copy).

    The theme's templates are the package's files, trusted and the same source under
    both names: compiling each twice was half the time a clean build spent making its
    renderer (0.11-0.15 s then, while the other process parses). One a site names as
    ``theme/...`` without overriding it is compiled by the first page that asks for it.
    """
    site: set[str] = set()
    names: set[str] = set()
    prefixed: list[jinja2.PrefixLoader] = []
    for each in loaders:
        if isinstance(each, jinja2.PrefixLoader):
            prefixed.append(each)
            continue
        listed = each.list_templates()
        names.update(listed)
        if isinstance(each, SiteLoader):
            site.update(listed)
    for each in prefixed:
        for name in each.list_templates():
            if name.partition(each.delimiter)[2] in site:
                names.add(name)
    return sorted(names)


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render ``name``; any template problem becomes a :class:`ThemeError` at file:line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else Path(exc.name or name)
        raise ThemeError([Problem(where, exc.lineno, f"template error: {exc.message}")]) from exc
    except jinja2.TemplateNotFound as exc:
        raise ThemeError(f"template not found: {exc.name}") from exc
    except ThemeError:
        raise  # a template the site's rules refuse, already named
    except Exception as exc:
        # Jinja rewrites tracebacks so that template frames carry the template's file and
        # line; the innermost such frame is where the page went wrong.
        path, line = _template_frame(exc, name)
        raise ThemeError(
            [Problem(path, line, f"cannot render template: {type(exc).__name__}: {exc}")]
        ) from exc


def _template_frame(exc: BaseException, name: str) -> tuple[Path, int | None]:
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.endswith((".html", ".htm", ".xml", ".txt"))
    ]
    if not frames:
        return Path(name), None
    return Path(frames[-1].filename), frames[-1].lineno


@dataclass(frozen=True, slots=True)
class StaticFile:
    """One file of the output's ``static/`` folder."""

    path: str
    """Output path, ``static/thrustlib.3f2a9c1d.css`` for a fingerprinted file."""

    data: bytes
    """The file's bytes."""


def fingerprint(name: str, data: bytes) -> str:
    """``thrustlib.css`` -> ``thrustlib.<8 hex of sha256>.css``."""
    digest = hashlib.sha256(data).hexdigest()[:8]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def _walk(folder: Path, boundary: Boundary | None = None) -> dict[str, Path]:
    """Relative posix path -> file, for every file below ``folder`` but editor leftovers,
    by ``boundary``'s rules (:class:`ThemeError` for a link out of the site).

    The same leftovers as in the exercises folder, but not "_" names: a host's _headers
    or _redirects file is published as it is.
    """
    problems = Problems()
    found = walk(folder, boundary=boundary, problems=problems)
    files = {path.relative_to(folder).as_posix(): path for path in found}
    if problems.has_errors():
        raise ThemeError(problems.errors)
    return files


def collect_static(
    site_static: Path | None, boundary: Boundary | None = None
) -> tuple[dict[str, StaticFile], dict[str, str]]:
    """Static files by output path, and logical name -> output path for templates.

    The site's files are read by ``boundary``'s rules (default: the static folder
    itself): a link out of the site is a :class:`ThemeError`, a special file is skipped.
    The site's file wins over the package's of the same name; fingerprinting happens
    after that choice, so an overridden stylesheet gets its own hash.
    """
    files = _walk(THEME_DIR / "static")
    if site_static is not None:
        # A README.md at the top of the site's static/ is a note for its authors (thrustlib
        # init writes one), not a file to publish.
        site = _walk(site_static, boundary or Boundary.of(site_static))
        files.update({n: p for n, p in site.items() if n != "README.md"})
    out: dict[str, StaticFile] = {}
    names: dict[str, str] = {}
    for name, source in sorted(files.items()):
        data = read_file(source)
        public = fingerprint(name, data) if name in FINGERPRINTED else name
        path = urls.static(public)
        out[path] = StaticFile(path, data)
        names[name] = path
    return out, names
