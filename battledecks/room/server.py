"""The room server: the show's changes for the audience screens, over HTTP.

It runs in a thread of its own with its own asyncio loop, so no burst of
requests ever makes the host's slide timer wait, and it only ever reads the
show. The host's app keeps the public state (:class:`RoomView`): after each
change it encodes the state once, on its own thread, and hands the bytes
over (``call_soon_threadsafe``); the server's requests read only the last
state handed over. The number of audience screens goes back to the app's
loop the same way.

- ``GET /events``: server-sent events; the first is the whole public state
  (see :mod:`battledecks.room.view`), then one after each change of the
  show, and a heartbeat every few seconds. Each carries the host's
  monotonic time (``now``) so a browser can line up its own clock, and the
  machine's boot id so a follower on the same machine knows the clocks are
  the same one.
- ``GET /snapshot``: the same state, once.
- ``GET /slides/DECK/N``: slide N (1-based) of the deck on stage, only while
  its talk runs, and only the slide showing and the next one (the 3-2-1
  counts as showing slide 0); any other slide, or deck, is 404, so nobody
  sees a slide before the room does.
- ``GET /stage``: the audience screen for a browser (files in the package).
  ``/stage?k=KEY`` with the event's screen key (see :mod:`.address`) makes
  that browser the projector: the key goes into a cookie and the address bar
  is left without it.

Every client reads the same public state; the one thing the key changes is
that the host's app is told how many *projectors* follow (``on_clients``),
so its stage may keep a console for the host. Anonymous clients never
change what the host's terminal shows.

Every connection passes the gate of :mod:`.gate` first: its head within
seconds, a share per address, descriptors kept for the show's own files. The
audience streams are shared per address too, the host's own machine has
places of its own, and the projector the host authorised always gets in.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import errno
import hmac
import json
import mimetypes
import socket
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from ..core.clock import Phase, TalkClock
from ..core.decks import pdf_stamp, slide_files
from ..core.problems import BattledecksError
from .gate import LINGER, Gate, GateRules, HeadRequest, Porter, body_deadline, canned
from .handover import receive_connections
from .headers import guard
from .view import REVEAL_SUSPENSE, RoomView

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750

HEARTBEAT = 2.0
"""Seconds between heartbeats on an idle stream."""

FAN_OUT = 50
"""Streams written to in one go before the loop is let run again."""

QUIET_BEFORE = 0.05
"""A heartbeat due this close (seconds) before one of the talk's slide changes waits until just after it."""

QUIET_AFTER = 0.01

GRACE_AFTER_SENT = 0.1
"""Seconds an :meth:`RoomServer.after_sent` callback waits once the news is written to every stream, so
readers on this machine (an audience screen in another terminal, /stage in a browser on the host's
laptop) take it before long work takes a core."""

TALK_SWITCH_INTERVAL = 0.001
"""Seconds a thread holds the GIL when another wants it, while a talk runs (Python's default is 0.005):
the host's slide timer, woken while the server's thread works, waits at most this long for it."""

PORT_WAIT = 3.0
"""Seconds to wait for a port in use: an app that served on it and was killed leaves its vote processes
to let go of it (within a fraction of a second)."""

MAX_CLIENTS = 2000
"""Streams served at once (fewer when the open-file limit is low: see :meth:`RoomServer.stream_room`); more are
refused with 503."""

STREAMS_PER_ADDRESS = 16
"""Streams one network address may hold (a browser on /stage holds one)."""

OWN_STREAMS = 16
"""Streams beyond :data:`MAX_CLIENTS` kept for the host's own machine (``battledecks screen`` or /stage on the
laptop itself: a connection from the address it reached)."""

PROJECTOR_STREAMS = 4
"""Streams of the projector the host authorised, always let in whatever the room holds; a fifth closes the oldest."""

COUNT_EVERY = 1.0
"""Seconds between two counts of the audience streams given to the host's app."""

HANDED_AT_ONCE = 64
"""Connections taken from a vote process in one go before the loop is let run again."""

MAX_BEHIND = 1 << 20
"""Bytes waiting for one slow screen before it is dropped (it reconnects and starts from the state)."""

