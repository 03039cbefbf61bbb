"""How fast and how exactly a slide reaches the screen.

Run: python benchmarks/slide_change.py [--quick] [--pixels-only] [--changes N] [--json FILE]
(--pixels-only: the sixel and kitty figures alone, about 2 minutes on 2 cores)

Figures, one per line, then a JSON summary:

* slide change latency: from a slide's deadline to the frame holding it
  written to the terminal, p50 / p99 / max over N changes, for battledecks'
  half-cell SlideView, textual-image's HalfcellImage widget and rich-pixels
  (Pixels in a Static), at 160x45 and 240x67 cells, and the ratios;
* the same for full resolution at 1080p (240x67 cells of 8x16 pixels): our
  SlideView in sixel and kitty mode against textual-image's SixelImage and
  TGPImage widgets given the slide file at the change, with the bytes each
  change writes (``--pixels-only`` measures just these). Ours writes a
  change at once, without waiting for a frame, as the stage does; kitty
  changes are timed once the deck's pictures are with the terminal (the
  stage sends them during its 3-2-1);
* our sixel slide changes again with the pictures cut into tiles within
  xterm's default limit (maxGraphicSize 1000x1000), as in a full-screen
  xterm (``battledecks-tiles``);
* the longest garbage-collector pause during those changes;
* peak RSS of a process showing a 12-slide 1920x1080 deck at 240x67;
* slide-advance accuracy of a real talk on the app's stage: idle, beside a
  CPU-bound process, with both cores busy (reported, no target), and after
  a 1 s stall of the app.

"Written to the terminal": the apps run with the real compositor and a
driver that writes every update to a pipe read by ``cat > /dev/null`` (as
a terminal would read it) and stamps the time once the update is written
and flushed. Textual's own headless driver skips rendering entirely, so it
would measure nothing.

Slides come from the first deck under decks/ with at least 12 pictures,
scaled to 1920x1080; without one, or with --photo, 12 photo-like 1920x1080
slides are drawn (gradients, grain: nearly every cell a different colour,
the worst case for memory and build time).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Same colours for all three renderers, whatever terminal this runs in.
os.environ["TEXTUAL_COLOR_SYSTEM"] = "truecolor"
os.environ.setdefault("COLORTERM", "truecolor")

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.driver import Driver  # noqa: E402
from textual.geometry import Region, Size  # noqa: E402
from textual.strip import Strip  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import Static  # noqa: E402

from battledecks.render.detect import GraphicsMode  # noqa: E402
from battledecks.render.fit import fit_size  # noqa: E402
from battledecks.render.prerender import GcWatch, pause_gc, resume_gc  # noqa: E402
from battledecks.ui.widgets.slide_view import SlideView  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SIZES = ((160, 45), (240, 67))
PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}


# --- slides -------------------------------------------------------------------


def photo_like(seed: int, size: tuple[int, int] = (1920, 1080)) -> Image.Image:
    """A 1920x1080 picture with a photo's traits: gradients, shapes, grain, text."""
    rnd = random.Random(seed)
    w, h = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.linear_gradient("L").rotate(90 + 45 * (seed % 3)).resize(size)
    img = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y, s = rnd.randrange(w), rnd.randrange(h), rnd.randrange(30, 400)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + s, y + int(s * rnd.uniform(0.5, 1.5))), fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(3))
    img = Image.blend(img, Image.effect_noise(size, 40).convert("RGB"), 0.15)
    ImageDraw.Draw(img).text((100, 100), f"Slide {seed + 1}", fill=(255, 255, 255), font_size=120)
    return img


def find_deck() -> list[Path] | None:
    """Pictures of the first deck under decks/ with at least 12 of them."""
    root = REPO / "decks"
    if not root.is_dir():
        return None
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()) + [root]:
        pictures = sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES)
        if len(pictures) >= 12:
            return pictures[:12]
    return None


