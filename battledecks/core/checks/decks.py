"""Checking decks: a deck folder or a PDF deck, and a decks folder of them.

Checking a deck is a pure function of its files: the folder's entries, its
``deck.yaml`` and its slides (see :mod:`battledecks.core.checks.slides`), or a
PDF's page count and page sizes. Nothing is written and no page of a PDF is
drawn here (``battledecks check --render`` draws them into the page cache, see
:func:`battledecks.core.pdf.render_deck`).

* a deck must have the event's number of slides; stray files are warned about;
* a deck folder's name must be valid UTF-8 (a name from a zip made on another
  system may not be): it could not be written to the event's record;
* a PDF deck must open (not encrypted or damaged) and have the right page
  count; pages far from 4:3..16:9 are warned about.

The draw uses :func:`failing_deck_ids`, so a deck that fails here is never drawn.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..decks import DECK_FILE, Deck, DeckError, deck_id, is_slide_file, load_deck, load_pdf_deck, natural_key
from ..pdf import is_pdf_file
from ..problems import Problem, os_problem, printable, shown_path
from ..problems import error as _error
from ..problems import warning as _warning
from ..words import plural, some_names
from .slides import SameImages, SlideCheck, check_image, ratio_ok

DEFAULT_SLIDES = 12
"""Slides a deck needs when no event says otherwise."""


@dataclass(frozen=True)
class DeckCheck:
    """What checking one deck folder found."""

    path: Path
    deck: Deck | None
    """The deck as read; None when its folder could not be listed."""
    problems: tuple[Problem, ...]
    slides: tuple[SlideCheck, ...] = ()

    @property
    def id(self) -> str:
        return deck_id(self.path)

    @property
    def ok(self) -> bool:
        return self.deck is not None and not any(p.is_error for p in self.problems)


def scan(folder: Path) -> list[os.DirEntry[str]]:
    """Visible entries of ``folder`` in natural order."""
    with os.scandir(folder) as entries:
        visible = [e for e in entries if not e.name.startswith(".")]
    return sorted(visible, key=lambda e: natural_key(e.name))


def entry_kind(entry: os.DirEntry[str]) -> tuple[str, Problem | None]:
    """``"dir"``, ``"file"`` or ``"bad"`` (with the problem), following symbolic links.

    A link that loops or points nowhere is neither file nor folder: it is bad.
    """
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as error:
        return "bad", os_problem(Path(entry.path), error)
    return ("dir" if stat.S_ISDIR(mode) else "file"), None


def _slide_count_problem(folder: Path, count: int, slides: int | None) -> Problem | None:
    if count == 0:
        needs = f", needs {slides}" if slides else ""
        return _error(folder, f"has no slides{needs}")
    if slides is not None and count != slides:
        return _error(folder, f"has {plural(count, 'slide')}, needs {slides}")
    return None


def pages_named(numbers: Sequence[int], pages: int) -> str:
    """``page 3``, ``every page``, ``5 pages (1, 2, 3 and 2 more)``."""
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if len(numbers) == pages:
        return "every page"
    return f"{len(numbers)} pages ({some_names([str(n) for n in numbers])})"


def pdf_deck_check(path: Path, slides: int | None, deck: Deck | None = None) -> DeckCheck:
    """Check a PDF deck from its page count and page sizes; no page is drawn.

    ``deck``, when given, is the deck as just read from ``path``: the PDF is then not opened again.
    """
    if deck is None or deck.pdf is None or not deck.pdf_page_sizes:
        deck = load_pdf_deck(path)
    if not deck.ok:
        return DeckCheck(path, deck, deck.problems)
    problems: list[Problem] = []
    count = _slide_count_problem(path, deck.pdf_pages, slides)
    if count is not None:
        problems.append(count)
    odd: dict[str, list[int]] = {}
    for number, (width, height) in enumerate(deck.pdf_page_sizes, 1):
        if not ratio_ok(width, height):
            ratio = width / height if height > 0 else 0.0
            odd.setdefault(f"{width:.0f}×{height:.0f} pt ({ratio:.2f}:1)", []).append(number)
    for size, numbers in odd.items():
        problems.append(
            _warning(
                path,
                f"{pages_named(numbers, deck.pdf_pages)}: aspect ratio {size} is far from 4:3..16:9: "
                "will be letterboxed",
            )
        )
    return DeckCheck(path, deck, tuple(problems))


def deck_check(folder: Path, slides: int | None, deck: Deck | None = None) -> DeckCheck:
    if not printable(folder.name):
        return DeckCheck(
            folder,
            None,
            (
                _error(
                    folder,
                    f"the name {shown_path(folder.name)!r} is not valid UTF-8 (made on another system?): "
                    "rename it to draw this deck",
                ),
            ),
        )
    if is_pdf_file(folder) and os.path.isfile(folder):
        return pdf_deck_check(folder, slides, deck)
    try:
        entries = scan(folder)
    except OSError as error:
        return DeckCheck(folder, None, (os_problem(folder, error, "read deck folder"),))
    problems: list[Problem] = []
    for entry in entries:
        path = Path(entry.path)
        if entry.name == DECK_FILE:
            continue  # read, and any problem with it reported, by load_deck
        kind, problem = entry_kind(entry)
        if problem is not None:
            problems.append(problem)
        elif kind == "dir":
            problems.append(_warning(path, "folder inside a deck: ignored"))
        elif entry.name.casefold() in ("deck.yaml", "deck.yml"):
            problems.append(_warning(path, f"ignored: the deck's file must be named {DECK_FILE}"))
        elif not is_slide_file(path):
            problems.append(_warning(path, "not a slide image: ignored"))
    try:
        deck = load_deck(folder)
    except DeckError as error:
        return DeckCheck(folder, None, (_error(folder, str(error).removeprefix(f"{folder}: ")),))
    problems.extend(deck.problems)
    checked = tuple(check_image(p) for p in deck.slides)
    problems.extend(_grouped(folder, checked))
    count = _slide_count_problem(folder, len(deck.slides), slides)
    if count is not None:
        problems.insert(0, count)
    return DeckCheck(folder, deck, tuple(problems), checked)


def _grouped(folder: Path, slides: Sequence[SlideCheck]) -> list[Problem]:
    """The slides' problems, with a warning shared by several slides said once for the deck."""
    by_message: dict[str, list[Path]] = {}
    for slide in slides:
        for p in slide.problems:
            if not p.is_error:
                by_message.setdefault(p.message, []).append(slide.path)
    problems: list[Problem] = []
    said: set[str] = set()
    for slide in slides:
        for p in slide.problems:
            paths = by_message.get(p.message, [])
            if p.is_error or len(paths) == 1:
                problems.append(p)
            elif p.message not in said:
                said.add(p.message)
                names = some_names([q.name for q in paths])
                problems.append(_warning(folder, f"{len(paths)} slides ({names}): {p.message}"))
    return problems