MAX_REQUEST = 4096
"""Largest request body accepted."""

SCREEN_COOKIE = "battledecks_screen"
"""The cookie a browser opened with the projector's link keeps the screen key in."""

SCREEN_COOKIE_AGE = 30 * 24 * 3600
"""Seconds the projector's browser keeps the key (the key stays the event's across restarts of the app)."""

STATIC = {"stage.js": "text/javascript", "stage.css": "text/css"}
"""Files served from the package besides the stage page."""

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; media-src 'none'; object-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

Monotonic = Callable[[], float]


class ServeError(BattledecksError):
    """The server cannot listen where asked."""


def boot_id() -> str | None:
    """This machine's boot id: two processes with the same one share a monotonic clock."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``HOST``, ``:PORT`` or ``PORT``, defaults filled in.

    Raises:
        ServeError: not an address.
    """
    text = text.strip()
    if text.isdigit():
        # A bare number is a port (`--serve 8751`): no host is named only by digits.
        host, sep, port_text = "", ":", text
    else:
        host, sep, port_text = text.rpartition(":") if ":" in text else (text, "", "")
    host = host.strip("[]") or DEFAULT_HOST
    if not sep:
        return host, DEFAULT_PORT
    try:
        port = int(port_text)
    except ValueError:
        raise ServeError(f"--serve {text}: the port must be a number (like 127.0.0.1:{DEFAULT_PORT})") from None
    if not 0 <= port <= 65535:
        raise ServeError(f"--serve {text}: the port must be between 0 and 65535")
    return host, port


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, opened before the app starts so a busy port is said at once.

    Raises:
        ServeError: the address cannot be used.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ServeError(f"--serve {host}:{port}: unknown address ({error.strerror})") from None
    family, _, _, _, address = infos[0]
    deadline = time.monotonic() + (PORT_WAIT if port else 0)
    while True:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(4096)  # a room of phones arrives at once: no connection waits for a SYN retry
        except OSError as error:
            sock.close()
            if error.errno == errno.EADDRINUSE and time.monotonic() < deadline:
                time.sleep(0.05)  # the vote processes of the app that served here last are letting go of it
                continue
            raise ServeError(f"--serve {host}:{port}: cannot listen there: {error.strerror or error}") from None
        sock.setblocking(False)
        return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _package_file(name: str) -> bytes:
    return resources.files("battledecks.room").joinpath("static", name).read_bytes()


@dataclass(frozen=True)
class _Public:
    """The public state as the app handed it over last: what every request reads."""

    state: str
    """The state, as JSON (encoded once, on the app's thread)."""
    seq: int
    version: int
    """Goes up with every state handed over (a stream that started from one skips the frames before it)."""
    on_stage: str | None
    """The deck whose slides may be served now."""
    deck: Any
    clock: TalkClock | None
    """A copy of the talk's clock while a talk is on stage (for the heartbeat's quiet time)."""


