"""What each use of a private Textual or Rich name in ``battledecks.textual_private`` really does.

Each test checks behaviour, not that a name exists: a Textual or Rich release
that renames one of these names, or keeps the name and stops using it, fails
here. The terminal tests run a small app in a pseudo-terminal and read what
Textual wrote to it, in order.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.css.query import NoMatches
from textual.message import Message
from textual.message_pump import MessagePump
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Header, Static

from battledecks import textual_private
from battledecks.render.halfcell import EIGHT_BIT, TRUECOLOR, build_strips
from battledecks.textual_private import (
    ErrorHookApp,
    header_title,
    install_dispatch_guard,
    prime_strip,
    prime_style,
    write_raw,
)
from battledecks.ui.widgets.show_header import ShowHeader
from tests.waiting import wait_until as until

ROOT = Path(__file__).resolve().parents[2]

# --- in a terminal: write_raw, paint_now, prime_strip, prime_style ---------------------------

PROBE = textwrap.dedent('''
    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App
    from textual.strip import Strip
    from textual.widget import Widget

    from battledecks.textual_private import paint_now, prime_strip, prime_style, write_raw

    WIDTH = 20


    class Face(Widget):
        """Shows its text on its first line, through Textual's line API, as the slide view does."""

        DEFAULT_CSS = "Face { width: 20; height: 2; margin-left: 3; }"

        def __init__(self, text, *, primed=None, style=None):
            super().__init__()
            self.text, self.primed, self.style_of_text = text, primed, style

        def render_lines(self, crop):
            return [self.line(y) for y in crop.line_range]

        def line(self, y):
            if y:
                return Strip.blank(WIDTH)
            strip = Strip([Segment(self.text.ljust(WIDTH), self.style_of_text)], WIDTH)
            if self.primed is not None:
                prime_strip(strip, self.primed.ljust(WIDTH))
            return strip


    class Probe(App):
        def compose(self):
            odd = Style(color="#ff0000")  # red, which Rich would write as 38;2;255;0;0
            prime_style(odd, "38;2;1;2;3")
            yield Face("face-a-old")
            yield Face("face-b-old")
            yield Face("segment-text", primed="primed-text")
            yield Face("styled-text", style=odd)

        def on_mount(self):
            self.call_after_refresh(self.probe)

        def probe(self):
            # No await from here to the end: Textual's own next frame cannot come in between.
            write_raw(self, "<raw-bytes>")
            a, b = self.query(Face)[:2]
            a.text = "face-a-new"
            a.refresh()
            paint_now(self.screen, a)
            write_raw(self, "<after-paint-now>")
            b.text = "face-b-new"
            b.refresh()
            write_raw(self, "<after-refresh>")
            self.set_timer(0.3, self.exit)


    Probe().run()
