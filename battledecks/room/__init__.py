"""The room's view of a show: a local server that publishes the show's changes.

The host's app runs :class:`~battledecks.room.server.RoomServer` in its own
event loop; the audience screen in a terminal (``battledecks screen``) and
the ``/stage`` page in a browser follow it. Nothing here changes the show:
every route only reads.
"""
