"""The show server and the audience in the room: the stream, the stage page, the votes.

The host's app runs :class:`~battledecks.room.server.RoomServer` on a thread
with an event loop of its own; the audience screen in a terminal (``battledecks screen``) and
the ``/stage`` page in a browser follow it. No route changes the show.
"""
