"""Choosing how to draw slides from the environment and the terminal's reply."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from battledecks.render.detect import (
    Detection,
    GraphicsMode,
    TerminalReply,
    current_detection,
    detect,
    detect_graphics,
    parse_reply,
    query_terminal,
)

KITTY_OK = TerminalReply(kitty=True, sixel=False)
SIXEL = TerminalReply(kitty=False, sixel=True)
BOTH = TerminalReply(kitty=True, sixel=True)
NOTHING = TerminalReply(kitty=False, sixel=False)


def asked(reply: TerminalReply | None) -> tuple[list[int], object]:
    calls: list[int] = []

    def query() -> TerminalReply | None:
        calls.append(1)
        return reply

    return calls, query


@pytest.mark.parametrize(
    ("env", "reply", "expected"),
    [
        ({"TERM": "xterm-kitty"}, KITTY_OK, GraphicsMode.KITTY),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, KITTY_OK, GraphicsMode.KITTY),
        ({"TERM": "xterm-ghostty", "TERM_PROGRAM": "ghostty"}, KITTY_OK, GraphicsMode.KITTY),
        # WezTerm and Konsole answer the kitty query but draw textual-image's
        # placeholders wrongly; they draw sixels well.
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, BOTH, GraphicsMode.SIXEL),
        ({"TERM": "xterm-256color", "KONSOLE_VERSION": "230805"}, BOTH, GraphicsMode.SIXEL),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, SIXEL, GraphicsMode.SIXEL),
        ({"TERM": "xterm-256color", "WT_SESSION": "abc"}, SIXEL, GraphicsMode.SIXEL),
        ({"TERM": "xterm-256color"}, NOTHING, GraphicsMode.HALFCELL),
        ({"TERM": "xterm-256color"}, None, GraphicsMode.HALFCELL),  # no answer
        # A kitty-like name alone is not enough: the terminal must answer.
        ({"TERM": "xterm-kitty"}, None, GraphicsMode.HALFCELL),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"}, KITTY_OK, GraphicsMode.HALFCELL),
    ],
)
def test_auto_follows_reply_and_hints(env: dict[str, str], reply: TerminalReply | None, expected: GraphicsMode) -> None:
    calls, query = asked(reply)
    assert detect_graphics("auto", env=env, query=query) is expected  # type: ignore[arg-type]
    assert calls == [1]


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "screen-256color"},
        {"TERM": "xterm-256color", "STY": "123.pts-0"},
        {"TERM": "linux"},
        {"TERM": "dumb"},
        {},
    ],
)
def test_auto_never_asks_inside_multiplexers_or_plain_consoles(env: dict[str, str]) -> None:
    calls, query = asked(BOTH)
    assert detect_graphics("auto", env=env, query=query) is GraphicsMode.HALFCELL  # type: ignore[arg-type]
    assert calls == []


def test_explicit_request_wins() -> None:
    calls, query = asked(None)
    env = {"TERM": "tmux-256color", "TMUX": "x"}
    assert detect_graphics(GraphicsMode.HALFCELL, env=env, query=query) is GraphicsMode.HALFCELL  # type: ignore[arg-type]
    assert calls == []  # forced half cells ask nothing
    assert detect_graphics("sixel", env=env, query=query) is GraphicsMode.SIXEL  # type: ignore[arg-type]
    assert detect_graphics(" Kitty ", env=env, query=query) is GraphicsMode.KITTY  # type: ignore[arg-type]
    # Forced pixel modes still ask, for the cell size and the sixel limit.
    assert calls == [1, 1]
    with pytest.raises(ValueError, match="unknown graphics mode 'ascii'"):
        detect_graphics("ascii", env=env)


def test_parse_reply() -> None:
    assert parse_reply(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;4;22c") == BOTH
    assert parse_reply(b"\x1b[?62;22c") == NOTHING
    assert parse_reply(b"\x1b_Gi=31;ENOENT:bad\x1b\\\x1b[?1;2c") == NOTHING
    assert parse_reply(b"\x1b[?64;4c") == SIXEL
    assert parse_reply(b"\x1b_Gi=31;OK\x1b\\") is None  # DA1 not in yet


def test_query_without_a_terminal_returns_at_once() -> None:
    read_fd, write_fd = os.pipe()
    try:
        assert query_terminal(timeout=5, stdin_fd=read_fd, stdout_fd=write_fd) is None
    finally:
        os.close(read_fd)
        os.close(write_fd)


def answer_as(master: int, reply: bytes | None, asked: list[bytes] | None = None) -> threading.Thread:
    """A fake terminal on the pty master: reads the query (into ``asked``), sends ``reply``."""

    def run() -> None:
        seen = b""
        while not seen.endswith(b"\x1b[c"):
            seen += os.read(master, 1024)
        if asked is not None:
            asked.append(seen)
        if reply is not None:
            os.write(master, reply)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_query_reads_the_reply_from_a_terminal() -> None:
    master, slave = pty.openpty()
    try:
        thread = answer_as(master, b"\x1b_Gi=31;OK\x1b\\\x1b[?62;4c")
        reply = query_terminal(timeout=2, stdin_fd=slave, stdout_fd=slave)
        thread.join(2)
        assert reply == BOTH
    finally:
        os.close(master)
        os.close(slave)


def test_query_gives_up_after_the_timeout_when_the_terminal_is_silent() -> None:
    master, slave = pty.openpty()
    try:
        thread = answer_as(master, None)
        assert query_terminal(timeout=0.1, stdin_fd=slave, stdout_fd=slave) is None
        thread.join(2)
    finally:
        os.close(master)
        os.close(slave)


# --- Recorded answers of real terminals --------------------------------------
# Each is what the terminal wrote back to query_terminal's one write, recorded
# on a virtual X display (Debian 12's xterm 379, kitty 0.26.5, tmux 3.3a).

XTERM_VT340 = (
    b"\x1bP>|XTerm(379)\x1b\\\x1b[?1;0;1024S\x1b[?2;0;480;312S\x1b[?2;0;1000;1000S\x1b[?63;1;2;4;6;9;15;16;22;28c"
)
XTERM_PLAIN = b"\x1bP>|XTerm(379)\x1b\\\x1b[?1;3S\x1b[?2;3S\x1b[?2;3S\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"
KITTY_0_26 = b"\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.26.5)\x1b\\\x1b[6;18;9t\x1b[4;396;639t\x1b[8;22;71t\x1b[?62;c"
# The same three asked about 24-bit colour too: xterm ignores XTGETTCAP for RGB and Tc but gives a
# 24-bit background back (in its own colon form); kitty 0.26 says no to both names and gives it back.
XTERM_VT340_COLOURS = (
    b"\x1bP>|XTerm(379)\x1b\\\x1b[?1;0;1024S\x1b[?2;0;480;312S\x1b[?2;0;1000;1000S"
    b"\x1bP1$r0;48:2::1:2:3m\x1b\\\x1b[?63;1;2;4;6;9;15;16;22;28c"
)
XTERM_PLAIN_COLOURS = b"\x1bP>|XTerm(379)\x1b\\\x1b[?1;3S\x1b[?2;3S\x1b[?2;3S\x1bP1$r0;48:2::1:2:3m\x1b\\\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"
KITTY_0_26_COLOURS = (
    b"\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.26.5)\x1b\\\x1b[6;18;9t\x1b[4;396;639t\x1b[8;22;71t"
    b"\x1bP0+r524742\x1b\\\x1bP0+r5463\x1b\\\x1bP1$r48:2:1:2:3m\x1b\\\x1b[?62;c"
)
KITTY_0_35 = b"\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.35.2)\x1b\\\x1b[6;20;10t\x1b[4;400;800t\x1b[8;20;80t\x1b[?62;c"
TMUX_3_3 = b"\x1bP>|tmux 3.3a\x1b\\\x1b[8;80;23t\x1b[?1;2c"
XTERM_16_COLOURS = b"\x1bP>|XTerm(379)\x1b\\\x1b[?1;0;16S\x1b[?2;0;480;312S\x1b[?2;0;1000;1000S\x1b[?63;1;2;4c"


def recorded(data: bytes) -> object:
    return lambda: parse_reply(data)


def test_xterm_in_sixel_mode_is_drawn_in_sixels_within_its_limit() -> None:
    reply = parse_reply(XTERM_VT340)
    assert reply is not None
    assert (reply.name, reply.version, reply.sixel, reply.kitty) == ("xterm", "379", True, False)
    assert reply.color_registers == 1024
    assert reply.sixel_area == (480, 312) and reply.sixel_max == (1000, 1000)
    found = detect("auto", env={"TERM": "xterm"}, query=recorded(XTERM_VT340), cells=(80, 24))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.SIXEL
    assert found.sixel_max == (1000, 1000)
    # xterm answers no window query by default: its sixel area over its cells.
    assert found.cell_pixels == (6, 13)
    # Its cell size is known, so slides larger than its limit are drawn full size, in tiles.
    assert found.sixel_tiles
    assert found.reason == "slides drawn with sixel graphics (xterm 379), full size as tiles of up to 1000x1000 pixels"
    assert found.advice == ""


def test_without_the_cell_size_xterm_says_how_to_lift_its_limit() -> None:
    # No cell size (no kernel size, no window answer): tiles could not be put in place.
    big = XTERM_VT340.replace(b"480;312", b"2400;1300")
    found = detect("auto", env={"TERM": "xterm"}, query=recorded(big))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.SIXEL and not found.sixel_tiles and found.sixel_max == (1000, 1000)
    assert found.reason == (
        "slides drawn with sixel graphics at up to 1000x1000 pixels (xterm 379);"
        " for full-size slides start xterm with -xrm 'XTerm*maxGraphicSize: 2400x1300'"
    )
    # A window within the limit needs nothing; a window of unknown size, the size of a 1080p screen.
    assert "-xrm" not in detect("auto", env={"TERM": "xterm"}, query=recorded(XTERM_VT340)).reason  # type: ignore[arg-type]
    unknown = TerminalReply(kitty=False, sixel=True, name="xterm", version="379", sixel_max=(1000, 1000))
    found = detect("auto", env={"TERM": "xterm"}, query=lambda: unknown)
    assert found.reason.endswith("-xrm 'XTerm*maxGraphicSize: 1920x1080'")


def test_plain_xterm_falls_back_to_half_cells_and_says_why() -> None:
    found = detect("auto", env={"TERM": "xterm"}, query=recorded(XTERM_PLAIN), cells=(80, 24))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.HALFCELL
    assert found.reason == "slides drawn with half-cell blocks: this terminal has no image protocol"
    # The lineup says what reads better: half cells show no body text.
    assert found.advice.startswith("Body text does not read in half cells (2 pixels a cell).")
    assert "xterm -ti vt340" in found.advice and "/stage" in found.advice


@pytest.mark.parametrize(
    ("answer", "truecolor"),
    [
        (XTERM_VT340_COLOURS, True),
        (XTERM_PLAIN_COLOURS, True),
        (KITTY_0_26_COLOURS, True),
        # Not asked, or no answer to the colour questions.
        (XTERM_VT340, False),
        (KITTY_0_26, False),
        # Mapped onto the 256-colour palette: the terminal keeps no 24-bit colour.
        (b"\x1bP1$r0;48;5;16m\x1b\\\x1b[?62;c", False),
        (b"\x1bP1$r48;2;0;0;0m\x1b\\\x1b[?62;c", False),
        # The semicolon form, and a terminfo that has RGB (XTGETTCAP).
        (b"\x1bP1$r0;48;2;1;2;3m\x1b\\\x1b[?62;c", True),
        (b"\x1bP1+r524742=38\x1b\\\x1b[?62;c", True),
        (b"\x1bP1+r5463\x1b\\\x1b[?62;c", True),
        # Refused requests.
        (b"\x1bP0$r\x1b\\\x1bP0+r524742\x1b\\\x1b[?62;c", False),
    ],
)
def test_24_bit_colour_is_read_from_the_terminals_answers(answer: bytes, truecolor: bool) -> None:
    reply = parse_reply(answer)
    assert reply is not None and reply.truecolor is truecolor


def test_xterm_that_draws_24_bit_colour_gets_it_though_it_drops_colorterm() -> None:
    # xterm takes COLORTERM out of its children's environment.
    env = {"TERM": "xterm"}
    assert detect_graphics("auto", env=env, query=recorded(XTERM_PLAIN_COLOURS)) is GraphicsMode.HALFCELL  # type: ignore[arg-type]
    assert current_detection().truecolor
    assert env == {"TERM": "xterm", "COLORTERM": "truecolor"}
    env = {"TERM": "xterm"}
    detect_graphics("auto", env=env, query=recorded(XTERM_VT340_COLOURS))  # type: ignore[arg-type]
    assert env["COLORTERM"] == "truecolor"


@pytest.mark.parametrize(
    "env",
    [
        # The host chose the colours: kept.
        {"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "256"},
        {"TERM": "xterm", "COLORTERM": "24bit"},
        {"TERM": "xterm", "NO_COLOR": "1"},
    ],
)
def test_colours_chosen_by_the_host_are_kept(env: dict[str, str]) -> None:
    before = dict(env)
    detect_graphics("auto", env=env, query=recorded(XTERM_PLAIN_COLOURS))  # type: ignore[arg-type]
    assert env == before


def test_a_terminal_that_keeps_no_24_bit_colour_gets_256() -> None:
    env = {"TERM": "xterm"}
    detect_graphics("auto", env=env, query=recorded(XTERM_PLAIN))  # type: ignore[arg-type]
    assert "COLORTERM" not in env and not current_detection().truecolor


def test_the_app_draws_in_24_bit_colour_once_detection_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's console, made after detection, picks 24-bit colour from the environment it is given."""
    from textual.app import App

    import battledecks.render.detect as detection

    monkeypatch.setattr(detection, "_LAST", None)
    # Set (empty), so that what detection adds is taken back after the test.
    monkeypatch.setenv("COLORTERM", "")
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert App().console.color_system != "truecolor"  # TERM=xterm alone: 16 colours
    detect_graphics("auto", query=recorded(XTERM_PLAIN_COLOURS))  # type: ignore[arg-type]
    assert App().console.color_system == "truecolor"