''')


@pytest.fixture(scope="module")
def probe_output() -> str:
    """Everything the probe app wrote to its terminal, escape codes and all."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 40, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    env.pop("TMUX", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the app has ended and closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=max(1.0, deadline - time.monotonic())) == 0, out.decode("utf-8", "replace")[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return out.decode("utf-8", "replace")


def _at(output: str, text: str) -> int:
    assert text in output, f"{text!r} never reached the terminal"
    return output.index(text)


def test_write_raw_reaches_the_terminal(probe_output: str) -> None:
    # App._driver: what write_raw gets is written out as it is.
    assert probe_output.count("<raw-bytes>") == 1


def test_paint_now_writes_the_widget_before_the_next_frame(probe_output: str) -> None:
    # Screen._dirty_widgets and Screen._on_timer_update: the new text is out before paint_now returns.
    assert _at(probe_output, "face-a-new") < _at(probe_output, "<after-paint-now>"), (
        "paint_now left the widget to the next frame"
    )
    # And the check can fail: a widget only refreshed is written at the next frame, after what came next.
    assert _at(probe_output, "face-b-new") > _at(probe_output, "<after-refresh>")


def test_a_primed_strip_is_written_as_primed(probe_output: str) -> None:
    # Strip._render_cache: Textual writes the strip's primed text, not text worked out from its segments.
    _at(probe_output, "primed-text")
    assert "segment-text" not in probe_output


def test_a_primed_style_is_written_with_its_primed_codes(probe_output: str) -> None:
    # Style._ansi: Textual writes the style's primed SGR codes, not its own for the colour.
    assert _at(probe_output, "\x1b[38;2;1;2;3mstyled-text") >= 0
    assert "\x1b[38;2;255;0;0mstyled-text" not in probe_output


# --- what halfcell primes is what Textual and Rich would write themselves --------------------------


@pytest.mark.parametrize(("colors", "system"), [(TRUECOLOR, ColorSystem.TRUECOLOR), (EIGHT_BIT, ColorSystem.EIGHT_BIT)])
def test_half_cells_prime_the_text_textual_would_write(colors: str, system: ColorSystem) -> None:
    img = Image.new("RGB", (6, 4), (10, 200, 30))
    img.paste((250, 20, 90), (0, 0, 3, 1))
    img.paste((0, 0, 255), (2, 2, 6, 4))
    console = Console(color_system=colors, force_terminal=True)
    for strip in build_strips(img, colors, dither=False):
        # The same segments in fresh styles, primed with nothing: Textual works the text out itself.
        fresh = Strip(
            [Segment(seg.text, Style.from_color(seg.style.color, seg.style.bgcolor)) for seg in strip],
            strip.cell_length,
        )
        assert strip.render(console) == fresh.render(console)


def test_prime_style_gives_rich_the_codes_to_write() -> None:
    style = Style(color="#ff0000", bgcolor="#0000ff")
    prime_style(style, "38;5;1;48;5;4")
    assert style.render("x", color_system=ColorSystem.TRUECOLOR) == "\x1b[38;5;1;48;5;4mx\x1b[0m"


def test_prime_strip_is_what_render_gives_without_working_it_out(monkeypatch: pytest.MonkeyPatch) -> None:
    strip = Strip([Segment("ab", Style(color="#ff0000"))], 2)
    prime_strip(strip, "<ab>")

    def worked_out(*args: object, **kwargs: object) -> str:
        raise AssertionError("Strip.render worked the text out again")

    monkeypatch.setattr(Strip, "render_style", worked_out)
    assert strip.render(Console(color_system="truecolor", force_terminal=True)) == "<ab>"


# --- install_dispatch_guard: MessagePump._dispatch_message --------------------------------------


class Poke(Message):
    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


class Flaky(Widget):
    """Its handler raises on the first poke."""

    def __init__(self) -> None:
        super().__init__()
        self.handled: list[int] = []

    def on_poke(self, message: Poke) -> None:
        if message.number == 1:
            raise RuntimeError("injected: poke 1 fails")
        self.handled.append(message.number)


class FlakyApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Flaky()


@pytest.fixture
def fresh_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's own dispatch, and no guards, for this test only (other tests' guards are put back after)."""
    monkeypatch.setattr(MessagePump, "_dispatch_message", textual_private._original_dispatch)
    monkeypatch.setattr(textual_private, "_guards", [])


@pytest.mark.usefixtures("fresh_dispatch")
async def test_a_guarded_handler_that_raises_leaves_its_widget_taking_messages() -> None:
    app = FlakyApp()
    caught: list[tuple[MessagePump, Exception]] = []

    def guard(pump: MessagePump, error: Exception) -> bool:
        if pump.app is not app:
            return False
        caught.append((pump, error))
        return True

    install_dispatch_guard(guard)
    install_dispatch_guard(guard)  # once is enough: the error is not reported twice
    async with app.run_test() as pilot:
        flaky = app.query_one(Flaky)
        for number in (1, 2, 3):
            flaky.post_message(Poke(number))
        await until(pilot, lambda: flaky.handled == [2, 3], "the pokes after the failing one handled")
        assert app.is_running
    assert [(pump, str(error)) for pump, error in caught] == [(flaky, "injected: poke 1 fails")]


@pytest.mark.usefixtures("fresh_dispatch")
async def test_a_guard_that_declines_leaves_the_error_to_textual() -> None:
    install_dispatch_guard(lambda pump, error: False)
    app = FlakyApp()
    with pytest.raises(RuntimeError, match="poke 1 fails"):
        async with app.run_test() as pilot:
            app.query_one(Flaky).post_message(Poke(1))
            await until(pilot, lambda: not app.is_running, "the app ended by its error")


# --- ErrorHookApp: App._handle_exception -----------------------------------------------------


class Ticking(ErrorHookApp[None]):
    """A timer whose first tick raises, and a ``call_next`` callback that raises (both handed to the app by Textual)."""

    def __init__(self, keep_running: bool) -> None:
        super().__init__()
        self.keep_running = keep_running
        self.errors: list[str] = []
        self.ticks = 0

    def keep_running_after(self, error: Exception) -> bool:
        self.errors.append(str(error))
        return self.keep_running

    def on_mount(self) -> None:
        self.set_interval(0.01, self.tick)
        self.call_next(self.fail)

    def tick(self) -> None:
        self.ticks += 1
        if self.ticks == 1:
            raise RuntimeError("injected: tick 1 fails")

    def fail(self) -> None:
        raise ValueError("injected: the callback fails")


async def test_an_app_kept_running_after_timer_and_callback_errors_goes_on() -> None:
    app = Ticking(keep_running=True)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.ticks >= 4, "the timer ticking on")
        assert app.is_running
    assert sorted(app.errors) == ["injected: the callback fails", "injected: tick 1 fails"]


async def test_an_app_not_kept_running_ends_as_textual_ends_it() -> None:
    app = Ticking(keep_running=False)
    with pytest.raises((RuntimeError, ValueError), match="injected"):
        async with app.run_test() as pilot:
            await until(pilot, lambda: not app.is_running, "the app ended by its error")
    assert app.errors and app.return_code == 1


# --- header_title: textual.widgets._header.HeaderTitle ------------------------------------------


class Titled(App[None]):
    TITLE = "Night One"
    SUB_TITLE = "battledecks"

    def __init__(self, header: Header) -> None:
        super().__init__()
        self.header = header

    def compose(self) -> ComposeResult:
        yield self.header


def _shown(header: Header) -> str:
    title = header_title(header)
    assert isinstance(title, Static) and title.parent is header
    return str(title.visual)


async def test_header_title_is_where_textuals_header_writes_its_title() -> None:
    app = Titled(Header())
    async with app.run_test() as pilot:
        await until(pilot, lambda: "Night One" in _shown(app.header), "Header's own title")
        app.title = "Night Two"
        await until(pilot, lambda: "Night Two" in _shown(app.header), "Header's own new title")
        assert "battledecks" in _shown(app.header)


async def test_the_show_header_writes_its_title_there_too() -> None:
    app = Titled(ShowHeader())
    async with app.run_test() as pilot:
        await until(pilot, lambda: "Night One" in _shown(app.header), "the title")
        app.screen.title = "Scores"
        await until(pilot, lambda: "Scores" in _shown(app.header), "the screen's title")


async def test_the_show_header_tolerates_a_missing_title_part() -> None:
    # The reason for the show header (its mount handler in place of Header's, through public API).
    app = Titled(ShowHeader())
    async with app.run_test() as pilot:
        await header_title(app.header).remove()
        app.title = "Night Two"
        await pilot.pause()
        await pilot.pause()
        assert app.is_running


async def test_textuals_header_does_not_tolerate_it() -> None:
    """The test above can fail: Textual's own header ends the app."""
    app = Titled(Header())
    with pytest.raises(NoMatches):
        async with app.run_test() as pilot:
            await header_title(app.header).remove()
            app.title = "Night Two"
            await until(pilot, lambda: not app.is_running, "the app ended by its error")


def test_write_raw_writes_nothing_for_an_app_not_running() -> None:
    assert write_raw(App(), "\x1b_Ga=d\x1b\\") == 0
