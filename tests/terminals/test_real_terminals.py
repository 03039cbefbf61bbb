"""battledecks in real terminals on a virtual X display: the slide is really on screen.

For each terminal a rehearsal talk (no countdown, 5 s a slide) runs in the
installed command; keys are typed with xdotool; a screenshot during the talk
is compared with the slide files: the picture must be there (not black, not
a grid of placeholder boxes) and correlate with its slide; full-resolution
pictures must be measurably closer to the slide than the same slide drawn in
half cells. The screenshots of the last run are kept in
``tests/terminals/artefacts/``.

Runs wherever Linux is: ``.ci/run`` installs Xvfb, xterm, kitty, xdotool and
ImageMagick.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageStat

if sys.platform != "linux":
    pytest.skip("real-terminal tests run on Linux (Xvfb)", allow_module_level=True)

from battledecks.ui.screens.stage import bar_rows  # noqa: E402

# One real-terminal test at a time (under pytest-xdist, all on one worker): screenshots of a busy display.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("real-terminals")]

from harness.terminals import (  # noqa: E402
    ARTEFACTS,
    COLS,
    DETAIL_GAIN,
    FULL_RESOLUTION_MIN,
    PICTURE_MIN,
    ROWS,
    TERMINALS,
    TMUX_SOCKET,
    Terminal,
    best_match,
    correlation,
    lit,
    python,
    slide_box,
    wait_for,
)
from tests.builders import build_event  # noqa: E402

BELOW_SLIDE = bar_rows(ROWS) + 1
"""Cell rows under the slide on stage: the bar (a sixth of the screen) and the key footer (1)."""


@pytest.fixture
def rehearsal(tmp_path: Path, quarterly: list[Path]) -> tuple[Path, list[Path]]:
    """An event with one 12-slide deck of detailed slides, 60 s talks, no countdown."""
    path = build_event(
        tmp_path / "events", "rehearsal", title="Rehearsal", seconds=60, countdown=0, order="listed", presenters=["Ada"]
    )
    return path, quarterly


After = Callable[[Terminal, dict[str, object], Callable[[str], bool]], None]


def run_talk(
    display: str, terminal: str, event: Path, slides: list[Path], *extra: str, then: After | None = None
) -> dict[str, object]:
    """Start a talk in ``terminal``; return the screenshot of a slide and its figures.

    ``then`` is called with the terminal, those figures and a check of the
    record (``logged("pause")``) while the talk goes on.
    """
    argv = TERMINALS[terminal] + [python(), "-m", "battledecks", "run", str(event), *extra]
    term = Terminal(display, argv, cwd=Path(__file__).resolve().parents[2])
    try:
        # The lineup is up once its header, table and footer are drawn.
        wait_for(lambda: lit(term.screenshot()) > 0.02, 60, "the lineup")
        record = event.with_name(event.stem + ".record.yaml")

        def logged(kind: str) -> bool:
            return record.exists() and f'"kind": "{kind}"' in record.read_text(encoding="utf-8")

        def press_until(keys: list[str], kind: str) -> None:
            # A key typed while the app is still starting can be lost: type
            # again until the record shows what the keys lead to.
            for key in keys:
                if logged(kind):
                    return
                try:
                    term.settled()
                except AssertionError:
                    pass  # something on screen still moves (a busy machine): type anyway
                if logged(kind):
                    return
                term.key(key)
                try:
                    wait_for(lambda: logged(kind), 2.0, kind)
                except AssertionError:
                    continue
            assert logged(kind), f"{kind} never came in the record"

        press_until(["Return"] * 4, "draw")  # draw a deck
        # Close the draw (its reveal may take a key of its own), start the
        # talk, confirm.
        press_until(["Return", "y"] * 6, "talk-start")

        cell_height = term.geometry()[3] / ROWS

        def slide_on_screen() -> tuple[object, ...] | None:
            shot = term.screenshot()
            # Inside tmux its status line is one more row under the slide.
            box = slide_box(shot, BELOW_SLIDE + terminal.endswith("-tmux"), cell_height)
            # The picture fills most of the stage's width, not a corner of it.
            if box is None or box[2] - box[0] < shot.width * 0.6:
                return None
            index, score = best_match(shot, box, slides)
            last[:] = [(box, index, score["picture"])]
            return (shot, box, index, score) if score["picture"] > 0.5 else None

        last: list[object] = []

        shot, box, index, score = wait_for(slide_on_screen, 60, f"a slide on screen in {terminal}", interval=0.5)
        name = f"{terminal}{'-' + extra[-1] if extra else ''}"
        shot.save(ARTEFACTS / f"{name}.png")
        print(f"{name}: slide {index + 1}, box {box}, picture {score['picture']:.3f}, detail {score['detail']:.3f}")
        assert score["mean"] > 40, f"the slide is nearly black in {terminal}"
        found = {"shot": shot, "box": box, "index": index, "cell_height": cell_height, "name": name, **score}
        if then is not None:
            then(term, found, logged)
        return found
    except AssertionError as error:
        term.screenshot().save(ARTEFACTS / f"{terminal}-failed.png")
        raise AssertionError(f"{error}; last picture found (box, slide, correlation): {locals().get('last')}") from None
    finally:
        term.close()


def test_xterm_sixel_shows_the_slide_at_full_resolution(
    display: str, rehearsal: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    event, slides = rehearsal
    full = run_talk(display, "xterm-vt340", event, slides)
    assert full["picture"] >= FULL_RESOLUTION_MIN
    # The same terminal, the same slides, half cells: full resolution keeps more of the detail.
    # (another folder: a deck shown is kept out of later draws of its folder's events)
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "decks").symlink_to(tmp_path / "decks")
    half_event = tmp_path / "half" / "events" / "halfcell.yaml"
    half_event.parent.mkdir()
    half_event.write_text(event.read_text().replace("Rehearsal", "Half cells"), encoding="utf-8")
    half = run_talk(display, "xterm-vt340", half_event, slides, "--graphics", "halfcell")
    assert half["picture"] >= PICTURE_MIN
    assert full["detail"] >= half["detail"] + DETAIL_GAIN, (full, half)
    # Sharper: the full-resolution picture is bigger than half cells can ever be.
    box = full["box"]
    assert box[2] - box[0] > 2 * COLS  # type: ignore[index, operator]


def test_plain_xterm_falls_back_to_half_cells(display: str, rehearsal: tuple[Path, list[Path]]) -> None:
    event, slides = rehearsal
    half = run_talk(display, "xterm", event, slides)
    assert half["picture"] >= PICTURE_MIN


def test_kitty_0_26_shows_the_slide_at_full_resolution(display: str, rehearsal: tuple[Path, list[Path]]) -> None:
    event, slides = rehearsal
    full = run_talk(display, "kitty", event, slides)
    assert full["picture"] >= FULL_RESOLUTION_MIN


def test_xterm_sixel_inside_tmux_without_sixels_keeps_clean_half_cells(
    display: str, rehearsal: tuple[Path, list[Path]]
) -> None:
    event, slides = rehearsal
    installed = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=True).stdout.strip()
    try:
        half = run_talk(display, "xterm-vt340-tmux", event, slides)
        # Nothing the app asked the terminal leaked into tmux (the kitty query would become the pane's title).
        title = subprocess.run(
            ["tmux", "-L", TMUX_SOCKET, "display", "-p", "#{pane_title}"], capture_output=True, text=True
        ).stdout
        assert "\x1b" not in title and "a=q" not in title, f"the pane's title is {title!r}"
    finally:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], capture_output=True, check=False)
    # No sixel garbage and no black: the slide in half cells, as in a plain xterm.
    assert half["picture"] >= PICTURE_MIN
    if installed < "tmux 3.4":
        assert half["detail"] < 0.3, f"{installed} draws no sixels, yet the slide has full-resolution detail"


# --- what is drawn over the slide -----------------------------------------------

LIT_TEXT = 0.05
"""Least share of lit pixels where big text (the countdown, Time!) is drawn."""


def bar_region(shot: Image.Image, box: tuple[int, int, int, int], cell_height: float) -> Image.Image:
    """The stage's bar under the slide: the countdown and the slide number (the footer left out)."""
    return shot.crop((0, box[3], shot.width, max(box[3] + 1, int(shot.height - cell_height))))


