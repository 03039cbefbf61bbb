"""Sixel pictures larger than the terminal takes: cut into tiles that meet exactly where the cursor can go."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from battledecks.render.detect import GraphicsMode
from battledecks.render.pixels import SIXEL_BAND, encode_sixel, encode_sixel_tiles, sixel_height, sixel_tiles
from battledecks.render.prerender import SlideCache

XTERM_LIMIT = (1000, 1000)
"""xterm's default maxGraphicSize."""

XTERM_CELL = (6, 13)
"""xterm's default font (fixed, 6x13)."""


def covered_once(size: tuple[int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    """Whether the boxes cover a picture of ``size`` exactly, each pixel once."""
    area = sum((right - left) * (bottom - top) for left, top, right, bottom in boxes)
    union = Image.new("L", size)
    for box in boxes:
        union.paste(255, box)
    return area == size[0] * size[1] and ImageStat.Stat(union).mean[0] == 255


@pytest.mark.parametrize(
    ("size", "cell"),
    [
        # A full-screen xterm at 1920x1080 with its default font (320x83 cells), slide above a 14-row bar.
        ((1914, 1074 - 14 * 13 - 4), XTERM_CELL),
        ((1914, sixel_height(1068)), XTERM_CELL),
        ((1920, 1080), (8, 16)),
        ((2400, 1350), (10, 20)),
        ((1001, 6), (7, 15)),
    ],
)
def test_tiles_cover_the_picture_each_within_the_limit_from_a_cell_corner(
    size: tuple[int, int], cell: tuple[int, int]
) -> None:
    size = (size[0], sixel_height(size[1]))
    tiles = sixel_tiles(size, cell, XTERM_LIMIT)
    assert tiles is not None and len(tiles) > 1
    assert covered_once(size, tiles)
    for left, top, right, bottom in tiles:
        assert right - left <= XTERM_LIMIT[0] and bottom - top <= XTERM_LIMIT[1]
        # The cursor moves by whole cells: every tile starts on a cell's corner.
        assert left % cell[0] == 0 and top % cell[1] == 0
        # Whole sixel bands, so no band spills over the tile below.
        assert (bottom - top) % SIXEL_BAND == 0


def test_a_picture_within_the_limit_is_one_tile() -> None:
    assert sixel_tiles((996, 558), XTERM_CELL, XTERM_LIMIT) == [(0, 0, 996, 558)]
    assert sixel_tiles((1920, 1080), XTERM_CELL, None) == [(0, 0, 1920, 1080)]


def test_a_limit_smaller_than_a_cell_cannot_be_tiled() -> None:
    assert sixel_tiles((400, 300), (10, 20), (8, 200)) is None
    # Whole cells and whole bands: 20-pixel cells need 60 pixels (lcm of 20 and 6).
    assert sixel_tiles((400, 300), (10, 20), (200, 50)) is None
    assert encode_sixel_tiles(Image.new("RGB", (400, 300)), (10, 20), (200, 50)) is None


# --- what a terminal draws from the sequence ---------------------------------------


class SixelScreen:
    """A terminal's pixels, for the few sequences the tiles use.

    Cursor moves (save, restore, forward, down) in cells and sixel pictures
    (colour definitions in percent, repeats, carriage returns, new bands),
    drawn at the cursor's cell.
    """

    def __init__(self, size: tuple[int, int], cell: tuple[int, int]) -> None:
        self.image = Image.new("RGB", size, (255, 0, 255))
        self.cell = cell
        self.pictures: list[tuple[int, int, int, int]] = []
        """Where each picture went (left, top, width, height), in pixels."""

    def write(self, data: str) -> None:
        col = row = 0
        saved = (0, 0)
        token = re.compile(r"\x1b7|\x1b8|\x1b\[(\d*)([CB])|\x1bP[0-9;]*q(.*?)\x1b\\", re.S)
        position = 0
        for match in token.finditer(data):
            assert match.start() == position, f"unexpected bytes {data[position : match.start()][:40]!r}"
            position = match.end()
            text = match.group(0)
            if text == "\x1b7":
                saved = (col, row)
            elif text == "\x1b8":
                col, row = saved
            elif match.group(2) == "C":
                col += int(match.group(1) or 1)
            elif match.group(2) == "B":
                row += int(match.group(1) or 1)
            else:
                self._picture(match.group(3), col * self.cell[0], row * self.cell[1])
        assert position == len(data), f"unexpected bytes at the end {data[position:][:40]!r}"

    def _picture(self, body: str, x0: int, y0: int) -> None:
        raster = re.match(r'"1;1;(\d+);(\d+)', body)
        assert raster is not None, "each picture says its size"
        self.pictures.append((x0, y0, int(raster.group(1)), int(raster.group(2))))
        body = body[raster.end() :]
        palette: dict[int, tuple[int, int, int]] = {}
        colour = (0, 0, 0)
        x = band = 0
        pixels = self.image.load()
        for match in re.finditer(r"#(\d+)(?:;2;(\d+);(\d+);(\d+))?|!(\d+)(.)|([?-~])|(\$)|(-)", body):
            number, r, g, b, repeat, repeated, single, cr, nl = match.groups()
            if number is not None:
                if r is not None:
                    palette[int(number)] = tuple(round(int(v) * 255 / 100) for v in (r, g, b))  # type: ignore[assignment]
                colour = palette[int(number)]
                continue
            if cr:
                x = 0
                continue
            if nl:
                x = 0
                band += 1
                continue
            char, count = (repeated, int(repeat)) if repeat else (single, 1)
            bits = ord(char) - 63
            for dx in range(count):
                for bit in range(6):
                    if bits >> bit & 1:
                        px, py = x0 + x + dx, y0 + band * 6 + bit
                        if 0 <= px < self.image.width and 0 <= py < self.image.height:
                            pixels[px, py] = colour  # type: ignore[index]
            x += count


def drawn_as(screen: SixelScreen, picture: Image.Image) -> bool:
    """Every pixel of the screen was drawn (none left magenta), as in the picture.

    The encoder maps a picture's colours onto at most 256, so the screen is
    within a few levels of the picture on the whole, and anti-aliased edges
    may differ more.
    """
    undrawn = {colour: count for count, colour in screen.image.getcolors(1 << 24) or []}.get((255, 0, 255), 0)
    mean = ImageStat.Stat(ImageChops.difference(screen.image, picture).convert("L")).mean[0]
    return undrawn == 0 and mean < 2


def blocks(size: tuple[int, int]) -> Image.Image:
    """A picture of flat coloured blocks, crossed by lines right at the tiles' edges and beside them."""
    img = Image.new("RGB", size, (240, 240, 200))
    draw = ImageDraw.Draw(img)
    colours = [(200, 30, 30), (30, 160, 60), (30, 30, 200), (20, 20, 20)]
    for i in range(0, size[0], 150):
        draw.rectangle((i, (i // 3) % size[1], i + 90, (i // 3) % size[1] + 200), fill=colours[(i // 150) % 4])
    for x in (0, 995, 996, 997, size[0] - 1):
        draw.line((x, 0, x, size[1]), fill=(0, 0, 0))
    for y in (0, 935, 936, 937, size[1] - 1):
        draw.line((0, y, size[0], y), fill=(0, 0, 0))
    return img


def test_the_tiles_drawn_in_place_make_the_whole_picture() -> None:
    size = (1914, sixel_height(1068))
    picture = blocks(size)
    data = encode_sixel_tiles(picture, XTERM_CELL, XTERM_LIMIT)
    assert data is not None
    screen = SixelScreen(size, XTERM_CELL)
    screen.write(data)
    # 2 x 2 tiles, each within the limit, drawn at its own place.
    assert len(screen.pictures) == 4
    assert all(w <= XTERM_LIMIT[0] and h <= XTERM_LIMIT[1] for _, _, w, h in screen.pictures)
    assert sorted((x, y) for x, y, _, _ in screen.pictures) == [(0, 0), (0, 936), (996, 0), (996, 936)]
    assert drawn_as(screen, picture)


def test_within_the_limit_the_picture_is_one_sixel_as_before() -> None:
    picture = blocks((600, 360))
    assert encode_sixel_tiles(picture, XTERM_CELL, XTERM_LIMIT) == encode_sixel(picture)


# --- the slide cache ---------------------------------------------------------------


@pytest.fixture
def slide(tmp_path: Path) -> list[Path]:
    path = tmp_path / "01.png"
    blocks((1920, 1080)).save(path)
    return [path]


def test_a_slide_larger_than_the_limit_is_made_full_size_in_tiles(slide: list[Path]) -> None:
    # A full-screen xterm: 320x69 cells of 6x13 above the bar; the limit is 1000x1000.
    cache = SlideCache(slide, GraphicsMode.SIXEL, cells=(320, 69), cell_pixels=XTERM_CELL, sixel_max=XTERM_LIMIT)
    made = cache.prepare(0)
    # 1920x897 pixels of cells, 894 in whole bands: a 16:9 slide 1589x894, far larger than 1000x558.
    assert made.image.size == (1589, 894)
    assert made.payload is not None and made.payload.count("\x1bP") == 2
    screen = SixelScreen(made.image.size, XTERM_CELL)
    screen.write(made.payload)
    assert drawn_as(screen, made.image)


def test_without_tiles_a_slide_stays_within_the_limit(slide: list[Path]) -> None:
    cache = SlideCache(
        slide, GraphicsMode.SIXEL, cells=(320, 69), cell_pixels=XTERM_CELL, sixel_max=XTERM_LIMIT, sixel_tiles=False
    )
    made = cache.prepare(0)
    assert made.image.size == (1000, 558)
    assert made.payload is not None and made.payload.count("\x1bP") == 1
