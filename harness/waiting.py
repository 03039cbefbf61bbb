"""Waiting for a condition with a deadline: tests never rely on a fixed sleep being long enough.

A busy machine (two cores, another process spinning) may take many times
longer than an idle one to draw a screen or run a worker; a test waits until
what it checks is true, up to a generous deadline, and fails with what it was
waiting for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

TIMEOUT = 20.0
"""Seconds to wait before a condition counts as never coming true."""


async def until(
    condition: Callable[[], Any],
    timeout: float = TIMEOUT,
    what: str = "the condition",
    pause: Callable[[], Awaitable[object]] | None = None,
) -> Any:
    """Poll ``condition`` until it is true and return its value; ``pause`` lets the app run between polls.

    Raises:
        AssertionError: still false after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await (pause() if pause is not None else asyncio.sleep(0.01))


async def wait_until(
    pilot: Any, condition: Callable[[], Any], what: str = "the condition", timeout: float = TIMEOUT
) -> Any:
    """``until`` for a Textual app under Pilot: the app runs (``pilot.pause``) between polls."""
    return await until(condition, timeout, what, pause=lambda: pilot.pause(0.02))
