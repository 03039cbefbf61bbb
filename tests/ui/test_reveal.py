"""Standings hide the winner until the host reveals; the reveal builds up third, second, winner; sudden death's banner follows."""

from __future__ import annotations

import html
import re
from pathlib import Path

from battledecks.core.record import read_entries
from battledecks.core.show import Show
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.standings import RevealScreen, StandingsScreen
from battledecks.ui.widgets.big_text import BigText
from tests.builders import build_event
from tests.piloting import footer_text
from tests.scoring_builders import scored, tied_event
from tests.waiting import wait_until

AWARDS = ("Winner", "Runner-up", "Runners-up", "Fan favourite")


def award_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(AWARDS)]


def screen_text(app) -> str:  # noqa: ANN001
    """The text on the terminal now, the screens that show through under a dialog included (from Textual's
    screenshot, which draws them as the terminal does)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


async def test_no_winner_before_the_reveal_then_third_second_winner(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="night", order="listed", scoring={"judges": ["J1"]})
    show = Show.open(path, seed_source=seeds, clock=wall)
    scored(show, "Ada", 9, 5)
    app = make_app(path)
    # Tall enough that the lines above the reveal's box are the standings' first rows (the winner's).
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("t")
        standings = await wait_until(
            pilot, lambda: isinstance(app.screen, StandingsScreen) and "Ada" in app.screen.table_text and app.screen
        )
        # One talk of three: nothing on screen says who wins.
        assert award_lines(standings.table_text) == [] and "Ada" in standings.table_text
        scored(app.show, "Brian", 7, 9)
        scored(app.show, "Chen", 8, 6)
        await pilot.pause()
        assert award_lines(standings.table_text) == []
        await pilot.press("r")
        reveal = await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen) and app.screen, "the reveal")
        name = reveal.query_one("#name", BigText)
        heading = reveal.query_one("#heading")
        for step, hidden in [
            (("Third place", "Brian", True), ("Chen", "Ada")),
            (("Second place", "Chen", True), ("Ada",)),
            (("The winner is", "Ada", True), ()),
        ]:
            # Each step is on screen, big, before the host moves on.
            await wait_until(
                pilot, lambda step=step: (str(heading.content), name.text, name.is_big) == step, f"{step} on the reveal"
            )
            # Nothing on the whole screen shows a higher place early (the room sees this screen when it is the projector).
            shown = screen_text(app)
            assert step[1] not in shown, "the name is drawn big, not as text"
            assert not [higher for higher in hidden if higher in shown], (step, shown)
            await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is standings, "the standings after the winner")
        assert any(line.strip().startswith("Winner") and "Ada" in line for line in award_lines(standings.table_text))
    stages = [e["stage"] for e in read_entries(path.with_name("night.record.yaml")) if e["kind"] == "reveal"]
    # Looking at the standings (t) put nothing on the projector; the reveal put each place there, and the
    # winner stays there after it.
    assert stages == ["third", "second", "winner"]


async def test_sudden_death_banner_follows_the_draw(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    path, _ = tied_event(event_dir, seeds, wall)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        screen = app.screen
        banner = screen.query_one("#sudden")
        assert "press S" in str(banner.content)
        await wait_until(pilot, lambda: "S Sudden death" in footer_text(screen), "S in the footer")
        await pilot.press("S")
        seen: list[object] = []
        for _ in range(2):
            # One draw screen per tied presenter, each a new one.
            draw = await wait_until(
                pilot,
                lambda: isinstance(app.screen, DrawScreen) and app.screen not in seen and app.screen,
                "the sudden-death draw",
            )
            seen.append(draw)
            await pilot.press("space", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the standings after the draw")
        await wait_until(
            pilot,
            lambda: "press S" not in str(banner.content) and "round 2" in str(banner.content),
            "the banner to follow the draw",
        )
        await wait_until(pilot, lambda: "Sudden death" not in footer_text(screen), "S gone from the footer")
        assert "(tied for first" not in screen.table_text
