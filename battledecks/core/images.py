"""Opening slide pictures safely, the one way every command does it.

Every path that decodes a user's picture (check, import, the contact sheet,
the stage) opens it here, so the same limits hold everywhere and hold
*before* anything is decoded:

* a file over :data:`MAX_FILE_BYTES` is refused unread, an empty one is said to be empty;
* only PNG, JPEG, GIF, WebP and BMP are opened, whatever the file's name says;
* a picture over :data:`MAX_MEGAPIXELS` is refused from its header (a decompression bomb);
* a large picture is decoded at the size it is needed (JPEG's ``draft``
  scaling while decoding, ``reduce`` right after for the other formats), so
  memory stays small;
* any failure of the decoder, or of reading the picture's EXIF data, becomes an
  :class:`ImageRefused` with a reason in the organizer's words.

A slide is shown as it was designed: upright (EXIF rotation applied) and with
transparent parts on white (:func:`flatten`). A 32-bit BMP whose alpha channel
is zero everywhere is taken as opaque, as the programs that write them mean.

Pillow's own warnings (a malformed MPO header, corrupt EXIF data) never reach
the terminal: they are silenced for the whole process when this module is
imported, and :func:`open_image` can hand them to the caller as notes.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

from PIL import Image, UnidentifiedImageError

from .problems import BattledecksError

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
"""The picture formats a slide may be in (Pillow's names)."""
FORMAT_NAMES = "PNG, JPEG, GIF, WebP or BMP"
MAX_MEGAPIXELS = 50
"""Larger pictures are refused unopened: a slide never needs more."""
MAX_PIXELS = MAX_MEGAPIXELS * 1_000_000
MAX_FILE_BYTES = 200_000_000
"""Larger files are refused unread."""
WHITE = (255, 255, 255)
"""What transparent parts of a slide are shown on: slides are designed on white."""

_DEEP_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")

# Pillow warns with UserWarning about damaged but readable data (a malformed MPO
# header, corrupt EXIF) and with DecompressionBombWarning below its own limit,
# which is above ours. Neither is for the organizer's eyes: silence them here,
# once, for every thread.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL(\..*)?$")
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


class ImageRefused(BattledecksError):
    """A picture that cannot be a slide; ``reason`` says why, without the file's name."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def too_large_file(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused unread, or None when it may be read."""
    if size == 0:
        return "empty file (0 bytes)"
    if size > MAX_FILE_BYTES:
        return f"file is {size / 1e6:,.0f} MB: too large for a slide (at most {MAX_FILE_BYTES / 1e6:,.0f} MB)"
    return None


def _too_many_pixels(width: int, height: int) -> str:
    return (
        f"{width}×{height} is {width * height / 1e6:,.0f} megapixels: "
        f"too large to open safely (over {MAX_MEGAPIXELS} megapixels)"
    )


@contextmanager
def open_image(source: Path | IO[bytes], notes: list[str] | None = None) -> Iterator[Image.Image]:
    """Open a picture lazily (its header only), refusing what must not be decoded.

    The picture's size is known inside the ``with`` block and nothing is
    decoded yet; any error of the decoder inside the block (from ``load``,
    ``draft``, EXIF) becomes an :class:`ImageRefused` too.

    Args:
        source: a file, or an open binary file object (a zip member spooled to disk).
        notes: when given, Pillow's warnings about the file are added to it, in
            its words (called from the main thread only: warnings are process-wide).

    Raises:
        ImageRefused: empty, too large, not a picture of a slide format, or damaged.
        OSError: the file cannot be read.
    """
    if isinstance(source, Path):
        problem = too_large_file(os.stat(source).st_size)
        if problem is not None:
            raise ImageRefused(problem)
    record = notes is not None and threading.current_thread() is threading.main_thread()
    with warnings.catch_warnings(record=True) if record else _nothing() as caught:
        if record:
            warnings.simplefilter("always", UserWarning)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(source, formats=IMAGE_FORMATS)
        except UnidentifiedImageError:
            raise ImageRefused(f"not a {FORMAT_NAMES} image, whatever its name says") from None
        except Image.DecompressionBombError:
            raise ImageRefused(f"too large to open safely (over {MAX_MEGAPIXELS} megapixels)") from None
        except OSError as error:
            if isinstance(source, Path) and error.filename is not None:
                raise  # the file itself cannot be read
            raise ImageRefused(f"damaged image: {_reason(error)}") from None
        except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for damaged headers
            raise ImageRefused(f"damaged image: {_reason(error)}") from None
        try:
            with image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise ImageRefused(f"damaged image: its size is {width}×{height}")
                if width * height > MAX_PIXELS:
                    raise ImageRefused(_too_many_pixels(width, height))
                yield image
        except (ImageRefused, GeneratorExit):
            raise
        except Exception as error:  # noqa: BLE001 - a decoder failing in any way is a damaged image
            raise ImageRefused(f"damaged image (truncated or corrupt): {_reason(error)}") from None
        finally:
            if record and notes is not None and caught is not None:
                for warning in caught:
                    text = " ".join(str(warning.message).split())
                    if text and text not in notes:
                        notes.append(text)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""How to turn a picture upright for each EXIF orientation."""

_BAND_BYTES = 8_000_000
"""Shrinking works on bands of rows about this large, so it never copies a whole large picture."""


def orientation(image: Image.Image) -> int:
    """The picture's EXIF orientation (1: as stored); 1 when the EXIF data is damaged."""
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - damaged EXIF: shown as stored
        return 1
    return value if value in _TURNS else 1


def upright_size(image: Image.Image) -> tuple[int, int]:
    """The picture's size as shown: width and height swapped when EXIF turns it a quarter."""
    width, height = image.size
    return (height, width) if orientation(image) in (5, 6, 7, 8) else (width, height)


def turn(image: Image.Image, value: int) -> Image.Image:
    """``image`` turned upright for EXIF orientation ``value`` (from :func:`orientation`)."""
    method = _TURNS.get(value)
    return image if method is None else image.transpose(method)


def reduce_to(image: Image.Image, need: tuple[int, int] | None) -> Image.Image:
    """Decode ``image`` (an opened, unloaded picture), no larger than needed to fit the box ``need``.

    ``need`` is the box the picture will be fitted into, aspect kept (letterboxed).
    JPEG decodes straight at 1/2, 1/4 or 1/8 scale; other formats are decoded
    whole and then shrunk by a whole factor, band by band (so the only large
    thing in memory is the decoded picture itself), and what is kept is never
    much more than twice the fitted size across. The result is never smaller than
    the fitted size (unless the picture itself is), is as stored (see :func:`turn`),
    and may keep transparency. Only the first frame of an animation is decoded.
    """
    if need is not None and upright_size(image) != image.size:
        need = (need[1], need[0])  # the picture is stored a quarter turn from how it is shown
    if need is not None:
        need = _fitted(image.size, need)
    if need is not None and image.format == "JPEG":
        # draft() picks the smallest 1/2, 1/4, 1/8 scale still at least ``need``.
        image.draft(image.mode if image.mode in ("RGB", "L") else None, (max(1, need[0]), max(1, need[1])))
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    image.load()
    bmp = image.format == "BMP"
    if bmp and image.mode == "RGBA":
        # Before any shrinking, which weighs colours by alpha: an all-zero alpha would blacken the picture.
        image = flatten(image, bmp=True)
    if need is None:
        return image
    w, h = image.size
    factor = min(w // max(1, need[0]), h // max(1, need[1]))
    if factor < 2:
        return image
    if image.mode in _DEEP_MODES:
        image = flatten(image)  # scaled to 8 bits over the whole picture, not band by band
    return _reduce_in_bands(image, factor)


def _fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The size of a picture of ``size`` fitted into ``box``, aspect kept, rounded up; never enlarged."""
    w, h = size
    scale = min(1.0, max(1, box[0]) / max(1, w), max(1, box[1]) / max(1, h))
    return max(1, math.ceil(w * scale)), max(1, math.ceil(h * scale))


def _reduce_in_bands(image: Image.Image, factor: int) -> Image.Image:
    """``image.reduce(factor)``, a band of rows at a time: reduce() copies its whole input for
    pictures with alpha, which for a 50-megapixel picture is 200 MB more."""
    w, h = image.size
    rows = max(factor, _BAND_BYTES // max(1, w * 4) // factor * factor)
    out: Image.Image | None = None
    for top in range(0, h, rows):
        band = image.crop((0, top, w, min(h, top + rows)))
        if band.mode in ("P", "PA", "1") or "transparency" in band.info:
            band = band.convert("RGBA")  # reduce() takes no palette; transparency becomes alpha
        small = band.reduce(factor)
        if out is None:
            out = Image.new(small.mode, (-(-w // factor), -(-h // factor)))
        out.paste(small, (0, top // factor))
    return out if out is not None else image.reduce(factor)  # (a picture with no rows)


def flatten(image: Image.Image, background: tuple[int, int, int] = WHITE, *, bmp: bool = False) -> Image.Image:
    """A new 8-bit RGB picture with transparent parts on ``background``, and no ``info`` carried over.

    Palette and grey pictures with a transparent colour, and every mode with
    an alpha channel, are composited. For a BMP (``bmp``), an alpha channel that
    is zero everywhere is no alpha: many programs write 32-bit BMPs that way,
    meaning an opaque picture. Deep (16-bit, float) greys are scaled to 8 bits.
    """
    if image.mode in _DEEP_MODES:
        lo, hi = cast("tuple[float, float]", image.getextrema())
        image = image.point(lambda v: (v - lo) * 255 / max(1, hi - lo)).convert("L")
    if "transparency" in image.info and image.mode in ("P", "L", "1", "RGB"):
        image = image.convert("RGBA")
    if image.mode in _ALPHA_MODES:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        alpha = rgba.getchannel("A")
        if bmp and alpha.getextrema() == (0, 0):
            flat = rgba.convert("RGB")
        else:
            flat = Image.new("RGB", rgba.size, background)
            flat.paste(rgba, mask=alpha)
        return flat
    flat = image.convert("RGB")
    if flat is image:
        flat = image.copy()
    flat.info = {}
    return flat


def load_image(source: Path | IO[bytes], need: tuple[int, int] | None = None) -> Image.Image:
    """A slide picture decoded safely: upright, 8-bit RGB, transparency on white.

    Args:
        source: the picture file (or an open binary file object).
        need: the smallest (width, height) the caller will use; a larger
            picture is decoded at a reduced size, never below it.

    Raises:
        ImageRefused: see :func:`open_image`.
        OSError: the file cannot be read.
    """
    with open_image(source) as image:
        bmp = image.format == "BMP"
        upright_by = orientation(image)  # read now: a reduced picture has no EXIF data
        return turn(flatten(reduce_to(image, need), bmp=bmp), upright_by)


def flat_colour(image: Image.Image, spread: int = 12) -> bool:
    """Whether an RGB picture is (nearly) one flat colour: no channel varies more than ``spread``."""
    small = image if image.width * image.height <= 400_000 else image.reduce(max(2, image.width // 640))
    bands = cast("tuple[tuple[int, int], ...]", small.getextrema())
    return all(hi - lo <= spread for lo, hi in bands)
