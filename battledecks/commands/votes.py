"""The phones' votes of an event, read from its vote database: each round's count and mean.

Prints every round in ``events/NAME.votes.sqlite`` (its presenter, number of
votes, mean and whether it is still open) beside what the record says of it,
the phones and votes per network address (those with most phones first, and
any that reached the limit), and the refusals by reason. Nothing is written
unless ``--rebuild`` or ``--set-aside`` is given.

With ``--rebuild``, each closed round whose result in the record differs
from the database (a record restored from a backup, say) is written to the
record again through the show, as the host's reopen and close would, so the
audience score and its count follow the votes. A round still open is left to
the host.

``--set-aside`` moves the vote database (damaged, say, so that phone voting
was off) aside beside it, named with the date and time, with its
write-ahead log and shared-memory file (and the vote key, if it is damaged
too); the next ``battledecks run`` starts a fresh one. The record keeps every
result it had.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from ..core.text import json_text, visible
from ..core.words import plural

NAME = "votes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=Path, metavar="EVENT", help="the event file (events/NAME.yaml)")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="write each closed round's result from the vote database to the record where the record differs",
    )
    parser.add_argument("--json", action="store_true", help="print the rounds as JSON")
    parser.add_argument(
        "--set-aside",
        action="store_true",
        help="move the vote database (and its -wal and -shm files) aside, named with the date, so the next run starts a fresh one",
    )


ADDRESSES_SHOWN = 5
"""Addresses listed per round (those with most phones first; every one at the limit besides)."""


@dataclass
class Row:
    id: int
    presenter: str
    turn: int
    votes: int
    mean: float | None
    open: bool
    recorded: str
    """What the record holds of the round, in words."""
    differs: bool


def run(args: argparse.Namespace) -> int:
    from ..core.event import load_event
    from ..core.record import EventRecord
    from ..room.votes.store import VoteError, read_votes, votes_path_for

    event = load_event(args.event)
    db_path = votes_path_for(event.path)
    if args.set_aside:
        return _set_aside(args.event, db_path)
    try:
        results, refused, addresses = read_votes(db_path)
    except VoteError as error:
        if not db_path.exists():
            raise
        raise VoteError(
            f"{error} (`battledecks votes {args.event} --set-aside` moves it aside, for a fresh one)"
        ) from None
    record = EventRecord.load(event, save=False)
    rows = _rows(results, record.votes)
    limit = event.scoring.phones_per_address
    changed: list[str] = []
    if args.rebuild:
        changed = _rebuild(args.event, [r for r in rows if r.differs])
        rows = _rows(results, EventRecord.load(load_event(args.event), save=False).votes)
    if args.json:
        print(
            json_text(
                {
                    "event": event.name,
                    "database": str(db_path),
                    "phones_per_address": limit,
                    "rounds": [
                        {**r.__dict__, "addresses": [a.__dict__ for a in addresses.get(r.id, [])]} for r in rows
                    ],
                    "refused": refused,
                    "rebuilt": changed,
                },
                indent=2,
            )
        )
        return 0
    print(visible(f"{event.name}: phone votes in {db_path}"))
    if not rows:
        print("No vote has been opened yet.")
    for r in rows:
        turn = f" (round {r.turn})" if r.turn != 1 else ""
        state = "open" if r.open else "closed"
        result = f"{plural(r.votes, 'vote')}, mean {r.mean:.2f}" if r.votes and r.mean is not None else "no votes"
        print(visible(f"  vote {r.id}: {r.presenter}{turn}: {result}, {state}; the record: {r.recorded}"))
        if r.id in addresses:
            print(visible("    " + _by_address(addresses[r.id], limit)))
    print("Refused: " + (", ".join(f"{k} {v}" for k, v in sorted(refused.items())) if refused else "none"))
    for line in changed:
        print(visible(line))
    waiting = [r for r in rows if r.differs]
    if waiting and not args.rebuild:
        print(
            f"{len(waiting)} closed round(s) differ from the record: `battledecks votes {args.event} --rebuild` writes the votes' results to it."
        )
    elif args.rebuild and not changed and not waiting:
        print("The record agrees with the vote database: nothing to rebuild.")
    return 0


def _by_address(listed: list, limit: int) -> str:  # noqa: ANN001 - AddressVotes
    """One round's phones per address, in words: "from 3 addresses: 10.0.0.7 4 phones, 5 votes (the limit; ...)"."""
    shown = listed[:ADDRESSES_SHOWN] + [a for a in listed[ADDRESSES_SHOWN:] if a.phones >= limit or a.refused]
    parts = []
    for a in shown:
        text = f"{a.address or 'no address'} {plural(a.phones, 'phone')}, {plural(a.votes, 'vote')}"
        if a.phones >= limit or a.refused:
            text += f" (the limit of {limit}; {plural(a.refused, 'vote')} from more phones refused)"
        parts.append(text)
    more = len(listed) - len(shown)
    return (
        f"from {plural(len(listed), 'address', 'addresses')}: " + "; ".join(parts) + (f"; {more} more" if more else "")
    )


