"""The tiers hold: a test starting a system program or running long without its marker fails (tests/tiers.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.tiers import system_part

pytest_plugins = ["pytester"]


@pytest.fixture
def suite(pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A small suite with the tiers plugin, and first on the PATH a ``tmux`` that does nothing."""
    tmux = tmp_path / "bin" / "tmux"
    tmux.parent.mkdir()
    tmux.write_text("#!/bin/sh\nexit 0\n")
    tmux.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmux.parent}{os.pathsep}{os.environ['PATH']}")
    stand_in = tmp_path / "elsewhere" / "tmux"  # not on the PATH: a test's own script that happens to be named so
    stand_in.parent.mkdir()
    stand_in.write_bytes(tmux.read_bytes())
    stand_in.chmod(0o755)
    pytester.makeini(
        f"[pytest]\npythonpath = {Path(__file__).resolve().parents[2]}\naddopts = --strict-markers -p no:textual-snapshot -p no:syrupy -p no:xdist -p no:asyncio\n"
        "markers =\n    system: system\n    slow: slow\n"
    )
    pytester.makeconftest(
        "import pytest\n\npytest_plugins = ['tests.tiers']\n\n@pytest.fixture\ndef tmux():\n    return None\n"
    )
    pytester.makepyfile(
        test_some=f"""
        import subprocess
        import sys

        import pytest

        TMUX = "tmux"
        STAND_IN = {str(stand_in)!r}

        def test_starts_tmux_unmarked():
            subprocess.run([TMUX, "-V"], check=True)

        @pytest.mark.system
        def test_starts_tmux_marked():
            subprocess.run([TMUX, "-V"], check=True)

        def test_starts_tmux_and_swallows_the_error():
            try:
                subprocess.run([TMUX, "-V"], check=True)
            except Exception:
                pass

        def test_takes_the_tmux_fixture(tmux):
            subprocess.run([TMUX, "-V"], check=True)

        def test_runs_long_unmarked():
            sys.audit("battledecks.tests.slow", "the soak")

        @pytest.mark.slow
        def test_runs_long_marked():
            sys.audit("battledecks.tests.slow", "the soak")

        def test_starts_python_and_a_stand_in():
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            subprocess.run([STAND_IN, "-V"], check=True)
    """
    )
    return pytester


def test_unmarked_system_and_slow_tests_fail_and_marked_ones_pass(suite: pytest.Pytester) -> None:
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=4, failed=3)
    outcomes = {report.split("::")[-1].split(" ")[0] for report in result.outlines if report.startswith("FAILED")}
    assert outcomes == {
        "test_starts_tmux_unmarked",
        "test_starts_tmux_and_swallows_the_error",
        "test_runs_long_unmarked",
    }
    result.stdout.fnmatch_lines(["*test_starts_tmux_unmarked starts tmux but is not marked system*"])
    result.stdout.fnmatch_lines(["*test_runs_long_unmarked starts the soak but is not marked slow*"])


def test_a_test_taking_a_system_fixture_is_in_the_system_tier(suite: pytest.Pytester) -> None:
    result = suite.runpytest_inprocess("-m", "system", "-q")
    result.assert_outcomes(passed=2, deselected=5)
    result = suite.runpytest_inprocess("-m", "not system and not slow", "-q")
    result.assert_outcomes(passed=1, failed=3, deselected=3)


@pytest.mark.parametrize(
    ("argv", "part"),
    [
        (["tmux", "-L", "x", "new-session"], "tmux"),
        (["Xvfb", "-displayfd", "3"], "Xvfb"),
        (["soffice", "--headless"], "soffice"),
        (["/tmp/stand-in/soffice", "--headless"], None),
        (
            ["/venv/lib/python3.11/site-packages/playwright/driver/node", "cli.js", "run-driver"],
            "Chromium (through Playwright)",
        ),
        ([sys.executable, "-m", "battledecks.room.votes_intake", "3", "4", "5"], "a vote process"),
        ([sys.executable, "-m", "battledecks.room.votes.intake", "3", "4", "5"], "a vote process"),
        (
            [sys.executable, "-m", "battledecks", "run", "ev.yaml", "--serve", "127.0.0.1:0"],
            "battledecks run --serve (the vote processes)",
        ),
        ([sys.executable, "-m", "battledecks", "check", "decks"], None),
        ("git status", None),
        ([], None),
    ],
)
def test_what_counts_as_the_system(argv: object, part: str | None) -> None:
    assert system_part(argv) == part
