"""Fitting slide pictures to a cell grid: sizes and letterbox positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from battledecks.render.fit import fit_box, fit_image, fit_path, fit_size, load_slide

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


def bbox_of_content(img: Image.Image) -> tuple[int, int, int, int] | None:
    """Box of the non-black pixels."""
    return img.convert("L").point(lambda v: 255 if v > 16 else 0).getbbox()


@pytest.mark.parametrize(
    ("image_size", "cells", "expected"),
    [
        ((1920, 1080), (160, 45), (160, 90)),  # 16:9 fills a 16:9 grid exactly
        ((1920, 1080), (240, 67), (238, 134)),  # height decides: 134 * 16/9 = 238.2
        ((1080, 1920), (160, 45), (51, 90)),  # portrait: 90 * 9/16 = 50.6
        ((1000, 1000), (160, 45), (90, 90)),  # square
        ((4000, 500), (160, 45), (160, 20)),  # ultra-wide: 160 / 8
        ((8, 8), (160, 45), (90, 90)),  # tiny pictures are scaled up to fit
        ((1, 1), (3, 1), (2, 2)),
    ],
)
def test_fit_size(image_size: tuple[int, int], cells: tuple[int, int], expected: tuple[int, int]) -> None:
    assert fit_size(image_size, cells) == expected


def test_fit_size_wide_cells_give_fewer_pixel_columns() -> None:
    # With square cells (aspect 1) a half-cell pixel is twice as wide as
    # tall, so a square picture needs half as many columns as rows.
    assert fit_size((1000, 1000), (160, 45), cell_aspect=1.0) == (45, 90)


def test_fit_box_never_exceeds_box_and_rejects_empty() -> None:
    for size in [(1, 10_000), (10_000, 1), (3, 7)]:
        w, h = fit_box(size, (17, 5))
        assert 1 <= w <= 17 and 1 <= h <= 5
    with pytest.raises(ValueError):
        fit_box((0, 10), (10, 10))
    with pytest.raises(ValueError):
        fit_box((10, 10), (0, 10))


def test_portrait_is_centred_with_bars_left_and_right() -> None:
    img = fit_image(Image.new("RGB", (1080, 1920), WHITE), 160, 45)
    assert img.size == (160, 90) and img.mode == "RGB"
    # 51 columns of picture, (160 - 51) // 2 = 54 columns of black before it.
    assert bbox_of_content(img) == (54, 0, 105, 90)


def test_ultra_wide_is_centred_with_bars_above_and_below() -> None:
    img = fit_image(Image.new("RGB", (4000, 500), WHITE), 160, 45)
    assert bbox_of_content(img) == (0, 35, 160, 55)


def test_square_and_tiny_fill_the_height() -> None:
    square = fit_image(Image.new("RGB", (1000, 1000), WHITE), 160, 45)
    assert bbox_of_content(square) == (35, 0, 125, 90)
    tiny = Image.new("RGB", (2, 2), BLACK)
    tiny.putpixel((0, 0), WHITE)
    big = fit_image(tiny, 160, 45)
    # Scaled up with nearest neighbour: the white pixel stays a sharp square.
    assert bbox_of_content(big) == (35, 0, 80, 45)
    assert big.getpixel((79, 44)) == WHITE
    assert big.getpixel((80, 44)) == BLACK


def test_downscale_keeps_colours_of_flat_areas() -> None:
    src = Image.new("RGB", (1920, 1080), (200, 30, 40))
    src.paste((10, 200, 90), (960, 0, 1920, 1080))
    img = fit_image(src, 160, 45)
    assert img.getpixel((10, 45)) == (200, 30, 40)
    assert img.getpixel((150, 45)) == (10, 200, 90)


def test_load_slide_jpeg_draft_gif_frame_and_transparency(tmp_path: Path) -> None:
    jpeg = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 2000), (0, 0, 255)).save(jpeg, quality=95)
    loaded = load_slide(jpeg, hint=(480, 240))
    # draft() decodes at 1/8 scale: 500x250, still no smaller than asked.
    assert loaded.size == (500, 250) and loaded.mode == "RGB"

    gif = tmp_path / "anim.gif"
    first = Image.new("RGB", (20, 10), (255, 0, 0))
    second = Image.new("RGB", (20, 10), (0, 255, 0))
    first.save(gif, save_all=True, append_images=[second])
    frame = load_slide(gif)
    assert frame.mode == "RGB" and frame.getpixel((5, 5)) == (255, 0, 0)

    png = tmp_path / "alpha.png"
    rgba = Image.new("RGBA", (20, 10), (255, 255, 255, 0))
    rgba.paste((0, 0, 0, 255), (10, 0, 20, 10))
    rgba.save(png)
    flat = load_slide(png)
    # Transparency is shown on white, as slides are designed: dark content stays visible.
    assert flat.getpixel((2, 5)) == WHITE and flat.getpixel((15, 5)) == BLACK


def test_fit_path_gives_exact_box(tmp_path: Path) -> None:
    path = tmp_path / "slide.png"
    Image.new("RGB", (1920, 1080), WHITE).save(path)
    img = fit_path(path, (240, 134))
    assert img.size == (240, 134)
    assert bbox_of_content(img) == (1, 0, 239, 134)


def test_load_slide_refuses_non_picture(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a picture")
    with pytest.raises(OSError):
        load_slide(path)
