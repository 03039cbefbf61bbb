"""The stage in front of the room: questions pause the talk and dim the slide, the room's text is big."""

from __future__ import annotations

import gc
from pathlib import Path

from rich.console import Console
from textual._context import visible_screen_stack

from battledecks.core.record import read_entries
from battledecks.ui.screens.dialogs import ConfirmScreen
from battledecks.ui.screens.help import HelpScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.big_text import BigText
from battledecks.ui.widgets.slide_view import SlideView
from tests.piloting import draw_and_close, start_talk
from tests.waiting import wait_until


def entries(path: Path) -> list[dict]:
    return read_entries(path.with_name(path.stem + ".record.yaml"))


async def on_slide(pilot, stage: StageScreen, fake_clock, seconds: float) -> SlideView:  # noqa: ANN001
    """Run the talk ``seconds`` past its countdown and wait for the slide to be drawn."""
    fake_clock.advance(stage.app.show.event.countdown + seconds)
    stage.tick()
    view = stage.query_one(SlideView)
    for _ in range(100):
        await pilot.pause(0.02)
        if view.shown is not None and view.shown.index == view.index:
            break
    return view


def screen_colours(app, rows: range) -> set[tuple[int, int, int]]:  # noqa: ANN001
    """Background colours on the terminal in ``rows`` that are not (nearly) black, as the app draws them
    now (modals over their screens): the slide's, not the black around it."""
    visible_screen_stack.set(app._background_screens)
    width, height = app.size
    console = Console(width=width, height=height, file=open("/dev/null", "w"), color_system="truecolor")  # noqa: SIM115
    lines = list(
        console.render_lines(app.screen._compositor, console.options.update_dimensions(width, height), pad=False)
    )
    colours = {
        tuple(seg.style.bgcolor.get_truecolor())
        for y in rows
        for seg in lines[y]
        if seg.style is not None and seg.style.bgcolor
    }
    return {colour for colour in colours if max(colour) > 40}  # type: ignore[misc]


async def test_help_during_a_talk_pauses_it_and_lists_only_the_keys_that_work(
    show_event: Path, make_app, fake_clock
) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(160, 45)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        view = await on_slide(pilot, stage, fake_clock, 2.5)
        assert view.index == 2
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert stage.clock is not None and stage.clock.paused
        assert entries(show_event)[-1]["kind"] == "pause"
        fake_clock.advance(30)
        stage.tick()
        assert view.index == 2
        keys = dict(help_screen.keys)
        assert "Lineup" not in keys.values() and "Scores" not in keys.values()
        assert [k for k in keys if k in ("esc", "escape")] == ["esc"] and keys["esc"] == "Abort talk"
        assert keys["space"] == "Pause/Resume" and keys["K"] == "Skip broken slide"
        # The box fits the screen: nothing is cut off at the right edge.
        await pilot.pause()
        box = help_screen.query_one("VerticalScroll")
        for widget in help_screen.query("Label, Static"):
            assert widget.region.right <= box.region.right, widget
        await pilot.press("escape")
        assert app.screen is stage and not stage.clock.paused
        fake_clock.advance(0.6)
        stage.tick()
        assert view.index == 3
    assert [e["kind"] for e in entries(show_event)][-2:] == ["pause", "resume"]


