"""The stage's deadline timer: never early, re-armable, bounded with a frozen clock."""

from __future__ import annotations

import time

from textual.app import App

from battledecks.ui.deadline import EARLY, DeadlineTimer
from tests.waiting import wait_until


async def test_fires_at_the_deadline_never_before() -> None:
    fired: list[float] = []
    app = App()
    async with app.run_test() as pilot:
        timer = DeadlineTimer(app, time.monotonic, lambda: fired.append(time.monotonic()))
        dues = []
        for _ in range(5):
            due = time.monotonic() + 0.05
            dues.append(due)
            timer.arm(due)
            while len(fired) < len(dues):
                await pilot.pause(0.005)
    assert all(at >= due for at, due in zip(fired, dues))


async def test_rearming_replaces_and_none_cancels() -> None:
    fired: list[str] = []
    app = App()
    async with app.run_test() as pilot:
        timer = DeadlineTimer(app, time.monotonic, lambda: fired.append("x"))
        timer.arm(time.monotonic() + 0.03)
        later = time.monotonic() + 0.06
        timer.arm(later)
        assert timer.due is not None
        await wait_until(pilot, lambda: fired, "the re-armed deadline")
        assert fired == ["x"] and time.monotonic() >= later
        timer.arm(time.monotonic() + 0.03)
        timer.arm(None)
        await pilot.pause(0.1)
        assert fired == ["x"] and timer.due is None


async def test_a_frozen_clock_cannot_hang_the_app() -> None:
    fired: list[float] = []
    app = App()
    async with app.run_test() as pilot:
        frozen = time.monotonic()
        timer = DeadlineTimer(app, lambda: frozen, lambda: fired.append(time.perf_counter()))
        start = time.perf_counter()
        timer.arm(frozen + 0.01)  # never reached by the frozen clock
        while not fired:
            await pilot.pause(0.005)
    assert fired[0] - start < 1.0
    assert EARLY < 0.05


async def test_a_deadline_already_passed_fires_at_once() -> None:
    fired: list[float] = []
    app = App()
    async with app.run_test() as pilot:
        timer = DeadlineTimer(app, time.monotonic, lambda: fired.append(time.monotonic()))
        timer.arm(time.monotonic() - 1.0)
        await wait_until(pilot, lambda: fired, "a passed deadline to fire")
        await pilot.pause()
    assert len(fired) == 1


def test_a_far_deadline_on_a_frozen_clock_is_waited_only_a_moment() -> None:
    # A test's clock stands still between its steps: the wait for the last milliseconds stays that short.
    frozen = time.monotonic()
    timer = DeadlineTimer(App(), lambda: frozen, lambda: None)
    start = time.perf_counter()
    timer._wait_until(frozen + 2.0)
    assert time.perf_counter() - start < 0.5
