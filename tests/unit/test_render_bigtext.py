"""Big text drawn from the bundled font: fills its box, keeps its size, covers accents."""

from __future__ import annotations

import pytest
from PIL import Image

from battledecks import fonts
from battledecks.render import bigtext
from battledecks.render.halfcell import UPPER_HALF

YELLOW = (255, 196, 61)


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    box = image.convert("L").point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None, "nothing drawn"
    return box


def test_fonts_are_bundled_and_cover_accented_names() -> None:
    assert fonts.REGULAR.is_file() and fonts.BOLD.is_file()
    assert (fonts.FOLDER / "LICENSE-DejaVu.txt").is_file()
    assert fonts.missing("Zoë O'Brien-Ñúñez Łukasz Øystein Ångström Æsa Şahin Đorđe") == ""
    assert fonts.missing("Zoë O'Brien-Ñúñez", bold=True) == ""
    # A character the font lacks is told apart from one it has.
    assert fonts.missing("Ann 一") == "一"


def test_countdown_is_a_sixth_of_the_screen_at_240x67() -> None:
    rows = -(-67 // 6)  # a sixth of 67 rows, rounded up
    image = bigtext.picture("4:59", (240, rows), fg=YELLOW, fit_as="00:00")
    left, top, right, bottom = ink_box(image)
    assert image.size == (240, 2 * rows)
    assert bottom - top >= 0.85 * image.height, "the digits fill the box's height"
    assert right - left < 240


def test_text_fills_the_box_and_stays_inside_it() -> None:
    for text, cells in (("PAUSED", (80, 8)), ("Time!", (80, 10)), ("3", (20, 10)), ("4:59", (80, 4))):
        image = bigtext.picture(text, cells)
        left, top, right, bottom = ink_box(image)
        fills_width = (right - left) >= 0.8 * image.width
        fills_height = (bottom - top) >= 0.8 * image.height
        assert fills_width or fills_height, f"{text!r} is small in {cells}: {(left, top, right, bottom)}"
        fitted = bigtext.layout(text, (cells[0], 2 * cells[1]))
        assert fitted.width <= image.width and fitted.height <= image.height


def test_countdown_keeps_one_size_from_second_to_second() -> None:
    box = (80, 8)
    sizes = {bigtext.layout(f"{s // 60}:{s % 60:02d}", box).size for s in range(300)}
    assert len(sizes) == 1
    sized = {bigtext.layout(t, box, fit_as="00:00").size for t in ("10:00", "9:59", "0:01")}
    assert len(sized) == 1


def test_a_long_title_is_split_over_lines_and_larger_for_it() -> None:
    title = "The Scalable Centrifuge: Lessons from the Field Station"
    box = (240, 60)
    one = bigtext.layout(title, box, max_lines=1)
    three = bigtext.layout(title, box, max_lines=3)
    assert one.lines == (title,)
    assert 2 <= len(three.lines) <= 3
    assert " ".join(three.lines) == title, "split between words, nothing lost"
    assert three.size > one.size
    assert three.width <= box[0] and three.height <= box[1]


def test_explicit_line_breaks_are_kept() -> None:
    assert bigtext.layout("Janie\nHermann", (100, 40), max_lines=1).lines == ("Janie", "Hermann")


def test_strokes_are_solid_not_hairlines_even_at_80x24() -> None:
    image = bigtext.picture("4:59", (80, 4), fg=(255, 255, 255), fit_as="00:00").convert("L")
    values = image.tobytes()
    ink = [v for v in values if v > 40]
    solid = [v for v in values if v >= 200]
    assert len(solid) >= 0.5 * len(ink), "most of each stroke is drawn at full strength"
    assert any(40 < v < 200 for v in values), "edges are anti-aliased"


def test_accented_name_is_drawn_with_its_accents() -> None:
    plain = bigtext.picture("Zoe", (30, 8), max_lines=1)
    accented = bigtext.picture("Zoë", (30, 8), max_lines=1)
    assert plain.tobytes() != accented.tobytes()
    assert ink_box(accented)[1] < ink_box(plain)[1], "the diaeresis stands above the letters"


def test_legible_tells_when_the_box_is_too_small() -> None:
    assert bigtext.legible("4:59", (80, 4))
    assert not bigtext.legible("The Scalable Centrifuge: Lessons from the Field Station", (80, 4), max_lines=3)
    assert not bigtext.legible("PAUSED", (0, 4))


@pytest.mark.parametrize("color_system", ["truecolor", "256"])
def test_strips_draw_the_box_with_half_cells_and_are_cached(color_system: str) -> None:
    bigtext.clear_cache()
    lines = bigtext.strips("Time!", (80, 10), fg=YELLOW, color_system=color_system)
    assert len(lines) == 10
    assert all(line.cell_length == 80 for line in lines)
    text = "".join(segment.text for line in lines for segment in line)
    assert UPPER_HALF in text
    colours = {segment.style.color for line in lines for segment in line if segment.style and segment.style.color}
    assert colours, "letters have a colour"
    assert bigtext.strips("Time!", (80, 10), fg=YELLOW, color_system=color_system) is lines
    assert bigtext.strips("Time!", (81, 10), fg=YELLOW, color_system=color_system) is not lines


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        bigtext.layout("x", (0, 10))
    with pytest.raises(ValueError):
        bigtext.draw("x", (10, 10), align="middle")
    with pytest.raises(ValueError):
        bigtext.strips("x", (10, 10), color_system="16")