def make_slides(folder: Path, photo: bool = False) -> tuple[list[Path], str]:
    """12 slides of 1920x1080 in ``folder``; returns them and where they came from."""
    source = None if photo else find_deck()
    paths = []
    for i in range(12):
        if source:
            with Image.open(source[i]) as img:
                picture = img.convert("RGB").resize((1920, 1080), Image.Resampling.LANCZOS)
        else:
            picture = photo_like(i)
        path = folder / f"{i + 1:02d}.jpg"
        picture.save(path, quality=90)
        paths.append(path)
    origin = f"{source[0].parent.relative_to(REPO)} scaled to 1920x1080" if source else "generated photo-like 1920x1080"
    return paths, origin


# --- a driver that writes to a pipe --------------------------------------------


class PipeDriver(Driver):
    """Textual driver writing the real output to a pipe, stamping each flush."""

    sink_fd: int = -1
    on_flush: Callable[[], None] | None = None
    bytes_written = 0
    """Bytes written to the pipe so far (all apps)."""

    def write(self, data: str) -> None:
        PipeDriver.send(data)

    @staticmethod
    def send(data: str) -> None:
        encoded = data.encode("utf-8")
        PipeDriver.bytes_written += len(encoded)
        view = memoryview(encoded)
        while view:
            written = os.write(PipeDriver.sink_fd, view)
            view = view[written:]

    def flush(self) -> None:
        if PipeDriver.on_flush is not None:
            PipeDriver.on_flush()

    def start_application_mode(self) -> None:
        size = Size(*(self._size or (80, 24)))
        asyncio.run_coroutine_threadsafe(self._app._post_message(events.Resize(size, size)), loop=self._loop)

    def disable_input(self) -> None:
        pass

    def stop_application_mode(self) -> None:
        pass


class _StdoutToSink:
    """Stands in for sys.__stdout__: writes go to the sink, counted like the driver's."""

    def write(self, data: str) -> int:
        PipeDriver.send(data)
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return PipeDriver.sink_fd


class Sink:
    """A ``cat`` process reading what the app writes, as a terminal would."""

    def __enter__(self) -> Sink:
        self.proc = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        assert self.proc.stdin is not None
        PipeDriver.sink_fd = self.proc.stdin.fileno()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


# --- the three apps -------------------------------------------------------------


class BenchApp(App[None]):
    """Shows slides on request and records when each reaches the pipe."""

    CSS = "Screen { background: black; }"

    def __init__(self, paths: list[Path]) -> None:
        super().__init__(driver_class=PipeDriver)
        self.paths = paths
        self.rendered = -1
        self.pending: tuple[int, float, asyncio.Future[float]] | None = None
        self.target = 0
        """The slide a change asked for (for renderers that cannot tell)."""
        self.change_bytes: list[int] = []
        """Bytes written from each timed change to the frame holding it."""
        self._bytes_at = 0

    def change(self, index: int) -> None:
        raise NotImplementedError

    def ready_for(self, index: int) -> bool:
        """Whether slide ``index`` is prepared (renderers without preparation: always)."""
        return True

    def flushed(self) -> None:
        pending = self.pending
        if pending is not None and self.rendered == pending[0]:
            self.pending = None
            if not pending[2].done():
                self.change_bytes.append(PipeDriver.bytes_written - self._bytes_at)
                pending[2].set_result(time.monotonic() - pending[1])

    def expect(self, index: int, deadline: float) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.pending = (index, deadline, future)
        self._bytes_at = PipeDriver.bytes_written
        return future


class OursApp(BenchApp):
    def compose(self) -> ComposeResult:
        yield SlideView(self.paths, GraphicsMode.HALFCELL, color_system="truecolor")

    def on_slide_view_painted(self, message: SlideView.Painted) -> None:
        pass

    def change(self, index: int) -> None:
        self.query_one(SlideView).show(index)

    def ready_for(self, index: int) -> bool:
        cache = self.query_one(SlideView).cache
        return cache is not None and cache.ready(index) is not None


class _MarkedSlideView(SlideView):
    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.shown is not None and self.shown.index == self.index:
            self.app.rendered = self.index  # type: ignore[attr-defined]
        return lines


