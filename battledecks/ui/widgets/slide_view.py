"""The slide on stage: one slide of a deck, filling its container.

In half-cell mode the widget hands Textual strips built ahead of time (see
``battledecks.render.prerender``), with their terminal text already
rendered: changing the slide costs joining ready strings. In sixel mode the
slide's sixel sequence is made ahead on the worker thread too, and written
after the widget's (black) cells whenever Textual draws the widget. In
kitty mode every slide is sent to the terminal once, under its own image
id, as soon as it is made (during the stage's countdown); a slide change
writes a placement of that id: a few dozen bytes, over exactly the cells
the picture takes and under text, so nothing drawn over the slide hides
under it.

Kitty and sixel pictures cannot be dimmed, and text written over a sixel
erases it. While another screen (a question, help) covers the stage, the
view therefore draws the slide in half cells, which Textual dims like any
other text, and puts the picture back when the stage is on top again.

The widget never shows any slide but the current one: while a slide is
being made (first show, after a resize) it shows the current slide at its
previous size, or black.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from rich.color import Color
from rich.segment import ControlType, Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from battledecks.render.detect import GraphicsMode, current_detection
from battledecks.render.halfcell import EIGHT_BIT, TRUECOLOR
from battledecks.render.pixels import KITTY_CLEAR, kitty_free, kitty_place, move_to
from battledecks.render.prerender import PreparedSlide, SlideCache
from battledecks.textual_private import write_raw

_BLACK = Style.from_color(None, Color.from_rgb(0, 0, 0))
_NULL = Style()
_ZERO_WIDTH = ((ControlType.CURSOR_FORWARD, 0),)
_BLACK_SGR = "\x1b[48;2;0;0;0m"
_RESET = "\x1b[0m"


class SlideView(Widget):
    """Shows slide ``index`` of a deck, letterboxed on black.

    Args:
        paths: Slide picture files in deck order.
        mode: How to draw (see ``battledecks.render.detect.detect_graphics``).
        index: Slide to show first (0-based).
        color_system: "truecolor" or "256" for half cells; default: what
            the app's console uses.
        ahead: Slides after the current one to keep built.
        keep_all: Keep every slide built (more memory, no work during a talk).
        covered: Show black until the first ``show()``, with slide ``index``
            made ready meanwhile (the stage's countdown: the deck is a secret
            until its first slide is due). Kitty pictures are sent meanwhile.
        cell_pixels: A cell's (width, height) in pixels (default: what
            detection found).
        sixel_max: The terminal's largest sixel picture (default: what
            detection found).
        sixel_tiles: Draw a sixel slide larger than ``sixel_max`` full size
            as tiles each within it (default: when the cell size is known:
            given, or measured by detection); False keeps it within ``sixel_max``.
    """

    DEFAULT_CSS = """
    SlideView {
        width: 1fr;
        height: 1fr;
        background: black;
    }
    """

    class Painted(Message):
        """A slide was drawn for the first time at the current size."""

        def __init__(self, slide_view: SlideView, index: int, cells: tuple[int, int]) -> None:
            super().__init__()
            self.slide_view = slide_view
            self.index = index
            self.cells = cells

        @property
        def control(self) -> SlideView:
            return self.slide_view

    class _Ready(Message):
        """The worker made a slide."""

        def __init__(self, slide: PreparedSlide) -> None:
            super().__init__()
            self.slide = slide

    def __init__(
        self,
        paths: Sequence[Path],
        mode: GraphicsMode = GraphicsMode.HALFCELL,
        *,
        index: int = 0,
        color_system: str | None = None,
        ahead: int = 1,
        keep_all: bool = False,
        covered: bool = False,
        cell_pixels: tuple[int, int] | None = None,
        sixel_max: tuple[int, int] | None = None,
        sixel_tiles: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.mode = GraphicsMode(mode)
        self._paths = list(paths)
        if not self._paths:
            raise ValueError("a deck needs at least one slide")
        self._index = self._checked(index)
        self._color_system = color_system
        self._ahead = ahead
        # Kitty: every slide is made and sent up front, so a change is a placement.
        self._keep_all = keep_all or self.mode is GraphicsMode.KITTY
        self._covered = covered
        detection = current_detection()
        self._cell_size = cell_pixels or detection.cell_pixels
        self._sixel_max = sixel_max if sixel_max is not None else detection.sixel_max
        if sixel_tiles is None:
            sixel_tiles = cell_pixels is not None or detection.sixel_tiles
        self._sixel_tiles = sixel_tiles
        self._cache: SlideCache | None = None
        self._slide: PreparedSlide | None = None
        self._painted: tuple[int, tuple[int, int]] | None = None
        self._framed: tuple[tuple[int, int], tuple[int, int]] | None = None
        """While a picture is on screen: the cells (cols, rows) of the black frame it was
        drawn in, and its size in pixels."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sent: set[int] = set()
        """Kitty image ids the terminal has."""
        self.bytes_written = 0
        """Bytes of sixel or kitty data this view wrote (pictures sent, slides drawn)."""

    def _checked(self, index: int) -> int:
        if not 0 <= index < len(self._paths):
            raise IndexError(f"slide {index + 1} is not in a deck of {len(self._paths)}")
        return index

    @property
    def index(self) -> int:
        """The slide showing (0-based)."""
        return self._index

    @property
    def covered(self) -> bool:
        """Whether the view still shows black, waiting for its first ``show()``."""
        return self._covered

    @property
    def cache(self) -> SlideCache | None:
        """The slides made ahead (None until mounted)."""
        return self._cache

    @property
    def shown(self) -> PreparedSlide | None:
        """What is drawn now: the current slide, possibly at an older size."""
        return self._slide

    def _cell_pixels(self) -> tuple[int, int]:
        return (10, 20) if self.mode is GraphicsMode.HALFCELL else self._cell_size

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        color_system = self._color_system
        if color_system is None:
            color_system = TRUECOLOR if self.app.console.color_system == "truecolor" else EIGHT_BIT
        width, height = self.size
        self._cache = SlideCache(
            self._paths,
            self.mode,
            (width or 1, height or 1),
            color_system=color_system,
            ahead=self._ahead,
            keep_all=self._keep_all,
            cell_pixels=self._cell_pixels(),
            on_ready=self._from_worker,
            sixel_max=self._sixel_max,
            sixel_tiles=self._sixel_tiles,
        )
        if self.mode is not GraphicsMode.HALFCELL:
            self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self._cache.set_current(self._index)
        if width and height:
            self._use(self._cache.prepare(self._index))
            self.call_after_refresh(self._prefetch)

    def on_unmount(self) -> None:
        if self._cache is not None:
            self._cache.close()
        if self._sent:
            self._write(KITTY_CLEAR + kitty_free(self._sent))
            self._sent.clear()

    def _write(self, data: str) -> None:
        """Write straight to the terminal, between Textual's own updates."""
        self.bytes_written += write_raw(self.app, data)

    def _send(self, slide: PreparedSlide) -> None:
        """Hand a kitty picture to the terminal (once)."""
        if slide.image_id is None or slide.payload is None or slide.image_id in self._sent:
            return
        self._write(slide.payload)
        self._sent.add(slide.image_id)

    def _screen_changed(self, screen: object) -> None:
        # While another screen (help, a question) covers the stage, the
        # picture gives way to half cells that Textual can dim; it comes
        # back when the stage is on top again.
        if screen is not self.screen:
            self._framed = None
            if self.mode is GraphicsMode.KITTY:
                self._write(KITTY_CLEAR)
        self.refresh()

    def cover(self) -> None:
        """Show black from now on (the stage's Time!), the picture taken off, until the next ``show()``."""
        self._covered = True
        self._framed = None
        if self.mode is GraphicsMode.KITTY:
            self._write(KITTY_CLEAR)
        self.refresh()

    def backdrop_strips(self) -> list[Strip] | None:
        """Half-cell strips of the slide showing, drawn in place of its picture while the stage is covered."""
        slide = self._slide
        if self._cache is None or slide is None or slide.cells != self._cache.cells:
            return None
        return self._cache.backdrop(slide.index)

    def _from_worker(self, slide: PreparedSlide) -> None:
        # Runs on the worker thread: hand the slide to the app's own loop.
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.post_message, self._Ready(slide))

    def _on_slide_view__ready(self, message: _Ready) -> None:
        message.stop()
        slide = message.slide
        cache = self._cache
        if cache is not None and not cache.is_current(slide):
            return  # made from a file the slide has since been given a new one for
        if cache is not None and slide.cells == cache.cells:
            self._send(slide)
        if cache is None or slide.index != self._index or slide.cells != cache.cells:
            return
        if self._slide is None or self._slide.index != slide.index or self._slide.cells != slide.cells:
            self._use(slide)

    def replace(self, index: int, path: Path) -> None:
        """Slide ``index`` is the picture in ``path`` from now on (see :meth:`SlideCache.replace`): it is made
        again, ahead if it is to come, now if it is showing."""
        cache = self._cache
        if cache is None:
            self._paths[self._checked(index)] = Path(path)
            return
        cache.replace(index, path)
        if self.mode is GraphicsMode.KITTY:
            # The new picture goes to the terminal under the same id, replacing the old one there.
            self._sent.discard(cache.image_id(cache.generation, index))
        if index == self._index and self.size.area:
            self._framed = None
            self._use(cache.prepare(index))
        self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        if self._cache is not None and self.size.area:
            self._cache.prefetch(self._index)

    def _use(self, slide: PreparedSlide) -> None:
        """Draw ``slide`` from now on."""
        self._slide = slide
        self._send(slide)
        self.refresh()

    def show(self, index: int) -> bool:
        """Show slide ``index`` (0-based) now.

        Costs a swap when the slide is ready, which it is when it was within
        ``ahead`` of the last one shown; otherwise it is made now. With a
        picture on screen, the change is written at once, without a frame:
        in kitty mode a placement of a picture the terminal has; in sixel
        mode the ready sixels, when they are the same size as the picture
        they replace (they cover it exactly). The black cells around stay as
        they are.

        Returns:
            True if the slide is on the terminal already; otherwise it is
            drawn with Textual's next frame.
        """
        was_covered = self._covered
        self._index = self._checked(index)
        self._covered = False
        cache = self._cache
        if cache is None:
            return False  # not mounted yet; on_mount shows it
        cache.set_current(index)
        slide = cache.ready(index)
        if slide is None and self.size.area:
            slide = cache.prepare(index)
        if slide is not None and not was_covered and self._place(slide):
            self.call_later(self._prefetch)
            return True
        if slide is not None:
            self._use(slide)
        else:
            self._slide = None
            self.refresh()
        # Make the next slides once this one is on screen, so that work does
        # not compete with drawing it.
        self.call_after_refresh(self._prefetch)
        return False

    def _place(self, slide: PreparedSlide) -> bool:
        """Draw ``slide`` now over the picture on screen, without a frame, if it can be; True if it was."""
        framed = self._framed
        if framed is None or framed[0] != slide.cells or slide.payload is None or not self.screen.is_active:
            return False
        x, y = self.picture_origin(slide)
        if self.mode is GraphicsMode.KITTY and slide.image_id in self._sent:
            assert slide.image_id is not None
            data = move_to(x, y) + kitty_place(slide.image_id, self.picture_cells(slide))
        elif self.mode is GraphicsMode.SIXEL and framed[1] == slide.image.size:
            data = move_to(x, y) + slide.payload
        else:
            return False
        self._slide = slide
        self._write(data)
        self._painted = (slide.index, slide.cells)
        self.post_message(self.Painted(self, slide.index, slide.cells))
        return True

    def on_resize(self, event: events.Resize) -> None:
        cache = self._cache
        width, height = event.size
        if cache is None or not width or not height:
            return
        old = cache.generation
        if not cache.resize(width, height) and self._slide is not None:
            return
        if self._sent and cache.generation != old:
            # Pictures of the old size are of no more use to the terminal.
            self._write(KITTY_CLEAR + kitty_free(self._sent))
            self._sent.clear()
        if self._slide is None or self._slide.index != self._index:
            # Nothing of this slide to show yet: make it now.
            self._use(cache.prepare(self._index))
            self.call_after_refresh(self._prefetch)
        else:
            # Keep showing the slide at its old size until the worker has it.
            cache.prefetch(self._index)
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The slide's prebuilt strips (half cells) or black cells and its picture."""
        slide = self._slide
        self._framed = None  # until a picture is drawn in a whole frame again
        if self._covered or slide is None:
            return super().render_lines(crop)
        if self.mode is GraphicsMode.HALFCELL:
            if slide.strips is None:
                return super().render_lines(crop)
            lines = self._halfcell_lines(slide.strips, crop)
        elif not self.screen.is_active:
            # Under a dialog: half cells, which Textual dims (a picture would be black).
            backdrop = self.backdrop_strips()
            if backdrop is None:
                return super().render_lines(crop)
            return self._halfcell_lines(backdrop, crop)
        else:
            if slide.payload is None:
                return super().render_lines(crop)
            lines = self._picture_lines(slide, crop)
        painted = (slide.index, slide.cells)
        if painted != self._painted:
            self._painted = painted
            message = self.Painted(self, slide.index, slide.cells)
            # Drawing runs in the screen's context, which would otherwise be
            # taken as the sender and stop the message at the screen.
            message.set_sender(self)
            self.post_message(message)
        return lines

    def _halfcell_lines(self, strips: list[Strip], crop: Region) -> list[Strip]:
        width = self.size.width
        count = len(strips)
        lines: list[Strip] = []
        add = lines.append
        for y in crop.line_range:
            if y < count:
                strip = strips[y]
                if strip.cell_length != width:
                    strip = strip.adjust_cell_length(width, _BLACK)
            else:
                strip = Strip.blank(width, _BLACK)
            add(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            lines = [strip.crop(x1, x2) for strip in lines]
        return lines

    def picture_cells(self, slide: PreparedSlide) -> tuple[int, int]:
        """(cols, rows) the picture of ``slide`` takes on screen."""
        cell_w, cell_h = self._cell_pixels()
        cols = -(-slide.image.width // max(1, cell_w))
        rows = -(-slide.image.height // max(1, cell_h))
        return min(cols, slide.cells[0]), min(rows, slide.cells[1])

    def picture_origin(self, slide: PreparedSlide) -> tuple[int, int]:
        """Screen cell (x, y) of the picture's top-left corner: centred in the view."""
        region = self.region
        cols, rows = self.picture_cells(slide)
        return region.x + max(0, (region.width - cols) // 2), region.y + max(0, (region.height - rows) // 2)

    def picture_bytes(self, slide: PreparedSlide) -> str:
        """What drawing ``slide``'s picture writes (after the view's black cells)."""
        x, y = self.picture_origin(slide)
        if self.mode is GraphicsMode.SIXEL:
            return move_to(x, y) + (slide.payload or "")
        assert slide.image_id is not None
        send = ""
        if slide.image_id not in self._sent:
            send = slide.payload or ""
            self._sent.add(slide.image_id)
        return send + move_to(x, y) + kitty_place(slide.image_id, self.picture_cells(slide))

    def _picture_lines(self, slide: PreparedSlide, crop: Region) -> list[Strip]:
        # Every line but the last is black cells. The last line is one
        # zero-width control segment: it blanks that line itself, then draws
        # the picture, so nothing Textual writes for this widget comes after
        # the picture (text written over a sixel erases it).
        blank = Strip.blank(crop.width, _BLACK)
        lines = [blank] * (crop.height - 1)
        region = self.region
        last_y = region.y + crop.bottom - 1
        left = region.x + crop.x
        picture = self.picture_bytes(slide)
        self.bytes_written += len(picture)
        self._framed = (slide.cells, slide.image.size) if (crop.width, crop.height) == self.size else None
        control = (
            move_to(left, last_y)
            + _BLACK_SGR
            + " " * crop.width
            + _RESET
            + picture
            + move_to(min(left + crop.width, self.screen.size.width - 1), last_y)
        )
        lines.append(Strip([Segment(control, _NULL, _ZERO_WIDTH)], crop.width))
        return lines

    def render_line(self, y: int) -> Strip:
        """One prebuilt strip (Textual's line API)."""
        slide = self._slide
        if self._covered or self.mode is not GraphicsMode.HALFCELL or slide is None or slide.strips is None:
            return Strip.blank(self.size.width, _BLACK)
        return self._halfcell_lines(slide.strips, Region(0, y, self.size.width, 1))[0]
