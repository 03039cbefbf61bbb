"""``battledecks screen`` driven with Pilot against a real server on loopback."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import ContentSwitcher, Label, Static

from battledecks.core.commitment import short_fingerprint
from battledecks.core.show import Show
from battledecks.room.server import RoomServer, listen
from battledecks.ui.audience.app import AudienceApp
from battledecks.ui.widgets.big_text import BigText
from battledecks.ui.widgets.slide_view import SlideView
from tests.builders import build_event
from tests.waiting import until

SIZE = (100, 30)


def text(app: AudienceApp, selector: str) -> str:
    widget = app.query_one(selector)
    return widget.text if isinstance(widget, BigText) else str(widget.render())


async def test_the_room_sees_the_show_and_only_the_show(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    # Half a second a slide: time to look at each view on a busy machine.
    path = build_event(event_dir / "events", name="screen", seconds=6, countdown=0.5, order="listed")
    room_show = Show.open(path, seed_source=seeds, clock=wall)
    served = RoomServer(room_show, listen("127.0.0.1", 0), suspense=1.0)
    await served.start()
    app = AudienceApp(lambda: served.url)
    async with app.run_test(size=SIZE) as pilot:
        switcher = app.query_one(ContentSwitcher)
        await until(lambda: switcher.current == "idle", what="the between-talks view")
        assert "Test Night" in text(app, "#event-name") and text(app, "#next-name") == "Ada"
        assert text(app, "#commitment") == f"Draw commitment: {short_fingerprint(room_show.commitment.fingerprint)}"

        drawn = room_show.draw_for("Ada")
        await until(lambda: switcher.current == "reveal", what="the reveal")
        assert drawn.deck.title not in text(app, "#reveal-title"), "suspense first"
        served.reveal_now("Ada")  # the host's draw screen shows the title
        await until(lambda: text(app, "#reveal-title") == drawn.deck.title, what="the drawn title")

        start = time.monotonic()
        host = room_show.start_talk("Ada", start)
        await until(lambda: switcher.current == "talk", what="the talk")
        await until(lambda: app.query_one("#curtain").has_class("-hidden"), what="the slides to arrive")
        await until(lambda: app.shown_slide >= 2, what="the third slide")
        view = app.query_one("#slides SlideView", SlideView)
        assert not view.covered and view.index == app.shown_slide
        # Beside the countdown, the slide number and the presenter's name, big enough to read from afar.
        number, who = app.query_one("#slide-no", BigText), app.query_one("#who", BigText)
        await until(lambda: number.text == f"{app.shown_slide + 1}/12", what="the slide number")
        assert number.is_big and number.size.height == app.query_one("#remaining", BigText).size.height
        assert who.text == "Ada" and who.is_big
        assert f"slide {app.shown_slide + 1}/12 · " in text(app, "#caption")
        # The follower's deadlines are the host's own.
        for slide, shown, due in app.slide_log:
            assert abs(due - host.due_at(slide)) < 0.005
            assert shown >= due - 0.0005, "never before its time"

        room_show.pause_talk(time.monotonic())
        paused = app.query_one("#paused", BigText)
        await until(lambda: paused.has_class("-on") and "paused" in text(app, "#caption"), what="PAUSED")
        assert paused.display and paused.text == "PAUSED" and not app.query_one("#who").display
        # PAUSED takes the slide number's place too, so it is drawn big.
        assert not number.display
        await until(lambda: paused.is_big, what="PAUSED drawn big")
        paused_on = app.shown_slide
        room_show.resume_talk(time.monotonic())
        await until(lambda: not paused.display, what="the talk to resume")
        await until(lambda: app.shown_slide > paused_on, what="the next slide after the pause")
        # The countdown is a sixth of the screen high, as on the host's stage.
        await pilot.resize_terminal(160, 48)
        await until(lambda: app.query_one("#bar").size.height == 8, what="the bar to grow with the screen")
        room_show.abort_talk(time.monotonic(), reason="test")
        await until(lambda: "Talk stopped" in text(app, "#curtain-text"), what="the abort")
        # The slides leave the screen with the talk (a kitty picture would stay above the text).
        await until(lambda: not app.query("#slides SlideView"), what="the slides to go")

        room_show.reveal("standings")
        await until(lambda: switcher.current == "standings", what="the standings")
        # Nothing the host uses is here: no key but quitting.
        assert {b.action for b in app.BINDINGS} == {"quit"}  # type: ignore[union-attr]
        seq = room_show.seq
        await pilot.press("enter", "space", "escape", "s", "d", "v")
        assert room_show.seq == seq and switcher.current == "standings"
    await served.stop()


async def test_waiting_for_the_host_and_reconnecting_by_itself(room_show: Show) -> None:
    server = RoomServer(room_show, listen("127.0.0.1", 0))
    port = server.sock.getsockname()[1]
    app = AudienceApp(lambda: f"http://127.0.0.1:{port}/", retry=0.05)
    async with app.run_test(size=SIZE):
        switcher = app.query_one(ContentSwitcher)
        await until(lambda: app.follower.url is not None, what="a first attempt")
        assert switcher.current == "waiting"
        await server.start()
        await until(lambda: switcher.current == "idle", what="the host")
        await server.stop()
        await until(lambda: switcher.current == "waiting", what="waiting for the host again")
        assert "waiting for the host" in str(app.query_one("#waiting Static", Static).render())
        again = RoomServer(room_show, listen("127.0.0.1", port))
        await again.start()
        try:
            await until(lambda: switcher.current == "idle", what="the restarted host")
        finally:
            await again.stop()


async def test_the_line_under_the_name_shows_a_deck_title_literally() -> None:
    """Deck titles come from the event's files: Textual markup in one (``[b]x[/b]``) is shown as typed."""
    app = AudienceApp(lambda: None)
    async with app.run_test(size=SIZE):
        app._bar("1/12", "slide 1/12 · Deck [b]x[/b]")
        assert str(app.query_one("#caption", Label).render()) == "slide 1/12 · Deck [b]x[/b]"
