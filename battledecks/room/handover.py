"""One port, two processes: the vote process takes the connections, and hands the room server its own.

A room of phones opening connections at once is the heavy part of serving
the room, so the vote process (:mod:`battledecks.room.votes.intake`)
accepts the connections on the one port the room knows, and reads the request
head of each (within the deadline of :mod:`.gate`): a request for ``/vote``
(the page, a vote, the long poll) it serves; anything else (the stage page,
the audience screens' stream, the slides) it hands to the room server in the
host's app, socket and bytes read so far, through a Unix socket
(``SCM_RIGHTS``); a connection that sends no whole head in time never
reaches the host's app. Each process then serves the
connection for as long as it stays open; a request for the other process's
paths on a kept-alive connection is answered with a redirect to the same
address and ``Connection: close``, so the browser asks again on a new
connection, which goes the right way. While the vote process is not running,
the room server listens on the port itself.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections import deque
from collections.abc import Callable

MAX_PREFIX = 64 * 1024
"""Largest first read handed over with a connection."""

_VOTE_STARTS = (b"GET /vote", b"POST /vote", b"HEAD /vote")


def for_votes(head: bytes) -> bool | None:
    """Whether a connection whose first bytes are ``head`` asks for a vote path (None: not known yet)."""
    for start in _VOTE_STARTS:
        n = len(start)
        if len(head) <= n:
            if start.startswith(head):
                return None  # "GET /vo": it may still be a vote
            continue
        if head.startswith(start):
            return head[n : n + 1] in (b" ", b"?", b"/")
    return False


def route_votes(give: Callable[[socket.socket, bytes], bool]) -> Callable[[socket.socket, bytes], bool]:
    """A vote process's :data:`~.gate.Route`: a connection whose (whole) request head is not for a vote
    path goes to the room server by ``give`` (a :meth:`Sender.give`); True when it went."""

    def route(sock: socket.socket, head: bytes) -> bool:
        return for_votes(head) is False and len(head) <= MAX_PREFIX and give(sock, head)

    return route


WAITING = 512
"""Connections kept waiting for the other process to take them (each on a descriptor); more are served here."""


class Sender:
    """Hands connections over on ``channel`` in order, on the loop that calls :meth:`give`.

    The channel takes a few connections at a time (a Unix datagram queue is
    short): the rest wait here, each on a descriptor of its own, and go as
    the other process takes them. If the channel breaks (the other process
    has gone), the waiting connections are closed; their browsers ask again.
    """

    def __init__(self, channel: socket.socket, limit: int = WAITING) -> None:
        self.channel = channel
        self.limit = limit
        self.broken = False
        self._waiting: deque[tuple[int, bytes]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    def give(self, sock: socket.socket, head: bytes) -> bool:
        """Hand over a connection (on the server's loop); False if it must be served here."""
        if self.broken:
            return False
        if not self._waiting:
            try:
                if _send(self.channel, sock.fileno(), head):
                    return True
            except OSError:
                self._break()
                return False
        if len(self._waiting) >= self.limit:
            return False
        try:
            self._waiting.append((os.dup(sock.fileno()), head))
        except OSError:
            return False  # no descriptor to spare: served here
        if len(self._waiting) == 1:
            self._loop = asyncio.get_running_loop()
            self._loop.add_writer(self.channel.fileno(), self._flush)
        return True

    def _flush(self) -> None:
        while self._waiting:
            fd, head = self._waiting[0]
            try:
                if not _send(self.channel, fd, head):
                    return
            except OSError:
                self._break()
                return
            self._waiting.popleft()
            os.close(fd)
        self._stop_writing()

    def _stop_writing(self) -> None:
        if self._loop is not None:
            self._loop.remove_writer(self.channel.fileno())
            self._loop = None

    def _break(self) -> None:
        self.broken = True
        self._stop_writing()
        while self._waiting:
            os.close(self._waiting.popleft()[0])

    def close(self) -> None:
        """Close the channel and the connections still waiting (from any thread)."""
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._close_here)
                return
            except RuntimeError:
                pass  # that loop has ended
        self._close_here()

    def _close_here(self) -> None:
        self._break()
        self.channel.close()


def _send(channel: socket.socket, fd: int, head: bytes) -> bool:
    """Send one connection; False if the channel is full for now.

    Raises:
        OSError: the channel is broken.
    """
    try:
        socket.send_fds(channel, [head], [fd], socket.MSG_DONTWAIT)
    except (BlockingIOError, InterruptedError):
        return False
    return True


def receive_connections(channel: socket.socket, most: int = 1 << 30) -> tuple[list[tuple[socket.socket, bytes]], bool]:
    """The connections waiting on ``channel`` (non-blocking, ``most`` of them at a time), and whether the sender has gone."""
    got: list[tuple[socket.socket, bytes]] = []
    while len(got) < most:
        try:
            head, fds, _, _ = socket.recv_fds(channel, MAX_PREFIX, 1, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return got, False
        except OSError:
            return got, True
        if not fds:
            return got, not head  # an empty message with no descriptor: the other end closed
        for extra in fds[1:]:
            socket.close(extra)
        sock = socket.socket(fileno=fds[0])
        sock.setblocking(False)
        got.append((sock, head))
    return got, False
