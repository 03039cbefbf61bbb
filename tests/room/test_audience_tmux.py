"""The host's app and ``battledecks screen`` side by side in tmux, through whole talks with a pause, help and an abort.

Every screen the room shows during the walk is captured (a watcher reads the
audience pane all along) and checked: the room sees the show, never the
host's dialogs, help, score entry or keys.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from battledecks.room.address import address_file, read_address
from harness.phoning import free_port
from tests.builders import build_event

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

HOST_ONLY = (
    "Help",
    "Pause/Resume",
    "Abort",
    "Keep going",
    "Start Ada",
    "Skip",
    "Scores",
    "Judge",
    "Style",
    "Quit",
    "Enter",
    "Escape",
    "Lineup",
    "draw seed",
    "pool",
    "Save",
    "esc ",
    "⏎",
)
"""Words of the host's console (dialogs, help, keys, score entry) that the room must never see."""


class Watcher:
    """Reads a pane again and again in the background and keeps every different screen it saw."""

    def __init__(self, term) -> None:  # noqa: ANN001
        self.term = term
        self.seen: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                screen = self.term.screen()
            except subprocess.CalledProcessError:  # the session is closing
                return
            if not self.seen or self.seen[-1] != screen:
                self.seen.append(screen)
            self._stop.wait(0.05)

    def stop(self) -> list[str]:
        self._stop.set()
        self._thread.join(10)
        return self.seen


def wait_gone(term, text: str, timeout: float = 20.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while text in term.screen():
        assert time.monotonic() < deadline, f"{text!r} never went; the screen was:\n{term.screen()}"
        time.sleep(0.1)


def press_again(term, key: str, then: str, timeout: float = 30.0) -> None:  # noqa: ANN001
    """Send ``key`` until ``then`` is on screen: a key typed while a screen is closing can be lost on a busy machine.

    Only for keys that do nothing twice (the lineup's Enter opens one question).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            term.press(key, then, timeout=8.0)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_the_audience_screen_beside_the_host_through_whole_talks(event_dir: Path, tmux) -> None:  # noqa: ANN001
    # 12 slides of 2 s: the second talk runs to Time! within the test.
    path = build_event(
        event_dir / "events",
        name="beside",
        seconds=24,
        countdown=1,
        order="listed",
        scoring={"judges": ["Jo"], "criteria": ["Style"], "audience": True},
    )
    port = free_port()
    room = tmux([sys.executable, "-m", "battledecks", "screen", str(path)], (80, 24))
    room.wait_for("waiting for the host")
    watcher = Watcher(room)
    host = tmux([sys.executable, "-m", "battledecks", "run", str(path), "--serve", f"127.0.0.1:{port}"], (100, 30))
    host.wait_for(f"http://127.0.0.1:{port}/stage")
    assert address_file(path).exists()
    screen = room.wait_for("Next up")
    assert "Test Night" in screen

    host.press("Enter", "will present")  # draw for Ada
    room.wait_for("A deck for Ada")
    host.press("?", "Keys that work")  # the host's help over the draw
    host.keys("Escape")
    wait_gone(host, "Keys that work")
    host.press("Enter", "put Ada on stage")
    press_again(host, "Enter", "Start Ada's talk")
    host.press("y", "Pause")
    screen = room.wait_for("/12")
    assert "Ada" in screen
    # `battledecks screen EVENT` read the event's screen key: it is the projector, so the host keeps a console.
    host.wait_for("room watches the projector")
    # The slide fills the room's screen.
    deadline = time.monotonic() + 20
    while room.painted_rows(16) < 10 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert room.painted_rows(16) >= 10, room.screen()

    host.press("Space", "")
    room.wait_for("paused")
    host.press("Space", "")
    wait_gone(room, "paused")
    # Help over the stage pauses the talk: the room sees the talk paused, not the help.
    host.press("?", "Keys that work")
    room.wait_for("paused")
    host.keys("Escape")
    wait_gone(host, "Keys that work")
    wait_gone(room, "paused")
    host.press("Escape", "Keep going")  # the host's "Abort?" pauses the talk too
    room.wait_for("paused")
    host.press("y", "Ada")
    room.wait_for("Talk stopped")
    room.wait_for("Next up", timeout=30)

    # Ada starts again on the same deck and talks to the end.
    press_again(host, "Enter", "Start Ada's talk")
    host.press("y", "Pause")
    room.wait_for("/12")
    room.wait_for("12/12", timeout=60)
    room.wait_for("Time!", timeout=30)
    host.wait_for("Time!")
    host.press("Enter", "Judge")  # the host's score entry
    host.keys("7")
    host.press("Enter", "Saved Jo")
    host.press("Escape", "Next step")

    host.press("q", "Quit")
    host.press("y", "EXIT=0")
    room.wait_for("waiting for the host")
    assert read_address(path) is None, "the address goes with the app (the screen key stays for the next run)"

    seen = watcher.stop()
    assert any("Time!" in s for s in seen) and any("Talk stopped" in s for s in seen)
    for screen in seen:
        for word in HOST_ONLY:
            assert word not in screen, f"the room saw the host's {word!r}:\n{screen}"
