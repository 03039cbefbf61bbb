"""Decks: a folder of slide images with an optional ``deck.yaml``, or a PDF.

The slides are the image files in the folder, in natural order of their
names (``slide2.png`` before ``slide10.png``); hidden files are ignored. The
deck id is the folder name. Reading a deck never opens its images: listing a
deck must not show its contents to anyone, and checking images is the job of
:mod:`battledecks.core.checks`.

A PDF dropped into a decks folder as it is (``decks/foo.pdf``) is a deck too,
with id ``foo``, one slide per page, titled by the PDF's own title or its file
name. Reading it counts its pages without drawing any; :func:`slide_files`
draws them (once, into a cache) when they are to be shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .pdf import PdfError, cached_pages, default_cache_dir, is_pdf_file, is_pdf_name, read_pdf
from .problems import BattledecksError, Problem
from .text import control_problem, visible
from .yamlfile import Lines, YamlFileError, load_yaml

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})
"""File endings that count as slides."""

DECK_FILE = "deck.yaml"

_DECK_KEYS = {"title", "authors", "tags", "notes", "retired"}


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that orders embedded numbers by value: ``2`` before ``10``."""
    parts = re.split(r"(\d+)", name.casefold())
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in parts if p)


def is_hidden(path: Path) -> bool:
    return path.name.startswith(".")


def is_slide_file(path: Path) -> bool:
    return not is_hidden(path) and path.suffix.lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class Deck:
    """One deck of slides a presenter can be handed."""

    id: str
    """The folder name (a PDF's name without ``.pdf``); unique within a decks folder."""
    path: Path
    """The deck folder, or the PDF file."""
    title: str
    """From ``deck.yaml``, else the folder name (a PDF's own title, else its file name)."""
    slides: tuple[Path, ...]
    """Slide images in showing order; empty for a PDF deck (see :func:`slide_files`)."""
    authors: tuple[str, ...] = ()
    """Who made the deck; they are never handed their own deck."""
    tags: tuple[str, ...] = ()
    notes: str = ""
    retired: bool = False
    """A retired deck is never drawn."""
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    """What was wrong with ``deck.yaml`` (or the PDF), if anything."""
    pdf: Path | None = None
    """The PDF file, for a deck that is one."""
    pdf_pages: int = 0
    """Pages of the PDF, counted without drawing them."""
    pdf_page_sizes: tuple[tuple[float, float], ...] = field(default=(), compare=False)
    """Width and height of each page in points, read with the count (checking needs them: no second opening)."""

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def slide_count(self) -> int:
        """How many slides the deck has: its images, or its PDF's pages."""
        return self.pdf_pages if self.pdf is not None else len(self.slides)


class DeckError(BattledecksError):
    """A deck that cannot be read."""


def list_slides(folder: Path) -> tuple[Path, ...]:
    """The slide files of a deck folder, in natural order."""
    files = [p for p in folder.iterdir() if is_slide_file(p) and p.is_file()]
    return tuple(sorted(files, key=lambda p: natural_key(p.name)))


