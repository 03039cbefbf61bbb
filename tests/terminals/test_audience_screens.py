"""``battledecks screen`` in real terminals on a virtual X display, following a host's app run with ``--serve``.

The host's app runs in tmux (its keys are sent with send-keys, its screen read
with capture-pane); the audience screen runs in xterm -ti vt340 (sixel) or
kitty on Xvfb. During the talk a screenshot of the audience terminal must hold
the slide at full resolution (correlating with the slide file, and keeping far
more of its fine detail than the same screen in half cells), the countdown
must be on screen and ticking, PAUSED must show and the countdown stop while
the host pauses, and an abort must take the slide off the room's screen. The
screenshots of the last run are kept in ``tests/terminals/artefacts/``.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

if sys.platform != "linux":
    pytest.skip("real-terminal tests run on Linux (Xvfb)", allow_module_level=True)

from harness.phoning import free_port  # noqa: E402
from harness.terminals import (  # noqa: E402
    ARTEFACTS,
    COLS,
    DETAIL_GAIN,
    FULL_RESOLUTION_MIN,
    PICTURE_MIN,
    ROWS,
    TERMINALS,
    Terminal,
    best_match,
    difference,
    lit,
    python,
    slide_box,
    wait_for,
)
from tests.builders import build_event  # noqa: E402
from tests.tmux import Terminal as TmuxTerminal  # noqa: E402

# One real-terminal test at a time (under pytest-xdist, all on one worker): screenshots of a busy display.
pytestmark = [
    pytest.mark.system,
    pytest.mark.xdist_group("real-terminals"),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

BELOW_SLIDE = 8
"""Cell rows under the slide on the audience screen at 45 rows: the bar, a sixth of the screen."""

CLOCK_LIT = 0.02
"""Least share of lit pixels where the countdown is (its big digits); an empty bar has none."""

PAUSED_WARM = 0.05
"""Least share of warm (yellow to orange) pixels in the bar while it says PAUSED; none otherwise."""


def warm(picture: Image.Image) -> float:
    """Share of the picture's pixels in the warning colour (yellow in xterm, orange in kitty)."""
    pixels = list(picture.convert("RGB").getdata())
    return sum(r > 150 and g > 100 and b < 100 and r - b > 100 for r, g, b in pixels) / max(1, len(pixels))