class MarkedOursApp(OursApp):
    def compose(self) -> ComposeResult:
        yield _MarkedSlideView(self.paths, GraphicsMode.HALFCELL, color_system="truecolor")

    def change(self, index: int) -> None:
        self.query_one(_MarkedSlideView).show(index)


def _textual_image_app() -> type[BenchApp]:
    from textual_image.renderable.halfcell import Image as HalfcellRenderable
    from textual_image.widget import HalfcellImage

    class MarkedImage(HalfcellImage, Renderable=HalfcellRenderable):
        DEFAULT_CSS = "MarkedImage { width: 100%; height: 100%; }"
        index = 0

        def render_lines(self, crop: Region) -> list[Strip]:
            lines = super().render_lines(crop)
            self.app.rendered = self.index  # type: ignore[attr-defined]
            return lines

    class TextualImageApp(BenchApp):
        def compose(self) -> ComposeResult:
            yield MarkedImage(self.paths[0])

        def change(self, index: int) -> None:
            image = self.query_one(MarkedImage)
            image.index = index
            image.image = self.paths[index]

    return TextualImageApp


def _rich_pixels_app() -> type[BenchApp]:
    from rich_pixels import Pixels

    class MarkedStatic(Static):
        index = 0

        def render_lines(self, crop: Region) -> list[Strip]:
            lines = super().render_lines(crop)
            self.app.rendered = self.index  # type: ignore[attr-defined]
            return lines

    class RichPixelsApp(BenchApp):
        def pixels(self, index: int) -> Pixels:
            # What a user of rich-pixels writes: load, resize to the screen
            # keeping the shape, draw.
            cols, rows = self.size
            with Image.open(self.paths[index]) as img:
                size = fit_size(img.size, (cols, rows))
            return Pixels.from_image_path(self.paths[index], resize=size)

        def compose(self) -> ComposeResult:
            yield MarkedStatic("")

        def on_mount(self) -> None:
            self.query_one(MarkedStatic).update(self.pixels(0))

        def change(self, index: int) -> None:
            static = self.query_one(MarkedStatic)
            static.index = index
            static.update(self.pixels(index))

    return RichPixelsApp


# --- full-resolution apps: sixel and kitty ------------------------------------------

PIXEL_CELLS = (240, 67)
CELL_PIXELS = (8, 16)
"""240x67 cells of 8x16 pixels: a 1920x1072 terminal, full screen at 1080p."""


class _MarkedPixelView(SlideView):
    def _write(self, data: str) -> None:
        # A change written at once, without a frame: a kitty placement or ready sixels.
        shown = self.shown
        if shown is not None and shown.index == self.index and ("a=p," in data or data.endswith(shown.payload or "\0")):
            self.app.rendered = self.index  # type: ignore[attr-defined]
        super()._write(data)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.shown is not None and self.shown.index == self.index and not self.covered:
            self.app.rendered = self.index  # type: ignore[attr-defined]
        return lines


XTERM_SIXEL_MAX = (1000, 1000)
"""xterm's default maxGraphicSize: a full-screen slide is drawn as tiles within it."""


def _pixel_app(mode: GraphicsMode, sixel_max: tuple[int, int] | None = None) -> type[BenchApp]:
    class PixelApp(BenchApp):
        def compose(self) -> ComposeResult:
            yield _MarkedPixelView(self.paths, mode, cell_pixels=CELL_PIXELS, sixel_max=sixel_max)

        def change(self, index: int) -> None:
            self.query_one(_MarkedPixelView).show(index)

        def ready_for(self, index: int) -> bool:
            view = self.query_one(_MarkedPixelView)
            slide = view.cache.ready(index) if view.cache is not None else None
            # Kitty: ready once the terminal has the deck's pictures, sent
            # ahead during the stage's 3-2-1 (here: before the first change).
            return slide is not None and (slide.image_id is None or len(view._sent) == len(self.paths))

    return PixelApp


