"""Procedural deck generator: absurd conference decks painted with pillow alone.

Every deck is drawn from a seed: charts with nonsense labels, timelines, Venn
diagrams, org charts, fake quotes and "photos" made of shapes, each deck with
its own palette and layout. Only pillow's bundled font is used, so the same
seed gives the same bytes on every machine.
"""

from ._deck import THEMES, deck_seeds, deck_title, generate_deck, generate_decks, slugify
from ._sheet import render_contact_sheet

__all__ = [
    "THEMES",
    "deck_seeds",
    "deck_title",
    "generate_deck",
    "generate_decks",
    "render_contact_sheet",
    "slugify",
]
