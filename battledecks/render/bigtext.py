"""Big text as a picture: a word, a countdown or a title filling a box.

Terminal text is one cell high. For what the room reads from afar (the
countdown, ``PAUSED``, ``Time!``, a drawn deck's title, the winner) the text
is drawn with Pillow from the bundled DejaVu Sans Bold, as large as fits the
box, anti-aliased, and shown with half cells (``battledecks.render.halfcell``):
two pixels per cell, which every terminal draws, a plain xterm included.

Layout works in pixels of equal width and height, which is what half cells
give with the usual cell shape (twice as tall as wide): a box of ``cols x
rows`` cells is ``cols x 2*rows`` pixels.

Sizing is steady on purpose: the height a line needs is measured together
with the tallest digit and capital, so a countdown does not change size from
"4:59" to "4:11", and ``fit_as`` sizes the text as if it were another string
(``fit_as="00:00"`` keeps one size from 10:00 down to 0:00).

Functions:
    layout: the lines and font size for a text in a box of pixels.
    draw: that layout drawn on a picture of exactly the box (for any screen,
        e.g. an audience page that serves pictures).
    strips: the same picture as Textual strips for a box of cells; cached
        per (text, size, colours), so redrawing a countdown costs a lookup.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock
from typing import TypedDict, Unpack

from PIL import Image, ImageDraw
from textual.strip import Strip

from battledecks.fonts import font

from .halfcell import EIGHT_BIT, TRUECOLOR, StyleBook, build_strips

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)

ALIGNS = ("left", "center", "right")

_REF = 200
"""Font size at which lines are measured before scaling to the box."""

_LINE_GAP = 0.18
"""Space between lines, as a share of one line's height."""

_STEADY = "H0"
"""Measured with every line, so all digits and capitals get the same height."""

MIN_SIZE = 10
"""Smallest font size (pixels) that stays legible drawn with half cells: capitals about 7 pixels tall.
Below it a caller should show the text as ordinary terminal text instead (see ``legible``)."""

_MAX_SPLIT_WORDS = 40
"""Above this many words, lines are filled greedily instead of tried all ways."""


@dataclass(frozen=True)
class Layout:
    """A text laid out to fit a box.

    Attributes:
        lines: The lines to draw, top to bottom.
        size: Font size in pixels.
        bold: Whether DejaVu Sans Bold is used.
        line_height: Pixels from the top of one line's ink band to the next's.
        widths: Width of each line in pixels (its advance).
        height: Height of all lines together in pixels.
        top: Distance from a line's band top to its baseline.
    """

    lines: tuple[str, ...]
    size: int
    bold: bool
    line_height: int
    widths: tuple[int, ...]
    height: int
    top: int

    @property
    def width(self) -> int:
        """Width of the widest line in pixels."""
        return max(self.widths, default=0)


@lru_cache(maxsize=4096)
def _band(line: str, size: int, bold: bool) -> tuple[int, int]:
    """(above, below): pixels of ink above and below the baseline, at least a digit's and a capital's."""
    face = font(size, bold)
    left, top, right, bottom = face.getbbox(line + _STEADY if line else _STEADY, anchor="ls")
    return -int(top), max(0, int(bottom))


@lru_cache(maxsize=4096)
def _length(line: str, size: int, bold: bool) -> float:
    return font(size, bold).getlength(line)


def _measure(lines: tuple[str, ...], size: int, bold: bool) -> tuple[float, int, int, int]:
    """(width, height, line pitch, baseline offset) of ``lines`` at ``size``."""
    bands = [_band(line, size, bold) for line in lines]
    above = max(a for a, _ in bands)
    below = max(b for _, b in bands)
    band = above + below
    pitch = band + round(band * _LINE_GAP)
    width = max(_length(line, size, bold) for line in lines)
    height = band + pitch * (len(lines) - 1)
    return width, height, pitch, above


def _splits(words: list[str], count: int, bold: bool) -> tuple[str, ...] | None:
    """``words`` in ``count`` lines with the narrowest widest line (measured at the reference size)."""
    if count > len(words):
        return None
    if count == 1:
        return (" ".join(words),)
    if len(words) > _MAX_SPLIT_WORDS:
        return _greedy(words, count, bold)
    best: tuple[str, ...] | None = None
    best_width = float("inf")
    for cuts in itertools.combinations(range(1, len(words)), count - 1):
        edges = (0, *cuts, len(words))
        lines = tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(edges))
        width = max(_length(line, _REF, bold) for line in lines)
        if width < best_width:
            best, best_width = lines, width
    return best


