"""Zip archives of slide images, opened warily.

A zip is refused unopened when it lists more than :data:`MAX_ZIP_MEMBERS`
entries, or when its images would unpack to more than :data:`MAX_ZIP_BYTES`
(a zip bomb); an image too large for a slide is refused from the size the zip
gives. Each member is unpacked in pieces and stopped past the size the zip
gives for it, so a zip that lies about its sizes stops there too. Entries with
an unsafe path (absolute, ``..``, a drive) are skipped and named.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from ..decks import IMAGE_SUFFIXES, natural_key
from ..images import too_large_file
from ..words import plural, some_names
from .slides import IMAGE_NAMES, ImportFailed, Options, Slides, SlideWriter, not_slides, read_slide

ZIP_SUFFIX = ".zip"

MAX_ZIP_MEMBERS = 2000
"""A zip listing more entries than this is refused unopened."""
MAX_ZIP_BYTES = 1_000_000_000
"""A zip whose images would unpack to more than this is refused unopened (a zip bomb)."""


def _zip_members(path: Path, archive: zipfile.ZipFile, notes: list[str]) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFailed(f"{path}: lists {len(infos)} files, more than {MAX_ZIP_MEMBERS}: refused unopened")
    images: list[zipfile.ZipInfo] = []
    unsafe: list[str] = []
    other: list[str] = []
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            unsafe.append(info.filename)
        elif any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        elif PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES:
            images.append(info)
        else:
            other.append(info.filename)
    if unsafe:
        notes.append(f"skipped {plural(len(unsafe), 'entry', 'entries')} with an unsafe path ({some_names(unsafe)})")
    if other:
        notes.append(not_slides(other))
    if not images:
        raise ImportFailed(f"{path}: no slide images in it ({IMAGE_NAMES})")
    for info in images:
        refused = too_large_file(info.file_size)
        if refused is not None:
            raise ImportFailed(f"{path}: {info.filename}: {refused}: refused unopened")
    total = sum(info.file_size for info in images)
    if total > MAX_ZIP_BYTES:
        raise ImportFailed(
            f"{path}: its images would unpack to {total / 1e6:,.0f} MB, more than {MAX_ZIP_BYTES / 1e6:,.0f} MB: refused"
        )
    return sorted(images, key=lambda i: natural_key(i.filename))


def read(path: Path, work: Path, options: Options) -> Slides:
    """A zip's slide images, in natural order of their names (a :class:`~.slides.Reader`)."""
    notes: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise ImportFailed(f"{path}: not a zip file, or a damaged one") from None
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    with archive:
        members = _zip_members(path, archive, notes)
        writer = SlideWriter(work, len(members), path.name, options.progress)
        budget = MAX_ZIP_BYTES
        spool = work / ".member"
        for info in members:
            name = f"{path}: {info.filename}"
            # Never more than the zip says, and never more than the budget: a lying zip stops here.
            size = _unpack(archive, info, spool, min(info.file_size, budget), name)
            budget -= size
            try:
                writer.add(read_slide(spool, name), name, info.filename)
            finally:
                spool.unlink(missing_ok=True)
        writer.blank_note("slide", notes)
    return Slides(writer.done, notes=notes)


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, spool: Path, limit: int, name: str) -> int:
    """Copy one member to ``spool`` in pieces, stopping past ``limit`` bytes; returns its size."""
    size = 0
    try:
        with archive.open(info) as member, spool.open("wb") as out:
            while block := member.read(min(1 << 20, limit + 1 - size)):
                size += len(block)
                if size > limit:
                    raise ImportFailed(f"{name}: larger than the zip says: refused")
                out.write(block)
    except RuntimeError:
        raise ImportFailed(f"{name}: password protected") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ImportFailed(f"{name}: damaged in the zip: {error}") from None
    return size
