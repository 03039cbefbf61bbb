"""Show the audience screen: what the room sees of a show run with ``battledecks run EVENT --serve``.

Give the event file (the running app is found through the small file it
writes beside the record) or the address the host's app shows (like
http://127.0.0.1:8750/). It shows only the show, never the host's console;
it waits for the host and reconnects by itself. Press q to close it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "screen"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target", nargs="?", default=None,
        help="event file or the host's address (default: the demo event)",
    )
    parser.add_argument(
        "--graphics",
        choices=("auto", "kitty", "sixel", "halfcell"),
        default="auto",
        help="how slides are drawn (default: auto-detect)",
    )


def run(args: argparse.Namespace) -> int:
    from ..core.problems import BattledecksError
    from ..demo import demo_event_path
    from ..render.detect import detect_graphics
    from ..room.address import read_address
    from ..ui.audience.app import AudienceApp

    target: str | None = args.target
    if target is not None and target.startswith(("http://", "https://")):
        url = target if target.endswith("/") else target + "/"

        def locate() -> str | None:
            return url
    else:
        event_path = Path(target) if target else demo_event_path()
        if not event_path.is_file():
            raise BattledecksError(f"{event_path}: no such event file (or give the host's address, like http://127.0.0.1:8750/)")

        def locate() -> str | None:
            return read_address(event_path)

    app = AudienceApp(locate, graphics=detect_graphics(args.graphics))
    app.run()
    return 0
