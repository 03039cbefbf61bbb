"""A show served on loopback, and followers that wait for what they expect."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from battledecks.core.show import Show
from battledecks.room.follow import Follower
from battledecks.room.server import RoomServer, listen
from tests.builders import build_event
from tests.waiting import until


class Listener:
    """A follower that keeps every message it gets."""

    def __init__(self, url: Callable[[], str | None]) -> None:
        self.messages: list[dict[str, Any]] = []
        self.received: list[float] = []
        self.statuses: list[bool] = []
        self.follower = Follower(url, self._take, self.statuses.append, retry=0.05)
        self.task: asyncio.Task[None] | None = None

    def _take(self, message: dict[str, Any]) -> None:
        self.received.append(time.monotonic())
        self.messages.append(message)

    def start(self) -> Listener:
        self.task = asyncio.get_running_loop().create_task(self.follower.run())
        return self

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass

    @property
    def state(self) -> dict[str, Any]:
        return self.messages[-1]["state"]

    async def wait_kind(self, kind: str, count: int = 1) -> dict[str, Any]:
        await until(lambda: sum(m["kind"] == kind for m in self.messages) >= count, what=f"a {kind!r} message")
        return [m for m in self.messages if m["kind"] == kind][count - 1]


@pytest.fixture
def room_event(event_dir: Path) -> Path:
    """Three presenters, 12 slides in 2.4 s after a 0.3 s countdown, judges and an audience score."""
    return build_event(
        event_dir / "events", name="room", seconds=2.4, countdown=0.3, order="listed",
        scoring={"judges": ["J1"], "criteria": ["Style"], "audience": False},
    )


@pytest.fixture
def room_show(room_event: Path, seeds, wall) -> Show:  # noqa: ANN001
    return Show.open(room_event, seed_source=seeds, clock=wall)


@pytest.fixture
async def served(room_show: Show) -> AsyncIterator[RoomServer]:
    server = RoomServer(room_show, listen("127.0.0.1", 0), suspense=0.2)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def listeners() -> AsyncIterator[Callable[[Callable[[], str | None]], Listener]]:
    made: list[Listener] = []

    def make(url: Callable[[], str | None]) -> Listener:
        listener = Listener(url).start()
        made.append(listener)
        return listener

    yield make
    for listener in made:
        await listener.stop()
