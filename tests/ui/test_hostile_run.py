"""`battledecks run` in a real terminal (tmux) on a few cases of the hostile corpus (tests/hostile.py).

A broken event file or record is refused with one line and exit 1, before the
app starts; decks with hostile names never break the app; no escape sequence
from a file reaches the terminal (tmux would take an OSC 0 as the pane's title).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.hostile import CASES, World, make_world

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

CASE = {case.name: case for case in CASES}


def _world(tmp_path: Path, name: str) -> World:
    world = make_world(tmp_path / name)
    CASE[name].build(world)
    return world


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("escape-names", "control characters"),
        ("yaml-bomb", "aliases"),
        ("record-score-text", "ev.record.yaml"),
    ],
)
def test_run_refuses_a_broken_event_or_record_with_one_line(tmp_path: Path, tmux, name: str, says: str) -> None:  # noqa: ANN001
    world = _world(tmp_path, name)
    term = tmux([sys.executable, "-m", "battledecks", "run", str(world.event)], (120, 30))
    screen = term.wait_for("EXIT=")
    text = screen.replace("\n", "")  # a long line wraps
    assert "EXIT=1" in text and says in text and "Traceback" not in text
    assert "pwned" not in term.title()


@pytest.mark.parametrize("name", ["escape-deck", "deck-name-not-utf8"])
def test_run_draws_and_quits_beside_decks_with_hostile_names(tmp_path: Path, tmux, name: str) -> None:  # noqa: ANN001
    world = _world(tmp_path, name)
    term = tmux([sys.executable, "-m", "battledecks", "run", str(world.event)], (120, 30))
    term.wait_for("waiting")
    term.press("Enter", "will present")
    term.press("Enter", "drawn")
    term.press("q", "Quit battledecks?")
    screen = term.press("y", "EXIT=")
    assert "EXIT=0" in screen and "Traceback" not in screen
    assert "owned" not in term.title()
