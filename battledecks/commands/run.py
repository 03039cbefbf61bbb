"""Run an event in the terminal: lineup, draw, stage, scores, standings.

With no EVENT, runs the demo event. Only one battledecks may have an event
open at a time. With --serve, the app also serves the audience screen
(`battledecks screen EVENT`, or /stage in a browser) at 127.0.0.1:8750 or
the address given; any other address than 127.0.0.1 is reachable from the
network, so only give one on purpose. A screen opened with the event's
screen key (`battledecks screen EVENT` reads it; a browser opens the link L
shows on the lineup) is the projector, and the stage then keeps a console
for the host; so does --second-screen, or p on the stage.

With --fresh the event starts again from nothing: after the host agrees, its
record (and its phones' votes, with the key that signs their tokens: the room
code changes) move into a backup folder beside the event file,
events/NAME-before-DATE-TIME/, from where they can be moved back.
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
    from ..room.server import RoomServer
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
        metavar="[HOST:]PORT",
        help="serve the audience screen at HOST:PORT, or PORT on 127.0.0.1 (default 127.0.0.1:8750: this machine only)",
    )
    parser.add_argument(
        "--second-screen",
        action="store_true",
        help="the room watches another screen (a projector on a second display): the stage keeps a console for "
        "the host, with the next slide and who is next (p on the stage switches)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start the event again from nothing: its record moves to a backup folder beside it (asks first)",
    )


def _event_files(event_path: Path) -> list[Path]:
    """The files that make up an event's state: its record, its draw's secret, its phones' votes and their key (a
    fresh start makes a new one, so the room code changes), those that exist."""
    from ..core.commitment import secret_path_for as draw_secret_path_for
    from ..core.event import record_path_for
    from ..room.votes.store import secret_path_for as vote_key_path_for
    from ..room.votes.store import votes_path_for

    votes = votes_path_for(event_path)
    candidates = [
        record_path_for(event_path),
        draw_secret_path_for(event_path),
        votes,
        votes.with_name(votes.name + "-wal"),
        votes.with_name(votes.name + "-shm"),
        vote_key_path_for(event_path),
    ]
    return [path for path in candidates if path.exists()]


def start_fresh(event_path: Path, now: dt.datetime, ask=input) -> Path | None:  # noqa: ANN001
    """Move the event's record and votes into ``NAME-before-DATE-TIME/`` beside it, after asking.

    Returns:
        The backup folder, or None when there was nothing to move.

    Raises:
        BattledecksError: the host said no, or the files cannot be moved.
    """
    from ..core.atomic import PRIVATE
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
        # Only the host may read the old record (the judges' scores) and votes: the folder and each file.
        backup.mkdir(mode=0o700)
        for path in files:
            os.chmod(path, PRIVATE)
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
    from ..core.record import EventRecord
    from ..core.show import Show
    from ..demo import demo_event_path
    from ._args import load_event_file
    from ._output import first_run_progress

    serve: str | None = args.serve
    if serve is not None and args.event is None and Path(serve).is_file():
        # `run --serve EVENT`: the event, not an address.
        args.event, serve = Path(serve), "127.0.0.1:8750"
    event_path: Path = args.event or demo_event_path(first_run_progress())
    fresh = getattr(args, "fresh", False)
    # A broken event file or record is reported before anything is written, the lock file included.
    if fresh:
        load_event_file(event_path)
    else:
        EventRecord.load(load_event_file(event_path), save=False)
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
        if getattr(args, "second_screen", False):
            app.second_screen = True
        app.after_first_frame.append(_collect_again)
        if sock is not None:
            _warn_low_file_limit(app, file_limit)
        try:
            if sock is None:
                app.run()
            else:
                asyncio.run(_run_served(app, show, event_path, sock))
        finally:
            saved = keep_unsaved(show)
    finally:
        if sock is not None:
            sock.close()
        lock.release()
    # A crash inside the app is reported by Textual and sets a non-zero return code.
    return app.return_code or (0 if saved else 1)


def keep_unsaved(show: Show) -> bool:
    """At quit, save what a failed save left unsaved, or else put it in a side file and say so.

    Returns:
        Whether the record file holds everything.
    """
    import tempfile

    aside = show.save_or_set_aside([Path.home(), Path(tempfile.gettempdir())])
    if aside is None:
        return True
    if aside.path is None:
        print(f"battledecks: {aside.reason}. Not saved anywhere, and lost: {aside.describe()}.", file=sys.stderr)
    else:
        print(
            f"battledecks: {aside.reason}. Not in the record: {aside.describe()}. The whole record is in "
            f"{aside.path}: once the disk is fixed, move it to {show.record.path}.",
            file=sys.stderr,
        )
    return False


def _warn_low_file_limit(app: BattledecksApp, limit: int) -> None:
    """Say on the console, once it is on screen, that the open-file limit stays too low for a full room."""
    from ..room.gate import low_limit_warning

    text = low_limit_warning(limit)
    if text is not None:
        app.after_first_frame.append(lambda: app.notify(text, title="Open files", severity="warning", timeout=20))


async def _run_served(app: BattledecksApp, show: Show, event_path: Path, sock: socket.socket) -> None:
    """Run the app with the room server beside it (a thread and loop of its own); the server stops with the app."""
    from ..room.address import remove_address, screen_key, write_address
    from ..room.server import RoomServer
    from ..room.votes import attach
    from ..ui.screens.draw import SUSPENSE_SECONDS

    try:
        key: str | None = screen_key(event_path)
    except OSError:
        key = None  # no projector can be authorised; every screen still follows the show
    # The audience screens plan the draw's suspense as long as the host's; the title itself reaches them
    # only when the host's draw screen shows it.
    server = RoomServer(show, sock, suspense=2 * SUSPENSE_SECONDS, screen_key=key)
    wire_room(app, server)
    desk = attach(server, show, app)
    try:
        await server.start()
        try:
            try:
                write_address(event_path, server.url, key)
            except OSError:
                pass  # `battledecks screen URL` still works; the lineup shows the address
            await app.run_async()
        finally:
            remove_address(event_path)
            await server.stop()
    finally:
        if desk is not None:
            desk.store.close()


def wire_room(app: BattledecksApp, server: RoomServer) -> None:
    """Tell the app about the room server and the server about the app: the addresses the host is shown,
    the draw's reveal, the news going out, and the number of authorised projectors (anonymous screens never
    reach the app)."""
    from ..room.address import network_reach

    app.audience_url = server.url + "stage"
    app.projector_url = server.projector_url
    app.room_exposure = network_reach(server.url)
    app.draw_revealed.append(server.reveal_now)
    app.after_news = server.after_sent

    def projectors(count: int) -> None:
        if app.is_running:
            app.projectors = count

    server.on_clients = projectors
