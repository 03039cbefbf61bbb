"""Voting rounds through the show: recorded, closed into the audience score, reopened, rebuilt from the votes."""

from __future__ import annotations

from pathlib import Path

import pytest

from battledecks.core.record import RecordError, Status, read_entries
from battledecks.core.show import Show
from battledecks.room.votes.desk import desk_for_show
from battledecks.room.votes.store import VoteStore
from tests.builders import build_event, present

PHONES = {"judges": ["J1"], "audience": {"vote": "phones"}}


@pytest.fixture
def show(event_dir: Path, seeds, wall) -> Show:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring=PHONES)
    s = Show.open(path, seed_source=seeds, clock=wall)
    s.draw_all()
    present(s, "Ada")
    return s


def test_only_an_event_that_votes_by_phone_opens_a_vote(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="plain", order="listed", scoring={"judges": ["J1"]})
    plain = Show.open(path, seed_source=seeds, clock=wall)
    plain.draw_all()
    present(plain, "Ada")
    with pytest.raises(RecordError, match="takes no votes from phones"):
        plain.open_vote("Ada")


def test_a_vote_opens_after_the_talk_and_one_at_a_time(show: Show) -> None:
    assert show.can_open_vote("Brian") == "Brian has not presented yet"
    seen = []
    show.changes.subscribe(seen.append)
    vote = show.open_vote("Ada")
    assert (vote.id, vote.presenter, vote.open) == (1, "Ada", True)
    assert [c.kind for c in seen] == ["vote-open"] and seen[0].data["vote"] == 1
    assert show.snapshot()["vote"] == {"vote": 1, "presenter": "Ada", "round": 1}
    present(show, "Brian")
    with pytest.raises(RecordError, match="voting on Ada is still open"):
        show.open_vote("Brian")


def test_closing_writes_the_audience_score_with_its_count(show: Show) -> None:
    show.open_vote("Ada")
    closed = show.close_vote(212, 8.4361)
    assert (closed.open, closed.votes, closed.mean) == (False, 212, 8.44)
    view = show.presenter("Ada")
    assert view.audience == 8.44
    assert show.record.presenters["Ada"].main.audience_votes == 212
    kinds = [(e["kind"], e.get("votes")) for e in read_entries(show.record.path)[-2:]]
    assert kinds == [("vote-close", 212), ("score", 212)]
    assert show.snapshot()["vote"] is None
    # The host corrects it like any score: the count no longer applies.
    show.score("Ada", None, None, 9)
    assert show.record.presenters["Ada"].main.audience_votes is None
    assert read_entries(show.record.path)[-1]["kind"] == "correction"


def test_a_reopened_vote_keeps_its_id_and_its_close_corrects_the_score(show: Show) -> None:
    show.open_vote("Ada")
    show.close_vote(3, 6.0)
    again = show.open_vote("Ada")
    assert again.id == 1 and again.open
    show.close_vote(5, 7.2)
    entries = read_entries(show.record.path)
    assert [e["kind"] for e in entries[-3:]] == ["vote-open", "vote-close", "correction"]
    assert entries[-3]["reopen"] is True and entries[-1]["previous"] == 6.0
    assert show.presenter("Ada").audience == 7.2


def test_no_votes_leave_the_score_alone(show: Show) -> None:
    show.open_vote("Ada")
    show.close_vote(0, None)
    assert show.presenter("Ada").audience is None
    assert show.status("Ada") is Status.PRESENTED
    with pytest.raises(RecordError, match="no vote is open"):
        show.close_vote(0, None)


def test_a_result_off_the_scale_is_refused(show: Show) -> None:
    show.open_vote("Ada")
    with pytest.raises(RecordError, match="off the scale"):
        show.close_vote(2, 11.0)
    with pytest.raises(RecordError, match="needs a mean exactly when it has votes"):
        show.close_vote(2, None)


