"""Render a contact sheet: every slide of a deck as a numbered thumbnail on one picture.

For vetting a deck before the night. The sheet spoils the deck for anyone
who sees it, so it is made only after you confirm (or with --yes); with no
terminal to ask and no --yes, nothing is made. Works for deck folders and PDF
decks. The picture is written whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..core.atomic import atomic_write
from ..core.decks import Deck, DeckError, load_deck, slide_files
from ..core.pdf import PdfError, is_pdf_file
from ..core.problems import BattledecksError
from ..core.text import visible
from ..core.words import plural

NAME = "sheet"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", type=Path, metavar="DECK", help="a deck folder or a PDF deck")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="the picture to write (.png or .jpg)")
    parser.add_argument("--yes", action="store_true", help="do not ask first (you know it spoils the deck)")
    parser.add_argument("--columns", type=int, default=4, metavar="N", help="thumbnails per row (default 4)")


def open_deck(path: Path) -> Deck:
    """The deck at ``path`` (a deck folder or a PDF), for organizer commands.

    Raises:
        BattledecksError: nothing there, or not a deck.
    """
    if not (path.exists() or path.is_symlink()):
        raise BattledecksError(f"{path}: no such deck folder or PDF")
    if not path.is_dir() and not is_pdf_file(path):
        raise BattledecksError(f"{path}: not a deck: give a deck folder or a PDF")
    try:
        return load_deck(path)
    except DeckError as error:
        raise BattledecksError(str(error)) from None


def _picture_format(out: Path) -> str:
    from PIL import Image

    Image.init()
    fmt = Image.registered_extensions().get(out.suffix.lower())
    if fmt is None or fmt not in Image.SAVE:
        raise BattledecksError(f"{out}: cannot tell the picture format from its name: end it in .png or .jpg")
    return fmt


def _confirmed(deck: Deck, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise BattledecksError(
            f"{deck.path}: a contact sheet spoils the deck for anyone who sees it, and there is no terminal to ask: "
            "add --yes to make it anyway"
        )
    count = deck.slide_count
    print(
        visible(
            f"The sheet shows all {plural(count, 'slide')} of {deck.title!r} ({deck.id}). "
            "Whoever sees it can no longer present this deck."
        )
    )
    try:
        answer = input("Make it? [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().casefold() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    from ..generate import render_contact_sheet

    out: Path = args.out
    _picture_format(out)
    if args.columns < 1:
        raise BattledecksError(f"--columns must be at least 1, not {args.columns}")
    deck = open_deck(args.deck)
    if deck.pdf is not None and not deck.ok:
        raise BattledecksError(str(deck.problems[0]))
    if deck.slide_count == 0:
        raise BattledecksError(f"{deck.path}: has no slides")
    if out.parent.resolve() == deck.path.resolve():
        raise BattledecksError(f"{out}: inside the deck it would become one of its slides: write it elsewhere")
    if not _confirmed(deck, args.yes):
        print("battledecks: no sheet made", file=sys.stderr)
        return 1
    try:
        slides = slide_files(deck)
    except PdfError as error:
        raise BattledecksError(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="battledecks-sheet-") as scratch:
        drawn = Path(scratch) / f"sheet{out.suffix.lower()}"
        try:
            heading = deck.title if deck.title == deck.id else f"{deck.title} ({deck.id})"
            render_contact_sheet(slides, drawn, title=heading, columns=args.columns)
        except ValueError as error:
            raise BattledecksError(str(error)) from None
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(out, drawn.read_bytes())
        except OSError as error:
            raise BattledecksError(f"{out}: cannot write: {error.strerror or error}") from None
    count = deck.slide_count
    print(
        visible(f"wrote {out}: {plural(count, 'slide')} of {deck.title!r}; whoever sees it must not present this deck")
    )
    return 0
