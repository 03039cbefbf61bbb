"""The show: an event, its record and its decks, and the rules that join them.

:class:`Show` is the only way anything changes an event: the app's screens,
the ``draw`` command and any later follower send it commands (draw, veto,
start/pause/resume/skip/end/abort a talk, score, add/remove/move a
presenter, sudden death, reveal). Each command checks its rules here and
either writes exactly one record entry (a few write a second one they imply,
such as the abort of an interrupted talk being restarted) or raises
:class:`~battledecks.core.record.RecordError` with a reason to show as it is.
After each entry is applied and written, :attr:`Show.changes` emits one
:class:`~battledecks.core.changes.Change`. Everything else reads the show
through small read-only values (:class:`PresenterView`, :meth:`Show.snapshot`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from pathlib import Path

from .atomic import EventLock
from .changes import Change, ChangeFeed
from .clock import Phase, TalkClock
from .commitment import (
    CHAIN_USED_UP,
    DECKS_ADDED,
    SECRET_MISSING,
    ChainSecrets,
    Commitment,
    CommittedDeck,
    SecretSource,
    chain_length,
    commitment_content,
    deck_hash,
    extension_content,
    fingerprint_of,
    secret_from_seeds,
    secret_path_for,
    system_secret,
)
from .decks import Deck, DeckError, reload_decks
from .draw import Draw, draw, draw_committed, eligible_decks, replay, room_input
from .event import Event, load_event
from .words import plural
from .problems import Problem
from .record import (
    EventRecord,
    PresenterState,
    RecordError,
    SetAside,
    Status,
    Turn,
    VoteRound,
    WallClock,
    shown_at_other_events,
    wall_now,
)
from .scoring import Standings, format_score
from .text import control_problem

SeedSource = Callable[[], int]


def _failing(decks: list[Deck], slides: int) -> set[str]:
    """Ids of the decks whose check finds an error (see :func:`~battledecks.core.checks.failing_deck_ids`)."""
    from .checks import failing_deck_ids  # the image decoders, only once decks are checked

    return failing_deck_ids(decks, slides)


def system_seed() -> int:
    """A fresh draw seed from the operating system's entropy."""
    return random.SystemRandom().getrandbits(63)


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
        text = f"{plural(self.decks, 'unseen deck')} for {plural(self.needed, 'presenter')} without one"
        if self.needs_topics:
            text += f", {plural(self.topics, 'topic')} left"
        return text


REVEAL_STAGES = ("standings", "third", "second", "winner", "hidden")
"""What the room may see of the results: the standings table, the reveal's build-up (third
place, then second), the winner, or none of it."""

PLACES = ("third", "second", "winner")
"""Reveal stages that name a place: they need a ranked talk."""

TALK_STEPS = ("pause", "resume", "skip")
"""Recorded steps that change a talk's schedule, replayed in order by followers."""


@dataclass(frozen=True)
class PresenterView:
    """One presenter in one round, as the screens read it (a copy: changing it changes nothing)."""

    name: str
    wildcard: bool
    """Added on the day."""
    status: Status
    round: int
    deck: str | None
    """Id of the drawn deck."""
    title: str | None
    topic: str | None
    seed: int | None
    """Seed of the draw that gave the deck (an uncommitted draw's)."""
    chain: int | None
    """Which value of the committed chain the draw that gave the deck revealed."""
    room: str | None
    """The room's numbers mixed into that draw."""
    vetoed: tuple[str, ...]
    talks_started: int
    """Talks started on this turn (restarts included)."""
    talk_open: bool
    """A talk was started and neither ended nor aborted (on stage, or interrupted)."""
    scores: Mapping[tuple[str, str], float]
    """(judge, criterion) -> score."""
    audience: float | None

    @property
    def on_stage_before(self) -> bool:
        return self.talks_started > 0


@dataclass
class Talk:
    """The talk on stage (or the last one, once over): who, and its clock."""

    presenter: str
    round: int
    deck: str
    title: str | None
    clock: TalkClock
    seq: int
    """Seq of its ``talk-start`` change."""
    steps: list[tuple[str, float]] = field(default_factory=list)
    """Pauses, resumes and skips as (kind, monotonic time), in order."""
    outcome: str | None = None
    """None while running; ``"ended"`` (time up) or ``"aborted"``."""

    @property
    def running(self) -> bool:
        return self.outcome is None

    def schedule(self) -> dict[str, Any]:
        """Everything a follower needs to rebuild the clock (see :func:`talk_clock`)."""
        c = self.clock
        return {
            "presenter": self.presenter,
            "round": self.round,
            "deck": self.deck,
            "title": self.title,
            "seq": self.seq,
            "slides": c.slides,
            "seconds": c.seconds,
            "countdown": c.countdown,
            "start": c.started_at,
            "steps": [[kind, mono] for kind, mono in self.steps],
            "pauses": [list(p) for p in c.pauses],
            "skips": [mono for kind, mono in self.steps if kind == "skip"],
            "paused_since": c.paused_since,
            "paused": c.paused,
            "outcome": self.outcome,
        }


def talk_clock(schedule: Mapping[str, Any]) -> TalkClock:
    """Rebuild a talk's clock from :meth:`Talk.schedule` (or a ``talk-start`` change and its steps).

    Monotonic times are the host's ``time.monotonic()``: a follower on the
    same machine asks the rebuilt clock with its own ``time.monotonic()``.
    """
    clock = TalkClock(int(schedule["slides"]), float(schedule["seconds"]), float(schedule["countdown"]))
    clock.start(float(schedule["start"]))
    for kind, mono in schedule.get("steps", []):
        if kind == "pause":
            clock.pause(float(mono))
        elif kind == "resume":
            clock.resume(float(mono))
        elif kind == "skip":
            clock.skip_slide(float(mono))
    if schedule.get("outcome") == "aborted":
        clock.aborted = True
    return clock


