"""Run an event in the terminal: lineup, draw, stage, scores, standings.

With no EVENT, runs the demo event. Only one battledecks may have an event
open at a time. With --serve, the app also serves the audience screen
(`battledecks screen EVENT`, or /stage in a browser) at 127.0.0.1:8750 or
the address given; any other address than 127.0.0.1 is reachable from the
network, so only give one on purpose.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
from pathlib import Path
from typing import Any

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
    parser.add_argument(
        "--serve",
        nargs="?",
        const="127.0.0.1:8750",
        default=None,
        metavar="HOST:PORT",
        help="serve the audience screen (default address 127.0.0.1:8750: this machine only)",
    )


def run(args: argparse.Namespace) -> int:
    from ..core.event import load_event
    from ..core.record import EventRecord
    from ..core.show import Show
    from ..demo import demo_event_path

    serve: str | None = args.serve
    if serve is not None and args.event is None and Path(serve).is_file():
        # `run --serve EVENT`: the event, not an address.
        args.event, serve = Path(serve), "127.0.0.1:8750"
    event_path: Path = args.event or demo_event_path()
    # A broken event file or record is reported before anything is written, the lock file included.
    EventRecord.load(load_event(event_path), save=False)
    sock = None
    if serve is not None:
        from ..room.server import listen, parse_address

        sock = listen(*parse_address(serve))  # a busy port is said before the app starts
    lock = Show.lock_for(event_path)
    try:
        lock.acquire(str(event_path))
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    try:
        show = Show.open(event_path)
        from ..render.detect import detect_graphics
        from ..ui.app import create_app

        graphics = detect_graphics(args.graphics or show.event.graphics)
        app = create_app(event_path, graphics=graphics, show=show)
        if sock is None:
            app.run()
        else:
            asyncio.run(_run_served(app, show, event_path, sock))
    finally:
        if sock is not None:
            sock.close()
        lock.release()
    # A crash inside the app is reported by Textual and sets a non-zero return code.
    return app.return_code or 0


async def _run_served(app: Any, show: Any, event_path: Path, sock: socket.socket) -> None:
    """Run the app with the room server in the same loop; the server stops with the app."""
    from ..room.address import remove_address, write_address
    from ..room.server import RoomServer

    server = RoomServer(show, sock)
    app.audience_url = server.url + "stage"
    await server.start()
    try:
        write_address(event_path, server.url)
        await app.run_async()
    finally:
        remove_address(event_path)
        await server.stop()
