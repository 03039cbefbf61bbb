"""Driving the app under Textual's Pilot, and reading what it shows.

Steps several test modules take (draw a deck and close the draw, start a
talk), the clock a test moves by hand, the footer's keys as text, and a
picture of rendered cells as a terminal would show them.
"""

from __future__ import annotations

from typing import Any

import zxingcpp
from PIL import Image
from textual.widgets import Footer

from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.stage import StageScreen
from tests.waiting import wait_until


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def draw_and_close(pilot: Any) -> None:
    """On the lineup: draw a deck for the selected presenter and close the draw screen."""
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, DrawScreen)
    await pilot.press("space", "enter")
    assert isinstance(pilot.app.screen, LineupScreen)


async def start_talk(pilot: Any) -> StageScreen:
    """On the lineup: start the selected presenter's talk and confirm; the stage screen, once it runs."""
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")
    # A PDF deck's slides may still be being drawn: the stage opens when they are.
    return await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, StageScreen) and pilot.app.screen.clock is not None and pilot.app.screen,
        "the stage",
    )


def footer_text(screen: Any) -> str:
    """The keys the footer shows, as "key description" pairs."""
    footer = screen.query_one(Footer)
    return " ".join(f"{key.key_display} {key.description}" for key in footer.query("FooterKey"))


CELL = (9, 18)
"""A terminal cell in pixels, about as a real font draws it (twice as high as wide)."""


def photograph(strips: list[Any], cell: tuple[int, int] = CELL) -> Image.Image:
    """What the terminal shows: each cell's top half in its foreground colour, its bottom half in its background."""
    width = strips[0].cell_length
    image = Image.new("RGB", (width * cell[0], len(strips) * cell[1]), (40, 40, 40))
    for y, strip in enumerate(strips):
        x = 0
        for segment in strip:
            style = segment.style
            bottom = style.bgcolor.get_truecolor() if style and style.bgcolor else (40, 40, 40)
            top = style.color.get_truecolor() if style and style.color and segment.text.strip() else bottom
            for _ in range(len(segment.text)):
                box = (x * cell[0], y * cell[1])
                image.paste(tuple(top), (box[0], box[1], box[0] + cell[0], box[1] + cell[1] // 2))
                image.paste(tuple(bottom), (box[0], box[1] + cell[1] // 2, box[0] + cell[0], box[1] + cell[1]))
                x += 1
    return image


def decode(image: Image.Image) -> str | None:
    found = zxingcpp.read_barcodes(image)
    return found[0].text if found else None


def lit(view: Any) -> float:
    """Share of a slide view's cells that are not black: a slide drawn, not the black before it."""
    cells = lit_cells = 0
    for strip in view.render_lines(view.size.region):
        for segment in strip:
            style = segment.style
            colours = [c for c in (style.bgcolor, style.color) if c is not None] if style is not None else []
            cells += segment.cell_length
            if any(tuple(c.get_truecolor()) != (0, 0, 0) for c in colours):
                lit_cells += segment.cell_length
    return lit_cells / max(1, cells)