def test_closing_records_how_the_votes_spread_and_refuses_a_spread_that_does_not_add_up(
    show: Show, seeds, wall
) -> None:  # noqa: ANN001
    show.open_vote("Ada")
    with pytest.raises(RecordError, match="add up to its 3 votes"):
        show.close_vote(3, 8.0, [(8, 2)])
    with pytest.raises(RecordError, match="spread"):
        show.close_vote(3, 8.0, [(8, 2), (8.3, 1)])  # off the scale's steps
    seen = []
    show.changes.subscribe(seen.append)
    closed = show.close_vote(3, 8.0, [(9, 1), (7, 1), (8, 1)])
    assert closed.spread == [(7.0, 1), (8.0, 1), (9.0, 1)]
    assert seen[0].kind == "vote-close" and seen[0].data["spread"] == [[7.0, 1], [8.0, 1], [9.0, 1]]
    again = Show.open(show.event.path, seed_source=seeds, clock=wall)
    assert again.vote_rounds()[-1].spread == [(7.0, 1), (8.0, 1), (9.0, 1)]


def test_the_record_replays_the_rounds(show: Show, seeds, wall) -> None:  # noqa: ANN001
    show.open_vote("Ada")
    show.close_vote(2, 5.5)
    present(show, "Brian")
    show.open_vote("Brian")
    again = Show.open(show.event.path, seed_source=seeds, clock=wall)
    assert [(v.id, v.presenter, v.open, v.votes, v.mean) for v in again.vote_rounds()] == [
        (1, "Ada", False, 2, 5.5),
        (2, "Brian", True, None, None),
    ]
    assert again.current_vote is not None and again.current_vote.presenter == "Brian"


# --- the desk: phones, store and show together ------------------------------------------------


def vote(store: VoteStore, value: str) -> None:
    assert store.cast(store.token(), value, store.code).__class__.__name__ == "Accepted"


def test_the_desk_records_what_the_phones_voted(show: Show) -> None:
    desk = desk_for_show(show)
    assert desk is not None
    try:
        desk.open("Ada")
        for v in ("8", "9", "9"):
            vote(desk.store, v)
        assert desk.store.tally().count == 3
        result = desk.close()
        assert (result.count, round(result.mean, 2)) == (3, 8.67)
        assert show.presenter("Ada").audience == 8.67
        assert show.record.presenters["Ada"].main.audience_votes == 3
        # The database rebuilds the record's results.
        rebuilt = {(r.id, r.presenter, r.count, round(r.mean, 2)) for r in desk.store.results()}
        recorded = {(v.id, v.presenter, v.votes, v.mean) for v in show.vote_rounds()}
        assert rebuilt == recorded
    finally:
        desk.store.close()


def test_reopening_the_event_brings_back_the_open_vote(show: Show, seeds, wall) -> None:  # noqa: ANN001
    desk = desk_for_show(show)
    desk.open("Ada")
    vote(desk.store, "4")
    vote(desk.store, "6")
    desk.store.close()  # the app stops with the vote open
    again = Show.open(show.event.path, seed_source=seeds, clock=wall)
    desk = desk_for_show(again)
    try:
        assert desk.store.tally().count == 2
        assert desk.close().mean == 5
        assert again.presenter("Ada").audience == 5
    finally:
        desk.store.close()


def test_the_record_wins_after_a_crash_between_the_two_writes(show: Show, seeds, wall) -> None:  # noqa: ANN001
    desk = desk_for_show(show)
    desk.open("Ada")
    vote(desk.store, "7")
    desk.store.close_round()  # closed in the database, the app died before the record said so
    desk.store.close()
    again = Show.open(show.event.path, seed_source=seeds, clock=wall)
    desk = desk_for_show(again)
    try:
        assert desk.store.open_round is not None and desk.store.tally().count == 1
        desk.close()
        assert again.presenter("Ada").audience == 7
    finally:
        desk.store.close()


def test_an_event_without_phone_votes_has_no_desk(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="plain", scoring={"judges": ["J1"]})
    assert desk_for_show(Show.open(path, seed_source=seeds, clock=wall)) is None
    assert not (event_dir / "events" / "plain.votes.sqlite").exists()
