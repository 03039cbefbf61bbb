"""The gate of the room's port: who comes in, for how long, and what is kept back for the show's own files.

Everyone in the room can reach the port, so no connection may hold the show
up. Every connection, in the vote processes and in the room server, goes
through the :class:`Gate` of its process (one per event loop) and a
:class:`Porter` of its own:

- the request head must have arrived :data:`HEAD_TIMEOUT` seconds after the
  connection opened, or the connection is closed; a request's body must have
  arrived :data:`BODY_TIMEOUT` seconds after its head (:func:`body_deadline`);
  a kept-alive connection waiting for its next request is closed after
  :data:`KEEPALIVE` seconds (aiohttp's ``keepalive_timeout``, which closes a
  connection only while it waits for a head, so it bounds every later head
  on the connection too);
- one network address holds at most :data:`CONNECTIONS_PER_ADDRESS`
  connections in a process (the host's own machine, a connection from the
  address it reached, is not counted: ``battledecks screen`` on the laptop);
- descriptors: the soft ``RLIMIT_NOFILE`` is raised to the hard one at start
  (:func:`raise_file_limit`), and a reserve (:func:`reserve_for`) is kept for
  the process's own files (the record, the slides, the vote database). When
  the open descriptors reach the limit less the reserve, a new connection
  takes the place of the oldest one still sending its head (if that one has
  had :data:`EVICT_AFTER` seconds), or is closed at once. The host's own
  machine has :data:`OWN_ROOM` descriptors more.

A Porter reads the request head itself (nothing of the request reaches
aiohttp before its head is whole), then gives the connection to aiohttp's
protocol, or to the other process (:mod:`.handover`), and stays in between to
count the connection until it closes.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from http.cookies import CookieError, SimpleCookie
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict, CIMultiDictProxy, MultiDictProxy
from yarl import URL

HEAD_TIMEOUT = 5.0
"""Seconds from a new connection to the end of its request head."""

BODY_TIMEOUT = 5.0
"""Seconds from a request's head to the end of its body."""

KEEPALIVE = 5.0
"""Seconds a kept-alive connection may wait for its next request (and that request's head)."""

LINGER = 1.0
"""Seconds the rest of a refused request's body is read and thrown away before its connection is closed."""

CONNECTIONS_PER_ADDRESS = 256
"""Connections one network address may hold in one process (a vote process, or the room server).
Phones behind one NAT address share it: with two vote processes, about 500 phones with the page open."""

EVICT_AFTER = 0.25
"""Seconds a connection still sending its head is left alone before a newcomer may take its place (a
phone's head arrives in milliseconds)."""

OWN_ROOM = 16
"""Descriptors beyond the strangers' share for connections from the host's own machine."""

LOW_FILE_LIMIT = 4096
"""Below this many open files a full room may be turned away: the console says so."""

HEAD_LIMIT = 16 * 1024
"""Bytes of a request head read here; a longer one is left to aiohttp, which refuses it."""

REFRESH = 0.25
"""Seconds between counts of the process's open descriptors."""

_METHOD = re.compile(rb"[A-Z]{1,16}( |$)")
_HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True)
class GateRules:
    """How long a connection may take and how many one address may hold (tests make them short)."""

    head_timeout: float = HEAD_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    keepalive: float = KEEPALIVE
    per_address: int = CONNECTIONS_PER_ADDRESS
    reserve: int | None = None
    """Descriptors kept for the process's own files (None: :func:`reserve_for` the limit)."""


