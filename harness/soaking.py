"""Drive whole events from the keyboard, one after another in one process, and watch what they leave.

Used by tests/ui/test_soak.py (a few events) and benchmarks/soak.py (ten, with figures).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from textual.app import App
from textual.scrollbar import ScrollBar
from textual.timer import Timer
from textual.widget import Widget

from battledecks.core.record import Status
from battledecks.core.show import Show
from battledecks.ui.app import create_app
from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoresScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.screens.standings import StandingsScreen
from harness.building import build_decks, build_event
from harness.waiting import wait_until as until

PRESENTERS = [f"Presenter {n}" for n in range(1, 9)]


class Clock:
    """The injected monotonic clock the talks run on; the driver moves it."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def make_event(folder: Path, decks: Path) -> Path:
    return build_event(
        folder,
        "soak",
        title="Soak night",
        decks=str(decks),
        presenters=PRESENTERS,
        order="listed",
        seconds=24,
        countdown=3,
        scoring={"judges": ["J1", "J2"], "criteria": ["Style", "Humour"], "audience": True},
    )


async def run_event(path: Path) -> None:
    clock = Clock()
    app = create_app(path, show=Show.open(path), monotonic=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for index, name in enumerate(PRESENTERS):
            await until(
                pilot, lambda: isinstance(app.screen, LineupScreen) and app.screen.selected == name, f"{name} selected"
            )
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw")
            await pilot.press("space", "enter")
            await until(
                pilot,
                lambda: isinstance(app.screen, LineupScreen) and app.show.status(name) is Status.DRAWN,
                f"{name} drawn",
            )
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "start the talk?")
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage")
            stage = app.screen
            assert isinstance(stage, StageScreen)
            # The countdown, then twelve slides of two seconds, on the injected clock.
            while not stage.finished:
                clock.now += 2.0
                stage.tick()
                await pilot.pause()
            assert app.show.status(name) is Status.PRESENTED
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ScoresScreen), "the scores")
            for value in ("7", "8", "6", "9", str(1 + index)):
                await pilot.press(*value, "enter")
            await until(pilot, lambda: app.show.status(name) is Status.SCORED, f"{name} scored")
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, LineupScreen), "the lineup")
            # Back on the lineup after the scores, the next presenter is selected (the loop waits for it).
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, StandingsScreen), "the standings")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LineupScreen), "back to the lineup")
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0
    assert all(app.show.status(name) is Status.SCORED for name in PRESENTERS)


def resident() -> int:
    """Bytes of memory the process holds now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def alive() -> tuple[int, int, int]:
    """Apps, widgets and timers that exist now.

    Scroll bars are not counted: Textual makes one when a view is drawn and needs it, so the last
    event's lineup (kept as the test context's active screen) holds its table's or not, depending on
    when it was last drawn. A leaked event would leave whole screens of other widgets.
    """
    things = gc.get_objects()
    return (
        sum(isinstance(t, App) for t in things),
        sum(isinstance(t, Widget) and not isinstance(t, ScrollBar) for t in things),
        sum(isinstance(t, Timer) for t in things),
    )


def live_tasks() -> set[asyncio.Task[object]]:
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if not task.done() and task is not current}


@dataclass
class Soak:
    """What was left after each event."""

    resident: list[int] = field(default_factory=list)
    alive: list[tuple[int, int, int]] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


async def soak(folder: Path, events: int, after_each: Callable[[int, Soak], None] | None = None) -> Soak:
    """Run ``events`` whole events in a row in ``folder``; measure after each."""
    # The suite fails a test that runs this without the slow marker (tests/tiers.py).
    sys.audit("battledecks.tests.slow", "the soak")
    decks = folder / "decks"
    build_decks(decks, len(PRESENTERS) + 2, size=(320, 180))
    threads_before = set(threading.enumerate())
    tasks_before = live_tasks()
    result = Soak()
    for run in range(events):
        started = time.perf_counter()
        # In a task of its own, as `battledecks run` runs its one app: the context variables Textual sets
        # (the active app, the screens being drawn) stay in that task instead of chaining one app to the next.
        await asyncio.create_task(run_event(make_event(folder / f"run-{run}", decks)))
        result.seconds.append(time.perf_counter() - started)
        gc.collect()
        result.resident.append(resident())
        result.alive.append(alive())
        result.threads.append(len(set(threading.enumerate()) - threads_before))
        result.tasks.append(len(live_tasks() - tasks_before))
        if after_each is not None:
            after_each(run, result)
    return result