def check_deck(deck: Deck | Path, slides: int | None = DEFAULT_SLIDES) -> list[Problem]:
    """Every problem with one deck: its folder, ``deck.yaml``, slide count and each slide.

    Args:
        deck: a loaded deck or a deck folder.
        slides: how many slides it must have; None to accept any number but none.
    """
    folder = deck.path if isinstance(deck, Deck) else deck
    try:
        return list(deck_check(folder, slides, deck if isinstance(deck, Deck) else None).problems)
    except Exception as error:  # noqa: BLE001 - one deck never stops the check
        return [_error(folder, f"cannot check deck: {error}")]


def failing_deck_ids(decks: Iterable[Deck], slides: int) -> set[str]:
    """Ids of the decks with at least one error: these are never drawn."""
    return {d.id for d in decks if any(p.is_error for p in check_deck(d, slides))}


@dataclass(frozen=True)
class FolderCheck:
    """What checking a decks folder found."""

    path: Path
    decks: tuple[DeckCheck, ...]
    problems: tuple[Problem, ...]
    """Every problem: the folder's own, each deck's, and images found twice."""

    @property
    def failing(self) -> frozenset[str]:
        """Ids of decks with errors."""
        return frozenset(d.id for d in self.decks if not d.ok)


def check_decks_folder(
    folder: Path, slides: int | None = DEFAULT_SLIDES, *, same_images: SameImages | None = None
) -> FolderCheck:
    """Check every deck folder in a decks folder.

    Args:
        folder: the decks folder.
        slides: how many slides each deck must have.
        same_images: shared across calls to find an image repeated between folders.
    """
    same_images = same_images or SameImages()
    try:
        entries = scan(folder)
    except OSError as error:
        return FolderCheck(folder, (), (os_problem(folder, error, "read decks folder"),))
    problems: list[Problem] = []
    decks: list[DeckCheck] = []
    # A folder and a PDF with the same id: the folder is the deck (as load_decks does).
    taken = {e.name for e in entries if entry_kind(e)[0] == "dir"}
    for entry in entries:
        path = Path(entry.path)
        kind, problem = entry_kind(entry)
        if kind == "file" and is_pdf_file(path):
            if path.stem in taken:
                problems.append(_warning(path, f"ignored: another deck has the id {path.stem!r}"))
                continue
            taken.add(path.stem)
            kind = "dir"
        if kind == "dir":
            try:
                deck = deck_check(path, slides)
            except Exception as error:  # noqa: BLE001 - one deck never stops the check
                deck = DeckCheck(path, None, (_error(path, f"cannot check deck: {error}"),))
            decks.append(deck)
            problems.extend(deck.problems)
            problems.extend(same_images.problems(deck.slides))
        elif problem is not None:
            problems.append(problem)
        else:
            problems.append(_warning(path, "not a deck folder: ignored"))
    if not decks and not any(p.is_error for p in problems):
        problems.append(_error(folder, "no deck folders in it"))
    return FolderCheck(folder, tuple(decks), tuple(problems))
