"""The installed command in a real terminal: tmux at 80x24 and 160x45, read back with capture-pane."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import build_event

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_a_talk_in_tmux(event_dir: Path, tmux, size: tuple[int, int]) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="tmux", seconds=2.4, countdown=1, order="listed")
    term = tmux([sys.executable, "-m", "battledecks", "run", str(path)], size)
    term.wait_for("waiting")
    # The footer fills in once the lineup's keys are known, a frame after the first.
    screen = term.wait_for("? Help")
    assert "Test Night" in screen and "Ada" in screen and "waiting" in screen
    for key in ("Select", "Next step", "Standings", "Add", "Remove", "Move", "Quit", "Help"):
        assert key in screen.splitlines()[-1], f"{key} missing from the footer at {size}"
    term.press("Enter", "will present")
    term.press("Enter", "put Ada on stage")
    term.press("Enter", "talk?")
    screen = term.press("y", "/12")
    assert "Pause" in screen and "Abort" in screen
    # The slide is really drawn: its colours fill the stage above the bar.
    deadline = time.monotonic() + 20
    while term.painted_rows(size[1] - 4) < (size[1] - 4) // 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert term.painted_rows(size[1] - 4) >= (size[1] - 4) // 2, term.screen()
    screen = term.wait_for("Time!", timeout=20)
    term.press("Enter", "Scores for Ada")
    term.press("Escape", "Enter:")
    term.press("q", "Quit battledecks?")
    term.press("y", "EXIT=0")
    record = path.with_name("tmux.record.yaml").read_text()
    assert '"kind": "talk-end"' in record


def test_a_second_app_on_the_same_event_is_refused(event_dir: Path, tmux) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="twice")
    first = tmux([sys.executable, "-m", "battledecks", "run", str(path)], (80, 24))
    first.wait_for("waiting")
    first.wait_for("draw commitment")  # the first app has written all it writes at its start
    before = path.with_name("twice.record.yaml").read_bytes()
    second = subprocess.run(
        [sys.executable, "-m", "battledecks", "run", str(path)], capture_output=True, text=True, timeout=60
    )
    assert second.returncode == 1
    assert "already open in another battledecks" in second.stderr
    assert "Traceback" not in second.stderr
    assert path.with_name("twice.record.yaml").read_bytes() == before
