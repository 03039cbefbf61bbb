"""Starting the talk on an image-heavy PDF deck: the longest stall of the app's loop and peak memory.

The deck: twelve pages, each one large photo-like picture that barely
compresses (made with Pillow). The app runs headless under Pilot, in a fresh
Python process for each way, with an interval timer on its loop noting every
tick; the longest gap between two ticks, from the draw until page 1 is on
stage, is how long the app was frozen. Peak memory is the process's peak
resident set over the same span (VmHWM, reset just before the draw), and
its growth over the resident set before the draw.

- before (the baseline, measured in the same run): the pages are drawn while
  the stage is built, on the UI thread, as when a talk started on a PDF deck
  nobody had prepared;
- after, start at once: the host starts the talk right after the reveal; the
  pages are drawn on the worker and the lineup waits for them;
- after, start later: the host starts once the lineup says nothing more
  (the pages were drawn while the reveal and the lineup were on screen).

    python benchmarks/pdf_start.py                 # 12 pages of 3000x1688
    python benchmarks/pdf_start.py --side 2000     # a smaller deck
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WAYS = {
    "before": "before: pages drawn on the UI thread as the stage is built",
    "at-once": "after: started at once, pages drawn on the worker",
    "later": "after: started once the slides are ready",
}


def _hwm_kb(field: str = "VmHWM") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_hwm() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # the peak then counts from the process's start


async def _one(way: str, pdf: Path, work: Path) -> dict[str, float]:
    """In this process: open the event, draw the PDF deck, start its talk the way given; return the figures."""
    import yaml

    from battledecks.core.show import Show
    from battledecks.ui.app import create_app
    from battledecks.ui.screens.stage import StageScreen
    from battledecks.ui.widgets.slide_view import SlideView
    from harness.waiting import until

    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    decks = work / "decks"
    decks.mkdir()
    (decks / "heavy.pdf").symlink_to(pdf)
    event = work / "events" / "night.yaml"
    event.parent.mkdir()
    # No countdown: page 1 is due the moment the talk starts (the clock is the real one).
    event.write_text(
        yaml.safe_dump({"name": "PDF night", "decks": "../decks", "presenters": ["Ada"], "seconds": 24, "countdown": 0})
    )
    app = create_app(event, show=Show.open(event, scan=False))
    async with app.run_test(size=(160, 45)) as pilot:

        async def wait(condition, what: str) -> object:  # noqa: ANN001
            return await until(condition, 300, what, pause=lambda: pilot.pause(0.02))

        await wait(lambda: app.show.scan.finished, "the decks checked")
        if way == "before":
            app.slides.stop()  # nothing prepared: the stage draws the pages as it is built
        ticks = [time.monotonic()]
        timer = app.set_interval(0.02, lambda: ticks.append(time.monotonic()))
        rss_before = _hwm_kb("VmRSS")
        _reset_hwm()
        began = time.monotonic()
        await pilot.press("enter")  # draw
        await pilot.press("space", "enter")  # reveal, close
        if way == "later":
            await wait(lambda: not app.slides.busy, "the slides prepared")
        asked = time.monotonic()
        if way == "before":
            app.push_screen(StageScreen("Ada"))
        else:
            await pilot.press("enter", "y")  # start the talk
        stage = await wait(
            lambda: isinstance(app.screen, StageScreen) and app.screen.clock is not None and app.screen, "the stage"
        )
        view = stage.query_one("#slide", SlideView)
        await wait(lambda: view.shown is not None and view.index == 0, "page 1 on stage")
        shown = time.monotonic()
        ticks.append(shown)
        timer.stop()
        peak = _hwm_kb()
        spans = [b - a for a, b in zip(ticks, ticks[1:]) if a >= began - 0.05]
        return {
            "stall": max(spans),
            "peak_mb": peak / 1024,
            "growth_mb": (peak - rss_before) / 1024,
            "start_to_page1": shown - asked,
            "draw_to_page1": shown - began,
        }


def _child(way: str, pdf: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        figures = asyncio.run(_one(way, pdf, Path(work)))
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", type=int, default=3000, help="width of each page in pixels (16:9; default 3000)")
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--way", choices=sorted(WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--pdf", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        _child(args.way, args.pdf)
        return 0

    from harness.pdfs import make_heavy_pdf

    with tempfile.TemporaryDirectory() as folder:
        pdf = make_heavy_pdf(Path(folder) / "heavy.pdf", args.pages, (args.side, args.side * 9 // 16))
        print(f"deck: {args.pages} pages of {args.side}x{args.side * 9 // 16}, {pdf.stat().st_size / 1e6:.0f} MB PDF")
        results = {}
        for way, label in WAYS.items():
            done = subprocess.run(
                [sys.executable, __file__, "--way", way, "--pdf", str(pdf)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if done.returncode != 0:
                print(f"{label}: failed\n{done.stderr[-2000:]}")
                return 1
            results[way] = figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{label:58} longest UI stall {figures['stall']:6.2f} s, peak memory {figures['peak_mb']:5.0f} MB "
                f"(+{figures['growth_mb']:4.0f} MB), start to page 1 {figures['start_to_page1']:5.2f} s",
                flush=True,
            )
        base = results["before"]["stall"]
        for way in ("at-once", "later"):
            print(f"longest stall, {WAYS[way]}: {results[way]['stall'] / base:.2f} of the baseline's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
