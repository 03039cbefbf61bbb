"""The show server and the audience in the room: the stream, the stage page, the votes.

Two wings:

- here, the audience stream: ``server.py`` (the room server: the stream, the
  ``/stage`` page, the slides), ``view.py`` (what the audience screens
  show), ``schedule.py`` (a talk's timings), ``follow.py`` (following a
  server, for the terminal audience screen), ``address.py`` (where an
  event's server listens), ``handover.py`` (connections passed between
  the vote processes and the room server) and ``gate.py`` (who may hold a
  connection to the room's port, and for how long);
- ``votes/``, the phones' votes (see its own text). Its one doorway is
  :func:`battledecks.room.votes.attach`.

The host's app runs :class:`~battledecks.room.server.RoomServer` on a thread
with an event loop of its own; the audience screen in a terminal (``battledecks screen``) and
the ``/stage`` page in a browser follow it. No route changes the show.
Nothing in ``room/`` imports Textual or Rich: what draws the vote in a
terminal is in ``battledecks.ui.widgets``.
"""