def raise_file_limit() -> tuple[int, int]:
    """Raise the soft limit of open files to the hard one; the soft and hard limits now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard and (hard == resource.RLIM_INFINITY or soft < hard):
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft, hard


def file_limit() -> int:
    """The soft limit of open files."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def reserve_for(limit: int) -> int:
    """Descriptors kept for the process's own files under ``limit``: an eighth, 64 to 1024."""
    return min(1024, max(64, limit // 8))


def low_limit_warning(limit: int) -> str | None:
    """What the console says when the open-file limit stays low (None: it is high enough)."""
    if limit >= LOW_FILE_LIMIT:
        return None
    room = max(0, limit - reserve_for(limit) - OWN_ROOM)
    return (
        f"Open files are limited to {limit} here (ulimit -n), and the system does not let battledecks raise it: "
        f"each of its processes serves the room at most about {room} connections at once and turns the rest away, "
        f"keeping the other descriptors for the show's own files. For a big room, quit and start again after "
        f"`ulimit -n 65536`."
    )


def open_descriptors() -> int | None:
    """How many descriptors this process has open (None: the system does not say)."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return len(os.listdir(folder)) - 1  # the listing's own descriptor
        except OSError:
            continue
    return None


ACCEPT_BATCH = 64
"""Connections accepted in one go before the loop is let run again."""

PAUSE = 0.05
"""Seconds a full process stops accepting (the connections wait in the port's queue, holding no descriptor here)."""


class Gate:
    """Who may hold a connection in this process: one per event loop, used on that loop only (see the module's text)."""

    def __init__(
        self,
        rules: GateRules = GateRules(),
        *,
        limit: Callable[[], int] = file_limit,
        count: Callable[[], int | None] = open_descriptors,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules = rules
        self._limit = limit
        self._count = count
        self.monotonic = monotonic
        self.by_address: Counter[str] = Counter()
        """Connections held per address (the host's own machine's not counted)."""
        self._held: set[Porter] = set()
        self._waiting: dict[Porter, float] = {}
        """Connections still sending their head, oldest first, with when they came."""
        self.closed: Counter[str] = Counter()
        """Connections this gate turned away or closed, by reason: ``head`` (its head came too slowly),
        ``address`` (its address holds its share), ``full`` (no descriptors to spare), ``evicted`` (a newcomer
        took its place while it was still sending its head)."""
        self._base = 0
        """Open descriptors that are not connections (the process's own files), as last counted."""
        self._counted_at = float("-inf")
        self._ceiling = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._listeners: set[_Listener] = set()

    # --- descriptors ---------------------------------------------------------------

    def _refresh(self) -> None:
        now = self.monotonic()
        if now - self._counted_at < REFRESH:
            return
        self._counted_at = now
        limit = self._limit()
        reserve = self.rules.reserve if self.rules.reserve is not None else reserve_for(limit)
        self._ceiling = limit - reserve
        counted = self._count()
        self._base = max(0, counted - len(self._held)) if counted is not None else 64

    @property
    def in_use(self) -> int:
        """Open descriptors now, as far as the gate knows: the process's own files (as last counted) and the connections."""
        self._refresh()
        return self._base + len(self._held)

    def room_for(self, own: bool = False) -> int:
        """How many connections this process may hold, all told: strangers', or with the host's own machine's."""
        self._refresh()
        return max(0, self._ceiling - (0 if own else OWN_ROOM) - self._base)

    @property
    def held(self) -> int:
        """Connections held now."""
        return len(self._held)

    # --- connections -----------------------------------------------------------------

    def listen(self, sock: socket.socket, porter: Callable[[], Porter]) -> Callable[[], None]:
        """Accept the connections of a listening socket, each with a new ``porter()``; returns what stops it
        (and closes ``sock``)."""
        listener = _Listener(self, sock, porter, asyncio.get_running_loop())
        self._listeners.add(listener)
        listener.start()

        def stop() -> None:
            self._listeners.discard(listener)
            listener.close()

        return stop

    def take(self, conn: socket.socket, porter: Porter) -> bool:
        """Serve an accepted (or handed over) connection with ``porter``, if the gate lets it in; else close it.

        Called on the gate's loop.
        """
        try:
            peer, local = conn.getpeername(), conn.getsockname()
        except OSError:
            conn.close()  # gone already
            return False
        porter.address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        porter.own = isinstance(local, tuple) and bool(local) and str(local[0]) == porter.address
        if not self._admit(porter):
            conn.close()
            return False
        conn.setblocking(False)
        task = asyncio.get_running_loop().create_task(self._connect(conn, porter))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _connect(self, conn: socket.socket, porter: Porter) -> None:
        try:
            await asyncio.get_running_loop().connect_accepted_socket(lambda: porter, conn)
        except OSError:
            self.gone(porter)
            conn.close()  # the browser went away meanwhile

    def _admit(self, porter: Porter) -> bool:
        if not porter.own and self.by_address[porter.address] >= self.rules.per_address:
            self.closed["address"] += 1
            return False
        if len(self._held) >= self.room_for(porter.own):
            victim = self._oldest_waiting()
            if victim is None:
                self.closed["full"] += 1
                return False
            self.closed["evicted"] += 1
            victim.close()
            self.gone(victim)
        self._held.add(porter)
        if not porter.own:
            self.by_address[porter.address] += 1
        self._waiting[porter] = self.monotonic()
        return True

    def _oldest_waiting(self) -> Porter | None:
        """The connection that has waited longest for its head, if it has had :data:`EVICT_AFTER` seconds."""
        for porter, came in self._waiting.items():
            return porter if self.monotonic() - came >= EVICT_AFTER else None
        return None

    def may_accept(self) -> bool:
        """Whether a new connection could stay now (there is room, or one a newcomer may take the place of)."""
        return len(self._held) < self.room_for(own=True) or self._oldest_waiting() is not None

    def headed(self, porter: Porter) -> None:
        """The connection's request head has arrived: no newcomer takes its place from now on."""
        self._waiting.pop(porter, None)

    def gone(self, porter: Porter) -> None:
        """The connection has closed (or is closing)."""
        if porter in self._held:
            self._held.discard(porter)
            self._waiting.pop(porter, None)
            if not porter.own:
                self.by_address[porter.address] -= 1
                if self.by_address[porter.address] <= 0:
                    del self.by_address[porter.address]

    def close(self) -> None:
        """Stop listening and close the connections still sending their head (the server is stopping)."""
        for listener in list(self._listeners):
            listener.close()
        self._listeners.clear()
        for porter in list(self._waiting):
            porter.close()
            self.gone(porter)


class _Listener:
    """A listening socket, accepted from while the gate has room (see :meth:`Gate.listen`)."""

    def __init__(
        self, gate: Gate, sock: socket.socket, porter: Callable[[], Porter], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.gate = gate
        self.sock = sock
        self.porter = porter
        self.loop = loop
        self._paused: asyncio.TimerHandle | None = None
        self._closed = False

    def start(self) -> None:
        self.sock.setblocking(False)
        self.loop.add_reader(self.sock.fileno(), self._ready)

    def _ready(self) -> None:
        gate = self.gate
        for _ in range(ACCEPT_BATCH):
            if not gate.may_accept():
                self._pause()  # the next connection would take the descriptors kept for the show's files
                return
            try:
                conn, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError:
                self._pause()  # out of descriptors or memory after all: try again in a moment
                return
            gate.take(conn, self.porter())

    def _pause(self) -> None:
        if self._paused is None and not self._closed:
            self.loop.remove_reader(self.sock.fileno())
            self._paused = self.loop.call_later(PAUSE, self._resume)

    def _resume(self) -> None:
        self._paused = None
        if not self._closed:
            self.loop.add_reader(self.sock.fileno(), self._ready)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._paused is not None:
            self._paused.cancel()
        else:
            self.loop.remove_reader(self.sock.fileno())
        self.sock.close()


Route = Callable[[socket.socket, bytes], bool]
"""Given a connection and its request head: True when it was handed to another process (it is closed here)."""

Refuse = Callable[[bytes, object, object], "bytes | None"]
"""Given a request head and the connection's peer and local addresses: the whole answer when the request is
refused before it is served (the connection is closed after it), else None."""


class Porter(asyncio.Protocol):
    """One connection: read its request head under the gate's deadline, then serve it or hand it over.

    ``serve`` makes the protocol that serves it here (an aiohttp server's
    request handler), ``route`` may hand it to another process, ``head`` is
    what another process read of it already. The gate sets :attr:`address`
    and :attr:`own` as it lets the connection in.
    """

    __slots__ = (
        "_closed",
        "_gate",
        "_head",
        "_inner",
        "_refuse",
        "_route",
        "_serve",
        "_timer",
        "address",
        "own",
        "transport",
    )

    def __init__(
        self,
        gate: Gate,
        serve: Callable[[], asyncio.Protocol],
        route: Route | None = None,
        head: bytes = b"",
        refuse: Refuse | None = None,
    ) -> None:
        self._gate = gate
        self._serve = serve
        self._route = route
        self._refuse = refuse
        self._head = head
        self._inner: asyncio.Protocol | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self.transport: asyncio.Transport | None = None
        self.address = ""
        """The network address it comes from."""
        self.own = False
        """It comes from the address it reached: the host's own machine."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = stream = cast(asyncio.Transport, transport)
        if self._closed:
            stream.abort()  # a newcomer took its place on the way
            return
        if self._head and self._whole(self._head):
            self._headed()
        else:
            self._timer = asyncio.get_running_loop().call_later(self._gate.rules.head_timeout, self._too_slow)

    @staticmethod
    def _whole(head: bytes) -> bool:
        """Whether ``head`` is all the porter waits for: a whole head, too long a one, or no HTTP at all."""
        return _HEAD_END in head or len(head) >= HEAD_LIMIT or _METHOD.match(head[:17]) is None

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)
            return
        self._head += data
        if self._whole(self._head):
            self._headed()

    def _headed(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._gate.headed(self)
        transport, head = self.transport, self._head
        assert transport is not None
        self._head = b""
        if self._refuse is not None and _HEAD_END in head:
            refusal = self._refuse(head, transport.get_extra_info("peername"), transport.get_extra_info("sockname"))
            if refusal is not None:
                transport.write(refusal)
                transport.close()
                return
        if self._route is not None and _HEAD_END in head and _METHOD.match(head[:17]) is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None and self._route(sock, head):
                transport.pause_reading()
                transport.close()  # this process's descriptor only: the connection lives on in the other process
                return
        inner = self._inner = self._serve()
        inner.connection_made(transport)
        inner.data_received(head)

    def _too_slow(self) -> None:
        self._timer = None
        self._gate.closed["head"] += 1
        self.close()

    def close(self) -> None:
        """Close the connection at once (nothing is owed to a connection that has not sent its head)."""
        self._closed = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.abort()

    def eof_received(self) -> bool | None:
        if self._inner is not None:
            return self._inner.eof_received()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._gate.gone(self)
        if self._inner is not None:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()


class HeadRequest:
    """What a request head says, read without serving it: its path, query, headers, cookies and address.

    For checks made before a connection is served (a stream refused at the
    door costs next to nothing), with the attributes of aiohttp's request
    that such checks read; each is read from the head only when asked for.
    """

    def __init__(self, head: bytes, remote: str) -> None:
        self._head = head
        self.remote = remote

    @cached_property
    def _lines(self) -> list[str]:
        return self._head.split(_HEAD_END, 1)[0].decode("latin-1").split("\r\n")

    @cached_property
    def _target(self) -> URL:
        parts = self._lines[0].split(" ")
        return URL(parts[1]) if len(parts) > 1 and parts[1].startswith("/") else URL("/")

    @property
    def method(self) -> str:
        return self._lines[0].split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self._target.path

    @property
    def query(self) -> MultiDictProxy[str]:
        return self._target.query

    @cached_property
    def headers(self) -> CIMultiDictProxy[str]:
        headers: CIMultiDict[str] = CIMultiDict()
        for field in self._lines[1:]:
            name, colon, value = field.partition(":")
            if colon:
                headers.add(name.strip(), value.strip())
        return CIMultiDictProxy(headers)

    @cached_property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except CookieError:
            pass
        return {name: morsel.value for name, morsel in jar.items()}


def canned(status: str, text: str) -> bytes:
    """A whole answer sent on a connection not served (it is closed after)."""
    body = text.encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        f"Retry-After: 5\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    ).encode() + body


def body_deadline(seconds: float = BODY_TIMEOUT) -> Middleware:
    """An aiohttp middleware: a request's body is read whole within ``seconds`` of its head, or it is refused (408)."""

    @web.middleware
    async def deadline(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists:
            try:
                async with asyncio.timeout(seconds):
                    await request.read()  # kept by the request: the handler's read() or post() has it at once
            except TimeoutError:
                raise web.HTTPRequestTimeout(
                    text="The request came too slowly.\n", headers={"Connection": "close"}
                ) from None
        return await handler(request)

    return deadline
