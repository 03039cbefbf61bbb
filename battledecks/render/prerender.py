"""Slides made ready before they are due, and a garbage-collector policy for talks.

A slide change must cost no more than swapping strips that already exist.
``SlideCache`` decodes and fits every slide of a deck for the current cell
grid (small pictures, kept for all slides), and builds the half-cell strips
of the slide showing and the next ones (``ahead``), or of all slides with
``keep_all``. Building runs on one worker thread; pillow releases the GIL
while decoding and resizing. A resize starts a new generation: work for an
old grid size is dropped, the slide showing is rebuilt first.

Memory, measured at 240x67 cells on photo-like 1920x1080 slides: about 6-10
MB of strips per slide in truecolor (nearly every cell a different colour
pair). A whole app showing a 12-slide deck peaks at about 85 MB with the
default window (current + next) and 160 MB with ``keep_all``
(benchmarks/slide_change.py).

Python's collector can stop the program for hundreds of milliseconds when
many objects are alive; see ``pause_gc`` / ``resume_gc`` and ``GcWatch``.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw
from textual.strip import Strip

from battledecks.render.detect import GraphicsMode
from battledecks.render.fit import HALF_CELL_ASPECT, fit_box, fit_path, letterbox, load_slide, scale, to_rgb
from battledecks.render.halfcell import TRUECOLOR, build_strips
from battledecks.render.pixels import encode_sixel, encode_sixel_tiles, kitty_transmit, sixel_height, sixel_tiles

KITTY_ID_BASE = 0x42440000
"""First kitty image id a deck's slides use (ids are base + generation x slides + index)."""


@dataclass
class PreparedSlide:
    """One slide ready to show at one grid size."""

    index: int
    cells: tuple[int, int]
    """(cols, rows) it was made for."""
    image: Image.Image
    """Fitted picture: ``cols x 2*rows`` letterboxed for half cells; for
    kitty and sixel the slide's own shape, as big as fits the cells (sixel:
    in tiles where it is larger than the terminal's limit, or else within it)."""
    strips: list[Strip] | None = None
    """Half-cell rows, one per cell row (half-cell mode only)."""
    payload: str | None = None
    """Sixel: the sixel sequence drawing the picture. Kitty: the commands
    sending it to the terminal under ``image_id``."""
    image_id: int | None = None
    """Kitty image id of this slide at this size."""
    error: str | None = None
    """Why the picture could not be read; the image is then black."""
    seconds: float = 0.0
    """Time it took to make."""
    source: Path | None = None
    """The file it was made from (a slide :meth:`SlideCache.replace` gave a new file is made again)."""


def _yield_gil() -> None:
    time.sleep(0)  # releases the GIL; the UI thread takes it if it waits


