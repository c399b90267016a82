"""Benchmark corpora: a thrustlib site folder of N exercise files in one of three shapes.

    python bench/corpus.py OUT --shape real -n 1000 [--seed S]

writes ``OUT/exercises/*.md`` and a minimal ``OUT/site.toml``. The shapes:

- ``real``: files shaped like real libraries (FORMAT.md, "What real libraries look
  like"): three heading styles, heading synonyms, generic sections, nested lists,
  trailing spaces, block- and flow-list front matter. Made by ``tests/realshape.py``,
  which the tests use too; this module only calls it.
- ``tidy``: the synthetic common-shape files of ``bench_parse.generate`` (every section
  under ``##``, flow-list front matter with a title): the corpus of the older figures.
- ``freedb``: the 873 exercises of the public-domain Free Exercise DB
  (``../shared/data/free-exercise-db.json`` beside the repository) converted to the
  format, repeated with a numeric suffix on title and file name when N is larger. The
  converted text is written only where OUT says, never into the repository.

The same shape, count and seed always give the same bytes. Other scripts call
:func:`write_site`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_parse import generate
from benchutil import REPO, database_path

from thrustlib.content.text import slugify
from thrustlib.importers import free_exercise_db

SHAPES: tuple[str, ...] = ("real", "tidy", "freedb")

SITE_TOML = """\
[site]
title = "Benchmark Library"
description = "A generated exercise library for benchmarks."
base_url = "https://example.org/"

[build]
output = "_site"
"""


@dataclass(frozen=True, slots=True)
class Corpus:
    """A written corpus: where it is and how big."""

    shape: str
    site: Path
    """The site folder (``site.toml`` and ``exercises/``)."""
    files: int
    bytes: int

    @property
    def exercises(self) -> Path:
        return self.site / "exercises"

    def describe(self) -> str:
        kib = self.bytes / max(self.files, 1) / 1024
        return f"{self.files} {self.shape} files, {kib:.2f} KiB each on average"


def write_site(site: Path, shape: str, count: int, seed: int | None = None) -> Corpus:
    """Write ``count`` files of ``shape`` to ``site/exercises/`` and a minimal site.toml.

    ``seed`` ``None`` takes each generator's own default seed (0 for ``real``, 2 for
    ``tidy``, 0 for ``freedb``), so figures taken without one are comparable.
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown corpus shape {shape!r}; use one of {', '.join(SHAPES)}")
    folder = site / "exercises"
    if folder.is_dir() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; a corpus is written to a fresh folder")
    folder.mkdir(parents=True, exist_ok=True)
    if shape == "real":
        written = _write_real(site, count, 0 if seed is None else seed)
    elif shape == "tidy":
        written = generate(folder, count) if seed is None else generate(folder, count, seed)
    else:
        written = write_freedb(folder, count, 0 if seed is None else seed)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    return Corpus(shape, site, count, written)


def _write_real(site: Path, count: int, seed: int) -> int:
    # tests/ is a package at the repository root; the root is not on the path when a
    # script in bench/ runs, so put it there (first, so that no installed "tests" wins).
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.realshape import write_corpus

    files = write_corpus(site, count, seed)
    return sum(len(f.text.encode("utf-8")) for f in files)


# --- edits, for the benchmarks of rebuilds --------------------------------------------

_ITEM = re.compile(r"^([ \t]*(?:\d+[.)]|[-*+])[ \t]+\S.*?)[ \t]*$", re.MULTILINE)
_TITLE = re.compile(r"^title:.*$", re.MULTILINE)


def _body_start(text: str) -> int:
    """Where the body starts: after the line that closes the front matter."""
    end = text.find("\n---\n", 3)
    return end + 5 if text.startswith("---\n") and end >= 0 else 0


def edit_sentence(text: str, sentence: str) -> str:
    """``text`` with ``sentence`` added to its body's first list item: a one-sentence
    edit of the text that leaves the file's title, muscles and links as they were."""
    found = _ITEM.search(text, _body_start(text))
    if found is None:
        raise ValueError("the file has no list item to edit")
    return text[: found.end(1)] + " " + sentence + text[found.end() :]


def edit_title(text: str, title: str) -> str:
    """``text`` with its front matter's ``title:`` set to ``title`` (added if absent)."""
    line = f"title: {_quoted(title)}"
    end = _body_start(text)
    found = _TITLE.search(text, 0, end)
    if found is not None:
        return text[: found.start()] + line + text[found.end() :]
    return text[:4] + line + "\n" + text[4:]


# --- the Free Exercise DB, converted ---------------------------------------------------

