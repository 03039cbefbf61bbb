"""Planning an import: what each source is and which deck it becomes, refused before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..pdf import is_pdf_file
from ..words import slugify
from .archive import ZIP_SUFFIX
from .office import OFFICE_SUFFIXES
from .slides import ImportFailed


@dataclass(frozen=True)
class Source:
    """One thing to import, and the deck it becomes."""

    path: Path
    kind: str
    """``pdf``, ``office``, ``zip`` or ``folder``: which reader builds it (see :data:`~.place.READERS`)."""
    id: str
    """The new deck's id: its folder name in the decks folder."""


def slug(name: str) -> str:
    """A deck id from a file name: lowercase ASCII words joined by hyphens."""
    return slugify(name)


def title_from_name(name: str) -> str:
    """A readable title from a file name without its ending: underscores become spaces."""
    return " ".join(name.replace("_", " ").split()) or name


def source_kind(path: Path) -> str:
    """What a source is, from what it is on disk and its name.

    Raises:
        ImportFailed: it does not exist, or is no kind of deck.
    """
    try:
        if path.is_dir():
            return "folder"
        if not path.exists():
            raise ImportFailed(f"{path}: no such file or folder")
        if not path.is_file():
            raise ImportFailed(f"{path}: not a file or a folder")
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in OFFICE_SUFFIXES:
        return "office"
    if suffix == ZIP_SUFFIX:
        return "zip"
    raise ImportFailed(
        f"{path}: cannot import {f'a {suffix} file' if suffix else 'a file with no ending'}: give a PDF, a PowerPoint or "
        "OpenDocument file (.pptx, .pptm, .ppsx, .ppt, .odp), a zip or a folder of images"
    )


def check_id(deck_id: str) -> str:
    """A deck id given by hand, if it can be a folder name in a decks folder.

    Raises:
        ImportFailed: it cannot.
    """
    if not deck_id.strip() or deck_id != deck_id.strip():
        raise ImportFailed(f"deck id {deck_id!r}: must not be empty or start or end with spaces")
    if "/" in deck_id or "\\" in deck_id or "\0" in deck_id or deck_id in (".", ".."):
        raise ImportFailed(f"deck id {deck_id!r}: must be a plain folder name")
    if deck_id.startswith("."):
        raise ImportFailed(f"deck id {deck_id!r}: must not start with a dot (hidden folders are not decks)")
    if len(deck_id.encode()) > 200:
        raise ImportFailed(f"deck id {deck_id!r}: too long")
    return deck_id


def plan(sources: Sequence[Path], into: Path, *, deck_id: str | None = None, replace: bool = False) -> list[Source]:
    """What each source is and which deck it becomes, refusing before anything is written.

    Raises:
        ImportFailed: a source is missing or of no known kind, two sources would
            make the same deck, or a deck is already there (without ``replace``).
    """
    if not sources:
        raise ImportFailed("nothing to import")
    if deck_id is not None and len(sources) > 1:
        raise ImportFailed("--id names one deck: give one source with it")
    planned: list[Source] = []
    for path in sources:
        kind = source_kind(path)
        if deck_id is not None:
            new_id = check_id(deck_id)
        else:
            new_id = slug(path.resolve().name if kind == "folder" else path.stem)
        planned.append(Source(path, kind, new_id))
    seen: dict[str, Path] = {}
    for source in planned:
        if source.id in seen:
            raise ImportFailed(
                f"{source.path}: would be deck {source.id!r}, like {seen[source.id]}: import them one at a time with --id"
            )
        seen[source.id] = source.path
        _refuse_existing(source, into, replace)
    return planned


def _refuse_existing(source: Source, into: Path, replace: bool) -> None:
    target = into / source.id
    if into.is_dir():
        for entry in into.iterdir():
            if is_pdf_file(entry) and entry.stem == source.id and entry.is_file():
                raise ImportFailed(
                    f"{entry}: already deck {source.id!r} in {into}: give {source.path} another --id, "
                    "or move that PDF out of the decks folder"
                )
    if target.is_symlink() or target.exists():
        if not target.is_dir() or target.is_symlink():
            raise ImportFailed(f"{target}: is in the way and is not a deck folder: move it or give another --id")
        if not replace:
            raise ImportFailed(
                f"{target}: deck {source.id!r} is already there: add --replace to replace it, or give another --id"
            )
