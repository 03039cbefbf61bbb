"""Small text helpers for what the program says: counts, lists of names, folder names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

SLUG_LENGTH = 80
"""Longest slug :func:`slugify` makes; longer ones are cut at a hyphen."""


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 deck``, ``3 decks``; ``many`` for words not made plural with an ``s``."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def format_score(value: float | None, places: int = 2) -> str:
    """A score for people: at most ``places`` decimals, no trailing zeros; "" for none.

    Every score the program shows goes through here, a phone vote's mean too: 6.875 is "6.88" in the
    standings, the notes, the exports and the host's messages alike (and 6.88 is what the record keeps).
    """
    if value is None:
        return ""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_vote(mean: float | None, votes: int) -> str:
    """A phone vote's result: "6.88 from 8 votes", or "no votes"."""
    if not votes:
        return "no votes"
    return f"{format_score(mean)} from {plural(votes, 'vote')}"


def some_names(names: Sequence[str], shown: int = 3) -> str:
    """``a, b, c and 2 more``: the first ``shown`` names and how many are left out."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def slugify(title: str) -> str:
    """A folder name from a title: lowercase ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    # Apostrophes vanish rather than split a word: "Won't" -> "wont".
    ascii_title = ascii_title.replace("'", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        cut = slug.rfind("-", 0, SLUG_LENGTH + 1)
        slug = slug[: cut if cut > 0 else SLUG_LENGTH]
    return slug or "deck"
