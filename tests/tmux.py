"""The installed command in tmux, a real terminal read back with capture-pane.

Every tmux the tests start runs in a server of their own (``-L``, one per test
process): pytest-xdist's workers, a user's own tmux and other checkouts' test
runs never see each other's sessions, and the server is stopped when the tests end.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from pathlib import Path

SOCKET = f"battledecks-tests-{os.getpid()}"
"""This test process's tmux server (``tmux -L``)."""

_started = False


def tmux(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    """Run a tmux command on the tests' server (no user configuration read)."""
    return subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", *args], text=True, **options)  # type: ignore[call-overload]


def stop_server() -> None:
    """Stop this process's tmux server, if a session was ever opened on it."""
    if _started:
        tmux("kill-server", capture_output=True, check=False)


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def _lit_background(sgr: str) -> bool:
    """Whether an SGR sequence's parameters set a background colour other than black."""
    params = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", sgr)]
    i = 0
    while i < len(params):
        code = params[i]
        if code == 48 and params[i + 1 : i + 2] == [5]:
            if params[i + 2 : i + 3] not in ([0], [16]):
                return True
            i += 3
        elif code == 48 and params[i + 1 : i + 2] == [2]:
            if any(params[i + 2 : i + 5]):
                return True
            i += 5
        elif code in (38,) and params[i + 1 : i + 2] == [5]:
            i += 3
        elif code in (38,) and params[i + 1 : i + 2] == [2]:
            i += 5
        else:
            if 41 <= code <= 47 or 100 <= code <= 107:
                return True
            i += 1
    return False


class Terminal:
    """One tmux session of ``size`` (columns, rows) running ``command``; it stays open 30 s after the command ends."""

    def __init__(self, command: list[str], size: tuple[int, int]) -> None:
        self.name = f"bd-{uuid.uuid4().hex[:8]}"
        width, height = size
        shell = " ".join(f"'{part}'" for part in command) + "; echo EXIT=$?; sleep 30"
        # The app's cache and data folders are the test run's own (tests/conftest.py sets them), not the user's.
        env = {"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
        env.update({key: value for key, value in os.environ.items() if key.startswith("XDG_")})
        global _started
        _started = True
        tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), shell, check=True, env=env)

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name, check=True, capture_output=True).stdout

    def title(self) -> str:
        """The pane's title (what an OSC 0 escape sequence would set)."""
        return tmux(
            "display-message", "-p", "-t", self.name, "#{pane_title}", check=True, capture_output=True
        ).stdout.strip()

    def painted_rows(self, rows: int) -> int:
        """How many of the pane's first ``rows`` rows have cells on a background that is not black:
        a slide drawn there, whether in half-cell blocks or, where two pixels match, spaces."""
        shown = tmux("capture-pane", "-e", "-p", "-t", self.name, check=True, capture_output=True).stdout
        return sum(any(_lit_background(sgr) for sgr in _SGR.findall(row)) for row in shown.splitlines()[:rows])

    def burst(self, *keys: str) -> None:
        """Send keys in one call, as a terminal hands on keys typed faster than the app reads them."""
        tmux("send-keys", "-t", self.name, *keys, check=True)

    def keys(self, *keys: str) -> None:
        """Send keys at once; before a key meant for another screen, wait (``wait_for``) for that screen."""
        for key in keys:
            tmux("send-keys", "-t", self.name, key, check=True)

    def press(self, key: str, then: str, timeout: float = 20.0) -> str:
        """Send one key and wait until ``then`` is on screen: the next key goes to the screen it was meant for."""
        self.keys(key)
        return self.wait_for(then, timeout)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        tmux("kill-session", "-t", self.name, check=False, capture_output=True)