def _textual_image_pixel_app(mode: GraphicsMode) -> type[BenchApp]:
    """textual-image's own widget for ``mode``, given the slide file at each change."""
    import textual_image._terminal as terminal

    # The same cell size as ours, whatever terminal runs the benchmark.
    terminal.get_cell_size._result = terminal.CellSize(*CELL_PIXELS)  # type: ignore[attr-defined]
    from textual_image.widget import SixelImage, TGPImage
    from textual_image.widget import sixel as sixel_widget

    widget_class = SixelImage if mode is GraphicsMode.SIXEL else TGPImage
    if mode is GraphicsMode.SIXEL and not getattr(sixel_widget._ImageSixelImpl, "_marked", False):
        original = sixel_widget._ImageSixelImpl.render_lines

        def render_lines(self: Widget, crop: Region) -> list[Strip]:
            lines = original(self, crop)
            if lines:
                self.app.rendered = self.app.target  # type: ignore[attr-defined]
            return lines

        sixel_widget._ImageSixelImpl.render_lines = render_lines  # type: ignore[method-assign]
        sixel_widget._ImageSixelImpl._marked = True  # type: ignore[attr-defined]

    class MarkedPicture(widget_class, Renderable=widget_class._Renderable):  # type: ignore[valid-type, misc]
        DEFAULT_CSS = "MarkedPicture { width: 100%; height: 100%; }"

        def render_lines(self, crop: Region) -> list[Strip]:
            lines = super().render_lines(crop)
            if mode is GraphicsMode.KITTY:
                self.app.rendered = self.app.target  # type: ignore[attr-defined]
            return lines

    class TextualImagePixelApp(BenchApp):
        # textual-image writes kitty pictures straight to sys.__stdout__.
        writes_stdout = mode is GraphicsMode.KITTY

        def compose(self) -> ComposeResult:
            yield MarkedPicture(self.paths[0])

        def change(self, index: int) -> None:
            self.target = index
            self.query_one(MarkedPicture).image = self.paths[index]

    return TextualImagePixelApp


def kitty_deck_bytes(paths: list[Path]) -> int:
    """Bytes that send a whole deck's kitty pictures to the terminal at the 1080p size."""
    from battledecks.render.prerender import SlideCache

    cache = SlideCache(paths, GraphicsMode.KITTY, PIXEL_CELLS, cell_pixels=CELL_PIXELS, keep_all=True)
    return sum(len(slide.payload or "") for slide in cache.prepare_all())


# --- measuring slide changes ----------------------------------------------------


def load() -> str:
    """The machine's load average over the last minute, printed with each figure."""
    return f"load {os.getloadavg()[0]:.1f}"


def _size(count: float) -> str:
    """Bytes in a readable unit."""
    return f"{count:.0f} bytes" if count < 10_000 else f"{count / 1000:.1f} kB"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": 1000 * statistics.median(values),
        "p99_ms": 1000 * percentile(values, 0.99),
        "max_ms": 1000 * max(values),
        "n": len(values),
    }


async def _changes(app: BenchApp, changes: int, gap: float, first_wait: float) -> list[float]:
    """Change slides ``changes`` times, each at a deadline ``gap`` after the last frame.

    Slides go forward as in a talk; after the last slide a new talk starts
    on slide 1, untimed, as between two presenters.
    """
    loop = asyncio.get_running_loop()
    await asyncio.sleep(first_wait)  # first slide drawn, next ones prepared
    latencies: list[float] = []
    slides = len(app.paths)
    index = 0
    while len(latencies) < changes:
        index += 1
        if index == slides:
            index = 0
            done = app.expect(0, loop.time())
            app.change(0)
            await asyncio.wait_for(done, timeout=30)
            await asyncio.sleep(first_wait)
            continue
        # In a talk the next slide has 25 s to be made; here the gap is
        # short, so on a busy machine wait for it rather than time a build.
        waited = loop.time()
        while not app.ready_for(index) and loop.time() - waited < 10:
            await asyncio.sleep(0.01)
        deadline = loop.time() + gap
        done = app.expect(index, deadline)
        loop.call_at(deadline, app.change, index)
        latencies.append(await asyncio.wait_for(done, timeout=30))
    return latencies


