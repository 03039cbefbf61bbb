"""The lineup says once how slides will be drawn, and why when it is half cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

import battledecks.render.detect as detect
from battledecks.render.detect import detect_graphics, parse_reply


@pytest.fixture
def plain_xterm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "_LAST", None)
    answer = b"\x1bP>|XTerm(379)\x1b\\\x1b[?1;3S\x1b[?2;3S\x1b[?2;3S\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"
    detect_graphics("auto", env={"TERM": "xterm"}, query=lambda: parse_reply(answer))


async def test_lineup_says_why_slides_are_half_cells(show_event: Path, make_app, plain_xterm: None) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "slides drawn with half-cell blocks: this terminal has no image protocol" in summary
        # And which way of showing slides reads better from afar.
        assert "Body text does not read in half cells (2 pixels a cell)." in summary
        assert "Sharper: xterm -ti vt340, kitty, or /stage in a browser on the projector" in summary