class Room:
    """An audience screen in a real terminal, and what it shows of the talk."""

    def __init__(self, x_display: str, terminal: str, event: Path, slides: list[Path], *extra: str) -> None:
        argv = TERMINALS[terminal] + [python(), "-m", "battledecks", "screen", str(event), *extra]
        self.name = terminal + ("-" + extra[-1] if extra else "")
        self.slides = slides
        self.term = Terminal(x_display, argv, cwd=Path(__file__).resolve().parents[2])
        self.last: list[object] = []

    def slide(self) -> tuple[Image.Image, tuple[int, int, int, int], int, dict[str, float]]:
        """Wait for a slide filling the screen; (screenshot, box, slide index, figures)."""
        cell_height = self.term.geometry()[3] / ROWS

        def on_screen() -> tuple[object, ...] | None:
            shot = self.term.screenshot()
            box = slide_box(shot, BELOW_SLIDE, cell_height)
            if box is None or box[2] - box[0] < shot.width * 0.6:
                return None
            index, score = best_match(shot, box, self.slides)
            self.last[:] = [(box, index, score["picture"])]
            return (shot, box, index, score) if score["picture"] > 0.5 else None

        found = wait_for(on_screen, 90, f"a slide on the audience screen in {self.name}", interval=0.5)
        return found  # type: ignore[return-value]

    def clock(self, box: tuple[int, int, int, int]) -> Image.Image:
        """The countdown's corner of the bar under the slide, in a screenshot taken now."""
        shot = self.term.screenshot()
        return shot.crop((4, min(shot.height - 8, box[3] + 4), shot.width // 3, shot.height - 4))

    def bar(self, box: tuple[int, int, int, int]) -> Image.Image:
        """The bar right of the countdown (the slide number, then PAUSED or the presenter)."""
        shot = self.term.screenshot()
        return shot.crop((shot.width // 3, min(shot.height - 8, box[3] + 4), shot.width - 4, shot.height - 4))

    def save(self, shot: Image.Image, what: str = "") -> None:
        shot.save(ARTEFACTS / f"screen-{self.name}{what}.png")

    def close(self) -> None:
        self.term.close()


def host_starts_the_talk(host: TmuxTerminal, first: bool) -> None:
    if first:
        host.press("Enter", "will present", 60)  # the draw
        host.press("Enter", "put Ada on stage", 30)
    host.press("Enter", "Start Ada's talk", 30)
    host.press("y", "Pause", 30)


@pytest.mark.parametrize("terminal", ["xterm-vt340", "kitty"])
def test_the_audience_screen_shows_the_hosts_talk_at_full_resolution(
    display: str,
    tmp_path: Path,
    quarterly: list[Path],
    terminal: str,
    tmux,  # noqa: ANN001
) -> None:
    slides = quarterly
    event = build_event(
        tmp_path / "events", "room", title="Room", seconds=120, countdown=1, order="listed", presenters=["Ada"]
    )
    port = free_port()
    host = tmux([python(), "-m", "battledecks", "run", str(event), "--serve", f"127.0.0.1:{port}"], (COLS, ROWS))
    try:
        host.wait_for(f"127.0.0.1:{port}", 60)
        full = watch_a_talk(display, terminal, event, slides, host, first=True)
        half = watch_a_talk(display, terminal, event, slides, host, first=False, extra=("--graphics", "halfcell"))
    finally:
        host.close()
    assert full["picture"] >= FULL_RESOLUTION_MIN, full
    assert half["picture"] >= PICTURE_MIN, half
    assert full["detail"] >= half["detail"] + DETAIL_GAIN, (full, half)


def watch_a_talk(
    x_display: str,
    terminal: str,
    event: Path,
    slides: list[Path],
    host: TmuxTerminal,
    *,
    first: bool,
    extra: tuple[str, ...] = (),
) -> dict[str, float]:
    """Open the audience screen, let the host start (and in the end abort) a talk; the slide's figures."""
    room = Room(x_display, terminal, event, slides, *extra)
    try:
        wait_for(lambda: lit(room.term.screenshot()) > 0.01, 60, "the audience screen")
        host_starts_the_talk(host, first)
        shot, box, index, score = room.slide()
        room.save(shot)
        print(
            f"screen {room.name}: slide {index + 1}, box {box}, picture {score['picture']:.3f}, detail {score['detail']:.3f}"
        )
        assert score["mean"] > 40, f"the slide is nearly black in {room.name}"

        # The countdown is there, big, and ticks.
        before = room.clock(box)
        assert lit(before) > CLOCK_LIT, f"no countdown under the slide in {room.name}"
        wait_for(lambda: difference(room.clock(box), before) > 0.001, 20, "the countdown to tick")

        # The host pauses: a big PAUSED (in the warning colour) shows in the bar and the countdown stops.
        assert warm(room.bar(box)) < PAUSED_WARM
        host.keys("Space")
        wait_for(lambda: warm(room.bar(box)) > PAUSED_WARM, 30, "PAUSED on the audience screen")
        stopped = room.clock(box)
        time.sleep(1.5)  # a running countdown would change in this time
        assert difference(room.clock(box), stopped) == 0, "the countdown kept running while paused"
        room.save(room.term.screenshot(), "-paused")
        host.keys("Space")
        wait_for(lambda: warm(room.bar(box)) < PAUSED_WARM, 30, "PAUSED to go")
        wait_for(lambda: difference(room.clock(box), stopped) > 0.001, 20, "the countdown to run again")

        # The host aborts: the slide leaves the room's screen.
        host.press("Escape", "Keep going", 30)
        host.press("y", "Ada", 30)

        def gone() -> bool:
            shot = room.term.screenshot()
            found = slide_box(shot, BELOW_SLIDE, room.term.geometry()[3] / ROWS)
            return found is None or best_match(shot, found, slides)[1]["picture"] < 0.5

        wait_for(gone, 30, "the slide to leave the audience screen after the abort")
        room.save(room.term.screenshot(), "-aborted")
        host.wait_for("Next step", 30)
        return score
    except AssertionError as error:
        room.save(room.term.screenshot(), "-failed")
        raise AssertionError(f"{error}; last picture found (box, slide, correlation): {room.last}") from None
    finally:
        room.close()
