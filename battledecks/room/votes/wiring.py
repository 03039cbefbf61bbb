"""One doorway for the phones' votes: :func:`attach` puts them on a room server, and the desk in the host's app.

Who takes the votes is chosen here, once: the vote processes
(:mod:`.worker`, on Linux, where a process can hand another a connection) or
the room server in the app's own process (elsewhere, or when the vote
processes cannot start: the host is warned then). Either way the desk drives
a :class:`~.desk.VoteBackend`, the audience screens follow the vote, and the
host's app gets the desk (F2 on the scores screen and the lineup), and is
told once the phones of one network address reach the limit in a vote.

A vote database that cannot be opened (damaged, locked, unreadable) does not
stop the show: phone voting is off, the phones' page says so, and the host
is told why and how to start a fresh database
(``battledecks votes EVENT --set-aside``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from . import worker
from .desk import VoteDesk, desk_for_show, show_desk
from .host import crowd_text, votes_off_text
from .link import phone_base, vote_url
from .routes import add_room_server_routes, add_vote_routes, add_votes_off_routes
from .store import Crowd, Result, VoteError, load_secret, room_code, secret_path_for

if TYPE_CHECKING:
    from battledecks.core.show import Show

    from ..server import RoomServer


class VoteHost(Protocol):
    """What :func:`attach` needs of the host's app (``BattledecksApp``)."""

    votes: VoteDesk | None
    """The desk, for the host's commands."""
    after_first_frame: list[Callable[[], object]]
    """Called once the host's console is on screen: a warning waits for it."""

    def notify(
        self,
        message: str,
        *,
        title: str = ...,
        severity: Literal["information", "warning", "error"] = ...,
        timeout: float | None = ...,
    ) -> None:
        """Tell the host, on the console."""


def attach(server: RoomServer, show: Show, host: VoteHost, *, processes: bool = True) -> VoteDesk | None:
    """Take the phones' votes beside ``server`` when the show's event votes by phone; the desk (also ``host.votes``), or None.

    With ``processes`` (``battledecks run --serve``), on Linux, the vote
    processes take the connections on the room's port (and hand the room
    server its own); elsewhere the room server takes the votes itself. If
    the vote processes cannot start (the system refuses new processes, say),
    the room server takes the votes and the host is warned on the console.

    Call in the app's running loop, before the server starts; close the
    desk's store when the app ends.

    If the vote database or its key cannot be opened, phone voting is off
    (None is returned) and the host is told why and the way out.
    """
    if show.event.scoring.audience_vote != "phones":
        return None
    try:
        desk = _take_votes(server, show, host, processes)
    except VoteError as error:
        server.routes.append(add_votes_off_routes)
        _warn(host, votes_off_text(error, show.event.path), title="Phone voting is off", severity="error")
        return None
    _follow(server, desk, host)
    host.votes = desk
    return desk


def _take_votes(server: RoomServer, show: Show, host: VoteHost, processes: bool) -> VoteDesk:
    """The desk, its votes taken by the vote processes where they can be, else by the room server.

    Raises:
        VoteError: the vote database or its key cannot be opened.
    """
    if processes and worker.processes_supported():
        phone_url = vote_url(phone_base(server.url), room_code(load_secret(secret_path_for(show.event.path))))
        try:
            return _in_vote_processes(server, show, phone_url)
        except VoteError as error:
            # The night goes on with the votes in the app's own process: slower under a full room, but taken.
            # (A vote database that cannot be opened fails there too, with its own one line.)
            desk = _in_this_process(server, show)
            _warn(host, f"The vote processes did not start, so the app takes the phones' votes itself. {error}")
            return desk
    return _in_this_process(server, show)


def _in_this_process(server: RoomServer, show: Show) -> VoteDesk:
    """The room server serves /vote, and the votes go to a vote store in this process."""
    desk = desk_for_show(show)
    assert desk is not None  # the event votes by phone
    desk.phone_url = vote_url(phone_base(server.url), desk.store.code)
    server.routes.append(lambda web_app: add_vote_routes(web_app, desk))
    return desk


def _in_vote_processes(server: RoomServer, show: Show, phone_url: str) -> VoteDesk:
    """The vote processes take the votes on the room's port; ``phone_url`` is what the QR code says.

    Raises:
        VoteError: a vote process did not start.
    """
    vote_processes = worker.worker_for_show(show, phone_url, server.sock, server.door)
    assert vote_processes is not None  # the event votes by phone
    try:
        desk = show_desk(show, vote_processes, vote_processes.last)
    except BaseException:
        vote_processes.close()
        raise
    desk.phone_url = vote_processes.phone_url
    standby = vote_processes.standby_desk
    server.routes.append(lambda web_app: add_room_server_routes(web_app, desk, lambda: vote_processes.alive, standby))
    return desk


def _follow(server: RoomServer, desk: VoteDesk, host: VoteHost) -> None:
    """Put the vote (open or not, address, room code, count) in the state the audience screens follow, and tell
    the host once the phones of an address reach the limit in a vote.

    Sends the live count to them at most twice a second. Call in the app's running loop.
    """
    server.view.vote_state = desk.public
    desk.announce = server.publish
    loop = asyncio.get_running_loop()
    pending = False

    def flush() -> None:
        nonlocal pending
        pending = False
        server.publish("votes")

    def counted(_: Result) -> None:  # on the thread that learnt of the commit
        nonlocal pending
        if not pending:
            pending = True
            loop.call_soon_threadsafe(loop.call_later, 0.5, flush)

    desk.store.listeners.append(counted)
    told: set[tuple[int, str]] = set()

    def tell(crowd: Crowd) -> None:  # on the app's loop
        if (crowd.round, crowd.address) in told:
            return
        told.add((crowd.round, crowd.address))
        current = desk.store.open_round
        presenter = current.presenter if current is not None and current.id == crowd.round else None
        host.notify(crowd_text(crowd, presenter), title="Phones from one address", severity="warning", timeout=30)

    def crowded(crowd: Crowd) -> None:  # on the thread that learnt of the commit
        try:
            loop.call_soon_threadsafe(tell, crowd)
        except RuntimeError:
            pass  # the app's loop has ended

    desk.store.crowd_listeners.append(crowded)


def _warn(
    host: VoteHost,
    text: str,
    *,
    title: str = "Votes in the app's process",
    severity: Literal["warning", "error"] = "warning",
) -> None:
    """A warning on the host's console once it is on screen."""
    host.after_first_frame.append(
        lambda: host.notify(text, title=title, severity=severity, timeout=60 if severity == "error" else 20)
    )
