"""Keeping slides: the one interface every source kind writes through.

Each kind of source (:mod:`.pdf`, :mod:`.office`, :mod:`.archive`, :mod:`.folder`) is a
:class:`Reader`: given the source, the deck's hidden folder and the import's
:class:`Options`, it decodes each slide safely (:func:`read_slide`), keeps it
through a :class:`SlideWriter` and says what it made (:class:`Slides`).

A slide is kept normalized (``slide01.png`` ..., at most :data:`MAX_SIZE`, aspect
kept, never enlarged); a photo-like slide is kept as a high-quality JPEG when
that is much smaller.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from PIL import Image

from ..images import FORMAT_NAMES, MAX_PIXELS, ImageRefused, flat_colour, load_image
from ..problems import BattledecksError
from ..words import some_names

MAX_SIZE = (1920, 1080)
"""Largest slide kept: larger ones are scaled down to fit, aspect kept; smaller ones are left as they are."""

MAX_IMAGE_PIXELS = MAX_PIXELS
"""An image larger than this is refused before it is decoded (a decompression bomb)."""

JPEG_QUALITY = 92
JPEG_GAIN = 0.5
"""A photo-like slide is kept as JPEG only when that is at most this fraction of the PNG."""
_PHOTO_COLOURS = 4096
"""A slide with more distinct colours than this (at thumbnail size) looks like a photo."""

IMAGE_NAMES = FORMAT_NAMES
"""The slide image formats, named for a person: where a source holds none, this is what it could hold."""

Progress = Callable[[str, int, int | None], None]
"""Told (what is being done, slides done, slides in all or None while unknown)."""


class ImportFailed(BattledecksError):
    """A source that cannot be imported; the text names the file and the reason."""


@dataclass(frozen=True)
class Options:
    """How an import reads its sources: the same for each of them."""

    progress: Progress | None
    """Told of each slide written."""
    soffice: str | None
    """LibreOffice's command (:mod:`.office`); None: found on PATH."""
    timeout: float
    """Seconds LibreOffice may take per file."""


@dataclass
class Slides:
    """What a reader made of one source: its slides are in the deck's hidden folder."""

    count: int
    title: str | None = None
    """The source's own title (a PDF's or a presentation's), if it has one."""
    notes: list[str] = field(default_factory=list)
    """Things worth saying about the source: files skipped and why, blank slides."""


class Reader(Protocol):
    """One kind of source: writes its slides into ``work``, in order, or raises :class:`ImportFailed`."""

    def __call__(self, path: Path, work: Path, options: Options) -> Slides: ...


def normalize(image: Image.Image) -> Image.Image:
    """A slide picture ready to keep: RGB, shrunk to fit :data:`MAX_SIZE` if larger."""
    if image.width > MAX_SIZE[0] or image.height > MAX_SIZE[1]:
        image.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
    return image


def _photo_like(image: Image.Image) -> bool:
    small = image.copy()
    small.thumbnail((320, 320))
    return small.getcolors(maxcolors=_PHOTO_COLOURS) is None


def encode(image: Image.Image) -> tuple[bytes, str]:
    """The bytes to keep for a normalized slide and their file ending (``.png`` or ``.jpg``).

    PNG keeps text and drawings sharp; a photo-like slide is kept as JPEG
    (quality 92, full colour resolution) when that is much smaller.
    """
    png = png_bytes(image)
    if _photo_like(image):
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
        if jpeg.tell() <= len(png) * JPEG_GAIN:
            return jpeg.getvalue(), ".jpg"
    return png, ".png"


def png_bytes(image: Image.Image) -> bytes:
    """``image`` as a PNG file's bytes."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def read_slide(source: Path | IO[bytes], name: str) -> Image.Image:
    """Decode one slide picture safely (see :mod:`battledecks.core.images`) at the size kept.

    Raises:
        ImportFailed: not an image, damaged, empty or too large to open safely; the text starts with ``name``.
    """
    try:
        return load_image(source, need=MAX_SIZE)
    except ImageRefused as refusal:
        raise ImportFailed(f"{name}: {refusal.reason}") from None
    except OSError as error:
        raise ImportFailed(f"{name}: cannot read: {error.strerror or error}") from None


def not_slides(names: Sequence[str]) -> str:
    """A note that files which are not slide images were skipped, naming them."""
    if len(names) == 1:
        return f"skipped 1 file that is not a slide image ({names[0]})"
    return f"skipped {len(names)} files that are not slide images ({some_names(names)})"


class SlideWriter:
    """Writes one deck's slides, in order, into its hidden folder."""

    def __init__(self, work: Path, total: int, what: str, progress: Progress | None) -> None:
        self.work = work
        self.total = total
        self.what = what
        self.progress = progress
        self.done = 0
        self.digits = max(2, len(str(total)))
        self.blank: list[str] = []
        """Names of slides that are one flat colour."""

    def add(self, image: Image.Image, name: str, label: str) -> None:
        """Keep one slide; ``name`` says where it came from in an error, ``label`` in a note."""
        try:
            image = normalize(image)
            if flat_colour(image):
                self.blank.append(label)
            data, suffix = encode(image)
        except Exception as error:  # noqa: BLE001 - Pillow fails on odd pictures in many ways
            raise ImportFailed(f"{name}: cannot be kept as a slide: {error or type(error).__name__}") from None
        path = self.work / f"slide{self.done + 1:0{self.digits}d}{suffix}"
        with path.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        self.done += 1
        if self.progress is not None:
            self.progress(self.what, self.done, self.total)

    def blank_note(self, what: str, notes: list[str]) -> None:
        """Add a note naming the slides that came out blank (one flat colour), if any."""
        if self.blank:
            one = len(self.blank) == 1
            notes.append(
                f"{what}{'' if one else 's'} {some_names(self.blank)} {'is' if one else 'are'} "
                "blank (one flat colour): check the source"
            )
