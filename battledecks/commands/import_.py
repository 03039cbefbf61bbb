"""Import decks from PDFs, PowerPoint or OpenDocument files, zips and folders of images.

Every source becomes a deck folder in DECKS: its slides as pictures of at
most 1920x1080 (slide01.png ...) and a deck.yaml with its title and authors.
A PDF gives one slide per page; .pptx, .ppt and .odp files are converted by
LibreOffice when it is installed. Each deck's slide count is compared with
the event's (or --slides). Nothing in DECKS changes unless every source
imports: a failed or interrupted import leaves it as it was. An existing
deck is only replaced with --replace.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.checks import DEFAULT_SLIDES
from ..core.importing import Progress, import_decks
from ..core.problems import BattledecksError
from ..core.text import visible
from ..core.words import plural
from ._args import positive

NAME = "import"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="+",
        type=Path,
        metavar="SOURCE",
        help="a PDF, a .pptx/.ppt/.odp file, a .zip of images or a folder of images",
    )
    parser.add_argument(
        "--into", type=Path, metavar="DECKS", help="the decks folder (default: the --event's decks folder)"
    )
    parser.add_argument(
        "--id", dest="deck_id", metavar="ID", help="the new deck's id, its folder name (one source only)"
    )
    parser.add_argument("--title", metavar="T", help="the new deck's title (one source only)")
    parser.add_argument(
        "--author",
        dest="authors",
        action="append",
        default=[],
        metavar="A",
        help="who made the deck; never handed their own deck (repeat for several)",
    )
    count = parser.add_mutually_exclusive_group()
    count.add_argument("--slides", type=positive, metavar="N", help=f"slides a deck needs (default {DEFAULT_SLIDES})")
    count.add_argument("--event", type=Path, metavar="EVENT", help="an event file: its decks folder and slide count")
    parser.add_argument("--replace", action="store_true", help="replace a deck with the same id")


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Let ``kill`` (SIGTERM) unwind like Ctrl-C, so the half-made deck is cleaned up."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _progress_bar(show: bool) -> Iterator[Progress | None]:
    """A Rich progress bar of slides written, when stdout is a terminal."""
    if not show:
        yield None
        return
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn
    from rich.progress import Progress as Bar

    with Bar(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(what: str, done: int, total: int | None) -> None:
            # The LibreOffice step is named "<file> (LibreOffice)"; its pages then go on the file's own bar.
            key = what.removesuffix(" (LibreOffice)")
            if key not in tasks:
                tasks[key] = bar.add_task(escape(visible(what)), total=total)
            # File names are shown escaped: no markup read from them, no control character printed.
            shown = escape(visible(what if total is None else key))
            bar.update(tasks[key], description=shown, completed=done, total=total)

        yield update


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it: shorter to read."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def run(args: argparse.Namespace) -> int:
    slides = args.slides or DEFAULT_SLIDES
    into = args.into
    needs = f"--slides says {slides}" if args.slides else f"a deck needs {slides}"
    if args.event is not None:
        from ..core.event import load_event

        event = load_event(args.event)
        slides = event.slides
        needs = f"{args.event} needs {slides}"
        into = into or _shown(event.decks)
    if into is None:
        raise BattledecksError("import: say where the decks go: --into DECKS (or --event EVENT)")
    with terminate_as_interrupt(), _progress_bar(sys.stdout.isatty()) as progress:
        imported = import_decks(
            args.sources,
            into,
            deck_id=args.deck_id,
            title=args.title,
            authors=args.authors,
            replace=args.replace,
            progress=progress,
        )
    for deck in imported:
        verb = "replaced" if deck.replaced else "imported"
        print(visible(f"{verb} {deck.path}: {deck.title!r}, {plural(deck.slides, 'slide')} from {deck.source}"))
        for note in deck.notes:
            print(visible(f"  {deck.source}: {note}"))
        if deck.slides != slides:
            print(visible(f"warning: {deck.id} has {plural(deck.slides, 'slide')}; {needs}"), file=sys.stderr)
    return 0
