"""BigText in a running app: drawn big, follows update() and resizes, falls back when tiny."""

from __future__ import annotations

from textual.app import App, ComposeResult

from battledecks.render import bigtext
from battledecks.render.halfcell import UPPER_HALF
from battledecks.ui.widgets.big_text import BigText
from tests.waiting import wait_until


class BigApp(App[None]):
    CSS = """
    #count { height: 1fr; color: rgb(255, 196, 61); background: black; }
    #title { height: 3fr; }
    #tiny { height: 1; width: 20; }
    """

    def compose(self) -> ComposeResult:
        yield BigText("4:59", id="count", fit_as="00:00")
        yield BigText("The Scalable Centrifuge: Lessons from the Field Station", id="title", max_lines=3)
        yield BigText("PAUSED", id="tiny")


def screen_rows(app: App[None], widget: BigText) -> list[str]:
    region = widget.region
    strips = app.screen._compositor.render_strips()
    return ["".join(s.text for s in strip.crop(region.x, region.right)) for strip in strips[region.y : region.bottom]]


def yellowish(colour) -> bool:  # noqa: ANN001
    if colour is None:
        return False
    r, g, b = colour.get_truecolor()
    return r > 200 and g > 150 and b < 120


def yellow_cells(app: App[None], widget: BigText) -> int:
    """Cells showing the letters' colour in either half (the app may map it onto the 256-colour palette)."""
    region = widget.region
    count = 0
    for strip in app.screen._compositor.render_strips()[region.y : region.bottom]:
        for segment in strip.crop(region.x, region.right):
            style = segment.style
            if style is not None and (yellowish(style.color) or yellowish(style.bgcolor)):
                count += len(segment.text)
    return count


async def test_drawn_big_in_its_colour_at_80x24_and_240x67() -> None:
    for size in ((80, 24), (240, 67)):
        app = BigApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            count = app.query_one("#count", BigText)
            assert count.is_big
            rows = screen_rows(app, count)
            assert len(rows) == count.size.height >= 4
            assert any(UPPER_HALF in row for row in rows)
            assert yellow_cells(app, count) > 20


async def test_update_redraws_and_resize_refits() -> None:
    app = BigApp()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        count = app.query_one("#count", BigText)
        before = screen_rows(app, count)
        count.update("0:07")
        await wait_until(pilot, lambda: screen_rows(app, count) != before)
        assert count.text == "0:07"
        await pilot.resize_terminal(100, 30)
        await wait_until(pilot, lambda: count.size.width == 100)
        await pilot.pause()
        rows = screen_rows(app, count)
        assert all(len(row) == 100 for row in rows)
        assert any(UPPER_HALF in row for row in rows)


async def test_updates_reuse_what_was_drawn() -> None:
    bigtext.clear_cache()
    app = BigApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        count = app.query_one("#count", BigText)
        first = count.strips_for("4:59")
        count.warm("4:58")
        assert count.strips_for("4:58") is count.strips_for("4:58")
        assert count.strips_for("4:59") is first


async def test_too_small_for_big_letters_shows_plain_text() -> None:
    app = BigApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tiny = app.query_one("#tiny", BigText)
        assert not tiny.is_big
        assert "PAUSED" in screen_rows(app, tiny)[0]
