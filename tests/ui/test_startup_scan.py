"""The lineup is on screen before the decks are checked; a draw waits for the check to end."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from battledecks.core.show import Show
from battledecks.ui.app import create_app
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from tests.waiting import until


async def test_lineup_first_then_the_draw_waits_for_the_check(
    show_event: Path,
    fake_clock,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    release = threading.Event()
    real = Show.scan_decks

    def held(self: Show, progress=None):  # noqa: ANN001, ANN202
        assert release.wait(30), "the test never let the check go on"
        return real(self, progress)

    monkeypatch.setattr(Show, "scan_decks", held)
    app = create_app(show_event, monotonic=fake_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(lambda: isinstance(app.screen, LineupScreen), pause=pilot.pause, what="the lineup")
        summary = app.screen.query_one("#summary", Static)
        assert "checking" in str(summary.render())
        assert app.show.scan.finished is False
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LineupScreen), "the draw must wait for every deck to be checked"
        assert app.show.presenter("Ada").deck is None
        release.set()
        await until(lambda: app.show.scan.finished, pause=pilot.pause, what="the check", timeout=60)
        await until(lambda: isinstance(app.screen, DrawScreen), pause=pilot.pause, what="the waiting draw")
        assert app.show.scan.finished and len(app.show.decks) == 6
        assert app.show.presenter("Ada").deck in app.show.decks