def run_changes(
    app_class: type[BenchApp],
    paths: list[Path],
    size: tuple[int, int],
    changes: int,
    gap: float,
    gc_policy: bool,
    bytes_out: list[int] | None = None,
) -> tuple[list[float], float]:
    """Latencies of ``changes`` slide changes, and the longest GC pause meanwhile.

    ``bytes_out``, if given, receives the bytes written for each timed change.
    """
    app = app_class(paths)
    result: dict[str, object] = {}

    async def pilot(pilot: object) -> None:
        if gc_policy:
            await asyncio.sleep(1.0)
            pause_gc()  # what the stage does when a talk starts
        with GcWatch() as watch:
            result["latencies"] = await _changes(app, changes, gap, first_wait=1.0)
        result["gc"] = watch.longest
        if gc_policy:
            resume_gc()
        app.exit()

    stdout = sys.__stdout__
    with Sink():
        PipeDriver.on_flush = app.flushed
        if getattr(app, "writes_stdout", False):
            # What it writes to the terminal goes where the driver writes, and is counted.
            sys.__stdout__ = _StdoutToSink()  # type: ignore[assignment]
        try:
            asyncio.run(app.run_async(size=size, auto_pilot=pilot))
        finally:
            PipeDriver.on_flush = None
            sys.__stdout__ = stdout  # type: ignore[misc]
    if bytes_out is not None:
        bytes_out.extend(app.change_bytes)
    gc.collect()
    return result["latencies"], result["gc"]  # type: ignore[return-value]


# --- peak memory ------------------------------------------------------------------


def rss_child(deck: Path, keep_all: bool) -> None:
    """In a child process: show every slide of the deck at 240x67, print peak RSS."""
    paths = sorted(deck.glob("*.jpg"))

    class MemApp(MarkedOursApp):
        def compose(self) -> ComposeResult:
            yield _MarkedSlideView(self.paths, GraphicsMode.HALFCELL, color_system="truecolor", keep_all=keep_all)

    app = MemApp(paths)

    async def pilot(_: object) -> None:
        await asyncio.sleep(2.0 if keep_all else 0.5)
        for index in range(1, len(paths)):
            done = app.expect(index, time.monotonic())
            app.change(index)
            await asyncio.wait_for(done, timeout=30)
            await asyncio.sleep(0.3)  # let the next slide be made
        app.exit()

    with Sink():
        PipeDriver.on_flush = app.flushed
        asyncio.run(app.run_async(size=(240, 67), auto_pilot=pilot))
    print(peak_rss_here())


