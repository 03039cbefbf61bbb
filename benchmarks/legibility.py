"""How much of a slide the room can read, in each way this machine can show one.

Run: python benchmarks/legibility.py [--paths NAME,...] [--slides N] [--period S] [--keep DIR] [--json FILE]

A text-heavy deck is made: 12 slides of 1920x1080 in DejaVu Sans (the
fonts battledecks ships), each with a 72 px title and lines of body text
at 40, 28 and 20 px, dark on a pale page, and a strip of flat colours down
the right edge (one block dark: which slide this is). A host runs
``battledecks run --serve`` in tmux and gives one talk on that deck for
each path; the path shows it on a 1920x1080 virtual display (Xvfb):

* ``xterm-sixel``: ``battledecks screen`` in ``xterm -ti vt340`` with its
  default resources (maxGraphicSize 1000x1000), full screen (320x83 cells
  of its 6x13 font);
* ``kitty``: ``battledecks screen`` in kitty, a 1920x1080 window;
* ``halfcell-160x45`` and ``halfcell-240x67``: ``battledecks screen`` in a
  plain xterm (no image protocol: half cells) with DejaVu Sans Mono sized
  to fill the screen at that grid; ``halfcell-160x45-256`` the same in
  256 colours (``TEXTUAL_COLOR_SYSTEM=256``);
* ``stage``: the host's ``/stage`` page in Chromium (through Playwright) at 1920x1080.

Every slide is screenshotted while it shows; its picture on screen is read
with tesseract as it is ("near"), and again after halving the screenshot
("far": twice the distance). Nothing is enlarged for the reader: like an
eye at the back of the room, tesseract gets the pixels there are.

Printed, one line per path: the slide's size on screen and its share of
the screen, word recall per text size near/far (share of the slide's words
tesseract found in that size's lines), the colour error (mean CIE76 delta
E between the slide on screen and the slide file, both averaged down to
160x90, where half cells have their own pixels: colour apart from
sharpness), then the load average; a JSON summary last. A path whose
programs are missing is left out with a line saying which.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from PIL import Image, ImageDraw, ImageOps  # noqa: E402
from screens import SCREEN, Tmux, Window, free_port, missing, slide_box, virtual_display, wait_for  # noqa: E402

from battledecks.fonts import font  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SLIDE = (1920, 1080)
SIZES = (72, 40, 28, 20)
"""Text sizes on each slide, in pixels: the title, then three sizes of body text."""
LINES = {72: 1, 40: 3, 28: 5, 20: 6}
"""Lines of each size on a slide."""
PAGE = (250, 246, 232)
"""The slide's background: pale, and on no palette (256 colours must approximate it)."""
INK = {72: (20, 40, 110), 40: (25, 25, 25), 28: (25, 25, 25), 20: (25, 25, 25)}
STRIP = [(214, 96, 77), (240, 190, 60), (120, 180, 90), (70, 150, 200), (160, 110, 190), (230, 140, 170)]
"""Flat colours down the right edge, none on the 256-colour palette."""
MARK = (30, 30, 60)
TEXT_RIGHT = 1760
"""Body text ends here; the colour strip is right of it."""

WORDS = """
about above across action after again against almost always amount animal answer anyone appear apple
around article autumn balance basket battle beach before behind believe better between bicycle bottle
branch breakfast bridge bright broken brother budget building butter button camera candle capital
carbon careful carpet castle centre chance change chapter charge cheese cherry chicken choice circle
citizen climate clothes cloud coffee collect colour comfort common corner cotton country couple course
cousin credit culture custom danger debate decade defence degree dinner direct doctor dollar double
dragon drawer dream driver early earth easily eleven empire energy engine enough entire escape evening
example expert factor family farmer father feature figure finger finish flight flower follow forest
forget formal friend future garden gather gentle global golden govern grain ground growth guitar handle
harbour health heavy height hidden history holiday honest hunger island jacket journey jungle kettle
kitchen ladder language laptop launch leader lemon lesson letter library light limit liquid listen
little market master meadow member memory method middle minute mirror modern moment monkey morning
mother motion mountain museum nature number object ocean office orange orbit paper parent pattern
pencil people pepper person picture planet plastic pocket poetry police potato powder present pretty
prince prison profit public purple puzzle question rabbit rather reason record region remote repeat
report rescue result return ribbon river rocket safety salad sample school science season second secret
silver simple sister smooth soldier spirit spring square station stone story street strong student
summer supper surface system table talent teacher temple theory thunder ticket tomato tower travel
treasure trouble tunnel uncle union valley velvet village violin visitor volume wallet water weather
window winter wisdom wonder wooden worker yellow yesterday
""".split()


