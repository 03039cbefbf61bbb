"""Which way the terminal can draw pictures: kitty graphics, sixel or half cells.

Detection must run before Textual takes the terminal over: once Textual's
input thread reads stdin, a terminal's answer to a query would arrive as
key presses. It asks the terminal once, with a hard timeout, and only when
both stdin and stdout are a terminal; anywhere else (tests, CI, pipes) it
answers half cells without writing a byte.

The query sends a kitty graphics query followed by a Primary Device
Attributes request (DA1). Every terminal answers DA1, so the answer to the
graphics query, if any, has arrived by the time the DA1 answer does: no
waiting for a timeout on terminals without kitty graphics. DA1 also lists
attribute 4 when the terminal draws sixels.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum


class GraphicsMode(str, Enum):
    """How slides are drawn."""

    KITTY = "kitty"
    """Kitty terminal graphics protocol: real pixels."""
    SIXEL = "sixel"
    """Sixel graphics: real pixels."""
    HALFCELL = "halfcell"
    """Coloured upper-half blocks: two pixels per cell, works everywhere with colour."""


MODE_NAMES = ("auto",) + tuple(mode.value for mode in GraphicsMode)


@dataclass(frozen=True)
class TerminalReply:
    """What the terminal said to the graphics query."""

    kitty: bool
    """It accepted a kitty graphics query (answered OK)."""
    sixel: bool
    """Its device attributes include sixel graphics (attribute 4)."""


QueryFunction = Callable[[], "TerminalReply | None"]

_KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
_DA1_QUERY = "\x1b[c"
_KITTY_REPLY = re.compile(rb"\x1b_Gi=31;([^\x1b]*)\x1b\\")
_DA1_REPLY = re.compile(rb"\x1b\[\?([0-9;]*)c")

# Terminals whose kitty graphics support includes the Unicode placeholders
# textual-image draws with. Others that answer the kitty query (Konsole,
# WezTerm) do not show those placeholders, but do draw sixels.
_PLACEHOLDER_TERMINALS = ("kitty", "ghostty")


def parse_reply(data: bytes) -> TerminalReply | None:
    """Read a terminal's answer to the kitty query + DA1 request.

    Args:
        data: Bytes read from the terminal.

    Returns:
        The reply, or None if the DA1 answer is not (yet) in ``data``.
    """
    da1 = _DA1_REPLY.search(data)
    if da1 is None:
        return None
    kitty = _KITTY_REPLY.search(data[: da1.start()])
    attributes = da1.group(1).decode("ascii").split(";")
    return TerminalReply(kitty=bool(kitty and kitty.group(1) == b"OK"), sixel="4" in attributes)


def query_terminal(timeout: float = 0.5, stdin_fd: int | None = None, stdout_fd: int | None = None) -> TerminalReply | None:
    """Ask the terminal what it draws; None when there is no terminal or no answer.

    Safe to call anywhere: without a terminal on both stdin and stdout it
    returns None at once. The terminal is put in no-echo, non-canonical mode
    for the query only, so the answer is neither shown nor left for the app
    to read as keys; anything that arrives after the deadline is drained.

    Args:
        timeout: Seconds to wait for the answer at most.
        stdin_fd: File descriptor to read (default: the process's stdin).
        stdout_fd: File descriptor to write (default: the process's stdout).
    """
    if sys.platform == "win32":
        return None
    import select
    import termios

    try:
        in_fd = sys.__stdin__.fileno() if stdin_fd is None and sys.__stdin__ else stdin_fd
        out_fd = sys.__stdout__.fileno() if stdout_fd is None and sys.__stdout__ else stdout_fd
    except (ValueError, OSError):
        return None
    if in_fd is None or out_fd is None or not os.isatty(in_fd) or not os.isatty(out_fd):
        return None
    try:
        saved = termios.tcgetattr(in_fd)
    except termios.error:
        return None
    quiet = termios.tcgetattr(in_fd)
    quiet[3] &= ~(termios.ECHO | termios.ICANON)  # lflags
    quiet[6][termios.VMIN] = 0
    quiet[6][termios.VTIME] = 0
    data = b""
    reply: TerminalReply | None = None
    try:
        termios.tcsetattr(in_fd, termios.TCSANOW, quiet)
        os.write(out_fd, (_KITTY_QUERY + _DA1_QUERY).encode("ascii"))
        deadline = time.monotonic() + timeout
        while reply is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            readable, _, _ = select.select([in_fd], [], [], left)
            if not readable:
                break
            chunk = os.read(in_fd, 1024)
            if not chunk:
                break
            data += chunk
            reply = parse_reply(data)
        if reply is None:
            # A late answer must not reach the app as key presses.
            end = time.monotonic() + 0.05
            while time.monotonic() < end and select.select([in_fd], [], [], 0.01)[0]:
                if not os.read(in_fd, 1024):
                    break
    except OSError:
        reply = None
    finally:
        termios.tcsetattr(in_fd, termios.TCSANOW, saved)
    return reply


def in_multiplexer(env: Mapping[str, str]) -> bool:
    """True inside tmux or GNU screen, which do not pass graphics through by default."""
    term = env.get("TERM", "")
    return bool(env.get("TMUX")) or bool(env.get("STY")) or term.startswith(("screen", "tmux"))


def terminal_name(env: Mapping[str, str]) -> str:
    """Lower-case name of the terminal program from environment hints, or ""."""
    term = env.get("TERM", "").lower()
    program = env.get("TERM_PROGRAM", "").lower()
    if term == "xterm-kitty" or env.get("KITTY_WINDOW_ID"):
        return "kitty"
    if program == "ghostty" or term == "xterm-ghostty" or env.get("GHOSTTY_RESOURCES_DIR"):
        return "ghostty"
    if program == "wezterm" or env.get("WEZTERM_EXECUTABLE"):
        return "wezterm"
    if program == "iterm.app" or env.get("ITERM_SESSION_ID"):
        return "iterm"
    if env.get("WT_SESSION"):
        return "windows-terminal"
    if env.get("KONSOLE_VERSION"):
        return "konsole"
    if term.startswith("foot"):
        return "foot"
    if term.startswith("mlterm"):
        return "mlterm"
    return program or term


def choose_mode(reply: TerminalReply | None, env: Mapping[str, str]) -> GraphicsMode:
    """Pick the drawing mode from the terminal's reply and environment hints.

    Args:
        reply: The query answer, or None when there was none.
        env: Environment variables.

    Returns:
        Kitty graphics only for terminals known to show its Unicode
        placeholders, sixel when the terminal says it draws them, half cells
        otherwise.
    """
    if reply is None:
        return GraphicsMode.HALFCELL
    name = terminal_name(env)
    if reply.kitty and name in _PLACEHOLDER_TERMINALS:
        return GraphicsMode.KITTY
    if reply.sixel:
        return GraphicsMode.SIXEL
    if reply.kitty and not name:
        # Unknown terminal that speaks kitty graphics and nothing better.
        return GraphicsMode.KITTY
    return GraphicsMode.HALFCELL


def detect_graphics(
    requested: str | GraphicsMode = "auto",
    env: Mapping[str, str] | None = None,
    query: QueryFunction | None = None,
) -> GraphicsMode:
    """The graphics mode to draw slides with. Call before the Textual app starts.

    Args:
        requested: "auto" to detect, or "kitty", "sixel", "halfcell" to force.
        env: Environment variables (default: ``os.environ``).
        query: Function asking the terminal (default: ``query_terminal``);
            tests pass their own.

    Returns:
        The mode. "auto" gives half cells inside tmux or screen, on the Linux
        console, with TERM=dumb, without a terminal, or when the terminal
        does not answer. For kitty or sixel, textual-image is loaded here
        (``prepare_graphics``) unless a test passed its own ``query``.

    Raises:
        ValueError: ``requested`` is not one of the names above.
    """
    if env is None:
        env = os.environ
    name = requested.value if isinstance(requested, GraphicsMode) else str(requested).strip().lower()
    if name not in MODE_NAMES:
        raise ValueError(f"unknown graphics mode {requested!r}; use one of {', '.join(MODE_NAMES)}")
    if name != "auto":
        mode = GraphicsMode(name)
    else:
        term = env.get("TERM", "")
        if in_multiplexer(env) or term in ("", "dumb", "linux", "vt100", "vt220"):
            # tmux passes graphics through only when configured to, and then
            # places them wrongly when panes move: half cells are always right.
            return GraphicsMode.HALFCELL
        mode = choose_mode((query or query_terminal)(), env)
    if query is None:
        prepare_graphics(mode)
    return mode


def prepare_graphics(mode: GraphicsMode) -> None:
    """Load textual-image for a pixel mode before Textual starts.

    textual-image asks the terminal for its cell size when first imported,
    which only works while nobody else reads stdin. Nothing to do for half
    cells.
    """
    if mode is not GraphicsMode.HALFCELL:
        import textual_image.widget  # noqa: F401
