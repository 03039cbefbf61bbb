"""Full-resolution pictures as terminal bytes: sixel and kitty graphics.

Everything here runs on the slide worker thread, ahead of the slide change;
the change itself only writes strings made here.

* Sixel: encoded by libchafa (the ``chafa.py`` package bundles it), which
  measured ten times faster than textual-image's encoder on a 1900x1000
  slide (75 ms against 0.8 s) for about the same bytes. ctypes lets go of
  the GIL while it works, so the UI thread runs meanwhile. A sixel picture's
  height is kept a multiple of 6 (one sixel band) so no band spills into
  the cell row below.
* Sixel pictures larger than the terminal takes (xterm's ``maxGraphicSize``
  is 1000x1000 by default) are cut into tiles that each fit, and each tile
  is drawn at its own place (``encode_sixel_tiles``). A tile starts on a
  cell's corner, since the cursor only moves by cells, and its height is a
  whole number of cells and of sixel bands, so the tiles meet without a
  seam or an overlap.
* Kitty: the picture is sent once, zlib-compressed RGB, under an image id
  (``kitty_transmit``); showing it is then a placement of that id
  (``kitty_place``), a few dozen bytes. Classic placement works in every
  kitty version; Unicode placeholders need 0.28.
"""

from __future__ import annotations

import ctypes
import math
import zlib
from base64 import standard_b64encode
from collections.abc import Callable

from PIL import Image

SIXEL_BAND = 6
"""Pixel rows per sixel band."""

_CHUNK = 4096
"""Kitty takes base64 payloads in chunks of at most 4096 bytes."""


def sixel_height(height: int) -> int:
    """Largest whole number of sixel bands within ``height`` pixels (at least one)."""
    return max(SIXEL_BAND, height - height % SIXEL_BAND)