def peak_rss_here() -> float:
    """This process's peak resident memory in MB.

    Read from VmHWM rather than getrusage: ru_maxrss survives exec, so a
    child started from a big parent would report the parent's size.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss(deck: Path, keep_all: bool) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(deck)] + (["--keep-all"] if keep_all else []),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


# --- slide-advance accuracy with the talk clock -------------------------------------


def clock_accuracy(paths: list[Path], period: float, condition: str) -> dict[str, float]:
    """Run a real talk on the app's stage and time each slide's frame against its due time.

    The event, record, stage screen, talk clock and deadline timer are the
    app's own; only the terminal is a pipe.

    Args:
        paths: The deck.
        period: Seconds per slide (the real talk is 25 s; shorter here).
        condition: "idle", "load" (a CPU-bound process beside the app),
            "load2" (two of them: both cores of this machine busy) or
            "stall" (the app blocked for 1 s mid-talk).

    Returns:
        Lateness of each slide's frame after its due time (ms), p50/p99/max,
        and for a stall which slide the stall hit and how late it was.
    """
    import shutil

    import yaml

    from battledecks.core.show import Show
    from battledecks.ui.app import BattledecksApp
    from battledecks.ui.screens.stage import StageScreen

    slides = len(paths)
    late: list[tuple[int, float]] = []
    result: dict[str, object] = {}

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        deck = root / "decks" / "bench"
        deck.mkdir(parents=True)
        for index, path in enumerate(paths, start=1):
            shutil.copy(path, deck / f"slide{index:02d}{path.suffix}")
        (root / "events").mkdir()
        event_path = root / "events" / "bench.yaml"
        event_path.write_text(
            yaml.safe_dump(
                {
                    "name": "Bench",
                    "decks": "../decks",
                    "presenters": ["Ada"],
                    "slides": slides,
                    "seconds": slides * period,
                    "countdown": 0,
                }
            )
        )
        show = Show.open(event_path)
        show.draw_for("Ada")

        class StageBench(BattledecksApp):
            rendered = -1
            pending: tuple[int, float] | None = None

            def get_driver_class(self):  # noqa: ANN202
                return PipeDriver

            def flushed(self) -> None:
                pending = self.pending
                if pending is not None and self.rendered == pending[0]:
                    self.pending = None
                    late.append((pending[0], time.monotonic() - pending[1]))

        app = StageBench(show, graphics=GraphicsMode.HALFCELL)
        original_change = StageScreen._change_slide
        original_render = SlideView.render_lines

        def change(screen: StageScreen, state, now: float) -> None:  # noqa: ANN001
            assert screen.clock is not None
            app.pending = (state.slide, screen.clock.due_at(state.slide))
            original_change(screen, state, now)

        def render_lines(view: SlideView, crop: Region) -> list[Strip]:
            lines = original_render(view, crop)
            if view.shown is not None and view.shown.index == view.index:
                app.rendered = view.index
            return lines

        async def pilot(pilot: object) -> None:
            await asyncio.sleep(1.0)
            stage = StageScreen("Ada")
            ended = asyncio.get_running_loop().create_future()
            await app.push_screen(stage, lambda _: ended.set_result(True))
            start = time.monotonic()
            if condition == "stall":
                asyncio.get_running_loop().call_at(start + 3 * period - 0.5, time.sleep, 1.0)
            while not stage.finished:
                await asyncio.sleep(0.05)
            result["catch_ups"] = sum(e["kind"] == "catch-up" for e in show.record.entries)
            app.exit()

        burners = []
        if condition in ("load", "load2"):
            code = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end: pass"
            burners = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(1 if condition == "load" else 2)]
        StageScreen._change_slide = change  # type: ignore[method-assign]
        SlideView.render_lines = render_lines  # type: ignore[method-assign]
        try:
            with Sink():
                PipeDriver.on_flush = app.flushed
                asyncio.run(app.run_async(size=(240, 67), auto_pilot=pilot))
        finally:
            StageScreen._change_slide = original_change  # type: ignore[method-assign]
            SlideView.render_lines = original_render  # type: ignore[method-assign]
            PipeDriver.on_flush = None
            for proc in burners:
                proc.kill()
                proc.wait()
    # Slide 1 shows the moment the talk starts: its due time is the start itself.
    values = [lateness for slide, lateness in late if slide > 0]
    figures = summary(values)
    if condition == "stall":
        hit = [(slide, lateness) for slide, lateness in late if slide > 0 and lateness > 0.1]
        figures["stalled_slide"] = hit[0][0] + 1 if hit else 0
        figures["stalled_late_ms"] = 1000 * hit[0][1] if hit else 0.0
        after = [lateness for slide, lateness in late if hit and slide > hit[0][0]]
        figures["after_stall_max_ms"] = 1000 * max(after) if after else 0.0
    figures["slides_seen"] = len({slide for slide, _ in late})
    figures["skipped"] = slides - figures["slides_seen"]
    figures["catch_ups_recorded"] = result.get("catch_ups", 0)
    return figures


# --- main ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer changes, shorter clock runs")
    parser.add_argument("--changes", type=int, default=None, help="slide changes per renderer and size (48)")
    parser.add_argument(
        "--photo", action="store_true", help="photo-like slides even if decks/ has a deck (the worst case)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the summary to this file")
    parser.add_argument("--skip-others", action="store_true", help="measure battledecks only")
    parser.add_argument("--skip-clock", action="store_true", help="leave out the talk clock runs")
    parser.add_argument("--pixels-only", action="store_true", help="measure only the sixel and kitty slide changes")
    parser.add_argument("--rss-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep-all", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child, args.keep_all)
        return 0

    changes = args.changes or (12 if args.quick else 48)
    other_changes = max(12, changes // 4) if args.quick else changes
    # textual-image encodes a sixel picture in about a second: fewer changes.
    other_pixel_changes = max(6, changes // 4)
    report: dict[str, object] = {"cpus": os.cpu_count(), "changes": changes}
    with tempfile.TemporaryDirectory() as tmp:
        paths, origin = make_slides(Path(tmp), photo=args.photo)
        report["slides"] = origin
        print(f"slides: 12 x {origin}; {os.cpu_count()} cpus; {load()} at the start")

        renderers: list[tuple[str, type[BenchApp], int, bool]] = [
            ("battledecks", MarkedOursApp, changes, True),
            # The same without the stage's GC policy, to show what it saves.
            ("battledecks-gc", MarkedOursApp, changes, False),
        ]
        if not args.skip_others:
            renderers.append(("textual-image", _textual_image_app(), other_changes, False))
            renderers.append(("rich-pixels", _rich_pixels_app(), other_changes, False))
        latency: dict[str, dict[str, dict[str, float]]] = {}
        for cols, rows in () if args.pixels_only else SIZES:
            key = f"{cols}x{rows}"
            latency[key] = {}
            for name, app_class, count, policy in renderers:
                # The next slide is made in the gap; a talk gives it 25 s, 0.3 s is plenty.
                gap = 0.3 if policy else 0.15
                sizes: list[int] = []
                values, longest_gc = run_changes(app_class, paths, (cols, rows), count, gap, policy, sizes)
                figures = summary(values)
                figures["longest_gc_ms"] = 1000 * longest_gc
                figures["bytes_per_change"] = statistics.median(sizes) if sizes else float("nan")
                latency[key][name] = figures
                print(
                    f"slide change halfcell {key} {name:14s} p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms"
                    f"  max {figures['max_ms']:7.1f} ms  (n={figures['n']}, {figures['bytes_per_change'] / 1000:.1f} kB"
                    f" written per change, longest GC pause {figures['longest_gc_ms']:.1f} ms"
                    f"{', GC paused for the talk' if policy else ''}; {load()})"
                )
            ours = latency[key]["battledecks"]
            for name in ("textual-image", "rich-pixels"):
                if name in latency[key]:
                    other = latency[key][name]
                    ratio = {q: other[q] / ours[q] for q in ("p50_ms", "p99_ms")}
                    latency[key][name]["x_slower_p50"] = ratio["p50_ms"]
                    latency[key][name]["x_slower_p99"] = ratio["p99_ms"]
                    print(
                        f"ratio halfcell {key} {name} / battledecks: p50 {ratio['p50_ms']:.0f}x  p99 {ratio['p99_ms']:.0f}x"
                    )
        report["latency"] = latency

        pixels: dict[str, dict[str, dict[str, float]]] = {}
        cols, rows = PIXEL_CELLS
        for mode in (GraphicsMode.SIXEL, GraphicsMode.KITTY):
            pixels[mode.value] = {}
            contenders: list[tuple[str, type[BenchApp], int]] = [("battledecks", _pixel_app(mode), changes)]
            if mode is GraphicsMode.SIXEL:
                # The same slides cut into tiles within xterm's default limit.
                contenders.append(("battledecks-tiles", _pixel_app(mode, XTERM_SIXEL_MAX), changes))
            if not args.skip_others:
                contenders.append(("textual-image", _textual_image_pixel_app(mode), other_pixel_changes))
            for name, app_class, count in contenders:
                sizes: list[int] = []
                values, longest_gc = run_changes(
                    app_class, paths, PIXEL_CELLS, count, 0.3, name.startswith("battledecks"), sizes
                )
                figures = summary(values)
                figures["longest_gc_ms"] = 1000 * longest_gc
                figures["bytes_per_change"] = statistics.median(sizes) if sizes else float("nan")
                pixels[mode.value][name] = figures
                print(
                    f"slide change {mode.value} {cols}x{rows} cells of {CELL_PIXELS[0]}x{CELL_PIXELS[1]} px"
                    f" {name:14s} p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms"
                    f"  max {figures['max_ms']:7.1f} ms  (n={figures['n']}, {_size(figures['bytes_per_change'])}"
                    f" written per change; {load()})"
                )
            if "textual-image" in pixels[mode.value]:
                ours = pixels[mode.value]["battledecks"]
                other = pixels[mode.value]["textual-image"]
                for q in ("p50_ms", "p99_ms"):
                    other[f"x_slower_{q[:3]}"] = other[q] / ours[q]
                print(
                    f"ratio {mode.value} textual-image / battledecks: p50 {other['x_slower_p50']:.0f}x"
                    f"  p99 {other['x_slower_p99']:.0f}x"
                )
        sent = kitty_deck_bytes(paths)
        pixels["kitty"]["battledecks"]["deck_sent_once_bytes"] = sent
        print(f"kitty: the deck's 12 pictures are sent once, before the talk: {sent / 1e6:.1f} MB")
        report["pixels"] = pixels

        deck_dir = Path(tmp)
        for keep_all in () if args.pixels_only else (False, True):
            label = "all 12 slides built" if keep_all else "current + next built"
            rss = peak_rss(deck_dir, keep_all)
            report[f"peak_rss_mb_{'keep_all' if keep_all else 'default'}"] = rss
            print(f"peak RSS 240x67, 12 slides of 1920x1080, {label}: {rss:.0f} MB")

        if not args.skip_clock and not args.pixels_only:
            period = 1.0 if args.quick else 2.0
            clock: dict[str, dict[str, float]] = {}
            for condition in ("idle", "load", "load2", "stall"):
                figures = clock_accuracy(paths, period, condition)
                clock[condition] = figures
                line = (
                    f"slide advance {condition:5s} ({period:g} s slides): late p50 {figures['p50_ms']:.1f} ms"
                    f"  p99 {figures['p99_ms']:.1f} ms  max {figures['max_ms']:.1f} ms"
                    f"  ({figures['slides_seen']} slides shown; {load()})"
                )
                if condition == "stall":
                    line += (
                        f"; the 1 s stall hit slide {figures['stalled_slide']:.0f}"
                        f" ({figures['stalled_late_ms']:.0f} ms late), later slides at most"
                        f" {figures['after_stall_max_ms']:.1f} ms late"
                    )
                print(line)
            report["clock"] = clock
            targets_clock = {
                "advance_within_10ms_idle": clock["idle"]["max_ms"] <= 10,
                "advance_within_10ms_load": clock["load"]["max_ms"] <= 10,
                "none_skipped_after_stall": clock["stall"]["skipped"] == 0,
            }

    targets = {}
    big = latency.get("240x67", {})
    if big:
        targets["p99_under_50ms"] = big["battledecks"]["p99_ms"] < 50
    if "textual-image" in big:
        targets["10x_faster"] = min(big["textual-image"]["x_slower_p99"], big["rich-pixels"]["x_slower_p99"]) >= 10
    for mode_name, by_name in pixels.items():
        targets[f"{mode_name}_p99_within_33ms"] = by_name["battledecks"]["p99_ms"] <= 33
        if "battledecks-tiles" in by_name:
            targets[f"{mode_name}_tiles_p99_within_33ms"] = by_name["battledecks-tiles"]["p99_ms"] <= 33
        if "textual-image" in by_name:
            targets[f"{mode_name}_10x_textual_image_p99"] = by_name["textual-image"]["x_slower_p99"] >= 10
    targets["gc_pause_under_10ms"] = all(v["battledecks"]["longest_gc_ms"] < 10 for v in latency.values())
    if "peak_rss_mb_default" in report:
        targets["rss_under_200mb"] = report["peak_rss_mb_default"] < 200  # type: ignore[operator]
    if not args.skip_clock and not args.pixels_only:
        targets.update(targets_clock)
    report["targets_met"] = targets
    report["load_at_end"] = os.getloadavg()[0]
    print(
        "targets met: "
        + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in targets.items())
        + f" ({load()} at the end)"
    )
    text = json.dumps(report, indent=2, sort_keys=True)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
