"""Every change goes through Show: one entry, one Change, and a reopened event sees the same show."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from battledecks.core import record as record_module
from battledecks.core.changes import Change, ChangeFeed
from battledecks.core.clock import Phase
from battledecks.core.record import RecordError, read_entries
from battledecks.core.show import Show, talk_clock
from tests.builders import build_deck, build_event

TOPICS = ["T1", "T2", "T3", "T4", "T5"]


@pytest.fixture
def event_path(event_dir: Path) -> Path:
    for i in range(6, 12):
        build_deck(event_dir / "decks" / f"deck-{i}")
    return build_event(
        event_dir / "events",
        name="night",
        order="listed",
        topics=TOPICS,
        countdown=3,
        presenters=["Ada", "Brian", "Chen"],
        scoring={"judges": ["J1"], "tiebreak": "sudden-death"},
    )


def comparable(show: Show) -> dict[str, Any]:
    """What a reopened event must show the same: the snapshot (less this session's talk), supply, topics left."""
    snap = show.snapshot()
    snap.pop("talk")
    snap.pop("unsaved")
    supply = show.supply()
    snap["supply"] = [supply.decks, supply.topics, supply.needed]
    snap["topics_left"] = show.topic_pool()
    snap["lineup_views"] = [repr(v) for v in show.lineup()]
    return snap


def reopened(path: Path) -> Show:
    return Show.open(path, save=False)


# --- Change and ChangeFeed ----------------------------------------------------


def test_change_round_trips_through_json() -> None:
    change = Change(7, "score", "2010-04-13T19:00:00+00:00", "Ada", 2, {"judge": "J1", "value": 8})
    text = json.dumps(change.to_json())
    assert Change.from_json(json.loads(text)) == change
    entry = {"at": "x", "kind": "draw", "presenter": "Ada", "round": 2, "deck": "d", "topic": None}
    made = Change.from_entry(3, entry)
    assert (made.seq, made.kind, made.round, made.presenter) == (3, "draw", 2, "Ada")
    assert made.data == {"deck": "d", "topic": None}
    assert Change.from_entry(1, {"at": "x", "kind": "order", "presenters": []}).round == 1


def test_a_failing_subscriber_stops_neither_the_others_nor_the_command(caplog: pytest.LogCaptureFixture) -> None:
    feed = ChangeFeed()
    seen: list[int] = []

    def broken(change: Change) -> None:
        raise RuntimeError("subscriber bug")

    feed.subscribe(broken)
    stop = feed.subscribe(lambda c: seen.append(c.seq))
    with caplog.at_level(logging.ERROR, logger="battledecks.core.changes"):
        feed.emit(Change(1, "order", "", None, 1, {}))
    assert seen == [1]
    assert "subscriber bug" in caplog.text
    stop()
    stop()  # twice is harmless
    feed.emit(Change(2, "add", "", "X", 1, {}))
    assert seen == [1] and len(feed) == 1


def test_show_emits_one_change_per_entry_even_through_a_broken_subscriber(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    changes: list[Change] = []
    show.changes.subscribe(lambda c: 1 / 0)
    show.changes.subscribe(changes.append)
    show.draw_for("Ada")
    show.veto("Ada", "broken slide")
    entries = read_entries(show.record.path)
    assert [c.kind for c in changes] == ["draw", "veto", "draw"]
    # 1 and 2 are the order and the draw's commitment.
    assert [c.seq for c in changes] == [3, 4, 5] == [show.seq - 2, show.seq - 1, show.seq]
    for change in changes:
        entry = entries[change.seq - 1]
        assert change.kind == entry["kind"] and change.at == entry["at"] and change.presenter == entry["presenter"]
        assert json.loads(json.dumps(change.to_json())) == change.to_json()


def test_a_change_is_emitted_when_the_save_fails(event_path: Path, seeds, wall, monkeypatch) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    changes: list[Change] = []
    show.changes.subscribe(changes.append)

    def full_disk(path: Path, text: str, **mode: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(record_module, "atomic_write", full_disk)
    with pytest.raises(RecordError, match="cannot save"):
        show.draw_for("Ada")
    assert [c.kind for c in changes] == ["draw"]
    told: list[RecordError] = []
    show.on_save_error(told.append)
    show.add_presenter("Wanda")
    assert [c.kind for c in changes] == ["draw", "add"] and len(told) == 1 and show.unsaved
    monkeypatch.undo()
    show.move_presenter("Wanda", -1)
    assert not show.unsaved
    assert comparable(reopened(event_path)) == comparable(show)


# --- the veto keeps the topic -------------------------------------------------


def test_a_veto_keeps_the_topic_and_topics_left_survive_reopening(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="topics", order="listed", topics=["T1", "T2", "T3"])
    show = Show.open(path, seed_source=seeds, clock=wall)
    first = show.draw_for("Ada")
    assert show.supply().topics == 2
    again = show.veto("Ada", "unsuitable")
    assert again is not None and again.topic == first.topic and again.deck.id != first.deck.id
    assert show.presenter("Ada").topic == first.topic
    assert show.supply().topics == 2 and len(show.topic_pool()) == 2
    back = reopened(path)
    assert back.supply().topics == 2 and back.topic_pool() == show.topic_pool()
    assert back.audit() == []
    # Every presenter still gets a topic of their own.
    show.draw_all()
    topics = [show.presenter(n).topic for n in show.names()]
    assert len(set(topics)) == 3 and None not in topics


def test_a_veto_with_no_deck_left_keeps_the_topic_for_the_next_draw(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="few", order="listed", topics=["T1", "T2"], presenters=["Ada"])
    show = Show.open(path, seed_source=seeds, clock=wall)
    topic = show.draw_for("Ada").topic
    vetoes = 0
    while show.veto("Ada", "no") is not None:
        vetoes += 1
        assert show.presenter("Ada").topic == topic
    assert vetoes == 5  # six decks: the sixth veto leaves none to draw
    view = show.presenter("Ada")
    assert view.deck is None and view.topic == topic and len(view.vetoed) == 6
    assert show.can_draw("Ada") == "no unseen deck left for Ada"
    build_deck(event_dir / "decks" / "deck-new")
    back = Show.open(path, seed_source=seeds, clock=wall)
    assert comparable(back) == comparable(show) | {"supply": [1, 2, 1]}
    assert back.draw_for("Ada").topic == topic


# --- every command, reopened ----------------------------------------------------


def test_every_command_writes_one_change_and_reopens_the_same(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    changes: list[Change] = []
    show.changes.subscribe(changes.append)
    assert show.seq == 2  # the order, the draw's commitment
    ev = show.event
    end = ev.countdown + ev.seconds

    def step(expected: list[str], command, *args):  # noqa: ANN001, ANN202
        before = len(changes)
        result = command(*args)
        assert [c.kind for c in changes[before:]] == expected, command.__name__
        assert changes[-1].seq == show.seq == len(read_entries(show.record.path)) if expected else True
        assert comparable(reopened(event_path)) == comparable(show), command.__name__
        return result

    step(["add"], show.add_presenter, "Wanda")
    step(["move"], show.move_presenter, "Wanda", -3)
    step([], show.move_presenter, "Wanda", -1)
    step(["remove"], show.remove_presenter, "Wanda")
    step(["draw"], show.draw_for, "Ada")
    step(["veto", "draw"], show.veto, "Ada", "broken slide")
    step(["draw", "draw"], show.draw_all)
    step(["talk-start"], show.start_talk, "Ada", 100.0)
    step(["pause"], show.pause_talk, 110.0)
    step([], show.pause_talk, 111.0)
    step(["resume"], show.resume_talk, 120.0)
    step(["skip"], show.skip_slide, 125.0)
    step(["catch-up"], show.note_catch_up, 126.0, 2, 4, 0.5)
    step(["abort"], show.abort_talk, 127.0, "mic failed")
    step(["talk-start"], show.start_talk, "Ada", 200.0)
    step(["talk-end"], show.end_talk, 200.0 + end)
    step(["talk-start"], show.start_talk, "Brian", 300.0)
    # The app stops mid-talk; reopened, the talk is marked and restarting it aborts it first.
    later = Show.open(event_path, seed_source=seeds, clock=wall)
    later.changes.subscribe(changes.append)
    show = later
    step(["talk-interrupted"], show.mark_interrupted)
    step(["abort", "talk-start"], show.start_talk, "Brian", 400.0)
    step(["talk-end"], show.end_talk, 400.0 + end)
    step(["talk-start"], show.start_talk, "Chen", 500.0)
    step(["talk-end"], show.end_talk, 500.0 + end)
    for name, score in (("Ada", 8), ("Brian", 8), ("Chen", 6)):
        step(["score"], show.score, name, "J1", "Overall", score)
        step(["score"], show.score, name, None, None, 5)
    step(["correction"], show.score, "Chen", "J1", "Overall", 7)
    step([], show.score, "Chen", "J1", "Overall", 7)
    step(["reveal"], show.reveal, "standings")
    step([], show.reveal, "standings")
    round_, draws = step(["draw", "draw"], show.sudden_death)
    assert round_ == 2 and sorted(n for n, _ in draws) == ["Ada", "Brian"]
    step(["talk-start"], show.start_talk, "Ada", 600.0, 2)
    step(["talk-end"], show.end_talk, 600.0 + end)
    step(["score"], show.score, "Ada", "J1", "Overall", 9, 2)
    step(["reveal"], show.reveal, "winner")
    step(["reveal"], show.reveal, "hidden")
    kinds = {c.kind for c in changes}
    assert kinds >= {
        "add",
        "move",
        "remove",
        "draw",
        "veto",
        "talk-start",
        "pause",
        "resume",
        "skip",
        "catch-up",
        "abort",
        "talk-end",
        "talk-interrupted",
        "score",
        "correction",
        "reveal",
    }


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (lambda s: s.add_presenter("  "), "needs a name"),
        (lambda s: s.add_presenter("ada"), "already in the lineup"),
        (lambda s: s.remove_presenter("Nobody"), "no presenter 'Nobody'"),
        (lambda s: s.veto("Ada"), "no deck to veto"),
        (lambda s: s.start_talk("Ada", 0.0), "no deck yet"),
        (lambda s: s.pause_talk(0.0), "no talk is on stage"),
        (lambda s: s.resume_talk(0.0), "no talk is on stage"),
        (lambda s: s.skip_slide(0.0), "no talk is on stage"),
        (lambda s: s.end_talk(0.0), "no talk is on stage"),
        (lambda s: s.abort_talk(0.0), "no talk is on stage"),
        (lambda s: s.score("Ada", "J1", "Overall", 5), "has not presented yet"),
        (lambda s: s.reveal("winner"), "no talk has been scored"),
        (lambda s: s.reveal("confetti"), "cannot reveal"),
        (lambda s: s.sudden_death(), "no tie needs a sudden death"),
    ],
)
def test_refused_commands_write_nothing_and_say_why(event_path: Path, seeds, wall, command, reason: str) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    changes: list[Change] = []
    show.changes.subscribe(changes.append)
    before = show.record.path.read_text()
    with pytest.raises(RecordError, match=reason):
        command(show)
    assert changes == [] and show.record.path.read_text() == before


def test_scores_are_checked_against_the_event(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    show.start_talk("Ada", 0.0)
    show.draw_for("Brian")
    with pytest.raises(RecordError, match="Ada's talk is on stage"):
        show.start_talk("Brian", 1.0)
    show.end_talk(show.event.countdown + show.event.seconds)
    for args, reason in (
        (("J9", "Overall", 5), "no judge 'J9'"),
        (("J1", "Humour", 5), "no criterion 'Humour'"),
        (("J1", "Overall", 11), "scores run from 1 to 10"),
        ((None, None, 0), "scores run from 1 to 10"),
    ):
        with pytest.raises(RecordError, match=reason):
            show.score("Ada", *args)


# --- following a talk -------------------------------------------------------------


def test_a_follower_rebuilds_the_talk_clock_from_the_changes(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    changes: list[Change] = []
    show.changes.subscribe(changes.append)
    clock = show.start_talk("Ada", 1000.0)
    show.pause_talk(1010.0)
    show.resume_talk(1030.5)
    show.skip_slide(1040.0)
    show.pause_talk(1100.0)

    # A follower that saw only the changes (over JSON).
    seen = [Change.from_json(json.loads(json.dumps(c.to_json()))) for c in changes]
    start = seen[0]
    assert start.kind == "talk-start" and start.data["mono"] == 1000.0
    assert (start.data["slides"], start.data["seconds"], start.data["countdown"]) == (12, 300, 3)
    schedule = {**start.data, "start": start.data["mono"], "steps": [[c.kind, c.data["mono"]] for c in seen[1:]]}
    followed = talk_clock(schedule)
    # A follower that connected late, from the snapshot.
    late = talk_clock(json.loads(json.dumps(show.snapshot()))["talk"])
    for now in (1000.0, 1002.9, 1005.0, 1020.0, 1031.0, 1039.9, 1041.0, 1099.0, 1200.0, 5000.0):
        assert followed.state(now) == clock.state(now) == late.state(now)
    snap = show.snapshot()["talk"]
    assert snap["paused"] and snap["presenter"] == "Ada" and snap["outcome"] is None
    assert snap["pauses"] == [[1010.0, 1030.5]] and snap["paused_since"] == 1100.0 and snap["skips"] == [1040.0]

    show.resume_talk(1200.0)
    show.abort_talk(1201.0, "mic")
    aborted = talk_clock(show.snapshot()["talk"])
    assert aborted.state(1202.0).phase is Phase.ABORTED
    assert show.snapshot()["talk"]["outcome"] == "aborted"


def test_the_snapshot_is_json_and_says_what_a_late_follower_needs(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = Show.open(event_path, seed_source=seeds, clock=wall)
    show.draw_all()
    show.start_talk("Ada", 0.0)
    show.end_talk(show.event.countdown + show.event.seconds)
    show.score("Ada", "J1", "Overall", 8)
    show.score("Ada", None, None, 6)
    show.reveal("standings")
    snap = json.loads(json.dumps(show.snapshot()))
    assert snap["seq"] == show.seq == len(show.record.entries)
    assert snap["event"]["name"] == "Test Night" and snap["event"]["slides"] == 12
    assert snap["event"]["seconds"] == 300 and snap["event"]["countdown"] == 3
    ada, brian, _ = snap["lineup"]
    assert ada["name"] == "Ada" and ada["status"] == "scored" and ada["score"] == 8
    assert ada["title"] and ada["topic"] in TOPICS
    assert brian["status"] == "drawn" and brian["score"] is None
    assert snap["talk"]["outcome"] == "ended" and snap["reveal"] == "standings"
    assert snap["next_up"] == "Brian"
