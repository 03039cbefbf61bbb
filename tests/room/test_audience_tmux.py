"""The host's app and ``battledecks screen`` side by side in tmux, through a talk with a pause and an abort."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from battledecks.room.address import address_file
from battledecks.room.server import listen
from tests.builders import build_event
from tests.ui.test_terminal import terminal  # noqa: F401  (the tmux fixture)

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")


def free_port() -> int:
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_the_audience_screen_beside_the_host(event_dir: Path, terminal) -> None:  # noqa: ANN001, F811
    path = build_event(event_dir / "events", name="beside", seconds=60, countdown=1, order="listed")
    port = free_port()
    room = terminal([sys.executable, "-m", "battledecks", "screen", str(path)], (80, 24))
    room.wait_for("waiting for the host")
    host = terminal([sys.executable, "-m", "battledecks", "run", str(path), "--serve", f"127.0.0.1:{port}"], (100, 30))
    host.wait_for(f"http://127.0.0.1:{port}/stage")
    assert address_file(path).exists()
    screen = room.wait_for("Next up")
    assert "Test Night" in screen

    host.press("Enter", "will present")  # draw for Ada
    room.wait_for("A deck for Ada")
    host.press("Enter", "put Ada on stage")
    host.press("Enter", "Start Ada's talk")
    host.press("y", "Pause")
    screen = room.wait_for("/12")
    assert "Ada" in screen
    # The slide fills the room's screen; none of the host's keys are there.
    rows = screen.splitlines()[:20]
    assert sum("▀" in row for row in rows) >= 10
    assert "Abort" not in screen and "Pause" not in screen and "Help" not in screen

    host.press("Space", "")  # the host's PAUSED is big text; the room's bar says it in words
    room.wait_for("PAUSED")
    host.press("Space", "")
    gone_by = time.monotonic() + 20
    while "PAUSED" in room.screen():
        assert time.monotonic() < gone_by, "the room never resumed"
        time.sleep(0.1)
    host.press("Escape", "Keep going")
    host.press("y", "Ada")
    room.wait_for("Talk stopped")

    host.press("q", "Quit")
    host.press("y", "EXIT=0")
    room.wait_for("waiting for the host")
    assert not address_file(path).exists()
