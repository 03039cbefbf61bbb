"""Choosing how to draw slides from the environment and the terminal's reply."""

from __future__ import annotations

import os
import pty
import threading

import pytest

from battledecks.render.detect import (
    GraphicsMode,
    TerminalReply,
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
        {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"},
        {"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "3"},
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


def test_explicit_request_wins_without_asking() -> None:
    calls, query = asked(None)
    env = {"TERM": "tmux-256color", "TMUX": "x"}
    assert detect_graphics("sixel", env=env, query=query) is GraphicsMode.SIXEL  # type: ignore[arg-type]
    assert detect_graphics(" Kitty ", env=env, query=query) is GraphicsMode.KITTY  # type: ignore[arg-type]
    assert detect_graphics(GraphicsMode.HALFCELL, env=env, query=query) is GraphicsMode.HALFCELL  # type: ignore[arg-type]
    assert calls == []
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


def answer_as(master: int, reply: bytes | None) -> threading.Thread:
    """A fake terminal on the pty master: reads the query, sends ``reply``."""

    def run() -> None:
        seen = b""
        while not seen.endswith(b"\x1b[c"):
            seen += os.read(master, 1024)
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
