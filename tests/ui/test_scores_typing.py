"""Scores typed faster than the app draws: every key lands in the field it was typed for.

A host (or a judge reading out numbers) types "8 Tab 7 Tab 9 Tab" without waiting for the screen. The
keys come in one burst: through Pilot with no pause between them, and through tmux in one send-keys
call, which is how a terminal hands the app a fast typist's keys.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

import yaml
from textual import events

from battledecks.core.show import Show
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoreInput, ScoresScreen
from tests.builders import present
from tests.tmux import Terminal
from tests.waiting import TIMEOUT, wait_until

J1_STYLE, J1_FIT, J2_STYLE, J2_FIT = ("J1", "Style"), ("J1", "Fit"), ("J2", "Style"), ("J2", "Fit")


def burst(app, *keys: str) -> None:  # noqa: ANN001
    """Hand the app every key at once, as a terminal does with keys typed faster than it reads them.

    (``pilot.press`` waits for the app to be idle after each key, which a typist never does.)
    """
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def fields(app) -> dict[tuple[str, str | None], str]:  # noqa: ANN001
    return {(f.judge, f.criterion): f.value for f in app.screen.query(ScoreInput)}


async def open_scores(pilot):  # noqa: ANN001, ANN201
    app = pilot.app
    app.screen.query_one("DataTable").move_cursor(row=0)
    await pilot.pause()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ScoresScreen), "the scores screen")
    return app.screen


def ada_app(show_event: Path, seeds, wall, make_app):  # noqa: ANN001, ANN201
    show = Show.open(show_event, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    present(show, "Ada")
    return make_app(show_event)


def saved(app) -> dict:  # noqa: ANN001
    return dict(app.show.presenter("Ada").scores)


async def test_scores_typed_in_one_burst_land_in_their_fields_and_are_saved(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    app = ada_app(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        scores = await open_scores(pilot)
        burst(app, "8", "tab", "7", "tab", "9", "tab")
        await wait_until(pilot, lambda: len(saved(app)) == 3, "three scores saved")
        assert saved(app) == {J1_STYLE: 8, J1_FIT: 7, J2_STYLE: 9}
        assert fields(app) == {J1_STYLE: "8", J1_FIT: "7", J2_STYLE: "9", J2_FIT: "", ("\x00audience", None): ""}
        focused = app.focused
        assert isinstance(focused, ScoreInput) and (focused.judge, focused.criterion) == J2_FIT
        assert app.screen is scores


async def test_enter_and_editing_keys_in_a_burst_act_on_their_own_field(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    app = ada_app(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scores(pilot)
        # Backspace, Left and Delete are the field's own keys: typed before a fast Enter, they act on the field
        # they were typed in, not on the one focused by the time they are read.
        burst(
            app,
            "5",
            "backspace",
            "6",
            "enter",
            "3",
            "4",
            "left",
            "backspace",
            "enter",
            "9",
            "left",
            "delete",
            "2",
            "enter",
        )
        await wait_until(pilot, lambda: len(saved(app)) == 3, "three scores saved")
        assert saved(app) == {J1_STYLE: 6, J1_FIT: 4, J2_STYLE: 2}
        assert fields(app)[J2_FIT] == ""


async def test_a_score_out_of_range_in_a_burst_stays_in_its_field_and_is_said(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    app = ada_app(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        scores = await open_scores(pilot)
        burst(app, "8", "7", "tab", "9", "tab")
        await wait_until(pilot, lambda: J1_FIT in saved(app), "J1's Fit saved")
        assert saved(app) == {J1_FIT: 9}
        assert fields(app)[J1_STYLE] == "87"
        await wait_until(pilot, lambda: "87 not saved" in str(scores.query_one("#message").render()), "the message")
        assert "J1 · Style" in str(scores.query_one("#message").render())


async def test_enter_stays_on_a_score_out_of_range_and_the_keys_after_it_fix_it(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    app = ada_app(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scores(pilot)
        burst(app, "8", "7", "enter", "backspace", "enter", "9", "enter")
        await wait_until(pilot, lambda: len(saved(app)) == 2, "two scores saved")
        assert saved(app) == {J1_STYLE: 8, J1_FIT: 9}
        focused = app.focused
        assert isinstance(focused, ScoreInput) and (focused.judge, focused.criterion) == J2_STYLE


async def test_a_correction_typed_ahead_is_the_score_kept(show_event: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    app = ada_app(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scores(pilot)
        # 8, on to the next field, back, 5 instead, and Ctrl+S at once: the 8 saved on leaving must not come
        # back after the 5.
        burst(app, "8", "tab", "shift+tab", "5", "ctrl+s")
        await wait_until(pilot, lambda: saved(app) == {J1_STYLE: 5}, "the correction saved")
        await pilot.pause(0.1)
        assert saved(app) == {J1_STYLE: 5}


async def test_escape_typed_ahead_saves_what_came_before_and_hands_on_what_comes_after(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    app = ada_app(show_event, seeds, wall, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scores(pilot)
        burst(app, "7", "tab", "8", "tab", "6", "tab", "5", "escape", "down")
        await wait_until(pilot, lambda: isinstance(app.screen, LineupScreen), "the lineup")
        assert saved(app) == {J1_STYLE: 7, J1_FIT: 8, J2_STYLE: 6, J2_FIT: 5}
        # The Down typed after Escape moved the lineup's cursor, not a score field's focus.
        await wait_until(
            pilot, lambda: app.screen.query_one("DataTable").cursor_row == 1, "the lineup's cursor on Brian"
        )


def _record_scores(event: Path) -> dict[tuple[str, str], int]:
    record = yaml.safe_load(event.with_name(event.stem + ".record.yaml").read_text(encoding="utf-8"))
    return {(e["judge"], e["criterion"]): e["value"] for e in record["log"] if e["kind"] in ("score", "correction")}


@pytest.mark.system
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_scores_sent_by_tmux_in_one_call_land_in_their_fields(show_event: Path, seeds, wall, tmux, size) -> None:  # noqa: ANN001
    show = Show.open(show_event, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    present(show, "Ada")
    term: Terminal = tmux([sys.executable, "-m", "battledecks", "run", str(show_event)], size)
    term.wait_for("presented")
    term.press("Up", "Enter: enter")
    term.press("Enter", "Scores for Ada")
    term.wait_for("1–10")
    term.burst("8", "Tab", "7", "Tab", "9", "Tab")
    term.wait_for("Saved J2 · Style: 9")
    deadline = time.monotonic() + TIMEOUT
    while len(_record_scores(show_event)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _record_scores(show_event) == {J1_STYLE: 8, J1_FIT: 7, J2_STYLE: 9}
    # Focus is on the next field, J2's Fit: what is typed now goes there.
    term.burst("6", "Tab")
    term.wait_for("Saved J2 · Fit: 6")
    assert _record_scores(show_event) == {J1_STYLE: 8, J1_FIT: 7, J2_STYLE: 9, J2_FIT: 6}
