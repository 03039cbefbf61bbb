"""Generate absurd decks: title slide, charts with nonsense labels, timelines, Venn diagrams and more.

Each deck is painted from a seed, so the same --seed (with the same count,
theme and slides) makes byte-for-byte the same decks again. Without --seed a
random one is drawn and printed, to make the set again later. Decks are
named after their titles; folders already in DECKS are never touched. An
interrupted run takes away the decks it had made.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
from pathlib import Path

from ..core.checks import DEFAULT_SLIDES
from ..core.decks import load_deck
from ..core.problems import BattledecksError
from ..core.text import visible
from ..core.words import plural
from ._args import positive, whole_number
from .import_ import terminate_as_interrupt

NAME = "generate"
SEED_RANGE = 2**32
"""A random seed is drawn below this: short enough to read out and type."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..generate import THEMES

    parser.add_argument("--into", type=Path, required=True, metavar="DECKS", help="the decks folder (made if missing)")
    parser.add_argument("--count", type=positive, required=True, metavar="N", help="how many decks to make")
    parser.add_argument(
        "--seed", type=whole_number(0), metavar="S", help="the set follows from it (default: a random one, printed)"
    )
    parser.add_argument(
        "--theme", choices=THEMES, help="one theme for every deck (default: " + ", ".join(THEMES) + " in turn)"
    )
    parser.add_argument(
        "--slides",
        type=positive,
        default=DEFAULT_SLIDES,
        metavar="N",
        help=f"slides per deck, a title first and an ending last (default {DEFAULT_SLIDES})",
    )


def run(args: argparse.Namespace) -> int:
    from ..generate import generate_decks

    into: Path = args.into
    if args.slides < 2:
        raise BattledecksError("--slides: a generated deck needs at least 2 slides (a title and an ending)")
    if into.exists() and not into.is_dir():
        raise BattledecksError(f"{into}: not a folder")
    seed = args.seed if args.seed is not None else secrets.randbelow(SEED_RANGE)
    if args.seed is None:
        print(f"seed {seed} (give --seed {seed} to make the same decks again)")
    made_into = next((p for p in reversed([into, *into.parents]) if not p.exists()), None)
    before = {p.name for p in into.iterdir()} if into.is_dir() else set()
    what = f"painting {plural(args.count, 'deck')}"
    try:
        with terminate_as_interrupt():
            if sys.stdout.isatty():
                from rich.console import Console

                with Console().status(what + "…"):
                    folders = generate_decks(into, count=args.count, seed=seed, theme=args.theme, slides=args.slides)
            else:
                folders = generate_decks(into, count=args.count, seed=seed, theme=args.theme, slides=args.slides)
    except BaseException as error:
        # Take away what this run made, so a stopped run leaves no half-painted deck.
        if made_into is not None:
            shutil.rmtree(made_into, ignore_errors=True)
        elif into.is_dir():
            for path in into.iterdir():
                if path.name not in before:
                    shutil.rmtree(path, ignore_errors=True)
        if isinstance(error, ValueError):
            raise BattledecksError(f"generate: {error}") from None
        if isinstance(error, OSError):
            raise BattledecksError(f"{into}: cannot write: {error.strerror or error}") from None
        raise
    for folder in folders:
        deck = load_deck(folder)
        print(visible(f"made {folder}: {deck.title!r}, {deck.slide_count} slides"))
    print(f"{plural(len(folders), 'deck')} made in {into} with seed {seed}")
    return 0
