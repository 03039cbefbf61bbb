"""Real terminals on a virtual X display: start them, press keys, take screenshots, compare slides.

Xvfb gives an X display without a screen; xterm and kitty run the installed
``battledecks`` on it; xdotool types; ImageMagick's ``import`` takes
screenshots. Everything waits for a condition with a deadline.
"""

from __future__ import annotations

import functools
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

TOOLS = ("Xvfb", "xterm", "kitty", "xdotool", "import")
SCREEN = (1920, 1080)
ARTEFACTS = Path(__file__).resolve().parents[1] / "tests" / "terminals" / "artefacts"
"""Screenshots of the last run (not kept in git)."""

COLS, ROWS = 160, 45
"""The size of every terminal, in cells."""

TMUX_SOCKET = f"battledecks-terminals-{os.getpid()}"
"""The tmux server of the xterm running tmux, apart from any other."""

TERMINALS = {
    # xterm in sixel mode with its default resources (maxGraphicSize 1000x1000).
    "xterm-vt340": ["xterm", "-ti", "vt340", "-geometry", f"{COLS}x{ROWS}", "-e"],
    "xterm": ["xterm", "-geometry", f"{COLS}x{ROWS}", "-e"],
    # The same xterm running Debian's tmux (3.3a: no sixels), running the app.
    "xterm-vt340-tmux": [
        "xterm",
        "-ti",
        "vt340",
        "-geometry",
        f"{COLS}x{ROWS}",
        "-e",
        "tmux",
        "-L",
        TMUX_SOCKET,
        "-f",
        "/dev/null",
        "new-session",
    ],
    "kitty": [
        "kitty",
        "--config",
        "NONE",
        "-o",
        "remember_window_size=no",
        "-o",
        "initial_window_width=1440",
        "-o",
        "initial_window_height=810",
    ],
}
"""How each terminal is started at that size, followed by the command it runs."""

# Calibrated on Debian 12 (xterm 379, kitty 0.26.5) at 160x45 cells, from
# the figures each run prints: sixel in xterm 0.99 (detail 0.94), kitty 0.90
# (0.68), half cells in xterm -ti vt340 and plain xterm (both truecolour,
# asked of the terminal) 0.7-0.9 (detail about 0.0-0.1). Another slide of the
# deck scores below 0.5.
PICTURE_MIN = 0.6
"""Least correlation of any drawn slide with its file."""
FULL_RESOLUTION_MIN = 0.85
"""Least correlation of a full-resolution slide with its file."""
DETAIL_GAIN = 0.3
"""How much more of the slide's fine detail full resolution must keep than half cells."""

T = TypeVar("T")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def wait_for(condition: Callable[[], T | None], timeout: float, what: str, interval: float = 0.2) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


@contextmanager
def virtual_display() -> Iterator[str]:
    """An Xvfb display of 1920x1080 for the duration; yields its name (":N")."""
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
        if not number.strip():
            raise AssertionError("Xvfb did not start")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_fd)
        process.terminate()
        process.wait(10)


class TerminalGone(AssertionError):
    """The terminal exited before it showed its window."""


