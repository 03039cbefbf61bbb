"""Draw a deck (and topic) for every presenter who has none, and print the lineup.

For hosts who draw everything before the show. The draw follows the same
rules as the app and is recorded the same way; earlier draws are kept. When
there are not enough decks or topics for everyone, nothing is drawn.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

NAME = "draw"
HELP = "draw decks (and topics) for everyone without one, before the show"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=Path, help="event file")
    parser.add_argument("--json", action="store_true", help="print the lineup as JSON")


def run(args: argparse.Namespace) -> int:
    from ..core.event import load_event
    from ..core.show import Show

    load_event(args.event)
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
        print(json.dumps({"event": show.event.name, "presenters": rows}, indent=2, ensure_ascii=False))
        return 0
    table = Table(title=f"{show.event.name}: lineup", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Presenter")
    table.add_column("Deck")
    if show.event.topics:
        table.add_column("Topic")
    table.add_column("Seed", justify="right", style="dim")
    for index, row in enumerate(rows, start=1):
        deck = f"{row['title']} [dim]({row['deck']})[/dim]" + (" [green]new[/green]" if row["new"] else "")
        cells = [str(index), row["name"], deck]
        if show.event.topics:
            cells.append(row["topic"] or "")
        cells.append(str(row["seed"]))
        table.add_row(*cells)
    console = Console()
    console.print(table)
    console.print(f"{len(drawn)} drawn now; {show.supply().decks} unseen decks left. Recorded in {show.record.path}.")
    return 0
