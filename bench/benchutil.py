"""What the benchmark scripts share: where the repository is, timing a child process,
and a description of the machine for the figures.

Not a benchmark itself. Importing it also makes ``thrustlib`` importable from a fresh
clone that has not installed it (``src/`` is put on the path, for this process and its
children), so ``python bench/<script>.py`` runs either way; and compiles thrustlib's
modules to bytecode, so that what is timed is what an installed thrustlib runs.
"""

from __future__ import annotations

import compileall
import importlib.util
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The repository's root folder."""

if importlib.util.find_spec("thrustlib") is None:
    # Not installed: use the source tree, and let `python -m thrustlib` children find it.
    sys.path.insert(0, str(REPO / "src"))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p
    )


def _compiled() -> None:
    """Compile thrustlib's modules to bytecode now, as installing a package does.

    A source tree run where bytecode is never written (``PYTHONDONTWRITEBYTECODE``, a
    read-only checkout) compiles every module again in each process: 0.3-0.4 s of each
    build timed, which no installed thrustlib pays (nor MkDocs or Pelican, installed by
    pip). ``compileall`` writes the files whatever that setting says; children read them.
    """
    spec = importlib.util.find_spec("thrustlib")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


_compiled()


def database_path() -> Path | None:
    """The public-domain Free Exercise DB's JSON beside the repository, if it is there.

    ``THRUSTLIB_EXERCISE_DB`` names another copy (``tests/realshape.py`` reads it too).
    """
    named = os.environ.get("THRUSTLIB_EXERCISE_DB")
    for candidate in (Path(named) if named else None, REPO.parent / "shared" / "data"):
        if candidate is None:
            continue
        path = candidate / "free-exercise-db.json" if candidate.is_dir() else candidate
        if path.is_file():
            return path
    return None


@dataclass(frozen=True, slots=True)
class Run:
    """One child process: its wall time, CPU time and peak memory."""

    wall: float
    """Seconds from start to exit, by ``time.perf_counter``."""
    cpu: float
    """User + system seconds of the child and every descendant it waited for."""
    rss_mib: float
    """Peak resident set size of the largest single process among them, in MiB."""


def run_process(
    command: Sequence[str], cwd: Path, log: Path, env: dict[str, str] | None = None
) -> Run:
    """Run ``command`` to its end with its output sent to ``log``; exit on failure.

    ``os.wait4`` gives the child's own resource usage (what
    ``getrusage(RUSAGE_CHILDREN)`` would add up for it alone): its CPU time, which other
    load on the machine does not inflate the way it inflates wall time, and the largest
    peak RSS of it and of any worker process it waited for.
    """
    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=sink, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(command)} failed with exit {code} in {cwd}:\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def thrustlib_build(*extra: str) -> list[str]:
    """The command line of a quiet ``thrustlib build`` with this interpreter."""
    return [sys.executable, "-m", "thrustlib", "build", "--quiet", *extra]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of all at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line naming the interpreter and the machine, to print beside every figure."""
    build = " ".join(platform.python_build())
    return (
        f"{platform.python_implementation()} {platform.python_version()} ({build},"
        f" {platform.python_compiler()}); {os.cpu_count()} CPUs ({cpu_model()});"
        f" {platform.system()} {platform.release()} {platform.machine()};"
        f" load average {os.getloadavg()[0]:.2f}"
    )
