"""An open phone vote cannot be forgotten: the lineup and the stage show it, a draw or a talk asks to close it
first, and an app opened again mid-vote takes the host back to it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from battledecks.core.show import Show
from battledecks.room.votes.desk import VoteDesk, desk_for_show
from battledecks.ui.app import BattledecksApp, create_app
from battledecks.ui.screens.close_vote import CloseVoteScreen
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoresScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.open_vote import OpenVoteLine
from battledecks.ui.widgets.vote_panel import VotePanel
from tests.builders import build_event, present
from tests.piloting import footer_text
from tests.waiting import wait_until as until

PHONES = {"judges": ["J1"], "audience": {"vote": "phones"}}


def phone_event(event_dir: Path) -> Path:
    return build_event(event_dir / "events", name="night", order="listed", seconds=12, countdown=0, scoring=PHONES)


@contextlib.asynccontextmanager
async def running(
    path: Path, seeds, wall, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[Any, BattledecksApp, VoteDesk]]:  # noqa: ANN001
    """The app on ``path`` with the phones' vote desk, as ``run --serve`` gives it."""
    show = Show.open(path, seed_source=seeds, clock=wall)
    app = create_app(path, show=show)
    app.votes = desk = desk_for_show(show)
    assert desk is not None
    try:
        async with app.run_test(size=size) as pilot:
            await until(
                pilot, lambda: app.screen.query(DataTable) or isinstance(app.screen, ScoresScreen), "the first screen"
            )
            await pilot.pause()
            yield pilot, app, desk
    finally:
        desk.store.close()


def vote(desk: VoteDesk, *values: str) -> None:
    for value in values:
        desk.store.cast(desk.store.token(), value, desk.store.code)


async def voting_on_ada_from_the_lineup(pilot: Any, app: BattledecksApp, desk: VoteDesk) -> LineupScreen:  # noqa: ANN401
    """Ada has presented; the host opens the vote with F2 on her scores screen, phones vote, Escape to the lineup."""
    lineup = app.screen
    assert isinstance(lineup, LineupScreen)
    app.push_screen(ScoresScreen("Ada"))
    await until(pilot, lambda: isinstance(app.screen, ScoresScreen) and app.screen.query(VotePanel), "Ada's scores")
    await pilot.press("f2")
    await until(pilot, lambda: desk.store.open_round is not None, "the vote to open")
    vote(desk, "8", "9")
    await pilot.press("1", "0", "enter", "escape")
    await until(pilot, lambda: app.screen is lineup, "the lineup")
    return lineup


async def test_the_lineup_shows_the_open_vote_and_f2_closes_it(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = phone_event(event_dir)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    async with running(path, seeds, wall) as (pilot, app, desk):
        lineup = await voting_on_ada_from_the_lineup(pilot, app, desk)
        line = lineup.query_one(OpenVoteLine)
        await until(
            pilot, lambda: "Phones are voting on Ada: 2 votes, mean 8.5" in line.text, "the open vote on the lineup"
        )
        assert line.display and "F2 closes the vote" in line.text
        assert "f2 Close vote" in footer_text(lineup)
        await pilot.press("f2")
        await until(pilot, lambda: desk.store.open_round is None, "the vote to close")
        assert app.show.presenter("Ada").audience == 8.5
        await until(pilot, lambda: not line.display, "the line to go")
        assert "Close vote" not in footer_text(lineup)
        assert any("audience 8.5 from 2 votes, saved" in str(n.message) for n in app._notifications)


async def test_a_draw_while_the_phones_vote_asks_to_close_the_vote_first(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = phone_event(event_dir)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    present(show, "Ada")
    async with running(path, seeds, wall) as (pilot, app, desk):
        lineup = await voting_on_ada_from_the_lineup(pilot, app, desk)
        await until(pilot, lambda: lineup.selected == "Brian", "Brian selected")
        # Escape: nothing drawn, the vote goes on.
        await pilot.press("enter")
        question = await until(pilot, lambda: isinstance(app.screen, CloseVoteScreen) and app.screen, "the question")
        assert "Phones are still voting on Ada (2 votes, mean 8.5)" in question.question
        assert "draw a deck for Brian" in question.question
        footer = footer_text(question)
        assert "c Close vote and go on" in footer and "k Keep it open and go on" in footer
        assert "v Back to the vote" in footer and "esc Not now" in footer
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lineup, "the lineup again")
        assert desk.store.open_round is not None and app.show.presenter("Brian").deck is None
        # v: back to Ada's scores screen, the vote still open.
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CloseVoteScreen), "the question again")
        await pilot.press("v")
        await until(
            pilot, lambda: isinstance(app.screen, ScoresScreen) and app.screen.presenter == "Ada", "back at the vote"
        )
        assert desk.store.open_round is not None
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lineup, "the lineup again")
        # c: the vote closes into Ada's audience score, and the draw goes on.
        await until(pilot, lambda: lineup.selected == "Brian", "Brian selected")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CloseVoteScreen), "the question again")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw")
        assert app.screen.presenter == "Brian"
        assert desk.store.open_round is None and app.show.current_vote is None
        assert app.show.presenter("Ada").audience == 8.5
        assert app.show.presenter("Brian").deck is not None


