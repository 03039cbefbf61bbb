"""A full-screen xterm with its default resources shows the slide at the size of its area, beyond maxGraphicSize.

xterm -ti vt340 takes sixel pictures of at most 1000x1000 pixels by default;
a full-screen window at 1920x1080 (320x83 cells of its default 6x13 font) has
a slide area about 1570x880 pixels. The slide is drawn there in tiles each
within the limit: on the host's stage, and on ``battledecks screen`` following
a host served from tmux. Each screenshot must hold one picture, far wider than
the limit, covering at least 60% of the screen and matching its slide file.
The screenshots are kept in ``tests/terminals/artefacts/``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

if sys.platform != "linux":
    pytest.skip("real-terminal tests run on Linux (Xvfb)", allow_module_level=True)

from harness.phoning import free_port  # noqa: E402
from harness.terminals import (  # noqa: E402
    ARTEFACTS,
    FULL_RESOLUTION_MIN,  # noqa: E402
    SCREEN,
    Terminal,
    best_match,
    build_slides,
    lit,
    python,
    slide_box,
    wait_for,
)
from tests.tmux import Terminal as Tmux  # noqa: E402

pytestmark = [pytest.mark.system]

FULL_SCREEN = (320, 83)
"""xterm's default font is 6x13 pixels: 320x83 cells fill a 1920x1080 screen."""

XTERM = ["xterm", "-ti", "vt340", "-geometry", f"{FULL_SCREEN[0]}x{FULL_SCREEN[1]}+0+0", "-e"]
"""xterm in sixel mode with its default resources (maxGraphicSize 1000x1000)."""

LIMIT = 1000
"""xterm's default maxGraphicSize, each way."""

SHARE_MIN = 0.6
"""Least share of the screen the slide must cover."""

BELOW = {"stage": 15, "screen": 14}
"""Cell rows under the slide: the bar (a sixth of 83 rows), and on the host's stage its key footer."""


def event_with(folder: Path, **keys: object) -> tuple[Path, list[Path]]:
    slides = build_slides(folder / "decks" / "quarterly")
    (folder / "events").mkdir()
    event = folder / "events" / "night.yaml"
    data = {"name": "Night", "decks": "../decks", "order": "listed", "presenters": ["Ada Lovelace"], **keys}
    event.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return event, slides


def full_size_slide(
    term: Terminal, slides: list[Path], below: int, what: str
) -> tuple[Image.Image, tuple[int, int, int, int], float]:
    """Wait for a slide wider than xterm's limit; (screenshot, its box, its share of the screen)."""
    cell_height = term.geometry()[3] / FULL_SCREEN[1]
    last: list[object] = []

    def on_screen() -> tuple[Image.Image, tuple[int, int, int, int], float] | None:
        shot = term.screenshot()
        box = slide_box(shot, below, cell_height)
        if box is None or box[2] - box[0] <= LIMIT:
            last[:] = [box]
            return None
        index, score = best_match(shot, box, slides)
        last[:] = [box, index + 1, round(score["picture"], 3)]
        if score["picture"] < FULL_RESOLUTION_MIN:
            return None
        share = (box[2] - box[0]) * (box[3] - box[1]) / (SCREEN[0] * SCREEN[1])
        return shot, box, share

    try:
        return wait_for(on_screen, 90, f"a full-size slide {what}", interval=0.5)
    except AssertionError as error:
        term.screenshot().save(ARTEFACTS / f"full-screen-{what}-failed.png")
        raise AssertionError(f"{error}; last seen (box, slide, correlation): {last}") from None


def test_the_hosts_stage_in_a_full_screen_xterm_shows_the_slide_beyond_its_sixel_limit(
    display: str, tmp_path: Path
) -> None:  # noqa: F811
    event, slides = event_with(tmp_path, seconds=60, countdown=0)
    term = Terminal(
        display, XTERM + [python(), "-m", "battledecks", "run", str(event)], cwd=Path(__file__).resolve().parents[2]
    )
    record = event.with_name("night.record.yaml")

    def logged(kind: str) -> bool:
        return record.exists() and f'"kind": "{kind}"' in record.read_text(encoding="utf-8")

    try:
        wait_for(lambda: lit(term.screenshot()) > 0.02, 60, "the lineup")
        for keys, kind in ((["Return"] * 4, "draw"), (["Return", "y"] * 6, "talk-start")):
            for key in keys:
                if logged(kind):
                    break
                term.key(key)
                try:
                    wait_for(lambda kind=kind: logged(kind), 2.0, kind)  # type: ignore[misc]
                except AssertionError:
                    continue
            assert logged(kind), f"{kind} never came in the record"
        shot, box, share = full_size_slide(term, slides, BELOW["stage"], "on the stage")
    finally:
        term.close()
    shot.save(ARTEFACTS / "full-screen-stage.png")
    print(f"stage: box {box}, {share:.0%} of the screen")
    assert share >= SHARE_MIN, (box, share)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_the_audience_screen_in_a_full_screen_xterm_shows_the_slide_beyond_its_sixel_limit(
    display: str, tmp_path: Path
) -> None:  # noqa: F811
    event, slides = event_with(tmp_path, seconds=120, countdown=1)
    port = free_port()
    host = Tmux([python(), "-m", "battledecks", "run", str(event), "--serve", f"127.0.0.1:{port}"], (160, 45))
    room: Terminal | None = None
    try:
        host.wait_for(f"127.0.0.1:{port}", 60)
        room = watching = Terminal(
            display,
            XTERM + [python(), "-m", "battledecks", "screen", str(event)],
            cwd=Path(__file__).resolve().parents[2],
        )
        wait_for(lambda: lit(watching.screenshot()) > 0.01, 60, "the audience screen")
        host.press("Enter", "will present", 60)
        host.press("Enter", "put Ada", 30)
        host.press("Enter", "Start Ada", 30)
        host.press("y", "Pause", 30)
        shot, box, share = full_size_slide(watching, slides, BELOW["screen"], "on the audience screen")
    finally:
        if room is not None:
            room.close()
        host.close()
    shot.save(ARTEFACTS / "full-screen-screen.png")
    print(f"screen: box {box}, {share:.0%} of the screen")
    assert share >= SHARE_MIN, (box, share)
