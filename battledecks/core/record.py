"""The event record: everything that happened at an event, in order.

The record is a log of entries (order, draws, vetoes, talks with their
pauses, scores and corrections), kept beside the event file as
``<event>.record.yaml`` and replaced atomically after every change. The
state a host sees (who is next, who drew what, the scores) is derived by
replaying the log, so the file is both the audit trail and the save game.

Each entry is one line of JSON inside a YAML list: readable, greppable, and
loaded with the same strict YAML reader as the event file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from .atomic import PRIVATE, atomic_write, remove_stale_temps
from .commitment import Commitment, CommittedDeck
from .event import Event, is_record_file, record_path_for
from .problems import BattledecksError, Problem, ProblemsError
from .entries import entry_problem
from .text import json_text
from .yamlfile import YamlFileError, load_yaml

FORMAT = 1
"""Version of the record format."""

WallClock = Callable[[], dt.datetime]


def wall_now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


class Status(str, Enum):
    """Where a presenter is in the show."""

    WAITING = "waiting"
    """No deck drawn yet."""
    DRAWN = "drawn"
    """Has a deck, has not presented it."""
    PRESENTING = "presenting"
    """On stage now."""
    INTERRUPTED = "interrupted"
    """Was on stage when the app stopped; the talk must start again."""
    PRESENTED = "presented"
    """Talk done, scores missing."""
    SCORED = "scored"
    """Every score is in."""


@dataclass
class Turn:
    """One presenter's deck, talk and scores in one round (1 = the main round)."""

    round: int
    deck: str | None = None
    """Deck id."""
    deck_title: str | None = None
    topic: str | None = None
    seed: int | None = None
    """Seed of the (uncommitted) draw that gave the deck, for audits."""
    chain: int | None = None
    """Which value of the committed chain the draw that gave the deck used."""
    room: str | None = None
    """The room's numbers mixed into that draw, if any."""
    vetoed: list[str] = field(default_factory=list)
    """Decks drawn and set aside by the host."""
    talk_open: bool = False
    """A talk started and not yet ended or aborted."""
    interrupted: bool = False
    talks_started: int = 0
    presented: bool = False
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    """(judge, criterion) -> score."""
    audience: float | None = None
    audience_votes: int | None = None
    """How many phones voted for the audience score, when it came from a vote (a hand-typed score: None)."""


@dataclass
class VoteRound:
    """One round of the audience voting from their phones on one presenter's talk."""

    id: int
    presenter: str
    round: int = 1
    """The presenter's round in the show (1, or sudden death)."""
    open: bool = True
    votes: int | None = None
    """How many phones voted, once closed."""
    mean: float | None = None
    spread: list[tuple[float, int]] = field(default_factory=list)
    """Once closed: (score, phones that gave it) for each score given, lowest first (empty if not recorded)."""


@dataclass
class PresenterState:
    name: str
    wildcard: bool = False
    """Added on the day."""
    turns: dict[int, Turn] = field(default_factory=dict)

    def turn(self, round: int = 1) -> Turn:
        if round not in self.turns:
            self.turns[round] = Turn(round)
        return self.turns[round]

    @property
    def main(self) -> Turn:
        return self.turn(1)

    @property
    def latest(self) -> Turn:
        return self.turns[max(self.turns)] if self.turns else self.turn(1)


class RecordError(BattledecksError):
    """A record that cannot be read or a change the rules forbid."""


@dataclass(frozen=True)
class SetAside:
    """What a record could not save at quit, and where it was put instead."""

    entries: list[dict[str, Any]]
    """The entries the record file lacks."""
    reason: str
    """Why the record could not be saved."""
    path: Path | None
    """The side file holding the whole record; None if it could not be written anywhere."""

    def describe(self) -> str:
        """The entries in a few words: "3 changes (draw for Ada, talk-start for Ada, score for Ada)"."""
        words = []
        for entry in self.entries:
            who = entry.get("presenter")
            words.append(f"{entry['kind']} for {who}" if who else str(entry["kind"]))
        shown = ", ".join(words[:8]) + (f" and {len(words) - 8} more" if len(words) > 8 else "")
        count = len(self.entries)
        return f"{count} change{'s' * (count != 1)} ({shown})"


