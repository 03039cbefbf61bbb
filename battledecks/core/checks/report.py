"""A whole check: whatever paths are given, every problem found, in one report.

:func:`check_paths` takes whatever it is given and finds out what each path is
from what it holds (path classification): a ``.yaml`` file is an event file; a
folder with slide images or a ``deck.yaml`` is a deck; a folder of folders (or
PDFs) is a decks folder; a folder of ``.yaml`` files is checked event by event.
Every failure, whatever raised it, becomes a :class:`Problem` naming the file,
so one bad file never hides the rest. A check reads and never writes.
:func:`render_pdf_decks` then draws the PDF decks it found (``check --render``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..decks import DECK_FILE, Deck, is_slide_file, read_deck_file, render_deck
from ..event import is_record_file, load_event
from ..pdf import PdfError, is_pdf_file
from ..problems import Problem, os_problem
from ..problems import error as _error
from ..problems import warning as _warning
from ..words import plural as _plural
from . import cache
from .decks import (
    DEFAULT_SLIDES,
    DeckCheck,
    check_decks_folder,
    deck_check,
    entry_kind,
    pages_named,
    pdf_deck_check,
    scan,
)
from .event import EventSummary, check_event_file
from .slides import RealPaths, SameImages, check_image

_EVENT_SUFFIXES = (".yaml", ".yml")


@dataclass
class CheckReport:
    """Everything one check found."""

    problems: list[Problem] = field(default_factory=list)
    events: list[EventSummary] = field(default_factory=list)
    decks: set[str] = field(default_factory=set)
    """Deck folders checked (real paths)."""
    slides: set[str] = field(default_factory=set)
    """Slide files checked (real paths)."""
    pdf_decks: dict[str, Deck] = field(default_factory=dict)
    """PDF decks that check (by real path): :func:`render_pdf_decks` can draw their pages."""
    decoded: int = 0
    """Slides decoded by this check; the others' results were kept from earlier checks."""
    _said: set[tuple[object, ...]] = field(default_factory=set, repr=False)
    _real: RealPaths = field(default_factory=RealPaths, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def describe(self) -> str:
        """``3 errors, 2 warnings in 9 decks (108 slides)``."""
        text = f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')} in {_plural(len(self.decks), 'deck')}"
        text += f" ({_plural(len(self.slides), 'slide')})"
        if self.events:
            text += f" and {_plural(len(self.events), 'event')}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "summary": {
                "errors": self.errors,
                "warnings": self.warnings,
                "decks": len(self.decks),
                "slides": len(self.slides),
                "events": len(self.events),
                "decoded": self.decoded,
                "text": self.describe(),
            },
            "events": [e.as_dict() for e in self.events],
        }

    def _add(self, problems: Iterable[Problem]) -> None:
        # The same folder may be reached twice (given, and as an event's decks)
        # by different paths: say each problem once.
        for problem in problems:
            same = (self._real(problem.path), problem.line, problem.key, problem.severity, problem.message)
            if same not in self._said:
                self._said.add(same)
                self.problems.append(problem)

    def _count(self, decks: Iterable[DeckCheck]) -> None:
        for deck in decks:
            real = self._real(deck.path)
            self.decks.add(real)
            self.slides.update(self._real(s.path) for s in deck.slides)
            if deck.deck is not None and deck.deck.pdf is not None:
                self.slides.update(f"{real}#page{n}" for n in range(1, deck.deck.pdf_pages + 1))
                if deck.ok:
                    self.pdf_decks.setdefault(real, deck.deck)


def _looks_like_deck(names: list[str]) -> bool:
    return DECK_FILE in names or any(is_slide_file(Path(n)) for n in names)


def _is_deck_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return _looks_like_deck([e.name for e in scan(Path(entry.path))])
    except OSError:
        return False


def _folder_kind(folder: Path, entries: list[os.DirEntry[str]]) -> str:
    """``deck``, ``decks``, ``events`` or ``nothing``, from what the folder holds."""
    names = [e.name for e in entries]
    subfolders = [e for e in entries if entry_kind(e)[0] == "dir"]
    if DECK_FILE in names:
        return "deck"
    if any(is_slide_file(Path(n)) for n in names):
        # Stray images beside deck folders do not make a decks folder a deck.
        return "decks" if any(_is_deck_folder(sub) for sub in subfolders) else "deck"
    if (
        any(n.lower().endswith(_EVENT_SUFFIXES) and not is_record_file(Path(n)) for n in names)
        and not any(is_pdf_file(Path(n)) for n in names)
        and not any(_is_deck_folder(sub) for sub in subfolders)
    ):
        # An events folder: its subfolders (a rehearsal copy, a record's backup) are not decks.
        return "events"
    if subfolders or any(is_pdf_file(Path(n)) for n in names):
        return "decks"
    if any(n.lower().endswith(_EVENT_SUFFIXES) for n in names):
        return "events"
    return "nothing"


