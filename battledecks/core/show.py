"""The show: an event, its record and its decks, and the rules that join them.

The app and the ``draw`` command both drive an event through :class:`Show`;
it checks each step against the rules (who may draw, which decks are left,
what a talk may do) and writes each step to the record.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .atomic import EventLock
from .check import failing_deck_ids
from .clock import TalkClock
from .decks import Deck, load_decks
from .draw import Draw, draw, eligible_decks, replay
from .event import Event, load_event
from .problems import Problem
from .record import EventRecord, RecordError, Status, WallClock, shown_at_other_events, wall_now

SeedSource = Callable[[], int]


def system_seed() -> int:
    """A fresh draw seed from the operating system's entropy."""
    return secrets.randbits(63)


@dataclass(frozen=True)
class Supply:
    """How many decks and topics are left against how many are needed."""

    decks: int
    """Unseen decks that may still be drawn (by anyone)."""
    topics: int
    needed: int
    """Presenters still without a deck."""
    needs_topics: bool

    @property
    def enough(self) -> bool:
        return self.decks >= self.needed and (not self.needs_topics or self.topics >= self.needed)

    def describe(self) -> str:
        text = f"{self.decks} unseen deck{'s' * (self.decks != 1)} for {self.needed} presenter{'s' * (self.needed != 1)} without one"
        if self.needs_topics:
            text += f", {self.topics} topic{'s' * (self.topics != 1)} left"
        return text


