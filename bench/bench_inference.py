"""Muscle inference against the Free Exercise DB: precision and recall of inferred muscles.

Each exercise of ``../shared/data/free-exercise-db.json`` (beside the repository) is
read as a file without ``muscles`` would be: its name as the title and its instructions
joined as the description. What :meth:`Vocabulary.guess_muscles` infers is compared
with the DB's ``primaryMuscles`` and ``secondaryMuscles``. Figures are printed for all
exercises and for the held-out half (those whose ID's CRC-32 is odd), which the
keywords were not tuned on.

    python bench/bench_inference.py
    python bench/bench_inference.py --misses     # the tuning half's wrong primaries
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from thrustlib.content.vocabulary import Vocabulary

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "free-exercise-db.json"


@dataclass(frozen=True, slots=True)
class Case:
    """One DB exercise: what a file would say, and the muscles the DB gives it."""

    id: str
    title: str
    description: str
    primary: frozenset[str]
    secondary: frozenset[str]


@dataclass(frozen=True, slots=True)
class Score:
    """Micro-averaged counts of inferred muscle keys against the DB's."""

    found: int
    inferred: int
    expected: int

    @property
    def precision(self) -> float:
        """Share of the inferred muscles that the DB gives too."""
        return self.found / self.inferred if self.inferred else 0.0

    @property
    def recall(self) -> float:
        """Share of the DB's muscles that were inferred."""
        return self.found / self.expected if self.expected else 0.0


@dataclass(frozen=True, slots=True)
class Figures:
    """What one set of exercises gave."""

    exercises: int
    primary: Score
    secondary: Score
    no_primary: int
    """Exercises for which no primary muscle was inferred."""


def held_out(case_id: str) -> bool:
    """True for the half of the DB the keywords were not tuned on (odd CRC-32 of the ID)."""
    return zlib.crc32(case_id.encode("utf-8")) % 2 == 1


def load(path: Path, vocabulary: Vocabulary) -> list[Case]:
    """The DB's exercises, muscle names turned into the vocabulary's keys."""

    def keys(names: Iterable[str]) -> frozenset[str]:
        found = {vocabulary.muscle_key(name) for name in names}
        if None in found:
            raise ValueError(f"a muscle of {path} is not in the vocabulary: {sorted(names)}")
        return frozenset(k for k in found if k)

    return [
        Case(
            entry["id"],
            entry["name"],
            " ".join(entry.get("instructions") or ()),
            keys(entry.get("primaryMuscles") or ()),
            keys(entry.get("secondaryMuscles") or ()),
        )
        for entry in json.loads(path.read_text(encoding="utf-8"))
    ]


def measure(cases: Sequence[Case], vocabulary: Vocabulary) -> Figures:
    """Infer each case's muscles from its title and description and count the agreement."""
    counts = [0] * 6
    no_primary = 0
    for case in cases:
        guess = vocabulary.guess_muscles(case.title, case.description)
        primary, secondary = set(guess.primary), set(guess.secondary)
        no_primary += not primary
        for n, value in enumerate(
            (
                len(primary & case.primary),
                len(primary),
                len(case.primary),
                len(secondary & case.secondary),
                len(secondary),
                len(case.secondary),
            )
        ):
            counts[n] += value
    return Figures(len(cases), Score(*counts[:3]), Score(*counts[3:]), no_primary)


def misses(cases: Sequence[Case], vocabulary: Vocabulary) -> list[str]:
    """One line per tuning-half case whose inferred primary muscles are not the DB's."""
    lines = []
    for case in cases:
        if held_out(case.id):
            continue
        guess = vocabulary.guess_muscles(case.title, case.description)
        if set(guess.primary) != case.primary:
            lines.append(
                f"{case.title}: inferred {', '.join(guess.primary) or '-'}"
                f" (secondary {', '.join(guess.secondary) or '-'});"
                f" DB {', '.join(sorted(case.primary))}"
            )
    return lines


def table(rows: Sequence[tuple[str, Figures]]) -> str:
    """The figures as a Markdown table."""
    out = [
        "| exercises | n | primary P | primary R | no primary | secondary P | secondary R |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in rows:
        out.append(
            f"| {name} | {f.exercises} | {f.primary.precision:.3f} | {f.primary.recall:.3f}"
            f" | {f.no_primary} | {f.secondary.precision:.3f} | {f.secondary.recall:.3f} |"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (and, when asked, the tuning half's misses); 1 without the DB."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the DB's JSON file")
    parser.add_argument("--misses", action="store_true", help="list the tuning half's misses")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no data at {args.data}", file=sys.stderr)
        return 1
    vocabulary = Vocabulary()
    cases = load(args.data, vocabulary)
    if args.misses:
        print("\n".join(misses(cases, vocabulary)))
    rows = [
        ("all", measure(cases, vocabulary)),
        ("tuning half", measure([c for c in cases if not held_out(c.id)], vocabulary)),
        ("held-out half", measure([c for c in cases if held_out(c.id)], vocabulary)),
    ]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