class RoomServer:
    """Publishes one show to the audience screens, from a thread and an event loop of its own.

    :meth:`start` and :meth:`stop` are awaited in the app's loop; everything
    the show does reaches the server as bytes encoded on the app's thread.
    """

    def __init__(
        self,
        show: Any,
        sock: socket.socket,
        *,
        monotonic: Monotonic = time.monotonic,
        suspense: float = REVEAL_SUSPENSE,
        routes: Sequence[Callable[[web.Application], None]] = (),
        screen_key: str | None = None,
        gate: GateRules | None = None,
    ) -> None:
        self.show = show
        self.screen_key = screen_key
        """The key that makes a screen the projector (see :mod:`.address`); None: no screen is."""
        self.sock = sock
        self.monotonic = monotonic
        self.url = url_of(sock)
        self.view = RoomView(show, suspense=suspense)
        """The public state, kept on the app's thread only."""
        self.boot = boot_id()
        self._streams: set[_Stream] = set()
        """Open streams: the server's thread only."""
        self._stream_kinds: Counter[str] = Counter()
        """Open streams by whose they are (``projector``, ``own``, ``room``)."""
        self._stream_addresses: Counter[str] = Counter()
        """Open streams by network address."""
        self._outbox: deque[tuple[bytes, list[_Stream]]] = deque()
        """Frames not yet written to every stream, each with the streams still to write it to."""
        self._sending = False
        self._waiting: list[tuple[Callable[[], object], float]] = []
        """Callbacks for the app's loop once the outbox is empty, with their grace (:meth:`after_sent`): the server's thread only."""
        self._graced: dict[asyncio.TimerHandle, Callable[[], object]] = {}
        """Callbacks in their grace on the app's loop: the app's thread only."""
        self._runner: web.AppRunner | None = None
        self._beating: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._files = {name: _package_file(name) for name in ("stage.html", *STATIC)}
        self.routes = list(routes)
        """More routes to serve (each is called with the aiohttp application before it starts)."""
        self._doors: set[socket.socket] = set()
        """Where the vote processes hand over this server's connections while they take them on the port
        (see :mod:`.handover`); none: this server listens on the port itself."""
        self._site: Callable[[], None] | None = None
        """Stops this server listening on the port (it listens while no vote process takes the connections)."""
        self.gate_rules = gate or GateRules()
        """How long a request may take and how many connections an address may hold (:mod:`.gate`)."""
        self.gate: Gate | None = None
        """Who may hold a connection here (see :mod:`.gate`): the server's thread only."""
        self.is_projector: Callable[[web.Request | HeadRequest], bool] = self.authorised
        """Whether a request for ``/events`` comes from the projector the host authorised: its stream always has
        a place, whatever the room holds. Called on the server's thread with the request, or, for a connection
        handed over by a vote process, before it is served, with a :class:`~.gate.HeadRequest` (the same ``query``,
        ``headers``, ``cookies`` and ``remote``)."""
        self._door_lock: asyncio.Lock | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.on_clients: Callable[[int], None] | None = None
        """Called (on the app's loop) with the number of projectors (streams opened with the screen key)
        whenever it changes; anonymous streams are not counted."""
        self._lookup: tuple[tuple[object, ...], asyncio.Future[list[Path]]] | None = None
        """The slide files of the deck last asked for, found once for all the requests of its talk."""
        self._version = 0
        self._public = self._capture()
        self.loop: asyncio.AbstractEventLoop | None = None
        """The server's own loop, while it runs."""
        self._app_loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._clients_told = False
        self._count_told_at = float("-inf")
        self._count_told = 0
        """The number of projectors the app was told last (on the app's thread)."""
        self._switch_interval: float | None = None
        """Python's switch interval before a talk shortened it (None: not shortened)."""

    @property
    def clients(self) -> int:
        """Audience streams connected now."""
        return len(self._streams)

    @property
    def projectors(self) -> int:
        """Streams connected now with the screen key."""
        return sum(stream.kind == "projector" for stream in self._streams)

    @property
    def projector_url(self) -> str | None:
        """The link that makes a browser the projector (None without a screen key)."""
        return f"{self.url}stage?k={self.screen_key}" if self.screen_key else None

    def authorised(self, request: web.Request | HeadRequest) -> bool:
        """Whether ``request`` carries the screen key (``?k=`` or the projector's cookie)."""
        key = self.screen_key
        if not key:
            return False
        given = request.query.get("k") or request.cookies.get(SCREEN_COOKIE) or ""
        return hmac.compare_digest(given.encode("utf-8", "replace"), key.encode())

    # --- life ------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving from a thread of its own; returns once the server listens."""
        if self._thread is not None:
            raise RuntimeError("the room server is already running")
        self._app_loop = asyncio.get_running_loop()
        self._public = self._capture()
        self._unsubscribe = self.show.changes.subscribe(self._on_change)
        ready: concurrent.futures.Future[asyncio.AbstractEventLoop] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="room-server", daemon=True)
        self._thread.start()
        try:
            self.loop = await asyncio.wrap_future(ready)
        except BaseException:
            self._drop_subscription()
            await asyncio.to_thread(self._thread.join)
            self._thread = None
            raise

    async def stop(self) -> None:
        """Close every stream and stop listening (the audience screens then wait for the host); the thread ends."""
        self._drop_subscription()
        self._talk_switching(False)
        thread, loop, stopping = self._thread, self.loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None:
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:
                pass  # the loop has ended already
        await asyncio.to_thread(thread.join)
        self._thread = None
        self.loop = None
        waiting, self._waiting = [callback for callback, _ in self._waiting], []
        for handle, callback in list(self._graced.items()):
            handle.cancel()
            waiting.append(callback)
        self._graced.clear()
        for callback in waiting:
            callback()

    def _drop_subscription(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _serve(self, ready: concurrent.futures.Future[asyncio.AbstractEventLoop]) -> None:
        """The server's thread: its own loop, until :meth:`stop`."""
        try:
            asyncio.run(self._main(ready))
        except BaseException as error:  # noqa: BLE001 - handed to start()
            if not ready.done():
                ready.set_exception(error)

    async def _main(self, ready: concurrent.futures.Future[asyncio.AbstractEventLoop]) -> None:
        self._stopping = asyncio.Event()
        await self._start_here()
        try:
            ready.set_result(asyncio.get_running_loop())
            await self._stopping.wait()
        finally:
            await self._stop_here()

    async def _start_here(self) -> None:
        app = web.Application(client_max_size=MAX_REQUEST, middlewares=[body_deadline(self.gate_rules.body_timeout)])
        guard(app)
        app.router.add_get("/", self._root)
        app.router.add_get("/stage", self._stage)
        app.router.add_get("/favicon.ico", self._no_icon)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/snapshot", self._snapshot)
        app.router.add_get("/events", self._events)
        app.router.add_get("/slides/{deck}/{number}", self._slide)
        for add in self.routes:
            add(app)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=1.0,
            keepalive_timeout=self.gate_rules.keepalive,
            lingering_time=LINGER,
            max_line_size=4096,
            max_field_size=4096,
            max_headers=32,
        )
        await self._runner.setup()
        self.gate = Gate(self.gate_rules)
        self._door_lock = asyncio.Lock()
        for channel in list(self._doors):
            self._doors.discard(channel)
            await self._door_here(channel, True)
        await self._door_here(None, False)
        self._beating = asyncio.get_running_loop().create_task(self._beat())

    async def _stop_here(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
            self._beating = None
        self._outbox.clear()
        for channel in list(self._doors):
            self._close_door(channel)
        for stream in list(self._streams):
            self._close(stream)
        if self._site is not None:
            self._site()
            self._site = None
        if self.gate is not None:
            self.gate.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.sock.close()  # the port is free for whoever serves next

    # --- the port: this server's, or the vote process's ------------------------------

    def door(self, channel: socket.socket, opened: bool) -> None:
        """A vote process takes the connections on the port now, and hands this server its own on
        ``channel`` (``opened``), or has stopped (the server owns ``channel`` from ``opened`` on, and
        closes it). With no vote process taking them, this server listens on the port. From any thread."""
        loop = self.loop
        if loop is None:
            if opened:
                self._doors.add(channel)
            else:
                self._doors.discard(channel)
                channel.close()
            return
        try:
            loop.call_soon_threadsafe(lambda: self._spawn(self._door_here(channel, opened)))
        except RuntimeError:
            channel.close()  # the server has stopped

    async def _door_here(self, channel: socket.socket | None, opened: bool) -> None:
        assert self._door_lock is not None and self._runner is not None
        async with self._door_lock:
            loop = asyncio.get_running_loop()
            if channel is not None and opened:
                serve_here = self._runner.server
                assert serve_here is not None
                self._doors.add(channel)
                loop.add_reader(channel.fileno(), self._take_connections, channel, serve_here)
            elif channel is not None:
                self._close_door(channel)
            if self._doors and self._site is not None:
                stop, self._site = self._site, None
                stop()
            elif not self._doors and self._site is None:
                # a copy of the socket: stopping closes the copy, and the port stays open for the vote processes
                serve_here = self._runner.server
                gate = self.gate
                assert serve_here is not None and gate is not None
                self._site = gate.listen(self.sock.dup(), lambda: Porter(gate, serve_here, refuse=self._refusal))

    def _take_connections(self, channel: socket.socket, serve_here: Callable[[], asyncio.Protocol]) -> None:
        connections, gone = receive_connections(channel, HANDED_AT_ONCE)
        gate = self.gate
        assert gate is not None
        for sock, head in connections:
            if not self._turned_away(sock, head):
                gate.take(sock, Porter(gate, serve_here, head=head))  # or closed at once, when the gate has no room
        if gone and channel in self._doors:
            self._spawn(
                self._door_here(channel, False)
            )  # that vote process has gone: listen on the port if none is left

    def _spawn(self, work: Any) -> None:
        """Run ``work`` on the server's loop, keeping hold of it until it is done."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _close_door(self, channel: socket.socket) -> None:
        if channel in self._doors:
            self._doors.discard(channel)
            try:
                asyncio.get_running_loop().remove_reader(channel.fileno())
            except (RuntimeError, ValueError):
                pass
        channel.close()

    # --- the app's side: the state handed over -------------------------------------

    def _capture(self) -> _Public:
        """The view's state now, encoded (on the app's thread)."""
        view = self.view
        on_stage = view.on_stage()
        self._version += 1
        return _Public(
            state=json.dumps(view.state(), separators=(",", ":")),
            seq=view.seq,
            version=self._version,
            on_stage=on_stage,
            deck=self.show.decks.get(on_stage) if on_stage is not None else None,
            clock=copy.deepcopy(view.clock) if on_stage is not None else None,
        )

    def _on_change(self, change: Any) -> None:
        now = self.monotonic()
        self.view.apply(change.kind, change.presenter, change.round, dict(change.data), change.seq, now)
        self._hand_over(change.kind, now, change.seq)

    def _hand_over(self, kind: str, now: float, seq: int | None) -> None:
        """Encode the state once and give it to the server's loop (from the app's thread)."""
        public = self._public = self._capture()
        loop = self.loop
        if loop is None:
            return
        self._talk_switching(public.on_stage is not None)
        frame = self._frame_of("change", self._message_of(public, kind, now), seq)
        try:
            loop.call_soon_threadsafe(self._broadcast, frame, public.version)
        except RuntimeError:
            pass  # the server is stopping

    def _talk_switching(self, talking: bool) -> None:
        """While a talk runs, the server's thread hands the GIL back to the host's sooner (on the app's thread)."""
        if talking and self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, TALK_SWITCH_INTERVAL))
        elif not talking and self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    def after_sent(self, callback: Callable[[], object], grace: float = GRACE_AFTER_SENT) -> None:
        """Call ``callback`` on the app's loop once everything handed over so far is written to every stream,
        and ``grace`` seconds more.

        Called on the app's thread. Work that holds the interpreter lock for
        long (a full garbage collection after a talk) waits for the news to be
        out, instead of holding up the server's thread while the room waits.
        Not serving, ``callback`` is called at once; a callback still waiting
        when the server stops is called by :meth:`stop`.
        """
        loop = self.loop
        if loop is None:
            callback()
            return
        try:
            loop.call_soon_threadsafe(self._when_sent, callback, grace)
        except RuntimeError:
            callback()  # the server's loop has ended

    def message(self, kind: str, now: float | None = None) -> dict[str, Any]:
        """A message for the audience screens: what changed and the whole public state (as last handed over)."""
        return json.loads(self._message_of(self._public, kind, self.monotonic() if now is None else now))

    def _message_of(self, public: _Public, kind: str, now: float) -> str:
        head = json.dumps({"kind": kind, "now": now, "boot": self.boot}, separators=(",", ":"))
        return f'{head[:-1]},"state":{public.state}}}'

    def reveal_now(self, presenter: str) -> None:
        """The host's draw screen revealed ``presenter``'s deck: its title goes to the room now (not before),
        and the audience screens end their suspense with the host's."""
        if self.view.revealed(presenter, self.monotonic()):
            self.publish("reveal-now")

    def publish(self, kind: str) -> None:
        """Send the public state to every screen again: something outside the record changed (the live vote count).

        Called on the app's thread.
        """
        self._hand_over(kind, self.monotonic(), None)

    def _frame(self, event: str, data: dict[str, Any], seq: int | None = None) -> bytes:
        return self._frame_of(event, json.dumps(data, separators=(",", ":")), seq)

    @staticmethod
    def _frame_of(event: str, data: str, seq: int | None = None) -> bytes:
        head = f"id: {seq}\n" if seq is not None else ""
        return f"{head}event: {event}\ndata: {data}\n\n".encode()

    # --- the stream (on the server's thread) ---------------------------------------

    def _broadcast(self, frame: bytes, version: int = 0) -> None:
        """Send ``frame`` to every stream: encoded once, the same bytes written to each transport.

        No task wakes per client. Writing to hundreds of sockets takes the
        loop milliseconds, so it goes ``FAN_OUT`` streams at a time with the
        loop free in between. Frames reach each stream in the order they were
        broadcast; a stream that started from state ``version`` or later
        does not get it again.
        """
        chunk = b"%x\r\n%s\r\n" % (len(frame), frame)
        self._outbox.append((chunk, [s for s in self._streams if s.since < version or not version]))
        if not self._sending:
            self._sending = True
            self._send_some()

    def _send_some(self) -> None:
        budget = FAN_OUT
        outbox = self._outbox
        while outbox and budget > 0:
            chunk, streams = outbox[0]
            while streams and budget > 0:
                stream = streams.pop()
                budget -= 1
                if not stream.send(chunk):
                    self._close(stream)
            if not streams:
                outbox.popleft()
        if outbox:
            asyncio.get_running_loop().call_soon(self._send_some)
        else:
            self._sending = False
            self._call_waiting()

    def _when_sent(self, callback: Callable[[], object], grace: float) -> None:
        self._waiting.append((callback, grace))
        if not self._outbox:
            self._call_waiting()

    def _call_waiting(self) -> None:
        """Hand the callbacks waiting for an empty outbox to the app's loop (those it cannot take wait for :meth:`stop`)."""
        if not self._waiting or self._app_loop is None:
            return
        waiting, self._waiting = self._waiting, []
        for n, (callback, grace) in enumerate(waiting):
            try:
                self._app_loop.call_soon_threadsafe(self._after_grace, callback, grace)
            except RuntimeError:
                self._waiting = waiting[n:]  # the app's loop has ended
                return

    def _after_grace(self, callback: Callable[[], object], grace: float) -> None:
        """On the app's loop: ``callback`` in ``grace`` seconds (or at :meth:`stop`, if that comes first)."""

        def call() -> None:
            del self._graced[handle]
            callback()

        handle = asyncio.get_running_loop().call_later(grace, call)
        self._graced[handle] = callback

    def _close(self, stream: _Stream) -> None:
        if stream in self._streams:
            self._streams.discard(stream)
            self._stream_kinds[stream.kind] -= 1
            self._stream_addresses[stream.address] -= 1
            if self._stream_addresses[stream.address] <= 0:
                del self._stream_addresses[stream.address]
            if stream.kind == "projector":  # anonymous streams never reach the host's app
                self._count_changed()
        if not stream.closed.done():
            stream.closed.set_result(None)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            # Not just before a slide change: the host's stage is busy then.
            now = self.monotonic()
            public = self._public
            change = public.clock.next_change(now) if public.clock is not None else None
            if change is not None and change - now < QUIET_BEFORE:
                await asyncio.sleep(change - now + QUIET_AFTER)
            public = self._public
            self._broadcast(self._frame("beat", {"now": self.monotonic(), "boot": self.boot, "seq": public.seq}))

    def _count_changed(self) -> None:
        """Tell the app's loop the number of streams: at once, then at most once every :data:`COUNT_EVERY` seconds
        however many come and go (a room that keeps connecting never keeps the host's screen busy)."""
        if self.on_clients is None or self._app_loop is None or self._clients_told:
            return
        self._clients_told = True
        wait = self._count_told_at + COUNT_EVERY - time.monotonic()
        if wait > 0:
            asyncio.get_running_loop().call_later(wait, self._send_count)
        else:
            self._send_count()

    def _send_count(self) -> None:
        self._count_told_at = time.monotonic()
        try:
            assert self._app_loop is not None
            self._app_loop.call_soon_threadsafe(self._tell_clients)
        except RuntimeError:
            self._clients_told = False  # the app's loop has ended

    def _tell_clients(self) -> None:
        self._clients_told = False
        count = self.projectors
        if self.on_clients is not None and count != self._count_told:
            self._count_told = count  # streams that came and went meanwhile change nothing for the host
            self.on_clients(count)

    def stream_room(self) -> int:
        """Streams the room may hold at once: :data:`MAX_CLIENTS`, or three quarters of the connections the gate
        lets strangers hold when the open-file limit is lower (the rest are for pages, slides and the projector)."""
        gate = self.gate
        return MAX_CLIENTS if gate is None else min(MAX_CLIENTS, gate.room_for() * 3 // 4)

    def _stream_kind(self, request: web.Request | HeadRequest, peer: object, local: object) -> str | None:
        """Whose stream a request for /events from ``peer`` to ``local`` (socket addresses) would be:
        ``projector``, ``own`` (the host's own machine) or ``room``; None when there is no place for it."""
        if self.is_projector(request):
            return "projector"
        return self._place_for(peer, local)

    def _place_for(self, peer: object, local: object) -> str | None:
        """``own`` or ``room`` when a stream from ``peer`` to ``local`` has a place, not being the projector's."""
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        kinds = self._stream_kinds
        shared = kinds["room"] + kinds["own"]
        if isinstance(local, tuple) and local and str(local[0]) == address:
            return "own" if kinds["own"] < OWN_STREAMS or shared < self.stream_room() else None
        if self._stream_addresses[address] >= STREAMS_PER_ADDRESS or shared >= self.stream_room():
            return None
        return "room"

    def _refusal(self, head: bytes, peer: object, local: object) -> bytes | None:
        """The answer to a request for a stream that has no place, given before anything is spent on serving it
        (a room refused keeps asking); None for any other request."""
        if not head.startswith(b"GET /events"):
            return None
        if self._place_for(peer, local) is not None:
            return None
        if self.is_projector(HeadRequest(head, str(peer[0]) if isinstance(peer, tuple) and peer else "?")):
            return None
        return canned("503 Service Unavailable", "too many audience screens\n")

    def _turned_away(self, sock: socket.socket, head: bytes) -> bool:
        """Whether a connection handed over was refused (:meth:`_refusal`): answered and closed here and now."""
        try:
            refusal = self._refusal(head, sock.getpeername(), sock.getsockname())
        except OSError:
            refusal = b""  # gone already
        if refusal is None:
            return False
        try:
            sock.send(refusal)
        except OSError:
            pass
        sock.close()
        return True

    async def _events(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        kind = self._stream_kind(request, peer, transport.get_extra_info("sockname")) if transport is not None else None
        if kind == "projector":
            projector = [s for s in self._streams if s.kind == "projector"]
            if len(projector) >= PROJECTOR_STREAMS:
                oldest = min(projector, key=lambda s: s.opened)
                oldest.transport.close()  # the projector came back: its place is the new connection's
                self._close(oldest)
        if kind is None or self._runner is None:
            raise web.HTTPServiceUnavailable(text="too many audience screens\n", headers={"Retry-After": "5"})
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        if transport is None or transport.is_closing():
            return response
        # The first frame goes through aiohttp's chunked writer; the next ones are
        # written by _broadcast as chunks of their own on the same transport. The
        # stream joins in the same turn of the loop as the state it starts from is
        # read and written (the writer puts it on the transport before it may wait).
        public = self._public
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        stream = _Stream(transport, asyncio.get_running_loop().create_future(), public.version, kind, address)
        stream.opened = self.monotonic()
        self._streams.add(stream)
        self._stream_kinds[stream.kind] += 1
        self._stream_addresses[stream.address] += 1
        if stream.kind == "projector":
            self._count_changed()
        try:
            await response.write(
                b"retry: 500\n\n"
                + self._frame_of("state", self._message_of(public, "state", self.monotonic()), public.seq)
            )
            await stream.closed
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            self._close(stream)
        if not transport.is_closing():
            try:
                await response.write_eof()
            except ConnectionError:
                pass
        return response

    # --- routes -------------------------------------------------------------------

    async def _root(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/stage")

    async def _stage(self, request: web.Request) -> web.Response:
        if "k" in request.query:
            # The projector's link: the key goes into a cookie, and out of the address bar (the room may see it).
            response = web.HTTPSeeOther("/stage", headers=SECURITY_HEADERS)
            if self.authorised(request):
                response.set_cookie(
                    SCREEN_COOKIE,
                    request.query["k"],
                    max_age=SCREEN_COOKIE_AGE,
                    path="/",
                    httponly=True,
                    samesite="Strict",
                )
            raise response
        return web.Response(
            body=self._files["stage.html"],
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", **SECURITY_HEADERS},
        )

    async def _no_icon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(
            body=self._files[name],
            content_type=STATIC[name],
            charset="utf-8",
            headers={"Cache-Control": "no-cache", **SECURITY_HEADERS},
        )

    async def _snapshot(self, request: web.Request) -> web.Response:
        body = self._message_of(self._public, "state", self.monotonic())
        return web.Response(
            body=body.encode(),
            content_type="application/json",
            headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
        )

    def _may_see(self, public: _Public, deck_id: str, number: int) -> bool:
        """Whether the room may have slide ``number`` (1-based) of ``deck_id`` now: the slide showing or
        the next one, of the talk on stage (during the 3-2-1, the first)."""
        if public.on_stage is None or deck_id != public.on_stage or public.deck is None or public.clock is None:
            return False
        state = public.clock.state(self.monotonic())
        showing = state.slide + 1 if state.phase in (Phase.TALK, Phase.TIME_UP) else 0
        return 1 <= number <= showing + 1

    async def _slide(self, request: web.Request) -> web.FileResponse:
        deck_id = request.match_info["deck"]
        try:
            number = int(request.match_info["number"])
        except ValueError:
            raise web.HTTPNotFound() from None
        public = self._public
        if not self._may_see(public, deck_id, number):
            raise web.HTTPNotFound()
        deck = public.deck
        try:
            files = await self._slide_files(deck)
        except (BattledecksError, OSError):
            raise web.HTTPNotFound() from None
        if not 1 <= number <= len(files) or not self._may_see(self._public, deck_id, number):
            raise web.HTTPNotFound()
        path = files[number - 1]
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if not kind.startswith("image/"):
            raise web.HTTPNotFound()
        return web.FileResponse(
            path, headers={"Content-Type": kind, "Cache-Control": "private, max-age=3600", **SECURITY_HEADERS}
        )

    async def _slide_files(self, deck: Any) -> list[Path]:
        """The deck's slide files, found (a PDF's pages drawn, if not cached) on a thread, never on the loop.

        The twelve requests an audience screen makes at a talk's start share one
        lookup: a PDF is read (and hashed) once, not once per slide.
        """
        key = (deck.id, deck.path, pdf_stamp(deck))
        if (
            self._lookup is None
            or self._lookup[0] != key
            or (self._lookup[1].done() and (self._lookup[1].cancelled() or self._lookup[1].exception() is not None))
        ):
            self._lookup = (key, asyncio.ensure_future(asyncio.to_thread(slide_files, deck)))
        return await asyncio.shield(self._lookup[1])


class _Stream:
    """One audience screen's open stream."""

    __slots__ = ("address", "closed", "kind", "opened", "since", "transport")

    def __init__(
        self,
        transport: asyncio.BaseTransport,
        closed: asyncio.Future[None],
        since: int = 0,
        kind: str = "room",
        address: str = "",
    ) -> None:
        self.transport = transport
        self.closed = closed
        self.since = since
        """The version of the state it started from."""
        self.kind = kind
        """Whose stream it is: ``projector``, ``own`` (the host's own machine) or ``room``."""
        self.address = address
        self.opened = 0.0

    def send(self, chunk: bytes) -> bool:
        """Write one chunk; False if the screen is gone or too far behind (it reconnects)."""
        transport = self.transport
        if transport.is_closing() or not isinstance(transport, asyncio.WriteTransport):
            return False
        if transport.get_write_buffer_size() > MAX_BEHIND:
            transport.close()
            return False
        transport.write(chunk)
        return True
