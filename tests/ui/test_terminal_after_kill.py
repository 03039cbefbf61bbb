"""After a kill -9 the terminal is left as the app set it; the command docs/host.md gives puts it back (tmux)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.builders import build_event
from tests.waiting import TIMEOUT

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

HOST_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "host.md"
FLAGS = "#{alternate_on} #{mouse_any_flag} #{mouse_sgr_flag} #{cursor_flag} #{wrap_flag}"
"""tmux's view of the pane: alternate screen, any-motion mouse, SGR mouse, cursor shown, line wrap."""


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout.strip()


def _until(condition, what: str):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def test_the_documented_command_puts_the_terminal_back_after_a_kill(event_dir: Path) -> None:
    guide = HOST_GUIDE.read_text(encoding="utf-8")
    command = re.search(r"```console\n\$ (.+)\n```", guide[guide.index("The terminal after a kill") :]).group(1)
    path = build_event(event_dir / "events", name="killed")
    name = f"bd-{uuid.uuid4().hex[:8]}"
    env = {"TERM": "xterm-256color", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(Path.home())}
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "bash --norc --noprofile"],
        check=True,
        env=env,
    )
    try:
        shell = int(_tmux("display-message", "-p", "-t", name, "#{pane_pid}"))
        _tmux("send-keys", "-t", name, "-l", f"{sys.executable} -m battledecks run {path}")
        _tmux("send-keys", "-t", name, "Enter")
        _until(lambda: "waiting" in _tmux("capture-pane", "-p", "-t", name), "the lineup")
        assert _tmux("display-message", "-p", "-t", name, FLAGS) == "1 1 1 0 0"
        (app,) = _children(shell)
        os.kill(app, signal.SIGKILL)
        _until(lambda: not _children(shell), "the app gone")
        # Killed, the app left the terminal as it was: alternate screen, mouse, no cursor, no wrap.
        assert _tmux("display-message", "-p", "-t", name, FLAGS) == "1 1 1 0 0"
        _tmux("send-keys", "-t", name, "-l", command)
        _tmux("send-keys", "-t", name, "Enter")
        _until(lambda: _tmux("display-message", "-p", "-t", name, FLAGS) == "0 0 0 1 1", "the terminal put back")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False, capture_output=True)
