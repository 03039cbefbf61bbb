"""The vote QR code: fitted to a terminal, drawn with half cells, and readable by a QR decoder."""

from __future__ import annotations

import pytest

from battledecks.render.halfcell import EIGHT_BIT, TRUECOLOR
from battledecks.room.votes.link import vote_url
from battledecks.room.votes.qr import QUIET, qr_matrix, qr_svg
from battledecks.ui.widgets.vote_code import fit, terminal_code
from tests.piloting import decode, photograph

URL = vote_url("http://192.168.100.200:8750", "KMPW")


def test_the_url_carries_the_room_code() -> None:
    assert URL == "http://192.168.100.200:8750/vote?c=KMPW"


@pytest.mark.parametrize(("cols", "rows"), [(80, 24), (80, 20), (160, 45), (240, 67)])
@pytest.mark.parametrize("colors", [TRUECOLOR, EIGHT_BIT])
def test_a_terminal_code_scans(cols: int, rows: int, colors: str) -> None:
    code = terminal_code(URL, cols, rows, colors)
    assert code is not None
    assert code.width <= cols and code.height <= rows
    assert all(strip.cell_length == code.width for strip in code.strips)
    assert decode(photograph(code.strips)) == URL


def test_modules_are_whole_cells_across_and_half_cells_down() -> None:
    matrix = qr_matrix(URL)
    code = terminal_code(URL, 160, 45)
    assert code is not None and code.scale == 2 and code.quiet == QUIET
    side = len(matrix) + 2 * QUIET
    picture = photograph(code.strips, cell=(1, 2))  # one pixel per cell across, per half cell down
    assert picture.width == side * 2
    for my, row in enumerate(matrix):
        for mx, dark in enumerate(row):
            for dy in range(2):
                for dx in range(2):
                    pixel = picture.getpixel(((mx + QUIET) * 2 + dx, (my + QUIET) * 2 + dy))
                    assert pixel == ((0, 0, 0) if dark else (255, 255, 255))
    # The quiet zone is white all round.
    for i in range(side * 2):
        assert picture.getpixel((i, 0)) == picture.getpixel((0, i)) == (255, 255, 255)


def test_a_small_terminal_gets_a_narrower_quiet_zone_then_nothing() -> None:
    modules = len(qr_matrix(URL))
    assert fit(modules, 80, 24) == (1, QUIET)
    assert fit(modules, modules + 4, 40) == (1, 2)
    assert fit(modules, modules + 3, 40) is None
    assert terminal_code(URL, 20, 8) is None


def test_svg_for_the_browser() -> None:
    svg = qr_svg(URL)
    assert svg.startswith("<svg") and "http://www.w3.org/2000/svg" in svg and "#000" in svg and "#fff" in svg


@pytest.mark.parametrize("colors", [TRUECOLOR, EIGHT_BIT])
def test_every_cell_of_the_code_carries_both_its_colours(colors: str) -> None:
    # On a light terminal (xterm's default black on white) a cell left to the terminal's colours would show its own.
    code = terminal_code(URL, 80, 24, colors)
    assert code is not None
    used = set()
    for strip in code.strips:
        for segment in strip:
            style = segment.style
            assert style is not None and style.color is not None and style.bgcolor is not None, segment
            used |= {style.color, style.bgcolor}
    assert {c.get_truecolor() for c in used} == {(0, 0, 0), (255, 255, 255)}
    if colors == EIGHT_BIT:
        # The colour cube's black and white, which no terminal theme redefines (unlike colours 0-15).
        assert {c.number for c in used} == {16, 231}
