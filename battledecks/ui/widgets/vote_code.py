"""The audience screen's vote: the QR code that takes a phone to /vote, and the room code, big.

In a terminal one module of the code is one cell wide and one half cell high
(a cell is about twice as high as it is wide, so the modules are square). A
bigger terminal gets bigger modules, a whole number of cells each. Every
cell of the code carries its own colours, dark modules on an explicit light
background with the light quiet zone around them, and so does everything
around the code: whatever the terminal's own colours (xterm's default is
black on white), the code reads the same and nothing is left to the
terminal's default colours. The code's modules, and its SVG for a browser,
are :mod:`battledecks.room.votes.qr`.

Beside the code (below it, on a narrow screen) the room reads whom it votes
for, how many have voted, the address and the room code, the code drawn big
(:class:`~battledecks.ui.widgets.big_text.BigText`) for anyone typing it by
hand at the back of the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.color import Color
from rich.markup import escape
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from battledecks.core.words import plural
from battledecks.render import bigtext
from battledecks.render.halfcell import EIGHT_BIT, TRUECOLOR, UPPER_HALF
from battledecks.room.votes.qr import QUIET, qr_matrix

from .big_text import BigText

SMALL_QUIET = 2
"""What is left of it when the terminal is too small for 4 (phone cameras read it)."""

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)

EIGHT_BIT_BLACK, EIGHT_BIT_WHITE = 16, 231
"""Black and white of the xterm colour cube: unlike colours 0-15, no terminal theme redefines them."""

WORDS_BESIDE = 30
"""Columns the words need beside the code; narrower, they go below it."""

WORDS_BELOW = 9
"""Rows the words need below the code."""


@dataclass(frozen=True)
class TerminalCode:
    """A QR code fitted to a terminal area."""

    strips: list[Strip]
    """One strip per cell row; every segment has a foreground and a background colour."""
    scale: int
    """Cells per module across (and half cells per module down)."""
    quiet: int
    """Quiet zone in modules."""
    modules: int
    """Modules across, quiet zone not counted."""

    @property
    def width(self) -> int:
        return (self.modules + 2 * self.quiet) * self.scale

    @property
    def height(self) -> int:
        return len(self.strips)


def fit(modules: int, cols: int, rows: int) -> tuple[int, int] | None:
    """(scale, quiet) of the biggest code that fits ``cols x rows`` cells, or None if none does."""
    for quiet in (QUIET, SMALL_QUIET):
        side = modules + 2 * quiet
        scale = min(cols // side, (2 * rows) // side)
        if scale >= 1:
            return scale, quiet
    return None


def code_colors(color_system: str = TRUECOLOR) -> tuple[Color, Color]:
    """(dark, light): the code's two colours, exact in a truecolor terminal, the cube's black and white in 256 colours."""
    if color_system == TRUECOLOR:
        return Color.from_rgb(*BLACK), Color.from_rgb(*WHITE)
    return Color.from_ansi(EIGHT_BIT_BLACK), Color.from_ansi(EIGHT_BIT_WHITE)


def code_strips(matrix: list[list[bool]], scale: int, quiet: int, color_system: str = TRUECOLOR) -> list[Strip]:
    """The code's cell rows: a cell's top half is one module row, its bottom half the next, each in an explicit colour.

    A cell whose halves match is a space in that colour (foreground and
    background both set); one whose halves differ is "▀" with the top's
    colour on the bottom's. A last half row below the code is light.
    """
    dark, light = code_colors(color_system)
    n = len(matrix)
    side = (n + 2 * quiet) * scale

    def is_dark(x: int, y: int) -> bool:
        mx, my = x // scale - quiet, y // scale - quiet
        return 0 <= mx < n and 0 <= my < n and matrix[my][mx]

    cells = {
        (top, bottom): (
            " " if top == bottom else UPPER_HALF,
            Style(color=dark if top else light, bgcolor=dark if bottom else light),
        )
        for top in (False, True)
        for bottom in (False, True)
    }
    strips = []
    for row in range((side + 1) // 2):
        segments: list[Segment] = []
        run: tuple[str, Style] | None = None
        length = 0
        for x in range(side):
            cell = cells[(is_dark(x, 2 * row), 2 * row + 1 < side and is_dark(x, 2 * row + 1))]
            if cell != run:
                if run is not None:
                    segments.append(Segment(run[0] * length, run[1]))
                run, length = cell, 0
            length += 1
        if run is not None:
            segments.append(Segment(run[0] * length, run[1]))
        strips.append(Strip(segments, side))
    return strips


@lru_cache(maxsize=8)
def _matrix(url: str) -> list[list[bool]]:
    return qr_matrix(url)


def terminal_code(url: str, cols: int, rows: int, color_system: str = TRUECOLOR) -> TerminalCode | None:
    """The code for ``url`` as big as fits ``cols x rows`` cells; None if the area is too small to scan."""
    matrix = _matrix(url)
    fitted = fit(len(matrix), cols, rows)
    if fitted is None:
        return None
    scale, quiet = fitted
    return TerminalCode(code_strips(matrix, scale, quiet, color_system), scale, quiet, len(matrix))


class QrCode(Widget):
    """The code as big as fits the widget, centred; around it the widget's own colours, never the terminal's."""

    DEFAULT_CSS = """
    QrCode { width: 1fr; height: 1fr; background: black; }
    """

    def __init__(self, color_system: str | None = None, *, id: str | None = None) -> None:
        """``color_system``: "truecolor" or "256"; None: as the terminal has it."""
        super().__init__(id=id)
        self.color_system = color_system
        self.url = ""
        self._code: TerminalCode | None = None
        self._key: tuple[object, ...] | None = None

    def show_url(self, url: str) -> None:
        if url != self.url:
            self.url = url
            self.refresh()

    @property
    def code(self) -> TerminalCode | None:
        """The code as drawn at the widget's size now (None: no address, or too small to scan)."""
        width, height = self.size
        colors = self.color_system or (TRUECOLOR if self.app.console.color_system == "truecolor" else EIGHT_BIT)
        key = (self.url, width, height, colors)
        if key != self._key:
            self._key = key
            self._code = terminal_code(self.url, width, height, colors) if self.url else None
        return self._code

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        around = self.rich_style  # explicit colours (the widget's background) wherever the code is not
        code = self.code
        top = (height - code.height) // 2 if code else 0
        if code is None or not top <= y < top + code.height:
            return Strip.blank(width, around)
        left = max(0, (width - code.width) // 2)
        right = max(0, width - left - code.width)
        segments = [Segment(" " * left, around), *code.strips[y - top], Segment(" " * right, around)]
        return Strip([s for s in segments if s.text], width)


class VoteCode(Widget):
    """The audience screen's vote: the QR code as big as fits, and beside it (or below) whom the room votes for,
    the count, the address and the room code, big."""

    DEFAULT_CSS = """
    VoteCode { width: 1fr; height: 1fr; layout: horizontal; background: black; }
    VoteCode.-below { layout: vertical; }
    VoteCode #vote-words { width: 1fr; height: 1fr; align: center middle; padding: 0 1; background: black; }
    VoteCode.-below #vote-words { width: 100%; }
    VoteCode Static { width: 100%; height: auto; text-align: center; background: black; color: $text; }
    VoteCode #vote-for { text-style: bold; }
    VoteCode #vote-count { text-style: bold; margin-bottom: 1; }
    VoteCode #vote-code-label { color: $text-muted; }
    VoteCode #vote-room-code { width: 100%; height: 5; color: $warning; background: black; }
    VoteCode #vote-url { color: $text-muted; }
    """

    def __init__(self, color_system: str | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.color_system = color_system
        self.vote: dict[str, object] = {}
        self._arranged: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield QrCode(self.color_system, id="vote-qr")
        with Vertical(id="vote-words"):
            yield Static("", id="vote-for")
            yield Static("", id="vote-count")
            yield Static("room code", id="vote-code-label")
            yield BigText("", id="vote-room-code")
            yield Static("", id="vote-url")

    def show_vote(self, vote: dict[str, object]) -> None:
        if vote == self.vote:
            return
        self.vote = dict(vote)
        v = self.vote
        count = int(v.get("count") or 0)  # type: ignore[call-overload]
        step = f" ({step})" if (step := v.get("step")) else ""
        self.query_one("#vote-for", Static).update(escape(f"Vote for {v.get('presenter') or ''}{step}"))
        self.query_one("#vote-count", Static).update(plural(count, "vote"))
        self.query_one("#vote-room-code", BigText).update(str(v.get("code") or ""))
        self.query_one("#vote-url", Static).update(escape(str(v.get("url") or "Vote on your phone")))
        self.query_one(QrCode).show_url(str(v.get("url") or ""))
        self._arrange()

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """The code beside the words when the screen is wide enough for both, else above them; the room code as big
        as the words' width allows, right under its label."""
        width, height = self.size
        url, room = str(self.vote.get("url") or ""), str(self.vote.get("code") or "")
        key = (url, room, width, height)
        if key == self._arranged or not width or not height:
            return
        self._arranged = key
        qr = self.query_one(QrCode)
        modules = len(_matrix(url)) if url else 0
        beside = fit(modules, width - WORDS_BESIDE, height) if url else None
        below = None if beside is not None or not url else fit(modules, width, height - WORDS_BELOW)
        self.set_class(beside is None, "-below")
        qr.display = beside is not None or below is not None
        words = (width, height)
        if beside is not None:
            scale, quiet = beside
            qr.styles.width, qr.styles.height = (modules + 2 * quiet) * scale, "1fr"
            words = (width - (modules + 2 * quiet) * scale, height)
        elif below is not None:
            scale, quiet = below
            rows = -(-(modules + 2 * quiet) * scale // 2)
            qr.styles.width, qr.styles.height = "1fr", rows
            words = (width, height - rows)
        # The words' other lines take about five rows; the room code gets what its width lets it fill.
        cols, rows = max(1, words[0] - 2), max(1, words[1] - 5)
        fitted = bigtext.layout(room or "WWWW", (cols, 2 * rows))
        self.query_one("#vote-room-code", BigText).styles.height = max(1, min(rows, -(-fitted.height // 2) + 1))
