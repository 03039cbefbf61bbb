"""The audience screen's closed vote: how the room's phones voted, a bar per score with its count.

The room sees it once the host has closed the vote, for a while (the room
view's ``voted``, :data:`battledecks.room.view.VOTED_SHOWN`), never while the
vote is open. The bars stand side by side, as tall as the screen allows, in
eighths of a cell (``▁▂▃▄▅▆▇█``): the tallest fills the chart, the others
their share of it. Each bar's count stands on top of it and its score under it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from battledecks.core.words import plural

from .big_text import BigText

EIGHTHS = " ▁▂▃▄▅▆▇█"
"""A cell filled from the bottom by 0 to 8 eighths."""

BAR, COUNT, NONE, SCORE = "bar", "count", "none", "score"
"""What a piece of the chart is: a bar, a bar's count, the count of a score nobody gave, a score."""


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str | None = None


def spread_chart(bars: list[tuple[str, int]], width: int, height: int) -> list[list[Piece]]:
    """The chart of ``bars`` ((score, count), lowest score first) in ``width x height`` cells, as lines of pieces.

    The bottom line has the scores, the line above each bar its count; the
    bars take the rest, the tallest all of it. A bar with votes is at least an
    eighth of a cell high. Scores that do not fit under every bar show under every
    other one (or every third...), counts always.
    """
    n = len(bars)
    if not n or width < n or height < 3:
        return []
    col = width // n
    margin = " " * ((width - col * n) // 2)
    bar_width = max(1, col - max(1, col // 4)) if col > 1 else 1
    pad = (col - bar_width) // 2
    rows = height - 2  # the bars' rows: a line for the tallest's count above, one for the scores below
    most = max(1, *(count for _, count in bars))
    eighths = [0 if count == 0 else max(1, round(8 * rows * count / most)) for _, count in bars]
    label_width = max(len(score) for score, _ in bars)
    every = max(1, math.ceil((label_width + 1) / col)) if col <= label_width else 1

    def cell(text: str) -> str:
        """``text`` centred in a column, cut to it."""
        text = text[:col]
        left = (col - len(text)) // 2
        return " " * left + text + " " * (col - left - len(text))

    lines: list[list[Piece]] = []
    for row in range(rows, -1, -1):  # from the top line (the tallest bar's count) down to the bars' bottom row
        line = [Piece(margin)]
        for (_, count), height8 in zip(bars, eighths):
            filled = max(0, min(8, height8 - 8 * row))
            if filled:
                line.append(Piece(" " * pad + EIGHTHS[filled] * bar_width + " " * (col - pad - bar_width), BAR))
            elif row == math.ceil(height8 / 8):
                line.append(Piece(cell(str(count)), COUNT if count else NONE))
            else:
                line.append(Piece(" " * col))
        lines.append(line)
    scores = [Piece(margin)]
    for i, (score, _) in enumerate(bars):
        scores.append(Piece(cell(score) if i % every == 0 else " " * col, SCORE))
    lines.append(scores)
    return lines


class SpreadChart(Widget):
    """The bars, as big as the widget."""

    DEFAULT_CSS = """
    SpreadChart { width: 100%; height: 1fr; background: black; color: $warning; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars: list[tuple[str, int]] = []

    def show_bars(self, bars: list[tuple[str, int]]) -> None:
        if bars != self.bars:
            self.bars = bars
            self.refresh()

    def lines(self) -> list[list[Piece]]:
        """The chart as drawn at the widget's size now."""
        return spread_chart(self.bars, self.size.width, self.size.height)

    def render(self) -> Text:
        styles = {
            BAR: self.rich_style,  # the widget's colour on its background
            COUNT: Style(bold=True, color="white"),
            NONE: Style(color="grey50"),
            SCORE: Style(bold=True, color="grey85"),
        }
        text = Text(no_wrap=True, overflow="crop")
        for i, line in enumerate(self.lines()):
            if i:
                text.append("\n")
            for piece in line:
                text.append(piece.text, styles.get(piece.kind) if piece.kind else None)
        return text


class VoteSpread(Widget):
    """Whom the room voted for and how many phones did, big, over a bar per score with its count."""

    DEFAULT_CSS = """
    VoteSpread { width: 100%; height: 100%; layout: vertical; background: black; padding: 0 2; }
    VoteSpread #voted-label { width: 100%; height: 1; text-align: center; color: $text-muted; background: black; }
    VoteSpread #voted-head { width: 100%; color: $text; background: black; }
    VoteSpread SpreadChart { margin-top: 1; }
    """

    HEAD_SHARE = 6
    """The presenter and the count take a sixth of the screen's height, like the talk's bar."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.voted: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Static("How the room voted", id="voted-label")
        yield BigText("", id="voted-head")
        yield SpreadChart(id="voted-bars")

    def on_resize(self) -> None:
        self.query_one("#voted-head", BigText).styles.height = max(1, -(-self.size.height // self.HEAD_SHARE))

    def show_voted(self, voted: dict[str, Any]) -> None:
        """Show the room view's ``voted``: presenter, count and bars ({"score": "7", "count": 3}, lowest first)."""
        if voted == self.voted:
            return
        self.voted = dict(voted)
        bars = [
            (str(b.get("score", "")), int(b.get("count") or 0)) for b in voted.get("bars") or [] if isinstance(b, dict)
        ]
        head = f"{voted.get('presenter') or ''} · {plural(int(voted.get('count') or 0), 'vote')}"
        self.query_one("#voted-head", BigText).update(head)
        self.query_one(SpreadChart).show_bars(bars)
