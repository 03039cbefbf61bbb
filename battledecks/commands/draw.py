"""Draw a deck (and topic) for every presenter who has none, and print the lineup.

For hosts who draw everything before the show. The draw follows the same
rules as the app and is recorded the same way; earlier draws are kept. When
there are not enough decks or topics for everyone, nothing is drawn.
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
    parser.add_argument("--json", action="store_true", help="print the lineup as JSON")


def run(args: argparse.Namespace) -> int:
    from ..core.record import EventRecord
    from ..core.show import Show
    from ._args import load_event_file

    # A broken event file or record is reported before anything is touched, the lock file included.
    EventRecord.load(load_event_file(args.event), save=False)
    lock = Show.lock_for(args.event)
    lock.acquire(str(args.event))
    try:
        show = Show.open(args.event)
        drawn = {d.deck.id for d in show.draw_all()}
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
                    "status": show.status(name).value,
                    "new": turn.deck in drawn,
                }
            )
    finally:
        lock.release()
    if args.json:
        print(json_text({"event": show.event.name, "presenters": rows}, indent=2))
        return 0
    # Every name goes in as escaped Text: no markup read from a title, no escape sequence printed raw.
    table = Table(title=Text(f"{visible(show.event.name)}: lineup"), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Presenter")
    table.add_column("Deck")
    if show.event.topics:
        table.add_column("Topic")
    table.add_column("Seed", justify="right", style="dim")
    for index, row in enumerate(rows, start=1):
        deck = Text.assemble(visible(row["title"] or ""), (f" ({visible(row['deck'] or '')})", "dim"))
        if row["new"]:
            deck.append(" new", style="green")
        cells = [Text(str(index)), Text(visible(row["name"])), deck]
        if show.event.topics:
            cells.append(Text(visible(row["topic"] or "")))
        cells.append(Text(str(row["seed"])))
        table.add_row(*cells)
    console = stdout_console()
    console.print(table)
    console.print(
        Text(f"{len(drawn)} drawn now; {show.supply().decks} unseen decks left. Recorded in {visible(show.record.path)}.")
    )
    return 0
