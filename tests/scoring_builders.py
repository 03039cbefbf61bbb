"""Builders for scored events: decks with titles, event files, talks played through the real API."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from PIL import Image

from battledecks.core.show import Show
from tests.builders import present

FIXED_NOW = dt.datetime(2010, 4, 13, 19, 30, tzinfo=dt.timezone.utc)


def fixed_clock() -> dt.datetime:
    return FIXED_NOW


def counting_seeds(start: int = 1000):
    """A seed source that gives 1000, 1001, ...: draws repeat exactly run after run."""
    counter = itertools.count(start)
    return lambda: next(counter)


def make_decks(folder: Path, titles: dict[str, str], slides: int = 12) -> Path:
    """Deck folders of tiny valid PNG slides, each with a deck.yaml giving its title."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, (deck_id, title) in enumerate(titles.items()):
        deck = folder / deck_id
        deck.mkdir()
        (deck / "deck.yaml").write_text(f"title: {title!r}\n", encoding="utf-8")
        for n in range(1, slides + 1):
            Image.new("RGB", (64, 48), (index * 40 % 256, n * 20, 90)).save(deck / f"slide{n}.png")
    return folder


def write_event(
    folder: Path, stem: str, name: str, presenters: list[str], scoring: str,
    *, date: str = "2010-04-13", decks: str = "decks", topics: list[str] | None = None, reuse: bool = True,
) -> Path:
    """An event file with listed order (so the lineup is the list as written)."""
    path = folder / f"{stem}.yaml"
    lines = [f"name: {name!r}", f"date: {date}", f"decks: {decks}", "order: listed", f"reuse: {str(reuse).lower()}", "presenters:"]
    lines += [f"  - {p!r}" for p in presenters]
    if topics:
        lines.append("topics:")
        lines += [f"  - {t!r}" for t in topics]
    lines.append("scoring:")
    lines += ["  " + line for line in scoring.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
