"""The ``thrustlib`` command, called in-process as ``main(argv) -> int``."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import thrustlib
from thrustlib import cli, report
from thrustlib.config import SiteConfig
from thrustlib.content.text import slugify
from thrustlib.engine import build
from thrustlib.engine.build import BuildResult
from thrustlib.errors import Problem
from thrustlib.scaffold import EXAMPLE

main = cli.main

GOOD = """\
---
title: "{title}"
description: "A sentence about it."
muscles: [glutes]
variation_of: null
---

## Execution
1. **Drive**: Push the hips up.
"""

# No 'muscles' and nothing to infer them from: a warning, not an error.
WARNS = """\
---
description: "A sentence."
---

## Execution
1. **Move**: Move.
"""

# line 3 holds the bad video ID
BAD = """\
---
description: "A sentence."
video: "nope"
muscles: [glutes]
---

## Execution
1. **Move**: Move.
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests must print the same in CI as on a laptop.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site folder that is the current directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exercises").mkdir()
    return tmp_path


def _write(site: Path, name: str, text: str) -> Path:
    path = site / "exercises" / name
    path.write_text(text, encoding="utf-8")
    return path


def _good(site: Path, title: str) -> Path:
    return _write(site, f"{slugify(title)}.md", GOOD.format(title=title))


