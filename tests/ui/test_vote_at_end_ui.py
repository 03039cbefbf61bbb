"""The vote at the end from the lineup (F2), and the scores screen leaving it to the end."""

from __future__ import annotations

from pathlib import Path

from battledecks.core.show import Show
from battledecks.ui.widgets.final_vote_panel import FinalVotePanel
from battledecks.ui.widgets.vote_panel import VotePanel
from battledecks.room.votes.desk import desk_for_show
from battledecks.ui.app import create_app
from battledecks.ui.screens.scores import ScoresScreen
from tests.builders import build_event, present
from tests.waiting import wait_until as until

AT_END = {"judges": ["J1"], "audience": {"vote": "phones", "when": "at-end"}}


async def test_the_host_steps_through_the_presenters_from_the_lineup(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring=AT_END)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    present(show, "Brian", at=400)
    app = create_app(path, show=show)
    app.votes = desk = desk_for_show(show)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ == "LineupScreen" and app.screen.query(FinalVotePanel))
            lineup = app.screen
            panel = lineup.query_one(FinalVotePanel)
            await until(pilot, lambda: "once all talks are done (1 talk to go)" in str(panel.render()))
            await pilot.press("f2")
            await pilot.pause()
            assert desk.store.open_round is None
            assert any("Chen still to present" in str(n.message) for n in app._notifications)

            # After a talk the scores screen takes no vote: it says when the room votes.
            app.push_screen(ScoresScreen("Ada"))
            await until(pilot, lambda: isinstance(app.screen, ScoresScreen) and app.screen.query(VotePanel))
            vote_panel = app.screen.query_one(VotePanel)
            await until(pilot, lambda: "votes on every presenter at the end" in str(vote_panel.render()))
            await pilot.press("f2")
            assert desk.store.open_round is None
            assert "once all talks are done" in str(app.screen.query_one("#message").render())
            await pilot.press("1", "0", "enter", "escape")
            await until(pilot, lambda: app.screen is lineup)

            present(show, "Chen", at=800)
            await until(pilot, lambda: "All talks done: F2 opens the phones' vote" in str(panel.render()))
            assert "starting with Ada" in str(panel.render())
            await pilot.press("f2")
            await until(pilot, lambda: desk.store.open_round is not None)
            assert desk.store.open_round.presenter == "Ada"
            for value in ("8", "9", "10"):
                desk.store.cast(desk.store.token(), value, desk.store.code)
            await until(pilot, lambda: "Phones are voting on Ada (1 of 3): 3 votes, mean 9" in str(panel.render()))
            assert "F2 saves it and opens Brian's" in str(panel.render())
            await pilot.press("f2")
            await until(pilot, lambda: desk.store.open_round is not None and desk.store.open_round.presenter == "Brian")
            assert show.presenter("Ada").audience == 9.0
            await pilot.press("f2")  # Brian: no votes
            await until(pilot, lambda: "Chen (3 of 3)" in str(panel.render()))
            assert "F2 saves it and ends the vote" in str(panel.render())
            desk.store.cast(desk.store.token(), "4", desk.store.code)
            await pilot.press("f2")
            await until(pilot, lambda: "Vote at the end done" in str(panel.render()))
            assert (show.presenter("Brian").audience, show.presenter("Chen").audience) == (None, 4.0)
            assert show.record.presenters["Chen"].main.audience_votes == 1
    finally:
        desk.store.close()


async def test_each_talk_events_have_no_vote_on_the_lineup(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring={"audience": {"vote": "phones"}})
    show = Show.open(path, seed_source=seeds, clock=wall)
    app = create_app(path, show=show)
    app.votes = desk = desk_for_show(show)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ == "LineupScreen")
            await pilot.pause()
            assert not app.screen.query(FinalVotePanel)
            assert app.screen.check_action("final_vote", ()) is False
    finally:
        desk.store.close()
