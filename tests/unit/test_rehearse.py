"""Rehearsal copies and starting an event fresh: the real record is never touched or lost."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
import yaml

from battledecks.cli import main
from battledecks.commands import rehearse
from battledecks.commands.run import start_fresh
from battledecks.core.commitment import secret_path_for
from battledecks.core.event import load_event, record_path_for
from battledecks.core.problems import BattledecksError
from battledecks.core.show import Show
from tests.builders import build_decks, build_event, present
from tests.scoring_builders import SCORED, play


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def night(tmp_path: Path) -> Path:
    build_decks(tmp_path / "decks", {f"d{i}": f"Deck {i}" for i in range(1, 6)})
    events = tmp_path / "events"
    events.mkdir()
    path = build_event(
        events,
        "night",
        title="Night",
        date=SCORED["date"],
        order="listed",
        presenters=["Amy", "Ben"],
        scoring={"judges": ["Ann"]},
    )
    play(path, {"Amy": {"scores": {("Ann", "Overall"): 8}}})
    return path


def test_the_copy_runs_twelve_second_talks_on_the_real_decks(night: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    copy = rehearse.rehearsal_copy(night, folder)
    event = load_event(copy)
    real = load_event(night)
    assert (event.seconds, event.countdown, event.slides) == (12, 0, 12)
    assert event.period == 1
    assert event.decks == real.decks
    assert event.name == "Night (rehearsal)"
    assert event.presenters == real.presenters and event.scoring == real.scoring
    assert copy.parent == folder


def test_a_rehearsal_never_touches_the_real_event(night: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(night.parent.parent)
    seen: dict[str, object] = {}

    def fake_run(args: argparse.Namespace) -> int:
        # What the app would do: a whole talk on the copy.
        copy = args.event
        seen["folder"] = copy.parent
        show = Show.open(copy)
        show.draw_for("Ben", 1)
        present(show, "Ben", 1)
        seen["deck"] = show.deck_of("Ben")
        seen["record"] = record_path_for(copy).is_file()
        return 0

    monkeypatch.setattr("battledecks.commands.run.run", fake_run)
    assert main(["rehearse", str(night)]) == 0
    assert seen["record"] is True and seen["deck"] is not None
    assert snapshot(night.parent.parent) == before, "real event, record and decks unchanged"
    assert not Path(seen["folder"]).exists(), "the copy is thrown away"


def test_rehearsing_a_broken_event_is_one_line_and_exit_1(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    assert main(["rehearse", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "Traceback" not in err


NOW = dt.datetime(2026, 12, 1, 1, 45, 30)


def test_fresh_moves_the_record_aside_after_asking(night: Path) -> None:
    record = record_path_for(night)
    old = record.read_bytes()
    asked: list[str] = []
    backup = start_fresh(night, NOW, ask=lambda q: asked.append(q) or "y")
    assert backup == night.with_name("night-before-2026-12-01-014530")
    assert "night.record.yaml" in asked[0] and str(backup) in asked[0]
    assert not record.exists()
    assert (backup / "night.record.yaml").read_bytes() == old
    # The draw's secret goes with its record: the new event commits a draw of its own.
    assert "night.draw-secret" in asked[0] and (backup / "night.draw-secret").exists()
    assert not secret_path_for(night).exists()
    # The event opens as new, its decks free again.
    show = Show.open(night)
    assert show.deck_of("Amy") is None
    assert show.commitment is not None and show.commitment.fingerprint not in old.decode()


def test_fresh_makes_a_new_vote_key_so_the_room_code_changes(night: Path) -> None:
    from battledecks.room.votes.store import load_secret, room_code, secret_path_for

    key = secret_path_for(night)
    old = load_secret(key)
    backup = start_fresh(night, NOW, ask=lambda q: "y")
    assert backup is not None and (backup / key.name).read_bytes() == old and not key.exists()
    new = load_secret(key)
    assert new != old and room_code(new) != room_code(old)


@pytest.mark.parametrize("answer", ["", "n", "no"])
def test_fresh_moves_nothing_unless_the_host_says_yes(night: Path, answer: str) -> None:
    before = snapshot(night.parent)
    with pytest.raises(BattledecksError, match="not started fresh: nothing was moved"):
        start_fresh(night, NOW, ask=lambda q: answer)
    assert snapshot(night.parent) == before


def test_fresh_with_no_record_asks_nothing(tmp_path: Path) -> None:
    (tmp_path / "decks").mkdir()
    path = build_event(
        tmp_path, "new", title="New", decks="decks", presenters=["Amy"], scoring={"judges": ["Ann"]}, **SCORED
    )
    assert start_fresh(path, NOW, ask=lambda q: pytest.fail("asked")) is None


def test_fresh_with_no_answer_moves_nothing(night: Path) -> None:
    def closed(question: str) -> str:
        raise EOFError

    with pytest.raises(BattledecksError):
        start_fresh(night, NOW, ask=closed)
    assert record_path_for(night).exists()


def test_copy_keeps_every_other_key(night: Path, tmp_path: Path) -> None:
    copy = rehearse.rehearsal_copy(night, tmp_path)
    original = yaml.safe_load(night.read_text(encoding="utf-8"))
    copied = yaml.safe_load(copy.read_text(encoding="utf-8"))
    changed = {k for k in original if original[k] != copied.get(k)}
    assert changed == {"name", "decks"} | ({"seconds", "countdown"} & set(original))
