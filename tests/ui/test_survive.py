"""The show survives its own bugs: a screen or widget that raises mid-talk or while scoring ends nothing.

The error goes to NAME.errors.log beside the record and the host sees a
notice; the talk keeps its time, every slide after the broken one is shown,
the record gets the talk's end, and scores go on being entered.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from battledecks.core.record import Status, read_entries
from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoresScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.slide_view import SlideView
from tests.builders import build_event
from tests.waiting import wait_until as until


def _log(event: Path) -> Path:
    return event.with_name(f"{event.stem}.errors.log")


def _notices(app) -> str:  # noqa: ANN001
    return " ".join(str(n.message) for n in app._notifications)


async def _to_stage(pilot) -> StageScreen:  # noqa: ANN001
    app = pilot.app
    await pilot.press("enter")  # draw
    await pilot.press("space", "enter")
    await until(pilot, lambda: isinstance(app.screen, LineupScreen), "back on the lineup")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "start the talk?")
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, StageScreen), "the stage")
    return app.screen  # type: ignore[return-value]


async def test_a_slide_that_fails_to_show_mid_talk_ends_nothing(
    event_dir: Path,
    make_app,
    monkeypatch: pytest.MonkeyPatch,
    bugs_expected,  # noqa: ANN001
) -> None:
    # A real-time talk of 12 slides of 0.25 s: the stage's own timers drive it.
    path = build_event(event_dir / "events", name="live", seconds=3, countdown=0, order="listed")
    shown: list[int] = []
    original = SlideView.show

    def broken(view: SlideView, index: int) -> None:
        if index == 4:
            raise RuntimeError("injected: slide 5 cannot be drawn")
        shown.append(index)
        original(view, index)

    monkeypatch.setattr(SlideView, "show", broken)
    app = make_app(path, monotonic=time.monotonic)
    async with app.run_test(size=(80, 24)) as pilot:
        stage = await _to_stage(pilot)
        await until(pilot, lambda: stage.finished, "Time!")
        assert app.is_running and isinstance(app.screen, StageScreen)
        assert app.show.status("Ada") is Status.PRESENTED
        # Every slide after the broken one was shown, in order.
        assert 11 in shown and 4 not in shown and shown == sorted(shown)
        assert "bug" in _notices(app) and "The show goes on" in _notices(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ScoresScreen), "the scores")
    kinds = [e["kind"] for e in read_entries(path.with_name("live.record.yaml"))]
    assert kinds[-2:] == ["talk-start", "talk-end"] or "talk-end" in kinds
    assert any("injected: slide 5" in str(error) for error in bugs_expected())
    log = _log(path).read_text(encoding="utf-8")
    assert "RuntimeError: injected: slide 5 cannot be drawn" in log and "Traceback" in log


async def test_a_key_handler_that_raises_mid_talk_leaves_the_stage_working(
    show_event: Path,
    make_app,
    fake_clock,
    monkeypatch: pytest.MonkeyPatch,
    bugs_expected,  # noqa: ANN001
) -> None:
    calls = {"n": 0}
    original = StageScreen.action_pause

    def broken(screen: StageScreen) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("injected: the first pause fails")
        original(screen)

    monkeypatch.setattr(StageScreen, "action_pause", broken)
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        stage = await _to_stage(pilot)
        fake_clock.advance(4.0)
        stage.tick()
        await pilot.press("space")  # raises: reported, the stage keeps taking keys
        await until(pilot, lambda: "bug" in _notices(app), "the notice")
        await pilot.press("space")  # pauses now
        await until(
            pilot, lambda: app.show.talk is not None and app.show.talk.clock.state(fake_clock()).paused, "paused"
        )
        await pilot.press("space")
        fake_clock.advance(20.0)
        stage.tick()
        await until(pilot, lambda: stage.finished, "Time!")
        assert app.show.status("Ada") is Status.PRESENTED
    assert [str(e) for e in bugs_expected()] == ["injected: the first pause fails"]
    assert "ValueError: injected: the first pause fails" in _log(show_event).read_text(encoding="utf-8")


async def test_the_scores_screen_survives_a_failing_save(
    show_event: Path,
    make_app,
    fake_clock,
    monkeypatch: pytest.MonkeyPatch,
    bugs_expected,  # noqa: ANN001
) -> None:
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        stage = await _to_stage(pilot)
        fake_clock.advance(20.0)
        stage.tick()
        await until(pilot, lambda: stage.finished, "Time!")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ScoresScreen), "the scores")
        original = ScoresScreen._save
        calls = {"n": 0}

        def broken(screen: ScoresScreen, field) -> bool:  # noqa: ANN001
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyError("injected: the second save fails")
            return original(screen, field)

        monkeypatch.setattr(ScoresScreen, "_save", broken)
        scores = app.screen
        fields = list(scores.query("ScoreInput"))
        assert len(fields) == 5  # two judges by two criteria, and the audience

        async def enter(index: int, value: str) -> None:
            fields[index].focus()
            fields[index].value = ""
            await pilot.press(*value, "enter")

        await enter(0, "7")
        await enter(1, "8")  # its save raises: reported, and the screen goes on taking scores
        await until(pilot, lambda: "bug" in _notices(app), "the notice")
        assert app.screen is scores
        for index, value in ((2, "6"), (3, "9"), (4, "10"), (1, "8")):
            await enter(index, value)
        await until(pilot, lambda: app.show.status("Ada") is Status.SCORED, "all scores in")
    assert len(bugs_expected()) == 1
    assert "injected: the second save fails" in _log(show_event).read_text(encoding="utf-8")
