"""A show served on loopback, and followers that wait for what they expect."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from battledecks.core.show import Show
from battledecks.room.server import RoomServer, listen
from tests.builders import build_event
from tests.listening import Listener


@pytest.fixture
def room_event(event_dir: Path) -> Path:
    """Three presenters, 12 slides in 2.4 s after a 0.3 s countdown, judges and an audience score."""
    return build_event(
        event_dir / "events",
        name="room",
        seconds=2.4,
        countdown=0.3,
        order="listed",
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
