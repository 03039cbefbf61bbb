"""`battledecks run` in tmux with a record that cannot be written: quitting says what was not saved and
where it went, never silently."""

from __future__ import annotations

import shutil
import pytest
import sys
from pathlib import Path

from battledecks.core.record import read_entries
from tests.builders import build_event

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]


def test_quitting_with_unsaved_changes_names_the_file_that_holds_them(event_dir: Path, tmux) -> None:  # noqa: ANN001, F811
    path = build_event(event_dir / "events", name="night", order="listed")
    record = path.with_name("night.record.yaml")
    term = tmux([sys.executable, "-m", "battledecks", "run", str(path)], (120, 30))
    term.wait_for("waiting")
    term.wait_for("draw commitment")  # committed (and saved) once the decks are checked
    # The record cannot be replaced any more (even by root): a folder stands where it was.
    record.unlink()
    record.mkdir()
    term.press("Enter", "will present")
    term.wait_for("Record not saved")
    term.press("Enter", "drawn")
    term.press("q", "still cannot be saved")
    screen = term.press("y", "EXIT=")
    text = screen.replace("\n", "")  # long lines wrap
    assert "EXIT=1" in text and "Traceback" not in text
    aside = [p for p in path.parent.iterdir() if p.name.startswith("night.record.yaml.unsaved-")]
    assert len(aside) == 1 and aside[0].name in text and "1 change (draw for Ada)" in text
    assert [e["kind"] for e in read_entries(aside[0])] == ["order", "commit", "draw"]
