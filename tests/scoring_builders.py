"""Scored events: talks played and scored through the real API, the settings scored nights share, votes cast."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from battledecks.core.show import Show
from tests.builders import build_event, present

FIXED_NOW = dt.datetime(2010, 4, 13, 19, 30, tzinfo=dt.timezone.utc)


def fixed_clock() -> dt.datetime:
    return FIXED_NOW


def counting_seeds(start: int = 1000):
    """A seed source that gives 1000, 1001, ...: draws repeat exactly run after run."""
    counter = itertools.count(start)
    return lambda: next(counter)


SCORED = {"date": FIXED_NOW.date(), "order": "listed", "reuse": True}
"""Event keys the scored nights share (``build_event(..., **SCORED)``): one date, the lineup as
written, decks that may be drawn again."""


def play(event_path: Path, talks: dict[str, dict], *, seeds: int = 1000) -> Show:
    """Run talks through the real API: draw, start, end, then every score given.

    ``talks`` maps a presenter to ``{"scores": {(judge, criterion): value},
    "audience": value, "round": n}``; a presenter missing from it does not present.
    """
    show = Show.open(event_path, clock=fixed_clock, seed_source=counting_seeds(seeds))
    for name, talk in talks.items():
        number = talk.get("round", 1)
        show.draw_for(name, number)
        present(show, name, number)
        for (judge, criterion), value in talk.get("scores", {}).items():
            show.score(name, judge, criterion, value, round=number)
        if talk.get("audience") is not None:
            show.score(name, None, None, talk["audience"], round=number)
    return show


def scored(show: Show, name: str, score: int, audience: int, round: int = 1) -> None:
    """Draw for ``name`` if need be, run the talk, and score it: J1's Overall and the audience."""
    if show.presenter(name, round).deck is None:
        show.draw_for(name, round)
    present(show, name, round)
    show.score(name, "J1", "Overall", score, round=round)
    show.score(name, None, None, audience, round=round)


def tied_event(event_dir: Path, seeds, wall) -> tuple[Path, Show]:  # noqa: ANN001
    """Ada and Brian tied on the judges' 8 (sudden death breaks ties), Chen third."""
    path = build_event(
        event_dir / "events",
        name="tie",
        order="listed",
        scoring={"judges": ["J1"], "tiebreak": "sudden-death"},
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    scored(show, "Ada", 8, 5)
    scored(show, "Brian", 8, 9)
    scored(show, "Chen", 6, 7)
    return path, show


def voting_show(event_dir: Path, seeds, wall) -> Show:  # noqa: ANN001
    """An event voting by phone, every deck drawn and Ada's talk done."""
    path = build_event(
        event_dir / "events", name="votes", order="listed", scoring={"judges": ["J1"], "audience": {"vote": "phones"}}
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    return show


def vote(desk, *values: str) -> None:  # noqa: ANN001
    """One phone each casts ``values`` into the desk's store; each is accepted."""
    for value in values:
        assert type(desk.store.cast(desk.store.token(), value, desk.store.code)).__name__ == "Accepted"