def _error_image(box: tuple[int, int], message: str) -> Image.Image:
    img = Image.new("RGB", box)
    ImageDraw.Draw(img).text((2, max(0, box[1] // 2 - 5)), message[: max(1, box[0] // 6)], fill=(200, 200, 200))
    return img


@dataclass
class _Generation:
    number: int
    cells: tuple[int, int]
    fitted: dict[int, PreparedSlide] = field(default_factory=dict)
    built: dict[int, PreparedSlide] = field(default_factory=dict)


class SlideCache:
    """Slides of one deck, fitted and built ahead for one cell grid.

    Args:
        paths: Slide files in order.
        mode: How slides are drawn.
        cells: Initial (cols, rows); ``resize`` changes it.
        color_system: "truecolor" or "256" (half cells).
        ahead: How many slides after the one showing to keep built.
        keep_all: Build and keep every slide (about 10 MB each at 240x67).
        cell_pixels: (width, height) of a cell in screen pixels, for kitty
            and sixel pictures and for the half-cell pixel shape.
        on_ready: Called from the worker thread with each slide it made.
        sixel_max: Largest sixel picture the terminal takes (w, h), or None.
        sixel_tiles: A sixel slide larger than ``sixel_max`` is drawn full
            size anyway, in tiles each within it (the cell size is known, so
            each tile can be put in its place). False: the slide is made no
            larger than ``sixel_max``.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        mode: GraphicsMode = GraphicsMode.HALFCELL,
        cells: tuple[int, int] = (80, 24),
        *,
        color_system: str = TRUECOLOR,
        ahead: int = 1,
        keep_all: bool = False,
        cell_pixels: tuple[int, int] = (10, 20),
        on_ready: Callable[[PreparedSlide], None] | None = None,
        sixel_max: tuple[int, int] | None = None,
        sixel_tiles: bool = True,
    ) -> None:
        if not paths:
            raise ValueError("a deck needs at least one slide")
        self.paths = [Path(p) for p in paths]
        self.mode = GraphicsMode(mode)
        self.color_system = color_system
        self.ahead = max(0, ahead)
        self.keep_all = keep_all
        self.cell_pixels = cell_pixels
        self.on_ready = on_ready
        self.sixel_max = sixel_max
        self.sixel_tiles = sixel_tiles
        self._lock = threading.RLock()
        self._gen = _Generation(0, self._check_cells(cells))
        self._current = 0
        self._executor: ThreadPoolExecutor | None = None
        self._backdrop: tuple[tuple[int, int], list[Strip]] | None = None
        self.made_on_demand = 0
        """Slides that were not ready when asked for and were made in the caller's thread."""

    @staticmethod
    def _check_cells(cells: tuple[int, int]) -> tuple[int, int]:
        cols, rows = cells
        return max(1, int(cols)), max(1, int(rows))

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def cells(self) -> tuple[int, int]:
        """The (cols, rows) slides are made for."""
        return self._gen.cells

    @property
    def generation(self) -> int:
        """Goes up with every grid size change."""
        return self._gen.number

    def _box(self, cells: tuple[int, int]) -> tuple[tuple[int, int], float]:
        """Picture box in pixels, and the shape of one of its pixels."""
        cols, rows = cells
        cell_w, cell_h = self.cell_pixels
        if self.mode is GraphicsMode.HALFCELL:
            aspect = cell_w / cell_h if cell_w and cell_h else HALF_CELL_ASPECT
            return (cols, 2 * rows), 2 * aspect
        width, height = cols * cell_w, rows * cell_h
        if self.mode is GraphicsMode.SIXEL:
            if self.sixel_max and self._tile_limit((width, height)) is None:
                width, height = min(width, self.sixel_max[0]), min(height, self.sixel_max[1])
            height = sixel_height(height)
        return (max(1, width), max(1, height)), 1.0

    def _tile_limit(self, size: tuple[int, int]) -> tuple[int, int] | None:
        """The sixel limit to cut a picture of ``size`` into tiles by, or None when it is not cut
        (no limit, or tiles are off or cannot be made)."""
        limit = self.sixel_max
        if not limit or not self.sixel_tiles:
            return None
        return limit if sixel_tiles((size[0], sixel_height(size[1])), self.cell_pixels, limit) is not None else None

    def _whole_cells(self, size: tuple[int, int], cells: tuple[int, int]) -> tuple[int, int]:
        """``size`` rounded to whole cells (kitty places a picture over whole cells)."""
        cell_w, cell_h = (max(1, n) for n in self.cell_pixels)
        cols = min(cells[0], max(1, round(size[0] / cell_w)))
        rows = min(cells[1], max(1, round(size[1] / cell_h)))
        return cols * cell_w, rows * cell_h

    def backdrop(self, index: int) -> list[Strip] | None:
        """Half-cell strips of slide ``index`` at the current size, from its fitted picture.

        Kitty and sixel pictures cannot be dimmed or drawn under a dialog;
        these strips stand in for the picture while something covers the
        stage. Made in the calling thread from the picture already in
        memory (tens of milliseconds); the last one is kept. None until the
        slide has been fitted.
        """
        if self.mode is GraphicsMode.HALFCELL:
            slide = self.ready(index)
            return slide.strips if slide is not None else None
        with self._lock:
            gen = self._gen
            fitted = gen.fitted.get(index)
            key = (gen.number, index)
            if self._backdrop is not None and self._backdrop[0] == key:
                return self._backdrop[1]
        if fitted is None:
            return None
        cols, rows = gen.cells
        cell_w, cell_h = self.cell_pixels
        aspect = cell_w / cell_h if cell_w and cell_h else HALF_CELL_ASPECT
        strips = build_strips(letterbox(fitted.image, (cols, 2 * rows), 2 * aspect, no_halo=True), self.color_system)
        with self._lock:
            self._backdrop = (key, strips)
        return strips

    def image_id(self, generation: int, index: int) -> int:
        """Kitty image id of slide ``index`` made for grid generation ``generation``."""
        return KITTY_ID_BASE + generation * len(self.paths) + index

    def resize(self, cols: int, rows: int) -> bool:
        """Make slides for a new grid from now on; False if the size is the same."""
        cells = self._check_cells((cols, rows))
        with self._lock:
            if cells == self._gen.cells:
                return False
            self._gen = _Generation(self._gen.number + 1, cells)
            return True

    def ready(self, index: int) -> PreparedSlide | None:
        """The slide if it is ready to show at the current size, else None."""
        with self._lock:
            return self._gen.built.get(index)

    def latest(self, index: int) -> PreparedSlide | None:
        """The slide ready now, or None; never blocks."""
        return self.ready(index)

    def _fit(self, gen: _Generation, index: int) -> PreparedSlide:
        with self._lock:
            found = gen.fitted.get(index)
        if found is not None:
            return found
        started = time.perf_counter()
        box, aspect = self._box(gen.cells)
        with self._lock:
            path = self.paths[index]
        error = None
        try:
            if self.mode is GraphicsMode.HALFCELL:
                image = fit_path(path, box, aspect)
            else:
                # The slide's own shape, no letterbox: the view centres it.
                picture = to_rgb(load_slide(path, hint=box))
                size = fit_box(picture.size, box)
                if self.mode is GraphicsMode.SIXEL:
                    size = (size[0], min(box[1], sixel_height(size[1])))
                else:
                    size = self._whole_cells(size, gen.cells)
                image = scale(picture, size)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            error = f"{path.name}: {exc}"
            image = _error_image(box, f"cannot show {error}")
        slide = PreparedSlide(index, gen.cells, image, error=error, seconds=time.perf_counter() - started, source=path)
        with self._lock:
            if self.paths[index] == path:
                gen.fitted.setdefault(index, slide)
        return slide

    def _build(self, gen: _Generation, index: int, background: bool = False) -> PreparedSlide:
        """Make slide ``index`` for generation ``gen`` in the calling thread.

        In the background the GIL is handed back after every strip row, so a
        slide change on the UI thread waits for one row, not one slide.
        """
        with self._lock:
            found = gen.built.get(index)
        if found is not None:
            return found
        fitted = self._fit(gen, index)
        started = time.perf_counter()
        strips = None
        payload = None
        image_id = None
        if self.mode is GraphicsMode.HALFCELL:
            strips = build_strips(fitted.image, self.color_system, between_rows=_yield_gil if background else None)
        elif self.mode is GraphicsMode.SIXEL:
            limit = self._tile_limit(fitted.image.size)
            # Larger than the terminal takes in one picture: tiles, each within its limit.
            between = _yield_gil if background else None
            tiled = encode_sixel_tiles(fitted.image, self.cell_pixels, limit, between) if limit is not None else None
            payload = tiled or encode_sixel(fitted.image)
        else:
            image_id = self.image_id(gen.number, index)
            payload = kitty_transmit(image_id, fitted.image)
        slide = PreparedSlide(
            index,
            gen.cells,
            fitted.image,
            strips,
            payload=payload,
            image_id=image_id,
            error=fitted.error,
            seconds=fitted.seconds + time.perf_counter() - started,
            source=fitted.source,
        )
        with self._lock:
            if gen is self._gen and self._wanted(index) and self.paths[index] == fitted.source:
                gen.built.setdefault(index, slide)
                slide = gen.built[index]
        return slide

    def replace(self, index: int, path: Path) -> None:
        """Slide ``index`` is the picture in ``path`` from now on: what was made of the old file is let go.

        For a screen that receives a talk's slides one at a time (the room
        may not have a slide before its time): it starts with a stand-in for
        each, and each slide's file replaces its stand-in as it arrives.
        Call :meth:`prefetch` after it to have the new slide made ahead.
        """
        self._check_index(index)
        with self._lock:
            self.paths[index] = Path(path)
            gen = self._gen
            gen.fitted.pop(index, None)
            gen.built.pop(index, None)
            if self._backdrop is not None and self._backdrop[0] == (gen.number, index):
                self._backdrop = None

    def is_current(self, slide: PreparedSlide) -> bool:
        """Whether ``slide`` was made from the file slide ``slide.index`` is now (see :meth:`replace`)."""
        with self._lock:
            return slide.source is None or self.paths[slide.index] == slide.source

    def prepare(self, index: int) -> PreparedSlide:
        """The slide for the current size, made now in this thread if need be."""
        self._check_index(index)
        gen = self._gen
        with self._lock:
            found = gen.built.get(index)
        if found is not None:
            return found
        self.made_on_demand += 1
        return self._build(gen, index)

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.paths):
            raise IndexError(f"slide {index + 1} is not in a deck of {len(self.paths)}")

    def _wanted(self, index: int) -> bool:
        if self.keep_all:
            return True
        return self._current <= index <= self._current + self.ahead

    def wanted(self, current: int) -> list[int]:
        """Slides to keep built while ``current`` shows, most urgent first."""
        if self.keep_all:
            rest = [i for i in range(len(self.paths)) if i != current]
            return [current] + sorted(rest, key=lambda i: (i < current, i))
        return [i for i in range(current, min(len(self.paths), current + self.ahead + 1))]

    def set_current(self, index: int) -> None:
        """Note the slide showing; slides no longer wanted are let go."""
        self._check_index(index)
        with self._lock:
            self._current = index
            if not self.keep_all:
                for old in [i for i in self._gen.built if not self._wanted(i)]:
                    del self._gen.built[old]

    def prefetch(self, current: int | None = None) -> Future[list[PreparedSlide]] | None:
        """Make the wanted slides on the worker thread.

        Args:
            current: The slide showing (default: the last one set).

        Returns:
            A future for the slides made, or None if all were ready.
        """
        if current is not None:
            self.set_current(current)
        with self._lock:
            gen = self._gen
            todo = [i for i in self.wanted(self._current) if i not in gen.built]
        if not todo:
            return None
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slides")
        return self._executor.submit(self._work, gen, todo)

    def _work(self, gen: _Generation, todo: list[int]) -> list[PreparedSlide]:
        done: list[PreparedSlide] = []
        for index in todo:
            if gen is not self._gen:
                break  # the grid changed; a newer job has the work
            with self._lock:
                if index in gen.built or not self._wanted(index):
                    continue
            slide = self._build(gen, index, background=True)
            done.append(slide)
            if self.on_ready is not None and gen is self._gen:
                self.on_ready(slide)
        return done

    def prepare_all(self) -> list[PreparedSlide]:
        """Make every wanted slide now, in this thread (for tests and benchmarks)."""
        return [self._build(self._gen, i) for i in self.wanted(self._current)]

    def close(self) -> None:
        """Stop the worker thread; pending work is dropped."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


# --- Garbage collector policy -------------------------------------------------


def freeze_prepared() -> None:
    """Move every object alive now out of the collector's sight.

    Call after slides are made: the collector then no longer walks the
    hundreds of thousands of segments and styles on each full collection.
    """
    gc.collect()
    gc.freeze()


_pauses = 0
"""How many times :func:`pause_gc` has been called: the number of the latest pause."""
_resumed = True


def pause_gc() -> int:
    """Stop automatic collection for a talk (memory is still freed by refcounts).

    Everything alive is frozen first (cheap), so whatever collection still
    happens has little to look at.

    Returns:
        The pause's number, for :func:`resume_gc`.
    """
    global _pauses, _resumed
    _pauses += 1
    _resumed = False
    gc.freeze()
    gc.disable()
    return _pauses


def resume_gc(pause: int | None = None) -> float:
    """Collect and turn automatic collection back on; call between talks.

    Args:
        pause: The number :func:`pause_gc` returned. Given, nothing is done
            unless that pause is the latest and not yet ended: a resume that
            comes late (after the news of a talk's end went out) never ends
            the next talk's pause.

    Returns:
        Seconds the collection took (0 when nothing was done).
    """
    global _resumed
    if pause is not None and (pause != _pauses or _resumed):
        return 0.0
    _resumed = True
    started = time.perf_counter()
    gc.unfreeze()
    gc.enable()
    gc.collect()
    return time.perf_counter() - started


class GcWatch:
    """Records how long each garbage collection stopped the program.

    Use as a context manager; ``pauses`` holds (generation, seconds).
    """

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started: float | None = None

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.pauses.append((info.get("generation", -1), time.perf_counter() - self._started))
            self._started = None

    @property
    def longest(self) -> float:
        """Longest pause in seconds (0 if none)."""
        return max((s for _, s in self.pauses), default=0.0)

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)