def text_over_the_slide(slides: list[Path]) -> After:
    """Checks of the countdown, a question over the stage and Time!, in a running talk."""

    def check(term: Terminal, found: dict[str, object], logged: Callable[[str], bool]) -> None:
        name = found["name"]
        box = found["box"]
        cell_height = found["cell_height"]
        assert isinstance(box, tuple) and isinstance(cell_height, float)
        # The countdown and the slide number are drawn beside the picture, not under it.
        bar = bar_region(found["shot"], box, cell_height)  # type: ignore[arg-type]
        assert lit(bar) > LIT_TEXT, f"the countdown is not on screen in {name}"

        # A question over the stage pauses the talk; the slide stays, dimmed, behind it.
        term.key("K")
        wait_for(lambda: logged("pause"), 30, "the talk to pause for the question")
        seen: list[object] = []

        def dimmed() -> tuple[Image.Image, dict[str, float]] | None:
            shot = term.screenshot()
            # The question sits in the middle: the top of the slide shows whole.
            score = max((top_match(shot, box, path) for path in slides), key=lambda found: found["picture"])
            seen[:] = [score]
            # Still a slide of the deck (not black), the question (dark) in its middle,
            # and in truecolour darker than a slide on stage (the deck's slides are
            # about as bright); xterm's 16 colours barely dim it.
            middle = ImageStat.Stat(shot.crop(_centre(box)).convert("L")).mean[0]
            darker = name not in DIMMED or score["mean"] < DIMMED[name] * float(found["mean"])  # type: ignore[arg-type]
            if score["picture"] > DIMMED_MIN[name] and score["mean"] > 20 and middle < score["mean"] - 40 and darker:
                return shot, score | {"middle": middle}
            return None

        try:
            shot, score = wait_for(dimmed, 60, f"the slide dimmed behind the question in {name}", interval=0.5)
        except AssertionError as error:
            raise AssertionError(f"{error}: last seen slide {seen}") from None
        shot.save(ARTEFACTS / f"{name}-question.png")
        print(
            f"{name} question: picture {score['picture']:.3f}, mean {score['mean']:.0f} (talk {found['mean']:.0f}),"
            f" question {score['middle']:.0f}"
        )
        term.key("Escape")  # keep the slide: the talk goes on

        # Time!: big, on black; the slide's picture is gone.
        wait_for(lambda: logged("talk-end"), 120, "the end of the talk")

        def time_up() -> Image.Image | None:
            shot = term.screenshot()
            area = shot.crop(box)
            _, score = best_match(shot, box, slides)
            return shot if lit(area) > LIT_TEXT and score["picture"] < 0.3 and score["mean"] < 120 else None

        wait_for(time_up, 60, f"Time! over the stage in {name}", interval=0.5).save(ARTEFACTS / f"{name}-time.png")

    return check


