"""scoring.audience.when: at-end: no vote after each talk; once every talk is done the host steps through the presenters."""

from __future__ import annotations

from pathlib import Path

import pytest

from battledecks.core.problems import BattledecksError
from battledecks.core.record import RecordError, read_entries
from battledecks.core.show import Show
from battledecks.room.votes.desk import desk_for_show
from battledecks.room.votes.host import step_final_vote
from tests.builders import build_event, present
from tests.scoring_builders import vote

AT_END = {"judges": ["J1"], "audience": {"vote": "phones", "when": "at-end"}}


@pytest.fixture
def show(event_dir: Path, seeds, wall) -> Show:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring=AT_END)
    s = Show.open(path, seed_source=seeds, clock=wall)
    s.draw_all()
    present(s, "Ada")
    present(s, "Brian", at=400)
    return s


def test_no_vote_opens_before_every_talk_is_done(show: Show) -> None:
    assert show.talks_to_come() == ["Chen"]
    assert (
        show.can_open_vote("Ada") == "the room votes on every presenter once all talks are done (Chen still to present)"
    )
    with pytest.raises(RecordError, match="once all talks are done"):
        show.open_vote("Ada")
    present(show, "Chen", at=800)
    assert show.talks_to_come() == []
    assert show.can_open_vote("Ada") is None
    assert show.vote_queue() == ["Ada", "Brian", "Chen"]


def test_each_talk_events_still_vote_after_each_talk(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="each", order="listed", scoring={"audience": {"vote": "phones"}})
    s = Show.open(path, seed_source=seeds, clock=wall)
    s.draw_all()
    present(s, "Ada")
    assert s.can_open_vote("Ada") is None


def test_the_host_steps_through_every_presenter(show: Show, seeds, wall) -> None:  # noqa: ANN001
    desk = desk_for_show(show)
    assert desk is not None
    try:
        with pytest.raises(BattledecksError, match="Chen still to present"):
            step_final_vote(desk, show)
        assert desk.store.open_round is None and show.vote_rounds() == []
        present(show, "Chen", at=800)

        said = step_final_vote(desk, show)
        assert said == f"Phones can vote on Ada (1 of 3): the room code is {desk.store.code}."
        assert desk.state()["title"] == "Vote for Ada (1 of 3)" and desk.public()["step"] == "1 of 3"
        vote(desk, "8", "9")
        said = step_final_vote(desk, show)
        assert said.startswith(
            "Vote on Ada closed: audience 8.5 from 2 votes, saved. Phones can vote on Brian (2 of 3)"
        )
        ada_token = desk.store.token()  # a phone's token is per round: one from Brian's round
        vote(desk, "5")
        step_final_vote(desk, show)  # Brian closed, Chen open
        assert desk.store.open_round.presenter == "Chen"
        refused = desk.store.cast(ada_token, "7", desk.store.code)
        assert type(refused).__name__ == "Refused" and refused.reason == "replay"
        said = step_final_vote(desk, show)
        assert (
            said
            == "Vote on Chen closed: no votes, the audience score is unchanged. The vote at the end is done: every presenter has had their vote."
        )
        assert desk.store.open_round is None and desk.step is None
        assert step_final_vote(desk, show) == "The vote at the end is done: every presenter has had their vote."

        # Each presenter's result is their audience score, recorded with its count like any score.
        assert (show.presenter("Ada").audience, show.record.presenters["Ada"].main.audience_votes) == (8.5, 2)
        assert (show.presenter("Brian").audience, show.record.presenters["Brian"].main.audience_votes) == (5.0, 1)
        assert show.presenter("Chen").audience is None
        assert [(v.presenter, v.votes, v.mean) for v in show.vote_rounds()] == [
            ("Ada", 2, 8.5),
            ("Brian", 1, 5.0),
            ("Chen", 0, None),
        ]
        # ... and corrected like any score.
        show.score("Ada", None, None, 9)
        assert read_entries(show.record.path)[-1]["kind"] == "correction"
        # A presenter's vote can be reopened after the end, keeping its votes.
        again = desk.open("Brian")
        assert again.count == 1
        desk.close()
        again_show = Show.open(show.event.path, seed_source=seeds, clock=wall)
        assert again_show.presenter("Brian").audience == 5.0
    finally:
        desk.store.close()


def test_a_restart_in_the_middle_carries_on_with_the_open_vote(show: Show, seeds, wall) -> None:  # noqa: ANN001
    present(show, "Chen", at=800)
    desk = desk_for_show(show)
    step_final_vote(desk, show)
    vote(desk, "3")
    step_final_vote(desk, show)  # Brian open
    vote(desk, "6", "7")
    desk.store.close()  # the app stops here
    again = Show.open(show.event.path, seed_source=seeds, clock=wall)
    desk = desk_for_show(again)
    try:
        assert desk.store.open_round.presenter == "Brian" and desk.store.tally().count == 2
        said = step_final_vote(desk, again)
        assert said.startswith(
            "Vote on Brian closed: audience 6.5 from 2 votes, saved. Phones can vote on Chen (3 of 3)"
        )
    finally:
        desk.store.close()
