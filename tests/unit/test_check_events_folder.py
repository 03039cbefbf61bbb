"""``battledecks check events/``: an events folder is checked as event files, whatever subfolders it holds."""

from __future__ import annotations

import shutil
from pathlib import Path

from battledecks.cli import main
from battledecks.core.checks import check_paths
from tests.builders import build_deck, build_event


def night(tmp_path: Path) -> Path:
    for i in range(4):
        build_deck(tmp_path / "decks" / f"deck-{i}")
    return build_event(tmp_path / "events", name="night", presenters=["Ada", "Brian"])


def test_an_events_folder_with_a_rehearsal_copy_is_checked_as_events(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    event = night(tmp_path)
    # The README's old rehearsal recipe: a copy in a subfolder, and a record's backup folder.
    (tmp_path / "events" / "rehearsal").mkdir()
    shutil.copy(event, tmp_path / "events" / "rehearsal" / "night.yaml")
    (tmp_path / "events" / "night-before-2026-12-01-014530").mkdir()
    (tmp_path / "events" / "night-before-2026-12-01-014530" / "night.record.yaml").write_text("format: 1\nlog: []\n")
    report = check_paths([tmp_path / "events"])
    assert report.ok, [str(p) for p in report.problems]
    assert [Path(e.path).name for e in report.events] == ["night.yaml"]
    assert not any("needs 12" in p.message or "not a deck" in p.message for p in report.problems)
    assert main(["check", str(tmp_path / "events")]) == 0
    out = capsys.readouterr().out
    assert "night.yaml: 4 decks available to draw for 2 presenters: enough" in out


def test_a_decks_folder_is_still_checked_as_decks(tmp_path: Path) -> None:
    night(tmp_path)
    build_deck(tmp_path / "decks" / "short", slides=3)
    report = check_paths([tmp_path / "decks"])
    assert any("short" in str(p.path) and "needs 12" in p.message for p in report.problems)
    assert report.events == []
