"""Show an event's standings, or write them out to publish.

Reads the event file and its record and changes neither: only --out and
--card are written. An event with no record yet lists everyone unscored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from ..core.atomic import atomic_write
from ..core.event import record_path_for
from ..core.problems import BattledecksError
from ..core.record import EventRecord
from ..core.scoring import Standings
from ..results import FORMATS, commitment_line, export, render_card, results_table
from ..results.card import card_format
from ._args import load_event_file

NAME = "results"
_SUFFIXES = {".json": "json", ".csv": "csv", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
"""--out file endings that choose the format when --format is not given."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=Path, metavar="EVENT", help="the event file (events/NAME.yaml)")
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: table, or from the --out file's ending)"
    )
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of printing")
    parser.add_argument(
        "--card",
        type=_card_file,
        metavar="FILE",
        help="also draw the 1920x1080 podium card to FILE, a PNG or JPEG by its ending (.png, .jpg, .jpeg)",
    )


def _card_file(text: str) -> Path:
    """An argparse type: a file name ending in .png, .jpg or .jpeg (another ending exits 2 with the reason)."""
    path = Path(text)
    try:
        card_format(path)
    except BattledecksError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return path


def _format(args: argparse.Namespace) -> str:
    if args.json and args.format not in (None, "json"):
        raise BattledecksError(f"--json and --format {args.format} ask for different formats; give one")
    if args.json:
        return "json"
    if args.format:
        return args.format
    if args.out is not None:
        return _SUFFIXES.get(args.out.suffix.lower(), "table")
    return "table"


def _check_targets(args: argparse.Namespace) -> None:
    """Refuse a target before any work, so a typo costs nothing and never hits the event's own files."""
    own = {args.event.resolve(), record_path_for(args.event).resolve()}
    targets = [(path, flag) for path, flag in ((args.out, "--out"), (args.card, "--card")) if path is not None]
    if len(targets) == 2 and args.out.resolve() == args.card.resolve():
        raise BattledecksError(f"{args.out}: --out and --card name the same file")
    for path, flag in targets:
        if path.resolve() in own:
            raise BattledecksError(f"{path}: is the event's own file; give {flag} another name")
        if path.is_dir():
            raise BattledecksError(f"{path}: is a folder; {flag} needs a file name")
        if not path.parent.is_dir():
            raise BattledecksError(f"{path}: folder {path.parent} does not exist")


def run(args: argparse.Namespace) -> int:
    fmt = _format(args)
    _check_targets(args)
    event = load_event_file(args.event)
    record = EventRecord.load(event, save=False)
    standings = Standings.from_record(record)
    commitment = record.commitment.fingerprint if record.commitment is not None else None
    if args.out is not None:
        try:
            atomic_write(args.out, export(standings, event, fmt, commitment))
        except OSError as error:
            raise BattledecksError(f"{args.out}: cannot write: {error.strerror or error}") from None
        # Notes go to stderr so that printed JSON or CSV can be piped as it is.
        print(f"Wrote {fmt} results to {args.out}", file=sys.stderr)
    elif fmt == "table" and sys.stdout.isatty():
        Console().print(results_table(standings, event))
        if commitment:
            print(commitment_line(commitment))
    elif fmt == "table":
        # A pipe or a file: plain lines, every value whole, nothing wrapped.
        print(export(standings, event, fmt, commitment), end="")
    else:
        # Machine formats go out as they are: no wrapping, no colour.
        print(export(standings, event, fmt, commitment), end="")
    if args.card is not None:
        render_card(standings, event, args.card)
        print(f"Wrote the results card to {args.card}", file=sys.stderr)
    return 0
