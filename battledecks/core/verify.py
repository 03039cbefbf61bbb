"""Checking every draw of a record against its commitment, offline: what ``battledecks verify`` does.

It reads nothing but the record's log (and, when it is given, the decks
folder) and replays the draw on its own, without the show's code that made
it: it recomputes the commitment's fingerprint from what the record says was
committed, checks each revealed value against the chain's head, works out
each draw's pool from the commitment and the draws and vetoes before it,
replays each pick from its value and the room's numbers, and hashes each
committed deck's files again. Every difference is said, one line each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .commitment import (
    CHAIN_USED_UP,
    DECKS_ADDED,
    Commitment,
    CommittedDeck,
    content_hash_of,
    fingerprint_of,
    is_chain_value,
    short_fingerprint,
)
from .decks import deck_id, deck_paths
from .draw import committed_choice, draw_key, room_input
from .words import plural, some_names


@dataclass
class DrawCheck:
    """One draw as verify replayed it."""

    number: int
    """1 for the event's first draw."""
    presenter: str
    round: int
    deck: str
    """As recorded."""
    topic: str | None
    chain: int | None
    room: str | None
    pool: int
    """Decks it was drawn from (as it should have been)."""
    ok: bool = True
    vetoed: str | None = None
    """Why the host set the deck aside, if they did ("" when they gave no reason)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "presenter": self.presenter,
            "round": self.round,
            "deck": self.deck,
            "topic": self.topic,
            "chain": self.chain,
            "room": self.room,
            "pool": self.pool,
            "ok": self.ok,
            "vetoed": self.vetoed,
        }


@dataclass
class Verification:
    """What verify found."""

    committed: bool = False
    """Whether the record holds a commitment at all."""
    fingerprint: str | None = None
    """The commitment's fingerprint, as recorded."""
    presenters: int = 0
    decks: int = 0
    """Decks the commitment (and its extensions) fixed."""
    chain: int = 0
    """Values in the commitment's first chain."""
    draws: list[DrawCheck] = field(default_factory=list)
    vetoes: int = 0
    extensions: list[str] = field(default_factory=list)
    """Why each extension of the commitment was made, in order."""
    problems: list[str] = field(default_factory=list)
    """Every difference found, one sentence each."""
    decks_folder: Path | None = None
    """The folder whose deck files were hashed again, if any."""
    decks_matched: int = 0
    decks_missing: list[str] = field(default_factory=list)
    """Committed decks not in the folder: not checked."""

    @property
    def ok(self) -> bool:
        return self.committed and not self.problems

    def summary(self) -> str:
        counts = f"{plural(len(self.draws), 'draw')}, {plural(self.vetoes, 'veto', 'vetoes')}"
        if self.ok:
            return f"verified: {counts}"
        return f"NOT verified: {plural(len(self.problems), 'problem')} ({counts})"

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.ok,
            "committed": self.committed,
            "fingerprint": self.fingerprint,
            "presenters": self.presenters,
            "decks": self.decks,
            "chain": self.chain,
            "draws": [d.to_json() for d in self.draws],
            "vetoes": self.vetoes,
            "extensions": list(self.extensions),
            "problems": list(self.problems),
            "deck_files": None
            if self.decks_folder is None
            else {
                "folder": str(self.decks_folder),
                "matched": self.decks_matched,
                "missing": list(self.decks_missing),
            },
        }


def _pool_problem(recorded: object, expected: list[str], committed: Mapping[str, CommittedDeck]) -> str | None:
    """How a draw's recorded pool differs from the one the rules give, or None."""
    if recorded == expected:
        return None
    if not isinstance(recorded, list):
        return "has no pool"
    extra = [d for d in recorded if d not in expected]
    missing = [d for d in expected if d not in recorded]
    said = []
    uncommitted = [d for d in extra if d not in committed]
    if uncommitted:
        said.append(f"holds {some_names(uncommitted)}, never committed")
    taken = [d for d in extra if d in committed]
    if taken:
        said.append(f"holds {some_names(taken)}, already drawn, vetoed or made by the presenter")
    if missing:
        said.append(f"leaves out {some_names(missing)}")
    if not said:
        said.append("lists a deck twice" if len(set(recorded)) != len(recorded) else "is not in id order")
    return "its pool " + " and ".join(said)


