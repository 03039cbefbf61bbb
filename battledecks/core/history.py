"""Past events in a folder: who won, which decks went on stage where, how each presenter did.

An event counts as held once it has a record beside it. Only what is on
disk is read, and nothing is written. A file that cannot be read is
reported and left out: one broken event must not hide the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .event import is_record_file, read_event, record_path_for
from .problems import BattledecksError, Problem, ProblemsError
from .record import EventRecord
from .scoring import Standings


@dataclass(frozen=True)
class PastEvent:
    """One event that has a record."""

    path: Path
    """The event file."""
    name: str
    date: dt.date | None
    winners: tuple[str, ...]
    """Everyone ranked first (several for a shared win or a sudden death not yet run)."""
    decided_by: str
    """As :attr:`battledecks.core.scoring.Awards.decided_by`."""
    standings: Standings = field(repr=False, compare=False)


@dataclass(frozen=True)
class DeckShowing:
    """A deck that went on stage."""

    deck: str
    """Deck id."""
    title: str | None
    event: str
    date: dt.date | None
    presenter: str
    round: int = 1


@dataclass(frozen=True)
class Appearance:
    """One presenter at one event."""

    event: str
    date: dt.date | None
    rank: int | None
    """None while unranked."""
    tied: bool = False


@dataclass(frozen=True)
class PresenterHistory:
    name: str
    appearances: tuple[Appearance, ...]
    """Oldest first."""

    @property
    def best_rank(self) -> int | None:
        ranks = [a.rank for a in self.appearances if a.rank is not None]
        return min(ranks) if ranks else None


@dataclass(frozen=True)
class History:
    """Everything the records in one folder tell."""

    events: tuple[PastEvent, ...]
    """Oldest first; undated events last, by name."""
    decks: dict[str, tuple[DeckShowing, ...]]
    """Deck id -> every time it went on stage, oldest first."""
    presenters: tuple[PresenterHistory, ...]
    """By name."""
    problems: tuple[Problem, ...] = ()
    """Event or record files that could not be read."""


def default_events_dir(cwd: Path) -> Path:
    """``events/`` in ``cwd`` if there is one, else the demo's events folder."""
    here = cwd / "events"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "events"


def _when(date: dt.date | None, name: str) -> tuple[int, dt.date, str]:
    return (0, date, name) if date else (1, dt.date.min, name)


def read_history(events_dir: Path) -> History:
    """Every event in ``events_dir`` with a record beside it.

    Raises:
        BattledecksError: the folder does not exist or cannot be listed.
    """
    if not events_dir.is_dir():
        raise BattledecksError(f"{events_dir}: no such folder of events")
    try:
        candidates = sorted(
            p
            for p in events_dir.iterdir()
            if p.suffix in (".yaml", ".yml") and not is_record_file(p) and not p.name.startswith(".")
        )
    except OSError as error:
        raise BattledecksError(f"{events_dir}: cannot list the folder: {error.strerror or error}") from None

    events: list[PastEvent] = []
    shown: dict[Path, list[DeckShowing]] = {}
    problems: list[Problem] = []
    for path in candidates:
        if not record_path_for(path).exists():
            continue
        event, found = read_event(path)
        if event is None:
            problems.extend(p for p in found if p.is_error)
            continue
        try:
            record = EventRecord.load(event, save=False)
        except ProblemsError as error:
            problems.extend(error.problems)
            continue
        standings = Standings.from_record(record)
        events.append(
            PastEvent(path, event.name, event.date, standings.awards.winners, standings.awards.decided_by, standings)
        )
        titles = {e["deck"]: e.get("title") for e in record.entries if e["kind"] == "draw"}
        # A talk started again after an interruption is still one showing.
        shown[path] = list(
            dict.fromkeys(
                DeckShowing(e["deck"], titles.get(e["deck"]), event.name, event.date, e["presenter"], e.get("round", 1))
                for e in record.entries
                if e["kind"] == "talk-start" and isinstance(e.get("deck"), str)
            )
        )

    events.sort(key=lambda e: _when(e.date, e.name))
    decks: dict[str, list[DeckShowing]] = {}
    for past in events:
        for showing in shown[past.path]:
            decks.setdefault(showing.deck, []).append(showing)

    # The same person may be typed with other capitals at another event.
    people: dict[str, tuple[str, list[Appearance]]] = {}
    for past in events:
        for row in past.standings.rows:
            _, seen = people.setdefault(row.presenter.casefold(), (row.presenter, []))
            seen.append(Appearance(past.name, past.date, row.rank, row.tied))
    presenters = tuple(PresenterHistory(name, tuple(seen)) for _, (name, seen) in sorted(people.items()))
    return History(
        tuple(events),
        {deck: tuple(items) for deck, items in sorted(decks.items())},
        presenters,
        tuple(problems),
    )


def history_data(history: History) -> dict[str, object]:
    """The history as plain data (what ``history --json`` prints)."""
    date = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "events": [
            {
                "name": e.name,
                "date": date(e.date),
                "file": str(e.path),
                "winners": list(e.winners),
                "decided_by": e.decided_by or None,
            }
            for e in history.events
        ],
        "decks": {
            deck: [
                {"title": s.title, "event": s.event, "date": date(s.date), "presenter": s.presenter, "round": s.round}
                for s in showings
            ]
            for deck, showings in history.decks.items()
        },
        "presenters": [
            {
                "name": p.name,
                "best_rank": p.best_rank,
                "events": [
                    {"event": a.event, "date": date(a.date), "rank": a.rank, "tied": a.tied} for a in p.appearances
                ],
            }
            for p in history.presenters
        ],
        "problems": [str(p) for p in history.problems],
    }
