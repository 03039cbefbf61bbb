"""Fitting a slide picture to a terminal's cell grid.

Pure functions on pillow images: no terminal, no Textual. A slide is shown
letterboxed (its aspect kept) and centred on black (the bars; transparent
parts of the slide itself are shown on white, as slides are designed), so a portrait photo gets
bars left and right and an ultra-wide banner gets bars above and below.

Half-cell drawing puts two pixels in one cell, one above the other, so a
grid of ``cols x rows`` cells is a picture of ``cols x 2*rows`` pixels. With
the usual cell shape (twice as tall as wide) those pixels are square.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from battledecks.core.images import ImageRefused, flatten, load_image

HALF_CELL_ASPECT = 0.5
"""Width / height of a typical terminal cell in pixels."""

BLACK = (0, 0, 0)


def fit_box(image_size: tuple[int, int], box: tuple[int, int], pixel_aspect: float = 1.0) -> tuple[int, int]:
    """Largest size that keeps a picture's shape inside a box of pixels.

    Args:
        image_size: (width, height) of the picture in its own pixels.
        box: (width, height) of the box in target pixels.
        pixel_aspect: width / height of one target pixel as shown on screen.

    Returns:
        (width, height) in target pixels, each at least 1 and within ``box``.
    """
    width, height = image_size
    box_w, box_h = box
    if width <= 0 or height <= 0:
        raise ValueError(f"picture size must be positive, got {width}x{height}")
    if box_w <= 0 or box_h <= 0:
        raise ValueError(f"box size must be positive, got {box_w}x{box_h}")
    # Shape of the picture measured in target pixels: w/h on screen is
    # (tw * pixel_aspect) / th, which must equal width / height.
    shape = width / (height * pixel_aspect)
    if box_w / box_h > shape:
        th = box_h
        tw = round(box_h * shape)
    else:
        tw = box_w
        th = round(box_w / shape)
    return max(1, min(box_w, tw)), max(1, min(box_h, th))


def fit_size(
    image_size: tuple[int, int], cells: tuple[int, int], cell_aspect: float = HALF_CELL_ASPECT
) -> tuple[int, int]:
    """Pixel size of a picture drawn with half cells in a grid of cells.

    Args:
        image_size: (width, height) of the picture.
        cells: (cols, rows) of the grid.
        cell_aspect: width / height of one cell in screen pixels.

    Returns:
        (width, height) in half-cell pixels, within ``cols x 2*rows``.
    """
    cols, rows = cells
    # A half-cell pixel is one cell wide and half a cell tall.
    return fit_box(image_size, (cols, 2 * rows), pixel_aspect=2 * cell_aspect)


def load_slide(path: Path, hint: tuple[int, int] | None = None) -> Image.Image:
    """Open a slide picture as RGB, upright, transparency on white (as slides are designed).

    The picture is opened the one safe way every command uses
    (:func:`battledecks.core.images.load_image`): size limits before decoding,
    and a large picture decoded at about the size needed.

    Args:
        path: Image file (PNG, JPEG, GIF, WebP or BMP; a GIF gives its first frame).
        hint: Smallest (width, height) the caller needs; big JPEGs are then
            decoded at a reduced scale, which is several times faster, and
            other big pictures shrunk by a whole factor at once.

    Returns:
        A loaded RGB image.

    Raises:
        OSError: The file cannot be read, is not a picture, or is refused (too large, damaged).
    """
    try:
        return load_image(path, need=hint)
    except ImageRefused as refusal:
        raise OSError(refusal.reason) from None


def to_rgb(img: Image.Image) -> Image.Image:
    """RGB version of ``img`` with any transparency composited on white."""
    if img.mode == "RGB" and "transparency" not in img.info:
        return img
    return flatten(img)


def scale(img: Image.Image, size: tuple[int, int], *, no_halo: bool = False) -> Image.Image:
    """Resize with the filter that suits the direction.

    Downscaling uses LANCZOS after an integer box reduce (fast and sharp).
    Upscaling by 2x or more uses NEAREST so small pictures and pixel art stay
    crisp instead of blurred; smaller upscales use LANCZOS.

    Args:
        img: The picture.
        size: (width, height) wanted.
        no_halo: Downscaling, keep each pixel within the colours around it
            (LANCZOS sharpens by overshooting: a pale rim around dark text).
            For half cells, where a rim a little lighter than the page is
            a different colour of the 256-colour palette: white speckles.
    """
    if img.size == size:
        return img
    w, h = size
    if w <= img.width and h <= img.height:
        # reducing_gap: pillow shrinks by an integer factor with a box filter
        # first, then finishes with LANCZOS; same look, much less work.
        sharp = img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if not no_halo:
            return sharp
        # Within the darkest and lightest of the area averages around each pixel.
        average = img.resize(size, Image.Resampling.BOX)
        darkest, lightest = average.filter(ImageFilter.MinFilter(3)), average.filter(ImageFilter.MaxFilter(3))
        return ImageChops.lighter(ImageChops.darker(sharp, lightest), darkest)
    if w >= 2 * img.width and h >= 2 * img.height:
        return img.resize(size, Image.Resampling.NEAREST)
    return img.resize(size, Image.Resampling.LANCZOS)


def letterbox(
    img: Image.Image, box: tuple[int, int], pixel_aspect: float = 1.0, *, no_halo: bool = False
) -> Image.Image:
    """``img`` scaled to fit ``box`` (shape kept) and centred on black.

    Args:
        img: Any pillow image; converted to RGB.
        box: (width, height) of the result.
        pixel_aspect: width / height of one result pixel on screen.

    Returns:
        An RGB image of exactly ``box``.
    """
    img = to_rgb(img)
    size = fit_box(img.size, box, pixel_aspect)
    scaled = scale(img, size, no_halo=no_halo)
    if size == tuple(box):
        return scaled
    canvas = Image.new("RGB", box, BLACK)
    canvas.paste(scaled, ((box[0] - size[0]) // 2, (box[1] - size[1]) // 2))
    return canvas


def fit_image(img: Image.Image, cols: int, rows: int, cell_aspect: float = HALF_CELL_ASPECT) -> Image.Image:
    """Picture for half-cell drawing in ``cols x rows`` cells.

    Args:
        img: The slide picture.
        cols: Cells across.
        rows: Cells down.
        cell_aspect: width / height of one cell in screen pixels.

    Returns:
        An RGB image of ``cols x 2*rows`` pixels: the slide letterboxed on black, without halos.
    """
    return letterbox(img, (cols, 2 * rows), pixel_aspect=2 * cell_aspect, no_halo=True)


def fit_path(path: Path, box: tuple[int, int], pixel_aspect: float = 1.0) -> Image.Image:
    """Load a slide file and letterbox it into ``box`` pixels of half cells (without halos, see ``scale``).

    Args:
        path: Slide picture file.
        box: (width, height) of the result.
        pixel_aspect: width / height of one result pixel on screen.

    Returns:
        An RGB image of exactly ``box``.
    """
    # Decode at no less than twice the target so the final LANCZOS pass,
    # not the JPEG decoder's coarse scaling, decides the sharpness.
    return letterbox(load_slide(path, hint=(2 * box[0], 2 * box[1])), box, pixel_aspect, no_halo=True)