# -- usage, help, version ----------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith(f"thrustlib {thrustlib.__version__} ")


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["init"], ["new"]])
def test_help_on_every_command_has_examples(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: thrustlib")
    assert "examples:\n  thrustlib " in out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["build", "--bogus"],
        ["new"],
        ["check", "--strict=yes"],
        ["-q", "-v", "check"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: thrustlib" in capsys.readouterr().err


def test_python_dash_m_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "thrustlib", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: thrustlib")
    for command in ("build", "check", "init", "new"):
        assert command in result.stdout


# -- messages ----------------------------------------------------------------------------


def test_errors_name_file_and_line(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(site, "bad.md", BAD)
    assert main(["check"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0].startswith("exercises/bad.md:3: error: 'video' must be a YouTube video ID")
    assert lines[-1] == "Stopped: 1 error, 0 warnings; nothing was written."
    assert "::error" not in captured.out
    assert "Traceback" not in captured.err


def test_reason_lines_follow_their_problem(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(site, "broken.md", '---\ndescription: "x\n---\n')
    assert main(["check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("exercises/broken.md:")
    assert "error: the front matter is not valid YAML" in err[0]
    assert err[1].startswith("  Reason: ")


def test_github_annotations(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _write(site, "bad.md", BAD)
    _write(site, "warns.md", WARNS)
    assert main(["check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("::error file=exercises/bad.md,line=3::'video' must be")
    assert out[1].startswith("::warning file=exercises/warns.md,line=1::no 'muscles'")


def test_github_annotation_escaping() -> None:
    problem = Problem(
        Path("ex,1/a:b.md"), 7, "100% wrong\r\nnext", "warning", reasons=("because, see: x",)
    )
    assert report.github_annotation(problem) == (
        "::warning file=ex%2C1/a%3Ab.md,line=7::100%25 wrong%0D%0Anext%0AReason: because, see: x"
    )
    assert report.github_annotation(Problem(None, None, "whole run")) == "::error::whole run"
    assert report.github_annotation(Problem(Path("a.md"), None, "m")) == "::error file=a.md::m"


def test_config_errors_exit_1(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "site.toml").write_text('[site]\ntitel = "x"\n')
    assert main(["build"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "site.toml:2: error: unknown key 'site.titel'; did you mean 'site.title'?",
        "Stopped: 1 error.",
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--base-url", "example.org"], "error: --base-url must be an http(s) URL"),
        (["--out", "."], "error: --out must be a folder of its own"),
        (["--out", "exercises"], "error: --out must not be the exercises folder"),
        (["--config", "missing.toml"], "missing.toml: error: no such config file"),
    ],
)
def test_bad_options_are_checked_like_site_toml(
    site: Path, options: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", *options]) == 1
    assert capsys.readouterr().err.startswith(expected)


# -- check ---------------------------------------------------------------------------


def test_check_reports_warnings_and_passes(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good(site, "Hip Thrust")
    _write(site, "warns.md", WARNS)
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("exercises/warns.md:1: warning: no 'muscles'")
    assert "Checked 2 exercises" in captured.out
    assert "1 warning," in captured.out
    assert not (site / "_site").exists()


def test_strict_turns_warnings_into_exit_1(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(site, "warns.md", WARNS)
    assert main(["check", "--strict"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "Stopped: 1 warning under --strict; nothing was written."
    )


def test_drafts_option_overrides_site_toml(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good(site, "Hip Thrust")
    draft = GOOD.format(title="Frog Pump").replace("variation_of: null", "draft: true")
    _write(site, "frog-pump.md", draft)
    assert main(["check"]) == 0
    assert "Checked 1 exercise" in capsys.readouterr().out
    assert main(["check", "--drafts"]) == 0
    assert "Checked 2 exercises" in capsys.readouterr().out
    (site / "site.toml").write_text("[build]\ndrafts = true\n")
    assert main(["check"]) == 0
    assert "Checked 2 exercises" in capsys.readouterr().out
    assert main(["check", "--no-drafts"]) == 0
    assert "Checked 1 exercise" in capsys.readouterr().out


def test_config_option_sets_the_site_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "lib"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text('[build]\nexercises = "content"\n')
    (site / "content" / "a.md").write_text(GOOD.format(title="A"))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--config", "lib/site.toml"]) == 0
    assert "Checked 1 exercise" in capsys.readouterr().out


def test_quiet_and_verbose(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good(site, "Hip Thrust")
    assert main(["check", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["-v", "check"]) == 0
    assert "debug: thrustlib.cli: site folder: " in capsys.readouterr().err


def test_log_lines_are_plain_unless_verbose() -> None:
    def line(level: int, *, verbose: bool) -> str:
        record = logging.LogRecord(
            "thrustlib.serve.server", level, __file__, 1, "serving %s", ("x",), None
        )
        return report.LogFormatter(verbose=verbose).format(record)

    assert line(logging.INFO, verbose=False) == "serving x"
    assert line(logging.WARNING, verbose=False) == "warning: serving x"
    assert line(logging.INFO, verbose=True) == "info: thrustlib.serve.server: serving x"


def test_a_logged_problem_keeps_its_own_level_word() -> None:
    # The preview logs each problem as a build prints it; its line already says "warning:".
    problem = Problem(Path("exercises/x.md"), 4, "look here", "warning")
    record = logging.LogRecord(
        "thrustlib.serve.server", logging.WARNING, __file__, 1, "  %s", (problem,), None
    )
    record.problem = True
    assert report.LogFormatter(verbose=False).format(record) == (
        "  exercises/x.md:4: warning: look here"
    )


# -- build (the stage itself replaced, so these test the command alone) -----------------


def test_build_applies_options_and_prints_a_summary(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: dict[str, Any] = {}

    def fake_build(config: SiteConfig, **kwargs: Any) -> BuildResult:
        seen.update(kwargs, config=config)
        warning = Problem(Path("exercises/x.md"), 4, "look here", "warning")
        output = config.path(config.output_dir)
        return BuildResult(output, 12, 20, 3, (warning,), 0.25)

    monkeypatch.setattr(build, "build", fake_build)
    argv = ["build", "--strict", "--drafts", "--out", "public", "--base-url", "/lib"]
    assert main(argv) == 0
    config = seen["config"]
    assert config.output_dir == site / "public"
    assert config.base_url == "/lib/"
    assert config.drafts is True
    assert seen["strict"] is True
    captured = capsys.readouterr()
    assert captured.err == "exercises/x.md:4: warning: look here\n"
    assert captured.out == "Built public: 12 pages, 3 exercises, 1 warning in 0.25 s\n"


def test_unexpected_crash_is_a_short_report(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(config: SiteConfig, **kwargs: Any) -> BuildResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(build, "build", crash)
    assert main(["build", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("thrustlib: internal error: RuntimeError: boom\n")
    assert f"thrustlib {thrustlib.__version__}, Python {sys.version.split()[0]}" in err
    assert "command: thrustlib build --strict" in err
    assert "--traceback" in err
    assert len(err.splitlines()) <= 8

    assert main(["build", "--traceback"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "RuntimeError: boom" in err


def test_os_errors_are_reported_without_a_bug_report(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def denied(config: SiteConfig, **kwargs: Any) -> BuildResult:
        raise PermissionError(13, "Permission denied", "_site")

    monkeypatch.setattr(build, "build", denied)
    assert main(["build"]) == 1
    assert capsys.readouterr().err == "_site: error: Permission denied\n"


def test_interrupt_exits_130(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(config: SiteConfig, **kwargs: Any) -> BuildResult:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "build", interrupted)
    assert main(["build"]) == 130
    assert capsys.readouterr().err == "thrustlib: interrupted\n"


def test_progress_only_on_an_interactive_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            self.text += text

        def flush(self) -> None:
            pass

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = report.Progress.for_terminal()
    assert progress is not None
    progress.started -= 10  # as if the build had run for a while
    progress("render", 5, 10)
    progress.clear()
    assert terminal.text.startswith("\rrender 5/10")
    assert terminal.text.endswith("\r")
    monkeypatch.setenv("CI", "true")
    assert report.Progress.for_terminal() is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr(terminal, "isatty", lambda: False)
    assert report.Progress.for_terminal() is None


# -- init and new ------------------------------------------------------------------------


def test_init_creates_a_site_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "lib"]) == 0
    out = capsys.readouterr().out
    assert "created lib/site.toml" in out
    assert "Next steps:\n  cd lib\n" in out
    assert (tmp_path / "lib/exercises/glute-bridge.md").read_text() == EXAMPLE
    templates = (tmp_path / "lib/templates/README.md").read_text()
    assert "- `exercise.html`" in templates
    assert "- `base.html`" in templates
    assert (tmp_path / "lib/static/README.md").is_file()

    (tmp_path / "lib/site.toml").write_text("# mine\n")
    assert main(["init", "lib"]) == 1
    assert capsys.readouterr().err.startswith(
        "lib/site.toml: error: a site already exists here; init never overwrites it"
    )
    assert (tmp_path / "lib/site.toml").read_text() == "# mine\n"


def test_init_keeps_existing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/README.md").write_text("mine")
    assert main(["init"]) == 0
    assert (tmp_path / "templates/README.md").read_text() == "mine"
    assert (tmp_path / "site.toml").is_file()


def test_init_in_an_existing_library_adds_no_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exercises/bridges").mkdir(parents=True)
    mine = tmp_path / "exercises/bridges/glute-bridge.md"
    mine.write_text("---\ndescription: Mine.\nmuscles: [glutes]\n---\n## Execution\n1. Lift.\n")
    assert main(["init", "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "exercises").rglob("*.md")) == ["glute-bridge.md"]
    assert main(["check", "--strict", "-q"]) == 0


def test_init_refuses_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").write_text("x")
    assert main(["init", "notes"]) == 1
    assert "notes: error: is a file, not a folder to make a site in" in capsys.readouterr().err


def test_serve_port_must_be_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "99999"]) == 2
    assert "99999 is not a port (0 to 65535)" in capsys.readouterr().err
    assert main(["serve", "--port", "http"]) == 2
    assert "'http' is not a number" in capsys.readouterr().err


def test_init_example_is_strictly_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "-q"]) == 0
    assert main(["check", "--strict"]) == 0
    assert "Checked 1 exercise" in capsys.readouterr().out


def test_new_creates_a_valid_exercise_and_refuses_to_overwrite(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "Kettlebell Swing: Two-Hand"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == Path("exercises/kettlebell-swing-two-hand.md")
    text = path.read_text()
    assert text.startswith('---\ntitle: "Kettlebell Swing: Two-Hand"\n')
    for key in ("description", "muscles", "secondary_muscles", "equipment", "level", "aliases"):
        assert f"\n{key}:" in text
    assert "\nvariation_of: null\n" in text
    for heading in ("## Setup", "## Execution", "## Tips", "## Common Mistakes", "<!-- howto -->"):
        assert heading in text
    assert main(["check", "--strict"]) == 0
    capsys.readouterr()

    path.write_text("edited")
    assert main(["new", "Kettlebell Swing: Two-Hand"]) == 1
    assert capsys.readouterr().err.startswith(
        f"{path}: error: an exercise with the slug 'kettlebell-swing-two-hand' exists already"
    )
    assert path.read_text() == "edited"


def test_new_refuses_a_slug_another_file_sets(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        site,
        "other.md",
        GOOD.format(title="X").replace("---\ntitle", "---\nslug: frog-pump\ntitle"),
    )
    assert main(["new", "Frog Pump"]) == 1
    assert "exercises/other.md: error: an exercise with the slug 'frog-pump'" in (
        capsys.readouterr().err
    )
    assert not (site / "exercises/frog-pump.md").exists()


def test_new_with_options(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good(site, "Hip Thrust")
    argv = ["new", "B-Stance Hip Thrust", "--muscle", "Glutes", "--muscle", "hams"]
    argv += ["--equipment", "Barbells", "--level", "Intermediate", "--variation-of", "hip-thrust"]
    assert main(argv) == 0
    text = Path(capsys.readouterr().out.strip()).read_text()
    assert "muscles:\n  - glutes\n  - hamstrings\n" in text
    assert "equipment:\n  - barbell\n" in text
    assert "\nlevel: intermediate\n" in text
    assert "\nvariation_of: hip-thrust\n" in text
    # The family's ladder has a gap until its root has a level too.
    assert main(["check", "--strict"]) == 1
    assert "add 'level:'" in capsys.readouterr().err
    root = site / "exercises" / "hip-thrust.md"
    root.write_text(root.read_text().replace("---\n", "---\nlevel: beginner\n", 1))
    assert main(["check", "--strict"]) == 0


def test_new_checks_its_options(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["new", "Swing", "--muscle", "glutez", "--level", "pro", "--variation-of", "nothing"]
    assert main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "error: --level: unknown level 'pro'; use beginner, intermediate or advanced",
        "error: --muscle: unknown muscle 'glutez'; did you mean 'glutes'?",
        "error: --variation-of: no exercise has the slug 'nothing'",
        "Stopped: 3 errors.",
    ]
    assert not (site / "exercises/swing.md").exists()


def test_new_refuses_a_draft_parent(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good(site, "Hip Thrust")
    assert main(["new", "Glute Bridge", "--draft"]) == 0
    capsys.readouterr()
    assert main(["new", "Single-Leg Glute Bridge", "--variation-of", "glute-bridge"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "error: --variation-of: 'glute-bridge' is a draft; publish it first, or make this"
        " exercise a draft too (--draft)"
    )
    argv = ["new", "Single-Leg Glute Bridge", "--variation-of", "glute-bridge", "--draft"]
    assert main(argv) == 0
    assert main(["check", "--strict"]) == 0


def test_new_draft_is_left_out(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good(site, "Hip Thrust")
    assert main(["new", "Frog Pump", "--draft"]) == 0
    assert "\ndraft: true\n" in Path(capsys.readouterr().out.strip()).read_text()
    assert main(["check", "--strict"]) == 0
    assert "Checked 1 exercise" in capsys.readouterr().out


# -- end to end (needs the render and write stages) --------------------------------------


def test_init_then_build_makes_a_working_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "-q"]) == 0
    assert main(["build", "--strict"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Built _site: ")
    assert ", 1 exercise, 0 warnings in " in out
    assert (tmp_path / "_site/index.html").is_file()
    assert (tmp_path / "_site/exercises/glute-bridge/index.html").is_file()


def test_new_then_build_strict_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "-q"]) == 0
    assert main(["new", "Single-Leg Glute Bridge"]) == 0
    assert main(["build", "--strict"]) == 0
    assert ", 2 exercises, 0 warnings in " in capsys.readouterr().out
    assert (tmp_path / "_site/exercises/single-leg-glute-bridge/index.html").is_file()


def test_failed_build_leaves_the_last_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "-q"]) == 0
    assert main(["build", "-q"]) == 0
    before = (tmp_path / "_site/index.html").read_bytes()
    (tmp_path / "exercises/bad.md").write_text(BAD)
    assert main(["build"]) == 1
    assert "exercises/bad.md:3: error:" in capsys.readouterr().err
    assert (tmp_path / "_site/index.html").read_bytes() == before


def test_build_never_replaces_a_folder_it_did_not_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "-q"]) == 0
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/keep.txt").write_text("mine")
    assert main(["build", "--out", "notes"]) == 1
    assert "will not replace this folder" in capsys.readouterr().err
    assert (tmp_path / "notes/keep.txt").read_text() == "mine"


def test_no_cache_belongs_to_build_and_check_only(capsys: pytest.CaptureFixture[str]) -> None:
    # An option on the top-level parser would be accepted before any command.
    assert main(["--no-cache", "check"]) == 2
    capsys.readouterr()
    assert main(["serve", "--no-cache"]) == 2


def _entry_point(setup: str) -> subprocess.CompletedProcess[str]:
    """Run the console script's entry point with ``setup`` run first, and an exit hook."""
    code = (
        "import atexit, sys\n"
        f"{setup}\n"
        "atexit.register(lambda: print('exit hook ran'))\n"
        "from thrustlib.cli import main_entry\n"
        "sys.argv = ['thrustlib', '--version']\n"
        "main_entry()\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_the_entry_point_skips_the_teardown_but_not_the_output() -> None:
    result = _entry_point("")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("thrustlib ")  # flushed before the hard exit
    assert "exit hook ran" not in result.stdout  # the teardown (and its hooks) skipped


def test_the_entry_point_ends_normally_under_a_profiler_or_debugger() -> None:
    # A profiler, a debugger or coverage writes its report at exit: the exit is a normal one.
    result = _entry_point("sys.setprofile(lambda *args: None)")
    assert result.returncode == 0, result.stderr
    assert "exit hook ran" in result.stdout


def test_the_command_runs_without_the_cycle_collector_and_the_preview_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A command ends soon: the collector would free nothing its end does not. The preview
    runs for hours, and turns it on once its first build is settled."""
    import gc

    from thrustlib import cli
    from thrustlib.serve import command

    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(cli.os, "_exit", lambda code: None)
    try:
        with contextlib.suppress(SystemExit):  # how it ends under coverage or a debugger
            cli.main_entry()
        assert seen == [False]
        command.settle_heap()
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
