"""Checking one slide picture: it opens safely, decodes in full, and looks like a slide.

A check reads and never writes, and never shows a slide: it only reports
what is wrong with one. Every failure becomes a :class:`Problem` naming the file.

* a slide must decode as a PNG, JPEG, GIF, WebP or BMP image, whatever its
  name says, in full (a truncated file is caught), and be at most
  :data:`~battledecks.core.images.MAX_MEGAPIXELS`, so a decompression bomb is
  refused before decoding (see :mod:`battledecks.core.images`);
* small slides, slides far from 4:3..16:9 (as shown, after EXIF rotation) and
  slides that are one flat colour once transparency is put on white are warned about;
* the same image in two places is warned about (:class:`SameImages`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..pdf import file_digest
from ..problems import Problem, error, os_problem, warning

MIN_WIDTH, MIN_HEIGHT = 640, 360
"""Smaller slides are warned about: they look blurry on a projector."""
MIN_RATIO, MAX_RATIO = 1.2, 2.0
"""Width / height outside this range is warned about: 4:3 is 1.33, 16:9 is 1.78."""

_LOOK_SIZE = (240, 135)
"""The size a slide is decoded at to look at it (flat colour): enough to see any text."""


def ratio_ok(width: float, height: float) -> bool:
    """Whether a slide of this shape shows without wide bars."""
    return height > 0 and MIN_RATIO <= width / height <= MAX_RATIO


@dataclass(frozen=True)
class SlideCheck:
    """What checking one slide image found."""

    path: Path
    problems: tuple[Problem, ...]
    digest: str | None = None
    """SHA-256 of the file's bytes, when they could be read: finds the same image twice."""
    size: tuple[int, int] | None = None
    """Width and height in pixels as shown (EXIF rotation applied), when the image could be opened."""

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


# Keyed by the file's identity and stat, so a changed file is checked again.
# Filled by checks in this process and from the check cache (core/checks/cache.py).
_slide_cache: dict[tuple[object, ...], SlideCheck] = {}


def _key(path: Path, st: os.stat_result) -> tuple[object, ...]:
    return (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def check_image(path: Path, *, cached: bool = True) -> SlideCheck:
    """Check one slide file: readable, a real image, safe to open, decodes in full.

    Results are kept, keyed by the file's identity, size and modification
    time, so checking the same decks again is quick; ``cached=False`` decodes
    the file again whatever is known (the drawn deck, just before its talk).
    """
    try:
        st = os.stat(path)
    except OSError as failure:
        return SlideCheck(path, (os_problem(path, failure),))
    key = _key(path, st)
    known = _slide_cache.get(key) if cached else None
    if known is not None:
        return (
            known
            if known.path == path
            else replace(known, path=path, problems=tuple(replace(p, path=path) for p in known.problems))
        )
    result = _check_image(path, st.st_size)
    remember(key, result)
    return result


def remember(key: tuple[object, ...], result: SlideCheck) -> None:
    """Keep a slide's result under its file's key; only stable answers (a read error may be gone next time)."""
    if result.digest is not None:
        _slide_cache[key] = result


def known(path: Path) -> bool:
    """Whether ``path``, as it is now, has a kept result."""
    try:
        return _key(path, os.stat(path)) in _slide_cache
    except OSError:
        return False


def remembered() -> list[tuple[tuple[object, ...], SlideCheck]]:
    """Every kept result with its key."""
    return list(_slide_cache.items())


def _check_image(path: Path, size: int) -> SlideCheck:
    # Pillow, only once a slide is decoded: a check of an unchanged library decodes none.
    from ..images import ImageRefused, too_large_file

    refused = too_large_file(size)
    if refused is not None:
        return SlideCheck(path, (error(path, refused),))
    try:
        digest = file_digest(path)
    except OSError as failure:
        return SlideCheck(path, (os_problem(path, failure),))
    try:
        problems, dims = _decode(path)
    except OSError as failure:
        return SlideCheck(path, (os_problem(path, failure),))
    except ImageRefused as refusal:
        problems, dims = [error(path, refusal.reason)], None
    except Exception as failure:  # noqa: BLE001 - a decoder failing in any way is a damaged image
        problems, dims = [error(path, f"damaged image: {failure}")], None
    return SlideCheck(path, tuple(problems), digest, dims)


def _decode(path: Path) -> tuple[list[Problem], tuple[int, int] | None]:
    from ..images import flat_colour, flatten, open_image, reduce_to, upright_size

    notes: list[str] = []
    with open_image(path, notes) as image:
        image.verify()
    # verify() leaves the image unusable and misses truncated JPEGs: decode for real,
    # at a reduced scale where the format allows it (JPEG), to keep this quick.
    with open_image(path, notes) as image:
        width, height = upright_size(image)
        animated = bool(getattr(image, "is_animated", False))
        bmp = image.format == "BMP"
        flat = flat_colour(flatten(reduce_to(image, _LOOK_SIZE), bmp=bmp))
    problems: list[Problem] = [warning(path, f"odd image data: {note}") for note in notes]
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        problems.append(
            warning(
                path, f"small image {width}×{height} (under {MIN_WIDTH}×{MIN_HEIGHT}): will look blurry on a big screen"
            )
        )
    if not ratio_ok(width, height):
        problems.append(
            warning(
                path,
                f"aspect ratio {width}×{height} ({width / height:.2f}:1) is far from 4:3..16:9: will be letterboxed",
            )
        )
    if animated:
        problems.append(warning(path, "animated: only the first frame is shown"))
    if flat:
        problems.append(warning(path, "one flat colour (transparent parts shown on white): blank on stage?"))
    return problems, (width, height)


class RealPaths:
    """:func:`os.path.realpath` of many files in few folders: each folder is resolved once.

    A file's real path is its folder's real path and its name, unless the
    file itself is a symbolic link (then it is resolved in full). One lookup
    per file instead of one per part of its path, which a check of a big
    library does twice for every slide.
    """

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: str | os.PathLike[str]) -> str:
        folder, name = os.path.split(os.path.abspath(path))
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        full = os.path.join(real, name)
        return os.path.realpath(full) if os.path.islink(full) else full


class SameImages:
    """Finds the same image bytes in two places: share one across a whole check."""

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, Path]] = {}
        self._real = RealPaths()

    def problems(self, slides: Iterable[SlideCheck]) -> list[Problem]:
        found = []
        for slide in slides:
            if slide.digest is None:
                continue
            real = self._real(slide.path)
            first = self._first.setdefault(slide.digest, (real, slide.path))
            if first[0] != real:
                found.append(warning(slide.path, f"same image as {first[1]}"))
        return found