def _greedy(words: list[str], count: int, bold: bool) -> tuple[str, ...]:
    """Lines filled up to an even share of the whole width each; the last takes the rest."""
    target = _length(" ".join(words), _REF, bold) / count
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        trial = " ".join([*current, word])
        if current and len(lines) < count - 1 and _length(trial, _REF, bold) > target:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    lines.append(" ".join(current))
    return tuple(lines)


def _largest(lines: tuple[str, ...], box: tuple[int, int], bold: bool) -> int:
    """The largest font size at which ``lines`` fit in ``box`` pixels (at least 1)."""
    box_w, box_h = box
    width, height, _, _ = _measure(lines, _REF, bold)
    scale = min(box_w / max(width, 1.0), box_h / max(height, 1))
    size = max(1, int(_REF * scale))
    # Hinting makes sizes scale not quite linearly: settle on the exact one.
    while size > 1:
        width, height, _, _ = _measure(lines, size, bold)
        if width <= box_w and height <= box_h:
            break
        size -= 1
    while True:
        width, height, _, _ = _measure(lines, size + 1, bold)
        if width > box_w or height > box_h:
            return size
        size += 1


@lru_cache(maxsize=1024)
def layout(
    text: str,
    box: tuple[int, int],
    *,
    max_lines: int = 1,
    bold: bool = True,
    fit_as: str | None = None,
) -> Layout:
    """Lines and font size that fill ``box`` with ``text`` as large as it fits.

    Args:
        text: What to show; runs of white space count as one space. Explicit
            line breaks ("\\n") are kept as they are.
        box: (width, height) in pixels.
        max_lines: Most lines a text without explicit breaks may be split
            into, between words; the split giving the largest text wins
            (fewer lines on a tie).
        bold: DejaVu Sans Bold (the default: thick strokes stay legible when
            small) or regular.
        fit_as: Size the text as if it were this string, so texts that
            follow one another (a countdown) keep one size.

    Returns:
        The layout; its ``size`` is at least 1 even when nothing fits.
        Cached: the same arguments give the same object.
    """
    if box[0] < 1 or box[1] < 1:
        raise ValueError(f"box must be at least 1x1 pixels, got {box[0]}x{box[1]}")
    if max_lines < 1:
        raise ValueError(f"max_lines must be at least 1, got {max_lines}")
    lines = _arrange(text, box, max_lines, bold)
    sizing = _arrange(fit_as, box, max_lines, bold) if fit_as is not None else lines
    size = _largest(sizing, box, bold)
    if sizing is not lines:
        size = min(size, _largest(lines, box, bold))
    _, height, pitch, above = _measure(lines, size, bold)
    widths = tuple(round(_length(line, size, bold)) for line in lines)
    return Layout(lines, size, bold, pitch, widths, height, above)


def legible(
    text: str,
    cells: tuple[int, int],
    *,
    max_lines: int = 1,
    bold: bool = True,
    fit_as: str | None = None,
    min_size: int = MIN_SIZE,
) -> bool:
    """Whether ``text`` fits ``cells`` (cols, rows) at a font size of at least ``min_size``."""
    cols, rows = cells
    if cols < 1 or rows < 1:
        return False
    return layout(text, (cols, 2 * rows), max_lines=max_lines, bold=bold, fit_as=fit_as).size >= min_size


def _arrange(text: str, box: tuple[int, int], max_lines: int, bold: bool) -> tuple[str, ...]:
    if "\n" in text:
        return tuple(" ".join(part.split()) for part in text.split("\n"))
    words = text.split()
    if not words:
        return ("",)
    best: tuple[str, ...] = (" ".join(words),)
    best_size = 0
    for count in range(1, max_lines + 1):
        lines = _splits(words, count, bold)
        if lines is None:
            break
        size = _largest(lines, box, bold)
        if size > best_size:
            best, best_size = lines, size
    return best


