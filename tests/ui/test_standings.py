"""Standings in the app: ties shown as ties, sudden death, the reveal and the results card."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from textual.widgets import DataTable

from battledecks.core.show import Show
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.standings import RevealScreen, StandingsScreen
from tests.builders import build_event, present
from tests.scoring_builders import scored, tied_event


async def test_ties_share_a_rank_and_sudden_death_decides(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    path, _ = tied_event(event_dir, seeds, wall)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, StandingsScreen)
        ranks: dict[str, str] = {}
        for line in screen.table_text.splitlines():
            words = line.split()
            if len(words) > 1 and words[1] in ("Ada", "Brian", "Chen"):
                ranks.setdefault(words[1], words[0])
        assert ranks == {"Ada": "=1", "Brian": "=1", "Chen": "3"}
        banner = screen.query_one("#sudden")
        assert "-hidden" not in banner.classes and "Ada and Brian" in str(banner.content)

        await pilot.press("r")
        assert isinstance(app.screen, RevealScreen)
        await pilot.press("enter")  # third place, then first: two share it
        text = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "sudden death decides" in text and app.screen.query_one("#name").text == "Ada and Brian"
        await pilot.press("escape")

        await pilot.press("S")
        # One reveal per tied presenter, each a round-2 draw.
        for _ in range(2):
            assert isinstance(app.screen, DrawScreen)
            assert app.screen.result.deck.id not in {"", None}
            await pilot.press("space", "enter")
        assert isinstance(app.screen, StandingsScreen)
        decks = {app.show.record.presenters[n].turn(2).deck for n in ("Ada", "Brian")}
        assert None not in decks and len(decks) == 2
        # Round-2 decks are new decks: never one from round 1.
        first = {app.show.record.presenters[n].turn(1).deck for n in ("Ada", "Brian", "Chen")}
        assert not decks & first

        present(app.show, "Ada", 2)
        app.show.score("Ada", "J1", "Overall", 9, round=2)
        app.show.score("Ada", None, None, 5, round=2)
        present(app.show, "Brian", 2)
        app.show.score("Brian", "J1", "Overall", 7, round=2)
        app.show.score("Brian", None, None, 5, round=2)
        screen.refresh_standings()
        await pilot.pause()
        assert "-hidden" in screen.query_one("#sudden").classes
        await pilot.press("r", "enter", "enter")
        text = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "The winner is" in text and app.screen.query_one("#name").text == "Ada" and "sudden death" in text


async def test_reveal_saves_the_results_card(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    path, _ = tied_event(event_dir, seeds, wall)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t", "r", "c")
        await pilot.pause()
    card = path.with_name("tie-results.png")
    with Image.open(card) as image:
        assert image.size == (1920, 1080)


async def test_lineup_runs_the_sudden_death_round(event_dir: Path, seeds, wall, make_app, fake_clock) -> None:  # noqa: ANN001
    path, show = tied_event(event_dir, seeds, wall)
    show.draw_for("Ada", 2)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        lineup = app.screen
        assert isinstance(lineup, LineupScreen)
        lineup.query_one(DataTable).move_cursor(row=0)
        await pilot.pause()
        assert app.show.status("Ada").value == "drawn"
        await pilot.press("enter", "y")
        await pilot.pause()
        stage = app.screen
        assert stage.round == 2
        fake_clock.advance(100)
        stage.tick()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.round == 2
