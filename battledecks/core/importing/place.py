"""Placing imported decks: all of them, or none.

Nothing half-made ever shows in the decks folder: every deck is built in a
hidden folder inside it (hidden folders are not decks) by the reader of its
source's kind, and only when every source has been built are they renamed into
place. A failure or an interrupt removes the hidden folders and puts back any
deck already replaced; a process killed outright may leave one, which nothing reads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..atomic import fsync_dir
from ..decks import DECK_FILE
from . import archive, folder, office, pdf
from .office import CONVERT_TIMEOUT
from .plan import Source, plan, title_from_name
from .slides import ImportFailed, Options, Progress, Reader

READERS: dict[str, Reader] = {"pdf": pdf.read, "office": office.read, "zip": archive.read, "folder": folder.read}
"""The reader of each kind of source (see :attr:`~.plan.Source.kind`)."""


@dataclass
class Built:
    """A deck built in its hidden folder, not yet in place."""

    source: Source
    work: Path
    title: str
    slides: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Imported:
    """A deck that is now in the decks folder."""

    id: str
    path: Path
    title: str
    slides: int
    source: Path
    replaced: bool
    notes: tuple[str, ...] = ()
    """Things worth saying about the source: files skipped and why."""


def build(
    source: Source,
    into: Path,
    *,
    progress: Progress | None = None,
    soffice: str | None = None,
    timeout: float = CONVERT_TIMEOUT,
) -> Built:
    """Build one deck's slides in a hidden folder inside ``into``; its ``deck.yaml`` is written by :func:`import_decks`.

    On any failure or interrupt the hidden folder is removed before the error goes on.
    """
    work = Path(tempfile.mkdtemp(prefix=f".import-{source.id[:40]}-", dir=into))
    try:
        made = READERS[source.kind](source.path, work, Options(progress, soffice, timeout))
        return Built(source, work, made.title or title_from_name(source.path.stem), made.count, made.notes)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _deck_yaml(built: Built, title: str | None, authors: Sequence[str]) -> tuple[str, str]:
    """The new deck's ``deck.yaml`` text and its title."""
    meta: dict[str, Any] = {}
    if built.source.kind == "folder":
        meta.update(folder.folder_fields(built.source.path))
    meta["title"] = title or meta.get("title") or built.title
    if authors:
        meta["authors"] = list(authors)
    meta.setdefault("notes", f"imported from {built.source.path.name}")
    order = ("title", "authors", "tags", "notes", "retired")
    fields = {
        k: list(v) if isinstance(v := meta[k], tuple) else v for k in order if k in meta and meta[k] not in ((), [], "")
    }
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000), str(fields["title"])


def _place(built: Built, into: Path, replace: bool) -> Path | None:
    """Rename a built deck into place.

    Returns:
        The hidden folder the deck it replaced was moved to (None if it replaced
        none): removed by the caller once every deck is in place, or moved back.
    """
    target = into / built.source.id
    if not (target.exists() or target.is_symlink()):
        os.rename(built.work, target)
        return None
    if not replace:
        raise ImportFailed(f"{target}: deck {built.source.id!r} appeared meanwhile: add --replace to replace it")
    old = Path(tempfile.mkdtemp(prefix=f".replaced-{built.source.id[:40]}-", dir=into))
    os.rename(target, old / "deck")
    try:
        os.rename(built.work, target)
    except BaseException:
        os.rename(old / "deck", target)
        shutil.rmtree(old, ignore_errors=True)
        raise
    return old


def _put_back(placed: Sequence[tuple[Built, Path | None]], into: Path) -> None:
    """Undo :func:`_place` for decks already in place, newest first."""
    for deck, old in reversed(placed):
        target = into / deck.source.id
        shutil.rmtree(target, ignore_errors=True)
        if old is not None:
            try:
                os.rename(old / "deck", target)
            except OSError:
                pass
            shutil.rmtree(old, ignore_errors=True)


def import_decks(
    sources: Sequence[Path],
    into: Path,
    *,
    deck_id: str | None = None,
    title: str | None = None,
    authors: Iterable[str] = (),
    replace: bool = False,
    progress: Progress | None = None,
    soffice: str | None = None,
    timeout: float = CONVERT_TIMEOUT,
) -> list[Imported]:
    """Import each source as a deck in ``into``: all of them, or none.

    Args:
        sources: PDFs, presentations, zips and folders of images.
        into: the decks folder; made if missing (and removed again if the import fails).
        deck_id: the new deck's id (one source only); default: a slug of the source's name.
        title: the new deck's title (one source only); default: the PDF's or
            presentation's own title, a source folder's ``deck.yaml`` title, or the file name.
        authors: who made the deck(s).
        replace: replace decks with the same id.
        progress: told of each slide written.
        soffice: LibreOffice's command; default: found on PATH.
        timeout: seconds LibreOffice may take per file.

    Raises:
        ImportFailed: a source cannot be imported; the decks folder is as it was.
    """
    if title is not None and len(sources) > 1:
        raise ImportFailed("--title names one deck: give one source with it")
    if title is not None and not title.strip():
        raise ImportFailed("--title must not be empty")
    authors = [a.strip() for a in authors]
    if any(not a for a in authors):
        raise ImportFailed("--author must not be empty")
    if into.exists() and not into.is_dir():
        raise ImportFailed(f"{into}: not a folder")
    planned = plan(sources, into, deck_id=deck_id, replace=replace)
    # The outermost folder this import makes, to take away again if it fails.
    made = next((p for p in reversed([into, *into.parents]) if not p.exists()), None)
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImportFailed(f"{into}: cannot make the decks folder: {error.strerror or error}") from None
    built: list[Built] = []
    titles: list[str] = []
    placed: list[tuple[Built, Path | None]] = []
    try:
        for source in planned:
            built.append(build(source, into, progress=progress, soffice=soffice, timeout=timeout))
        for deck in built:
            text, deck_title = _deck_yaml(deck, title, authors)
            titles.append(deck_title)
            with (deck.work / DECK_FILE).open("w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(deck.work, 0o755)  # mkdtemp makes it private; a deck folder is not
        for deck in built:
            placed.append((deck, _place(deck, into, replace)))
    except BaseException as error:
        _put_back(placed, into)
        for deck in built:
            shutil.rmtree(deck.work, ignore_errors=True)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        if isinstance(error, OSError):
            raise ImportFailed(f"{into}: cannot write: {error.strerror or error}") from None
        raise
    for _, old in placed:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    fsync_dir(into)
    return [
        Imported(
            deck.source.id,
            into / deck.source.id,
            deck_title,
            deck.slides,
            deck.source.path,
            old is not None,
            tuple(deck.notes),
        )
        for (deck, old), deck_title in zip(placed, titles)
    ]
