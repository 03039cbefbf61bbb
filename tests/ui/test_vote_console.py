"""The host opens the phones' vote from the scores screen (F2), watches the count, closes it into the audience score."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from battledecks.core.show import Show
from battledecks.ui.widgets.vote_panel import VotePanel
from battledecks.room.votes.desk import desk_for_show
from battledecks.ui.app import create_app
from battledecks.ui.screens.scores import ScoreInput, ScoresScreen
from tests.builders import build_event, present
from tests.waiting import wait_until as until


@contextlib.asynccontextmanager
async def on_adas_scores(event_dir: Path, seeds, wall) -> AsyncIterator[tuple[Any, Any, Show, VotePanel]]:  # noqa: ANN001
    """The host on Ada's scores screen after her talk, phones voting at the event: the pilot, the desk, the show, the vote panel."""
    path = build_event(event_dir / "events", order="listed", scoring={"judges": ["J1"], "audience": {"vote": "phones"}})
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    app = create_app(path, show=show)
    app.votes = desk = desk_for_show(show)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ == "LineupScreen")
            await pilot.pause()
            app.push_screen(ScoresScreen("Ada"))
            await until(pilot, lambda: isinstance(app.screen, ScoresScreen) and app.screen.query(VotePanel))
            yield pilot, desk, show, app.screen.query_one(VotePanel)
    finally:
        desk.store.close()


async def test_the_host_runs_the_vote_from_the_scores_screen(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    async with on_adas_scores(event_dir, seeds, wall) as (pilot, desk, show, panel):
        app = pilot.app
        assert "F2 opens the phones' vote on Ada" in str(panel.render())
        await pilot.press("f2")
        assert desk.store.open_round is not None and desk.store.open_round.presenter == "Ada"
        assert "Phones can vote on Ada" in str(app.screen.query_one("#message").render())
        for value in ("8", "9", "9", "7"):
            desk.store.cast(desk.store.token(), value, desk.store.code)
        await until(pilot, lambda: "4 votes, mean 8.25" in str(panel.render()))
        await pilot.press("f2")
        assert "audience 8.25 from 4 votes, saved" in str(app.screen.query_one("#message").render())
        audience = app.screen.query_one("#audience", ScoreInput)
        assert audience.value == "8.25"
        assert show.presenter("Ada").audience == 8.25
        assert "closed: 8.25 from 4 votes · F2 reopens it" in str(panel.render())
        # The field holds the mean: leaving the screen saves nothing new and is not refused.
        await pilot.press("1", "0", "enter")  # J1's score
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ScoresScreen))
        assert show.presenter("Ada").scores == {("J1", "Overall"): 10}
        assert show.presenter("Ada").audience == 8.25


async def test_a_vote_of_one_phone_reads_as_one_vote(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    async with on_adas_scores(event_dir, seeds, wall) as (pilot, desk, _, panel):
        await pilot.press("f2")
        desk.store.cast(desk.store.token(), "6", desk.store.code)
        await until(pilot, lambda: "1 vote, mean 6" in str(panel.render()))
        await pilot.press("f2")
        assert "audience 6 from 1 vote, saved" in str(pilot.app.screen.query_one("#message").render())
        await until(pilot, lambda: "closed: 6 from 1 vote · F2 reopens it" in str(panel.render()))


async def test_no_vote_key_without_phone_voting(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LineupScreen")
        await pilot.pause()
        app.show.draw_all()
        present(app.show, app.show.names()[0])
        app.push_screen(ScoresScreen(app.show.names()[0]))
        await until(pilot, lambda: isinstance(app.screen, ScoresScreen))
        assert not app.screen.query(VotePanel)
        assert app.screen.check_action("vote", ()) is False
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "LineupScreen")
        await pilot.pause()