class _Replay:
    """The state a replay of the log builds, draw by draw."""

    def __init__(self, result: Verification) -> None:
        self.result = result
        self.commitments: list[Commitment] = []
        self.committed: dict[str, CommittedDeck] = {}
        self.topics: tuple[str, ...] = ()
        self.taken_decks: set[str] = set()
        self.taken_topics: set[str] = set()
        self.holding: dict[tuple[str, int], dict[str, Any]] = {}
        """(presenter, round) -> the deck they hold (None after a veto) and their topic."""
        self.used = 0
        """The last chain value revealed, of the latest chain."""
        self.revealed_by: dict[int, str] = {}
        self.uncommitted_draws = 0
        self.added: set[str] = set()
        """Decks an extension just added: the next draw must have had no committed deck left without them."""

    def say(self, text: str) -> None:
        self.result.problems.append(text)

    def commit(self, number: int, entry: Mapping[str, Any]) -> bool:
        """Take in a commit entry; False when it cannot be read at all (nothing more can be checked)."""
        try:
            commitment = Commitment.from_entry(entry)
        except ValueError as error:
            self.say(f"log entry {number}: {error}")
            return False
        actual = fingerprint_of(commitment.content)
        which = (
            "the commitment" if commitment.extends is None else f"the extension of the commitment in log entry {number}"
        )
        if actual != commitment.fingerprint:
            self.say(
                f"{which} was changed after it was made: what it holds gives the fingerprint "
                f"{short_fingerprint(actual)}…, the record says {short_fingerprint(commitment.fingerprint)}…"
            )
        if commitment.extends is None:
            if self.commitments:
                self.say(f"log entry {number} is a second commitment")
            if self.uncommitted_draws:
                self.say(f"the commitment comes after {plural(self.uncommitted_draws, 'draw')} made without it")
            self.topics = commitment.topics
            self.result.committed = True
            self.result.fingerprint = commitment.fingerprint
            self.result.presenters = len(commitment.presenters)
            self.result.chain = commitment.length
        else:
            if not self.commitments:
                self.say(f"log entry {number} extends a commitment the record does not hold")
            elif commitment.extends != self.commitments[-1].fingerprint:
                self.say(
                    f"log entry {number} extends {short_fingerprint(commitment.extends)}…, not the latest commitment"
                )
            self.result.extensions.append(commitment.reason or "no reason given")
            if self.commitments:
                self._extension_cause(number, commitment)
        again = [d.id for d in commitment.decks if d.id in self.committed]
        if again:
            self.say(f"log entry {number} commits {some_names(again)} again")
        self.commitments.append(commitment)
        self.committed.update({d.id: d for d in commitment.decks})
        self.result.decks = len(self.committed)
        self.used, self.revealed_by = 0, {}
        return True

    def _extension_cause(self, number: int, extension: Commitment) -> None:
        """Whether the rules allowed this extension: a chain used up, or decks added when none was left."""
        latest = self.commitments[-1]
        if extension.cause == CHAIN_USED_UP:
            if self.used < latest.length:
                self.say(
                    f"log entry {number} says the chain was used up, but only {self.used} of its {latest.length} values were revealed"
                )
            if extension.decks:
                self.say(f"log entry {number} adds decks to the draw with a chain that was used up")
        elif extension.cause == DECKS_ADDED:
            if not extension.decks:
                self.say(f"log entry {number} says decks were added, but adds none")
            self.added = {d.id for d in extension.decks}
        else:
            self.say(
                f"log entry {number}: the chain was replaced mid-show ({extension.reason or extension.cause}): "
                "the draws from there on are not bound to the commitment made before the show"
            )

    def draw(self, number: int, entry: Mapping[str, Any]) -> None:
        presenter, round_ = str(entry.get("presenter")), int(entry.get("round", 1))
        count = len(self.result.draws) + 1
        label = f"draw {count} ({presenter}{f', round {round_}' if round_ != 1 else ''})"
        deck, topic = str(entry.get("deck")), entry.get("topic")
        chain_index, room = entry.get("chain"), entry.get("room")
        check = DrawCheck(
            count,
            presenter,
            round_,
            deck,
            topic if isinstance(topic, str) else None,
            chain_index if isinstance(chain_index, int) else None,
            room if isinstance(room, str) else None,
            0,
        )
        self.result.draws.append(check)
        problems_before = len(self.result.problems)
        held = self.holding.get((presenter, round_))
        if not self.commitments:
            self.uncommitted_draws += 1
        else:
            self._committed_draw(label, entry, check, held)
        if held is not None and held.get("deck") is not None:
            self.say(f"{label} draws again for {presenter}, who held {held['deck']} with no veto: a re-roll")
        kept = held.get("topic") if held else None
        self.taken_decks.add(deck)
        if isinstance(topic, str):
            self.taken_topics.add(topic)
        self.holding[(presenter, round_)] = {
            "deck": deck,
            "topic": topic if isinstance(topic, str) else kept,
            "check": check,
        }
        check.ok = len(self.result.problems) == problems_before

    def _committed_draw(
        self, label: str, entry: Mapping[str, Any], check: DrawCheck, held: dict[str, Any] | None
    ) -> None:
        chain = self.commitments[-1]
        index, revealed, room = entry.get("chain"), entry.get("revealed"), entry.get("room")
        round_ = int(entry.get("round", 1))
        if not isinstance(index, int) or not isinstance(revealed, str):
            self.say(
                f"{label} reveals no value of the committed chain"
                + (f" (it has a seed, {entry['seed']})" if entry.get("seed") is not None else "")
            )
            return
        try:
            value = bytes.fromhex(revealed)
        except ValueError:
            self.say(f"{label}: its revealed value is not hex")
            return
        if index > chain.length:
            self.say(f"{label} uses value {index} of a chain of {chain.length}")
        elif not is_chain_value(value, index, bytes.fromhex(chain.head)):
            self.say(
                f"{label}: the value it reveals is not value {index} of the committed chain "
                f"(hashed {plural(index, 'time')} it does not give the chain's head)"
            )
        if index in self.revealed_by:
            self.say(f"{label} reuses chain value {index}, already revealed by {self.revealed_by[index]}")
        elif index < self.used:
            self.say(f"{label} goes back to chain value {index} after value {self.used}")
        elif index > self.used + 1:
            skipped = f"value {self.used + 1}" if index == self.used + 2 else f"values {self.used + 1} to {index - 1}"
            self.say(
                f"{label} uses chain value {index}, but {skipped} of the chain never appeared: "
                "a draw may have been made and left out of the record"
            )
        self.revealed_by.setdefault(index, label)
        self.used = max(self.used, index)
        if room is not None:
            try:
                normal = room_input(room) if isinstance(room, str) else None
            except ValueError:
                normal = None
            if normal != room:
                self.say(f"{label}: the room's numbers {room!r} are not numbers as battledecks writes them")
                return
        presenter = str(entry.get("presenter"))
        who = presenter.casefold()
        expected_pool = sorted(
            d.id
            for d in self.committed.values()
            if d.id not in self.taken_decks and who not in {a.casefold() for a in d.authors}
        )
        check.pool = len(expected_pool)
        if self.added:
            left = [d for d in expected_pool if d not in self.added]
            if left:
                self.say(
                    f"{label}: decks were added to the draw just before it, though {some_names(left)} "
                    f"{'was' if len(left) == 1 else 'were'} left of the committed ones"
                )
            self.added = set()
        kept = held.get("topic") if held else None
        expected_topics = [kept] if kept is not None else sorted(t for t in self.topics if t not in self.taken_topics)
        why = _pool_problem(entry.get("pool"), expected_pool, self.committed)
        if why:
            self.say(f"{label}: {why}")
        recorded_topics = entry.get("topics") or []
        if recorded_topics != expected_topics:
            self.say(
                f"{label}: its topics are {some_names(list(map(str, recorded_topics))) or 'none'}, "
                f"the rules give {some_names(expected_topics) or 'none'}"
            )
        if not expected_pool:
            self.say(f"{label}: no committed deck was left to draw, the record says {entry.get('deck')}")
            return
        key = draw_key(value, chain.fingerprint, room, presenter, round_)
        if entry.get("key") != key.hex():
            self.say(f"{label}: its key is not the one its value, the room's numbers, the presenter and the round give")
        deck, topic = committed_choice(expected_pool, expected_topics, key)
        with_room = f" with the room's numbers {room}" if room else ""
        if deck != entry.get("deck"):
            self.say(
                f"{label}: chain value {index}{with_room} picks {deck} from its pool, the record says {entry.get('deck')}"
            )
        if topic != entry.get("topic"):
            self.say(
                f"{label}: chain value {index}{with_room} picks the topic {topic!r}, the record says {entry.get('topic')!r}"
            )

    def veto(self, number: int, entry: Mapping[str, Any]) -> None:
        presenter, round_ = str(entry.get("presenter")), int(entry.get("round", 1))
        deck = str(entry.get("deck"))
        self.result.vetoes += 1
        held = self.holding.get((presenter, round_))
        if self.commitments and (held is None or held.get("deck") != deck):
            holding = held.get("deck") if held else None
            self.say(f"log entry {number}: a veto of {deck} for {presenter}, who held {holding or 'no deck'}")
        self.taken_decks.add(deck)
        if held is not None:
            if held.get("deck") == deck and isinstance(held.get("check"), DrawCheck):
                reason = entry.get("reason")
                held["check"].vetoed = reason if isinstance(reason, str) else ""
            held["deck"] = None
        else:
            self.holding[(presenter, round_)] = {"deck": None, "topic": None}


