"""Commit an event's draw before the show, and print its fingerprint to publish.

Fixes what every draw of the night depends on (the presenters, the topics,
every deck that may be drawn with a hash of its slide files, the draw rules
and the head of a secret hash chain) and records it, as the app does when the
event is first opened. Publish the fingerprint it prints (on a poster, the
event's page): after the show, anyone can check every draw against it with
``battledecks verify EVENT --expect FINGERPRINT``. Run again, it prints the
commitment already made and changes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.text import json_text, visible
from ..core.words import plural

NAME = "commit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", type=Path, metavar="EVENT", help="the event file (events/NAME.yaml)")
    parser.add_argument("--json", action="store_true", help="print the commitment as JSON")


def run(args: argparse.Namespace) -> int:
    from ..core.commitment import short_fingerprint
    from ..core.event import load_event
    from ..core.problems import BattledecksError
    from ..core.record import EventRecord
    from ..core.show import Show

    # A broken event file or record is reported before anything is touched, the lock file included.
    before = EventRecord.load(load_event(args.event), save=False)
    lock = Show.lock_for(args.event)
    lock.acquire(str(args.event))
    try:
        show = Show.open(args.event)
    finally:
        lock.release()
    commitment = show.commitment
    if commitment is None:
        raise BattledecksError(
            f"{show.record.path}: draws were recorded before battledecks committed draws in advance: "
            "this event's draw cannot be committed now"
        )
    made = next(e["at"] for e in show.record.entries if e["kind"] == "commit")
    new = before.commitment is None
    if args.json:
        print(
            json_text(
                {
                    "event": show.event.name,
                    "fingerprint": commitment.fingerprint,
                    "short": short_fingerprint(commitment.fingerprint),
                    "made": made,
                    "new": new,
                    "presenters": list(commitment.presenters),
                    "topics": len(commitment.topics),
                    "decks": len(commitment.decks),
                    "chain": commitment.length,
                    "record": str(show.record.path),
                },
                indent=2,
            )
        )
        return 0
    what = (
        f"{plural(len(commitment.presenters), 'presenter')}, {plural(len(commitment.decks), 'deck')}"
        + (f", {plural(len(commitment.topics), 'topic')}" if commitment.topics else "")
        + f", a chain of {commitment.length} values"
    )
    verb = "Committed" if new else "Already committed"
    print(f"{verb} the draw of {visible(show.event.name)} ({what}) at {made}.")
    print(f"fingerprint: sha256:{commitment.fingerprint}")
    print(f"short:       {short_fingerprint(commitment.fingerprint)}")
    print(
        f"Publish it before the show. Afterwards anyone can check every draw against it with\n"
        f"  battledecks verify {visible(args.event)} --expect {commitment.fingerprint[:12]}"
    )
    return 0