async def test_help_wraps_its_steps_with_a_hanging_indent_at_80_columns(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        steps = list(app.screen.query(".step"))
        assert len(steps) == 5
        lefts = set()
        for step in steps:
            number, text = step.children
            assert text.region.x > number.region.x
            assert text.size.height > 1  # a paragraph wrapped to the box, not cut
            lefts.add(text.region.x)
        assert len(lefts) == 1


async def test_skip_asks_about_the_slide_showing_and_skips_exactly_that_one(
    show_event: Path, make_app, fake_clock
) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        view = await on_slide(pilot, stage, fake_clock, 3.2)
        assert view.index == 3
        await pilot.press("K")
        question = app.screen
        assert isinstance(question, ConfirmScreen) and "Skip slide 4?" in question.question
        # The talk waits for the answer, paused (recorded), and the slide stays on screen, dimmed.
        assert stage.clock is not None and stage.clock.paused
        await pilot.pause()
        assert screen_colours(app, range(5))
        fake_clock.advance(2.0)
        stage.tick()
        assert view.index == 3
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is stage and not stage.clock.paused
        assert view.index == 4
    kinds = [(e["kind"], e.get("slide")) for e in entries(show_event)][-3:]
    assert kinds == [("pause", None), ("resume", None), ("skip", 4)]


async def test_skip_declined_resumes_where_it_was(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        view = await on_slide(pilot, stage, fake_clock, 1.5)
        await pilot.press("K")
        fake_clock.advance(5)
        await pilot.press("n")
        stage.tick()
        assert view.index == 1 and stage.clock is not None and not stage.clock.paused
    assert "skip" not in [e["kind"] for e in entries(show_event)]


async def test_abort_question_dims_the_slide_instead_of_blacking_it_out(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        await on_slide(pilot, stage, fake_clock, 0.5)
        before = screen_colours(app, range(5))
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.pause()
        during = screen_colours(app, range(5))
        assert before and during and during != before
        await pilot.press("n")
        assert app.screen is stage


async def test_ctrl_q_during_a_talk_asks_first_and_pauses(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        view = await on_slide(pilot, stage, fake_clock, 1.5)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen) and app.screen.purpose == "quit"
        assert stage.clock is not None and stage.clock.paused
        await pilot.press("enter")  # Enter keeps the show going: quitting is never the default
        await pilot.pause()
        assert app.screen is stage and not stage.clock.paused and app.return_code is None
        await pilot.press("ctrl+q", "ctrl+q")  # twice quits
        await pilot.pause()
        assert view.index == 1
    assert app.return_code == 0
    kinds = [e["kind"] for e in entries(show_event)]
    assert kinds[-3:] == ["pause", "resume", "pause"]


async def test_enter_starts_the_talk_it_asks_about(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen) and "Start Ada's talk?" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        await pilot.press("escape", "escape")  # abort asked; Escape declines
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)


async def test_what_the_room_reads_is_big(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(240, 67)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        await pilot.pause()
        count = stage.query_one("#count", BigText)
        assert count.text == "3" and count.is_big and count.size.height > 30
        view = await on_slide(pilot, stage, fake_clock, 1.0)
        remaining = stage.query_one("#remaining", BigText)
        assert remaining.is_big and remaining.size.height >= 67 / 6
        assert remaining.text == "0:11"
        # Beside it the slide number, as big, and the presenter's name, big too.
        number, who = stage.query_one("#slide-no", BigText), stage.query_one("#who", BigText)
        assert number.text == f"{view.index + 1}/12" and number.is_big and number.size.height == remaining.size.height
        assert who.text == "Ada" and who.is_big
        await pilot.press("space")
        await pilot.pause()
        paused = stage.query_one("#state", BigText)
        assert paused.display and paused.is_big and paused.text == "PAUSED"
        # In the slide number's place too: as wide as the bar right of the countdown.
        assert not number.display and paused.size.width >= stage.query_one("#bar").size.width - remaining.size.width - 4
        await pilot.press("space")
        fake_clock.advance(20)
        stage.tick()
        await pilot.pause()
        assert stage.finished and count.text == "Time!" and count.is_big and view.size.height > 0
        # The bar scales with the screen and keeps big digits at 80x24, the slide number's too,
        # with room beside them for the name.
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        assert remaining.is_big and remaining.size.height == 5
        assert number.is_big and number.size.height == 5
        bar = stage.query_one("#bar")
        assert remaining.size.width + number.size.width <= bar.size.width - 20


async def test_an_aborted_talks_collection_waits_for_its_news_to_reach_the_room(
    show_event: Path, make_app, fake_clock
) -> None:  # noqa: ANN001
    # A full collection holds the interpreter lock: run at once, it would hold up the room server's thread
    # with the news of the abort. The stage hands it to the app's after_news, which runs it once the news is out.
    app = make_app(show_event)
    waiting: list = []
    app.after_news = waiting.append
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await draw_and_close(pilot)
            stage = await start_talk(pilot)
            await on_slide(pilot, stage, fake_clock, 0.5)
            assert not gc.isenabled(), "no automatic collection during a talk"
            await pilot.press("escape", "y")
            await wait_until(pilot, lambda: isinstance(app.screen, LineupScreen), "the lineup after the abort")
            assert entries(show_event)[-1]["kind"] == "abort"
            assert not gc.isenabled() and len(waiting) == 1, "the collection waits for the news"
            late = waiting.pop()
            # The next talk starts before the news is out: that talk's pause holds.
            await pilot.press("down")
            await draw_and_close(pilot)
            stage = await start_talk(pilot)
            late()
            assert not gc.isenabled(), "a collection handed over late never ends the next talk's pause"
            await on_slide(pilot, stage, fake_clock, 0.5)
            await pilot.press("escape", "y")
            await wait_until(pilot, lambda: isinstance(app.screen, LineupScreen), "the lineup after the abort")
            assert len(waiting) == 1
            waiting.pop()()
            assert gc.isenabled()
    finally:
        gc.enable()