class Show:
    """One event being run."""

    def __init__(
        self,
        event: Event,
        record: EventRecord,
        decks: list[Deck],
        *,
        failing: set[str] | None = None,
        shown_before: set[str] | None = None,
        seed_source: SeedSource = system_seed,
        warnings: list[Problem] | None = None,
    ) -> None:
        self.event = event
        self.record = record
        self.decks = {d.id: d for d in decks}
        self.failing = failing_deck_ids(decks, event.slides) if failing is None else failing
        self.shown_before = shown_before or set()
        self.seed_source = seed_source
        self.warnings = warnings or []
        """Problems that do not stop the show (an unreadable older record)."""

    @classmethod
    def open(
        cls,
        event_path: Path,
        *,
        clock: WallClock = wall_now,
        seed_source: SeedSource = system_seed,
        save: bool = True,
    ) -> Show:
        """Load an event with its record and decks; set the order if not yet set."""
        event = load_event(event_path)
        record = EventRecord.load(event, clock=clock, save=save)
        decks = load_decks(event.decks)
        shown, warnings = shown_at_other_events(event.path) if not event.reuse else (set(), [])
        show = cls(event, record, decks, shown_before=shown, seed_source=seed_source, warnings=warnings)
        if save:
            show.ensure_order()
        return show

    @staticmethod
    def lock_for(event_path: Path) -> EventLock:
        return EventLock(event_path.with_name(f".{event_path.stem}.lock"))

    # --- lineup ----------------------------------------------------------

    def ensure_order(self) -> None:
        """Set the presenting order the first time the event is opened."""
        if self.record.ordered:
            return
        names = list(self.event.presenters)
        if self.event.order == "random":
            seed = self.seed_source()
            random.Random(seed).shuffle(names)
            self.record.set_order(names, how="random", seed=seed)
        else:
            self.record.set_order(names, how="listed")

    def mark_interrupted(self) -> list[str]:
        """Record talks left open by an app that stopped; returns the presenters."""
        names = []
        for name in self.record.open_talks():
            turn = self.record.presenters[name].latest
            if not turn.interrupted:
                self.record.add("talk-interrupted", presenter=name, deck=turn.deck, **self._round(turn.round))
            names.append(name)
        return names

    # --- the draw --------------------------------------------------------

    def pool(self, presenter: str) -> list[Deck]:
        """Decks that may be drawn for ``presenter`` now."""
        return eligible_decks(
            self.decks.values(),
            presenter=presenter,
            slides=self.event.slides,
            taken=self.record.taken_decks,
            shown_before=self.shown_before,
            failing=self.failing,
        )

    def topic_pool(self) -> list[str]:
        return [t for t in self.event.topics if t not in self.record.taken_topics]

    def supply(self) -> Supply:
        """Decks and topics left against presenters still waiting for a draw."""
        unseen = eligible_decks(
            self.decks.values(), presenter="", slides=self.event.slides,
            taken=self.record.taken_decks, shown_before=self.shown_before, failing=self.failing,
        )
        needed = sum(1 for p in self.record.lineup() if p.main.deck is None)
        return Supply(len(unseen), len(self.topic_pool()), needed, bool(self.event.topics))

    def can_draw(self, presenter: str, round: int = 1) -> str | None:
        """Why ``presenter`` cannot draw now, or None."""
        turn = self.record.presenters[presenter].turn(round)
        if turn.deck is not None:
            return f"{presenter} already has a deck"
        if not self.pool(presenter):
            return f"no unseen deck left for {presenter}"
        if self.event.topics and not self.topic_pool():
            return f"no topic left for {presenter}"
        return None

    def draw_for(self, presenter: str, round: int = 1) -> Draw:
        """Draw a deck (and topic) for ``presenter`` and record it.

        Raises:
            RecordError: the presenter has a deck, or nothing is left to draw.
        """
        reason = self.can_draw(presenter, round)
        if reason:
            raise RecordError(reason)
        result = draw(self.pool(presenter), self.topic_pool(), self.seed_source())
        self.record.add(
            "draw", presenter=presenter, deck=result.deck.id, title=result.deck.title,
            topic=result.topic, seed=result.seed, pool=list(result.pool), topics=list(result.topics),
            **self._round(round),
        )
        return result

    def veto(self, presenter: str, reason: str = "", round: int = 1) -> Draw | None:
        """Set the presenter's drawn deck aside and draw another; None if none is left."""
        turn = self.record.presenters[presenter].turn(round)
        if turn.deck is None:
            raise RecordError(f"{presenter} has no deck to veto")
        if turn.talks_started:
            raise RecordError(f"{presenter} has already presented this deck")
        topic = turn.topic
        self.record.add("veto", presenter=presenter, deck=turn.deck, reason=reason, **self._round(round))
        if topic is not None:
            # The topic stays with the presenter: only the deck was unsuitable.
            self.record.taken_topics.discard(topic)
        if not self.pool(presenter):
            return None
        return self.draw_for(presenter, round)

    def draw_all(self) -> list[Draw]:
        """Draw for every presenter without a deck, or for nobody if there are not enough.

        Raises:
            RecordError: not enough decks or topics, naming the numbers.
        """
        supply = self.supply()
        if not supply.enough:
            raise RecordError(f"{self.event.path}: not enough to draw for everyone: {supply.describe()}")
        waiting = [p.name for p in self.record.lineup() if p.main.deck is None]
        # Authors' own decks can still leave a presenter with no pool; check first.
        for name in waiting:
            if not self.pool(name):
                raise RecordError(f"{self.event.path}: no deck {name} has not made or seen is left")
        return [self.draw_for(name) for name in waiting]

    def audit(self) -> list[str]:
        """Replay every recorded draw from its seed; return the draws that do not match."""
        bad = []
        for entry in self.record.entries:
            if entry["kind"] != "draw" or "pool" not in entry:
                continue
            deck, topic = replay(entry["pool"], entry.get("topics") or [], entry["seed"])
            if (deck, topic) != (entry["deck"], entry.get("topic")):
                bad.append(f"draw for {entry['presenter']} at {entry['at']}: seed gives {deck}, record says {entry['deck']}")
        return bad

    def deck_of(self, presenter: str, round: int = 1) -> Deck | None:
        deck_id = self.record.presenters[presenter].turn(round).deck
        return self.decks.get(deck_id) if deck_id else None

    # --- talks -----------------------------------------------------------

    @staticmethod
    def _round(round: int) -> dict[str, int]:
        return {"round": round} if round != 1 else {}

    def start_talk(self, presenter: str, now: float, round: int = 1) -> TalkClock:
        """Record a talk starting and return its clock, started at ``now``."""
        turn = self.record.presenters[presenter].turn(round)
        if turn.deck is None:
            raise RecordError(f"{presenter} has no deck yet: draw first")
        if turn.presented:
            raise RecordError(f"{presenter} has already presented")
        clock = TalkClock(self.event.slides, self.event.seconds, self.event.countdown)
        clock.start(now)
        self.record.add("talk-start", presenter=presenter, deck=turn.deck, **self._round(round))
        return clock

    def note_talk(self, kind: str, presenter: str, round: int = 1, **fields: object) -> None:
        """Record a pause, resume, skip or catch-up during a talk."""
        if kind not in ("pause", "resume", "skip", "catch-up"):
            raise ValueError(kind)
        self.record.add(kind, presenter=presenter, **fields, **self._round(round))

    def end_talk(self, presenter: str, round: int = 1, **fields: object) -> None:
        self.record.add("talk-end", presenter=presenter, **fields, **self._round(round))

    def abort_talk(self, presenter: str, round: int = 1, reason: str = "") -> None:
        self.record.add("abort", presenter=presenter, reason=reason, **self._round(round))

    # --- helpers for screens ----------------------------------------------

    def status(self, presenter: str) -> Status:
        return self.record.status(presenter)

    def next_up(self) -> str | None:
        """The first presenter in the lineup who has not presented."""
        for p in self.record.lineup():
            if self.status(p.name) in (Status.WAITING, Status.DRAWN, Status.INTERRUPTED, Status.PRESENTING):
                return p.name
        return None
