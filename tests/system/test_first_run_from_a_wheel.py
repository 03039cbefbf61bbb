"""A first run from a wheel, as a user who `pipx install`s battledecks has it.

The wheel is built with `python -m build`, installed (not editable) in a fresh venv, and bare
`battledecks` runs in tmux from a folder outside the clone, with a data folder of its own. The
first run paints the demo's sample decks: it says so at once and counts them, a run killed
meanwhile leaves its hidden work folder, and the next run clears it away and opens the lineup.

The fresh venv gets the wheel alone (`--no-deps`); its dependencies are this environment's,
through a .pth file, which keeps the test to seconds instead of a minute of pip.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

ROOT = Path(__file__).resolve().parents[2]
PAINTING = 240.0
"""Seconds the eight sample decks may take to paint on a busy two-core machine (about 10 s idle)."""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`battledecks` of a wheel built from this tree, installed in a fresh venv."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(folder / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = (folder / "dist").glob("battledecks-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    where = subprocess.run(
        [str(python), "-c", "import battledecks; print(battledecks.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=folder,
    ).stdout.strip()
    assert where.startswith(str(venv)), f"the wheel's battledecks is not the one imported: {where}"
    return venv / "bin" / "battledecks"


class Pane:
    """A tmux session of its own running one command; read back with capture-pane."""

    def __init__(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        self.name = f"bd-{uuid.uuid4().hex[:8]}"
        # The environment goes in the command: a tmux server already running gives a new session its own
        # environment, not the one of the client that asked for it (the user's data folder, not this test's).
        with_env = "env " + " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items()) + " " + command
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "80",
                "-y",
                "24",
                "-c",
                str(cwd),
                f"{with_env}; echo EXIT=$?; sleep 60",
            ],
            check=True,
        )
        self.shell = int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}"))

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def app(self) -> int:
        """The command's process (the shell's child)."""
        found = subprocess.run(["pgrep", "-P", str(self.shell)], capture_output=True, text=True).stdout.split()
        return int(found[0])

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.fixture
def panes() -> Iterator[list[Pane]]:
    opened: list[Pane] = []
    yield opened
    for pane in opened:
        pane.close()


def test_a_first_run_from_a_wheel_says_what_it_paints_and_leaves_nothing_after_a_kill(
    installed: Path, tmp_path: Path, panes: list[Pane]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    demo = data / "battledecks" / "demo"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}

    def work_folders() -> list[Path]:
        return sorted(demo.glob(".decks-*")) if demo.is_dir() else []

    # The first run: the progress line comes before any deck is painted, and counts them.
    started = time.monotonic()
    first = Pane(shlex.quote(str(installed)), elsewhere, env)
    panes.append(first)
    first.wait_for("painting the demo's 8 sample decks")
    said_after = time.monotonic() - started
    assert not (demo / "decks").exists()
    first.wait_for("1 of 8", timeout=PAINTING)
    (work,) = work_folders()
    # Killed while painting: its work folder is left behind...
    os.kill(first.app(), signal.SIGKILL)
    first.wait_for("EXIT=137")
    assert work_folders() == [work] and not (demo / "decks").exists()

    # ...and the next run clears it away, paints the decks and opens the lineup.
    second = Pane(shlex.quote(str(installed)), elsewhere, env)
    panes.append(second)
    second.wait_for("painting the demo's 8 sample decks")
    assert work not in work_folders()
    screen = second.wait_for("Janie Hermann", timeout=PAINTING)
    assert "Battledecks! 2010" in screen and "waiting" in screen
    assert work_folders() == []
    assert len([p for p in (demo / "decks").iterdir() if p.is_dir()]) == 8
    assert not any(elsewhere.iterdir()), "nothing is written where the command was run"
    assert (data / "battledecks" / "demo" / "demo.yaml").is_file(), "the demo is in this test's data folder"
    second.keys("q")
    second.wait_for("Quit battledecks?")
    second.keys("y")
    second.wait_for("EXIT=0")
    print(f"first line on screen {said_after:.2f} s after start")
