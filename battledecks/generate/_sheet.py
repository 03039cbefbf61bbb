"""Contact sheets: every slide of a deck as a numbered thumbnail on one image."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from ..core.images import ImageRefused, load_image
from ..core.problems import shown_path
from ..core.words import plural
from ._text import draw_fitted, fit

BACKGROUND = (28, 29, 36)
LETTERBOX = (8, 8, 10)
INK = (238, 238, 242)
MUTED = (150, 152, 165)


@dataclass(frozen=True)
class SheetLayout:
    """Where everything goes on a contact sheet."""

    size: tuple[int, int]
    header: tuple[int, int, int, int]
    thumbs: tuple[tuple[int, int, int, int], ...]  # letterbox area of each slide
    labels: tuple[tuple[int, int, int, int], ...]  # caption area under each thumbnail


def sheet_layout(count: int, *, columns: int, thumb_width: int) -> SheetLayout:
    """The layout of a sheet of count slides in 16:9 letterbox cells."""
    cols = max(1, min(columns, count))
    rows = max(1, math.ceil(count / cols))
    thumb_h = round(thumb_width * 9 / 16)
    pad = max(6, round(thumb_width * 0.06))
    label_h = max(12, round(thumb_width * 0.08))
    header_h = max(28, round(thumb_width * 0.16))
    width = pad + cols * (thumb_width + pad)
    height = pad + header_h + pad + rows * (thumb_h + label_h + pad)
    thumbs, labels = [], []
    for i in range(count):
        x = pad + (i % cols) * (thumb_width + pad)
        y = pad + header_h + pad + (i // cols) * (thumb_h + label_h + pad)
        thumbs.append((x, y, x + thumb_width, y + thumb_h))
        labels.append((x, y + thumb_h, x + thumb_width, y + thumb_h + label_h))
    return SheetLayout((width, height), (pad, pad, width - pad, pad + header_h), tuple(thumbs), tuple(labels))


def _thumbnail(path: Path, box: tuple[int, int]) -> Image.Image:
    """The first frame of an image, upright, transparency on white, scaled to fit box, on the letterbox colour.

    Opened the one safe way (:func:`battledecks.core.images.load_image`): size
    limits before decoding, and decoded at about the size of the thumbnail.
    """
    try:
        im = load_image(path, need=box)
        im = ImageOps.contain(im, box, Image.Resampling.LANCZOS)
    except ImageRefused as refusal:
        raise ValueError(f"{shown_path(path)}: {refusal.reason}") from None
    except OSError as err:
        raise ValueError(f"{shown_path(path)}: cannot be read as an image ({err.strerror or err})") from None
    cell = Image.new("RGB", box, LETTERBOX)
    cell.paste(im, ((box[0] - im.width) // 2, (box[1] - im.height) // 2))
    return cell


def render_contact_sheet(
    slides: list[Path],
    out: Path,
    *,
    title: str,
    columns: int = 4,
    thumb_width: int = 400,
) -> None:
    """Renders a deck's slides as numbered thumbnails under a title, into one image.

    Each slide is letterboxed into a 16:9 cell keeping its aspect ratio, so any
    image pillow opens works: PNG, JPEG, GIF (first frame), WebP, BMP, portrait
    or ultrawide.

    Args:
        slides: the slide files, in order.
        out: the image to write (PNG unless its suffix names another format pillow writes).
        title: shown in the header.
        columns: thumbnails per row.
        thumb_width: width of each thumbnail cell in pixels.

    Raises:
        ValueError: no slides, bad columns or width, or a slide that is not a readable image.
    """
    if not slides:
        raise ValueError(f"{out}: no slides to put on a contact sheet")
    if columns < 1 or thumb_width < 16:
        raise ValueError(f"contact sheet needs columns >= 1 and thumb_width >= 16 (got {columns}, {thumb_width})")
    layout = sheet_layout(len(slides), columns=columns, thumb_width=thumb_width)
    sheet = Image.new("RGB", layout.size, BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    hx0, hy0, hx1, hy1 = layout.header
    count_w = (hx1 - hx0) * 0.22
    count_text = plural(len(slides), "slide")
    heading = fit(
        title, hx1 - hx0 - count_w, hy1 - hy0, max_size=round((hy1 - hy0) * 0.62), min_size=8, bold=True, max_lines=2
    )
    draw_fitted(draw, heading, (hx0, hy0, hx1 - count_w, hy1), INK, valign="middle")
    counted = fit(count_text, count_w, hy1 - hy0, max_size=round((hy1 - hy0) * 0.4), min_size=6, max_lines=1)
    draw_fitted(draw, counted, (hx1 - count_w, hy0, hx1, hy1), MUTED, align="right", valign="middle")
    for number, (path, thumb, label) in enumerate(zip(slides, layout.thumbs, layout.labels), 1):
        path = Path(path)
        sheet.paste(_thumbnail(path, (thumb[2] - thumb[0], thumb[3] - thumb[1])), thumb[:2])
        lx0, ly0, lx1, ly1 = label
        size = round((ly1 - ly0) * 0.62)
        num = fit(str(number), (lx1 - lx0) * 0.2, ly1 - ly0, max_size=size, min_size=6, bold=True, max_lines=1)
        covered = draw_fitted(draw, num, (lx0, ly0, lx1, ly1), INK, valign="middle")
        name = fit(
            path.name, lx1 - covered[2] - size * 0.5, ly1 - ly0, max_size=round(size * 0.8), min_size=6, max_lines=1
        )
        draw_fitted(draw, name, (covered[2] + size * 0.5, ly0, lx1, ly1), MUTED, valign="middle")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = Image.registered_extensions().get(out.suffix.lower(), "PNG")
    sheet.save(out, format=fmt)
