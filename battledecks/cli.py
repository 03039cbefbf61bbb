"""The ``battledecks`` command: parse, call the core, print.

Usage errors exit 2, problems in the user's files exit 1 with one line that
names the file; nothing prints a traceback. An unexpected error (a bug) is
said in one line too and exits 70; set ``BATTLEDECKS_TRACEBACK=1`` to see
where it happened.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from . import __version__
from .core.problems import BattledecksError
from .core.text import visible

COMMANDS = {
    "run": "run an event in the app (default: the demo event)",
    "rehearse": "run a throw-away copy of an event with 12-second talks; the real record is never touched",
    "screen": "show the audience screen of a show served by `run --serve`",
    "check": "check decks and event files for problems; changes nothing",
    "commit": "commit the draw before the show and print its fingerprint to publish",
    "draw": "draw decks (and topics) for everyone without one, before the show",
    "verify": "check every draw against the commitment made before the first; changes nothing",
    "results": "standings and awards of an event; export as table, JSON, CSV, Markdown, HTML or a card",
    "votes": "the phones' votes per round and address; --rebuild writes them to the record, --set-aside starts afresh",
    "history": "past events, the decks shown at each, and every presenter's best rank",
    "import": "make decks from PDFs, PowerPoint files, zips and folders of images",
    "generate": "paint new absurd decks from a seed",
    "sheet": "render a deck's slides on one picture, for vetting (spoils the deck)",
    "retire": "retire a deck so it is never drawn (or --undo)",
}
"""Subcommands in the order ``--help`` lists them, with their one-line help; each is a module in
``battledecks.commands``, imported only when its command runs (or its own ``--help`` is asked).
"""


def _module(name: str):  # noqa: ANN202
    return importlib.import_module(f"battledecks.commands.{name.replace('import', 'import_')}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with ``command``'s own arguments (every command's with None).

    Only the module of the command given is imported: the others appear in
    ``--help`` by their one line, so starting the app imports none of them.
    """
    parser = argparse.ArgumentParser(
        prog="battledecks",
        description="Run Battledecks (PowerPoint karaoke) events: lineup, fair draw, "
        "auto-advancing stage, scores and standings. With no command, runs the demo event.",
    )
    parser.add_argument("--version", action="version", version=f"battledecks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if command is not None and name != command:
            sub.add_parser(name, help=help_text)
            continue
        module = _module(name)
        parsed = sub.add_parser(name, help=help_text, description=module.__doc__)
        module.add_arguments(parsed)
        parsed.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        # Undecodable bytes of a file name print as \xNN instead of failing.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        args_list = ["run"]
    parser = build_parser(args_list[0] if args_list[0] in COMMANDS else "")
    args = parser.parse_args(args_list)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except BattledecksError as error:
        # Names and paths in the message come from files: no escape sequence reaches the terminal.
        _say(f"battledecks: {visible(error)}")
        return 1
    except KeyboardInterrupt:
        _say("battledecks: interrupted")
        return 130
    except Exception as error:  # noqa: BLE001 - a bug is said in one line and never exits 0
        if os.environ.get("BATTLEDECKS_TRACEBACK"):
            traceback.print_exc()
        _say(f"battledecks: unexpected error ({type(error).__name__}: {error}); nothing more was done")
        return INTERNAL_ERROR


INTERNAL_ERROR = 70
"""Exit status of an unexpected error (EX_SOFTWARE)."""


def _say(text: str) -> None:
    """Print one line on stderr, even when it holds text the terminal's encoding cannot show."""
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    print(text.encode(encoding, "backslashreplace").decode(encoding, "replace"), file=sys.stderr)


def console() -> None:
    sys.exit(main())


if __name__ == "__main__":
    console()
