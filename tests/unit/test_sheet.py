"""Contact sheets: layout, letterboxing any image shape, any format pillow opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from battledecks.generate import generate_deck, render_contact_sheet
from battledecks.generate._sheet import LETTERBOX, sheet_layout

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 60), (40, 60, 220)


def _image(path: Path, size: tuple[int, int], colour, mode: str = "RGB", **save) -> Path:
    Image.new("RGB", size, colour).convert(mode).save(path, **save)
    return path


def _close(a, b, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def _centre(box):
    return ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)


def test_sheet_size_follows_the_grid(tmp_path):
    slides = [_image(tmp_path / f"s{i}.png", (160, 90), RED) for i in range(10)]
    render_contact_sheet(slides, tmp_path / "sheet.png", title="Ten", columns=4, thumb_width=120)
    layout = sheet_layout(10, columns=4, thumb_width=120)
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert sheet.size == layout.size
    # Four columns of 120 px, three rows of 16:9 cells.
    assert layout.size[0] > 4 * 120 and layout.size[1] > 3 * round(120 * 9 / 16)
    xs = sorted({box[0] for box in layout.thumbs})
    ys = sorted({box[1] for box in layout.thumbs})
    assert len(xs) == 4 and len(ys) == 3
    assert all(box[2] - box[0] == 120 and box[3] - box[1] == round(120 * 9 / 16) for box in layout.thumbs)


def test_fewer_slides_than_columns_make_a_narrower_sheet(tmp_path):
    slides = [_image(tmp_path / f"s{i}.png", (160, 90), RED) for i in range(2)]
    render_contact_sheet(slides, tmp_path / "two.png", title="Two", columns=4, thumb_width=100)
    render_contact_sheet(slides * 2, tmp_path / "four.png", title="Four", columns=4, thumb_width=100)
    with Image.open(tmp_path / "two.png") as two, Image.open(tmp_path / "four.png") as four:
        assert two.width < four.width
        assert two.height == four.height


def test_thumbnails_appear_in_order_in_their_cells(tmp_path):
    colours = [RED, GREEN, BLUE]
    slides = [_image(tmp_path / f"s{i}.png", (320, 180), c) for i, c in enumerate(colours)]
    render_contact_sheet(slides, tmp_path / "sheet.png", title="Order", columns=2, thumb_width=160)
    layout = sheet_layout(3, columns=2, thumb_width=160)
    with Image.open(tmp_path / "sheet.png") as sheet:
        for box, colour in zip(layout.thumbs, colours):
            assert _close(sheet.getpixel(_centre(box)), colour)


@pytest.mark.parametrize(
    ("size", "bars"),
    [
        ((90, 400), "sides"),  # portrait
        ((2000, 100), "top and bottom"),  # ultrawide
        ((3, 2), "sides"),  # tiny, scaled up
        ((1, 1), "sides"),  # a single pixel
    ],
)
def test_any_aspect_ratio_is_letterboxed(tmp_path, size, bars):
    slide = _image(tmp_path / "odd.png", size, GREEN)
    render_contact_sheet([slide], tmp_path / "sheet.png", title="Odd", thumb_width=320)
    (box,) = sheet_layout(1, columns=4, thumb_width=320).thumbs
    cx, cy = _centre(box)
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert _close(sheet.getpixel((cx, cy)), GREEN)
        if bars == "sides":
            assert sheet.getpixel((box[0] + 2, cy)) == LETTERBOX
            assert sheet.getpixel((box[2] - 3, cy)) == LETTERBOX
        else:
            assert sheet.getpixel((cx, box[1] + 2)) == LETTERBOX
            assert sheet.getpixel((cx, box[3] - 3)) == LETTERBOX


def test_every_common_format_and_mode_is_read(tmp_path):
    slides = [
        _image(tmp_path / "a.png", (160, 90), RED),
        _image(tmp_path / "b.jpg", (160, 90), GREEN, quality=95),
        _image(tmp_path / "c.gif", (160, 90), BLUE, mode="P"),
        _image(tmp_path / "d.webp", (160, 90), RED, lossless=True),
        _image(tmp_path / "e.bmp", (160, 90), GREEN),
        _image(tmp_path / "f.png", (160, 90), (128, 128, 128), mode="L"),
        _image(tmp_path / "g.jpg", (160, 90), BLUE, mode="CMYK"),
        _image(tmp_path / "h.png", (160, 90), RED, mode="RGBA"),
    ]
    deep = tmp_path / "i.png"
    Image.new("I;16", (160, 90), 40000).save(deep)
    slides.append(deep)
    animated = tmp_path / "j.gif"
    frames = [Image.new("RGB", (160, 90), c).convert("P") for c in (GREEN, RED)]
    frames[0].save(animated, save_all=True, append_images=frames[1:], duration=100, loop=0)
    slides.append(animated)
    render_contact_sheet(slides, tmp_path / "sheet.png", title="Formats", columns=5, thumb_width=96)
    layout = sheet_layout(len(slides), columns=5, thumb_width=96)
    expected = [RED, GREEN, BLUE, RED, GREEN, (128, 128, 128), BLUE, RED, None, GREEN]
    with Image.open(tmp_path / "sheet.png") as sheet:
        for box, colour in zip(layout.thumbs, expected):
            pixel = sheet.getpixel(_centre(box))
            if colour is None:  # 16-bit grey: some grey, not a letterbox
                assert pixel != LETTERBOX and pixel[0] == pixel[1] == pixel[2]
            else:
                assert _close(pixel, colour, tolerance=24), (box, pixel, colour)


def test_transparent_areas_show_on_white_as_on_stage(tmp_path):
    im = Image.new("RGBA", (160, 90), (0, 0, 0, 0))
    im.paste((*RED, 255), (60, 0, 100, 90))
    im.save(tmp_path / "t.png")
    render_contact_sheet([tmp_path / "t.png"], tmp_path / "sheet.png", title="T", thumb_width=160)
    (box,) = sheet_layout(1, columns=4, thumb_width=160).thumbs
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert _close(sheet.getpixel(_centre(box)), RED)
        # Transparency on white, as on stage and in import: slides are designed on white.
        assert sheet.getpixel((box[0] + 5, _centre(box)[1])) == (255, 255, 255)


def test_exif_orientation_is_honoured(tmp_path):
    # A landscape JPEG tagged "rotate 90": it is shown as a portrait, with bars at the sides.
    im = Image.new("RGB", (160, 90), BLUE)
    exif = im.getexif()
    exif[0x0112] = 6
    im.save(tmp_path / "rotated.jpg", exif=exif, quality=95)
    render_contact_sheet([tmp_path / "rotated.jpg"], tmp_path / "sheet.png", title="R", thumb_width=320)
    (box,) = sheet_layout(1, columns=4, thumb_width=320).thumbs
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert sheet.getpixel((box[0] + 30, _centre(box)[1])) == LETTERBOX
        assert _close(sheet.getpixel(_centre(box)), BLUE, tolerance=24)


def test_sheet_of_a_generated_deck(tmp_path):
    title = generate_deck(tmp_path / "deck", seed=2010, slides=6, size=(320, 180))
    slides = sorted((tmp_path / "deck").glob("slide*.png"))
    out = tmp_path / "nested" / "out" / "sheet.png"
    render_contact_sheet(slides, out, title=title)
    with Image.open(out) as sheet:
        assert sheet.format == "PNG"
        assert sheet.size == sheet_layout(6, columns=4, thumb_width=400).size


def test_title_with_characters_outside_the_font(tmp_path):
    slide = _image(tmp_path / "s.png", (160, 90), RED)
    render_contact_sheet([slide], tmp_path / "sheet.png", title="Caf\u00e9 \u2615 \u2014 \u65e5\u672c " * 10)
    assert (tmp_path / "sheet.png").stat().st_size > 0


def test_unreadable_slide_names_the_file(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not really a png")
    good = _image(tmp_path / "ok.png", (160, 90), RED)
    with pytest.raises(ValueError, match=r"broken\.png"):
        render_contact_sheet([good, bad], tmp_path / "sheet.png", title="Bad")
    assert not (tmp_path / "sheet.png").exists()


def test_missing_slide_names_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"gone\.png"):
        render_contact_sheet([tmp_path / "gone.png"], tmp_path / "sheet.png", title="Gone")


def test_no_slides_is_refused(tmp_path):
    with pytest.raises(ValueError):
        render_contact_sheet([], tmp_path / "sheet.png", title="Empty")
