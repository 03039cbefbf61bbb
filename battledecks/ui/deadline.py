"""A one-shot timer that fires on time even on a busy machine.

Textual's timers ride the event loop: on a loaded machine the loop's wake-up
can come several milliseconds late. A slide change is a promise to the room,
so the stage's timer wakes a little early and waits out the last
milliseconds itself: first with short sleeps (a sleeping process is woken
promptly by the kernel), then, for the final millisecond, on the CPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

EARLY = 0.015
"""Seconds before the deadline the event loop is asked to wake us."""

SPIN = 0.003
"""The last stretch before the deadline is waited on the CPU."""

MIN_DELAY = 0.0005
"""Shortest delay handed to a Textual timer."""


class DeadlineTimer:
    """Calls ``callback`` at a monotonic deadline; re-arming replaces the last one."""

    def __init__(self, owner: MessagePump, monotonic: Callable[[], float], callback: Callable[[], None]) -> None:
        self.owner = owner
        self.monotonic = monotonic
        self.callback = callback
        self.due: float | None = None
        """The deadline armed, or None."""
        self._timer: Timer | None = None

    def arm(self, due: float | None) -> None:
        """Fire at ``due`` (no-op if already armed for it; None cancels)."""
        if due == self.due:
            return
        self.cancel()
        if due is None:
            return
        self.due = due
        # Textual's timers divide by their delay: never hand them 0.
        delay = max(MIN_DELAY, due - self.monotonic() - EARLY)
        self._timer = self.owner.set_timer(delay, self._fire)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self.due = None

    def _fire(self) -> None:
        due = self.due
        self._timer = None
        self.due = None
        if due is not None:
            self._wait_until(due)
        self.callback()

    def _wait_until(self, due: float) -> None:
        # Bounded by real time, so a clock that does not move (a test's) cannot hang us.
        limit = time.perf_counter() + EARLY + 2 * SPIN
        while (left := due - self.monotonic()) > SPIN and (room := limit - time.perf_counter()) > 0:
            # Never past the limit: a clock that stands still (a test's) would have us sleep its whole distance.
            time.sleep(min(left - SPIN, room))
        while self.monotonic() < due and time.perf_counter() < limit:
            pass
