"""Real-world files that used to break a command: each case made here with Pillow, pypdfium2 and zipfile."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from battledecks.cli import main
from battledecks.core.check import check_paths
from battledecks.core.record import read_entries
from tests.builders import build_deck, build_event

BAD_NAME = os.fsdecode(b"caf\xe9-deck")
"""A folder name that is not valid UTF-8, as unzipping a Windows archive on Linux can make."""


# --- 1. folder names that are not UTF-8 -------------------------------------------


@pytest.fixture
def event_with_a_bad_name(event_dir: Path) -> Path:
    build_deck(event_dir / "decks" / BAD_NAME)
    return build_event(event_dir / "events")


def test_check_reports_a_deck_folder_whose_name_is_not_utf8(event_with_a_bad_name: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    report = check_paths([event_with_a_bad_name.parent.parent / "decks"])
    bad = [p for p in report.problems if p.is_error]
    assert len(bad) == 1 and "not valid UTF-8" in bad[0].message
    assert str(bad[0]).encode("utf-8")  # printable: the odd byte is shown as \xe9
    assert "caf\\xe9-deck" in str(bad[0])
    assert main(["check", str(event_with_a_bad_name)]) == 1
    out = capsys.readouterr().out
    assert "not valid UTF-8" in out and "Traceback" not in out
    assert main(["check", str(event_with_a_bad_name), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any("caf\\xe9-deck" in p["path"] for p in problems)


def test_a_deck_folder_whose_name_is_not_utf8_never_breaks_a_draw(event_with_a_bad_name: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):  # every draw, not just the first
        assert main(["draw", str(event_with_a_bad_name), "--json"]) == 0
        drawn = json.loads(capsys.readouterr().out)
        assert all(p["deck"] and p["deck"] != BAD_NAME for p in drawn["presenters"])
    entries = read_entries(event_with_a_bad_name.with_name("test.record.yaml"))
    draws = [e for e in entries if e["kind"] == "draw"]
    assert len(draws) == 3 and all(BAD_NAME not in e["pool"] for e in draws)


def test_a_record_that_cannot_be_encoded_is_a_record_error_not_a_crash(event_dir: Path) -> None:
    from battledecks.core.event import load_event
    from battledecks.core.record import EventRecord, RecordError

    record = EventRecord.load(load_event(build_event(event_dir / "events")))
    record.entries.append({"kind": "note", "text": BAD_NAME})
    with pytest.raises(RecordError, match="cannot save the record"):
        record.save()
    assert record.unsaved


def test_an_unexpected_error_is_one_line_and_never_exits_0(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from battledecks.commands import check as check_command

    def bug(args: object) -> int:
        raise TypeError("a bug " + BAD_NAME)

    monkeypatch.setattr(check_command, "run", bug)
    monkeypatch.delenv("BATTLEDECKS_TRACEBACK", raising=False)
    assert main(["check", str(tmp_path)]) == 70
    err = capsys.readouterr().err
    assert "unexpected error (TypeError: a bug caf" in err and "Traceback" not in err
