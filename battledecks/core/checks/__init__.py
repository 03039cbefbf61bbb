"""Checks: is this deck, decks folder or event file usable? Every problem, one line each.

The checks read and never write; each problem names its file (and line, where
there is one). Callers use the names below; the work is done by one module per job:

* :mod:`.slides` checks one slide picture (decoded in full, safely: see
  :mod:`battledecks.core.images`), and finds the same image used twice;
* :mod:`.decks` checks a deck (a folder of slides or a PDF) and a decks folder of
  them; :func:`failing_deck_ids` is what the draw leaves out;
* :mod:`.event` checks an event file and whether it has enough to draw;
* :mod:`.report` checks whatever paths it is given, finding out from what each holds
  whether it is an event file, a deck or a decks folder (``battledecks check``);
* :mod:`.cache` keeps slide checks between runs and makes missing ones on every core;
* :mod:`.scan` checks a show's decks folder for the night: as the event opens, and
  a drawn deck again, in full, before its talk.

Nothing here imports Pillow until a slide is decoded: the image limits below are
looked up from :mod:`battledecks.core.images` when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .decks import DEFAULT_SLIDES, DeckCheck, FolderCheck, check_deck, check_decks_folder, failing_deck_ids
from .event import EventSummary, check_event
from .report import CheckReport, check_paths, render_pdf_decks
from .scan import scan_decks_folder, verify_deck
from .slides import SameImages, SlideCheck, check_image

if TYPE_CHECKING:
    from ..images import MAX_FILE_BYTES, MAX_MEGAPIXELS

__all__ = [
    "DEFAULT_SLIDES",
    "MAX_FILE_BYTES",
    "MAX_MEGAPIXELS",
    "CheckReport",
    "DeckCheck",
    "EventSummary",
    "FolderCheck",
    "SameImages",
    "SlideCheck",
    "check_deck",
    "check_decks_folder",
    "check_event",
    "check_image",
    "check_paths",
    "failing_deck_ids",
    "render_pdf_decks",
    "scan_decks_folder",
    "verify_deck",
]


def __getattr__(name: str) -> object:
    """The image limits, from :mod:`battledecks.core.images` when asked for: importing it loads Pillow."""
    if name in ("MAX_FILE_BYTES", "MAX_MEGAPIXELS"):
        from .. import images

        return getattr(images, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
