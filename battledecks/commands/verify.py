"""Check every draw of an event against the commitment made before the first one; changes nothing.

Reads the event's record (give the event file, or the record file itself as
a transcript) and recomputes, offline: the commitment's fingerprint from
what it holds, each revealed chain value against the chain's head, each
draw's pool from the commitment and the draws and vetoes before it, each
deck picked from its value and the room's numbers, and, when the decks
folder is there, the hash of every committed deck's slide files. Prints
"verified: 6 draws, 1 veto", or each difference found; exits 0 when
everything checks, 1 otherwise (a record with no commitment included).
"""

from __future__ import annotations

import argparse
import string
from pathlib import Path

from ..core.text import json_text, visible
from ..core.words import plural

NAME = "verify"


def _fingerprint(text: str) -> str:
    """An argparse type: a fingerprint or its start (8 hex digits at least), as shown or printed."""
    from ..core.commitment import normal_fingerprint

    value = normal_fingerprint(text)
    if len(value) < 8 or len(value) > 64 or any(c not in string.hexdigits for c in value):
        raise argparse.ArgumentTypeError(f"not a fingerprint (8 to 64 hex digits): {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        type=Path,
        metavar="EVENT",
        help="the event file (events/NAME.yaml), or a record file (NAME.record.yaml) as a transcript",
    )
    parser.add_argument(
        "--expect",
        type=_fingerprint,
        metavar="FINGERPRINT",
        help="the fingerprint published before the show (or its first 12 hex digits, as the lineup shows them)",
    )
    parser.add_argument(
        "--decks",
        type=Path,
        metavar="DIR",
        help="the decks folder whose files to check (default: the event file's)",
    )
    parser.add_argument("--json", action="store_true", help="print what was checked as JSON")


def _sources(args: argparse.Namespace) -> tuple[Path, Path | None, str | None]:
    """The record to read, the decks folder to check (if any) and why the decks are not checked."""
    from ..core.event import is_record_file, load_event, record_path_for
    from ..core.problems import BattledecksError

    source: Path = args.source
    if not source.exists():
        raise BattledecksError(f"{source}: no such file")
    decks: Path | None = args.decks
    if is_record_file(source):
        record = source
        event_path = source.with_name(source.name.removesuffix(".record.yaml") + ".yaml")
        if decks is None and event_path.is_file():
            try:
                decks = load_event(event_path).decks
            except BattledecksError:
                decks = None  # the record alone is a transcript: the deck files are then not checked
    else:
        event = load_event(source)
        record = record_path_for(source)
        if not record.exists():
            raise BattledecksError(f"{source}: no record yet ({record.name}): nothing was committed or drawn")
        if decks is None:
            decks = event.decks
    if decks is None:
        return record, None, "no decks folder known (give --decks DIR)"
    if not decks.is_dir():
        return record, None, f"{decks} is not there"
    return record, decks, None


def run(args: argparse.Namespace) -> int:
    from ..core.commitment import short_fingerprint
    from ..core.problems import BattledecksError
    from ..core.record import read_entries
    from ..core.verify import verify_entries

    record, decks, no_decks = _sources(args)
    entries = read_entries(record)
    result = verify_entries(entries, decks_folder=decks, expect=args.expect)
    if args.json:
        data = {"record": str(record), **result.to_json(), "deck_files_not_checked": no_decks}
        print(json_text(data, indent=2))
        return 0 if result.ok else 1
    if not result.committed:
        first = result.problems[0] if result.problems else None
        raise BattledecksError(
            f"{record}: {first}"
            if first
            else f"{record}: has no draw commitment (its draws were made before battledecks committed them in advance): "
            "nothing to verify"
        )
    print(result.summary())
    for problem in result.problems:
        print(f"  - {visible(problem)}")
    print(f"commitment sha256:{result.fingerprint} ({short_fingerprint(result.fingerprint or '')})")
    what = f"{plural(result.presenters, 'presenter')}, {plural(result.decks, 'deck')}, a chain of {result.chain} values"
    print(f"  made before the first draw: {what}")
    for reason in result.extensions:
        print(f"  extended with a new chain: {visible(reason)}")
    if result.decks_folder is not None:
        missing = result.decks_missing
        said = f"{result.decks_matched} of {result.decks} decks match their files in {visible(result.decks_folder)}"
        if missing:
            said += f"; not there, so not checked: {visible(', '.join(missing))}"
        print(f"deck files: {said}")
    else:
        print(f"deck files: not checked: {visible(no_decks)}")
    if result.draws:
        print("draws:")
        width = max(len(d.presenter) for d in result.draws)
        for d in result.draws:
            value = f"value {d.chain}" if d.chain is not None else "no value"
            room = f", room {d.room}" if d.room else ""
            mark = "ok" if d.ok else "DIFFERS"
            round_ = f" (round {d.round})" if d.round != 1 else ""
            vetoed = "" if d.vetoed is None else f", vetoed ({visible(d.vetoed) or 'no reason given'})"
            print(
                f"  {d.number:>2}  {visible(d.presenter).ljust(width)}  {value}{room}, {plural(d.pool, 'deck')} -> "
                f"{visible(d.deck)}{visible(round_)}  {mark}{vetoed}"
            )
    return 0 if result.ok else 1