class Terminal:
    """One terminal window on the display, running one command."""

    def __init__(self, display: str, argv: list[str], cwd: Path) -> None:
        self.display = display
        # Nothing of the terminal the tests run in: not its kind, nor its size (COLUMNS and LINES, which
        # pytest-xdist's workers have, would make the app take 80x24 for the size of a 160x45 window).
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TMUX", "KITTY", "TERM", "COLORTERM", "STY")) and key not in ("COLUMNS", "LINES")
        }
        env.update(DISPLAY=display, LIBGL_ALWAYS_SOFTWARE="1")
        self.env = env
        # A terminal that exits before it ever shows a window did not get as far as
        # running our command (seen once: xterm exiting 1 at once on a busy display).
        # It is started once more; its own words are kept for the failure message.
        for attempt in (1, 2):
            self.errors = tempfile.TemporaryFile()
            self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=self.errors)
            try:
                self.window = wait_for(self._find_window, 60, f"the window of {argv[0]}")
                break
            except TerminalGone:
                if attempt == 2:
                    raise
                self.errors.close()
        # Focused once, now: focusing changes how the window looks.
        subprocess.run(["xdotool", "windowfocus", "--sync", self.window], env=env, check=True, timeout=30)

    def _run(self, *argv: str) -> str:
        result = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=30)
        return result.stdout if result.returncode == 0 else ""

    def _find_window(self) -> str | None:
        if self.process.poll() is not None:
            self.errors.seek(0)
            said = self.errors.read().decode(errors="replace").strip()
            raise TerminalGone(f"the terminal exited with {self.process.returncode}: {said or 'nothing on stderr'}")
        ids = self._run("xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid)).split()
        return ids[-1] if ids else None

    def geometry(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the window on the screen."""
        values = dict(
            line.split("=", 1) for line in self._run("xdotool", "getwindowgeometry", "--shell", self.window).split()
        )
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def screenshot(self) -> Image.Image:
        """The window as it is on the screen now."""
        shot = subprocess.run(
            ["import", "-display", self.display, "-window", "root", "png:-"],
            env=self.env,
            capture_output=True,
            timeout=30,
        )
        if shot.returncode != 0:
            raise AssertionError(f"import failed: {shot.stderr.decode(errors='replace')}")
        x, y, width, height = self.geometry()
        return Image.open(BytesIO(shot.stdout)).convert("RGB").crop((x, y, x + width, y + height))

    def key(self, key: str) -> None:
        """Type ``key`` into the window as a real key press.

        xterm ignores keys sent to a window (synthetic events); keys typed
        into the focused window (focused when it opened) go through XTEST
        like a keyboard's.
        """
        subprocess.run(["xdotool", "key", key], env=self.env, check=True, timeout=30)

    def settled(self, timeout: float = 30) -> Image.Image:
        """Wait until the window (below its header) stays the same between two screenshots."""
        last = [content(self.screenshot())]

        def still() -> Image.Image | None:
            shot = self.screenshot()
            now = content(shot)
            same = difference(now, last[0]) == 0.0
            last[0] = now
            return shot if same else None

        return wait_for(still, timeout, "the screen to settle", interval=0.3)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.errors.close()


def content(shot: Image.Image) -> Image.Image:
    """The window without its first 40 pixel rows (the header and its clock, which ticks)."""
    return shot.crop((0, 40, shot.width, shot.height))


def lit(shot: Image.Image) -> float:
    """Share of the window's pixels (inside a 4-pixel border) that are not black."""
    inner = shot.crop((4, 4, max(5, shot.width - 4), max(5, shot.height - 4))).convert("L")
    return ImageStat.Stat(inner.point(lambda v: 255 if v > 40 else 0)).mean[0] / 255


def difference(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels that differ between two pictures of the same size."""
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    return ImageStat.Stat(diff).mean[0] / 255


# --- slides ----------------------------------------------------------------------


def make_slide(number: int, size: tuple[int, int] = (1920, 1080)) -> Image.Image:
    """A slide with what matters in a real one: a title, small text, thin lines, colour."""
    width, height = size
    background = ((250 - number * 7) % 256, 240, (200 + number * 11) % 256)
    img = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(60, 60, 160), width=24)
    # A big dark block in a different place on each slide tells them apart.
    column, row = (number - 1) % 4, (number - 1) // 4
    draw.rectangle(
        (60 + column * 460, 240 + row * 270, 60 + column * 460 + 300, 240 + row * 270 + 200), fill=(40, 40, 70)
    )
    draw.text((120, 90), f"Slide {number}: the quarterly numbers", fill=(10, 10, 10), font_size=110)
    for line in range(9):
        draw.text(
            (140, 300 + line * 62),
            f"{line + 1}. Small print {number * 13 + line}: synergy of lab coats, petri dishes and pipettes",
            fill=(30, 30, 30),
            font_size=40,
        )
    for i in range(40):
        x = 1500 + i * 9
        draw.line((x, 320, x, 820), fill=(200, 30, 30) if (i + number) % 2 else (30, 30, 200), width=3)
    draw.ellipse((1560 + number * 10, 860, 1760 + number * 10, 1000), fill=(30, 160, 60))
    return img


def build_slides(folder: Path, count: int = 12) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"slide{number:02d}.png"
        make_slide(number).save(path)
        paths.append(path)
    return paths


# --- comparing a screenshot with a slide ------------------------------------------


def slide_box(shot: Image.Image, rows_below: int, cell_height: float) -> tuple[int, int, int, int] | None:
    """Bounding box of the picture in the stage's slide area, or None.

    The picture is the longest stretch of columns and of rows that are
    mostly not black, so a window border, the cursor, a progress bar or a
    stray character do not count.
    """
    inset = 3  # xterm's window border
    area = shot.crop((inset, inset, shot.width - inset, max(inset + 1, int(shot.height - rows_below * cell_height))))
    mask = area.convert("L").point(lambda v: 255 if v > 12 else 0)
    columns = list(mask.resize((mask.width, 1), Image.Resampling.BOX).getdata())
    rows = list(mask.resize((1, mask.height), Image.Resampling.BOX).getdata())
    if not columns or max(columns) < 64:
        return None
    left, right = _longest_run([v > max(columns) * 0.5 for v in columns])
    top, bottom = _longest_run([v > max(rows) * 0.5 for v in rows])
    if right <= left or bottom <= top:
        return None
    return left + inset, top + inset, right + inset, bottom + inset


def _longest_run(flags: list[bool], gap: int = 12) -> tuple[int, int]:
    """(start, end) of the longest stretch of True, across gaps under ``gap`` (a line of text).

    The picture, not a thin line or border beside it.
    """
    best = (0, 0)
    start = end = None
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if start is None or i - end > gap:  # type: ignore[operator]
            start = i
        end = i + 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    return best


def correlation(a: Image.Image, b: Image.Image) -> float:
    """Pearson correlation of two same-size greyscale pictures.

    From sums Pillow adds up in C (exactly, over the histograms): the sums of x, x²,
    y, y² and (x - y)², whence the sum of xy. The same figure as a loop over the
    pixels (to 1e-11), a hundred times sooner: screenshots are compared many times a
    second while a test waits for a slide.
    """
    x, y = a.convert("L"), b.convert("L")
    n = x.width * x.height
    stat_x, stat_y = ImageStat.Stat(x), ImageStat.Stat(y)
    sum_x, sum_xx = stat_x.sum[0], stat_x.sum2[0]
    sum_y, sum_yy = stat_y.sum[0], stat_y.sum2[0]
    sum_dd = ImageStat.Stat(ImageChops.difference(x, y)).sum2[0]
    sum_xy = (sum_xx + sum_yy - sum_dd) / 2
    var_x = n * sum_xx - sum_x * sum_x
    var_y = n * sum_yy - sum_y * sum_y
    if var_x <= 0 or var_y <= 0:
        return 0.0
    return (n * sum_xy - sum_x * sum_y) / math.sqrt(var_x * var_y)


def detail(img: Image.Image) -> Image.Image:
    """The fine detail of a picture (edges), where half cells lose out."""
    return ImageOps.grayscale(img).filter(ImageFilter.FIND_EDGES)


def compare(shot: Image.Image, box: tuple[int, int, int, int], slide: Path) -> dict[str, float]:
    """How close the picture in ``box`` is to ``slide``: whole picture and fine detail.

    Both are compared at 640 pixels across (the screenshot's picture is
    smaller than the slide file); correlations run from -1 to 1.
    """
    picture = shot.crop(box)
    size = (640, max(1, round(640 * picture.height / picture.width)))
    ours = picture.resize(size, Image.Resampling.BOX)
    theirs, their_detail = _reference(slide, size)
    return {
        "picture": correlation(ours, theirs),
        "detail": correlation(detail(ours), their_detail),
        "mean": ImageStat.Stat(picture.convert("L")).mean[0],
    }


@functools.lru_cache(maxsize=64)
def _reference(slide: Path, size: tuple[int, int]) -> tuple[Image.Image, Image.Image]:
    """The slide file at ``size``, and its fine detail: read once for every screenshot it is compared with."""
    with Image.open(slide) as source:
        theirs = source.convert("RGB").resize(size, Image.Resampling.BOX)
    return theirs, detail(theirs)


def best_match(shot: Image.Image, box: tuple[int, int, int, int], slides: list[Path]) -> tuple[int, dict[str, float]]:
    """Which slide the picture is (0-based), and how close."""
    scores = [compare(shot, box, path) for path in slides]
    index = max(range(len(slides)), key=lambda i: scores[i]["picture"])
    return index, scores[index]


def python() -> str:
    return sys.executable
