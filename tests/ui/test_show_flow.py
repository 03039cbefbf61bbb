"""A whole event driven from the keyboard: order, draw, talk, pause, abort, scores, standings, resume."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Label

from battledecks.core.record import Status, read_entries
from battledecks.ui.screens.dialogs import AskScreen, ConfirmScreen
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.help import HelpScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoreInput, ScoresScreen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.screens.standings import RevealScreen, StandingsScreen
from battledecks.ui.widgets.big_text import BigText
from battledecks.ui.widgets.slide_view import SlideView
from tests.piloting import draw_and_close, lit, start_talk
from tests.waiting import wait_until


def kinds(path: Path) -> list[str]:
    return [e["kind"] for e in read_entries(path.with_name(path.stem + ".record.yaml"))]


async def test_whole_event(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        lineup = app.screen
        assert isinstance(lineup, LineupScreen)
        table = lineup.query_one(DataTable)
        assert [str(k.value) for k in table.rows] == ["Ada", "Brian", "Chen"]
        assert lineup.selected == "Ada"

        await draw_and_close(pilot)
        assert app.show.status("Ada") is Status.DRAWN
        deck = app.show.deck_of("Ada")
        assert deck is not None

        stage = await start_talk(pilot)
        view = stage.query_one(SlideView)
        # The countdown: nothing of the deck is drawn yet, though slide 1 is made ready.
        assert view.covered
        assert not lit(view)
        assert stage.query_one("#count", BigText).text == "3"

        fake_clock.advance(3.0)
        stage.tick()
        await wait_until(
            pilot, lambda: view.shown is not None and view.shown.cells[1] == view.size.height, "slide 1 drawn"
        )
        assert not view.covered and view.index == 0
        # The slide fills the stage (80 columns less nothing, 20 rows) and is really drawn.
        assert view.shown is not None and view.shown.cells[0] >= 35 and view.shown.cells[1] == view.size.height
        assert lit(view) > 0.5
        assert stage.query_one("#slide-no", BigText).text == "1/12"

        fake_clock.advance(1.0)
        stage.tick()
        assert view.index == 1
        fake_clock.advance(0.5)
        stage.tick()

        # Pause: nothing moves however long it lasts.
        await pilot.press("space")
        fake_clock.advance(100.0)
        stage.tick()
        await pilot.pause()
        assert view.index == 1
        assert stage.has_class("-paused") and stage.query_one("#state", BigText).display
        await pilot.press("space")
        fake_clock.advance(0.49)
        stage.tick()
        assert view.index == 1
        fake_clock.advance(0.02)
        stage.tick()
        assert view.index == 2

        # Abort, confirmed: back to the lineup with the same deck.
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, LineupScreen)
        assert app.show.status("Ada") is Status.DRAWN
        assert app.show.deck_of("Ada") == deck

        # Run the whole talk again; a stall of 5 s is caught up and recorded.
        stage = await start_talk(pilot)
        view = stage.query_one(SlideView)
        fake_clock.advance(3.0)
        stage.tick()
        fake_clock.advance(5.2)
        stage.tick()
        assert view.index == 5
        fake_clock.advance(6.8)
        stage.tick()
        await pilot.pause()
        assert stage.finished
        assert app.show.status("Ada") is Status.PRESENTED
        await pilot.press("enter")
        await pilot.pause()
        scores = app.screen
        assert isinstance(scores, ScoresScreen)

        # Scores: J1 Style, J1 Fit, J2 Style, J2 Fit, audience.
        for value in ("7", "8", "6", "9", "10"):
            await pilot.press(*value, "enter")
        record = app.show.record.presenters["Ada"].main
        assert record.scores == {("J1", "Style"): 7, ("J1", "Fit"): 8, ("J2", "Style"): 6, ("J2", "Fit"): 9}
        assert record.audience == 10
        assert app.show.status("Ada") is Status.SCORED

        # The scale is enforced as they type: 11 is refused and not saved.
        first = scores.query(ScoreInput).first()
        first.focus()
        first.value = ""
        await pilot.press("1", "1", "enter")
        assert record.scores[("J1", "Style")] == 7
        assert "not saved" in str(scores.query_one("#message").content)
        # A correction keeps the old value.
        first.value = ""
        await pilot.press("9", "enter")
        assert record.scores[("J1", "Style")] == 9
        (correction,) = app.show.record.corrections()
        assert correction["previous"] == 7 and correction["value"] == 9

        await pilot.press("escape")
        assert isinstance(app.screen, LineupScreen)
        assert "scored" in str(table.get_row("Ada")[2])
        # (9 + 16 + 6 + 18) / 2 judges = 24.5
        assert table.get_row("Ada")[-1].plain == "24.5"

        await pilot.press("t")
        standings = app.screen
        assert isinstance(standings, StandingsScreen)
        ada = next(line for line in standings.table_text.splitlines() if "Ada" in line)
        assert ada.split()[:2] == ["1", "Ada"] and ada.split()[-1] == "24.5"
        await pilot.press("r")
        assert isinstance(app.screen, RevealScreen)
        text = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "The winner is" in text and app.screen.query_one("#name").text == "Ada" and "Fan favourite: Ada" in text
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, LineupScreen)

    assert kinds(show_event) == [
        "order",
        "commit",
        "draw",
        "talk-start",
        "pause",
        "resume",
        "pause",
        "abort",
        "talk-start",
        "catch-up",
        "talk-end",
        "score",
        "score",
        "score",
        "score",
        "score",
        "correction",
        "reveal",
        "reveal",
    ]
    assert [
        e["stage"]
        for e in read_entries(show_event.with_name(show_event.stem + ".record.yaml"))
        if e["kind"] == "reveal"
    ] == [
        # t showed the standings to the host alone; r revealed the winner on the projector, where it
        # stayed until leaving the standings took the results off it.
        "winner",
        "hidden",
    ]

    # Opening the event again resumes where it was.
    again = make_app(show_event)
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.show.status("Ada") is Status.SCORED
        assert again.screen.selected == "Brian"


async def test_interrupted_talk_is_shown_and_restarted(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        await start_talk(pilot)
        fake_clock.advance(5)
    # The app stopped mid-talk.
    again = make_app(show_event)
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.show.status("Ada") is Status.INTERRUPTED
        lineup = again.screen
        assert "interrupted" in str(lineup.query_one(DataTable).get_row("Ada")[2])
        assert "restart" in str(lineup.query_one("#hint").content)
        stage = await start_talk(pilot)
        assert stage.clock is not None
    entries = kinds(show_event)
    assert entries.count("talk-start") == 2 and "talk-interrupted" in entries
    assert entries[entries.index("talk-interrupted") + 1] == "abort"


async def test_lineup_changes_from_the_keyboard(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"Wanda", "enter")
        table = app.screen.query_one(DataTable)
        assert [str(k.value) for k in table.rows] == ["Ada", "Brian", "Chen", "Wanda"]
        assert app.show.record.presenters["Wanda"].wildcard
        app.screen.query_one(DataTable).move_cursor(row=3)
        await pilot.press("shift+up", "shift+up")
        assert app.show.record.order == ["Ada", "Wanda", "Brian", "Chen"]
        await pilot.press("shift+down")
        assert app.show.record.order == ["Ada", "Brian", "Wanda", "Chen"]
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert app.show.record.order == ["Ada", "Brian", "Chen"]
        # Quitting asks first; "no" keeps the show running.
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, LineupScreen)
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0


async def test_veto_draws_another_deck(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        first = app.show.deck_of("Ada")
        await pilot.press("v")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"blank slide", "enter")
        assert isinstance(app.screen, DrawScreen)
        await pilot.press("space", "enter")
        second = app.show.deck_of("Ada")
        assert second is not None and first is not None and second.id != first.id
        assert app.show.record.presenters["Ada"].main.vetoed == [first.id]


async def test_shortfall_is_said_before_the_show(event_dir: Path, make_app) -> None:  # noqa: ANN001
    from tests.builders import build_event

    path = build_event(event_dir / "events", name="big", presenters=[f"P{i}" for i in range(8)])
    app = make_app(path)
    async with app.run_test(size=(80, 24)):
        banner = app.screen.query_one("#shortfall")
        assert banner.display and "-hidden" not in banner.classes
        assert "6 unseen decks for 8 presenters" in str(banner.content)


async def test_help_lists_the_keys_of_the_screen(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        for words in ("Next step", "Standings", "Add", "Remove"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, LineupScreen)


async def test_skip_is_deliberate_and_recorded(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        fake_clock.advance(3.2)
        stage.tick()
        view = stage.query_one(SlideView)
        await pilot.press("k", "right", "space", "space")  # no stray key moves a slide
        assert view.index == 0
        await pilot.press("K")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert view.index == 1
    assert "skip" in kinds(show_event)


async def test_real_time_talk_shows_every_slide_in_order(event_dir: Path, make_app, monkeypatch) -> None:  # noqa: ANN001
    import time

    from tests.builders import build_event

    path = build_event(event_dir / "events", name="fast", seconds=1.2, countdown=0, order="listed")
    app = make_app(path, monotonic=time.monotonic)
    shown: list[int] = []
    original = SlideView.show

    def spy(view: SlideView, index: int) -> None:
        shown.append(index)
        original(view, index)

    # In place before the talk starts: a busy machine may run the whole talk before the test looks.
    monkeypatch.setattr(SlideView, "show", spy)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        deadline = time.monotonic() + 10
        while not stage.finished and time.monotonic() < deadline:
            await pilot.pause(0.02)
        assert stage.finished
    # Slides only ever move forward; a machine too busy to show some catches up and says so
    # (a stall across the end goes straight to Time!).
    assert shown and shown == sorted(set(shown))
    entries = read_entries(path.with_name("fast.record.yaml"))
    caught_up = {e["now"] for e in entries if e["kind"] == "catch-up"}
    for before, after in zip(shown, shown[1:]):
        assert after == before + 1 or after + 1 in caught_up, (shown, caught_up)
    assert shown[-1] == 11 or entries[-1]["kind"] == "talk-end"


async def test_resize_mid_talk_refits_without_touching_the_timing(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        fake_clock.advance(3.0 + 2.5)
        stage.tick()
        view = stage.query_one(SlideView)
        await wait_until(pilot, lambda: view.shown is not None and view.shown.index == 2, "slide 3 drawn")
        assert view.index == 2 and view.shown is not None
        small = view.shown.cells
        due = [stage.clock.due_at(k) for k in range(13)]
        await pilot.resize_terminal(160, 45)
        deadline = fake_clock.now  # the clock is not moved: a resize must not need it
        await wait_until(pilot, lambda: view.shown is not None and view.shown.cells != small, "the slide refitted")
        assert view.shown is not None and view.shown.index == 2
        assert view.shown.cells[0] > small[0] and view.shown.cells[1] > small[1]
        assert [stage.clock.due_at(k) for k in range(13)] == due
        assert fake_clock.now == deadline
        fake_clock.advance(0.5)
        stage.tick()
        assert view.index == 3


async def test_a_deck_gone_from_the_folder_is_said_not_crashed_on(show_event: Path, make_app) -> None:  # noqa: ANN001
    import shutil

    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        deck = app.show.deck_of("Ada")
    assert deck is not None
    shutil.rmtree(deck.path)
    again = make_app(show_event)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(again.screen, LineupScreen), "the lineup")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("no longer in" in n.message for n in again._notifications), "the host told")
        assert isinstance(again.screen, LineupScreen)
        await pilot.press("v")
        await pilot.press(*"deck deleted", "enter")
        assert isinstance(again.screen, DrawScreen)


async def test_a_failing_disk_never_stops_the_show(show_event: Path, make_app, fake_clock, monkeypatch) -> None:  # noqa: ANN001
    import errno

    import battledecks.core.record as record_module

    real_write = record_module.atomic_write

    def full_disk(path, data, **mode):  # noqa: ANN001, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        monkeypatch.setattr(record_module, "atomic_write", full_disk)
        stage = await start_talk(pilot)
        fake_clock.advance(3.0)
        stage.tick()
        await pilot.press("space", "space")
        fake_clock.advance(20)
        stage.tick()
        await pilot.pause()
        assert stage.finished and app.show.record.unsaved
        assert any("Record not saved" == (n.title or "") for n in app._notifications)
        monkeypatch.setattr(record_module, "atomic_write", real_write)
        await pilot.press("enter")
        await pilot.press("7", "enter")
        assert not app.show.record.unsaved
    # Everything done while the disk was full reached the file with the first save after it.
    assert kinds(show_event)[:7] == ["order", "commit", "draw", "talk-start", "pause", "resume", "talk-end"]
    assert kinds(show_event)[7:] == ["score"], kinds(show_event)


async def test_after_time_escape_goes_to_the_lineup(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        stage = await start_talk(pilot)
        fake_clock.advance(20)
        stage.tick()
        await pilot.pause()
        assert stage.finished
        await pilot.press("space", "K")  # the talk's keys do nothing once it is over
        assert app.screen is stage
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LineupScreen)
        assert app.show.status("Ada") is Status.PRESENTED
