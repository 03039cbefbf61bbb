"""The audience screen's vote: the QR code that takes a phone to /vote, drawn in a terminal with half cells.

In a terminal one module is one cell wide and one half cell high (a cell is
about twice as high as it is wide, so the modules are square), black on
white whatever the terminal's colours, with a white quiet zone around it.
A bigger terminal gets bigger modules, a whole number of cells each. The
code's modules, and its SVG for a browser, are :mod:`battledecks.room.votes.qr`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from battledecks.render.halfcell import TRUECOLOR, build_strips
from battledecks.room.votes.qr import QUIET, qr_matrix

SMALL_QUIET = 2
"""What is left of it when the terminal is too small for 4 (phone cameras read it)."""

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class TerminalCode:
    """A QR code fitted to a terminal area."""

    strips: list[Strip]
    """One strip per cell row."""
    scale: int
    """Cells per module across (and half cells per module down)."""
    quiet: int
    """Quiet zone in modules."""
    modules: int
    """Modules across, quiet zone not counted."""

    @property
    def width(self) -> int:
        return (self.modules + 2 * self.quiet) * self.scale

    @property
    def height(self) -> int:
        return len(self.strips)


def qr_image(matrix: list[list[bool]], scale: int = 1, quiet: int = QUIET) -> Image.Image:
    """An RGB image of the code with ``scale`` pixels per module and a white quiet zone."""
    n = len(matrix)
    side = n + 2 * quiet
    small = Image.new("1", (side, side), 1)
    pixels = small.load()
    assert pixels is not None  # a new image is loaded
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + quiet, y + quiet] = 0
    return small.convert("RGB").resize((side * scale, side * scale), Image.Resampling.NEAREST)


def fit(modules: int, cols: int, rows: int) -> tuple[int, int] | None:
    """(scale, quiet) of the biggest code that fits ``cols x rows`` cells, or None if none does."""
    for quiet in (QUIET, SMALL_QUIET):
        side = modules + 2 * quiet
        scale = min(cols // side, (2 * rows) // side)
        if scale >= 1:
            return scale, quiet
    return None


def terminal_code(url: str, cols: int, rows: int, color_system: str = TRUECOLOR) -> TerminalCode | None:
    """The code for ``url`` as big as fits ``cols x rows`` cells; None if the area is too small to scan."""
    matrix = qr_matrix(url)
    fitted = fit(len(matrix), cols, rows)
    if fitted is None:
        return None
    scale, quiet = fitted
    image = qr_image(matrix, scale, quiet)
    if image.height % 2:
        # A last half row of white, not the renderer's black.
        padded = Image.new("RGB", (image.width, image.height + 1), WHITE)
        padded.paste(image, (0, 0))
        image = padded
    return TerminalCode(build_strips(image, color_system, dither=False, prime=False), scale, quiet, len(matrix))


class VoteCode(Widget):
    """The audience screen's vote: the QR code as big as fits, the address, the room code and the count."""

    DEFAULT_CSS = """
    VoteCode { width: 1fr; height: 1fr; }
    """

    def __init__(self, color_system: str = TRUECOLOR, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.color_system = color_system
        self.vote: dict[str, object] = {}
        self._code: TerminalCode | None = None
        self._key: tuple[object, ...] | None = None

    def show_vote(self, vote: dict[str, object]) -> None:
        if vote != self.vote:
            self.vote = dict(vote)
            self.refresh()

    def _lines(self) -> list[str]:
        v = self.vote
        count = int(v.get("count") or 0)  # type: ignore[call-overload]
        return [
            f"Vote for {v.get('presenter') or ''}{f' ({step})' if (step := v.get('step')) else ''} · {count} vote{'s' * (count != 1)}",
            f"{v.get('url') or ''}   room code {v.get('code') or ''}",
        ]

    def _fitted(self) -> TerminalCode | None:
        width, height = self.size
        url = str(self.vote.get("url") or "")
        key = (url, width, height)
        if key != self._key:
            self._key = key
            self._code = terminal_code(url, width, max(0, height - 3), self.color_system) if url else None
        return self._code

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        code = self._fitted()
        text = self._lines()
        rows = code.height if code else 0
        top = max(0, (height - rows - 3) // 2)
        if code and top <= y < top + rows:
            pad = max(0, (width - code.width) // 2)
            strip = code.strips[y - top]
            return Strip.join([Strip([Segment(" " * pad)], pad), strip]) if pad else strip
        index = y - (top + rows + 1)
        if 0 <= index < len(text):
            line = text[index][:width]
            left = max(0, (width - len(line)) // 2)
            style = Style(bold=index == 0)
            return Strip([Segment(" " * left), Segment(line, style)], left + len(line))
        if code is None and y == top and not self.vote.get("url"):
            return Strip([Segment("Vote on your phone")])
        return Strip.blank(width)
