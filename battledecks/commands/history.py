"""List past events: winners, which decks went on stage where, each presenter's events and best rank.

An event counts once it has a record (NAME.record.yaml) beside its event
file. Nothing is written.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..core.history import History, default_events_dir, history_data, read_history
from ..core.text import json_text, visible
from ..results._words import names, ordinal
from ._output import stdout_console


def _text(value: str) -> Text:
    """A cell from a record or event file, escaped so no control character reaches the terminal."""
    return Text(visible(value))


class _DeckId:
    """A deck's folder name that wraps after its hyphens, never inside a word."""

    def __init__(self, deck_id: str, style: str = "dim") -> None:
        self.pieces = re.findall(r"[^-]*-+|[^-]+$", visible(deck_id)) or [""]
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(max(cell_len(p) for p in self.pieces), sum(cell_len(p) for p in self.pieces))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        lines = [""]
        for piece in self.pieces:
            if lines[-1] and cell_len(lines[-1] + piece) > width:
                lines.append("")
            lines[-1] += piece
        # A piece wider than the column alone is folded by Rich: nothing else can show it.
        yield Text("\n".join(lines), style=self.style)


NAME = "history"

_console = stdout_console
"""The console the history is printed on (tests give their own)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "events_dir",
        type=Path,
        nargs="?",
        metavar="EVENTS_DIR",
        help="folder of event files (default: ./events, else the demo's events folder)",
    )
    parser.add_argument("--json", action="store_true", help="print the history as JSON")


def _date(value: object) -> str:
    return value.isoformat() if value else "—"  # type: ignore[attr-defined]


def _winner(decided_by: str, winners: tuple[str, ...]) -> str:
    if not winners:
        return "no scores yet"
    if decided_by == "pending":
        return f"{names(winners)} tied: sudden death to come"
    return names(winners)


def _print(history: History, console: Console) -> None:
    if not history.events:
        console.print("No past events: an event counts once it has a record beside it.", markup=False)
        return
    events = Table(title="Events", box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in ("Date", "Event", "Winner"):
        events.add_column(column)
    for past in history.events:
        events.add_row(*map(_text, (_date(past.date), past.name, _winner(past.decided_by, past.winners))))
    console.print(events)

    decks = Table(title="Decks shown", box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    decks.add_column("Deck")
    for column in ("Event", "Date", "Presenter"):
        decks.add_column(column)
    for deck, showings in history.decks.items():
        for index, shown in enumerate(showings):
            # The deck is named on its first line only; the lines under it are its other showings.
            label: Text | Group = Text()
            if index == 0:
                label = Text(visible(shown.title or deck))
                if shown.title and shown.title != deck:
                    label = Group(label, _DeckId(deck))
            presenter = shown.presenter + (f" (sudden death, round {shown.round})" if shown.round != 1 else "")
            decks.add_row(label, *map(_text, (shown.event, _date(shown.date), presenter)))
    if history.decks:
        console.print(decks)
    else:
        console.print("No deck has gone on stage yet.")

    people = Table(title="Presenters", box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in ("Presenter", "Best", "Events"):
        people.add_column(column)
    for person in history.presenters:
        best = person.best_rank
        events_text = "; ".join(
            f"{a.event}: " + (("=" if a.tied else "") + ordinal(a.rank) if a.rank else "unranked")
            for a in person.appearances
        )
        people.add_row(*map(_text, (person.name, ordinal(best) if best else "—", events_text)))
    console.print(people)


def run(args: argparse.Namespace) -> int:
    folder = args.events_dir if args.events_dir is not None else default_events_dir(Path.cwd())
    history = read_history(folder)
    if args.json:
        print(json_text(history_data(history), indent=2))
    else:
        _print(history, _console())
    # Files left out are said, not fatal: the rest of the history still stands.
    for problem in history.problems:
        print(f"battledecks: left out {visible(problem)}", file=sys.stderr)
    return 0