def draw(
    text: str,
    box: tuple[int, int],
    *,
    fg: RGB = WHITE,
    bg: RGB = BLACK,
    max_lines: int = 1,
    bold: bool = True,
    fit_as: str | None = None,
    align: str = "center",
) -> Image.Image:
    """``text`` drawn as large as fits, centred in a picture of exactly ``box`` pixels.

    Args:
        text: What to show (see ``layout``).
        box: (width, height) of the picture in pixels.
        fg: Colour of the letters; their edges are blended into ``bg``.
        bg: Colour of the picture.
        max_lines: Most lines to split the text into (see ``layout``).
        bold: DejaVu Sans Bold or regular.
        fit_as: Size the text as if it were this string (see ``layout``).
        align: "left", "center" or "right" for each line; the block of lines
            is always centred vertically.

    Returns:
        An RGB picture.
    """
    if align not in ALIGNS:
        raise ValueError(f"align must be one of {', '.join(ALIGNS)}, got {align!r}")
    fitted = layout(text, tuple(box), max_lines=max_lines, bold=bold, fit_as=fit_as)
    picture = Image.new("RGB", box, bg)
    pen = ImageDraw.Draw(picture)
    face = font(fitted.size, bold)
    block_w = fitted.width
    left = (box[0] - block_w) // 2
    y = (box[1] - fitted.height) // 2 + fitted.top
    for line, width in zip(fitted.lines, fitted.widths):
        if align == "left":
            x = left
        elif align == "right":
            x = left + block_w - width
        else:
            x = (box[0] - width) // 2
        pen.text((x, y), line, font=face, fill=fg, anchor="ls")
        y += fitted.line_height
    return picture


class Look(TypedDict, total=False):
    """How ``picture`` and ``strips`` draw a text: the keyword arguments of ``draw``."""

    fg: RGB
    bg: RGB
    max_lines: int
    bold: bool
    fit_as: str | None
    align: str


_DEFAULT_LOOK: Look = {"fg": WHITE, "bg": BLACK, "max_lines": 1, "bold": True, "fit_as": None, "align": "center"}


def picture(text: str, cells: tuple[int, int], **look: Unpack[Look]) -> Image.Image:
    """The picture ``draw`` makes for a box of ``(cols, rows)`` terminal cells: ``cols x 2*rows`` pixels."""
    cols, rows = cells
    return draw(text, (cols, 2 * rows), **look)


_BOOKS = {TRUECOLOR: StyleBook(TRUECOLOR), EIGHT_BIT: StyleBook(EIGHT_BIT)}
_BOOK_LIMIT = 4096
_CACHE_SIZE = 256
_cache: OrderedDict[tuple[object, ...], tuple[Strip, ...]] = OrderedDict()
_lock = Lock()


def strips(
    text: str, cells: tuple[int, int], *, color_system: str = TRUECOLOR, **look: Unpack[Look]
) -> tuple[Strip, ...]:
    """``text`` as large as fits ``cells`` (cols, rows), as half-cell Textual strips.

    One strip per row, each exactly ``cols`` cells, with its terminal text
    already rendered. The result is cached per argument set (the last 256),
    so showing a text again (a countdown redrawn, a screen shown again at the
    same size) costs a lookup.

    Args:
        text: What to show (see ``layout``).
        cells: (cols, rows) of the box, each at least 1.
        color_system: "truecolor" or "256" (256: the picture is mapped onto
            the xterm palette without dithering, which would speckle edges).
        look: fg, bg, max_lines, bold, fit_as, align, as for ``draw``.
    """
    full = {**_DEFAULT_LOOK, **look}
    key = (text, tuple(cells), color_system, *(tuple(v) if isinstance(v, (list, tuple)) else v for v in full.values()))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    if color_system not in _BOOKS:
        raise ValueError(f"unknown colour system {color_system!r}; use one of {', '.join(_BOOKS)}")
    image = picture(text, cells, **look)
    with _lock:
        book = _BOOKS[color_system]
        if len(book) > _BOOK_LIMIT:
            book.clear()
        made = tuple(build_strips(image, color_system, styles=book, dither=False))
        _cache[key] = made
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return made


def clear_cache() -> None:
    """Forget every cached text (tests, or after the colour theme changed)."""
    with _lock:
        _cache.clear()