Box = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels, right and bottom excluded."""

SAVE_CURSOR = "\x1b7"
RESTORE_CURSOR = "\x1b8"


def sixel_tiles(size: tuple[int, int], cell_pixels: tuple[int, int], limit: tuple[int, int] | None) -> list[Box] | None:
    """How to cut a picture of ``size`` into sixel pictures of at most ``limit`` each.

    Each tile's top-left corner is a cell's (a multiple of the cell size
    from the picture's corner), so it can be reached by moving the cursor;
    each tile is at most ``limit`` and, but for the last row and column,
    a whole number of cells wide and of cells and sixel bands high.

    Args:
        size: (width, height) of the picture; its height a whole number of sixel bands.
        cell_pixels: (width, height) of a terminal cell in pixels.
        limit: Largest sixel picture the terminal takes, or None for no limit.

    Returns:
        The tiles in drawing order (rows top to bottom, each left to right):
        one box for the whole picture when it is within the limit; None when
        the limit is smaller than one cell (or one cell of whole sixel bands).
    """
    width, height = size
    if limit is None or (width <= limit[0] and height <= limit[1]):
        return [(0, 0, width, height)]
    cell_w, cell_h = cell_pixels
    if cell_w <= 0 or cell_h <= 0:
        return None
    band_cells = math.lcm(cell_h, SIXEL_BAND)  # the least height that is whole cells and whole bands
    step_w = limit[0] // cell_w * cell_w
    step_h = limit[1] // band_cells * band_cells
    if not step_w or not step_h:
        return None
    return [
        (left, top, min(width, left + step_w), min(height, top + step_h))
        for top in range(0, height, step_h)
        for left in range(0, width, step_w)
    ]


def encode_sixel_tiles(
    img: Image.Image,
    cell_pixels: tuple[int, int],
    limit: tuple[int, int] | None,
    between: Callable[[], object] | None = None,
) -> str | None:
    """The sixel sequences drawing ``img`` from the cursor on, in tiles within ``limit``.

    Within the limit this is ``encode_sixel(img)``. Beyond it the cursor is
    saved where the picture's top-left corner goes, and each tile is drawn
    after moving there from that corner by whole cells (relative moves, so
    the string works wherever the picture is placed).

    Args:
        img: RGB picture, its height a whole number of sixel bands.
        cell_pixels: (width, height) of a terminal cell in pixels.
        limit: Largest sixel picture the terminal takes, or None.
        between: Called after each tile; the slide worker passes
            ``time.sleep(0)`` to hand the GIL to the UI thread.

    Returns:
        The sequence, or None when the picture cannot be cut (see ``sixel_tiles``).
    """
    tiles = sixel_tiles(img.size, cell_pixels, limit)
    if tiles is None:
        return None
    if len(tiles) == 1:
        return encode_sixel(img)
    cell_w, cell_h = cell_pixels
    parts = [SAVE_CURSOR]
    for box in tiles:
        left, top = box[0] // cell_w, box[1] // cell_h
        parts.append(RESTORE_CURSOR + (f"\x1b[{left}C" if left else "") + (f"\x1b[{top}B" if top else ""))
        parts.append(encode_sixel(img.crop(box)))
        if between is not None:
            between()
    return "".join(parts)


def encode_sixel(img: Image.Image) -> str:
    """The sixel sequence (DCS ... ST) drawing ``img`` at its own size.

    Args:
        img: RGB picture; its height should be a multiple of 6 (``sixel_height``),
            otherwise the last partial band is dropped by the encoder.

    Returns:
        The whole sequence, ready to write at the cursor.
    """
    from chafa import Canvas, CanvasConfig, PixelMode, PixelType

    img = img.convert("RGB")
    config = CanvasConfig()
    config.pixel_mode = PixelMode.CHAFA_PIXEL_MODE_SIXELS
    # One "cell" per pixel: the canvas is the picture's own size, no rescale.
    config.cell_width = 1
    config.cell_height = 1
    config.width = img.width
    config.height = img.height
    canvas = Canvas(config)
    data = bytearray(img.tobytes())
    pixels = (ctypes.c_uint8 * len(data)).from_buffer(data)
    canvas.draw_all_pixels(PixelType.CHAFA_PIXEL_RGB8, pixels, img.width, img.height, img.width * 3)
    return canvas.print(_term_info()).decode("ascii")


_TERM_INFO = None


def _term_info() -> object:
    global _TERM_INFO
    if _TERM_INFO is None:
        from chafa import TermDb

        # Chafa's built-in sequences, whatever TERM says: the caller knows
        # the terminal draws sixels.
        _TERM_INFO = TermDb().get_fallback_info()
    return _TERM_INFO


def kitty_transmit(image_id: int, img: Image.Image) -> str:
    """Kitty graphics commands sending ``img`` under ``image_id`` without showing it.

    The pixels go as zlib-compressed 24-bit RGB (about as small as PNG for
    slides and three times faster to make), in chunks; ``q=2`` keeps the
    terminal from answering.
    """
    img = img.convert("RGB")
    payload = standard_b64encode(zlib.compress(img.tobytes(), 1))
    chunks = [payload[i : i + _CHUNK] for i in range(0, len(payload), _CHUNK)] or [b""]
    parts = []
    for n, chunk in enumerate(chunks):
        more = 1 if n < len(chunks) - 1 else 0
        if n == 0:
            head = f"a=t,t=d,f=24,o=z,s={img.width},v={img.height},i={image_id},q=2,m={more}"
        else:
            head = f"m={more}"
        parts.append(f"\x1b_G{head};{chunk.decode('ascii')}\x1b\\")
    return "".join(parts)


def kitty_place(image_id: int, cells: tuple[int, int] | None = None, placement_id: int = 1) -> str:
    """Show image ``image_id`` at the cursor, replacing what is shown on screen.

    Every placement on screen is taken away first (the pictures stay with
    the terminal) so that showing the next slide never leaves the last one
    underneath. The cursor does not move (``C=1``), so the screen never
    scrolls. With ``cells`` (cols, rows) the picture covers exactly those
    cells, whatever the terminal's real cell size, so it never spills onto
    the text around it. It lies above text (z-index 0): whoever covers the
    slide takes the placement off (``KITTY_CLEAR``). A negative z-index
    (under text) garbles the text drawn beside the picture in kitty 0.26:
    digits of successive frames overlap, in the wrong colours.
    """
    size = f"c={cells[0]},r={cells[1]}," if cells else ""
    return f"{KITTY_CLEAR}\x1b_Ga=p,i={image_id},p={placement_id},{size}C=1,q=2\x1b\\"


KITTY_CLEAR = "\x1b_Ga=d,d=a,q=2\x1b\\"
"""Take every kitty picture off the screen, keeping their data."""


def kitty_free(image_ids: list[int] | set[int]) -> str:
    """Commands deleting pictures and their data from the terminal."""
    return "".join(f"\x1b_Ga=d,d=I,i={i},q=2\x1b\\" for i in sorted(image_ids))


def move_to(x: int, y: int) -> str:
    """Cursor to column ``x``, row ``y`` (0-based)."""
    return f"\x1b[{y + 1};{x + 1}H"
