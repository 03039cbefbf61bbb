"""The QR code that takes a phone to /vote: drawn in a terminal with half cells, or as SVG for a browser.

In a terminal one module is one cell wide and one half cell high (a cell is
about twice as high as it is wide, so the modules are square), black on
white whatever the terminal's colours, with a white quiet zone around it.
A bigger terminal gets bigger modules, a whole number of cells each.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from PIL import Image
from textual.strip import Strip

from battledecks.render.halfcell import TRUECOLOR, build_strips

QUIET = 4
"""The quiet zone the QR standard asks for, in modules."""
SMALL_QUIET = 2
"""What is left of it when the terminal is too small for 4 (phone cameras read it)."""

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


def vote_url(base: str, code: str) -> str:
    """The address a phone opens: ``base`` is the server's ``http://host:port``."""
    return f"{base.rstrip('/')}/vote?c={code}"


def qr_matrix(url: str) -> list[list[bool]]:
    """The code's modules, True for dark, without a quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in code.matrix]


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


def qr_svg(url: str, *, scale: int = 8) -> str:
    """The code as an inline SVG, black on white with its quiet zone, for a web page."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, border=QUIET, dark="#000", light="#fff")
