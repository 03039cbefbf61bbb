"""Names, titles and topics from the event's files show literally on the host's console: Textual markup in
them (``Cleo [bold red]x[/]``) is never rendered, on every screen where they appear."""

from __future__ import annotations

import html
import re
from pathlib import Path

from battledecks.core.show import Show
from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.scores import ScoresScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.screens.standings import RevealScreen
from tests.builders import build_event, present
from tests.waiting import wait_until

CLEO = "Cleo [bold red]x[/]"
BRIAN = "Brian [reverse]b[/reverse]"
JUDGE = "Jo [i]y[/i]"
CRITERION = "Style [u]s[/u]"
EVENT = "Night [b]z[/b]"
TOPIC = "Ducks [blink]q[/blink]"


def screen_text(app) -> str:  # noqa: ANN001
    """The text on the terminal now, dialogs and the screens under them, as Textual's screenshot draws it."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


async def shows(pilot, *texts: str) -> None:  # noqa: ANN001
    await wait_until(pilot, lambda: all(t in screen_text(pilot.app) for t in texts), f"{texts} shown literally")


async def test_markup_in_names_shows_literally_on_every_screen(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    path = build_event(
        event_dir / "events",
        name="night",
        order="listed",
        presenters=[CLEO, BRIAN],
        topics=[TOPIC, "Geese [i]g[/i]"],
        scoring={"judges": [JUDGE], "criteria": [CRITERION], "audience": True},
    )
    path.write_text(path.read_text(encoding="utf-8").replace("name: Test Night", f"name: '{EVENT}'"), encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(160, 45)) as pilot:
        # The lineup: the event's name in the summary, the hint for the selected presenter.
        await shows(pilot, EVENT, f"Enter: draw a deck for {CLEO} (d: with numbers the room calls out).")
        # The draw: who draws, who presents, the topic.
        await pilot.press("enter")
        assert isinstance(app.screen, DrawScreen)
        await shows(pilot, f"Drawing a deck for {CLEO}")
        await pilot.press("space")
        drawn_topic = app.show.presenter(CLEO).topic
        assert drawn_topic in (TOPIC, "Geese [i]g[/i]")  # markup in either
        await shows(pilot, f"{CLEO} will present", drawn_topic)
        await pilot.press("enter")
        # A question: start the talk?
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await shows(pilot, f"Start {CLEO}'s talk?")
        await pilot.press("y")
        stage = await wait_until(pilot, lambda: isinstance(app.screen, StageScreen) and app.screen, "the stage")
        # The stage's console: who is next.
        await pilot.press("p")
        await shows(pilot, f"Next up: {BRIAN}")
        stage.finished = True  # the talk's end is not this test's business
        app.show.abort_talk(app.monotonic(), reason="test")
        app.pop_screen()
        # Scores: the presenter, the judge and the criterion.
        app.push_screen(ScoresScreen(CLEO))
        await shows(pilot, f"Scores for {CLEO}", JUDGE, CRITERION)
        app.pop_screen()
        # A notification with a name in it.
        await pilot.press("shift+down")
        moved = await wait_until(
            pilot, lambda: [n for n in app._notifications if n.message.startswith(f"{CLEO} moved down")], "the note"
        )
        assert not moved[0].markup, "a toast renders its message as markup unless told not to"
        # The reveal: the event's name and the fan favourite.
        show: Show = app.show
        present(show, CLEO, at=app.monotonic())
        show.score(CLEO, JUDGE, CRITERION, 9)
        show.score(CLEO, None, None, 9)
        show.draw_for(BRIAN)
        present(show, BRIAN, at=app.monotonic())
        show.score(BRIAN, JUDGE, CRITERION, 5)
        show.score(BRIAN, None, None, 2)
        app.push_screen(RevealScreen(show.standings()))
        await shows(pilot, EVENT)
        await pilot.press("enter")
        await shows(pilot, f"Fan favourite: {CLEO}")
