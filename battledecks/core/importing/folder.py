"""Folders of slide images: each image a slide, in natural order of the names.

A folder's own ``deck.yaml`` (a deck folder imported again) gives the new
deck's fields; other files are skipped and named.
"""

from __future__ import annotations

from pathlib import Path

from ..decks import DECK_FILE, is_hidden, is_slide_file, natural_key, read_deck_file
from ..problems import shown_path
from .plan import title_from_name
from .slides import IMAGE_NAMES, ImportFailed, Options, Slides, SlideWriter, not_slides, read_slide


def read(path: Path, work: Path, options: Options) -> Slides:
    """A folder's slide images, titled by the folder's name (a :class:`~.slides.Reader`)."""
    notes: list[str] = []
    title = title_from_name(path.resolve().name)
    try:
        entries = sorted((p for p in path.iterdir() if not is_hidden(p)), key=lambda p: natural_key(p.name))
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read folder: {error.strerror or error}") from None
    slides = [p for p in entries if is_slide_file(p) and p.is_file()]
    other = [p.name for p in entries if p not in slides and p.name != DECK_FILE]
    if other:
        notes.append(not_slides(other))
    if not slides:
        raise ImportFailed(f"{path}: no slide images in it ({IMAGE_NAMES})")
    writer = SlideWriter(work, len(slides), path.name, options.progress)
    for slide in slides:
        writer.add(read_slide(slide, shown_path(slide)), shown_path(slide), shown_path(slide.name))
    writer.blank_note("slide", notes)
    return Slides(writer.done, title, notes)


def folder_fields(path: Path) -> dict[str, object]:
    """The fields of a source folder's own ``deck.yaml``, when it has a valid one.

    Raises:
        ImportFailed: it has one with an error in it.
    """
    meta = path / DECK_FILE
    if not meta.is_file():
        return {}
    fields, problems = read_deck_file(meta)
    if any(p.is_error for p in problems):
        raise ImportFailed(f"{problems[0]}")
    return fields