def _check_one(path: Path, report: CheckReport, slides: int | None, same_images: SameImages) -> None:
    try:
        is_dir = os.path.isdir(path)
        os.stat(path)
    except OSError as error:
        report._add([os_problem(path, error)])
        return
    if not is_dir:
        _check_file(path, report, slides, same_images)
        return
    try:
        entries = scan(path)
    except OSError as error:
        report._add([os_problem(path, error, "read folder")])
        return
    kind = _folder_kind(path, entries)
    if kind == "deck":
        deck = deck_check(path, slides if slides is not None else DEFAULT_SLIDES)
        report._count([deck])
        report._add(deck.problems)
        report._add(same_images.problems(deck.slides))
    elif kind == "decks":
        folder = check_decks_folder(path, slides if slides is not None else DEFAULT_SLIDES, same_images=same_images)
        report._count(folder.decks)
        report._add(folder.problems)
    elif kind == "events":
        for entry in entries:
            if entry.name.lower().endswith(_EVENT_SUFFIXES) and not is_record_file(Path(entry.name)):
                _check_file(Path(entry.path), report, slides, same_images)
    elif not entries:
        report._add([_error(path, "nothing to check: empty folder")])
    else:
        report._add([_error(path, "nothing to check: no slides, deck folders or event files in it")])


def _check_file(path: Path, report: CheckReport, slides: int | None, same_images: SameImages) -> None:
    name = path.name.lower()
    if name == DECK_FILE:
        report._add(read_deck_file(path)[1])
    elif is_record_file(path):
        report._add([_warning(path, "an event's record, not an event file: skipped")])
    elif name.endswith(_EVENT_SUFFIXES):
        problems, summary, folder = check_event_file(path, same_images)
        report._add(problems)
        if summary is not None:
            report.events.append(summary)
        if folder is not None:
            report._count(folder.decks)
    elif is_pdf_file(path):
        deck = pdf_deck_check(path, slides if slides is not None else DEFAULT_SLIDES)
        report._count([deck])
        report._add(deck.problems)
    elif is_slide_file(path):
        slide = check_image(path)
        report.slides.add(report._real(path))
        report._add(slide.problems)
        report._add(same_images.problems([slide]))
    else:
        report._add([_error(path, "not an event file (.yaml), a slide, a deck or a decks folder")])


def _folders_under(paths: Sequence[Path]) -> list[Path]:
    """Folders that may be decks: each folder given, its subfolders, and an event file's decks folder's."""
    roots: list[Path] = []
    for path in paths:
        if path.suffix.lower() in _EVENT_SUFFIXES and path.is_file():
            try:
                roots.append(load_event(path).decks)
            except Exception:  # noqa: BLE001 - the check itself reports what is wrong with it
                continue
        elif path.is_dir():
            roots.append(path)
    folders: list[Path] = []
    for root in roots:
        folders.append(root)
        try:
            with os.scandir(root) as entries:
                folders.extend(Path(e.path) for e in entries if not e.name.startswith(".") and e.is_dir())
        except OSError:
            continue
    # A folder given and reached again as an event's decks (`check decks events/x.yaml`), or given and
    # inside another given, is one folder: its slides are decoded once.
    once: dict[str, Path] = {}
    for folder in folders:
        once.setdefault(os.path.realpath(folder), folder)
    return list(once.values())


def check_paths(
    paths: Sequence[Path], *, slides: int | None = None, progress: cache.Progress | None = None
) -> CheckReport:
    """Check decks folders, deck folders, slides and event files; report every problem.

    What a path is comes from what it holds: a ``.yaml`` file is an event
    file; a folder with slide images or a ``deck.yaml`` is a deck; a folder of
    folders is a decks folder; a folder of ``.yaml`` files is checked event by event.

    Args:
        paths: what to check.
        slides: slides each deck needs, for decks not checked as part of an event
            (whose own ``slides`` applies); None for :data:`DEFAULT_SLIDES`.
        progress: told (slides decoded, slides to decode) while the slides
            not in the check cache are decoded, on every core.
    """
    report = CheckReport()
    same_images = SameImages()
    paths = [Path(p) for p in paths]
    try:
        report.decoded = cache.warm(cache.slides_of(_folders_under(paths)), progress=progress)
    except Exception:  # noqa: BLE001 - a shortcut only: the check below decodes whatever is left
        pass
    for path in paths:
        try:
            _check_one(path, report, slides, same_images)
        except Exception as error:  # noqa: BLE001 - one path never stops the check
            report._add([_error(path, f"cannot check: {type(error).__name__}: {error}")])
    cache.save()
    return report


def render_pdf_decks(
    report: CheckReport,
    cache_dir: Path | None = None,
    on_page: Callable[[Deck, int, int], None] | None = None,
) -> int:
    """Draw the pages of every PDF deck a check found into the page cache, and look at them.

    The organizer warms the cache before the night without seeing a page: only
    problems are added to ``report``: a page that cannot be drawn (an error) and
    a page that comes out blank, one flat colour (a warning).

    Args:
        report: a check's report; its PDF decks are drawn and problems added to it.
        cache_dir: the page cache (default: the user's cache folder).
        on_page: told (deck, pages done, pages) after each page is drawn.

    Returns:
        How many decks' pages are now in the cache.
    """
    from ..images import ImageRefused, flat_colour, load_image

    ready = 0
    for deck in report.pdf_decks.values():
        path = deck.path

        def told(done: int, pages: int, deck: Deck = deck) -> None:
            if on_page is not None:
                on_page(deck, done, pages)

        try:
            pages = render_deck(deck, cache_dir, told)
        except PdfError as failure:
            report._add([_error(path, failure.reason)])
            continue
        ready += 1
        blank = []
        for number, page in enumerate(pages, 1):
            try:
                if flat_colour(load_image(page, need=(240, 135))):
                    blank.append(number)
            except (ImageRefused, OSError) as failure:
                report._add([_error(page, f"drawn page {number} cannot be read back: {failure}")])
        if blank:
            report._add([_warning(path, f"{pages_named(blank, len(pages))}: blank (one flat colour) when drawn")])
    return ready
