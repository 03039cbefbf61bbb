"""A write killed midway leaves a temporary file beside the record; opening the event removes it, and only it."""

from __future__ import annotations

from pathlib import Path

from battledecks.core.atomic import stale_temps
from battledecks.core.event import load_event, record_path_for
from battledecks.core.record import EventRecord
from battledecks.core.show import Show
from tests.builders import build_deck, build_event


def _event(tmp_path: Path) -> Path:
    build_deck(tmp_path / "decks" / "one", slides=12)
    return build_event(tmp_path / "events", decks="../decks")


def test_opening_an_event_removes_only_its_records_leftover_temporary_files(tmp_path: Path) -> None:
    event_path = _event(tmp_path)
    record = record_path_for(event_path)
    Show.open(event_path, scan=False)  # writes the record (the drawn order)
    written = record.read_text()
    folder = record.parent
    ours = [folder / f".{record.name}.k3j_9zq1.tmp", folder / f".{record.name}.abcdefgh.tmp"]
    for path in ours:
        path.write_text("- {kind: dra")  # half a record, as a kill leaves it
    others = [
        folder / ".other.record.yaml.k3j_9zq1.tmp",  # another event's
        folder / f".{record.name}.tmp",  # not a name atomic_write makes
        folder / f".{record.name}.k3j_9zq1.tmp.keep",
        folder / f".{record.name}.toolongname.tmp",
        folder / "notes.tmp",
    ]
    for path in others:
        path.write_text("mine")
    (folder / f".{record.name}.dirdirdi.tmp").mkdir()  # a folder is never ours
    assert stale_temps(record) == sorted(ours)

    EventRecord.load(load_event(event_path), save=False)
    assert all(path.exists() for path in ours), "a reader never deletes anything"

    EventRecord.load(load_event(event_path))
    assert not any(path.exists() for path in ours)
    assert all(path.read_text() == "mine" for path in others)
    assert (folder / f".{record.name}.dirdirdi.tmp").is_dir()
    assert record.read_text() == written