def _set_aside(event_path: Path, db_path: Path) -> int:
    """Move the vote database aside (the app closed on the event), so that the next run starts a fresh one."""
    from ..core.show import Show
    from ..room.votes.store import secret_path_for, set_aside

    lock = Show.lock_for(event_path)
    lock.acquire(str(event_path))
    try:
        moved = set_aside(db_path, key_path=secret_path_for(event_path))
    finally:
        lock.release()
    if not moved:
        print(visible(f"{db_path}: no vote database to set aside: the next run starts a fresh one."))
        return 0
    for source, destination in moved:
        print(visible(f"Moved {source} aside to {destination}."))
    print("The next `battledecks run` starts a fresh vote database; the record keeps every result it had.")
    return 0


def _rows(results: list, rounds: dict) -> list[Row]:  # noqa: ANN001 - Result and VoteRound
    rows = []
    for r in results:
        mean = None if r.mean is None else round(r.mean, 2)
        v = rounds.get(r.id)
        if v is None:
            recorded, differs = "no such vote", not r.open
        elif v.presenter != r.presenter or v.round != r.turn:
            recorded, differs = f"vote {r.id} is on {v.presenter}: the database belongs to another record", False
        elif v.open:
            recorded, differs = "open", False
        else:
            recorded = f"{plural(v.votes, 'vote')}, mean {v.mean:.2f}" if v.votes and v.mean is not None else "no votes"
            differs = not r.open and (v.votes or 0, v.mean) != (r.count, mean)
        rows.append(Row(r.id, r.presenter, r.turn, r.count, mean, r.open, recorded, differs))
    return rows


def _rebuild(event_path: Path, rows: list[Row]) -> list[str]:
    """Write each row's result to the record through the show; what was done, line by line."""
    from ..core.record import RecordError
    from ..core.show import Show

    if not rows:
        return []
    lock = Show.lock_for(event_path)
    lock.acquire(str(event_path))
    said = []
    try:
        show = Show.open(event_path, scan=False)
        for row in rows:
            last = [v for v in show.vote_rounds() if v.presenter == row.presenter and v.round == row.turn]
            if not last or last[-1].id != row.id:
                said.append(f"vote {row.id} on {row.presenter}: not in the record as their last vote, left as it is")
                continue
            try:
                show.open_vote(row.presenter, row.turn)
                show.close_vote(row.votes, row.mean)
            except RecordError as error:
                said.append(f"vote {row.id} on {row.presenter}: not rebuilt: {error}")
                continue
            result = (
                f"audience {row.mean:.2f} from {plural(row.votes, 'vote')}"
                if row.votes and row.mean is not None
                else "no votes"
            )
            said.append(f"vote {row.id} on {row.presenter}: rebuilt, {result}")
    finally:
        lock.release()
    return said
