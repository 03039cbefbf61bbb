"""Following a room server: one stream of states, reconnecting by itself.

Used by the terminal audience screen, the tests and the benchmark. The
follower keeps the host's monotonic time: on the same machine (same boot
id) it is the local clock itself; elsewhere the offset is estimated from the
``now`` each message carries (the largest ``host now - local receipt`` seen
on a connection is the one with the least delay).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .server import boot_id

log = logging.getLogger(__name__)

RETRY = 0.5
"""Seconds between attempts to reach the host."""

Locate = Callable[[], "str | None"]


class Follower:
    """Connects to a room server and hands each message to ``on_message``.

    Args:
        locate: Gives the server's base URL, or None while there is none
            (asked again before each attempt, so a restarted host on a new
            port is found).
        on_message: Called with each message (``kind``, ``now``, ``state``).
        on_status: Called with True when connected, False when the host is lost.
        screen_key: Gives the event's screen key, or None (asked again before
            each attempt): with it, this screen is the host's projector.
    """

    def __init__(
        self,
        locate: Locate,
        on_message: Callable[[dict[str, Any]], None],
        on_status: Callable[[bool], None] | None = None,
        *,
        retry: float = RETRY,
        monotonic: Callable[[], float] = time.monotonic,
        screen_key: Callable[[], str | None] | None = None,
    ) -> None:
        self.locate = locate
        self.screen_key = screen_key
        self.on_message = on_message
        self.on_status = on_status
        self.retry = retry
        self.monotonic = monotonic
        self.offset = 0.0
        """Host monotonic time minus ours."""
        self.connected = False
        self.url: str | None = None
        self._same_clock = False
        self._best: float | None = None
        self._boot = boot_id()

    def host_now(self) -> float:
        """The host's monotonic time now."""
        return self.monotonic() + self.offset

    def _status(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            if self.on_status is not None:
                self.on_status(connected)

    def _clock(self, message: dict[str, Any], received: float) -> None:
        now = message.get("now")
        if not isinstance(now, (int, float)):
            return
        if self._boot is not None and message.get("boot") == self._boot:
            self._same_clock, self.offset = True, 0.0
            return
        self._same_clock = False
        sample = now - received
        if self._best is None or sample > self._best:
            self._best = sample
            self.offset = sample

    async def run(self) -> None:
        """Follow until cancelled."""
        timeout = aiohttp.ClientTimeout(total=None, connect=2.0, sock_read=3 * 2.0 + 1.0)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                url = self.locate()
                if url is not None:
                    self.url = url
                    try:
                        await self._follow(session, url)
                    except (TimeoutError, aiohttp.ClientError, ValueError, ConnectionError):
                        pass
                self._status(False)
                await asyncio.sleep(self.retry)

    async def _follow(self, session: aiohttp.ClientSession, url: str) -> None:
        self._best = None
        key = self.screen_key() if self.screen_key is not None else None
        params = {"k": key} if key else None
        async with session.get(
            url.rstrip("/") + "/events", params=params, headers={"Accept": "text/event-stream"}
        ) as response:
            if response.status != 200:
                return
            await read_events(response.content, self._event)

    def _event(self, event: str, data: str) -> None:
        received = self.monotonic()
        message = json.loads(data)
        if not isinstance(message, dict):
            return
        self._clock(message, received)
        self._status(True)
        if event in ("state", "change"):
            try:
                self.on_message(message)
            except Exception:
                # A message this screen cannot show must not stop it following the next ones.
                log.exception("could not show message %s", message.get("kind"))


async def read_events(stream: aiohttp.StreamReader, handle: Callable[[str, str], Awaitable[None] | None]) -> None:
    """Read server-sent events until the stream ends, handing (event, data) to ``handle``."""
    event: str = "message"
    data: list[str] = []
    async for raw in stream:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                result = handle(event, "\n".join(data))
                if result is not None:
                    await result
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