async def test_a_talk_while_the_phones_vote_asks_to_close_the_vote_first(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = phone_event(event_dir)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    async with running(path, seeds, wall) as (pilot, app, desk):
        lineup = await voting_on_ada_from_the_lineup(pilot, app, desk)
        await until(pilot, lambda: lineup.selected == "Brian", "Brian selected")
        await pilot.press("enter")
        question = await until(pilot, lambda: isinstance(app.screen, CloseVoteScreen) and app.screen, "the question")
        assert "start Brian's talk" in question.question
        await pilot.press("enter")  # the highlighted answer: close the vote and start
        await until(pilot, lambda: isinstance(app.screen, StageScreen), "Brian's talk")
        assert app.screen.presenter == "Brian"
        assert app.show.current_vote is None and app.show.presenter("Ada").audience == 8.5
        await pilot.press("escape", "y")  # abort the talk: its clock runs on the real clock here
        await until(pilot, lambda: app.screen is lineup, "the lineup after the abort")


async def test_without_a_vote_open_nothing_more_is_asked(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = phone_event(event_dir)
    async with running(path, seeds, wall) as (pilot, app, desk):
        lineup = app.screen
        assert not lineup.query_one(OpenVoteLine).display
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw, asked nothing")


async def test_a_vote_kept_open_on_purpose_shows_on_the_stages_console(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = phone_event(event_dir)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    async with running(path, seeds, wall, size=(160, 45)) as (pilot, app, desk):
        app.projectors = 1  # the room has its own screen: the stage is the host's console
        lineup = await voting_on_ada_from_the_lineup(pilot, app, desk)
        await until(pilot, lambda: lineup.selected == "Brian", "Brian selected")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CloseVoteScreen), "the question")
        await pilot.press("k")  # late voters may still vote: on purpose, the vote stays open
        stage = await until(
            pilot,
            lambda: isinstance(app.screen, StageScreen) and app.screen.query("#console-vote") and app.screen,
            "Brian's talk",
        )
        assert stage.presenter == "Brian" and desk.store.open_round is not None
        line = stage.query_one("#console-vote", OpenVoteLine)
        await until(
            pilot, lambda: "Phones are voting on Ada: 2 votes, mean 8.5" in line.text and line.display, "the open vote"
        )
        vote(desk, "7")
        await until(pilot, lambda: "3 votes" in line.text, "the count going on")
        await pilot.press("escape", "y")  # abort the talk: its clock runs on the real clock here
        await until(pilot, lambda: app.screen is lineup, "the lineup after the abort")
        assert "Phones are voting on Ada: 3 votes" in lineup.query_one(OpenVoteLine).text


async def test_an_app_opened_again_mid_vote_takes_the_host_back_to_the_vote(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = phone_event(event_dir)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    async with running(path, seeds, wall) as (pilot, app, desk):
        await voting_on_ada_from_the_lineup(pilot, app, desk)
    # The app stopped with the vote open (a kill leaves the record and the votes just so); it opens again.
    async with running(path, seeds, wall) as (pilot, app, desk):
        scores = await until(pilot, lambda: isinstance(app.screen, ScoresScreen) and app.screen, "Ada's scores screen")
        assert scores.presenter == "Ada"
        panel = scores.query_one(VotePanel)
        await until(
            pilot, lambda: "Phones are voting on Ada: 2 votes, mean 8.5" in str(panel.render()), "the vote panel"
        )
        assert any("vote on Ada is still open (2 votes kept)" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        lineup = await until(pilot, lambda: isinstance(app.screen, LineupScreen) and app.screen, "the lineup")
        assert lineup.selected == "Ada", "the selection stays with the vote"
        await pilot.press("f2")
        await until(pilot, lambda: app.show.presenter("Ada").audience == 8.5, "the vote closed into Ada's score")


async def test_an_app_opened_again_mid_vote_at_the_end_selects_that_presenter(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    from battledecks.room.votes.host import step_final_vote
    from battledecks.ui.widgets.final_vote_panel import FinalVotePanel

    path = build_event(
        event_dir / "events",
        name="night",
        order="listed",
        scoring={"judges": ["J1"], "audience": {"vote": "phones", "when": "at-end"}},
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    for n, name in enumerate(show.names()):
        present(show, name, at=400.0 * n)
    desk = desk_for_show(show)
    assert desk is not None
    step_final_vote(desk, show)  # Ada's vote
    step_final_vote(desk, show)  # Ada's saved, Brian's open: then the app stopped
    desk.store.close()
    async with running(path, seeds, wall) as (pilot, app, desk):
        lineup = app.screen
        assert isinstance(lineup, LineupScreen)
        await until(pilot, lambda: lineup.selected == "Brian", "the selection on Brian, whose vote is open")
        panel = lineup.query_one(FinalVotePanel)
        await until(pilot, lambda: "Phones are voting on Brian" in str(panel.render()), "the vote at the end, open")
        assert any("vote on Brian is still open" in str(n.message) for n in app._notifications)