# The DB's names for its fields' values, mapped to the format's words: the importer's own
# tables (`thrustlib import free-exercise-db`), so the corpus and an import agree.
# "other" and a missing value name no equipment: the key is left out.
MUSCLES: dict[str, str] = dict(free_exercise_db.MUSCLES)
EQUIPMENT: dict[str, str] = {k: v for k, v in free_exercise_db.EQUIPMENT.items() if v}
LEVELS: dict[str, str] = dict(free_exercise_db.LEVELS)
EQUIPMENT_PHRASES: dict[str, str] = {
    "body only": "no equipment",
    "other": "other equipment",
    "kettlebells": "a kettlebell",
    "bands": "a band",
    "e-z curl bar": "an EZ curl bar",
}


def _video(key: str) -> str:
    """A placeholder video ID: 11 characters of the ID alphabet, fixed for a key."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:11]


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar (same escapes), whatever it holds.
    return json.dumps(text, ensure_ascii=False)


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _description(entry: dict[str, Any]) -> str:
    """One sentence made of the entry's fields (level, category, mechanic, force...)."""
    level = entry.get("level") or "all-level"
    category = entry.get("category") or "strength"
    article = "An" if level[0] in "aeiou" else "A"
    kinds = ", ".join(k for k in (entry.get("mechanic"), entry.get("force")) if k)
    primary = entry.get("primaryMuscles") or []
    secondary = entry.get("secondaryMuscles") or []
    equipment = entry.get("equipment")
    text = f"{article} {level} {category} exercise"
    if kinds:
        text += f" ({kinds})"
    if primary:
        text += f" for the {_and(primary)}"
    if secondary:
        text += f", also working the {_and(secondary)}"
    if equipment:
        text += f", done with {EQUIPMENT_PHRASES.get(equipment, f'a {equipment}')}"
    return text + "."


def _yaml_list(key: str, values: Sequence[str], flow: bool) -> list[str]:
    if flow:
        return [f"{key}: [{', '.join(values)}]"]
    return [f"{key}:", *(f"  - {v}" for v in values)]


def freedb_file(entry: dict[str, Any], copy: int, flow: bool) -> tuple[str, str]:
    """(file name, text) of one DB entry; ``copy`` > 0 adds a suffix to title and name."""
    name = " ".join(str(entry["name"]).split())
    title = f"{name} {copy + 1}" if copy else name
    stem = slugify(title) or f"exercise-{copy}"
    front = [
        f"title: {_quoted(title)}",
        f"video: {_quoted(_video(stem))}",
        f"description: {_quoted(_description(entry))}",
    ]
    primary = [MUSCLES[m] for m in entry.get("primaryMuscles") or [] if m in MUSCLES]
    secondary = [MUSCLES[m] for m in entry.get("secondaryMuscles") or [] if m in MUSCLES]
    if primary:
        front += _yaml_list("muscles", primary, flow)
    if secondary:
        front += _yaml_list("secondary_muscles", secondary, flow)
    if (equipment := EQUIPMENT.get(entry.get("equipment") or "")) is not None:
        front += _yaml_list("equipment", [equipment], flow)
    if (level := LEVELS.get(entry.get("level") or "")) is not None:
        front.append(f"level: {level}")
    steps = [" ".join(str(s).split()) for s in entry.get("instructions") or []]
    body = ["## Execution", *(f"{n}. {s}" for n, s in enumerate(steps, 1) if s)]
    return f"{stem}.md", "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body) + "\n"


def write_freedb(folder: Path, count: int, seed: int = 0) -> int:
    """Write ``count`` converted DB exercises into ``folder``; returns the bytes written.

    The entries are shuffled by ``seed`` so that a corpus smaller than the DB is a
    spread of it, not its first letters; past 873 the same order repeats with suffixes.
    Half of the files write their lists as block lists, half as flow lists.
    """
    path = database_path()
    if path is None:
        raise SystemExit(
            "the freedb corpus needs ../shared/data/free-exercise-db.json beside the"
            " repository (or THRUSTLIB_EXERCISE_DB naming it)"
        )
    entries = [e for e in json.loads(path.read_text(encoding="utf-8")) if e.get("name")]
    rng = random.Random(seed)
    rng.shuffle(entries)
    total = 0
    names: set[str] = set()
    for n in range(count):
        copy, index = divmod(n, len(entries))
        name, text = freedb_file(entries[index], copy, flow=rng.random() < 0.5)
        if name in names:  # a DB name ending in a number could meet a suffixed copy
            raise ValueError(f"two converted exercises would both be {name}")
        names.add(name)
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        total += len(data)
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/corpus.py", description="Write a benchmark corpus as a site folder."
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="the site folder to write")
    parser.add_argument("--shape", choices=SHAPES, default="real", help="the kind of files")
    parser.add_argument("-n", type=int, default=1000, metavar="N", help="how many files")
    parser.add_argument("--seed", type=int, metavar="S", help="the random seed")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be 1 or more")
    try:
        corpus = write_site(args.out, args.shape, args.n, args.seed)
    except FileExistsError as exc:
        parser.error(str(exc))
    print(f"wrote {corpus.describe()} to {corpus.exercises}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
