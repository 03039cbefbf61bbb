"""Screens follow the show's stream of changes, whoever made the change."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from battledecks.ui.screens.help import HelpScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.screens.standings import StandingsScreen
from tests.builders import present
from tests.piloting import draw_and_close, start_talk
from tests.waiting import wait_until


async def test_the_lineup_follows_changes_made_outside_it(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        lineup = app.screen
        assert isinstance(lineup, LineupScreen)
        table = lineup.query_one(DataTable)
        # As the web server or a command would: straight to the show, not through the screen.
        app.show.add_presenter("Wanda")
        await wait_until(pilot, lambda: table.row_count == 4)
        assert lineup.selected == "Ada"  # a wildcard joining does not take the selection from whoever is next
        app.show.draw_for("Brian")
        await wait_until(pilot, lambda: "drawn" in str(table.get_row("Brian")[2]))
        app.show.move_presenter("Wanda", -3)
        await wait_until(pilot, lambda: [str(k.value) for k in table.rows][0] == "Wanda")


async def test_standings_follow_scores_and_say_what_the_room_sees(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    show = app.show
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LineupScreen))
        await pilot.pause()
        show.draw_for("Ada")
        present(show, "Ada")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, StandingsScreen))
        standings = app.screen
        assert isinstance(standings, StandingsScreen)
        await pilot.pause()
        assert show.last_reveal() in (None, "hidden")  # looking at them is the host's alone
        await pilot.press("p")
        await wait_until(pilot, lambda: show.last_reveal() == "standings")
        ada = lambda: next(line for line in standings.table_text.splitlines() if "Ada" in line)  # noqa: E731
        assert not ada().split()[0].isdigit()
        for judge in ("J1", "J2"):
            show.score("Ada", judge, "Style", 6)
            show.score("Ada", judge, "Fit", 7)
        show.score("Ada", None, None, 8)
        await wait_until(pilot, lambda: ada().split()[:2] == ["1", "Ada"])
        await pilot.press("escape")
        await wait_until(pilot, lambda: show.last_reveal() == "hidden")


async def test_help_lists_the_keys_the_stage_answers_now(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = [description for _, description in app.screen.keys]
        assert "Pause/Resume" in keys and "Abort talk" in keys and "Skip broken slide" in keys
        assert "Scores" not in keys
        await pilot.press("escape")
        fake_clock.advance(3 + 12 + 0.1)
        stage.tick()
        await wait_until(pilot, lambda: stage.finished)
        await pilot.press("question_mark")
        keys = [description for _, description in app.screen.keys]
        assert "Scores" in keys and "Lineup" in keys and "Pause/Resume" not in keys
        await pilot.press("escape")
        assert isinstance(app.screen, StageScreen)


def test_screens_never_touch_the_record() -> None:
    """Screens read the show's views and send it commands; the record is the show's alone."""
    ui = Path(__file__).parents[2] / "battledecks" / "ui"
    for path in sorted(ui.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for word in ("EventRecord", "core.record", ".record."):
            assert word not in text, f"{path.relative_to(ui.parent.parent)} uses {word}"
