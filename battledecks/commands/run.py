"""Run an event in the terminal: lineup, draw, stage, scores, standings.

With no EVENT, runs the demo event. Only one battledecks may have an event
open at a time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "run"
HELP = "run an event in the app (default: the demo event)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("event", nargs="?", type=Path, help="event file (default: the demo event)")
    parser.add_argument(
        "--graphics",
        choices=("auto", "kitty", "sixel", "halfcell"),
        default=None,
        help="how slides are drawn (default: the event's `graphics`, else auto-detect)",
    )


def run(args: argparse.Namespace) -> int:
    from ..core.event import load_event
    from ..core.show import Show
    from ..demo import demo_event_path

    event_path: Path = args.event or demo_event_path()
    load_event(event_path)  # a broken event file is reported before anything is written
    lock = Show.lock_for(event_path)
    lock.acquire(str(event_path))
    try:
        show = Show.open(event_path)
        from ..render.detect import detect_graphics
        from ..ui.app import create_app

        graphics = detect_graphics(args.graphics or show.event.graphics)
        app = create_app(event_path, graphics=graphics, show=show)
        app.run()
    finally:
        lock.release()
    # A crash inside the app is reported by Textual and sets a non-zero return code.
    return app.return_code or 0
