"""`--serve PORT`: a bare port is that port on this machine, for `run` and for `screen`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from battledecks.commands.screen import _address
from battledecks.room.address import read_address
from harness.phoning import free_port
from tests.builders import build_event


@pytest.mark.system
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_run_serve_with_a_bare_port_serves_this_machine_on_that_port(event_dir: Path, tmux) -> None:  # noqa: ANN001, F811
    path = build_event(event_dir / "events", name="port")
    port = free_port()
    host = tmux([sys.executable, "-m", "battledecks", "run", str(path), "--serve", str(port)], (80, 24))
    host.wait_for(f"127.0.0.1:{port}")
    assert read_address(path) == f"http://127.0.0.1:{port}/"
    # The room's screen finds it by the same bare port.
    room = tmux([sys.executable, "-m", "battledecks", "screen", str(port)], (80, 24))
    room.wait_for("Next up")
    host.press("q", "Quit battledecks?")
    host.press("y", "EXIT=0")


def test_screen_reads_an_address_or_a_port_but_an_existing_file_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _address("8750") and _address("127.0.0.1:8750") and _address("[::1]:8750") and _address("laptop.local:8750")
    assert not _address("events/night.yaml") and not _address("night")
    (tmp_path / "8750").write_text("name: x\n")
    assert not _address("8750")  # an event file of that name is the event
