"""SlideView in a running app: shows the slide, swaps, re-fits on resize."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Label

from battledecks.render.detect import GraphicsMode
from battledecks.ui.widgets.slide_view import SlideView
from tests.waiting import wait_until

RED = (220, 20, 20)
BLUE = (20, 20, 220)
GREEN = (20, 200, 20)


@pytest.fixture
def deck(tmp_path: Path) -> list[Path]:
    """Three flat 16:9 slides: red, blue, green."""
    paths = []
    for i, colour in enumerate((RED, BLUE, GREEN)):
        path = tmp_path / f"{i + 1:02d}.png"
        Image.new("RGB", (320, 180), colour).save(path)
        paths.append(path)
    return paths


class SlideApp(App[None]):
    def __init__(self, paths: list[Path], **options: object) -> None:
        super().__init__()
        self.paths = paths
        self.options = options
        self.painted: list[tuple[int, tuple[int, int]]] = []

    def compose(self) -> ComposeResult:
        yield SlideView(self.paths, GraphicsMode.HALFCELL, color_system="truecolor", **self.options)

    def on_slide_view_painted(self, message: SlideView.Painted) -> None:
        self.painted.append((message.index, message.cells))


def cell_colours(app: App[None], x: int, y: int) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """(foreground, background) RGB of the screen cell at x, y as Textual would write it."""
    strip = app.screen._compositor.render_strips()[y]
    offset = 0
    for segment in strip:
        length = segment.cell_length
        if offset <= x < offset + length:
            style = segment.style
            fg = style.color.get_truecolor() if style and style.color else None
            bg = style.bgcolor.get_truecolor() if style and style.bgcolor else None
            return (tuple(fg) if fg else None, tuple(bg) if bg else None)
        offset += length
    raise AssertionError(f"no cell at {x},{y}")


def background_at(app: App[None], x: int, y: int) -> tuple[int, int, int] | None:
    return cell_colours(app, x, y)[1]


async def test_shows_first_slide_letterboxed(deck: list[Path]) -> None:
    # 80x20 cells = 80x40 half-cell pixels; a 16:9 slide fits as 71x40,
    # leaving black bars of 4 cells left and 5 right.
    app = SlideApp(deck)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(SlideView)
        assert view.index == 0
        assert view.shown is not None and view.shown.cells == (80, 20)
        assert background_at(app, 40, 10) == RED
        assert background_at(app, 1, 10) == (0, 0, 0)
        assert background_at(app, 78, 10) == (0, 0, 0)
        assert app.painted[0] == (0, (80, 20))


async def test_show_swaps_to_prepared_slide(deck: list[Path]) -> None:
    app = SlideApp(deck)
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(SlideView)
        await pilot.pause()
        # The next slide is made in the background after the first is drawn.
        await wait_until(pilot, lambda: view.cache is not None and view.cache.ready(1) is not None, "slide 2 made")
        view.show(1)
        await pilot.pause()
        assert background_at(app, 40, 10) == BLUE
        view.show(2)
        await pilot.pause()
        assert background_at(app, 40, 10) == GREEN
        assert [index for index, _ in app.painted] == [0, 1, 2]


async def test_refits_on_resize(deck: list[Path]) -> None:
    app = SlideApp(deck)
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(SlideView)
        await pilot.pause()
        await pilot.resize_terminal(40, 30)
        await wait_until(pilot, lambda: view.shown is not None and view.shown.cells == (40, 30), "the slide refitted")
        # 40x60 pixels: the slide is 40x22 pixels = 11 cell rows, centred
        # vertically with black above and below; full width.
        assert background_at(app, 0, 15) == RED
        assert background_at(app, 39, 15) == RED
        assert background_at(app, 20, 2) == (0, 0, 0)
        assert background_at(app, 20, 27) == (0, 0, 0)
        assert view.index == 0


async def test_show_rejects_missing_slide(deck: list[Path]) -> None:
    app = SlideApp(deck)
    async with app.run_test(size=(40, 12)):
        view = app.query_one(SlideView)
        with pytest.raises(IndexError):
            view.show(3)
        assert view.index == 0


class PictureApp(App[None]):
    def __init__(self, paths: list[Path], mode: GraphicsMode, **options: object) -> None:
        super().__init__()
        self.paths = paths
        self.mode = mode
        self.options = options

    def compose(self) -> ComposeResult:
        yield SlideView(self.paths, self.mode, cell_pixels=(10, 20), **self.options)


def written_by(app: App[None]) -> str:
    """Everything the last full frame writes for the screen."""
    return "".join(strip.render(app.console) for strip in app.screen._compositor.render_strips())


async def test_sixel_mode_writes_the_ready_sixels_of_the_slide_showing(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.SIXEL)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        view = app.query_one(SlideView)
        slide = view.shown
        assert slide is not None and slide.payload is not None
        # 400x200 pixels of cells, cut to whole sixel bands (198): a 16:9 slide 352x198.
        assert slide.image.size == (352, 198)
        assert slide.image.getpixel((200, 100)) == RED
        assert slide.payload.startswith("\x1bP") and slide.payload.endswith("\x1b\\")
        assert slide.payload in written_by(app)
        view.show(2)
        await pilot.pause()
        green = view.shown
        assert green is not None and green.index == 2 and green.image.getpixel((200, 100)) == GREEN
        frame = written_by(app)
        assert green.payload in frame and slide.payload not in frame
        # Centred: 352x198 pixels take 36x10 cells of the 40x10 view.
        assert view.picture_origin(green) == (2, 0)


async def test_sixels_larger_than_the_terminals_limit_are_drawn_full_size_in_tiles(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.SIXEL, sixel_max=(200, 150))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        view = app.query_one(SlideView)
        slide = view.shown
        # The whole view, as without a limit: 352x198 pixels, 36x10 cells, centred.
        assert slide is not None and slide.image.size == (352, 198)
        assert view.picture_origin(slide) == (2, 0)
        # Four pictures, each within 200x150, each at its own place from the saved corner.
        sizes = [tuple(map(int, size)) for size in re.findall(r'"1;1;(\d+);(\d+)', slide.payload or "")]
        assert sizes == [(200, 120), (152, 120), (200, 78), (152, 78)]
        assert (slide.payload or "").startswith("\x1b7\x1b8\x1bP")
        assert "\x1b8\x1b[20C\x1bP" in (slide.payload or "") and "\x1b8\x1b[20C\x1b[6B\x1bP" in (slide.payload or "")
        assert view.picture_bytes(slide) == "\x1b[1;3H" + (slide.payload or "")


async def test_sixels_stay_within_the_terminals_limit_without_tiles(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.SIXEL, sixel_max=(200, 150), sixel_tiles=False)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        slide = app.query_one(SlideView).shown
        assert slide is not None and slide.image.size == (200, 108)
        assert '"1;1;200;108' in (slide.payload or "")
        # 200x108 pixels are 20x6 cells, centred in 40x10.
        assert app.query_one(SlideView).picture_origin(slide) == (10, 2)


async def test_kitty_sends_every_slide_once_and_a_change_only_places_it(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.KITTY, covered=True)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(SlideView)
        cache = view.cache
        assert cache is not None

        # Sent while covered, before the first slide is due.
        await wait_until(pilot, lambda: len(view._sent) == len(deck), "every slide sent to the terminal")
        view.show(0)
        await pilot.pause()
        first = view.shown
        assert first is not None and first.image_id is not None
        change = view.picture_bytes(first)
        assert "a=t" not in change and f"a=p,i={first.image_id}," in change
        assert len(change) < 100
        view.show(1)
        await pilot.pause()
        second = view.shown
        assert second is not None and second.image_id != first.image_id
        assert f"i={second.image_id}," in written_by(app)


async def test_kitty_places_the_picture_over_exactly_its_own_cells(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.KITTY)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(SlideView)
        await wait_until(pilot, lambda: view.shown is not None, "the first slide")
        slide = view.shown
        assert slide is not None
        # 400x200 pixels of cells: a 16:9 slide of 36x10 cells of 10x20, centred.
        assert view.picture_cells(slide) == (36, 10) and view.picture_origin(slide) == (2, 0)
        placement = view.picture_bytes(slide)
        # Exactly its cells, whatever the terminal's real cell size.
        assert f"a=p,i={slide.image_id},p=1,c=36,r=10,C=1," in placement


class ModalOver(ModalScreen[None]):
    DEFAULT_CSS = "ModalOver { background: black 50%; }"

    def compose(self) -> ComposeResult:
        yield Label("Abort?")


@pytest.mark.parametrize("mode", [GraphicsMode.SIXEL, GraphicsMode.KITTY])
async def test_a_dialog_over_a_picture_shows_the_slide_dimmed_in_half_cells(
    deck: list[Path], mode: GraphicsMode
) -> None:
    app = PictureApp(deck, mode)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(SlideView)
        await wait_until(pilot, lambda: view.shown is not None, "the first slide")
        shown = view.shown
        assert shown is not None and shown.payload is not None
        written = view.bytes_written
        await app.push_screen(ModalOver())
        await pilot.pause()
        # The slide (red) is still there behind the dialog, dimmed: no picture, no black.
        behind = background_at(app, 20, 8)
        assert behind is not None and 60 < behind[0] < RED[0] and behind[1] < 40, behind
        frame = written_by(app)
        assert shown.payload not in frame and "\x1b_G" not in frame
        if mode is GraphicsMode.KITTY:
            assert view.bytes_written > written, "the kitty picture was not taken off"
        app.pop_screen()
        await pilot.pause()
        # The stage is on top again: the picture is back.
        picture = shown.payload if mode is GraphicsMode.SIXEL else f"a=p,i={shown.image_id},"
        assert picture in written_by(app)


async def test_covered_view_draws_black_and_takes_the_kitty_picture_off(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.KITTY)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(SlideView)
        await wait_until(pilot, lambda: view.shown is not None, "the first slide")
        written = view.bytes_written
        view.cover()
        await pilot.pause()
        assert view.covered and view.bytes_written > written
        assert "a=p," not in written_by(app)
        view.show(1)
        await pilot.pause()
        assert not view.covered and "a=p," in written_by(app)


async def test_a_kitty_change_is_one_placement_written_at_once(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.KITTY)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(SlideView)
        await wait_until(pilot, lambda: view.shown is not None and len(view._sent) == len(deck), "every slide sent")
        await pilot.pause()
        before = view.bytes_written
        assert view.show(1), "the change waited for a frame"
        shown = view.shown
        assert shown is not None and shown.index == 1
        # Only the placement: a few dozen bytes, no cells.
        assert 0 < view.bytes_written - before < 100
        # Covered (Time!), the next slide needs a frame of its own.
        view.cover()
        assert not view.show(2)
        await pilot.pause()
        assert f"a=p,i={view.shown.image_id}," in written_by(app)  # type: ignore[union-attr]


async def test_a_sixel_change_of_the_same_size_is_written_at_once(deck: list[Path]) -> None:
    app = PictureApp(deck, GraphicsMode.SIXEL)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(SlideView)
        await wait_until(
            pilot,
            lambda: view.shown is not None and view.cache is not None and view.cache.ready(1) is not None,
            "two slides",
        )
        await pilot.pause()
        written = []
        original = view._write
        view._write = lambda data: (written.append(data), original(data))  # type: ignore[method-assign]
        assert view.show(1), "the change waited for a frame"
        shown = view.shown
        assert shown is not None and shown.index == 1 and shown.payload is not None
        # The ready sixels where the last picture was, nothing else.
        x, y = view.picture_origin(shown)
        assert written == [f"\x1b[{y + 1};{x + 1}H" + shown.payload]