def test_kitty_before_0_28_gets_classic_placement() -> None:
    found = detect("auto", env={"TERM": "xterm-kitty"}, query=recorded(KITTY_0_26))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.KITTY
    assert not found.placeholders
    assert found.cell_pixels == (9, 18)
    assert found.terminal == "kitty 0.26.5"
    assert found.reason == "slides drawn with kitty graphics (kitty 0.26.5, classic placement)"
    # The name comes from the terminal itself, not only from TERM.
    assert detect("auto", env={"TERM": "xterm-256color"}, query=recorded(KITTY_0_26)).mode is GraphicsMode.KITTY  # type: ignore[arg-type]


def test_kitty_0_28_and_later_has_placeholders() -> None:
    found = detect("auto", env={"TERM": "xterm-kitty"}, query=recorded(KITTY_0_35))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.KITTY and found.placeholders
    assert found.cell_pixels == (10, 20)


def tmux_answers(version: str | None, passthrough: str | None) -> tuple[list[list[str]], object]:
    """A recorded tmux: what ``tmux -V`` and ``tmux show -gv allow-passthrough`` printed (None: failed)."""
    asked_for: list[list[str]] = []

    def run(args: list[str]) -> str | None:
        asked_for.append(args)
        return {"-V": None if version is None else f"tmux {version}", "show": passthrough}[args[0]]

    return asked_for, run


