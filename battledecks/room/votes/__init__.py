"""The phones' votes: a room votes on each talk from their phones, and the mean is the audience score.

One job a module (the shape of aiohttp's polls demo):

- ``wiring.py``: :func:`attach`, the one doorway. It chooses who takes the
  votes (the vote processes, or the room server in the app's own process),
  adds the routes to the room server, has the audience screens follow the
  vote and gives the host's app the desk.
- ``desk.py``: the host's vote desk (open, close, what the phones see) over
  a :class:`~.desk.VoteBackend`, and the bridge between the show's record
  and the votes.
- ``store.py``: the vote store: SQLite beside the event, rounds, tokens,
  one vote per phone, nothing lost (the database is "db" in the polls demo).
- ``routes.py``: every /vote route, for each server that answers phones.
- ``views.py``: the handlers, and the /vote page they answer with (its
  template is ``room/static/vote.html``).
- ``worker.py``: the vote processes as the app sees them, a backend whose
  votes are taken elsewhere.
- ``intake.py``: a vote process itself (``python -m battledecks.room.votes.intake``).
- ``host.py``: what the host's console says of the vote, and F2 in the vote
  at the end (the panels that show it are in ``battledecks.ui.widgets``).
- ``link.py`` and ``qr.py``: the address a phone opens, and its QR code.

Nothing here imports Textual or Rich (a contract in ``pyproject.toml``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .desk import VoteBackend, VoteDesk
    from .wiring import VoteHost, attach

_EXPORTS = {"attach": "wiring", "VoteHost": "wiring", "VoteDesk": "desk", "VoteBackend": "desk"}
"""Each name's module, loaded when the name is first asked for (as Textual's widgets are): the audience
screen draws the QR code (``qr``) and ``battledecks votes`` reads the store, and neither needs the desk."""


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = ["VoteBackend", "VoteDesk", "VoteHost", "attach"]
