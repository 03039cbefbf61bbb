"""A follower of a served show that waits for what it expects (the audience screens' stream, as a test sees it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from battledecks.room.follow import Follower
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