def test_tmux_3_3_without_sixels_keeps_half_cells_and_says_why() -> None:
    reply = parse_reply(TMUX_3_3)
    assert reply is not None and (reply.name, reply.version, reply.sixel, reply.kitty) == ("tmux", "3.3a", False, False)
    calls, query = asked(reply)
    commands, run = tmux_answers("3.3a", "off")
    found = detect("auto", env={"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}, query=query, tmux=run)  # type: ignore[arg-type]
    assert calls == [1] and commands == [["-V"], ["show", "-gv", "allow-passthrough"]]
    assert found.mode is GraphicsMode.HALFCELL and found.terminal == "tmux 3.3a"
    assert found.reason == (
        "slides drawn with half-cell blocks: inside tmux 3.3a, which draws no sixels (tmux 3.4 built with sixel support does)"
    )


@pytest.mark.parametrize("passthrough", ["on", "all", "off"])
def test_tmux_in_kitty_keeps_half_cells_even_with_passthrough_and_says_so(passthrough: str) -> None:
    env = {"TERM": "tmux-256color", "TERM_PROGRAM": "tmux", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "3"}
    _, run = tmux_answers("3.3a", passthrough)
    found = detect("auto", env=env, query=recorded(TMUX_3_3), tmux=run)  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.HALFCELL
    assert found.reason.endswith(
        f"; kitty pictures are not passed through tmux (allow-passthrough is {passthrough}): they would stay behind when panes change"
    )


def test_tmux_without_the_passthrough_option_says_so_under_kitty() -> None:
    # tmux before 3.3 has no allow-passthrough: show -gv fails.
    env = {"TERM": "screen-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "3"}
    _, run = tmux_answers("3.2a", None)
    found = detect("auto", env=env, query=recorded(b"\x1b[?1;2c"), tmux=run)  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.HALFCELL and found.terminal == "tmux 3.2a"
    assert "inside tmux 3.2a, which draws no sixels" in found.reason and "(no allow-passthrough)" in found.reason


def test_tmux_that_draws_sixels_gets_sixels() -> None:
    # Not recorded: tmux 3.4 built with sixel support adds attribute 4 to its DA1 answer.
    answer = b"\x1bP>|tmux 3.4\x1b\\\x1b[?1;2;4c"
    _, run = tmux_answers("3.4", "off")
    found = detect("auto", env={"TERM": "tmux-256color", "TMUX": "x"}, query=recorded(answer), tmux=run)  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.SIXEL
    assert found.reason == "slides drawn with sixel graphics (tmux 3.4 draws them)"


def test_tmux_that_does_not_answer_keeps_half_cells() -> None:
    _, run = tmux_answers(None, None)
    found = detect("auto", env={"TERM": "tmux-256color", "TMUX": "x"}, query=lambda: None, tmux=run)
    assert found.mode is GraphicsMode.HALFCELL and "inside tmux, which draws no sixels" in found.reason


@pytest.mark.system
def test_the_real_tmux_is_asked_in_a_real_tmux(tmp_path: Path) -> None:
    """Debian's tmux, asked the way the app asks it, from inside one of its panes."""
    if shutil.which("tmux") is None:
        pytest.fail("install tmux (.ci/run does)")
    socket = tmp_path / "tmux.sock"
    out = tmp_path / "out.txt"
    code = "from battledecks.render.detect import run_tmux; print(run_tmux(['-V'])); print(run_tmux(['show', '-gv', 'allow-passthrough']))"
    subprocess.run(
        [
            "tmux",
            "-S",
            str(socket),
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            f'{sys.executable} -c "{code}" > {out}; sleep 30',
        ],
        check=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (out.exists() and out.read_text().count("\n") >= 2) and time.monotonic() < deadline:
            time.sleep(0.1)
        version, passthrough = out.read_text().split("\n")[:2]
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], check=False)
    installed = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=True).stdout.strip()
    assert version == installed and passthrough in ("on", "off", "all")


def test_too_few_sixel_colours_keep_half_cells() -> None:
    found = detect("auto", env={"TERM": "xterm"}, query=recorded(XTERM_16_COLOURS), cells=(80, 24))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.HALFCELL
    assert "only 16 colours" in found.reason


def test_forced_sixel_keeps_the_terminals_limit() -> None:
    found = detect("sixel", env={"TERM": "xterm"}, query=recorded(XTERM_VT340), cells=(80, 24))  # type: ignore[arg-type]
    assert found.mode is GraphicsMode.SIXEL and found.forced
    assert found.sixel_max == (1000, 1000) and found.cell_pixels == (6, 13)


def test_silent_terminal_says_so() -> None:
    found = detect("auto", env={"TERM": "xterm"}, query=lambda: None)
    assert found.mode is GraphicsMode.HALFCELL
    assert found.reason == "slides drawn with half-cell blocks: the terminal did not answer"


def test_detect_graphics_keeps_the_detection_for_the_app() -> None:
    detect_graphics("auto", env={"TERM": "xterm-kitty"}, query=recorded(KITTY_0_26))  # type: ignore[arg-type]
    found = current_detection()
    assert isinstance(found, Detection) and found.mode is GraphicsMode.KITTY and found.cell_pixels == (9, 18)


def test_query_sends_every_question_and_reads_every_answer() -> None:
    master, slave = pty.openpty()
    try:
        seen: list[bytes] = []

        def terminal() -> None:
            data = b""
            while not data.endswith(b"\x1b[c"):
                data += os.read(master, 1024)
            seen.append(data)
            os.write(master, KITTY_0_26)

        thread = threading.Thread(target=terminal, daemon=True)
        thread.start()
        reply = query_terminal(timeout=2, stdin_fd=slave, stdout_fd=slave)
        thread.join(2)
        assert reply == parse_reply(KITTY_0_26)
        for question in (
            b"\x1b_Gi=31,",
            b"\x1b[>0q",
            b"\x1b[?1;1;0S",
            b"\x1b[?2;1;0S",
            b"\x1b[?2;4;0S",
            b"\x1b[16t",
            b"\x1b[14t",
            b"\x1b[18t",
        ):
            assert question in seen[0]
        # 24-bit colour: XTGETTCAP RGB and Tc, and a background set, asked back and reset before DA1.
        assert b"\x1bP+q524742\x1b\\" in seen[0] and b"\x1bP+q5463\x1b\\" in seen[0]
        assert seen[0].endswith(b"\x1b[48;2;1;2;3m\x1bP$qm\x1b\\\x1b[0m\x1b[c")
    finally:
        os.close(master)
        os.close(slave)


def test_inside_tmux_the_query_leaves_out_the_kitty_query() -> None:
    """tmux takes an APC sequence (the kitty query) for a new pane title: it is never sent there."""
    master, slave = pty.openpty()
    seen: list[bytes] = []
    thread = answer_as(master, TMUX_3_3, seen)
    try:
        reply = query_terminal(timeout=2, stdin_fd=slave, stdout_fd=slave, kitty=False, colors=False)
        thread.join(2)
        assert reply is not None and reply.name == "tmux"
        assert seen and b"\x1b_G" not in seen[0] and b"\x1b[>0q" in seen[0]
        assert b"\x1bP+q" not in seen[0] and b"\x1bP$q" not in seen[0]
    finally:
        os.close(master)
        os.close(slave)
