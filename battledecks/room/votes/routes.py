"""Every /vote route, for each of the three servers that answer phones.

- In the process that takes the votes (the host's app, or a vote process):
  :func:`add_vote_routes`, the pages and the votes.
- In a vote process: :func:`add_vote_process_routes`, those and every
  other path sent back to the room server.
- On the room server while the vote processes take the votes:
  :func:`add_room_server_routes`, a vote request there asks again (or,
  while no vote process runs, is taken by the standby store in the app's
  process), and the QR code for the stage page.
- On the room server when phone voting is off (the vote database could not
  be opened): :func:`add_votes_off_routes`.

The handlers are in :mod:`.views`.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from .desk import VoteDesk
from .store import VoteStore
from .views import (
    DESK_KEY,
    STORE_KEY,
    TAKING_KEY,
    elsewhere,
    elsewhere_or_here,
    vote_not_found,
    vote_page,
    vote_post,
    vote_qr,
    vote_state,
    votes_off,
)


def add_vote_routes(app: web.Application, desk: VoteDesk) -> None:
    """Serve /vote, POST /vote, /vote/state and /vote/qr.svg from ``app``, the votes going to the desk's store.

    Raises:
        TypeError: the desk's votes are not taken in this process (a vote process's pages are its own).
    """
    store = desk.store
    if not isinstance(store, VoteStore):
        raise TypeError(
            f"the /vote pages take votes into a vote store in this process, not into {type(store).__name__}"
        )
    app[DESK_KEY] = desk
    app[STORE_KEY] = store
    app.router.add_get("/vote", vote_page)
    app.router.add_post("/vote", vote_post)
    app.router.add_get("/vote/state", vote_state)
    app.router.add_get("/vote/qr.svg", vote_qr)
    app.router.add_route("*", "/vote/{tail:.*}", vote_not_found)


def add_vote_process_routes(app: web.Application, desk: VoteDesk) -> None:
    """A vote process's routes: the votes, and every other path asked again on a new connection (the room server's)."""
    add_vote_routes(app, desk)
    app.router.add_route("*", "/{tail:.*}", elsewhere)


def add_room_server_routes(
    app: web.Application, desk: VoteDesk, taking: Callable[[], bool], standby: VoteDesk | None = None
) -> None:
    """The room server's /vote routes while the vote processes take the votes (``taking``: one of them does
    now); while none does, the ``standby`` desk's store (in this process) takes them."""
    app[TAKING_KEY] = taking
    app[DESK_KEY] = standby or desk
    if standby is not None and isinstance(standby.store, VoteStore):
        app[STORE_KEY] = standby.store
    app.router.add_get("/vote", elsewhere_or_here(vote_page))
    app.router.add_post("/vote", elsewhere_or_here(vote_post))
    app.router.add_get("/vote/state", elsewhere_or_here(vote_state))
    app.router.add_get("/vote/qr.svg", vote_qr)  # the stage page's connection is the room server's
    app.router.add_route("*", "/vote/{tail:.*}", vote_not_found)


def add_votes_off_routes(app: web.Application) -> None:
    """Every /vote path answers that phone voting is off (the event votes by phone, but its vote database
    could not be opened): phones that scanned the code earlier get a clear page, not a 404."""
    app.router.add_route("*", "/vote", votes_off)
    app.router.add_route("*", "/vote/{tail:.*}", votes_off)
