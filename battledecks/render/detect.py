"""Which way the terminal can draw pictures: kitty graphics, sixel or half cells.

Detection must run before Textual takes the terminal over: once Textual's
input thread reads stdin, a terminal's answer to a query would arrive as
key presses. It asks the terminal once, with a hard timeout, and only when
both stdin and stdout are a terminal; anywhere else (tests, CI, pipes) it
answers half cells without writing a byte.

The query asks, in one write: the kitty graphics query, XTVERSION (name
and version), XTSMGRAPHICS (sixel colour registers, current and largest
sixel picture), the cell size and text area in pixels and cells, whether it
draws 24-bit colour, and last a Primary Device Attributes request (DA1). Every terminal answers DA1, and
answers in order, so once its answer is in every other answer is too: no
waiting for a timeout on terminals that ignore some queries. DA1 lists
attribute 4 when the terminal draws sixels.

Kitty before 0.28 has no Unicode placeholders; xterm refuses sixels larger
than its ``maxGraphicSize`` (1000x1000 by default) and says so through
XTSMGRAPHICS, so larger slides are drawn as tiles within it; xterm answers
no window-size query by default, but its sixel geometry is its window's
size. ``choose`` turns all that into a ``Detection`` with a one-line reason
for the host.

24-bit colour: xterm draws it but takes ``COLORTERM`` out of its children's
environment, so the terminal is asked. A terminal that keeps a 24-bit
colour it is given says so when asked for its current colours (a DECRQSS
round trip: set a 24-bit background, ask for it back); a terminal whose
terminfo has ``RGB`` or ``Tc`` says so to XTGETTCAP. Either is enough.
When it draws 24-bit colour and nothing says otherwise, ``COLORTERM`` is
set to ``truecolor`` before the app starts, which is how Textual (through
Rich) chooses its colours.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, replace
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
    """What the terminal said about itself."""

    kitty: bool
    """It accepted a kitty graphics query (answered OK)."""
    sixel: bool
    """Its device attributes include sixel graphics (attribute 4)."""
    name: str = ""
    """Program name from XTVERSION, lower case ("xterm", "kitty", "tmux"), or ""."""
    version: str = ""
    """Its version from XTVERSION ("379", "0.26.5"), or ""."""
    sixel_max: tuple[int, int] | None = None
    """Largest sixel picture in pixels (XTSMGRAPHICS, maximum allowed)."""
    sixel_area: tuple[int, int] | None = None
    """Current sixel geometry in pixels (XTSMGRAPHICS, current: xterm gives its window's size)."""
    color_registers: int | None = None
    """Sixel colour registers (XTSMGRAPHICS)."""
    cell_pixels: tuple[int, int] | None = None
    """(width, height) of one cell in pixels (CSI 16 t)."""
    text_pixels: tuple[int, int] | None = None
    """(width, height) of the text area in pixels (CSI 14 t)."""
    text_cells: tuple[int, int] | None = None
    """(cols, rows) of the text area (CSI 18 t)."""
    truecolor: bool = False
    """It keeps a 24-bit colour (DECRQSS answer) or its terminfo has RGB or Tc (XTGETTCAP)."""


QueryFunction = Callable[[], "TerminalReply | None"]

_KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
# XTVERSION, XTSMGRAPHICS (colour registers: current; sixel geometry: current
# and maximum), cell size, text area in pixels and in cells. DA1 goes last:
# every terminal answers it, and answers in order, so once its answer is in
# every other answer that will ever come is in too.
_QUERIES = "\x1b[>0q\x1b[?1;1;0S\x1b[?2;1;0S\x1b[?2;4;0S\x1b[16t\x1b[14t\x1b[18t"
# 24-bit colour: XTGETTCAP "RGB" and "Tc" (hex-encoded names); then a
# background of 1,2,3 is set, asked back (DECRQSS "m") and reset. Only
# the text attributes change meanwhile, and no text is written.
_COLOR_QUERIES = "\x1bP+q524742\x1b\\\x1bP+q5463\x1b\\\x1b[48;2;1;2;3m\x1bP$qm\x1b\\\x1b[0m"
_DA1_QUERY = "\x1b[c"
_KITTY_REPLY = re.compile(rb"\x1b_Gi=31;([^\x1b]*)\x1b\\")
_DA1_REPLY = re.compile(rb"\x1b\[\?([0-9;]*)c")
_XTVERSION_REPLY = re.compile(rb"\x1bP>\|([^\x1b]*)\x1b\\")
_XTSM_REPLY = re.compile(rb"\x1b\[\?([12]);([0-9]+)((?:;[0-9]+)*)S")
_WINDOW_REPLY = re.compile(rb"\x1b\[([468]);([0-9]+);([0-9]+)t")
_TCAP_REPLY = re.compile(rb"\x1bP1\+r(524742|5463)(?:=[0-9A-Fa-f]*)?\x1b\\")
_SGR_REPLY = re.compile(rb"\x1bP1\$r([0-9:;]*)m\x1b\\")
# The background asked back as 24-bit: "48;2;1;2;3", "48:2:1:2:3" or "48:2::1:2:3" (xterm).
_DIRECT_BACKGROUND = re.compile(rb"(?:^|;)48[:;]2[:;](?:[0-9]*:)?1[:;]2[:;]3(?:$|;)")

# Unicode placeholders (drawing pictures as text cells) came with kitty 0.28.
PLACEHOLDERS_SINCE = (0, 28)

# Terminals whose kitty graphics we trust. Others that answer the kitty
# query (Konsole, WezTerm) draw sixels better.
_KITTY_TERMINALS = ("kitty", "ghostty")

MIN_COLOR_REGISTERS = 256
"""With fewer sixel colour registers than this a slide's colours would be reused wrongly."""


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in re.split(r"[.\-]", version):
        digits = re.match(r"[0-9]+", part)
        if not digits:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def _parse_xtversion(text: str) -> tuple[str, str]:
    """("xterm", "379") from "XTerm(379)", ("kitty", "0.26.5") from "kitty(0.26.5)", ("tmux", "3.3a") from "tmux 3.3a"."""
    text = text.strip()
    match = re.fullmatch(r"([^()]+?)\s*\(([^)]*)\)", text)
    if match:
        return match.group(1).strip().lower(), match.group(2).strip()
    name, _, version = text.partition(" ")
    return name.lower(), version.strip()


def parse_reply(data: bytes) -> TerminalReply | None:
    """Read a terminal's answers to the queries sent by ``query_terminal``.

    Args:
        data: Bytes read from the terminal.

    Returns:
        The reply, or None if the DA1 answer is not (yet) in ``data``.
    """
    da1 = _DA1_REPLY.search(data)
    if da1 is None:
        return None
    before = data[: da1.start()]
    kitty = _KITTY_REPLY.search(before)
    attributes = da1.group(1).decode("ascii").split(";")
    name = version = ""
    xtversion = _XTVERSION_REPLY.search(before)
    if xtversion:
        name, version = _parse_xtversion(xtversion.group(1).decode("utf-8", "replace"))
    registers = sixel_area = sixel_max = None
    for match in _XTSM_REPLY.finditer(before):
        item, status = match.group(1), match.group(2)
        values = [int(v) for v in match.group(3).split(b";") if v]
        if status != b"0" or not values:
            continue  # 3: failure, 1/2: not recognised
        if item == b"1":
            registers = values[0]
        elif len(values) >= 2:
            size = (values[0], values[1])
            sixel_max = size if sixel_area is not None else sixel_max
            if sixel_area is None:
                sixel_area = size
    sgr = _SGR_REPLY.search(before)
    truecolor = bool(_TCAP_REPLY.search(before)) or bool(sgr and _DIRECT_BACKGROUND.search(sgr.group(1)))
    cell = text = cells = None
    for match in _WINDOW_REPLY.finditer(before):
        kind, high, wide = match.group(1), int(match.group(2)), int(match.group(3))
        if not high or not wide:
            continue
        if kind == b"6":
            cell = (wide, high)
        elif kind == b"4":
            text = (wide, high)
        else:
            cells = (wide, high)
    return TerminalReply(
        kitty=bool(kitty and kitty.group(1) == b"OK"),
        sixel="4" in attributes,
        name=name,
        version=version,
        sixel_max=sixel_max,
        sixel_area=sixel_area,
        color_registers=registers,
        cell_pixels=cell,
        text_pixels=text,
        text_cells=cells,
        truecolor=truecolor,
    )


def query_terminal(
    timeout: float = 0.5,
    stdin_fd: int | None = None,
    stdout_fd: int | None = None,
    kitty: bool = True,
    colors: bool = True,
) -> TerminalReply | None:
    """Ask the terminal what it draws; None when there is no terminal or no answer.

    Safe to call anywhere: without a terminal on both stdin and stdout it
    returns None at once. The terminal is put in no-echo, non-canonical mode
    for the query only, so the answer is neither shown nor left for the app
    to read as keys; anything that arrives after the deadline is drained.

    Args:
        timeout: Seconds to wait for the answer at most.
        stdin_fd: File descriptor to read (default: the process's stdin).
        stdout_fd: File descriptor to write (default: the process's stdout).
        kitty: Send the kitty graphics query too. Not inside tmux, which
            takes it (an APC sequence) for a new pane title.
        colors: Ask whether it draws 24-bit colour too. Not inside tmux,
            which keeps its own colours whatever the terminal outside draws.
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
        questions = (_KITTY_QUERY if kitty else "") + _QUERIES + (_COLOR_QUERIES if colors else "") + _DA1_QUERY
        os.write(out_fd, questions.encode("ascii"))
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


@dataclass(frozen=True)
class Detection:
    """How slides will be drawn in this terminal, and why."""

    mode: GraphicsMode
    reason: str
    """One line for the host: how slides are drawn and, for half cells, why."""
    terminal: str = ""
    """What the terminal called itself ("kitty 0.26.5"), or ""."""
    cell_pixels: tuple[int, int] = (10, 20)
    """(width, height) of a cell in pixels, for fitting pictures."""
    sixel_max: tuple[int, int] | None = None
    """Largest sixel picture the terminal takes, or None when it did not say."""
    placeholders: bool = False
    """The terminal shows kitty pictures through Unicode placeholders (kitty 0.28+)."""
    forced: bool = False
    """The mode was asked for (``--graphics``), not detected."""
    sixel_tiles: bool = False
    """A sixel slide larger than ``sixel_max`` can be drawn full size as tiles: the cell size is known."""
    truecolor: bool = False
    """The terminal said it draws 24-bit colour (see ``TerminalReply.truecolor``)."""
    advice: str = ""
    """One line for the host when another way of showing slides reads better from afar, or ""."""


def cell_pixels_of(
    reply: TerminalReply | None, cells: tuple[int, int] | None = None, window_pixels: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """A cell's size in pixels from what the terminal said, or None.

    In order: its answer to CSI 16 t; its text area in pixels (CSI 14 t, or
    the window size the kernel knows) over its size in cells; xterm's sixel
    geometry, which is its window's size in pixels, over the size in cells.

    Args:
        reply: The terminal's answers.
        cells: (cols, rows) of the terminal, from the kernel.
        window_pixels: (width, height) in pixels from the kernel (0 if unknown).
    """
    if reply is not None and reply.cell_pixels:
        return reply.cell_pixels
    # The kernel's size first: tmux 3.3a answers CSI 18 t with columns and rows swapped.
    grid = cells or (reply.text_cells if reply is not None else None)
    if not grid or not grid[0] or not grid[1]:
        return None
    for area in (
        reply.text_pixels if reply is not None else None,
        window_pixels,
        reply.sixel_area if reply is not None else None,
    ):
        if area and area[0] >= grid[0] and area[1] >= grid[1]:
            return (area[0] // grid[0], area[1] // grid[1])
    return None


_HALFCELL_WHY = "slides drawn with half-cell blocks"

HALFCELL_ADVICE = (
    "Body text does not read in half cells (2 pixels a cell). Sharper: xterm -ti vt340, kitty,"
    " or /stage in a browser on the projector (run --serve)."
)
"""What reads better than half cells, said on the lineup wherever slides are drawn in half cells."""


def xterm_limit_advice(limit: tuple[int, int], window: tuple[int, int] | None) -> str:
    """How to start xterm so that one sixel picture fills ``window`` (or a 1920x1080 screen)."""
    width, height = window if window and (window[0] > limit[0] or window[1] > limit[1]) else (1920, 1080)
    return f"for full-size slides start xterm with -xrm 'XTerm*maxGraphicSize: {width}x{height}'"


def _sixel_reason(
    terminal: str, limit: tuple[int, int] | None, tiles: bool, name: str, window: tuple[int, int] | None
) -> str:
    """The host's line for sixel slides: within the terminal's limit, or full size as tiles of it."""
    who = terminal or "terminal"
    if limit is None:
        return f"slides drawn with sixel graphics ({who})"
    size = f"{limit[0]}x{limit[1]}"
    if tiles:
        return f"slides drawn with sixel graphics ({who}), full size as tiles of up to {size} pixels"
    reason = f"slides drawn with sixel graphics at up to {size} pixels ({who})"
    if name == "xterm" and not (window and window[0] <= limit[0] and window[1] <= limit[1]):
        reason += "; " + xterm_limit_advice(limit, window)
    return reason


def choose(
    reply: TerminalReply | None,
    env: Mapping[str, str],
    cells: tuple[int, int] | None = None,
    window_pixels: tuple[int, int] | None = None,
) -> Detection:
    """Pick the drawing mode from the terminal's answers and environment hints.

    Kitty graphics for kitty and Ghostty (or an unnamed terminal that speaks
    only kitty graphics), sixel when the terminal says it draws them with
    enough colour registers, half cells otherwise, with the reason.

    Args:
        reply: The answers, or None when there was none.
        env: Environment variables.
        cells: (cols, rows) from the kernel, to work out the cell size.
        window_pixels: The window's size in pixels from the kernel, or None.
    """
    found = _choose(reply, env, cells, window_pixels)
    truecolor = reply is not None and reply.truecolor
    advice = HALFCELL_ADVICE if found.mode is GraphicsMode.HALFCELL else ""
    return replace(found, truecolor=truecolor, advice=advice)


def _choose(
    reply: TerminalReply | None,
    env: Mapping[str, str],
    cells: tuple[int, int] | None,
    window_pixels: tuple[int, int] | None,
) -> Detection:
    measured = cell_pixels_of(reply, cells, window_pixels)
    pixels = measured or (10, 20)
    if reply is None:
        return Detection(GraphicsMode.HALFCELL, f"{_HALFCELL_WHY}: the terminal did not answer", cell_pixels=pixels)
    name = reply.name or terminal_name(env)
    terminal = f"{reply.name} {reply.version}".strip() if reply.name else name
    placeholders = name == "ghostty" or (name == "kitty" and _version_tuple(reply.version) >= PLACEHOLDERS_SINCE)
    if reply.kitty and (name in _KITTY_TERMINALS or (not name and not reply.sixel)):
        how = "placeholders" if placeholders else "classic placement"
        return Detection(
            GraphicsMode.KITTY,
            f"slides drawn with kitty graphics ({terminal or 'terminal'}, {how})",
            terminal,
            pixels,
            placeholders=placeholders,
        )
    if reply.sixel:
        registers = reply.color_registers
        if registers is not None and registers < MIN_COLOR_REGISTERS:
            return Detection(
                GraphicsMode.HALFCELL,
                f"{_HALFCELL_WHY}: the terminal's sixels have only {registers} colours",
                terminal,
                pixels,
            )
        limit = reply.sixel_max
        tiles = measured is not None
        reason = _sixel_reason(terminal, limit, tiles, name, reply.sixel_area)
        return Detection(GraphicsMode.SIXEL, reason, terminal, pixels, limit, sixel_tiles=tiles)
    return Detection(GraphicsMode.HALFCELL, f"{_HALFCELL_WHY}: this terminal has no image protocol", terminal, pixels)


def choose_mode(reply: TerminalReply | None, env: Mapping[str, str]) -> GraphicsMode:
    """The mode ``choose`` picks (see there)."""
    return choose(reply, env).mode


def _terminal_size() -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(cols, rows) and window (width, height) in pixels from the kernel; Nones if unknown."""
    if sys.platform == "win32" or sys.__stdout__ is None:
        return None, None
    import fcntl
    import struct
    import termios

    try:
        packed = fcntl.ioctl(sys.__stdout__.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
    except (OSError, ValueError):
        return None, None
    rows, cols, width, height = struct.unpack("HHHH", packed)
    return ((cols, rows) if cols and rows else None), ((width, height) if width and height else None)


TmuxCommand = Callable[[list[str]], "str | None"]
"""Runs ``tmux ARGS`` and returns what it printed, or None when it failed."""


def run_tmux(args: list[str]) -> str | None:
    """``tmux ARGS`` in the tmux the app runs in (found through $TMUX); None if it fails."""
    import subprocess

    try:
        done = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=2, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@dataclass(frozen=True)
class TmuxInfo:
    """What the tmux the app runs in says about itself."""

    version: str = ""
    """From ``tmux -V`` ("3.3a"), or its XTVERSION answer, or ""."""
    passthrough: str = ""
    """``allow-passthrough``: "on", "off", "all", or "" (older tmux has no such option)."""


def tmux_info(reply: TerminalReply | None, run: TmuxCommand = run_tmux) -> TmuxInfo:
    """Ask tmux its version and whether it passes escape sequences through."""
    said = (run(["-V"]) or "").strip()  # "tmux 3.3a"
    version = said.partition(" ")[2].strip() if said.startswith("tmux ") else ""
    if not version and reply is not None and reply.name == "tmux":
        version = reply.version
    passthrough = (run(["show", "-gv", "allow-passthrough"]) or "").strip().lower()
    return TmuxInfo(version, passthrough if passthrough in ("on", "off", "all") else "")


def inside_tmux(
    reply: TerminalReply | None,
    cells: tuple[int, int] | None = None,
    window_pixels: tuple[int, int] | None = None,
    tmux: TmuxInfo | None = None,
    env: Mapping[str, str] | None = None,
) -> Detection:
    """How to draw inside tmux, from tmux's own answers.

    tmux answers the queries itself. From 3.4, built with sixel support, it
    draws sixel pictures in the pane and says so with DA1 attribute 4: then
    sixels. Kitty pictures could only be passed through to the terminal
    outside (``allow-passthrough on``), which tmux does not keep track of:
    they stay where they were drawn when panes, windows or sessions change,
    over whatever is there then. So kitty graphics are never used inside
    tmux: half cells, and the reason says what tmux lacks.
    """
    measured = cell_pixels_of(reply, cells, window_pixels)
    pixels = measured or (10, 20)
    if tmux is None:
        tmux = TmuxInfo(reply.version if reply is not None and reply.name == "tmux" else "")
    name = f"tmux {tmux.version}".strip()
    if reply is not None and reply.sixel:
        return Detection(
            GraphicsMode.SIXEL,
            f"slides drawn with sixel graphics ({name} draws them)",
            name,
            pixels,
            reply.sixel_max,
            sixel_tiles=measured is not None,
        )
    why = f"inside {name}, which draws no sixels (tmux 3.4 built with sixel support does)"
    outside = terminal_name(env) if env is not None else ""
    if outside in _KITTY_TERMINALS or tmux.passthrough in ("on", "all"):
        setting = f"allow-passthrough is {tmux.passthrough}" if tmux.passthrough else "no allow-passthrough"
        why += f"; kitty pictures are not passed through tmux ({setting}): they would stay behind when panes change"
    return Detection(GraphicsMode.HALFCELL, f"{_HALFCELL_WHY}: {why}", name, pixels, advice=HALFCELL_ADVICE)


_LAST: Detection | None = None


def current_detection() -> Detection:
    """What the last ``detect_graphics`` found (half cells, no reason, if it never ran)."""
    return _LAST if _LAST is not None else Detection(GraphicsMode.HALFCELL, "")


def detect(
    requested: str | GraphicsMode = "auto",
    env: Mapping[str, str] | None = None,
    query: QueryFunction | None = None,
    cells: tuple[int, int] | None = None,
    window_pixels: tuple[int, int] | None = None,
    tmux: TmuxCommand | None = None,
) -> Detection:
    """How to draw slides here. Call before the Textual app starts.

    Args:
        requested: "auto" to detect, or "kitty", "sixel", "halfcell" to force.
        env: Environment variables (default: ``os.environ``).
        query: Function asking the terminal (default: ``query_terminal``);
            tests pass recorded answers.
        cells: (cols, rows) (default: from the kernel when ``query`` is None).
        window_pixels: Window size in pixels (default: from the kernel when
            ``query`` is None).
        tmux: Runs tmux commands inside tmux (default: ``run_tmux`` when
            ``query`` is None, else nothing is asked); tests pass recorded answers.

    Returns:
        The detection. "auto" gives half cells inside tmux or screen, on the
        Linux console, with TERM=dumb, without a terminal, or when the
        terminal does not answer. A forced kitty or sixel mode still asks
        the terminal, for its cell size and sixel limit; forced half cells
        ask nothing.

    Raises:
        ValueError: ``requested`` is not one of the names above.
    """
    if env is None:
        env = os.environ
    name = requested.value if isinstance(requested, GraphicsMode) else str(requested).strip().lower()
    if name not in MODE_NAMES:
        raise ValueError(f"unknown graphics mode {requested!r}; use one of {', '.join(MODE_NAMES)}")
    if name == GraphicsMode.HALFCELL.value:
        return Detection(GraphicsMode.HALFCELL, f"{_HALFCELL_WHY} (--graphics halfcell)", forced=True)
    if query is None:
        query = query_terminal
        cells, window_pixels = _terminal_size()
    term = env.get("TERM", "")
    if name == "auto":
        if env.get("TMUX"):
            if query is query_terminal:
                # No kitty query: tmux would show it as the pane's title.
                reply = query_terminal(kitty=False, colors=False)
                tmux = tmux or run_tmux
            else:
                reply = query()
            info = tmux_info(reply, tmux) if tmux is not None else None
            return inside_tmux(reply, cells, window_pixels, info, env)
        if in_multiplexer(env):
            return Detection(GraphicsMode.HALFCELL, f"{_HALFCELL_WHY}: inside screen", advice=HALFCELL_ADVICE)
        if term in ("", "dumb", "linux", "vt100", "vt220"):
            why = f"TERM={term or '(unset)'} has no image protocol"
            return Detection(GraphicsMode.HALFCELL, f"{_HALFCELL_WHY}: {why}", advice=HALFCELL_ADVICE)
        return choose(query(), env, cells, window_pixels)
    mode = GraphicsMode(name)
    reply = query()
    found = choose(reply, env, cells, window_pixels)
    limit = reply.sixel_max if reply is not None else None
    return Detection(
        mode,
        f"slides drawn with {mode.value} graphics (--graphics {mode.value})",
        found.terminal,
        found.cell_pixels,
        limit,
        placeholders=found.placeholders,
        forced=True,
        sixel_tiles=found.sixel_tiles,
        truecolor=found.truecolor,
    )


def truecolor_env(found: Detection, env: Mapping[str, str]) -> dict[str, str]:
    """What to add to the environment so that the app draws in 24-bit colour when the terminal does.

    ``COLORTERM=truecolor``, which Textual's console (Rich) reads when the
    app is made, when the terminal said it draws 24-bit colour and neither
    ``COLORTERM`` nor ``TEXTUAL_COLOR_SYSTEM`` already decide; else nothing.
    """
    if not found.truecolor or env.get("NO_COLOR") is not None:
        return {}
    if env.get("TEXTUAL_COLOR_SYSTEM", "auto").strip().lower() not in ("", "auto"):
        return {}
    if env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return {}
    return {"COLORTERM": "truecolor"}


def detect_graphics(
    requested: str | GraphicsMode = "auto",
    env: Mapping[str, str] | None = None,
    query: QueryFunction | None = None,
) -> GraphicsMode:
    """The graphics mode to draw slides with (see ``detect``); call before the app starts.

    The whole detection, with its reason, is kept for ``current_detection``.
    When the terminal said it draws 24-bit colour, ``COLORTERM`` is set in
    ``env`` (default: this process's environment, which the app reads when
    it is made) unless something already decides the colours (see
    ``truecolor_env``).
    """
    global _LAST
    found = detect(requested, env, query)
    _LAST = found
    target = os.environ if env is None else env
    if isinstance(target, MutableMapping):
        target.update(truecolor_env(found, target))
    return found.mode
