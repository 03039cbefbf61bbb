"""Draw a deck (and topic) for every presenter who has none, and print the lineup.

For hosts who draw everything before the show. The draw follows the same
rules as the app and is recorded the same way; earlier draws are kept. When
there are not enough decks or topics for everyone, nothing is drawn.

The event's draw is committed first if it was not yet (see battledecks
commit): each draw reveals the next value of the committed chain, mixed with
--room-input, numbers the room called out, if given. battledecks verify
checks them all afterwards.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table
from rich.text import Text

from ..core.text import json_text, visible
from ._output import stdout_console

NAME = "draw"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=Path, help="event file")
    parser.add_argument(
        "--room-input",
        metavar="NUMBERS",
        default=None,
        help='numbers the room called out (dice, say: "4 2 6"), mixed into every draw made now',
    )
    parser.add_argument("--json", action="store_true", help="print the lineup as JSON")


def run(args: argparse.Namespace) -> int:
    from ..core.commitment import short_fingerprint
    from ..core.draw import room_input
    from ..core.problems import BattledecksError
    from ..core.record import EventRecord
    from ..core.show import Show
    from ._args import load_event_file

    try:
        room = room_input(args.room_input)
    except ValueError as error:
        raise BattledecksError(f"--room-input: {error}") from None
    # A broken event file or record is reported before anything is touched, the lock file included.
    EventRecord.load(load_event_file(args.event), save=False)
    lock = Show.lock_for(args.event)
    lock.acquire(str(args.event))
    try:
        show = Show.open(args.event)
        drawn = {d.deck.id for d in show.draw_all(room)}
        rows = []
        for name in show.names():
            turn = show.presenter(name, 1)
            rows.append(
                {
                    "name": name,
                    "deck": turn.deck,
                    "title": turn.title,
                    "topic": turn.topic,
                    "seed": turn.seed,
                    "chain": turn.chain,
                    "room": turn.room,
                    "status": show.status(name).value,
                    "new": turn.deck in drawn,
                }
            )
    finally:
        lock.release()
    commitment = show.commitment
    fingerprint = commitment.fingerprint if commitment is not None else None
    if args.json:
        print(json_text({"event": show.event.name, "commitment": fingerprint, "presenters": rows}, indent=2))
        return 0
    # Every name goes in as escaped Text: no markup read from a title, no escape sequence printed raw.
    table = Table(title=Text(f"{visible(show.event.name)}: lineup"), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Presenter")
    table.add_column("Deck")
    if show.event.topics:
        table.add_column("Topic")
    table.add_column("Value" if commitment is not None else "Seed", justify="right", style="dim")
    for index, row in enumerate(rows, start=1):
        deck = Text.assemble(visible(row["title"] or ""), (f" ({visible(row['deck'] or '')})", "dim"))
        if row["new"]:
            deck.append(" new", style="green")
        cells = [Text(str(index)), Text(visible(row["name"])), deck]
        if show.event.topics:
            cells.append(Text(visible(row["topic"] or "")))
        if commitment is not None:
            value = "" if row["chain"] is None else f"#{row['chain']}" + (f" room {row['room']}" if row["room"] else "")
            cells.append(Text(value if row["deck"] else ""))
        else:
            cells.append(Text(str(row["seed"])))
        table.add_row(*cells)
    console = stdout_console()
    console.print(table)
    console.print(
        Text(
            f"{len(drawn)} drawn now; {show.supply().decks} unseen decks left. Recorded in {visible(show.record.path)}."
        )
    )
    if fingerprint is not None:
        console.print(
            Text(
                f"Draw commitment {short_fingerprint(fingerprint)}; "
                f"check every draw with: battledecks verify {visible(args.event)}"
            )
        )
    return 0