def verify_entries(
    entries: Sequence[Mapping[str, Any]], *, decks_folder: Path | None = None, expect: str | None = None
) -> Verification:
    """Check a record's log: the commitment, every draw and veto, and (given a folder) every committed deck's files.

    Args:
        entries: the record's log entries, as read.
        decks_folder: the decks folder, to hash each committed deck's files again.
        expect: the fingerprint (or its start, lower-case hex) the checker noted or was given in advance.
    """
    result = Verification()
    replay = _Replay(result)
    for number, entry in enumerate(entries, start=1):
        kind = entry.get("kind")
        if kind == "commit":
            if not replay.commit(number, entry):
                return result
        elif kind == "draw":
            replay.draw(number, entry)
        elif kind == "veto":
            replay.veto(number, entry)
    if not result.committed:
        return result
    if expect and not (result.fingerprint or "").startswith(expect):
        result.problems.insert(
            0,
            f"the commitment's fingerprint {short_fingerprint(result.fingerprint or '')}… "
            f"is not the one expected ({expect[:12]}…)",
        )
    if decks_folder is not None:
        _check_deck_files(result, replay.committed, decks_folder)
    return result


def _check_deck_files(result: Verification, committed: Mapping[str, CommittedDeck], folder: Path) -> None:
    result.decks_folder = folder
    try:
        paths, _ = deck_paths(folder)
    except OSError as error:
        result.problems.append(
            f"{folder}: cannot list the decks folder ({error.strerror or error}), so no deck was checked"
        )
        return
    where = {deck_id(path): path for path in paths}
    for deck in sorted(committed.values(), key=lambda d: d.id):
        location = where.get(deck.id)
        if location is None:
            result.decks_missing.append(deck.id)
            continue
        try:
            actual = content_hash_of(location)
        except OSError as error:
            result.problems.append(
                f"{location}: cannot be read ({error.strerror or error}), so its deck cannot be checked"
            )
            continue
        if actual != deck.hash:
            result.problems.append(
                f"{deck.id}: its slide files in {location} are not the ones committed (changed or swapped since)"
            )
        else:
            result.decks_matched += 1
