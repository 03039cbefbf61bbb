"""Every screen and dialog, drawn at 80x24 and 160x45 and compared with its accepted picture.

A change to how a screen looks fails here until the pictures are accepted again:

    .venv/bin/pytest tests/ui/test_snapshots.py --snapshot-update

which rewrites tests/ui/__snapshots__/test_snapshots/*.svg (look at them, e.g. in a browser,
before committing). The header clock is frozen and talks run on a hand-moved clock, so the
pictures are the same on every run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._header import HeaderClock

from battledecks.ui.screens.commitment import CommitmentScreen
from battledecks.ui.screens.dialogs import AskScreen, ConfirmScreen
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.help import HelpScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoresScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.screens.standings import RevealScreen, StandingsScreen
from tests.builders import present

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]

Step = Callable[[Pilot], Awaitable[None]]


@pytest.fixture(autouse=True)
def frozen_header_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header clock shows a fixed time (Textual's own snapshot tests stop it too).

    ``HeaderClock`` is not exported by ``textual.widgets``: if it moves, this fails at import, loudly.
    """
    monkeypatch.setattr(HeaderClock, "render", lambda self: Text("19:00:00"))


async def settle(pilot: Pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # a steady cursor, drawn the same in every picture
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def on(pilot: Pilot, screen: type) -> None:
    for _ in range(100):
        if isinstance(pilot.app.screen, screen):
            await settle(pilot)
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{screen.__name__} never showed; {pilot.app.screen!r} did")


async def to_lineup(pilot: Pilot) -> None:
    await on(pilot, LineupScreen)


async def to_draw(pilot: Pilot) -> None:
    await to_lineup(pilot)  # a host sees the lineup before pressing anything
    await pilot.press("enter")
    await on(pilot, DrawScreen)
    await pilot.press("space")  # the deck, revealed: the suspense flashes random titles
    await settle(pilot)


async def drawn(pilot: Pilot) -> None:
    await to_draw(pilot)
    await pilot.press("enter")
    await on(pilot, LineupScreen)


async def to_confirm(pilot: Pilot) -> None:
    await drawn(pilot)
    await pilot.press("enter")
    await on(pilot, ConfirmScreen)


async def to_stage_covered(pilot: Pilot) -> None:
    await to_confirm(pilot)
    await pilot.press("y")
    await on(pilot, StageScreen)


def to_stage_slide(clock) -> Step:  # noqa: ANN001
    async def step(pilot: Pilot) -> None:
        await to_stage_covered(pilot)
        stage = pilot.app.screen
        assert isinstance(stage, StageScreen)
        clock.advance(3.0 + 2.5)  # the countdown, then slide 3
        stage.tick()
        await settle(pilot)

    return step


def to_time_up(clock) -> Step:  # noqa: ANN001
    async def step(pilot: Pilot) -> None:
        await to_stage_covered(pilot)
        stage = pilot.app.screen
        assert isinstance(stage, StageScreen)
        clock.advance(3.0 + 12.0 + 0.1)
        stage.tick()
        await settle(pilot)

    return step


def to_scores(clock) -> Step:  # noqa: ANN001
    async def step(pilot: Pilot) -> None:
        await to_time_up(clock)(pilot)
        await pilot.press("enter")
        await on(pilot, ScoresScreen)
        for value in ("7", "8", "6"):
            await pilot.press(*value, "enter")
        await settle(pilot)

    return step


def scored(pilot: Pilot) -> None:
    show = pilot.app.show  # type: ignore[attr-defined]
    for name, marks in (("Ada", (7, 8, 6, 9, 8)), ("Brian", (5, 6, 7, 5, 9))):
        show.draw_for(name)
        present(show, name)
        j1s, j1f, j2s, j2f, audience = marks
        show.score(name, "J1", "Style", j1s)
        show.score(name, "J1", "Fit", j1f)
        show.score(name, "J2", "Style", j2s)
        show.score(name, "J2", "Fit", j2f)
        show.score(name, None, None, audience)


async def to_standings(pilot: Pilot) -> None:
    await to_lineup(pilot)
    scored(pilot)
    await pilot.press("t")
    await on(pilot, StandingsScreen)


async def to_reveal(pilot: Pilot) -> None:
    await to_standings(pilot)
    await pilot.press("r")
    await on(pilot, RevealScreen)


async def to_help(pilot: Pilot) -> None:
    await to_lineup(pilot)
    await pilot.press("question_mark")
    await on(pilot, HelpScreen)


async def to_ask(pilot: Pilot) -> None:
    await to_lineup(pilot)
    await pilot.press("a")
    await on(pilot, AskScreen)


async def to_veto(pilot: Pilot) -> None:
    await drawn(pilot)
    await pilot.press("v")
    await on(pilot, AskScreen)


async def to_room_numbers(pilot: Pilot) -> None:
    await to_lineup(pilot)
    await pilot.press("d")
    await on(pilot, DrawScreen)
    await pilot.press(*"4 2 6")
    await settle(pilot)


async def to_commitment(pilot: Pilot) -> None:
    await to_lineup(pilot)
    await pilot.press("f")
    await on(pilot, CommitmentScreen)


async def to_quit(pilot: Pilot) -> None:
    await to_lineup(pilot)
    await pilot.press("q")
    await on(pilot, ConfirmScreen)


STEPS: dict[str, Callable[[object], Step]] = {
    "lineup": lambda clock: to_lineup,
    "draw": lambda clock: to_draw,
    "lineup-drawn": lambda clock: drawn,
    "confirm-start": lambda clock: to_confirm,
    "stage-covered": lambda clock: to_stage_covered,
    "stage-slide": to_stage_slide,
    "stage-time-up": to_time_up,
    "scores": to_scores,
    "standings": lambda clock: to_standings,
    "reveal": lambda clock: to_reveal,
    "help": lambda clock: to_help,
    "ask-add": lambda clock: to_ask,
    "ask-veto": lambda clock: to_veto,
    "confirm-quit": lambda clock: to_quit,
    "draw-room-numbers": lambda clock: to_room_numbers,
    "commitment": lambda clock: to_commitment,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(STEPS))
def test_screen(screen: str, size: tuple[int, int], show_event: Path, make_app, fake_clock, snap_compare) -> None:  # noqa: ANN001
    app = make_app(show_event)
    assert snap_compare(app, terminal_size=size, run_before=STEPS[screen](fake_clock))
