"""Opening an event imports only what the lineup's first frame needs.

The first frame waits for every module imported before it, so the modules
that draw slides, serve the room, paint cards or check images are imported
when they are first used, never by ``battledecks run`` before the lineup is
on screen. Checked in a fresh interpreter, through the command itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "PIL",
    "PIL.Image",
    "aiohttp",
    "pypdfium2",
    "segno",
    "chafa",
    "hashlib",
    "battledecks.core.checks.cache",
    "battledecks.core.images",
    "battledecks.core.importing",
    "battledecks.render.halfcell",
    "battledecks.render.prerender",
    "battledecks.render.pixels",
    "battledecks.render.bigtext",
    "battledecks.results.card",
    "battledecks.generate",
    "battledecks.room",
    "battledecks.ui.screens.stage",
    "battledecks.ui.screens.draw",
    "battledecks.ui.screens.scores",
    "battledecks.ui.screens.standings",
    "battledecks.ui.screens.help",
    "battledecks.commands.check",
    "battledecks.commands.results",
    "battledecks.commands.generate",
)
"""Modules the lineup's first frame does not need."""

NEEDED = ("battledecks.ui.screens.lineup", "battledecks.commands.run", "yaml")
"""Modules it does need: seeing them proves the probe looked at the right moment."""

PROBE = """
import json, sys
from textual.app import App
from battledecks import cli
from battledecks.ui.app import BattledecksApp

def first_frame(app):
    # Called once the lineup is first on screen, before anything deferred starts.
    print(json.dumps(sorted(sys.modules)))
    app.exit()

BattledecksApp._after_first_frame = first_frame
BattledecksApp.run = lambda app, **kw: App.run(app, headless=True, size=(120, 40))
sys.exit(cli.main(["run", sys.argv[1], "--graphics", "halfcell"]))
"""


def loaded_at_first_frame(event: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(event)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert lines, f"the lineup was never on screen:\n{result.stdout}\n{result.stderr}"
    return set(json.loads(lines[-1]))


def test_opening_the_lineup_imports_nothing_it_does_not_show(show_event: Path) -> None:
    loaded = loaded_at_first_frame(show_event)
    assert set(NEEDED) <= loaded
    assert sorted(m for m in loaded if m in HEAVY or m.split(".")[0] in HEAVY) == []
    # Each command's module is imported only when that command runs (with the small helpers they share).
    assert sorted(m for m in loaded if m.startswith("battledecks.commands.")) == [
        "battledecks.commands._args",
        "battledecks.commands._output",
        "battledecks.commands.run",
    ]
