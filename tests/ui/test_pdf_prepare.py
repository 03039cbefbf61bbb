"""A drawn PDF deck's pages are drawn on a worker while the host carries on: starting its talk never freezes the app.

The deck is image-heavy (twelve large photo-like pages that take seconds to
draw). An interval timer on the app's loop notes every tick; the longest gap
between two ticks is how long the loop was blocked.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from battledecks.core import pdf as pdf_module
from battledecks.core.decks import rendered
from battledecks.core.show import Show
from battledecks.ui.app import create_app
from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.slide_view import SlideView
from tests.builders import build_event
from tests.pdf_builders import make_heavy_pdf
from tests.piloting import FakeClock, draw_and_close
from tests.waiting import wait_until

STALL_BOUND = 3.0
"""Seconds the UI loop may go without a tick on a busy machine; drawing the pages on it took 7.5 s."""


@pytest.fixture(scope="module")
def heavy_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_heavy_pdf(tmp_path_factory.mktemp("heavy") / "heavy.pdf")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A page cache of this test's own: nothing is drawn before the test draws it."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def heavy_app(tmp_path: Path, heavy_pdf: Path, seeds, wall):  # noqa: ANN001, ANN201
    """The app on an event whose only deck is the image-heavy PDF, with a clock moved by hand."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "heavy.pdf").symlink_to(heavy_pdf)
    event = build_event(tmp_path / "events", name="night", seconds=12, countdown=3, order="listed")
    clock = FakeClock()
    return create_app(event, show=Show.open(event, seed_source=seeds, clock=wall), monotonic=clock), clock


class Ticks:
    """An interval timer on the app's loop, noting the real time of every tick."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.times: list[float] = [time.monotonic()]
        self.timer = app.set_interval(0.02, lambda: self.times.append(time.monotonic()))

    def longest_gap(self) -> float:
        self.times.append(time.monotonic())
        return max(b - a for a, b in zip(self.times, self.times[1:]))


def preparing(app) -> str:  # noqa: ANN001
    """The lineup's line about the preparation (the lineup may be under the draw's reveal)."""
    lineup = next(screen for screen in app.screen_stack if isinstance(screen, LineupScreen))
    line = lineup.query_one("#preparing", Static)
    return str(line.render()) if line.display else ""


async def test_a_drawn_pdf_deck_is_drawn_before_its_talk_and_the_ui_never_stalls(
    tmp_path: Path,
    heavy_pdf: Path,
    cache_home: Path,
    seeds,
    wall,  # noqa: ANN001
) -> None:
    app, clock = heavy_app(tmp_path, heavy_pdf, seeds, wall)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.show.scan.finished, "the decks checked")
        ticks = Ticks(app)
        lineup = app.screen
        lines: list[str] = []
        # What the host's status line says after each step of the preparation (the lineup has updated it first).
        app.slides.progress.subscribe(lineup, lambda _progress: lines.append(preparing(app)))
        await draw_and_close(pilot)
        deck = app.show.deck_of("Ada")
        assert deck is not None and deck.pdf is not None
        await wait_until(
            pilot,
            lambda: not app.slides.busy and lines and not lines[-1],
            "the drawn deck's slides prepared",
            timeout=120,
        )
        # The host sees the pages counted on the lineup's status line while they are drawn.
        counted = [line for line in lines if line]
        assert len(counted) == 13, lines  # 0 of 12, then each page
        assert all(line.startswith("Preparing the slides of Ada's deck… ") for line in counted), counted
        assert [line.rsplit("… ", 1)[1] for line in counted] == [f"{n} of 12" for n in range(13)], counted
        assert not lineup.query_one("#preparing").display, "the line goes once the slides are ready"
        # Every page is in the cache before the talk is started.
        assert rendered(deck)
        pages = sorted((cache_home / "battledecks" / "pdf").glob("*/page*.jpg"))
        assert len(pages) == 12

        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        stage = await wait_until(
            pilot,
            lambda: isinstance(app.screen, StageScreen) and app.screen.clock is not None and app.screen,
            "the stage",
        )
        view = stage.query_one("#slide", SlideView)
        await wait_until(pilot, lambda: view.cache is not None, "the stage's slides")
        assert view.cache is not None and list(view.cache.paths) == pages
        clock.advance(3.0)
        stage.tick()
        await wait_until(pilot, lambda: view.shown is not None and view.index == 0, "page 1 on stage")
        assert view.visible and view.shown is not None and view.shown.error is None
        gap = ticks.longest_gap()
        ticks.timer.stop()
        assert gap < STALL_BOUND, f"the UI loop stalled for {gap:.2f} s during the draw and the talk's start"


async def test_a_talk_started_before_its_pdf_deck_is_drawn_waits_on_the_lineup_then_starts(
    tmp_path: Path,
    heavy_pdf: Path,
    cache_home: Path,
    seeds,
    wall,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    # Pages are drawn only as the test lets them: the start is surely asked for before the deck is ready.
    gate = threading.Semaphore(0)
    draw_page = pdf_module._render

    def gated(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        gate.acquire(timeout=60)
        return draw_page(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "_render", gated)
    app, clock = heavy_app(tmp_path, heavy_pdf, seeds, wall)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.show.scan.finished, "the decks checked")
        ticks = Ticks(app)
        await draw_and_close(pilot)
        for _ in range(5):
            gate.release()
        await wait_until(pilot, lambda: "5 of 12" in preparing(app), "five pages drawn")
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        # The lineup stays (nothing of the deck is shown), says the talk waits, and the talk has not started.
        assert isinstance(app.screen, LineupScreen)
        assert preparing(app) == "Preparing the slides of Ada's deck… 5 of 12; the talk starts when they are ready."
        assert app.show.talk is None
        for _ in range(7):
            gate.release()
        stage = await wait_until(
            pilot,
            lambda: isinstance(app.screen, StageScreen) and app.screen.clock is not None and app.screen,
            "the stage",
            timeout=120,
        )
        view = stage.query_one("#slide", SlideView)
        await wait_until(pilot, lambda: view.cache is not None, "the stage's slides")
        assert view.cache is not None and len(view.cache.paths) == 12
        clock.advance(3.0)
        stage.tick()
        await wait_until(pilot, lambda: view.shown is not None and view.index == 0, "page 1 on stage")
        assert view.shown is not None and view.shown.error is None
        gap = ticks.longest_gap()
        ticks.timer.stop()
        assert gap < STALL_BOUND, f"the UI loop stalled for {gap:.2f} s while the talk waited for its slides"
