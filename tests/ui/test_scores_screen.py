"""Scores: leaving with a judge's scores half entered asks first; F1 help lists the keys of this screen."""

from __future__ import annotations

from pathlib import Path

from battledecks.core.show import Show
from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.help import HelpScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoreInput, ScoresScreen
from tests.builders import present


async def scores_for_ada(show_event: Path, seeds, wall, make_app, pilot_size=(100, 30)):  # noqa: ANN001, ANN201
    show = Show.open(show_event, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    present(show, "Ada")
    return make_app(show_event)


async def test_leaving_with_a_judge_half_scored_warns_and_asks(show_event: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    app = await scores_for_ada(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("DataTable").move_cursor(row=0)
        await pilot.pause()
        await pilot.press("enter")
        scores = app.screen
        assert isinstance(scores, ScoresScreen)
        # J1: Style and Fit; J2: Style only (Fit left blank).
        for value in ("7", "8", "6"):
            await pilot.press(*value, "enter")
        await pilot.press("escape")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "J2 has no Fit score" in question.question and "J1" not in question.question
        await pilot.press("enter")  # Enter stays to finish: leaving is never the default
        await pilot.pause()
        assert app.screen is scores
        focused = app.focused
        assert isinstance(focused, ScoreInput) and (focused.judge, focused.criterion) == ("J2", "Fit")
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, LineupScreen)
        assert app.show.standings().row("Ada").incomplete_judges == ("J2",)


async def test_leaving_with_every_judge_complete_or_absent_asks_nothing(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    app = await scores_for_ada(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("DataTable").move_cursor(row=0)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("7", "enter", "8", "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LineupScreen)


async def test_f1_help_lists_this_screens_keys_not_question_mark(show_event: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    app = await scores_for_ada(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("DataTable").move_cursor(row=0)
        await pilot.pause()
        await pilot.press("enter", "f1")
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys.get("f1") == "Help" and "?" not in keys and "Back to lineup" in keys.values()
