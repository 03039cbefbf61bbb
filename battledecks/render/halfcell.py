"""Half-cell drawing: two pixels per terminal cell, as Textual strips.

Each cell shows the upper-half block "▀": its foreground colour is the top
pixel, its background the bottom pixel. A cell whose two pixels match is a
space on that background, which is shorter to send and has no glyph seams.

In 256 colours each pixel gets the palette colour nearest its own as the
eye sees it (in CIELAB, where a golden yellow is nearer mustard than light
orange), the same wherever it is: slides are mostly text on flat colour,
which dithering would speckle.

Speed matters because a slide change must reach the screen in a few
milliseconds: pixels are read as 32-bit integers straight from pillow's
buffer, neighbouring cells of the same colours become one segment, rich
``Style`` objects are shared through a ``StyleBook``, and each strip's
terminal text can be rendered ahead of time (``prime``) so Textual only
joins ready strings when the slide changes.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache

from PIL import Image, ImageChops, ImageFilter
from rich.color import Color, ColorSystem, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ..textual_private import prime_strip, prime_style

UPPER_HALF = "\u2580"

TRUECOLOR = "truecolor"
EIGHT_BIT = "256"
COLOR_SYSTEMS = (TRUECOLOR, EIGHT_BIT)

_RICH_SYSTEMS = {TRUECOLOR: ColorSystem.TRUECOLOR, EIGHT_BIT: ColorSystem.EIGHT_BIT}
_LITTLE = sys.byteorder == "little"
_HEX = [f"{v:02x}" for v in range(256)]
_DEC = [str(v) for v in range(256)]


def color_system_from_env(env: Mapping[str, str] = os.environ) -> str:
    """``"truecolor"`` when the terminal says it has 24-bit colour, else ``"256"``.

    Args:
        env: Environment to read (COLORTERM, TEXTUAL_COLOR_SYSTEM).
    """
    forced = env.get("TEXTUAL_COLOR_SYSTEM", "").lower()
    if forced == "truecolor":
        return TRUECOLOR
    if forced in ("256", "eight_bit", "standard", "windows"):
        return EIGHT_BIT
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return TRUECOLOR
    return EIGHT_BIT


@lru_cache(maxsize=None)
def _blocks(char: str, n: int) -> str:
    """One shared string per run length, so strips do not hold copies."""
    return char * n


def _rgb(value: int) -> tuple[int, int, int]:
    """(r, g, b) of a pixel read as a native 32-bit RGBX integer."""
    if _LITTLE:
        return value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF
    return (value >> 24) & 0xFF, (value >> 16) & 0xFF, (value >> 8) & 0xFF


# The xterm 256-colour palette from index 16 on: a 6x6x6 colour cube and 24
# greys. Indices 0-15 are left out on purpose: every terminal theme redefines
# them, so they would not show the colour we meant.
_CUBE = (0, 95, 135, 175, 215, 255)
XTERM_COLORS: tuple[tuple[int, int, int], ...] = tuple(
    [(r, g, b) for r in _CUBE for g in _CUBE for b in _CUBE] + [(8 + 10 * i,) * 3 for i in range(24)]
)


@lru_cache(maxsize=1)
def _xterm_palette_image() -> Image.Image:
    flat: list[int] = []
    for rgb in XTERM_COLORS:
        flat.extend(rgb)
    # Pad to 256 entries with black (xterm 16) so stray indices stay black.
    flat.extend([0, 0, 0] * (256 - len(XTERM_COLORS)))
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat)
    return pal


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    r, g, b = (linear(c) for c in rgb)
    x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047)
    y = f(0.2126 * r + 0.7152 * g + 0.0722 * b)
    z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    return 116 * y - 16, 500 * (x - y), 200 * (y - z)


_PALETTE_LAB = [_lab(rgb) for rgb in XTERM_COLORS]
_NEAREST: list[int] = [-1] * 32768
"""Palette index nearest each 15-bit colour (5 bits a channel), filled as colours are met."""


def _nearest_entry(key: int) -> int:
    """Palette index nearest (delta E, CIE76) the middle of the 15-bit colour ``key``."""
    lab = _lab((((key >> 10) & 31) * 8 + 4, ((key >> 5) & 31) * 8 + 4, (key & 31) * 8 + 4))
    best = min(range(len(_PALETTE_LAB)), key=lambda i: math.dist(_PALETTE_LAB[i], lab))
    _NEAREST[key] = best
    return best


def nearest_xterm(img: Image.Image) -> Image.Image:
    """Each pixel's nearest xterm colour as the eye sees it (CIELAB), without dithering.

    The same colour gets the same palette colour wherever it is, so flat
    areas stay flat and text edges clean. Colours are looked up at 5 bits
    a channel (a difference of a few levels the palette cannot show anyway).

    Returns:
        A "P" image whose index ``i`` means xterm colour ``16 + i``.
    """
    img = img.convert("RGB")
    red, green, blue = (band.point(lambda v: v >> 3).tobytes() for band in img.split())
    table = _NEAREST
    indices = bytearray(len(red))
    for i, key in enumerate([(r << 10) | (g << 5) | b for r, g, b in zip(red, green, blue)]):
        found = table[key]
        indices[i] = found if found >= 0 else _nearest_entry(key)
    out = Image.frombytes("P", img.size, bytes(indices))
    out.putpalette(_xterm_palette_image().getpalette() or [])
    return out


def quantize_xterm(img: Image.Image, dither: bool = True) -> Image.Image:
    """Map an RGB image onto the xterm palette (indices 16-255).

    Args:
        img: RGB image.
        dither: Floyd-Steinberg dithering, which keeps gradients and photos
            from banding at the cost of a fine grain; without it each pixel
            gets its nearest colour (``nearest_xterm``).

    Returns:
        A "P" image whose index ``i`` means xterm colour ``16 + i``.
    """
    img = img.convert("RGB")
    plain = nearest_xterm(img)
    if not dither:
        return plain
    palette = _xterm_palette_image()
    dithered = img.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
    # Dithering a flat area (a slide's background, a letterbox bar) only
    # adds grain: keep the plain colour wherever a pixel's 3x3 neighbourhood
    # is one colour, and the dithered one where the picture varies.
    spread = ImageChops.subtract(img.filter(ImageFilter.MaxFilter(3)), img.filter(ImageFilter.MinFilter(3)))
    flat = spread.convert("L").point(lambda v: 255 if v == 0 else 0)
    return Image.composite(plain, dithered, flat)


class StyleBook:
    """Shared rich styles, and their escape codes, for colour pairs.

    Sharing matters twice: fewer objects to hold, and each pair's escape
    codes are worked out once. The codes are exactly what Textual writes for
    the same style (``Strip.render``), so a primed strip and one Textual
    renders itself are the same text.
    """

    def __init__(self, color_system: str = TRUECOLOR) -> None:
        if color_system not in COLOR_SYSTEMS:
            raise ValueError(f"unknown colour system {color_system!r}; use one of {', '.join(COLOR_SYSTEMS)}")
        self.color_system = color_system
        self.rich_system = _RICH_SYSTEMS[color_system]
        self._colors: dict[int, tuple[Color, str]] = {}
        self._pairs: dict[tuple[int, int], tuple[Style, str]] = {}

    def __len__(self) -> int:
        return len(self._pairs)

    def clear(self) -> None:
        """Forget all styles (when the slides they served are gone)."""
        self._colors.clear()
        self._pairs.clear()

    def _color(self, key: int) -> tuple[Color, str]:
        """Colour and its SGR parameters (without the 38/48 part) for a pixel key.

        The key is an RGBX integer (truecolor) or a palette index (256).
        """
        entry = self._colors.get(key)
        if entry is None:
            if self.color_system == TRUECOLOR:
                r, g, b = _rgb(key)
                # Built directly from tables: Color.from_rgb formats its
                # name through a slow path, and this runs for every colour.
                color = Color("#" + _HEX[r] + _HEX[g] + _HEX[b], ColorType.TRUECOLOR, None, ColorTriplet(r, g, b))
                entry = (color, "2;" + _DEC[r] + ";" + _DEC[g] + ";" + _DEC[b])
            else:
                number = 16 + key if key < len(XTERM_COLORS) else 16
                entry = (Color.from_ansi(number), f"5;{number}")
            self._colors[key] = entry
        return entry

    def color(self, key: int) -> Color:
        """Colour for a pixel key: RGBX integer (truecolor) or palette index (256)."""
        return self._color(key)[0]

    def entry(self, top: int, bottom: int) -> tuple[Style, str]:
        """Style and escape prefix for a cell: foreground top pixel, background bottom pixel.

        A cell with equal pixels is drawn as a space, so it only needs a
        background.
        """
        key = (top, bottom)
        found = self._pairs.get(key)
        if found is None:
            bg, bg_code = self._color(bottom)
            if top == bottom:
                style = Style.from_color(None, bg)
                ansi = f"48;{bg_code}"
            else:
                fg, fg_code = self._color(top)
                style = Style.from_color(fg, bg)
                ansi = f"38;{fg_code};48;{bg_code}"
            # Given to the style now, this saves Textual and Rich working it out again.
            prime_style(style, ansi)
            found = (style, f"\x1b[{ansi}m")
            self._pairs[key] = found
        return found

    def pair(self, top: int, bottom: int) -> Style:
        """Style for a cell (see ``entry``)."""
        return self.entry(top, bottom)[0]


def _pixel_rows(img: Image.Image, color_system: str, dither: bool) -> tuple[list[int], int]:
    """Pixels as a flat list of integer keys, and the row width."""
    width = img.width
    if color_system == TRUECOLOR:
        data = img.convert("RGB").tobytes("raw", "RGBX")
        return memoryview(data).cast("I").tolist(), width
    return list(quantize_xterm(img, dither).tobytes()), width


_RESET = "\x1b[0m"


def build_strips(
    img: Image.Image,
    color_system: str = TRUECOLOR,
    *,
    styles: StyleBook | None = None,
    dither: bool = False,
    prime: bool = True,
    between_rows: Callable[[], object] | None = None,
) -> list[Strip]:
    """Textual strips drawing ``img`` with half cells.

    Args:
        img: RGB image of ``cols x 2*rows`` pixels (see ``fit.fit_image``);
            an odd last pixel row is drawn over black.
        color_system: ``"truecolor"`` or ``"256"``.
        styles: Style book to share across slides; a fresh one if None.
            Its colour system wins over ``color_system``.
        dither: Dither in 256-colour mode. Off by default: each colour
            then maps to its nearest palette colour wherever it is, so a
            slide's flat background and its text stay clean. Dithering
            keeps a photo's gradients from banding but sprinkles every
            anti-aliased text edge and near-flat area with other colours,
            which from afar read as speckles.
        prime: Store each strip's terminal text now (in Textual's own strip
            render cache), so showing it later costs a string join.
        between_rows: Called after each row; a worker thread passes
            ``time.sleep(0)`` to hand the GIL to the UI thread often.

    Returns:
        One strip per cell row, each exactly ``cols`` cells long.
    """
    book = styles if styles is not None else StyleBook(color_system)
    if img.height % 2:
        padded = Image.new("RGB", (img.width, img.height + 1))
        padded.paste(img.convert("RGB"), (0, 0))
        img = padded
    pixels, width = _pixel_rows(img, book.color_system, dither)
    entry = book.entry
    blocks = _blocks
    reset = _RESET
    strips: list[Strip] = []
    for row in range(img.height // 2):
        start = 2 * row * width
        top = pixels[start : start + width]
        bottom = pixels[start + width : start + 2 * width]
        segments: list[Segment] = []
        add_segment = segments.append
        text_parts: list[str] = []
        add_text = text_parts.extend
        run_top = top[0]
        run_bottom = bottom[0]
        run = 0
        for t, b in zip(top, bottom):
            if t == run_top and b == run_bottom:
                run += 1
                continue
            text = blocks(" " if run_top == run_bottom else UPPER_HALF, run)
            style, prefix = entry(run_top, run_bottom)
            add_segment(Segment(text, style))
            add_text((prefix, text, reset))
            run_top = t
            run_bottom = b
            run = 1
        text = blocks(" " if run_top == run_bottom else UPPER_HALF, run)
        style, prefix = entry(run_top, run_bottom)
        add_segment(Segment(text, style))
        add_text((prefix, text, reset))
        strip = Strip(segments, width)
        if prime:
            # The same text Textual's Strip.render would work out from the segments.
            prime_strip(strip, "".join(text_parts))
        strips.append(strip)
        if between_rows is not None:
            between_rows()
    return strips


def blank_strips(cols: int, rows: int) -> list[Strip]:
    """Black strips for a grid, used while nothing is drawn yet."""
    style = Style.from_color(None, Color.from_rgb(0, 0, 0))
    line = Strip([Segment(" " * cols, style)], cols)
    return [line] * rows
