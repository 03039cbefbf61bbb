"""Run an event in the terminal: lineup, draw, stage, scores, standings.

With no EVENT, runs the demo event. Only one battledecks may have an event
open at a time. With --serve, the app also serves the audience screen
(`battledecks screen EVENT`, or /stage in a browser) at 127.0.0.1:8750 or
the address given; any other address than 127.0.0.1 is reachable from the
network, so only give one on purpose.

With --fresh the event starts again from nothing: after the host agrees, its
record (and its phones' votes) move into a backup folder beside the event
file, events/NAME-before-DATE-TIME/, from where they can be moved back.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.show import Show
    from ..ui.app import BattledecksApp

NAME = "run"


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
    parser.add_argument(
        "--fresh", action="store_true",
        help="start the event again from nothing: its record moves to a backup folder beside it (asks first)",
    )


def _event_files(event_path: Path) -> list[Path]:
    """The files that make up an event's state: its record and its phones' votes, those that exist."""
    from ..core.event import record_path_for
    from ..room.votes.store import votes_path_for

    votes = votes_path_for(event_path)
    candidates = [record_path_for(event_path), votes, votes.with_name(votes.name + "-wal"), votes.with_name(votes.name + "-shm")]
    return [path for path in candidates if path.exists()]


def start_fresh(event_path: Path, now: dt.datetime, ask=input) -> Path | None:  # noqa: ANN001
    """Move the event's record and votes into ``NAME-before-DATE-TIME/`` beside it, after asking.

    Returns:
        The backup folder, or None when there was nothing to move.

    Raises:
        BattledecksError: the host said no, or the files cannot be moved.
    """
    from ..core.problems import BattledecksError

    files = _event_files(event_path)
    if not files:
        return None
    backup = event_path.with_name(f"{event_path.stem}-before-{now:%Y-%m-%d-%H%M%S}")
    names = ", ".join(path.name for path in files)
    try:
        answer = ask(f"Start {event_path} fresh? {names} will move to {backup}/ [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise BattledecksError(f"{event_path}: not started fresh: nothing was moved")
    try:
        backup.mkdir()
        for path in files:
            os.replace(path, backup / path.name)
    except OSError as error:
        raise BattledecksError(f"{backup}: cannot move the record there: {error.strerror or error}") from None
    return backup


def _collect_again() -> None:
    """Turn the garbage collector back on, with everything made so far out of its sight (it stays)."""
    gc.freeze()
    gc.enable()


def run(args: argparse.Namespace) -> int:
    # Starting makes many objects and frees few: no collection pauses until the lineup is on screen.
    gc.disable()
    from ..core.event import load_event
    from ..core.record import EventRecord
    from ..core.show import Show
    from ..demo import demo_event_path

    serve: str | None = args.serve
    if serve is not None and args.event is None and Path(serve).is_file():
        # `run --serve EVENT`: the event, not an address.
        args.event, serve = Path(serve), "127.0.0.1:8750"
    event_path: Path = args.event or demo_event_path()
    fresh = getattr(args, "fresh", False)
    # A broken event file or record is reported before anything is written, the lock file included.
    if fresh:
        load_event(event_path)
    else:
        EventRecord.load(load_event(event_path), save=False)
    sock = None
    file_limit = 0
    if serve is not None:
        from ..room.gate import raise_file_limit
        from ..room.server import listen, parse_address

        # Every connection of the room takes a descriptor: as many as the system allows (the vote processes inherit it).
        file_limit, _ = raise_file_limit()
        sock = listen(*parse_address(serve))  # a busy port is said before the app starts
    lock = Show.lock_for(event_path)
    try:
        lock.acquire(str(event_path))
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    try:
        if fresh:
            backup = start_fresh(event_path, dt.datetime.now())
            if backup is not None:
                print(f"The old record is in {backup}/", file=sys.stderr)
        show = Show.open(event_path, scan=False)
        from ..render.detect import detect_graphics
        from ..ui.app import create_app

        graphics = detect_graphics(args.graphics or show.event.graphics)
        app = create_app(event_path, graphics=graphics, show=show)
        app.after_first_frame.append(_collect_again)
        if sock is not None:
            _warn_low_file_limit(app, file_limit)
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


def _warn_low_file_limit(app: BattledecksApp, limit: int) -> None:
    """Say on the console, once it is on screen, that the open-file limit stays too low for a full room."""
    from ..room.gate import low_limit_warning

    text = low_limit_warning(limit)
    if text is not None:
        app.after_first_frame.append(lambda: app.notify(text, title="Open files", severity="warning", timeout=20))


async def _run_served(app: BattledecksApp, show: Show, event_path: Path, sock: socket.socket) -> None:
    """Run the app with the room server beside it (a thread and loop of its own); the server stops with the app."""
    from ..room.address import remove_address, write_address
    from ..room.server import RoomServer
    from ..room.votes import attach
    from ..ui.screens.draw import SUSPENSE_SECONDS

    # The room's suspense ends when the host's does (the draw screen says so, even when its timers
    # run late on a busy machine); twice its planned length is only how long the room waits untold.
    server = RoomServer(show, sock, suspense=2 * SUSPENSE_SECONDS)
    app.audience_url = server.url + "stage"
    app.draw_revealed.append(server.reveal_now)
    app.after_news = server.after_sent

    def screens(count: int) -> None:
        if app.is_running:
            app.audience_screens = count

    server.on_clients = screens
    desk = attach(server, show, app)
    try:
        await server.start()
        try:
            try:
                write_address(event_path, server.url)
            except OSError:
                pass  # `battledecks screen URL` still works; the lineup shows the address
            await app.run_async()
        finally:
            remove_address(event_path)
            await server.stop()
    finally:
        if desk is not None:
            desk.store.close()
