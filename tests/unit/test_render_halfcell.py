"""Half-cell strips: exact colours per cell, merged runs, 256 colours."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PIL import Image
from rich.color import ColorType
from rich.segment import Segment
from textual.strip import Strip

from battledecks.render.halfcell import (
    UPPER_HALF,
    XTERM_COLORS,
    StyleBook,
    blank_strips,
    build_strips,
    color_system_from_env,
    quantize_xterm,
)

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)


def cells(strip: Strip) -> list[tuple[str, tuple[int, int, int] | None, tuple[int, int, int] | None]]:
    """(character, fg rgb, bg rgb) for each cell of a strip."""
    out = []
    for segment in strip:
        style = segment.style
        assert style is not None
        fg = tuple(style.color.get_truecolor()) if style.color else None
        bg = tuple(style.bgcolor.get_truecolor()) if style.bgcolor else None
        for char in segment.text:
            out.append((char, fg, bg))
    return out


def picture(rows: list[list[tuple[int, int, int]]]) -> Image.Image:
    img = Image.new("RGB", (len(rows[0]), len(rows)))
    for y, row in enumerate(rows):
        for x, colour in enumerate(row):
            img.putpixel((x, y), colour)
    return img


def test_each_cell_shows_top_pixel_as_foreground_and_bottom_as_background() -> None:
    img = picture(
        [
            [RED, GREEN, BLUE],
            [BLUE, GREEN, WHITE],
            [WHITE, WHITE, RED],
            [RED, WHITE, RED],
        ]
    )
    strips = build_strips(img)
    assert len(strips) == 2
    assert all(strip.cell_length == 3 for strip in strips)
    assert cells(strips[0]) == [(UPPER_HALF, RED, BLUE), (" ", None, GREEN), (UPPER_HALF, BLUE, WHITE)]
    assert cells(strips[1]) == [(UPPER_HALF, WHITE, RED), (" ", None, WHITE), (" ", None, RED)]


def test_neighbouring_cells_of_the_same_colours_share_one_segment() -> None:
    img = Image.new("RGB", (10, 2), RED)
    img.paste(BLUE, (4, 1, 7, 2))  # bottom pixels of cells 4-6 blue
    strips = build_strips(img)
    segments = list(strips[0])
    assert [segment.text for segment in segments] == [" " * 4, UPPER_HALF * 3, " " * 3]
    # Equal colour pairs share one style object.
    assert segments[0].style is segments[2].style


def test_odd_height_pads_the_last_row_with_black() -> None:
    strips = build_strips(Image.new("RGB", (2, 3), WHITE))
    assert len(strips) == 2
    assert cells(strips[1]) == [(UPPER_HALF, WHITE, (0, 0, 0))] * 2


def test_primed_text_is_what_textual_renders() -> None:
    img = picture([[RED, GREEN, GREEN, BLUE], [BLUE, GREEN, GREEN, RED]])

    class Console:
        _color_system = StyleBook("truecolor").rich_system

    primed = build_strips(img)[0]
    fresh = Strip([Segment(s.text, s.style.copy()) for s in primed], 4)  # type: ignore[union-attr]
    assert primed.render(Console()) == fresh.render(Console())  # type: ignore[arg-type]
    assert primed.render(Console()).startswith("\x1b[38;2;255;0;0;48;2;0;0;255m\u2580\x1b[0m")  # type: ignore[arg-type]


def test_256_colours_use_xterm_cube_without_theme_colours() -> None:
    img = picture([[(255, 0, 0), (0, 0, 0)], [(0, 0, 255), (255, 255, 255)]])
    strips = build_strips(img, "256", dither=False)
    styles = [segment.style for segment in strips[0]]
    numbers = [(s.color.number if s.color else None, s.bgcolor.number) for s in styles]  # type: ignore[union-attr]
    # xterm 196 = (255,0,0), 21 = (0,0,255), 16 = black, 231 = white.
    assert numbers == [(196, 21), (16, 231)]
    assert all(s.bgcolor.type is ColorType.EIGHT_BIT for s in styles)  # type: ignore[union-attr]
    text = strips[0].render(type("C", (), {"_color_system": StyleBook("256").rich_system})())  # type: ignore[arg-type]
    assert "38;5;196;48;5;21m" in text and "38;2" not in text


def test_256_colour_dither_keeps_flat_areas_flat_and_mixes_gradients() -> None:
    flat = Image.new("RGB", (40, 20), (30, 60, 200))  # not an xterm colour
    indices = set(quantize_xterm(flat).tobytes())
    assert len(indices) == 1
    nearest = XTERM_COLORS[indices.pop()]
    assert nearest == (0, 95, 255)  # nearest as the eye sees it (CIELAB)

    gradient = Image.linear_gradient("L").resize((64, 64)).convert("RGB")
    dithered = quantize_xterm(gradient)
    plain = quantize_xterm(gradient, dither=False)
    # Dithering mixes neighbouring greys along each row; without it rows are bands.
    assert len(set(dithered.crop((0, 30, 64, 31)).tobytes())) > len(set(plain.crop((0, 30, 64, 31)).tobytes()))
    assert max(quantize_xterm(Image.new("RGB", (4, 4), WHITE)).tobytes()) < len(XTERM_COLORS)


def test_style_book_is_shared_and_checked() -> None:
    book = StyleBook("truecolor")
    build_strips(Image.new("RGB", (4, 2), RED), styles=book)
    build_strips(Image.new("RGB", (4, 2), RED), styles=book)
    assert len(book) == 1
    try:
        StyleBook("16")
    except ValueError as exc:
        assert "16" in str(exc)
    else:
        raise AssertionError("unknown colour system accepted")


def test_color_system_from_env() -> None:
    assert color_system_from_env({"COLORTERM": "truecolor"}) == "truecolor"
    assert color_system_from_env({"COLORTERM": "24bit"}) == "truecolor"
    assert color_system_from_env({"TERM": "xterm-256color"}) == "256"
    assert color_system_from_env({"COLORTERM": "truecolor", "TEXTUAL_COLOR_SYSTEM": "256"}) == "256"


def test_blank_strips_are_black_and_full_width() -> None:
    strips = blank_strips(7, 3)
    assert len(strips) == 3
    assert cells(strips[0]) == [(" ", None, (0, 0, 0))] * 7


def palette_numbers(strips: list[Strip]) -> list[list[int]]:
    """The xterm colour number of each pixel (two per cell: top, bottom) of 256-colour strips."""
    top: list[list[int]] = []
    for strip in strips:
        upper: list[int] = []
        lower: list[int] = []
        for segment in strip:
            style = segment.style
            assert style is not None and style.bgcolor is not None and style.bgcolor.number is not None
            bottom = style.bgcolor.number
            above = style.color.number if style.color is not None and segment.text[:1] == UPPER_HALF else bottom
            assert above is not None
            upper += [above] * len(segment.text)
            lower += [bottom] * len(segment.text)
        top += [upper, lower]
    return top


def text_slide(path: Path, background: tuple[int, int, int], block: tuple[int, int, int]) -> None:
    """A text-heavy slide: a flat background, a title, lines of body text and a flat block."""
    from PIL import ImageDraw

    from battledecks.fonts import font

    img = Image.new("RGB", (1920, 1080), background)
    draw = ImageDraw.Draw(img)
    draw.text((100, 60), "The quarterly numbers", fill=(20, 20, 20), font=font(72))
    for line in range(10):
        draw.text(
            (120, 220 + line * 60),
            f"{line + 1}. Synergy of lab coats, petri dishes and pipettes",
            fill=(30, 30, 30),
            font=font(40),
        )
    draw.rectangle((1400, 300, 1800, 700), fill=block)
    img.save(path)


def test_256_colour_slides_keep_flat_areas_flat_next_to_text(tmp_path: Path) -> None:
    """Each colour maps to one palette colour wherever it is: no speckles around text, no stippled blocks."""
    from battledecks.render.detect import GraphicsMode
    from battledecks.render.prerender import SlideCache

    # Colours between palette entries, so that dithering would mix neighbours in.
    background, block = (250, 240, 200), (240, 190, 60)
    path = tmp_path / "slide.png"
    text_slide(path, background, block)
    made = SlideCache([path], GraphicsMode.HALFCELL, (160, 45), color_system="256").prepare(0)
    assert made.strips is not None
    numbers = palette_numbers(made.strips)
    source = made.image.load()
    width, height = made.image.size
    assert len(numbers) == height and all(len(row) == width for row in numbers)
    by_colour: dict[tuple[int, int, int], set[int]] = {}
    for y in range(height):
        for x in range(width):
            by_colour.setdefault(source[x, y], set()).add(numbers[y][x])  # type: ignore[arg-type]
    # The same colour is the same palette colour everywhere.
    assert all(len(found) == 1 for found in by_colour.values()), {c: n for c, n in by_colour.items() if len(n) > 1}
    # So the background and the block are each one colour, right up to the text and edges.
    # Each the palette colour nearest as the eye sees it (CIELAB): the golden block mustard,
    # not the light orange that is nearest in RGB.
    assert by_colour[background] == {16 + XTERM_COLORS.index((255, 255, 215))}
    assert by_colour[block] == {16 + XTERM_COLORS.index((215, 175, 0))}


def test_256_colours_are_the_nearest_as_the_eye_sees_them() -> None:
    """In CIELAB: a mid blue is not taken for a grey-blue, a golden yellow not for light orange."""
    from battledecks.render.halfcell import nearest_xterm

    expected = {
        (240, 190, 60): (215, 175, 0),
        (70, 150, 200): (95, 135, 175),
        (250, 240, 200): (255, 255, 215),
        (255, 0, 0): (255, 0, 0),
        (0, 0, 0): (0, 0, 0),
        (255, 255, 255): (255, 255, 255),
    }
    row = Image.new("RGB", (len(expected), 1))
    row.putdata(list(expected))
    got = [XTERM_COLORS[i] for i in nearest_xterm(row).tobytes()]
    assert got == list(expected.values())


def test_256_colour_slides_have_no_pale_rim_around_text(tmp_path: Path) -> None:
    """Shrinking sharpens with a rim lighter than the page around dark text; on a page between two
    palette colours that rim was the lighter one: white speckles along every line."""
    from battledecks.render.detect import GraphicsMode
    from battledecks.render.prerender import SlideCache

    page = (250, 246, 232)  # nearest in the palette: grey 238; a little lighter: white
    path = tmp_path / "slide.png"
    text_slide(path, page, page)
    made = SlideCache([path], GraphicsMode.HALFCELL, (160, 45), color_system="256").prepare(0)
    assert made.strips is not None
    used = Counter(number for row in palette_numbers(made.strips) for number in row)
    grey = 16 + XTERM_COLORS.index((238, 238, 238))
    assert used.most_common(1)[0][0] == grey
    lighter = [n for n in used if n >= 16 and sum(XTERM_COLORS[n - 16]) > sum(XTERM_COLORS[grey - 16])]
    assert not lighter, {XTERM_COLORS[n - 16]: used[n] for n in lighter}