def _view(name: str, wildcard: bool, turn: Turn, status: Status) -> PresenterView:
    return PresenterView(
        name=name,
        wildcard=wildcard,
        status=status,
        round=turn.round,
        deck=turn.deck,
        title=turn.deck_title,
        topic=turn.topic,
        seed=turn.seed,
        chain=turn.chain,
        room=turn.room,
        vetoed=tuple(turn.vetoed),
        talks_started=turn.talks_started,
        talk_open=turn.talk_open,
        scores=dict(turn.scores),
        audience=turn.audience,
    )


@dataclass(frozen=True)
class DeckScan:
    """How far the check of the decks folder has come (it runs while the lineup is already on screen)."""

    done: int = 0
    """Slides checked so far."""
    total: int = 0
    """Slides to check (those not already in the check cache)."""
    decks: int = 0
    """Decks in the folder, once listed."""
    finished: bool = False

    def describe(self) -> str:
        if self.finished:
            return f"{plural(self.decks, 'deck')} checked"
        if not self.total:
            return f"checking {plural(self.decks, 'deck')}…" if self.decks else "checking the decks…"
        return f"checking {plural(self.decks, 'deck')}… {self.done * 100 // self.total}% done"


class Show:
    """One event being run: the only way to change it."""

    def __init__(
        self,
        event: Event,
        record: EventRecord,
        decks: list[Deck],
        *,
        failing: set[str] | None = None,
        shown_before: set[str] | None = None,
        seed_source: SeedSource = system_seed,
        secret_source: SecretSource | None = None,
        warnings: list[Problem] | None = None,
    ) -> None:
        self.event = event
        self.record = record
        """The log; read it, never write it: every change goes through a command of the show."""
        self.decks = {d.id: d for d in decks}
        self.failing = _failing(decks, event.slides) if failing is None else failing
        self.scan = DeckScan(decks=len(decks), finished=True)
        """Where the check of the decks folder is: a draw waits until it has finished."""
        self.shown_before = shown_before or set()
        self.seed_source = seed_source
        if secret_source is None:
            # A seed source of the test's own makes the chains' secrets repeatable too.
            secret_source = system_secret if seed_source is system_seed else secret_from_seeds(seed_source)
        self.secret_source = secret_source
        """Makes the secret end of each new hash chain of the draw."""
        self.secrets = ChainSecrets(secret_path_for(event.path), save=record.autosave)
        """The chains' secrets, kept beside the record, never shown."""
        self._hashes: dict[Path, str] = {}
        """Content hashes of decks made while checking the folder, for the commitment (by deck path)."""
        self.warnings = warnings or []
        """Problems that do not stop the show (an unreadable older record)."""
        self.changes = ChangeFeed()
        """One :class:`Change` after each entry is applied and written."""
        self.talk: Talk | None = None
        """The talk on stage, or the last one of this session once over; None before any."""

    @classmethod
    def open(
        cls,
        event_path: Path,
        *,
        clock: WallClock = wall_now,
        seed_source: SeedSource = system_seed,
        secret_source: SecretSource | None = None,
        save: bool = True,
        scan: bool = True,
    ) -> Show:
        """Load an event with its record and decks; set the order and commit the draw if not yet done.

        Args:
            scan: check the decks folder now (and commit the draw). The app
                passes False and calls :meth:`scan_decks` on a worker, so the
                lineup is on screen at once however big the folder is, then
                :meth:`ensure_commitment`.
        """
        event = load_event(event_path)
        record = EventRecord.load(event, clock=clock, save=save)
        shown, warnings = shown_at_other_events(event.path) if not event.reuse else (set(), [])
        show = cls(
            event,
            record,
            [],
            failing=set(),
            shown_before=shown,
            seed_source=seed_source,
            secret_source=secret_source,
            warnings=warnings,
        )
        show.scan = DeckScan()
        if scan:
            show.scan_decks()
        if save:
            show.ensure_order()
            if scan:
                show.ensure_commitment()
        return show

    @staticmethod
    def lock_for(event_path: Path) -> EventLock:
        return EventLock(event_path.with_name(f".{event_path.stem}.lock"))

    # --- writing -----------------------------------------------------------

    def on_save_error(self, handler: Callable[[RecordError], None] | None) -> None:
        """Call ``handler`` instead of raising when a save fails: the change is kept and written by the next save."""
        self.record.on_save_error = handler

    @property
    def unsaved(self) -> bool:
        """Whether the last save failed."""
        return self.record.unsaved

    def unsaved_count(self) -> int:
        """How many changes a failed save left only in memory."""
        return len(self.record.unsaved_entries())

    def save_again(self) -> bool:
        """Try again the save that failed; whether the record file now holds everything."""
        if not self.record.unsaved:
            return True
        try:
            self.record.save()
        except RecordError:
            return False
        return True

    def save_or_set_aside(self, elsewhere: Iterable[Path] = ()) -> SetAside | None:
        """At quit: save what a failed save left unsaved, or else write the whole record to a side file
        (see :meth:`EventRecord.save_or_set_aside`); None when the record file holds everything."""
        return self.record.save_or_set_aside(self.record.clock(), elsewhere)

    def _write(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append one entry, apply it, save, and tell the followers (even when the save failed)."""
        before = len(self.record.entries)
        try:
            return self.record.add(kind, **fields)
        finally:
            if len(self.record.entries) > before:
                seq = len(self.record.entries)
                self.changes.emit(Change.from_entry(seq, self.record.entries[-1]))

    @staticmethod
    def _round(round: int) -> dict[str, int]:
        return {"round": round} if round != 1 else {}

    # --- reading -------------------------------------------------------------

    @property
    def seq(self) -> int:
        """Seq of the last change (0 before any)."""
        return len(self.record.entries)

    def _state(self, name: str) -> PresenterState:
        if name not in self.record.presenters:
            raise RecordError(f"no presenter {name!r} in the lineup")
        return self.record.presenters[name]

    def presenter(self, name: str, round: int | None = None) -> PresenterView:
        """``name`` in ``round`` (default: their latest round)."""
        state = self._state(name)
        turn = state.latest if round is None else state.turns.get(round, Turn(round))
        known = turn.round in state.turns
        return _view(name, state.wildcard, turn, self.record.status(name, turn.round) if known else Status.WAITING)

    def lineup(self) -> list[PresenterView]:
        """Every presenter in presenting order, in their latest round."""
        return [self.presenter(p.name) for p in self.record.lineup()]

    def names(self) -> list[str]:
        """Presenters in presenting order."""
        return list(self.record.order)

    def has(self, name: str) -> bool:
        return name in self.record.presenters

    def standings(self) -> Standings:
        """The ranking as it stands, computed from the record."""
        return Standings.from_record(self.record)

    def corrections(self, presenter: str | None = None) -> list[dict[str, Any]]:
        return [dict(e) for e in self.record.corrections(presenter)]

    def last_reveal(self) -> str | None:
        """The last :data:`REVEAL_STAGES` value recorded, or None."""
        for entry in reversed(self.record.entries):
            if entry["kind"] == "reveal":
                return str(entry["stage"])
        return None

    # --- lineup ----------------------------------------------------------

    def ensure_order(self) -> None:
        """Set the presenting order the first time the event is opened."""
        if self.record.ordered:
            return
        names = list(self.event.presenters)
        if self.event.order == "random":
            seed = self.seed_source()
            random.Random(seed).shuffle(names)
            self._write("order", presenters=names, how="random", seed=seed)
        else:
            self._write("order", presenters=names, how="listed", seed=None)

    def add_presenter(self, name: str, position: int | None = None) -> str:
        """Add a wildcard presenter (at the end by default); returns the name as added."""
        name = name.strip()
        if not name:
            raise RecordError("a presenter needs a name")
        if why := control_problem(name):
            raise RecordError(f"a presenter's name {why}")
        if name.casefold() in {n.casefold() for n in self.record.presenters}:
            raise RecordError(f"{name} is already in the lineup")
        count = len(self.record.order)
        position = count if position is None else max(0, min(count, position))
        self._write("add", presenter=name, position=position)
        return name

    def can_remove(self, name: str) -> str | None:
        """Why ``name`` cannot be removed now, or None."""
        if self._state(name).main.talks_started:
            return f"{name} has already been on stage and cannot be removed"
        return None

    def remove_presenter(self, name: str) -> None:
        reason = self.can_remove(name)
        if reason:
            raise RecordError(reason)
        self._write("remove", presenter=name)

    def move_presenter(self, name: str, delta: int) -> bool:
        """Move ``name`` up (negative) or down the lineup; False if it is already at that end."""
        self._state(name)
        index = self.record.order.index(name)
        target = max(0, min(len(self.record.order) - 1, index + delta))
        if target == index:
            return False
        self._write("move", presenter=name, position=target)
        return True

    def mark_interrupted(self) -> list[str]:
        """Record talks left open by an app that stopped; returns the presenters."""
        names = []
        for name in self.record.open_talks():
            turn = self.record.presenters[name].latest
            if not turn.interrupted:
                self._write("talk-interrupted", presenter=name, deck=turn.deck, **self._round(turn.round))
            names.append(name)
        return names

    # --- the decks --------------------------------------------------------

    def scan_decks(self, progress: Callable[[DeckScan], None] | None = None) -> DeckScan:
        """List and check the decks folder (see :func:`~battledecks.core.checks.scan_decks_folder`); safe on a worker thread.

        Draws wait until this has finished: drawing from the decks checked so
        far would favour the ones checked first (the folder is checked in name
        order), so the draw would not be fair. ``progress`` is told how far it has come.
        """
        # Checking needs the image decoders: imported here, once the lineup is on screen.
        from .checks import scan_decks_folder

        def told(done: int, total: int, listed: int) -> None:
            self.scan = DeckScan(done, total, listed)
            if progress is not None:
                progress(self.scan)

        decks, failing = scan_decks_folder(self.event.decks, self.event.slides, told)
        if self.needs_commitment():
            # The commitment hashes every deck's files: here, on the worker, not when the host presses a key.
            self._hashes = self._hash_decks(self._committable(decks, failing))
        # One assignment each: a reader on another thread sees the old or the new set, never half of one.
        self.decks = {d.id: d for d in decks}
        self.failing = failing
        self.scan = DeckScan(self.scan.done, self.scan.total, len(decks), finished=True)
        if progress is not None:
            progress(self.scan)
        return self.scan

    def verify_deck(self, presenter: str, round: int = 1) -> list[Problem]:
        """The drawn deck's errors, every slide decoded again now, whatever the check cache says."""
        deck = self.deck_of(presenter, round)
        if deck is None:
            return []
        return self.verify(deck)

    def verify(self, deck: Deck) -> list[Problem]:
        """A deck's errors, every slide decoded again now; reads no state but the event, so a worker thread may call it."""
        from .checks import verify_deck

        problems = verify_deck(deck, self.event.slides)
        committed = self.record.committed_decks().get(deck.id)
        if committed is not None and not problems:
            try:
                changed = deck_hash(deck) != committed.hash
            except OSError as error:
                problems.append(Problem(deck.path, f"cannot be read: {error.strerror or error}"))
            else:
                if changed:
                    problems.append(
                        Problem(
                            deck.pdf or deck.path,
                            "its slides changed after the draw was committed (verify will say so)",
                        )
                    )
        return list(dict.fromkeys(problems))

    # --- the draw --------------------------------------------------------

    def pool(self, presenter: str) -> list[Deck]:
        """Decks that may be drawn for ``presenter`` now, sorted by id.

        Once the draw is committed these are the committed decks nobody has
        drawn or vetoed and ``presenter`` did not make, whatever the folder
        holds now: a committed deck gone from the folder or broken since is
        still drawn (and then vetoed, on the record), so no deck leaves the
        draw unseen.
        """
        committed = self.record.committed_decks()
        if not self.record.commitments:
            return self._eligible(presenter)
        who = presenter.casefold()
        ids = sorted(
            d.id
            for d in committed.values()
            if d.id not in self.record.taken_decks and who not in {a.casefold() for a in d.authors}
        )
        return [self.decks.get(i) or self._missing_deck(i) for i in ids]

    def _eligible(self, presenter: str, decks: list[Deck] | None = None, failing: set[str] | None = None) -> list[Deck]:
        """Decks of the folder that the rules allow for ``presenter`` ("": for anyone), sorted by id."""
        return eligible_decks(
            self.decks.values() if decks is None else decks,
            presenter=presenter,
            slides=self.event.slides,
            taken=self.record.taken_decks,
            shown_before=self.shown_before,
            failing=self.failing if failing is None else failing,
        )

    def _missing_deck(self, deck_id: str) -> Deck:
        """A committed deck no longer in the folder, as the draw may still give it."""
        path = self.event.decks / deck_id
        return Deck(
            id=deck_id,
            path=path,
            title=deck_id,
            slides=(),
            problems=(Problem(path, "is no longer in the decks folder"),),
        )

    def uncommitted(self, presenter: str = "") -> list[Deck]:
        """Decks in the folder the rules allow but the commitment does not hold (added since): drawn only when
        no committed deck is left for a presenter, by a recorded extension of the commitment."""
        if not self.record.commitments:
            return []
        committed = self.record.committed_decks()
        return [d for d in self._eligible(presenter) if d.id not in committed]

    def topic_pool(self) -> list[str]:
        """Topics nobody holds yet (a presenter keeps their topic through a veto): the committed ones, once committed."""
        commitment = self.record.commitment
        topics = self.event.topics if commitment is None else commitment.topics
        return sorted(t for t in topics if t not in self.record.taken_topics)

    def supply(self) -> Supply:
        """Decks and topics left against presenters still waiting for a draw."""
        unseen = self.pool("") + self.uncommitted() if self.record.commitments else self._eligible("")
        waiting = [p.main for p in self.record.lineup() if p.main.deck is None]
        topics_needed = sum(1 for t in waiting if t.topic is None)
        topics = len(self.topic_pool())
        if self.event.topics:
            # Presenters who kept a topic through a veto need no new one.
            topics += len(waiting) - topics_needed
        return Supply(len(unseen), topics, len(waiting), bool(self.event.topics))

    def rescan_decks(self) -> list[str]:
        """Read the decks folder again, so decks added (or removed) while the show runs count at the next draw.

        Returns the ids of decks that are new since the last scan. Decks already
        drawn keep their record; a deck gone from the folder is no longer drawn.

        Raises:
            DeckError: the decks folder cannot be read (the decks known so far are kept).
        """
        # Only decks new to the folder are read and checked: one listing, however big the library.
        # A deck changed in place is caught when it is drawn (verify_deck, just before its talk).
        decks, fresh = reload_decks(self.event.decks, self.decks.values())
        if fresh:
            self.failing = self.failing | _failing(fresh, self.event.slides)
        self.decks = {d.id: d for d in decks}
        return [d.id for d in fresh]

    def _rescan(self) -> None:
        """Rescan before a draw; an unreadable folder leaves the decks known so far."""
        try:
            self.rescan_decks()
        except DeckError:
            pass

    def can_draw(self, presenter: str, round: int = 1) -> str | None:
        """Why ``presenter`` cannot draw now, or None."""
        turn = self._state(presenter).turns.get(round) or Turn(round)
        if turn.deck is not None:
            return f"{presenter} already has a deck"
        if not self.pool(presenter) and not self.uncommitted(presenter):
            return f"no unseen deck left for {presenter}"
        if self.event.topics and turn.topic is None and not self.topic_pool():
            return f"no topic left for {presenter}"
        return None

    def draw_for(self, presenter: str, round: int = 1, room: str | None = None) -> Draw:
        """Draw a deck (and topic, unless they kept one through a veto) for ``presenter`` and record it.

        The draw reveals the next value of the committed chain, mixed with
        ``room``, the numbers the room called out, if the host typed any.

        Raises:
            RecordError: the presenter has a deck, nothing is left to draw, or ``room`` is not numbers.
        """
        if not self.scan.finished:
            raise RecordError(
                f"the decks are still being checked ({self.scan.describe()}): the draw waits for all of them"
            )
        try:
            room = room_input(room)
        except ValueError as error:
            raise RecordError(str(error)) from None
        self._rescan()
        reason = self.can_draw(presenter, round)
        if reason:
            raise RecordError(reason)
        kept = self._state(presenter).turns.get(round, Turn(round)).topic
        self.ensure_commitment()
        # A kept topic is the only one in the topic pool, so the recorded draw still replays.
        topics = [kept] if kept is not None else self.topic_pool()
        if not self.record.commitments:
            # A record older than commitments, with draws in it already: drawn as it always was.
            if room is not None:
                raise RecordError(
                    "this event's draw was not committed in advance: the room's numbers cannot be mixed in"
                )
            result = draw(self.pool(presenter), topics, self.seed_source())
            self._write(
                "draw",
                presenter=presenter,
                deck=result.deck.id,
                title=result.deck.title,
                topic=result.topic,
                seed=result.seed,
                pool=list(result.pool),
                topics=list(result.topics),
                **self._round(round),
            )
            return result
        if not self.pool(presenter):
            added = self.uncommitted()
            self._extend(
                DECKS_ADDED,
                f"no committed deck was left for {presenter}: {plural(len(added), 'deck')} added to the folder since join the draw",
                added,
            )
        chain = self.record.commitments[-1]
        index = self.record.chain_used + 1
        value = self.secrets.value(chain.head, index)
        if value is None:
            if index > chain.length:
                chain = self._extend(CHAIN_USED_UP, f"the chain's {chain.length} values were used up")
            else:
                # Said to the host; verify says the draws from here on are not bound to the published commitment.
                chain = self._extend(SECRET_MISSING, f"the chain's secret is not in {self.secrets.path}")
            index = 1
            value = self.secrets.value(chain.head, index)
            assert value is not None  # a chain just made
        result = draw_committed(
            self.pool(presenter),
            topics,
            chain=index,
            revealed=value,
            fingerprint=chain.fingerprint,
            room=room,
            presenter=presenter,
            round=round,
        )
        fields: dict[str, Any] = {"room": room} if room is not None else {}
        self._write(
            "draw",
            presenter=presenter,
            deck=result.deck.id,
            title=result.deck.title,
            topic=result.topic,
            chain=index,
            revealed=result.revealed,
            **fields,
            key=result.key,
            pool=list(result.pool),
            topics=list(result.topics),
            **self._round(round),
        )
        return result

    # --- the commitment -----------------------------------------------------

    @property
    def commitment(self) -> Commitment | None:
        """The draw's commitment, once made (None in a record older than commitments)."""
        return self.record.commitment

    def needs_commitment(self) -> bool:
        """Whether the draw is still to be committed: no commitment, and no draw recorded without one."""
        return not self.record.commitments and not self.record.draws_before_commitment

    def _committable(self, decks: list[Deck] | None = None, failing: set[str] | None = None) -> list[Deck]:
        """The decks a commitment made now would hold: those anyone could draw."""
        return self._eligible("", decks, failing)

    def _hash_decks(self, decks: list[Deck]) -> dict[Path, str]:
        """Content hashes of ``decks`` by path; a deck whose files cannot be read is left out."""
        hashes = {}
        for deck in decks:
            try:
                hashes[deck.path] = self._hashes.get(deck.path) or deck_hash(deck)
            except OSError:
                continue
        return hashes

    def _committed(self, decks: list[Deck]) -> list[CommittedDeck]:
        hashes = self._hash_decks(decks)
        return [CommittedDeck(d.id, hashes[d.path], d.authors) for d in decks if d.path in hashes]

    def _new_chain(self, length: int) -> bytes:
        """Make a chain, keep its secret beside the record; returns its head."""
        try:
            return self.secrets.add(self.secret_source(), length)
        except OSError as error:
            raise RecordError(
                f"{self.secrets.path}: cannot keep the draw's secret: {error.strerror or error}"
            ) from None

    def commit(self) -> Commitment:
        """Fix the draw now and record it (before the first draw); returns the commitment.

        It holds the presenters, the topics, every deck anyone could draw
        with the hash of its slide files, the draw rules and the head of a
        new hash chain. Made once: later calls return it.

        Raises:
            RecordError: draws were recorded without a commitment, the decks are still
                being checked, or the chain's secret cannot be written.
        """
        if self.record.commitment is not None:
            return self.record.commitment
        if self.record.draws_before_commitment:
            raise RecordError(
                f"{self.record.path}: draws were recorded before draws were committed in advance: too late to commit"
            )
        if not self.scan.finished:
            raise RecordError(
                f"the decks are still being checked ({self.scan.describe()}): the commitment waits for all of them"
            )
        ev = self.event
        length = chain_length(len(self.record.order))
        head = self._new_chain(length)
        content = commitment_content(
            event=ev.name,
            date=ev.date.isoformat() if ev.date else None,
            presenters=self.record.order,
            topics=ev.topics,
            slides=ev.slides,
            decks=self._committed(self._committable()),
            head=head,
            length=length,
        )
        self._write("commit", fingerprint=fingerprint_of(content), content=content)
        self._hashes = {}
        assert self.record.commitment is not None
        return self.record.commitment

    def ensure_commitment(self) -> Commitment | None:
        """Commit the draw if it is still to be committed; the commitment (None for an older record's draws)."""
        if self.needs_commitment():
            return self.commit()
        return self.record.commitment

    def _extend(self, cause: str, reason: str, decks: list[Deck] | None = None) -> Commitment:
        """Record an extension of the commitment: a new chain, and ``decks`` added to the draw."""
        latest = self.record.commitments[-1]
        length = chain_length(len(self.record.order))
        head = self._new_chain(length)
        content = extension_content(
            extends=latest.fingerprint,
            cause=cause,
            reason=reason,
            decks=self._committed(decks or []),
            head=head,
            length=length,
        )
        self._write("commit", fingerprint=fingerprint_of(content), content=content)
        return self.record.commitments[-1]

    def can_veto(self, presenter: str, round: int | None = None) -> str | None:
        """Why ``presenter``'s deck cannot be vetoed now, or None."""
        state = self._state(presenter)
        turn = state.latest if round is None else state.turns.get(round, Turn(round))
        if turn.deck is None:
            return f"{presenter} has no deck to veto"
        if turn.talks_started:
            return f"{presenter} has already been on stage with this deck"
        return None

    def veto(self, presenter: str, reason: str = "", round: int = 1, room: str | None = None) -> Draw | None:
        """Set the presenter's drawn deck aside and draw another (with ``room``, the room's numbers); None if none is left.

        The presenter keeps their topic: only the deck was unsuitable.
        """
        why = self.can_veto(presenter, round)
        if why:
            raise RecordError(why)
        try:
            room_input(room)
        except ValueError as error:
            raise RecordError(str(error)) from None
        turn = self._state(presenter).turn(round)
        self._write("veto", presenter=presenter, deck=turn.deck, reason=reason, **self._round(round))
        if not self.pool(presenter) and not self.uncommitted(presenter):
            return None
        return self.draw_for(presenter, round, room)

    def draw_all(self, room: str | None = None) -> list[Draw]:
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
        return [self.draw_for(name, room=room) for name in waiting]

    def sudden_death(self) -> tuple[int, list[tuple[str, Draw]]]:
        """Draw the sudden-death round the standings call for; returns the round and the new draws.

        Presenters who already hold a deck for that round keep it.

        Raises:
            RecordError: no tie needs a sudden death, or a draw is impossible (nothing is drawn then).
        """
        sudden = self.standings().sudden_death
        if sudden is None:
            raise RecordError("no tie needs a sudden death")
        if not self.scan.finished:
            raise RecordError(f"the decks are still being checked ({self.scan.describe()}): try again in a moment")
        self._rescan()
        todo = [n for n in sudden.presenters if not self._holds(n, sudden.round)]
        for name in todo:
            reason = self.can_draw(name, sudden.round)
            if reason:
                raise RecordError(reason)
        # The whole round or nothing: enough for everyone together, not only for each alone.
        unseen = self.supply().decks
        if unseen < len(todo):
            raise RecordError(f"not enough unseen decks for the sudden death: {unseen} for {len(todo)} presenters")
        if self.event.topics:
            needing = [n for n in todo if self._state(n).turns.get(sudden.round, Turn(sudden.round)).topic is None]
            left = len(self.topic_pool())
            if left < len(needing):
                raise RecordError(
                    f"not enough topics left for the sudden death: {left} for {len(needing)} presenters; add topics to {self.event.path}"
                )
        return sudden.round, [(name, self.draw_for(name, sudden.round)) for name in todo]

    def _holds(self, name: str, round: int) -> bool:
        turn = self._state(name).turns.get(round)
        return turn is not None and turn.deck is not None

    def audit(self) -> list[str]:
        """Replay every recorded draw from its seed or chain value; return the draws that do not match.

        A committed record is checked in full, as ``battledecks verify`` does (the deck files aside).
        """
        if self.record.commitments:
            from .verify import verify_entries

            return verify_entries(self.record.entries).problems
        bad = []
        for entry in self.record.entries:
            if entry["kind"] != "draw" or "pool" not in entry:
                continue
            deck, topic = replay(entry["pool"], entry.get("topics") or [], entry["seed"])
            if (deck, topic) != (entry["deck"], entry.get("topic")):
                bad.append(
                    f"draw for {entry['presenter']} at {entry['at']}: seed gives {deck}, record says {entry['deck']}"
                )
        return bad

    def deck_of(self, presenter: str, round: int = 1) -> Deck | None:
        turn = self._state(presenter).turns.get(round)
        deck_id = turn.deck if turn else None
        return self.decks.get(deck_id) if deck_id else None

    # --- talks -----------------------------------------------------------

    def can_start(self, presenter: str, round: int | None = None) -> str | None:
        """Why ``presenter``'s talk cannot start now, or None."""
        state = self._state(presenter)
        turn = state.latest if round is None else state.turns.get(round, Turn(round))
        if turn.deck is None:
            return f"{presenter} has no deck yet: draw first"
        if turn.presented:
            return f"{presenter} has already presented"
        if self.talk is not None and self.talk.running and self.talk.presenter != presenter:
            return f"{self.talk.presenter}'s talk is on stage"
        if self.decks.get(turn.deck) is None:
            return f"{turn.deck_title or turn.deck} is no longer in {self.event.decks}: veto it (v) to draw another"
        return None

    def start_talk(self, presenter: str, now: float, round: int = 1) -> TalkClock:
        """Put ``presenter`` on stage: the talk's clock starts at monotonic time ``now``.

        A talk of theirs still open (interrupted, or restarted) is recorded as aborted first.
        """
        reason = self.can_start(presenter, round)
        if reason:
            raise RecordError(reason)
        turn = self._state(presenter).turn(round)
        if turn.talk_open:
            if self.talk is not None and self.talk.running:
                self.talk.clock.abort(now)
                self.talk.outcome = "aborted"
            self._write("abort", presenter=presenter, reason="restarted", mono=now, **self._round(round))
        ev = self.event
        clock = TalkClock(ev.slides, ev.seconds, ev.countdown)
        clock.start(now)
        assert turn.deck is not None
        self._write(
            "talk-start",
            presenter=presenter,
            deck=turn.deck,
            title=turn.deck_title,
            mono=now,
            slides=ev.slides,
            seconds=ev.seconds,
            countdown=ev.countdown,
            **self._round(round),
        )
        self.talk = Talk(presenter, round, turn.deck, turn.deck_title, clock, seq=self.seq)
        return clock

    def _running(self) -> Talk:
        if self.talk is None or not self.talk.running:
            raise RecordError("no talk is on stage")
        return self.talk

    def _talk_fields(self, talk: Talk) -> dict[str, Any]:
        return {"presenter": talk.presenter, **self._round(talk.round)}

    def pause_talk(self, now: float) -> bool:
        """Pause the talk on stage; False (nothing recorded) if it cannot be paused now."""
        talk = self._running()
        elapsed = talk.clock.state(now).elapsed
        if not talk.clock.pause(now):
            return False
        talk.steps.append(("pause", now))
        self._write("pause", **self._talk_fields(talk), mono=now, talk_time=round(elapsed, 3))
        return True

    def resume_talk(self, now: float) -> bool:
        """Resume the talk on stage where it was paused; False if it was not paused."""
        talk = self._running()
        elapsed = talk.clock.state(now).elapsed
        if not talk.clock.resume(now):
            return False
        talk.steps.append(("resume", now))
        self._write("resume", **self._talk_fields(talk), mono=now, talk_time=round(elapsed, 3))
        return True

    def skip_slide(self, now: float) -> int | None:
        """Skip the slide showing (a broken slide): the talk ends sooner.

        Returns:
            The 0-based slide skipped, or None (nothing recorded) if no slide is showing or the talk is paused.
        """
        talk = self._running()
        skipped = talk.clock.skip_slide(now)
        if skipped is None:
            return None
        talk.steps.append(("skip", now))
        self._write("skip", **self._talk_fields(talk), mono=now, slide=skipped + 1)
        return skipped

    def note_catch_up(self, now: float, shown: int, slide: int, late: float) -> None:
        """Record that the stage showed slide ``slide`` (1-based) late, after ``shown``: a stalled machine."""
        talk = self._running()
        self._write("catch-up", **self._talk_fields(talk), mono=now, shown=shown, now=slide, late=round(late, 3))

    def end_talk(self, now: float) -> None:
        """Record the talk on stage as done: its time is up."""
        talk = self._running()
        if talk.clock.state(now).phase is not Phase.TIME_UP:
            raise RecordError(f"{talk.presenter}'s talk is not over yet")
        talk.outcome = "ended"
        self._write("talk-end", **self._talk_fields(talk), mono=now)

    def abort_talk(self, now: float, reason: str = "") -> None:
        """Stop the talk on stage; the presenter starts again later on the same deck."""
        talk = self._running()
        talk.clock.abort(now)
        talk.outcome = "aborted"
        self._write("abort", **self._talk_fields(talk), mono=now, reason=reason)

    # --- scores ------------------------------------------------------------

    def can_score(
        self, presenter: str, judge: str | None, criterion: str | None, value: float | None, round: int = 1
    ) -> str | None:
        """Why this score cannot be entered, or None."""
        scoring = self.event.scoring
        turn = self._state(presenter).turns.get(round)
        if turn is None or not turn.presented:
            return f"{presenter} has not presented yet"
        if judge is None:
            if not scoring.audience:
                return "this event has no audience score"
        elif judge not in scoring.judges:
            return f"no judge {judge!r} at this event"
        elif criterion not in {c.name for c in scoring.criteria}:
            return f"no criterion {criterion!r} at this event"
        if value is not None and not scoring.valid_score(value):
            steps = "" if scoring.step == 1 else f" in steps of {scoring.step:g}"
            return f"scores run from {scoring.low:g} to {scoring.high:g}{steps}"
        return None

    def score(
        self, presenter: str, judge: str | None, criterion: str | None, value: float | None, round: int = 1
    ) -> bool:
        """Enter a judge's score (judge None: the audience score; value None clears it).

        A change to a score already entered is recorded as a correction.
        Returns False (nothing recorded) when the value is unchanged.
        """
        reason = self.can_score(presenter, judge, criterion, value, round)
        if reason:
            raise RecordError(reason)
        turn = self._state(presenter).turn(round)
        old = turn.audience if judge is None else turn.scores.get((judge, criterion or ""))
        if old == value:
            return False
        fields: dict[str, Any] = {"presenter": presenter, "judge": judge, "criterion": criterion, "value": value}
        fields.update(self._round(round))
        if old is None:
            self._write("score", **fields)
        else:
            self._write("correction", previous=old, **fields)
        return True

    # --- the audience votes from their phones ------------------------------------

    @property
    def current_vote(self) -> VoteRound | None:
        """The round of audience voting open now, if any (a copy)."""
        vote = self.record.open_vote
        return None if vote is None else replace(vote)

    def vote_rounds(self) -> list[VoteRound]:
        """Every round of audience voting, in the order they were first opened (copies)."""
        return [replace(v) for v in self.record.votes.values()]

    def can_open_vote(self, presenter: str, round: int = 1) -> str | None:
        """Why the room cannot vote on ``presenter`` now, or None."""
        if self.event.scoring.audience_vote != "phones":
            return "this event takes no votes from phones (scoring: audience: {vote: phones})"
        turn = self._state(presenter).turns.get(round)
        if turn is None or not turn.presented:
            return f"{presenter} has not presented yet"
        current = self.record.open_vote
        if current is not None:
            return f"voting on {current.presenter} is still open: close it first"
        if self.event.scoring.audience_when == "at-end" and (left := self.talks_to_come(round)):
            return f"the room votes on every presenter once all talks are done ({', '.join(left)} still to present)"
        return None

    def talks_to_come(self, round: int = 1) -> list[str]:
        """Presenters of ``round`` (the whole lineup for round 1) whose talk is not done yet, in order."""
        return [
            p.name
            for p in self.record.lineup()
            if (round == 1 or round in p.turns) and not (round in p.turns and p.turns[round].presented)
        ]

    def vote_queue(self, round: int = 1) -> list[str]:
        """Presenters of ``round`` whose talk is done and who have no closed vote yet, in order: the votes still to hold."""
        closed = {v.presenter for v in self.record.votes.values() if v.round == round and not v.open}
        return [
            p.name
            for p in self.record.lineup()
            if round in p.turns and p.turns[round].presented and p.name not in closed
        ]

    def open_vote(self, presenter: str, round: int = 1) -> VoteRound:
        """Open the room's vote on ``presenter`` (reopening their last vote, whose votes still count)."""
        reason = self.can_open_vote(presenter, round)
        if reason:
            raise RecordError(reason)
        earlier = [v for v in self.record.votes.values() if v.presenter == presenter and v.round == round]
        if earlier:
            vote_id = earlier[-1].id
            self._write("vote-open", presenter=presenter, vote=vote_id, reopen=True, **self._round(round))
        else:
            vote_id = max(self.record.votes, default=0) + 1
            self._write("vote-open", presenter=presenter, vote=vote_id, **self._round(round))
        return replace(self.record.votes[vote_id])

    def close_vote(self, votes: int, mean: float | None, spread: Sequence[tuple[float, int]] = ()) -> VoteRound:
        """Close the open vote with its result; the mean (2 decimals) becomes the presenter's audience score.

        The score is written like any audience score (a correction if there
        was one) with the number of votes; no votes leave the score as it was.
        ``spread``: how the votes spread, (score, phones that gave it) for each
        score given; recorded with the result, and what the room sees of the
        vote once it is closed (none given: the room sees only the count).
        """
        vote = self.record.open_vote
        if vote is None:
            raise RecordError("no vote is open")
        if votes < 0 or (votes > 0) != (mean is not None):
            raise RecordError(f"a vote's result needs a mean exactly when it has votes ({votes} votes, mean {mean})")
        scoring = self.event.scoring
        if mean is not None and not scoring.low <= mean <= scoring.high:
            raise RecordError(f"a mean of {mean:g} is off the scale {scoring.low:g} to {scoring.high:g}")
        given = sorted((float(score), int(times)) for score, times in spread)
        if given:
            off = [score for score, times in given if not scoring.valid_score(score) or times < 1]
            if off or len({score for score, _ in given}) != len(given) or sum(times for _, times in given) != votes:
                raise RecordError(
                    f"a vote's spread must give each score on the scale once and add up to its {votes} votes: {given}"
                )
        value = None if mean is None else round(mean, 2)
        extra: dict[str, Any] = {"spread": [[score, times] for score, times in given]} if given else {}
        self._write(
            "vote-close",
            presenter=vote.presenter,
            vote=vote.id,
            votes=votes,
            mean=value,
            **extra,
            **self._round(vote.round),
        )
        if value is not None:
            turn = self._state(vote.presenter).turn(vote.round)
            fields: dict[str, Any] = {"presenter": vote.presenter, "judge": None, "criterion": None, "value": value}
            fields.update(self._round(vote.round))
            if turn.audience is None:
                self._write("score", **fields, votes=votes, vote=vote.id)
            elif turn.audience != value or turn.audience_votes != votes:
                self._write("correction", previous=turn.audience, **fields, votes=votes, vote=vote.id)
        return replace(self.record.votes[vote.id])

    # --- what the room sees --------------------------------------------------

    def reveal(self, stage: str) -> bool:
        """Record what the projector shows of the results: ``standings``, ``winner`` or ``hidden``.

        Returns False (nothing recorded) when that is already what it shows.
        """
        if stage not in REVEAL_STAGES:
            raise RecordError(f"cannot reveal {stage!r}: one of {', '.join(REVEAL_STAGES)}")
        if stage in PLACES and not self.standings().ranked:
            raise RecordError("no talk has been scored yet")
        if stage == (self.last_reveal() or "hidden"):
            return False
        self._write("reveal", stage=stage)
        return True

    # --- helpers for screens ----------------------------------------------

    def status(self, presenter: str) -> Status:
        return self.record.status(presenter)

    def next_up(self) -> str | None:
        """The first presenter in the lineup who has not presented."""
        for p in self.record.lineup():
            if self.status(p.name) in (Status.WAITING, Status.DRAWN, Status.INTERRUPTED, Status.PRESENTING):
                return p.name
        return None

    # --- for followers -------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The show as it stands, as JSON values: what a follower that connects late starts from.

        Changes with a seq above ``snapshot()["seq"]`` come after it.
        """
        ev = self.event
        totals = {row.presenter: row.total for row in self.standings().rows}
        lineup = []
        for view in self.lineup():
            total = totals.get(view.name)
            lineup.append(
                {
                    "name": view.name,
                    "wildcard": view.wildcard,
                    "status": view.status.value,
                    "round": view.round,
                    "deck": view.deck,
                    "title": view.title,
                    "topic": view.topic,
                    "score": None if total is None else float(total),
                    "score_text": format_score(total) if total is not None else "",
                }
            )
        return {
            "seq": self.seq,
            "event": {
                "name": ev.name,
                "date": ev.date.isoformat() if ev.date else None,
                "slides": ev.slides,
                "seconds": ev.seconds,
                "countdown": ev.countdown,
                "period": ev.period,
                "topics": bool(ev.topics),
            },
            "lineup": lineup,
            "next_up": self.next_up(),
            "talk": self.talk.schedule() if self.talk is not None else None,
            "reveal": self.last_reveal(),
            "vote": None
            if self.record.open_vote is None
            else {
                "vote": self.record.open_vote.id,
                "presenter": self.record.open_vote.presenter,
                "round": self.record.open_vote.round,
            },
            "unsaved": self.unsaved,
            "commitment": None if self.record.commitment is None else self.record.commitment.fingerprint,
        }