# --- the deck ---------------------------------------------------------------------------


@dataclass
class Slide:
    path: Path
    lines: dict[int, list[tuple[list[str], tuple[int, int]]]] = field(default_factory=dict)
    """For each text size, its lines: the words and the line's (top, bottom) in slide pixels."""
    thumb: Image.Image | None = None


def make_deck(folder: Path, count: int = 12, seed: int = 25) -> list[Slide]:
    """The text-heavy deck, and what each slide says where."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    slides = []
    for number in range(1, count + 1):
        img = Image.new("RGB", SLIDE, PAGE)
        draw = ImageDraw.Draw(img)
        slide = Slide(folder / f"slide{number:02d}.png")
        y = 60
        for size in SIZES:
            face = font(size)
            ascent, descent = face.getmetrics()
            lines = []
            for _ in range(LINES[size]):
                words: list[str] = []
                while True:
                    word = rng.choice(WORDS)
                    if draw.textlength(" ".join([*words, word]), font=face) > TEXT_RIGHT - 100:
                        break
                    words.append(word)
                draw.text((100, y), " ".join(words), fill=INK[size], font=face)
                lines.append((words, (y, y + ascent + descent)))
                y += round(size * 1.45)
            slide.lines[size] = lines
            y += round(size * 0.6)
        # The colour strip, one block of it dark: which slide this is.
        block = (SLIDE[1] - 120) // count
        for i in range(count):
            colour = MARK if i == number - 1 else STRIP[i % len(STRIP)]
            draw.rectangle((1800, 60 + i * block, 1880, 60 + (i + 1) * block - 1), fill=colour)
        img.save(slide.path)
        slide.thumb = thumbnail(img)
        slides.append(slide)
    return slides


def thumbnail(img: Image.Image) -> Image.Image:
    return img.convert("L").resize((96, 54), Image.Resampling.BOX)


def which_slide(picture: Image.Image, slides: list[Slide]) -> tuple[int, float]:
    """(index, mean difference) of the slide ``picture`` looks most like."""
    ours = thumbnail(picture).tobytes()
    scores = []
    for slide in slides:
        assert slide.thumb is not None
        theirs = slide.thumb.tobytes()
        scores.append(sum(abs(a - b) for a, b in zip(ours, theirs)) / len(theirs))
    best = min(range(len(slides)), key=scores.__getitem__)
    return best, scores[best]


# --- reading -----------------------------------------------------------------------------


def tesseract_words(picture: Image.Image, scale: float = 1.0) -> list[tuple[str, float]]:
    """Words tesseract reads in ``picture`` (enlarged ``scale`` times), each with its centre's height
    as a share of the picture's height."""
    big = (
        picture
        if scale == 1
        else picture.resize((round(picture.width * scale), round(picture.height * scale)), Image.Resampling.LANCZOS)
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.png"
        ImageOps.grayscale(big).save(path)
        done = subprocess.run(
            ["tesseract", str(path), "stdout", "--psm", "4", "-l", "eng", "tsv"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    words = []
    for row in done.stdout.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        top, height = int(cells[7]), int(cells[9])
        words.append((cells[11], (top + height / 2) / big.height))
    return words


def normal(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def recall(slide: Slide, words: list[tuple[str, float]]) -> dict[int, tuple[int, int]]:
    """For each text size: (words found, words there). A word counts where tesseract saw it, by line."""
    found: dict[int, tuple[int, int]] = {}
    for size, lines in slide.lines.items():
        hit = total = 0
        for line_words, (top, bottom) in lines:
            pad = (bottom - top) * 0.35
            seen = Counter(normal(w) for w, y in words if top - pad <= y * SLIDE[1] <= bottom + pad)
            wanted = Counter(normal(w) for w in line_words)
            hit += sum((wanted & seen).values())
            total += sum(wanted.values())
        found[size] = (hit, total)
    return found


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def rgb_pixels(img: Image.Image) -> list[tuple[int, int, int]]:
    data = img.convert("RGB").tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def colour_error(picture: Image.Image, slide: Path, grid: tuple[int, int] = (160, 90)) -> float:
    """Mean CIE76 delta E between the picture on screen and the slide file, both averaged down to ``grid``."""
    with Image.open(slide) as source:
        theirs = source.convert("RGB").resize(grid, Image.Resampling.BOX)
    ours = picture.convert("RGB").resize(grid, Image.Resampling.BOX)
    cache: dict[tuple[int, int, int], tuple[float, float, float]] = {}
    total = 0.0
    pixels = list(zip(rgb_pixels(ours), rgb_pixels(theirs)))
    for a, b in pixels:
        la = cache.get(a) or cache.setdefault(a, _lab(a))
        lb = cache.get(b) or cache.setdefault(b, _lab(b))
        total += math.dist(la, lb)
    return total / len(pixels)


# --- the paths ---------------------------------------------------------------------------


@dataclass
class ShowPath:
    name: str
    label: str
    programs: tuple[str, ...]
    argv: list[str] = field(default_factory=list)
    """The terminal, ending where the command goes (empty for the browser)."""
    env: dict[str, str] = field(default_factory=dict)


def paths() -> list[ShowPath]:
    screen_cols, screen_rows = 320, 83
    return [
        ShowPath(
            "xterm-sixel",
            "battledecks screen, xterm -ti vt340, default resources, full screen (320x83)",
            ("xterm",),
            ["xterm", "-ti", "vt340", "-geometry", f"{screen_cols}x{screen_rows}+0+0", "-e"],
        ),
        ShowPath(
            "kitty",
            "battledecks screen, kitty, 1920x1080 window",
            ("kitty",),
            [
                "kitty",
                "--config",
                "NONE",
                "-o",
                "remember_window_size=no",
                "-o",
                "initial_window_width=1920",
                "-o",
                "initial_window_height=1080",
                "-o",
                "placement_strategy=top-left",
            ],
        ),
        ShowPath(
            "halfcell-160x45",
            "battledecks screen, half cells in plain xterm, 160x45 (DejaVu Sans Mono 14)",
            ("xterm",),
            ["xterm", "-fa", "DejaVu Sans Mono", "-fs", "14", "-geometry", "160x45+0+0", "-e"],
        ),
        ShowPath(
            "halfcell-160x45-256",
            "the same in 256 colours (TEXTUAL_COLOR_SYSTEM=256)",
            ("xterm",),
            ["xterm", "-fa", "DejaVu Sans Mono", "-fs", "14", "-geometry", "160x45+0+0", "-e"],
            {"TEXTUAL_COLOR_SYSTEM": "256"},
        ),
        ShowPath(
            "halfcell-240x67",
            "battledecks screen, half cells in plain xterm, 240x67 (DejaVu Sans Mono 9)",
            ("xterm",),
            ["xterm", "-fa", "DejaVu Sans Mono", "-fs", "9", "-geometry", "240x67+0+0", "-e"],
        ),
        ShowPath("stage", "/stage in Chromium (Playwright), 1920x1080", ("chromium",)),
    ]


@dataclass
class Shot:
    index: int
    picture: Image.Image
    box: tuple[int, int, int, int]


class Host:
    """``battledecks run --serve`` in tmux, giving one talk on the deck after another."""

    def __init__(self, event: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.tmux = Tmux(
            [sys.executable, "-m", "battledecks", "run", str(event), "--serve", f"127.0.0.1:{self.port}"],
            (160, 45),
            REPO,
        )
        self.tmux.wait_for(f"127.0.0.1:{self.port}", 90)
        self.talks = 0

    def start_talk(self) -> None:
        if self.talks == 0:
            self.tmux.press("Enter", "will present", 90)  # the draw
            self.tmux.press("Enter", "put Ada on stage", 30)
        self.tmux.press("Enter", "Start Ada's talk", 30)
        self.tmux.press("y", "Pause", 30)
        self.talks += 1

    def abort_talk(self) -> None:
        self.tmux.press("Escape", "Keep going", 30)
        self.tmux.press("y", "Next step", 60)

    def close(self) -> None:
        self.tmux.keys("q")
        time.sleep(0.5)
        self.tmux.keys("y")
        time.sleep(0.5)
        self.tmux.close()


def capture_talk(take: Callable[[], Image.Image], slides: list[Slide], wanted: int, period: float) -> list[Shot]:
    """Screenshots of the first ``wanted`` slides of a talk, each once it is drawn (the talk moves on by itself)."""
    shots: dict[int, Shot] = {}
    deadline = time.monotonic() + 90 + period * (len(slides) + 2)
    last_index = -1
    while len(shots) < wanted and time.monotonic() < deadline:
        shot = take()
        box = slide_box(shot)
        if box is None:
            time.sleep(0.2)
            continue
        picture = shot.crop(box)
        index, score = which_slide(picture, slides)
        if index >= wanted or index in shots or score > 40:
            if index > last_index:
                last_index = index
            time.sleep(0.2)
            continue
        # Once more after a moment: the picture is whole (a sixel picture is drawn band by band).
        time.sleep(min(1.0, period / 4))
        again = take()
        if slide_box(again) == box and which_slide(again.crop(box), slides)[0] == index:
            shots[index] = Shot(index, again.crop(box), box)
        last_index = max(last_index, index)
    return [shots[i] for i in sorted(shots)]


def run_path(
    path: ShowPath, display: str, host: Host, event: Path, slides: list[Slide], wanted: int, period: float
) -> list[Shot]:
    if path.name == "stage":
        return run_stage(host, slides, wanted, period)
    argv = path.argv + [sys.executable, "-m", "battledecks", "screen", str(event)]
    window = Window(display, argv, REPO, **path.env)
    try:
        # The audience screen is up (between talks it names who is next) before the talk starts.
        wait_for(
            lambda: max(window.screenshot().convert("L").resize((64, 36)).tobytes()) > 40, 60, "the audience screen"
        )
        host.start_talk()
        shots = capture_talk(window.screenshot, slides, wanted, period)
        host.abort_talk()
        return shots
    finally:
        window.close()


def run_stage(host: Host, slides: list[Slide], wanted: int, period: float) -> list[Shot]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": SCREEN[0], "height": SCREEN[1]})
            page.goto(host.url + "stage")
            time.sleep(2)
            host.start_talk()

            def take() -> Image.Image:
                from io import BytesIO

                return Image.open(BytesIO(page.screenshot())).convert("RGB")

            shots = capture_talk(take, slides, wanted, period)
        finally:
            browser.close()
    host.abort_talk()
    return shots


# --- figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    """What one path showed of the deck."""

    slides_read: int
    size_on_screen: tuple[int, int]
    share_of_screen: float
    near: dict[int, float]
    """Word recall per text size, as shown."""
    far: dict[int, float]
    """Word recall per text size, the screenshot halved."""
    colour_error: float
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    seconds: float = 0.0

    def line(self, name: str) -> str:
        recalls = "  ".join(f"{size} px {100 * self.near[size]:3.0f}/{100 * self.far[size]:3.0f}" for size in SIZES)
        width, height = self.size_on_screen
        return (
            f"{name:20s} {width}x{height} ({100 * self.share_of_screen:.0f}% of the screen)  recall near/far: {recalls}"
            f"  colour error {self.colour_error:.1f}  ({self.slides_read} slides; {load()})"
        )


def read_shots(shots: list[Shot], slides: list[Slide]) -> Figures:
    near: dict[int, list[int]] = {size: [0, 0] for size in SIZES}
    far: dict[int, list[int]] = {size: [0, 0] for size in SIZES}
    errors = []
    for shot in shots:
        slide = slides[shot.index]
        for table, picture in ((near, shot.picture), (far, shot.picture.reduce(2))):
            for size, (hit, total) in recall(slide, tesseract_words(picture)).items():
                table[size][0] += hit
                table[size][1] += total
        errors.append(colour_error(shot.picture, slide.path))
    box = shots[0].box
    width, height = box[2] - box[0], box[3] - box[1]
    return Figures(
        slides_read=len(shots),
        size_on_screen=(width, height),
        share_of_screen=width * height / (SCREEN[0] * SCREEN[1]),
        near={size: hit / total if total else 0.0 for size, (hit, total) in near.items()},
        far={size: hit / total if total else 0.0 for size, (hit, total) in far.items()},
        colour_error=statistics.mean(errors),
    )


def load() -> str:
    return "load " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [p.name for p in paths()]
    parser.add_argument("--paths", default=",".join(names), help=f"which paths, of {', '.join(names)}")
    parser.add_argument("--slides", type=int, default=12, help="slides to read in each talk (12)")
    parser.add_argument("--period", type=float, default=6.0, help="seconds each slide shows (6)")
    parser.add_argument("--keep", type=Path, default=None, help="save the screenshots' slide pictures here")
    parser.add_argument("--json", type=Path, default=None, help="also write the summary to this file")
    args = parser.parse_args()
    chosen = [p for p in paths() if p.name in args.paths.split(",")]
    needed = missing("Xvfb", "xdotool", "import", "tmux", "tesseract")
    if needed:
        print(
            f"legibility: cannot run without {', '.join(needed)} (apt-get install xvfb xdotool imagemagick tmux tesseract-ocr)"
        )
        return 0
    print(
        f"legibility: {len(chosen)} paths, {args.slides} slides each, {args.period:g} s a slide; {load()} at the start"
    )
    results: dict[str, Figures] = {}
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="battledecks-legibility-") as tmp:
        folder = Path(tmp)
        slides = make_deck(folder / "decks" / "text-heavy")
        (folder / "events").mkdir()
        event = folder / "events" / "legibility.yaml"
        event.write_text(
            yaml.safe_dump(
                {
                    "name": "Legibility",
                    "decks": "../decks",
                    "seconds": round(args.period * 12),
                    "countdown": 1,
                    "order": "listed",
                    "presenters": ["Ada"],
                },
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        with virtual_display() as display:
            host = Host(event)
            try:
                for path in chosen:
                    lacking = missing(*path.programs)
                    if path.name == "stage":
                        try:
                            import playwright  # noqa: F401
                        except ImportError:
                            lacking.append("playwright (pip)")
                    if lacking:
                        print(f"{path.name}: left out, {', '.join(lacking)} not installed")
                        continue
                    started = time.monotonic()
                    try:
                        shots = run_path(path, display, host, event, slides, min(args.slides, len(slides)), args.period)
                    except (TimeoutError, RuntimeError) as error:
                        print(f"{path.name}: failed: {error}")
                        continue
                    if not shots:
                        print(f"{path.name}: no slide was seen on screen")
                        continue
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        for shot in shots:
                            shot.picture.save(args.keep / f"{path.name}-{shot.index + 1:02d}.png")
                    figures = read_shots(shots, slides)
                    figures.load = os.getloadavg()
                    figures.seconds = time.monotonic() - started
                    results[path.name] = figures
                    print(figures.line(path.name))
            finally:
                host.close()
    report = {
        "load_start": load_start,
        "load_end": os.getloadavg(),
        "paths": {name: asdict(f) for name, f in results.items()},
    }
    text = json.dumps(report, indent=2, sort_keys=True)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
