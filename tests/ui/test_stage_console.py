"""The host's stage keeps a console (the next slide, who is next) only by the host's choice or for an
authorised projector: never because an anonymous screen follows the show."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from textual.widgets import Label

from battledecks.commands.run import wire_room
from battledecks.room.server import RoomServer, listen
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.slide_view import SlideView
from tests.piloting import footer_text
from tests.waiting import until

KEY = "projector-key-for-tests-0123"


async def follow(url: str, opened: asyncio.Event) -> None:
    """An audience screen: /events held open, like ``curl -N``."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        await response.content.readuntil(b"\n\n")  # the retry line: the stream is open
        opened.set()
        async for _ in response.content:
            pass


class Stream:
    """``async with Stream(url):`` an audience screen following the show meanwhile."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Stream:
        opened = asyncio.Event()
        self.task = asyncio.create_task(follow(self.url, opened))
        await asyncio.wait_for(opened.wait(), 10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass


async def test_an_anonymous_screen_never_changes_the_hosts_stage_and_the_projector_does(
    show_event: Path,
    make_app,
    fake_clock,  # noqa: ANN001
) -> None:
    app = make_app(show_event)
    server = RoomServer(app.show, listen("127.0.0.1", 0), screen_key=KEY)
    wire_room(app, server)
    async with app.run_test(size=(120, 36)) as pilot:
        await server.start()
        try:
            app.show.draw_for("Ada")
            app.push_screen(StageScreen("Ada"))
            await pilot.pause()
            stage = app.screen
            assert isinstance(stage, StageScreen)
            console = stage.query_one("#console")
            async with Stream(server.url + "events"), Stream(server.url + "events?k=wrong-key-wrong-key-000"):
                await until(lambda: server.clients == 2, what="two anonymous screens")
                fake_clock.advance(3.0)  # the countdown ends: slide 1 shows
                stage.tick()
                await pilot.pause(0.2)
                assert not console.display and not stage.has_class("-console"), "the room's stage, nothing else on it"
                assert app.projectors == 0
                # The projector, authorised by the host: now the host keeps a console.
                async with Stream(server.url + f"events?k={KEY}"):
                    await until(
                        lambda: stage.has_class("-console"), pause=pilot.pause, what="the console for the projector"
                    )
                    assert console.display and app.projectors == 1
                    assert str(stage.query_one("#console-next-up", Label).render()) == "Next up: Brian"
                    assert str(stage.query_one("#console-next-slide", Label).render()) == "Next: slide 2/12 in 0:01"
                    preview = stage.query_one("#preview", SlideView)
                    await until(
                        lambda: preview.index == 1 and not preview.covered,
                        pause=pilot.pause,
                        what="the next slide in the console",
                    )
                    assert stage.query_one("#slide", SlideView).index == 0
                await until(lambda: not stage.has_class("-console"), pause=pilot.pause, what="the room's stage again")
                assert server.clients == 2
        finally:
            await server.stop()


async def test_the_host_chooses_the_console_with_a_key(show_event: Path, make_app, fake_clock) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(120, 36)) as pilot:
        app.show.draw_for("Ada")
        app.push_screen(StageScreen("Ada"))
        await pilot.pause()
        stage = app.screen
        assert isinstance(stage, StageScreen)
        assert not stage.has_class("-console")
        assert "p Console" in footer_text(stage)
        await pilot.press("p")
        assert stage.has_class("-console") and app.second_screen is True
        assert "p Room view" in footer_text(stage)
        app.projectors = 1  # a projector follows, but the host has the last word
        await pilot.press("p")
        assert not stage.has_class("-console") and app.second_screen is False


async def test_second_screen_from_the_start(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    app.second_screen = True  # run --second-screen
    async with app.run_test(size=(120, 36)) as pilot:
        app.show.draw_for("Ada")
        app.push_screen(StageScreen("Ada"))
        await pilot.pause()
        assert app.screen.has_class("-console")


async def test_looking_at_the_standings_puts_nothing_on_the_projector(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    from battledecks.core.show import Show
    from battledecks.ui.screens.standings import StandingsScreen
    from tests.builders import build_event
    from tests.scoring_builders import scored

    path = build_event(event_dir / "events", name="night", order="listed", scoring={"judges": ["J1"]})
    scored(Show.open(path, seed_source=seeds, clock=wall), "Ada", 9, 5)
    app = make_app(path)
    server = RoomServer(app.show, listen("127.0.0.1", 0), screen_key=KEY)
    wire_room(app, server)

    async def room_sees() -> object:
        async with aiohttp.ClientSession() as session, session.get(server.url + "snapshot") as response:
            return (await response.json())["state"]["standings"]

    async with app.run_test(size=(120, 36)) as pilot:
        await server.start()
        try:
            await pilot.press("t")
            standings = app.screen
            assert isinstance(standings, StandingsScreen) and "Ada" in standings.table_text
            await pilot.pause(0.2)
            assert await room_sees() is None, "the host looks; the room sees nothing of it"
            assert "p On projector" in footer_text(standings)
            await pilot.press("p")  # the host's choice
            shown = (
                await until(lambda: app.show.last_reveal() == "standings", pause=pilot.pause, what="the host's choice")
                and await room_sees()
            )
            assert isinstance(shown, dict)
            assert shown["show"] == "standings" and shown["rows"][0]["presenter"] == "Ada"
            assert shown["winners"] == [], "no winner before the reveal"
            assert "p Off projector" in footer_text(standings)
            await pilot.press("p")
            await until(lambda: app.show.last_reveal() == "hidden", pause=pilot.pause, what="the standings taken off")
            assert await room_sees() is None
        finally:
            await server.stop()


async def test_at_time_the_console_says_the_talk_is_over_not_a_second_left(
    show_event: Path, make_app, fake_clock
) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(120, 36)) as pilot:
        app.show.draw_for("Ada")
        app.push_screen(StageScreen("Ada"))
        await pilot.pause()
        stage = app.screen
        assert isinstance(stage, StageScreen)
        app.projectors = 1
        await pilot.pause()
        line = stage.query_one("#console-next-slide", Label)
        fake_clock.advance(3.0 + 11.5)  # the countdown, then into the last slide
        stage.tick()
        await pilot.pause()
        assert str(line.render()).startswith("Last slide")
        fake_clock.advance(1.0)  # the talk's 12 s are up
        stage.tick()
        await until(lambda: stage.finished, what="Time!")
        await pilot.pause()
        text = str(line.render())
        assert "Time's up" in text and "left" not in text and "Last slide" not in text
