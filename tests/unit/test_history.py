"""Past events in a folder: winners, decks shown where, each presenter's events and best rank."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_results_cli import snapshot

from battledecks.cli import main
from battledecks.core.history import default_events_dir, history_data, read_history
from battledecks.core.problems import BattledecksError
from tests.builders import build_decks, build_event
from tests.scoring_builders import SCORED, play

JUDGED = {"judges": ["Ann"], "audience": True}


def overall(value: float) -> dict:
    return {"scores": {("Ann", "Overall"): value}, "audience": 5}


@pytest.fixture
def events(tmp_path: Path) -> Path:
    """Two held events (the later one first by file name), one not held yet, one broken."""
    folder = tmp_path / "events"
    folder.mkdir()
    build_decks(tmp_path / "decks", {f"d{i}": f"Deck {i}" for i in range(1, 9)})
    spring = build_event(
        folder,
        "a-spring",
        title="Spring",
        date=dt.date(2011, 5, 1),
        order="listed",
        presenters=["Amy", "Ben"],
        scoring=JUDGED,
    )
    autumn = build_event(
        folder,
        "b-autumn",
        title="Autumn",
        date=dt.date(2010, 10, 1),
        order="listed",
        presenters=["amy", "Cat", "Ben"],
        scoring=JUDGED,
    )
    play(autumn, {"amy": overall(6), "Cat": overall(9), "Ben": overall(7)}, seeds=1)
    play(spring, {"Amy": overall(8), "Ben": overall(4)}, seeds=50)
    build_event(
        folder, "c-later", title="Later", presenters=["Dee"], scoring=JUDGED, **(SCORED | {"date": dt.date(2012, 1, 1)})
    )
    broken = build_event(folder, "d-broken", title="Broken", presenters=["Eve"], scoring=JUDGED, **SCORED)
    broken.with_name("d-broken.record.yaml").write_text("format: 1\nlog: [{kind: nonsense}]\n", encoding="utf-8")
    return folder


def test_events_are_listed_oldest_first_with_winners(events: Path):
    history = read_history(events)
    assert [(e.name, e.date, e.winners) for e in history.events] == [
        ("Autumn", dt.date(2010, 10, 1), ("Cat",)),
        ("Spring", dt.date(2011, 5, 1), ("Amy",)),
    ]


def test_decks_shown_are_the_talks_started(events: Path):
    history = read_history(events)
    shown = [(s.deck, s.event, s.presenter) for showings in history.decks.values() for s in showings]
    assert len(shown) == 5
    assert sorted((e, p) for _, e, p in shown) == sorted(
        [("Autumn", "amy"), ("Autumn", "Cat"), ("Autumn", "Ben"), ("Spring", "Amy"), ("Spring", "Ben")]
    )
    for deck, showings in history.decks.items():
        assert all(s.title == f"Deck {deck[1:]}" for s in showings)
    # Decks shown in the autumn are not drawn again in the spring.
    assert all(len(showings) == 1 for showings in history.decks.values())


def test_each_presenter_has_their_events_and_best_rank(events: Path):
    history = read_history(events)
    people = {p.name: p for p in history.presenters}
    # "amy" in the autumn and "Amy" in the spring are one person, spelled as first seen.
    assert set(people) == {"amy", "Ben", "Cat"}
    assert [(a.event, a.rank) for a in people["amy"].appearances] == [("Autumn", 3), ("Spring", 1)]
    assert people["amy"].best_rank == 1
    assert people["Ben"].best_rank == 2
    assert people["Cat"].best_rank == 1


def test_broken_files_are_reported_and_the_rest_still_listed(events: Path):
    history = read_history(events)
    assert len(history.problems) == 1
    assert "d-broken.record.yaml" in str(history.problems[0])
    assert "Broken" not in [e.name for e in history.events]


def test_history_data_is_plain_json(events: Path):
    data = json.loads(json.dumps(history_data(read_history(events))))
    assert [e["name"] for e in data["events"]] == ["Autumn", "Spring"]
    assert data["events"][0]["winners"] == ["Cat"]
    assert {p["name"]: p["best_rank"] for p in data["presenters"]} == {"amy": 1, "Ben": 2, "Cat": 1}


def test_a_missing_folder_is_an_error(tmp_path: Path):
    with pytest.raises(BattledecksError, match="no such folder"):
        read_history(tmp_path / "nope")


def test_default_folder_is_events_here_else_the_demo(tmp_path: Path):
    assert default_events_dir(tmp_path) == Path(__file__).resolve().parents[2] / "events"
    (tmp_path / "events").mkdir()
    assert default_events_dir(tmp_path) == tmp_path / "events"


# --- the command ----------------------------------------------------------------------


def test_command_prints_the_history_and_changes_nothing(events: Path, capsys):
    before = snapshot(events.parent)
    assert main(["history", str(events)]) == 0
    captured = capsys.readouterr()
    assert "Autumn" in captured.out and "Cat" in captured.out
    for deck, showings in read_history(events).decks.items():
        assert showings[0].title in captured.out and deck in captured.out
    assert "left out" in captured.err and "d-broken.record.yaml" in captured.err
    assert snapshot(events.parent) == before


def test_command_json(events: Path, capsys):
    assert main(["history", str(events), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["winners"] for e in data["events"]] == [["Cat"], ["Amy"]]


def test_command_uses_events_in_the_current_folder(events: Path, capsys, monkeypatch):
    monkeypatch.chdir(events.parent)
    assert main(["history", "--json"]) == 0
    assert [e["name"] for e in json.loads(capsys.readouterr().out)["events"]] == ["Autumn", "Spring"]


def test_command_on_a_missing_folder_is_one_line_and_exit_1(tmp_path: Path, capsys):
    assert main(["history", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope" in err[0]


def test_command_with_no_past_events(tmp_path: Path, capsys):
    assert main(["history", str(tmp_path)]) == 0
    assert "No past events" in capsys.readouterr().out


def test_long_deck_ids_wrap_after_hyphens_not_inside_words(tmp_path: Path, capsys, monkeypatch):
    long_id = "disrupting-the-open-plan-office-one-kubernetes-cluster-at-a-time"
    folder = tmp_path / "events"
    folder.mkdir()
    build_decks(tmp_path / "decks", {long_id: "Disrupting the Open-Plan Office, One Kubernetes Cluster at a Time"})
    play(build_event(folder, "night", title="Night", presenters=["Amy"], scoring=JUDGED, **SCORED), {"Amy": overall(8)})
    # As on an 80-column terminal (through a pipe nothing wraps: the test below).
    from rich.console import Console

    import battledecks.commands.history as history_command

    monkeypatch.setattr(history_command, "_console", lambda: Console(highlight=False, width=80))
    assert main(["history", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("Deck ") and "Event" in line)
    width = header.index("Event")
    cells = [line[:width].strip() for line in lines[lines.index(header) + 2 :]]
    start = next(i for i, cell in enumerate(cells) if long_id.startswith(cell) and cell.endswith("-"))
    pieces = []
    for cell in cells[start:]:
        pieces.append(cell)
        if not cell.endswith("-"):
            break
    assert "".join(pieces) == long_id, pieces
    assert len(pieces) > 1, "80 columns are too narrow for the whole id on one line"


def test_through_a_pipe_nothing_wraps(tmp_path: Path):
    """`battledecks history | cat` in an 80-column terminal: every title and deck id whole, on its line."""
    import os
    import subprocess
    import sys

    long_id = "disrupting-the-open-plan-office-one-kubernetes-cluster-at-a-time"
    title = "Disrupting the Open-Plan Office, One Kubernetes Cluster at a Time"
    folder = tmp_path / "events"
    folder.mkdir()
    build_decks(tmp_path / "decks", {long_id: title})
    play(
        build_event(
            folder,
            "night",
            title="A Night With A Rather Long Name",
            presenters=["Amy Featherstonehaugh"],
            scoring=JUDGED,
            **SCORED,
        ),
        {"Amy Featherstonehaugh": overall(8)},
    )
    result = subprocess.run(
        [sys.executable, "-m", "battledecks", "history", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.strip() == long_id for line in lines), result.stdout
    assert any(
        title in line and "A Night With A Rather Long Name" in line and "Amy Featherstonehaugh" in line
        for line in lines
    )
    assert max(len(line) for line in lines) > 80
