"""The stage writes a new slide to the terminal at once, not on Textual's next 60 Hz frame.

It does so through ``battledecks.textual_private.paint_now`` (private Textual names,
checked on their own in tests/ui/test_textual_private.py). These tests fail when the
stage stops painting at once, and when ``paint_now`` is turned into a no-op.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.screen import Screen

from battledecks.ui.screens import stage as stage_module
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.slide_view import SlideView
from tests.piloting import draw_and_close, start_talk


async def test_a_new_slide_is_written_before_the_next_frame(
    show_event: Path, make_app, fake_clock, monkeypatch
) -> None:  # noqa: ANN001
    app = make_app(show_event)
    written: list[tuple[int, str]] = []
    original = App._display

    def display(self: App, screen: Screen, renderable: object) -> None:
        # Headless apps write nothing: render what a terminal would get.
        if renderable is not None and hasattr(renderable, "render_segments"):
            view = screen.query_one(SlideView) if isinstance(screen, StageScreen) else None
            written.append((view.index if view else -1, renderable.render_segments(self.console)))
        original(self, screen, renderable)

    monkeypatch.setattr(App, "_display", display)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        assert isinstance(stage, StageScreen)
        await pilot.pause()
        assert stage.query_one(SlideView).index == 0
        written.clear()
        # No await from here to the check: nothing but the tick itself can paint.
        fake_clock.advance(3.0 + 2.5)  # the countdown, then slide 3 (index 2) is due
        stage.tick()
        assert stage.query_one(SlideView).index == 2
        region = stage.query_one(SlideView).region
        assert region.height > 10
        # What the tick wrote while slide 3 was current: every row of the slide area, moved to in turn.
        painted = "".join(text for index, text in written if index == 2)
        assert painted, "the new slide was not written during the tick: it waits for the next frame"
        missing = [y for y in range(region.y, region.bottom) if f"\x1b[{y + 1};{region.x + 1}H" not in painted]
        assert not missing, f"slide rows {missing} were not written during the tick"


async def test_a_no_op_paint_is_caught(show_event: Path, make_app, fake_clock, monkeypatch) -> None:  # noqa: ANN001
    """The check above really detects a stage that leaves the slide to the next frame."""
    monkeypatch.setattr(stage_module, "paint_now", lambda screen, widget: None)
    with pytest.raises(AssertionError, match="waits for the next frame"):
        await test_a_new_slide_is_written_before_the_next_frame(show_event, make_app, fake_clock, monkeypatch)
