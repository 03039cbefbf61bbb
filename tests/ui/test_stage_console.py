"""The host's stage while an audience screen follows the show: a console beside a smaller slide."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.slide_view import SlideView
from tests.waiting import until


async def test_the_hosts_stage_keeps_a_console_while_the_room_has_its_own_screen(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(120, 36)) as pilot:
        app.show.draw_for("Ada")
        app.push_screen(StageScreen("Ada"))
        await pilot.pause()
        stage = app.screen
        assert isinstance(stage, StageScreen)
        console = stage.query_one("#console")
        assert not console.display, "no audience screen: the stage is the room's, nothing else on it"
        app.audience_screens = 1
        await pilot.pause()
        assert console.display and stage.has_class("-console")
        assert str(stage.query_one("#console-next-up", Label).render()) == "Next up: Brian"
        fake_clock.advance(3.0)  # the countdown ends: slide 1 shows, slide 2 is next
        stage.tick()
        await pilot.pause()
        assert stage.shown_slide == 0
        assert str(stage.query_one("#console-next-slide", Label).render()) == "Next: slide 2/12 in 0:01"
        preview = stage.query_one("#preview", SlideView)
        await until(lambda: preview.index == 1 and not preview.covered, what="the next slide in the console")
        assert stage.query_one("#slide", SlideView).index == 0
        app.audience_screens = 0
        await pilot.pause()
        assert not console.display


async def test_at_time_the_console_says_the_talk_is_over_not_a_second_left(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(120, 36)) as pilot:
        app.show.draw_for("Ada")
        app.push_screen(StageScreen("Ada"))
        await pilot.pause()
        stage = app.screen
        assert isinstance(stage, StageScreen)
        app.audience_screens = 1
        await pilot.pause()
        line = stage.query_one("#console-next-slide", Label)
        fake_clock.advance(3.0 + 11.5)  # the countdown, then into the last slide
        stage.tick()
        await pilot.pause()
        assert str(line.render()).startswith("Last slide")
        fake_clock.advance(1.0)  # the talk's 12 s are up
        stage.tick()
        await until(lambda: stage.finished, what="Time!")
        await pilot.pause()
        text = str(line.render())
        assert "Time's up" in text and "left" not in text and "Last slide" not in text
