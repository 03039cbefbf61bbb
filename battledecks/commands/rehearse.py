"""Rehearse an event: a whole show with 12-second talks, then everything is thrown away.

Runs a copy of the event in a temporary folder: the same presenters, judges,
topics and scoring, drawing from the event's real decks, but every talk lasts
one second per slide and starts without a countdown. The real event file, its
record and the events folder are never touched, so no deck counts as shown
and the real show starts as it was. When the app is closed the copy and its
record are deleted.

With --serve the room is rehearsed too, as `run --serve` serves it: the
audience screen (`battledecks screen http://HOST:PORT/`), /stage in a
browser, and, when the event votes by phone, the QR code and a phone vote
with F2. The votes go to a vote database and key of the copy's own, in the
same temporary folder: the real event's votes, key and audience file are
never touched either.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

from ..core.event import load_event
from ..core.problems import BattledecksError
from ..core.yamlfile import YamlFileError, load_yaml
from ._args import load_event_file

NAME = "rehearse"
SECONDS_PER_SLIDE = 1
SERVE = "127.0.0.1:8750"
"""Where --serve alone serves, as ``run --serve``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "event", nargs="?", type=Path, metavar="EVENT", help="the event file to rehearse (events/NAME.yaml)"
    )
    parser.add_argument(
        "--graphics",
        choices=("auto", "kitty", "sixel", "halfcell"),
        default=None,
        help="how slides are drawn (default: the event's `graphics`, else auto-detect)",
    )
    parser.add_argument(
        "--serve",
        nargs="?",
        const=SERVE,
        default=None,
        metavar="HOST:PORT",
        help=f"rehearse the room too: the audience screen, /stage and the phones' vote, as `run --serve` (default {SERVE}); "
        "the votes go to a throw-away vote database",
    )


def rehearsal_copy(event_path: Path, folder: Path) -> Path:
    """Write the rehearsal's event file into ``folder`` and return its path.

    The copy keeps every key of the event but: ``decks`` (the real folder, as
    an absolute path), ``seconds`` (one per slide), ``countdown`` (0) and
    ``name`` ("... (rehearsal)").

    Raises:
        BattledecksError: the event file has errors (each is named).
    """
    event = load_event_file(event_path)  # every problem of the real file is said first
    try:
        data, _ = load_yaml(event_path)
    except YamlFileError as error:  # pragma: no cover - load_event has read it already
        raise BattledecksError(str(error)) from None
    data = dict(data)
    data["name"] = f"{event.name} (rehearsal)"
    data["decks"] = str(event.decks.resolve())
    data["seconds"] = event.slides * SECONDS_PER_SLIDE
    data["countdown"] = 0
    copy = folder / event_path.name
    copy.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    load_event(copy)  # the copy is as valid as the original
    return copy


def run(args: argparse.Namespace) -> int:
    from . import run as run_command

    event: Path | None = args.event
    serve: str | None = args.serve
    if event is None and serve is not None and Path(serve).is_file():
        event, serve = Path(serve), SERVE  # `rehearse --serve EVENT`: the event, not an address
    if event is None:
        print(
            "battledecks rehearse: error: give the event file to rehearse (battledecks rehearse events/NAME.yaml)",
            file=sys.stderr,
        )
        return 2  # a usage error, as argparse's own
    with tempfile.TemporaryDirectory(prefix="battledecks-rehearsal-") as folder:
        copy = rehearsal_copy(event, Path(folder))
        return run_command.run(argparse.Namespace(event=copy, graphics=args.graphics, serve=serve, fresh=False))