DIMMED_MIN = {"kitty": 0.6, "xterm-vt340": 0.2}
"""Least correlation of the top of the dimmed slide behind a question with its file.

Half cells, dimmed by Textual. xterm's TERM=xterm makes Textual write 16
colours, so dimmed colours come out coarse there. Measured on Debian 12:
kitty 0.78-0.80, xterm 0.33-0.48; a black slide area scores 0.
"""


DIMMED = {"kitty": 0.8}
"""Where Textual writes truecolour, the slide behind a question is at most this bright (share of on stage)."""


def top_match(shot: Image.Image, box: tuple[int, int, int, int], slide: Path) -> dict[str, float]:
    """How close the top quarter of the picture in ``box`` is to that of ``slide``."""
    left, top, right, bottom = box
    picture = shot.crop((left, top, right, top + (bottom - top) // 4))
    with Image.open(slide) as source:
        theirs = source.convert("RGB")
        theirs = theirs.crop((0, 0, theirs.width, theirs.height // 4))
        size = (640, max(1, round(640 * picture.height / picture.width)))
        return {
            "picture": correlation(
                picture.resize(size, Image.Resampling.BOX), theirs.resize(size, Image.Resampling.BOX)
            ),
            "mean": ImageStat.Stat(picture.convert("L")).mean[0],
        }


def _centre(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Where the question is: the middle of the slide, and a little below (it is centred on the screen)."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    x, y = left + width // 2, top + height // 2
    return x - width // 8, y, x + width // 8, y + height // 8


@pytest.mark.parametrize("terminal", ["kitty", "xterm-vt340"])
def test_text_and_questions_over_the_slide_stay_visible(
    display: str, tmp_path: Path, quarterly: list[Path], terminal: str
) -> None:
    # A 36 s talk (3 s a slide), which the test waits out to see Time!: long enough to find the slide and ask
    # the question first, even on a busy machine (that takes about 5 s).
    event = build_event(
        tmp_path / "events", "questions", title="Rehearsal", seconds=36, countdown=0, order="listed", presenters=["Ada"]
    )
    slides = quarterly
    run_talk(display, terminal, event, slides, then=text_over_the_slide(slides))
