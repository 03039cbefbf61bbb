"""One port, two processes: the vote process takes the connections, and hands the room server its own.

A room of phones opening connections at once is the heavy part of serving
the room, so the vote process (:mod:`battledecks.room.votes.intake`)
accepts the connections on the one port the room knows, and reads the first
bytes of each: a request for ``/vote`` (the page, a vote, the long poll) it
serves; anything else (the stage page, the audience screens' stream, the
slides) it hands to the room server in the host's app, socket and bytes read
so far, through a Unix socket (``SCM_RIGHTS``). Each process then serves the
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
from typing import cast

SNIFF_TIMEOUT = 10.0
"""Seconds a new connection may take to send its request line before it is closed."""

SNIFF_LIMIT = 8192
"""Bytes read before the request line must be known; longer ones are served here (and refused by aiohttp)."""

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


class Sniff(asyncio.Protocol):
    """A new connection until its request line says where it goes: served here, or handed over.

    A connection whose first request is for a vote path is served here by
    ``serve_here``'s protocol (an aiohttp server's handler); any other is
    given to ``hand_over(sock, head)``, which says whether it was taken
    (when not, it is served here too).
    """

    __slots__ = ("_hand_over", "_head", "_serve_here", "_timer", "_transport")

    def __init__(self, serve_here: Callable[[], asyncio.Protocol], hand_over: Callable[[socket.socket, bytes], bool]) -> None:
        self._serve_here = serve_here
        self._hand_over = hand_over
        self._head = b""
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = stream = cast(asyncio.Transport, transport)
        self._timer = asyncio.get_running_loop().call_later(SNIFF_TIMEOUT, stream.abort)

    def data_received(self, data: bytes) -> None:
        self._head += data
        votes = for_votes(self._head)
        if votes is None and len(self._head) < SNIFF_LIMIT:
            return
        transport = self._transport
        assert transport is not None
        if self._timer is not None:
            self._timer.cancel()
        if votes is False and len(self._head) <= MAX_PREFIX:
            sock = transport.get_extra_info("socket")
            if sock is not None and self._hand_over(sock, self._head):
                transport.pause_reading()
                transport.close()  # this process's descriptor only: the connection lives on in the other process
                return
        serve_with(transport, self._serve_here, self._head)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()


class Handed(asyncio.Protocol):
    """A connection handed over, on its way to ``serve``'s protocol with the bytes already read."""

    __slots__ = ("_head", "_serve")

    def __init__(self, serve: Callable[[], asyncio.Protocol], head: bytes) -> None:
        self._serve = serve
        self._head = head

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        serve_with(transport, self._serve, self._head)  # within connection_made: before the transport reads anything more


def serve_with(transport: asyncio.BaseTransport, serve: Callable[[], asyncio.Protocol], head: bytes) -> None:
    """Give the connection to a new protocol from ``serve``, as if it had read ``head`` itself."""
    handler = serve()
    transport.set_protocol(handler)
    handler.connection_made(transport)
    handler.data_received(head)


WAITING = 4096
"""Connections kept waiting for the other process to take them; more are served here."""


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
        self._waiting.append((os.dup(sock.fileno()), head))
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


def receive_connections(channel: socket.socket) -> tuple[list[tuple[socket.socket, bytes]], bool]:
    """The connections waiting on ``channel`` (non-blocking), and whether the sender has gone."""
    got: list[tuple[socket.socket, bytes]] = []
    while True:
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
