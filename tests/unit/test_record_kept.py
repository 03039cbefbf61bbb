"""The record is the host's alone (0600, backups too), and nothing unsaved is dropped at quit."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from battledecks.commands.run import keep_unsaved, start_fresh
from battledecks.core.event import record_path_for
from battledecks.core.record import read_entries
from battledecks.core.show import Show
from tests.builders import build_event


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_record_is_created_0600_and_made_so_when_it_was_not(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="night", order="listed")
    show = Show.open(path, seed_source=seeds, clock=wall)
    record = record_path_for(path)
    assert mode(record) == 0o600, "it holds the judges' scores before the reveal"
    os.chmod(record, 0o644)  # a record written by an older battledecks
    show.draw_for("Ada")
    assert mode(record) == 0o600


def test_fresh_backups_are_the_hosts_alone(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="night", order="listed")
    Show.open(path, seed_source=seeds, clock=wall).draw_for("Ada")
    os.chmod(record_path_for(path), 0o644)
    backup = start_fresh(path, dt.datetime(2026, 12, 1, 1, 45, 30), ask=lambda question: "y")
    assert backup is not None
    assert mode(backup) == 0o700 and mode(backup / "night.record.yaml") == 0o600


def unwritable(record: Path) -> None:
    """The record cannot be replaced any more (even by root): a folder stands where it was."""
    record.unlink()
    record.mkdir()


def test_at_quit_unsaved_entries_are_saved_again(event_dir: Path, seeds, wall, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="night", order="listed")
    show = Show.open(path, seed_source=seeds, clock=wall)
    record = record_path_for(path)
    told: list[object] = []
    show.on_save_error(told.append)
    unwritable(record)
    show.draw_for("Ada")
    assert told and show.unsaved and [e["kind"] for e in show.record.unsaved_entries()] == ["draw"]
    record.rmdir()  # the disk is fixed before the host quits
    assert keep_unsaved(show)
    assert [e["kind"] for e in read_entries(record)] == ["order", "commit", "draw"]
    assert capsys.readouterr().err == ""


def test_at_quit_what_still_cannot_be_saved_goes_to_a_side_file_it_names(event_dir: Path, seeds, wall, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="night", order="listed")
    show = Show.open(path, seed_source=seeds, clock=wall)
    record = record_path_for(path)
    show.on_save_error(lambda error: None)
    unwritable(record)
    show.draw_for("Ada")
    show.start_talk("Ada", 0.0)
    assert not keep_unsaved(show)
    err = capsys.readouterr().err
    aside = [p for p in path.parent.iterdir() if p.name.startswith("night.record.yaml.unsaved-")]
    assert len(aside) == 1 and mode(aside[0]) == 0o600
    assert str(aside[0]) in err and str(record) in err
    assert "2 changes (draw for Ada, talk-start for Ada)" in err and "cannot save the record" in err
    # The side file is the whole record: moved over the record, nothing is missing.
    record.rmdir()
    shutil.move(aside[0], record)
    assert Show.open(path, seed_source=seeds, clock=wall).status("Ada").value == "presenting"


def test_nowhere_to_put_it_is_said_too(event_dir: Path, seeds, wall, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import battledecks.core.record as record_module

    path = build_event(event_dir / "events", name="night", order="listed")
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.on_save_error(lambda error: None)

    def full_disk(path: Path, data: str, **mode: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(record_module, "atomic_write", full_disk)
    show.draw_for("Ada")
    assert not keep_unsaved(show)
    err = capsys.readouterr().err
    assert "No space left on device" in err and "lost: 1 change (draw for Ada)" in err
