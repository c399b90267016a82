"""Build benchmark: whole ``thrustlib build`` processes, clean and after each kind of edit.

Writes a site of N exercises (``corpus.py``'s shapes, or this script's own ``families``
corpus, on which the older figures were taken), with a ``templates/exercise.html`` that
overrides the default theme's exercise page by one block (so that a template edit is
an edit of a site's own override, as it would be), then times ``thrustlib build`` as a
child process in these scenarios, one after the other in each round:

- clean: no output folder and no ``.thrustlib-cache/`` (the build writes the cache);
- nothing changed: the cache warm and the previous output in place;
- one file's text changed: a sentence added to a list item of one exercise;
- one file's title changed: ``title:`` of another exercise set to a new one;
- one template changed: the override's block edited;
- site.toml changed: the site's description edited.

Each scenario reports the median, minimum and maximum wall time of ``--runs`` rounds
(after one untimed clean build that fills the OS page cache and compiles the
bytecode), the median CPU time (user + system, workers included) and the largest
peak RSS of a single process (``os.wait4``).

    python bench/bench_build.py                                  # real, 1,000 and 10,000
    python bench/bench_build.py --corpus tidy --sizes 1000 --runs 5
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path

from bench_parse import items, sentence
from benchutil import Run, machine, median, run_process, thrustlib_build
from corpus import SHAPES, SITE_TOML, edit_sentence, edit_title, write_site

from thrustlib.content.vocabulary import DEFAULT_EQUIPMENT, DEFAULT_MUSCLES, LEVELS

CORPORA = (*SHAPES, "families")

TEMPLATE = """\
{{% extends "theme/exercise.html" %}}
{{% block scripts %}}
{{{{ super() }}}}
<!-- the site's own override, edit {edit} -->
{{% endblock %}}
"""

SCENARIOS = (
    "clean",
    "nothing changed",
    "one file's text changed",
    "one file's title changed",
    "one template changed",
    "site.toml changed",
)


MOVES = ["Hip Thrust", "Squat", "Row", "Deadlift", "Lunge", "Press", "Curl", "Bridge", "Raise"]
FORMS = ["Paused", "Banded", "Tempo", "Single-Leg", "Deficit", "Wide-Stance", "Iso-Hold"]


def generate(folder: Path, count: int, seed: int = 3) -> None:
    """Write ``count`` exercise files with explicit muscles, equipment and families."""
    rng = random.Random(seed)
    muscles = [m.name.lower() for m in DEFAULT_MUSCLES]
    equipment = sorted(DEFAULT_EQUIPMENT)
    folder.mkdir(parents=True, exist_ok=True)
    root = ""
    child = ""
    for n in range(count):
        # Families of five: a root, two variations of it, and two of the first variation.
        place = n % 5
        move = MOVES[(n // 5) % len(MOVES)]
        if place == 0:
            title, parent = f"{move} {n // 5}", None
            root = slug_of(title)
        elif place in (1, 2):
            title, parent = f"{FORMS[place]} {move} {n // 5}", root
            child = slug_of(title) if place == 1 else child
        else:
            title, parent = f"{FORMS[place]} {FORMS[1]} {move} {n // 5}", child
        primary = rng.sample(muscles, 1)
        secondary = rng.sample([m for m in muscles if m not in primary], 2)
        video = "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl0123456789_-") for _ in range(11)
        )
        front = [
            "---",
            f'title: "{title}"',
            f'video: "{video}"',
            f'description: "{sentence(rng)[:-1]} with the {title}."',
            f"muscles: [{', '.join(primary)}]",
            f"secondary_muscles: [{', '.join(secondary)}]",
            f"equipment: [{', '.join(rng.sample(equipment, 2))}]",
            f"level: {rng.choice(LEVELS)}",
            f"variation_of: {parent or 'null'}",
            "---",
        ]
        steps = "\n\n".join(f"### Step {k}\n{sentence(rng)} {sentence(rng)}" for k in range(1, 4))
        body = (
            f"\n## Setup\n{items(rng, 2, True, True)}\n\n## Execution\n{items(rng, 4, True, True)}"
            f"\n\n## Tips\n{items(rng, 3, False, rng.random() < 0.5)}\n\n## Common Mistakes\n"
            f"{items(rng, 3, False, False)}\n\n{sentence(rng)} {sentence(rng)}\n\n"
            f"<!-- howto -->\n\n{steps}\n"
        )
        (folder / f"{slug_of(title)}.md").write_text("\n".join(front) + "\n" + body, "utf-8")


def slug_of(title: str) -> str:
    return "-".join(title.lower().replace("-", " ").split())


def make_site(site: Path, corpus: str, count: int) -> str:
    """Write the site; return a description of its corpus."""
    if corpus == "families":
        generate(site / "exercises", count)
        (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        described = f"{count} families files"
    else:
        described = write_site(site, corpus, count).describe()
    (site / "templates").mkdir()
    (site / "templates" / "exercise.html").write_text(TEMPLATE.format(edit=0), "utf-8")
    return described


def pages(site: Path) -> int:
    return sum(1 for _ in (site / "_site").rglob("*.html"))


def bench_size(site: Path, corpus: str, count: int, runs: int) -> tuple[dict[str, list[Run]], int]:
    described = make_site(site, corpus, count)
    print(f"corpus: {described}", flush=True)
    files = sorted((site / "exercises").glob("*.md"))
    # Two files from the middle: one gets its text edited, the other its title.
    text_file, title_file = files[count // 2], files[(count // 2 + 1) % count]
    originals = {path: path.read_text("utf-8") for path in (text_file, title_file)}
    config = site / "site.toml"
    config_text = config.read_text("utf-8")
    template = site / "templates" / "exercise.html"
    log = site / "build.log"

    def build() -> Run:
        return run_process(thrustlib_build(), site, log)

    def clean() -> None:
        shutil.rmtree(site / "_site", ignore_errors=True)
        shutil.rmtree(site / ".thrustlib-cache", ignore_errors=True)

    def prepare(name: str, round_: int) -> None:
        # Each edit differs from the last round's, so that every build sees a change.
        if name == "clean":
            clean()
        elif name == "one file's text changed":
            text = edit_sentence(originals[text_file], f"Edited in round {round_}.")
            text_file.write_text(text, "utf-8")
        elif name == "one file's title changed":
            text = edit_title(originals[title_file], f"Retitled Exercise {round_}")
            title_file.write_text(text, "utf-8")
        elif name == "one template changed":
            template.write_text(TEMPLATE.format(edit=round_), "utf-8")
        elif name == "site.toml changed":
            edited = config_text.replace("for benchmarks.", f"for benchmarks, edit {round_}.")
            config.write_text(edited, "utf-8")

    clean()
    build()  # warm-up, untimed
    results: dict[str, list[Run]] = {name: [] for name in SCENARIOS}
    for round_ in range(1, runs + 1):
        for name in SCENARIOS:
            prepare(name, round_)
            run = build()
            results[name].append(run)
            print(
                f"  round {round_} {name:25} {run.wall:6.2f} s wall {run.cpu:6.2f} s CPU"
                f" {run.rss_mib:5.0f} MiB",
                flush=True,
            )
    return results, pages(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=CORPORA, default="real", help="the files built")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated library sizes")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (median shown)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be 1 or more (3 or more for a meaningful median)")
    print(f"machine: {machine()}")
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        with tempfile.TemporaryDirectory(prefix="thrustlib-bench-") as tmp:
            results, count = bench_size(Path(tmp), args.corpus, size, args.runs)
        for name, runs in results.items():
            walls = [r.wall for r in runs]
            wall = median(walls)
            rows.append(
                f"| {size:,} | {args.corpus} | {name} | {count} | {wall:.2f}"
                f" | {min(walls):.2f}-{max(walls):.2f} | {median([r.cpu for r in runs]):.2f}"
                f" | {count / wall:,.0f} | {max(r.rss_mib for r in runs):.0f} |"
            )
    print(f"\nmedian of {args.runs} rounds; each a whole `thrustlib build` process\n")
    print(
        "| exercises | corpus | build | pages | wall median (s) | wall min-max (s)"
        " | CPU median (s) | pages/s | peak MiB |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
