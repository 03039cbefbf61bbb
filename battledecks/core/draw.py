"""The draw: a fair, auditable pick of an unseen deck (and topic).

A draw takes the eligible decks sorted by id and a seed, and picks with
``random.Random(seed)``: the same seed and pool always give the same deck, so
a recorded draw can be replayed by anyone, and every eligible deck is equally
likely. The seed itself comes from the edge (the operating system's entropy
in the app, a fixed number in tests).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .decks import Deck
from .words import plural


@dataclass(frozen=True)
class Draw:
    """The outcome of one draw."""

    deck: Deck
    topic: str | None
    seed: int
    pool: tuple[str, ...]
    """Ids of every deck that could have been drawn, in the order the seed picks from."""
    topics: tuple[str, ...]
    """Topics that could have been drawn."""


def why_not(deck: Deck, *, presenter: str, slides: int, taken: set[str], shown_before: set[str], failing: set[str]) -> str | None:
    """Why ``deck`` may not be drawn for ``presenter``, or None if it may."""
    if deck.retired:
        return "retired"
    if deck.id in failing or not deck.ok:
        return "fails check"
    if deck.slide_count != slides:
        return f"has {plural(deck.slide_count, 'slide')}, not {slides}"
    if deck.id in taken:
        return "already drawn at this event"
    if deck.id in shown_before:
        return "shown at an earlier event"
    if presenter.casefold() in {a.casefold() for a in deck.authors}:
        return "made by the presenter"
    return None


def eligible_decks(
    decks: Iterable[Deck],
    *,
    presenter: str,
    slides: int,
    taken: set[str],
    shown_before: set[str],
    failing: set[str],
) -> list[Deck]:
    """Decks that may be drawn for ``presenter``, sorted by id."""
    ok = [
        d for d in decks
        if why_not(d, presenter=presenter, slides=slides, taken=taken, shown_before=shown_before, failing=failing) is None
    ]
    return sorted(ok, key=lambda d: d.id)


def draw(pool: Sequence[Deck], topics: Sequence[str], seed: int) -> Draw:
    """Pick a deck (and a topic, if any are given) with ``seed``.

    Raises:
        ValueError: the pool is empty.
    """
    if not pool:
        raise ValueError("no deck left to draw")
    decks = sorted(pool, key=lambda d: d.id)
    topic_pool = tuple(sorted(topics))
    rng = random.Random(seed)
    deck = rng.choice(decks)
    topic = rng.choice(topic_pool) if topic_pool else None
    return Draw(deck, topic, seed, tuple(d.id for d in decks), topic_pool)


def replay(pool_ids: Sequence[str], topics: Sequence[str], seed: int) -> tuple[str, str | None]:
    """The deck id and topic a recorded draw must have given: for audits."""
    rng = random.Random(seed)
    deck = rng.choice(sorted(pool_ids))
    topic = rng.choice(sorted(topics)) if topics else None
    return deck, topic