def _status(turn: Turn, judges: tuple[str, ...], criteria: Iterable[str], audience: bool) -> Status:
    if turn.talk_open:
        return Status.INTERRUPTED if turn.interrupted else Status.PRESENTING
    if turn.presented:
        needed = {(j, c) for j in judges for c in criteria}
        complete = needed.issubset(turn.scores) and (not audience or turn.audience is not None)
        return Status.SCORED if complete else Status.PRESENTED
    if turn.deck is not None:
        return Status.DRAWN
    return Status.WAITING


def _dump(entries: list[dict[str, Any]], event: Event) -> str:
    lines = [
        f"# battledecks record of {json_text(event.name)}; written by battledecks, one entry a line.",
        f"format: {FORMAT}",
        f"event: {json_text(event.name)}",
        f"event_file: {json_text(event.path.name)}",
    ]
    if entries:
        lines.append("log:")
        # Escaped where YAML could not hold a character as it is, so the record always reads back.
        lines.extend(f"  - {json_text(e)}" for e in entries)
    else:
        lines.append("log: []")
    return "\n".join(lines) + "\n"


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The log entries of a record file.

    Raises:
        ProblemsError: the file is not a readable record.
    """
    try:
        data, lines = load_yaml(path)
    except YamlFileError as error:
        raise ProblemsError([Problem(path, error.reason, line=error.line)]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("log"), list):
        raise ProblemsError([Problem(path, f"is not a battledecks record (format {FORMAT})")])
    entries = data["log"]
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise ProblemsError(
                [Problem(path, "log entry is not a mapping with a kind", line=lines.get(("log", index)))]
            )
        why = entry_problem(entry)
        if why:
            raise ProblemsError([Problem(path, f"log entry {index + 1}: {why}", line=lines.get(("log", index)))])
    return entries


class EventRecord:
    """The record of one event, and the state derived from it.

    State is only ever derived by applying entries, so what a running show
    believes and what a reopened record shows are the same. Changes come
    from :class:`~battledecks.core.show.Show`, which checks the rules and
    calls :meth:`add`; it appends an entry, applies it and saves the file
    before returning, so what the host sees confirmed on screen is on disk.
    """

    def __init__(
        self,
        event: Event,
        entries: list[dict[str, Any]] | None = None,
        *,
        clock: WallClock = wall_now,
        save: bool = True,
    ) -> None:
        self.event = event
        self.path = record_path_for(event.path)
        self.entries: list[dict[str, Any]] = []
        self.clock = clock
        self.autosave = save
        """Whether changes are written at once (off for read-only views)."""
        self.on_save_error: Callable[[RecordError], None] | None = None
        """Called instead of raising when a save fails (the app: the show goes on, the host is told)."""
        self.unsaved = False
        """Whether the last save failed: the next successful save writes everything."""
        self.saved = len(entries or [])
        """How many entries the file holds as last written (those after are :meth:`unsaved_entries`)."""
        self.order: list[str] = []
        """Presenters in presenting order."""
        self.presenters: dict[str, PresenterState] = {}
        self.ordered = False
        """Whether the presenting order has been set."""
        self.vetoes: list[tuple[str, str]] = []
        self.taken_decks: set[str] = set()
        """Every deck drawn or vetoed at this event."""
        self.taken_topics: set[str] = set()
        self.votes: dict[int, VoteRound] = {}
        """Rounds of the audience voting from their phones, by id."""
        self.commitments: list[Commitment] = []
        """The draw's commitment and its extensions, in order (none in a record older than commitments)."""
        self.chain_used = 0
        """The last value of the latest commitment's chain a draw revealed (0: none yet)."""
        self.draws_before_commitment = 0
        """Draws and vetoes recorded with no commitment before them (an older record's)."""
        for entry in entries or []:
            self._apply(entry)
            self.entries.append(entry)

    # --- loading -------------------------------------------------------

    @classmethod
    def load(cls, event: Event, *, clock: WallClock = wall_now, save: bool = True) -> EventRecord:
        """The event's record, or a new empty one if it has none yet.

        Opened to be written (``save``), it first removes the temporary files a
        write killed midway left beside the record (the record itself is then
        the old one or the new one, whole).
        """
        path = record_path_for(event.path)
        if save:
            remove_stale_temps(path)
        entries = read_entries(path) if path.exists() else []
        try:
            return cls(event, entries, clock=clock, save=save)
        except (KeyError, TypeError, ValueError, RecordError) as error:
            raise ProblemsError([Problem(path, f"log does not replay: {error}")]) from None

    # --- derived state -------------------------------------------------

    def lineup(self) -> list[PresenterState]:
        return [self.presenters[name] for name in self.order]

    def status(self, name: str, round: int | None = None) -> Status:
        p = self.presenters[name]
        turn = p.latest if round is None else p.turn(round)
        scoring = self.event.scoring
        return _status(turn, scoring.judges, [c.name for c in scoring.criteria], scoring.audience)

    @property
    def open_vote(self) -> VoteRound | None:
        """The round of audience voting open now, if any."""
        return next((v for v in self.votes.values() if v.open), None)

    def open_talks(self) -> list[str]:
        """Presenters whose talk was started and never ended."""
        return [n for n in self.order if self.presenters[n].latest.talk_open]

    def shown_decks(self) -> set[str]:
        """Decks that went on stage at this event."""
        return {e["deck"] for e in self.entries if e["kind"] == "talk-start"}

    @property
    def commitment(self) -> Commitment | None:
        """The draw's commitment (not its extensions), or None if the record has none."""
        return self.commitments[0] if self.commitments else None

    def committed_decks(self) -> dict[str, CommittedDeck]:
        """Every deck the commitment and its extensions fixed, by id."""
        return {d.id: d for c in self.commitments for d in c.decks}

    # --- applying entries ----------------------------------------------

    def _presenter(self, name: str) -> PresenterState:
        if name not in self.presenters:
            raise RecordError(f"no presenter {name!r} in the lineup")
        return self.presenters[name]

    def _apply(self, e: dict[str, Any]) -> None:
        kind = e["kind"]
        if kind in ("add", "remove", "move") and not self.ordered:
            # The order is the first thing an event's record holds: a change to it before it is a damaged record.
            raise RecordError(f"{kind!r} before the presenting order was set")
        if kind == "order":
            self.order = list(e["presenters"])
            for name in self.order:
                self.presenters.setdefault(name, PresenterState(name))
            self.ordered = True
        elif kind == "add":
            name = e["presenter"]
            position = e.get("position", len(self.order))
            self.order.insert(position, name)
            self.presenters[name] = PresenterState(name, wildcard=True)
        elif kind == "remove":
            self.order.remove(e["presenter"])
            del self.presenters[e["presenter"]]
        elif kind == "move":
            self.order.remove(e["presenter"])
            self.order.insert(e["position"], e["presenter"])
        elif kind == "commit":
            commitment = Commitment.from_entry(e)
            if commitment.extends is None and self.commitments:
                raise RecordError("a second commitment of the draw (an extension names the one it extends)")
            if commitment.extends is not None and (
                not self.commitments or commitment.extends != self.commitments[-1].fingerprint
            ):
                raise RecordError("an extension of the draw's commitment that does not extend the latest one")
            self.commitments.append(commitment)
            self.chain_used = 0
        elif kind == "draw":
            turn = self._presenter(e["presenter"]).turn(e.get("round", 1))
            turn.deck, turn.deck_title, turn.seed = e["deck"], e.get("title"), e.get("seed")
            turn.chain, turn.room = e.get("chain"), e.get("room")
            if "chain" in e:
                self.chain_used = e["chain"]
            elif not self.commitments:
                self.draws_before_commitment += 1
            if e.get("topic") is not None:
                turn.topic = e["topic"]
                self.taken_topics.add(e["topic"])
            self.taken_decks.add(e["deck"])
        elif kind == "veto":
            turn = self._presenter(e["presenter"]).turn(e.get("round", 1))
            turn.vetoed.append(e["deck"])
            self.vetoes.append((e["deck"], e.get("reason", "")))
            # The presenter keeps their topic (it stays taken): only the deck was unsuitable.
            turn.deck = turn.deck_title = turn.seed = turn.chain = turn.room = None
            if not self.commitments:
                self.draws_before_commitment += 1
        elif kind == "talk-start":
            turn = self._presenter(e["presenter"]).turn(e.get("round", 1))
            turn.talk_open, turn.interrupted = True, False
            turn.talks_started += 1
        elif kind in ("talk-end", "abort", "talk-interrupted"):
            turn = self._presenter(e["presenter"]).turn(e.get("round", 1))
            if kind == "talk-end":
                turn.talk_open, turn.presented = False, True
            elif kind == "abort":
                turn.talk_open = turn.interrupted = False
            else:
                turn.interrupted = True
        elif kind in ("score", "correction"):
            turn = self._presenter(e["presenter"]).turn(e.get("round", 1))
            if e.get("judge") is None:
                turn.audience = e["value"]
                turn.audience_votes = e.get("votes")
            elif e["value"] is None:
                turn.scores.pop((e["judge"], e["criterion"]), None)
            else:
                turn.scores[(e["judge"], e["criterion"])] = e["value"]
        elif kind == "vote-open":
            self._presenter(e["presenter"])
            vote = self.votes.get(e["vote"])
            if vote is None:
                self.votes[e["vote"]] = VoteRound(e["vote"], e["presenter"], e.get("round", 1))
            else:
                vote.open = True
        elif kind == "vote-close":
            vote = self.votes[e["vote"]]
            vote.open, vote.votes, vote.mean = False, e["votes"], e.get("mean")
            vote.spread = [(float(score), int(times)) for score, times in e.get("spread") or []]
        elif kind in ("pause", "resume", "skip", "catch-up", "note", "reveal"):
            pass  # kept for the audit trail; they change nothing a host decides on
        else:
            raise RecordError(f"unknown log entry kind {kind!r}")

    def add(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append an entry, apply it and save. Returns the entry."""
        entry = {"at": self.clock().isoformat(), "kind": kind, **fields}
        self._apply(entry)
        self.entries.append(entry)
        if self.autosave:
            try:
                self.save()
            except RecordError as error:
                if self.on_save_error is None:
                    raise
                self.on_save_error(error)
        return entry

    def save(self) -> None:
        """Write the whole record (0600: it holds the judges' scores before the reveal)."""
        count = len(self.entries)
        try:
            atomic_write(self.path, _dump(self.entries, self.event), mode=PRIVATE)
        except (OSError, ValueError) as error:  # ValueError: text that cannot be written as UTF-8
            self.unsaved = True
            reason = error.strerror if isinstance(error, OSError) else None
            raise RecordError(f"{self.path}: cannot save the record: {reason or error}") from None
        self.unsaved = False
        self.saved = count

    def unsaved_entries(self) -> list[dict[str, Any]]:
        """The entries the record file does not hold yet (a save failed since they were made)."""
        return self.entries[self.saved :] if self.unsaved else []

    def save_or_set_aside(self, now: dt.datetime, elsewhere: Iterable[Path] = ()) -> SetAside | None:
        """At quit: write what is unsaved, or else put the whole record in a side file, so nothing is lost.

        Saves again if the last save failed. If it fails again, the whole
        record (every entry, saved or not) is written atomically, 0600, to
        ``NAME.record.yaml.unsaved-DATE-TIME`` beside the record, or else in
        the first of ``elsewhere`` that takes it: moved over the record once
        the disk is fixed, it is the record with nothing missing.

        Returns:
            None when the record file holds everything; else what was not
            saved, why, and where it went (None if nowhere would take it).
        """
        if not self.unsaved:
            return None
        unsaved = self.unsaved_entries()
        try:
            self.save()
            return None
        except RecordError as error:
            reason = str(error)
        name = f"{self.path.name}.unsaved-{now:%Y-%m-%d-%H%M%S}"
        text = _dump(self.entries, self.event)
        for folder in (self.path.parent, *elsewhere):
            try:
                atomic_write(folder / name, text, mode=PRIVATE)
            except (OSError, ValueError):
                continue
            return SetAside(unsaved, reason, folder / name)
        return SetAside(unsaved, reason, None)

    def corrections(self, presenter: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["kind"] == "correction" and presenter in (None, e["presenter"])]


def shown_at_other_events(event_path: Path) -> tuple[set[str], list[Problem]]:
    """Decks that went on stage at the other events whose records share this event's folder.

    Unreadable records are reported, not fatal: the show must go on.
    """
    own = record_path_for(event_path).resolve()
    shown: set[str] = set()
    problems: list[Problem] = []
    try:
        candidates = sorted(event_path.parent.iterdir())
    except OSError:
        return shown, problems
    for path in candidates:
        if not is_record_file(path) or path.resolve() == own:
            continue
        try:
            entries = read_entries(path)
        except ProblemsError as error:
            problems.extend(error.problems)
            continue
        shown.update(e["deck"] for e in entries if e.get("kind") == "talk-start" and isinstance(e.get("deck"), str))
    return shown, problems
