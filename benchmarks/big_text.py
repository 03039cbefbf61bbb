"""What big text costs: one new countdown second, and the same text again.

Run: python benchmarks/big_text.py [--repeat N]

In a headless app of 240x67 and of 80x24 cells, with a countdown box the
full width and a sixth of the height, prints the median and worst time over
N successive countdown seconds of

* BigText: ``update(text)`` and rendering every line of the widget (layout,
  Pillow drawing and half-cell strips, what a countdown pays once a second);
* the same texts again: the cache lookup (a redraw, a screen shown again);
* Textual's ``Digits`` widget (what the stage used before), updated and
  rendered the same way, as the baseline in the same run, and the ratio;
* a full-screen deck title on up to 3 lines, new text.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Digits

from battledecks.render import bigtext
from battledecks.ui.widgets.big_text import BigText

SIZES = ((240, 67), (80, 24))


class _Bench(App[None]):
    CSS = "#count, Digits { height: 1fr; width: 1fr; color: yellow; background: black; }"

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield BigText("5:00", id="count", fit_as="0:00")
        yield Digits("5:00")
        yield BigText("", id="title", max_lines=3)

    def on_mount(self) -> None:
        box = max(4, self.rows // 6)
        self.query_one("#count").styles.height = box
        self.query_one(Digits).styles.height = box
        self.query_one("#title").styles.height = self.rows - 2 * box


def _times(widget, texts: list[str]) -> list[float]:
    out = []
    region = Region(0, 0, widget.size.width, widget.size.height)
    for text in texts:
        start = time.perf_counter()
        widget.update(text)
        widget._styles_cache.clear()
        widget.render_lines(region)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _line(name: str, values: list[float]) -> str:
    return f"{name:<52} median {statistics.median(values):7.3f} ms   max {max(values):7.3f} ms"


async def _run(cols: int, rows: int, repeat: int) -> None:
    seconds = [f"{s // 60}:{s % 60:02d}" for s in range(299, 299 - repeat, -1)]
    titles = [f"The Scalable Centrifuge {i}: Lessons from the Field Station" for i in range(max(5, repeat // 6))]
    app = _Bench(rows)
    async with app.run_test(size=(cols, rows)) as pilot:
        await pilot.pause()
        count = app.query_one("#count", BigText)
        digits = app.query_one(Digits)
        bigtext.clear_cache()
        new = _times(count, seconds)
        again = _times(count, seconds)
        base = _times(digits, seconds)
        title = _times(app.query_one("#title", BigText), titles)
        where = f"{cols}x{rows}"
        print(f"{where}: countdown box {count.size.width}x{count.size.height} cells, drawn big: {count.is_big}")
        print(_line(f"{where}: BigText countdown, new text", new))
        print(_line(f"{where}: BigText countdown, same text again", again))
        print(_line(f"{where}: baseline, Textual Digits", base))
        print(
            f"{where}: BigText new text / Digits = {statistics.median(new) / statistics.median(base):.1f}x, "
            f"cached / Digits = {statistics.median(again) / statistics.median(base):.2f}x"
        )
        print(
            _line(
                f"{where}: title {app.query_one('#title').size.width}x{app.query_one('#title').size.height}"
                " cells, up to 3 lines, new",
                title,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60, help="countdown seconds timed per figure (default 60)")
    args = parser.parse_args()
    for cols, rows in SIZES:
        asyncio.run(_run(cols, rows, args.repeat))


if __name__ == "__main__":
    main()
