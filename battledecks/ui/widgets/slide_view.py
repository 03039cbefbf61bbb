"""The slide on stage: one slide of a deck, filling its container.

In half-cell mode the widget hands Textual strips built ahead of time (see
``battledecks.render.prerender``), with their terminal text already
rendered: changing the slide costs joining ready strings. For kitty and
sixel graphics it shows the fitted picture through textual-image.

The widget never shows any slide but the current one: while a slide is
being made (first show, after a resize) it shows the current slide at its
previous size, or black.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from rich.color import Color
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from battledecks.render.detect import GraphicsMode
from battledecks.render.halfcell import EIGHT_BIT, TRUECOLOR
from battledecks.render.prerender import PreparedSlide, SlideCache

_BLACK = Style.from_color(None, Color.from_rgb(0, 0, 0))


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
            until its first slide is due).
    """

    DEFAULT_CSS = """
    SlideView {
        width: 1fr;
        height: 1fr;
        background: black;
    }
    SlideView > .slide-picture {
        width: 100%;
        height: 100%;
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
        self._keep_all = keep_all
        self._covered = covered
        self._cache: SlideCache | None = None
        self._slide: PreparedSlide | None = None
        self._painted: tuple[int, tuple[int, int]] | None = None
        self._picture: Widget | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

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

    def compose(self) -> ComposeResult:
        if self.mode is GraphicsMode.HALFCELL:
            return
        # Imported only here: textual-image queries the terminal on import,
        # which the app did before starting (detect.prepare_graphics).
        from textual_image.widget import SixelImage, TGPImage

        picture_class = TGPImage if self.mode is GraphicsMode.KITTY else SixelImage
        self._picture = picture_class(None, classes="slide-picture")
        yield self._picture

    def _cell_pixels(self) -> tuple[int, int]:
        if self.mode is GraphicsMode.HALFCELL:
            return (10, 20)
        from textual_image._terminal import get_cell_size

        size = get_cell_size()
        return (size.width, size.height)

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
        )
        self._cache.set_current(self._index)
        if width and height:
            self._use(self._cache.prepare(self._index))
            self.call_after_refresh(self._prefetch)

    def on_unmount(self) -> None:
        if self._cache is not None:
            self._cache.close()

    def _from_worker(self, slide: PreparedSlide) -> None:
        # Runs on the worker thread: hand the slide to the app's own loop.
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.post_message, self._Ready(slide))

    def _on_slide_view__ready(self, message: _Ready) -> None:
        message.stop()
        slide = message.slide
        cache = self._cache
        if cache is None or slide.index != self._index or slide.cells != cache.cells:
            return
        if self._slide is None or self._slide.index != slide.index or self._slide.cells != slide.cells:
            self._use(slide)

    def _prefetch(self) -> None:
        if self._cache is not None and self.size.area:
            self._cache.prefetch(self._index)

    def _use(self, slide: PreparedSlide) -> None:
        """Draw ``slide`` from now on."""
        self._slide = slide
        if self._picture is not None and not self._covered:
            self._picture.image = slide.image  # type: ignore[attr-defined]
        self.refresh()

    def show(self, index: int) -> None:
        """Show slide ``index`` (0-based) now.

        Costs a swap when the slide is ready, which it is when it was within
        ``ahead`` of the last one shown; otherwise it is made now.
        """
        self._index = self._checked(index)
        self._covered = False
        cache = self._cache
        if cache is None:
            return  # not mounted yet; on_mount shows it
        cache.set_current(index)
        slide = cache.ready(index)
        if slide is None and self.size.area:
            slide = cache.prepare(index)
        if slide is not None:
            self._use(slide)
        else:
            self._slide = None
            self.refresh()
        # Make the next slides once this one is on screen, so that work does
        # not compete with drawing it.
        self.call_after_refresh(self._prefetch)

    def on_resize(self, event: events.Resize) -> None:
        cache = self._cache
        width, height = event.size
        if cache is None or not width or not height:
            return
        if not cache.resize(width, height) and self._slide is not None:
            return
        if self._slide is None or self._slide.index != self._index:
            # Nothing of this slide to show yet: make it now.
            self._use(cache.prepare(self._index))
            self.call_after_refresh(self._prefetch)
        else:
            # Keep showing the slide at its old size until the worker has it.
            cache.prefetch(self._index)
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The slide's prebuilt strips for the lines asked for."""
        slide = self._slide
        if self._covered or self.mode is not GraphicsMode.HALFCELL or slide is None or slide.strips is None:
            return super().render_lines(crop)
        width = self.size.width
        strips = slide.strips
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
        painted = (slide.index, slide.cells)
        if painted != self._painted:
            self._painted = painted
            message = self.Painted(self, slide.index, slide.cells)
            # Drawing runs in the screen's context, which would otherwise be
            # taken as the sender and stop the message at the screen.
            message.set_sender(self)
            self.post_message(message)
        return lines

    def render_line(self, y: int) -> Strip:
        """One prebuilt strip (Textual's line API)."""
        slide = self._slide
        if self._covered or self.mode is not GraphicsMode.HALFCELL or slide is None or slide.strips is None:
            return Strip.blank(self.size.width, _BLACK)
        return self.render_lines(Region(0, y, self.size.width, 1))[0]
