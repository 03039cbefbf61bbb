"""A show's decks folder, checked for the night.

The show (:class:`battledecks.core.show.Show`) leaves out of its draws every deck
that fails a check. It asks the checks for:

* :func:`scan_decks_folder`, as the event opens (on a worker, with the lineup
  already on screen): every deck in the folder, and which of them fail;
* :func:`~.decks.failing_deck_ids`, for decks added to the folder while the show runs;
* :func:`verify_deck`, for a drawn deck just before its talk: every slide decoded
  again, whatever the check cache says.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..decks import Deck, load_decks
from ..problems import Problem
from . import cache
from .decks import check_deck, failing_deck_ids
from .slides import check_image

Progress = Callable[[int, int, int], None]
"""Told (slides checked, slides to check, decks listed) as a scan goes."""


def scan_decks_folder(folder: Path, slides: int, progress: Progress | None = None) -> tuple[list[Deck], set[str]]:
    """List and check a decks folder: its readable decks, and the ids of those with an error.

    Slides already checked (the check cache) cost one ``stat`` each; the
    rest are decoded on every core. ``progress`` hears first once the decks
    are listed, then as slides are checked.

    Raises:
        DeckError: the decks folder itself cannot be listed.
    """
    cache.load()  # before the deck files: what they said is kept there too
    decks = load_decks(folder)
    folders = [d.path for d in decks if d.path.is_dir()]
    listed = len(decks)

    def told(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, listed)

    told(0, 0)
    cache.warm(cache.slides_of(folders), progress=told)
    failing = failing_deck_ids(decks, slides)
    cache.save()
    return decks, failing


def verify_deck(deck: Deck, slides: int) -> list[Problem]:
    """A deck's errors, every slide decoded again now, whatever the check cache says; safe on a worker thread."""
    problems = [p for p in check_deck(deck, slides) if p.is_error]
    for slide in deck.slides:
        problems.extend(p for p in check_image(slide, cached=False).problems if p.is_error)
    return list(dict.fromkeys(problems))