def _str_list(value: object, key: str, path: Path, line: int | None, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(Problem(path, "must be a list of non-empty names", line=line, key=key))
        return ()
    why = next((w for v in value if (w := control_problem(v))), None)
    if why:
        problems.append(Problem(path, why, line=line, key=key))
        return ()
    return tuple(v.strip() for v in value)


DeckFile = tuple[dict[str, object], tuple[Problem, ...]]
"""What a ``deck.yaml`` says: its fields and its problems."""

# Keyed by the file's path and stat, as slide checks are (core/checks/slides.py): a changed file is
# read again. Filled by reads in this process and from the check cache (core/checks/cache.py).
_deck_files: dict[tuple[object, ...], DeckFile] = {}


def _file_key(path: Path) -> tuple[object, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def remember_deck_file(key: tuple[object, ...], said: DeckFile) -> None:
    """Keep what a ``deck.yaml`` said under its file's key."""
    _deck_files[key] = said


def remembered_deck_files() -> list[tuple[tuple[object, ...], DeckFile]]:
    """Every kept ``deck.yaml`` reading with its key."""
    return list(_deck_files.items())


def read_deck_file(path: Path) -> tuple[dict[str, object], list[Problem]]:
    """Read and validate a ``deck.yaml``; return the fields and any problems.

    A file read before and unchanged since (same path, inode, size and
    modification time) is not parsed again: a big library's deck files are
    read once, not at every check.
    """
    key = _file_key(path)
    known = _deck_files.get(key) if key is not None else None
    if known is not None:
        fields, said = known
        return dict(fields), [p if p.path == path else replace(p, path=path) for p in said]
    try:
        data, lines = load_yaml(path)
    except YamlFileError as error:
        # Not kept: a file that cannot be read now may be readable next time.
        return {}, [Problem(path, error.reason, line=error.line)]
    fields, problems = _deck_fields(path, data, lines)
    if key is not None:
        _deck_files[key] = (dict(fields), tuple(problems))
    return fields, problems


def _deck_fields(path: Path, data: object, lines: Lines) -> tuple[dict[str, object], list[Problem]]:
    problems: list[Problem] = []
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem(path, "must be a mapping of keys (title, authors, tags, notes, retired)", line=1)]
    fields: dict[str, object] = {}
    for key, value in data.items():
        line = lines.get((key,))
        if key not in _DECK_KEYS:
            known = ", ".join(sorted(_DECK_KEYS))
            problems.append(Problem(path, f"unknown key (known keys: {known})", line=line, key=str(key)))
        elif key == "title":
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
                problems.append(Problem(path, "must be a non-empty text", line=line, key=key))
            elif why := control_problem(str(value)):
                problems.append(Problem(path, why, line=line, key=key))
            else:
                fields["title"] = str(value).strip()
        elif key in ("authors", "tags"):
            fields[key] = _str_list(value, key, path, line, problems)
        elif key == "notes":
            if value is not None and not isinstance(value, str):
                problems.append(Problem(path, "must be text", line=line, key=key))
            elif value and (why := control_problem(value, allow="\t\n\r")):
                problems.append(Problem(path, why, line=line, key=key))
            else:
                fields["notes"] = value or ""
        elif key == "retired":
            if not isinstance(value, bool):
                problems.append(Problem(path, "must be true or false", line=line, key=key))
            else:
                fields["retired"] = value
    return fields, problems


def load_pdf_deck(path: Path) -> Deck:
    """Read a PDF deck: its page count and title, drawing no page.

    A PDF that cannot be read (damaged, encrypted, no pages) gives a deck
    with no slides and the reason as an error, so it is listed but never drawn.
    """
    try:
        info = read_pdf(path)
    except PdfError as error:
        return Deck(
            id=path.stem,
            path=path,
            title=visible(path.stem),
            slides=(),
            pdf=path,
            problems=(Problem(path, error.reason),),
        )
    # A title from the PDF's metadata with control characters in it is not shown: the file name is.
    title = info.title if info.title and not control_problem(info.title) else visible(path.stem)
    problems = (Problem(path, f"file name {why}: rename the file"),) if (why := control_problem(path.stem)) else ()
    return Deck(
        id=path.stem,
        path=path,
        title=title,
        slides=(),
        pdf=path,
        pdf_pages=info.pages,
        pdf_page_sizes=info.page_sizes,
        problems=problems,
    )


def load_deck(folder: Path) -> Deck:
    """Read one deck folder (its ``deck.yaml`` and the names of its slides), or a PDF deck.

    Raises:
        DeckError: the folder cannot be listed.
    """
    if is_pdf_file(folder) and folder.is_file():
        return load_pdf_deck(folder)
    try:
        slides = list_slides(folder)
    except OSError as error:
        raise DeckError(f"{folder}: cannot read deck folder: {error.strerror or error}") from None
    meta_path = folder / DECK_FILE
    fields: dict[str, object] = {}
    problems: list[Problem] = []
    if meta_path.exists() or meta_path.is_symlink():
        fields, problems = read_deck_file(meta_path)
    if why := control_problem(folder.name):
        # The id is the folder's name: it is printed and recorded.
        problems.append(Problem(folder, f"folder name {why}: rename the folder"))
    return Deck(
        id=folder.name,
        path=folder,
        # A folder name with control characters is shown escaped (the deck is refused, but listed).
        title=str(fields.get("title") or visible(folder.name)),
        slides=slides,
        authors=tuple(fields.get("authors", ())),  # type: ignore[arg-type]
        tags=tuple(fields.get("tags", ())),  # type: ignore[arg-type]
        notes=str(fields.get("notes", "")),
        retired=bool(fields.get("retired", False)),
        problems=tuple(problems),
    )


def deck_folders(decks_dir: Path) -> list[Path]:
    """The deck folders in a decks folder, in natural order (hidden ones skipped)."""
    entries = [p for p in decks_dir.iterdir() if p.is_dir() and not is_hidden(p)]
    return sorted(entries, key=lambda p: natural_key(p.name))


def deck_id(path: Path) -> str:
    """The id of the deck at ``path``: a folder's name, a PDF's name without ``.pdf``."""
    return path.stem if is_pdf_file(path) else path.name


def _entry_is(entry: os.DirEntry[str], *, folder: bool) -> bool:
    """Whether a directory entry is a folder (``folder``) or a file, links followed; False when it cannot be told."""
    try:
        return entry.is_dir() if folder else entry.is_file()
    except OSError:
        return False


def deck_paths(decks_dir: Path) -> tuple[list[Path], list[Path]]:
    """The decks in a decks folder (folders and PDF files), in natural order of their ids.

    Returns:
        The decks, and the PDFs left out because an earlier deck (a folder
        first) has the same id.
    """
    # One listing: a directory entry knows whether it is a folder without a stat of its own.
    with os.scandir(decks_dir) as listing:
        entries = [e for e in listing if not e.name.startswith(".")]
    folders = [Path(e.path) for e in entries if _entry_is(e, folder=True)]
    pdfs = sorted(
        (Path(e.path) for e in entries if is_pdf_name(e.name) and _entry_is(e, folder=False)),
        key=lambda p: natural_key(p.name),
    )
    taken = {p.name for p in folders}
    kept, shadowed = list(folders), list[Path]()
    for pdf in pdfs:
        (shadowed if pdf.stem in taken else kept).append(pdf)
        taken.add(pdf.stem)
    return sorted(kept, key=lambda p: natural_key(deck_id(p))), shadowed


def slide_files(deck: Deck, cache_dir: Path | None = None) -> list[Path]:
    """Picture files of the deck's slides, in order, ready to show.

    For an image deck these are its slides. A PDF deck's pages are drawn
    once into ``cache_dir`` (default: :func:`~battledecks.core.pdf.default_cache_dir`)
    and the cached pictures are used from then on (see :func:`render_deck` to
    draw them ahead of time, off the UI thread).

    Raises:
        PdfError: a PDF deck cannot be drawn or its cache written.
    """
    if deck.pdf is None:
        return list(deck.slides)
    return render_deck(deck, cache_dir)


def render_deck(
    deck: Deck, cache_dir: Path | None = None, on_page: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Draw a PDF deck's pages into the page cache now, ahead of its talk; nothing to do for an image deck.

    Meant for a worker thread (it never touches the UI, and PDFium is held one
    page at a time): call it when a PDF deck is drawn for a presenter, so the
    stage finds every page ready. Already cached pages are not drawn again, and
    the PDF is opened once. Nothing is shown: only ``on_page`` hears of progress.

    Args:
        deck: the deck.
        cache_dir: the page cache (default: :func:`~battledecks.core.pdf.default_cache_dir`).
        on_page: called with (pages done, pages) after each page is drawn, from
            the calling thread; an exception it raises stops the drawing and goes on.

    Returns:
        The slide picture files, in order.

    Raises:
        PdfError: the PDF cannot be drawn or the cache written.
    """
    if deck.pdf is None:
        return list(deck.slides)
    pages = cached_pages(deck.pdf, cache_dir or default_cache_dir(), pages=deck.pdf_pages or None, on_page=on_page)
    if pages is None:  # never: draw=True draws what is missing
        raise PdfError(deck.pdf, "pages not drawn")
    return pages


PdfStamp = tuple[int, int]
"""A PDF's size and modification time: pages drawn from it are still its pages while these hold."""


def pdf_stamp(deck: Deck) -> PdfStamp | None:
    """The deck's PDF's :data:`PdfStamp` (a stat, no reading); None for an image deck or an unreadable PDF."""
    if deck.pdf is None:
        return None
    try:
        info = os.stat(deck.pdf)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def rendered(deck: Deck, cache_dir: Path | None = None) -> bool:
    """Whether a deck's slides are ready to show without drawing anything (always, for an image deck)."""
    if deck.pdf is None:
        return True
    try:
        return (
            cached_pages(deck.pdf, cache_dir or default_cache_dir(), pages=deck.pdf_pages or None, draw=False)
            is not None
        )
    except PdfError:
        return False


def load_decks(decks_dir: Path) -> list[Deck]:
    """Every readable deck in a decks folder (folders and PDFs); unreadable ones are skipped.

    Raises:
        DeckError: the decks folder itself cannot be listed.
    """
    try:
        folders, _ = deck_paths(decks_dir)
    except OSError as error:
        raise DeckError(f"{decks_dir}: cannot read decks folder: {error.strerror or error}") from None
    decks = []
    for folder in folders:
        try:
            decks.append(load_deck(folder))
        except DeckError:
            continue
    return decks


def reload_decks(decks_dir: Path, known: Iterable[Deck]) -> tuple[list[Deck], list[Deck]]:
    """The decks in a decks folder now, reading only those not already ``known`` (by path).

    One listing, however big the library: a deck known already is kept as it
    was read (one changed in place is caught when it is checked again), and
    one gone from the folder is left out.

    Returns:
        Every readable deck, and those of them new since ``known``.

    Raises:
        DeckError: the decks folder itself cannot be listed.
    """
    try:
        paths, _ = deck_paths(decks_dir)
    except OSError as error:
        raise DeckError(f"{decks_dir}: cannot read decks folder: {error.strerror or error}") from None
    by_path = {d.path: d for d in known}
    decks: list[Deck] = []
    fresh: list[Deck] = []
    for path in paths:
        deck = by_path.get(path)
        if deck is None:
            try:
                deck = load_deck(path)
            except DeckError:
                continue
            fresh.append(deck)
        decks.append(deck)
    return decks, fresh
