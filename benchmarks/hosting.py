"""The app run for real, for the benchmarks: in a terminal of its own, driven by the host's keys, with phones.

:class:`AppInPty` starts ``battledecks run EVENT --serve`` in a pseudo-terminal
of its own (80x24, half-cell slides), presses the host's keys, reads every
byte the app writes (time-stamped on arrival: when the host would see it)
and notes when each slide number first appears on the stage: the host's slide
lateness is measured in the host's own terminal. :func:`phone_run` is one
phone voting over HTTP/1.1 on bare asyncio protocols (thousands cost little
CPU), from a loopback address of its own if given. :class:`Projector` follows
``/events`` as ``battledecks screen`` does and notes every time it lost the
show.

Benchmark code only: nothing here is imported from ``tests/``.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from PIL import Image

HOST = "127.0.0.1"
KEYS = {"enter": b"\r", "up": b"\x1b[A", "down": b"\x1b[B", "f2": b"\x1bOQ", "escape": b"\x1b", "q": b"q", "y": b"y"}
_ESCAPE = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P.*?\x1b\\|[()][0-9A-Za-z]|[=>78DEHM])", re.S
)


# --- the event ------------------------------------------------------------------------------------


def build_deck(folder: Path, slides: int, size: tuple[int, int] = (32, 18)) -> Path:
    """A deck of ``slides`` small slides, each a colour of its own with a mark in a corner."""
    folder.mkdir(parents=True)
    base = sum(os.fsencode(folder.name)) % 200
    w, h = size
    for n in range(1, slides + 1):
        colour = ((base + n * 20) % 256, (n * 37) % 256, base)
        image = Image.new("RGB", size, colour)
        image.paste(tuple(255 - c for c in colour), (w - max(1, w // 8), h - max(1, h // 8), w, h))
        image.save(folder / f"slide{n}.png")
    return folder


def build_voting_event(
    folder: Path, *, slides: int = 12, period: float = 1.0, presenters: tuple[str, ...] = ("Ada", "Brian")
) -> Path:
    """An event voting by phone, with short talks (``period`` seconds a slide) and a deck each."""
    for index in range(len(presenters) + 1):
        build_deck(folder / "decks" / f"deck-{index}", slides)
    data = {
        "name": "Phones Night",
        "decks": "../decks",
        "presenters": list(presenters),
        "order": "listed",
        "slides": slides,
        "seconds": slides * period,
        "countdown": 2,
        "scoring": {"audience": {"vote": "phones"}},
    }
    (folder / "events").mkdir(parents=True, exist_ok=True)
    path = folder / "events" / "phones.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def first_talk_given(event: Path, presenter: str = "Ada") -> None:
    """Draw every deck and run ``presenter``'s talk through the record, as if she had presented."""
    from battledecks.core.show import Show

    show = Show.open(event)
    show.draw_all()
    show.start_talk(presenter, 0.0)
    show.end_talk(show.event.countdown + show.event.seconds)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


async def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing listens on {HOST}:{port}") from None
            await asyncio.sleep(0.05)


def _cpu_of(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def app_cpu(pid: int) -> dict[str, float]:
    """CPU seconds used so far by the app's main thread (the host's screen and slide timer), its other threads
    (the room server's among them) and the processes it started (the vote processes), from /proc."""
    main = other = children = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            cpu = _cpu_of(task / "stat")
        except (OSError, ValueError, IndexError):
            continue
        if task.name == str(pid):
            main = cpu
        else:
            other += cpu
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children += _cpu_of(entry / "stat")
            except (OSError, ValueError, IndexError):
                continue
    return {"main": main, "threads": other, "vote_processes": children}


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the app in a terminal --------------------------------------------------------------------------


class AppInPty:
    """``battledecks run EVENT --serve 127.0.0.1:PORT`` in a pseudo-terminal, read and driven from here."""

    def __init__(
        self,
        event: Path,
        port: int,
        size: tuple[int, int] = (80, 24),
        slides: int = 12,
        open_files: tuple[int, int] | None = None,
    ) -> None:
        self.event, self.port, self.size = event, port, size
        self.open_files = open_files
        """The app's open-file limit (soft, hard) as it starts, as ``ulimit -n`` sets it (None: this process's)."""
        self.proc: subprocess.Popen[bytes] | None = None
        self.text = ""
        """What the app wrote, escape sequences taken out (the last 64 kB)."""
        self.everything: list[str] = []
        """Lines of every message the console showed that matter here (errors about files)."""
        self.slide_seen: dict[int, float] = {}
        """Slide number (1-based) -> monotonic time it first reached the terminal."""
        self._slide = re.compile(rf"(slide )?\b(\d{{1,3}})/{slides}\b")
        self._master = -1
        self._reader: threading.Thread | None = None

    def start(self) -> AppInPty:
        master, slave = pty.openpty()
        cols, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        env.pop("TMUX", None)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "battledecks",
                "run",
                str(self.event),
                "--serve",
                f"{HOST}:{self.port}",
                "--graphics",
                "halfcell",
            ],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env=env,
            close_fds=True,
            preexec_fn=None if self.open_files is None else self._limit_open_files,
        )
        os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()
        return self

    def _limit_open_files(self) -> None:
        assert self.open_files is not None
        resource.setrlimit(resource.RLIMIT_NOFILE, self.open_files)

    def _read(self, fd: int) -> None:
        carry = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            at = time.monotonic()
            raw = carry + chunk
            text = _ESCAPE.sub(b" ", raw).decode("utf-8", "replace")
            for m in self._slide.finditer(text):
                if m.group(1) is None:
                    self.slide_seen.setdefault(int(m.group(2)), at)
            if "not saved" in text or "Too many open files" in text:
                self.everything.append(text)
            carry = raw[-48:]
            self.text = (self.text + _ESCAPE.sub(b"", chunk).decode("utf-8", "replace"))[-65536:]

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self._master, KEYS[key])
            time.sleep(0.15)  # the terminal reads an Escape alone only after a pause

    def wait_text(self, needle: str, timeout: float = 60) -> None:
        if not self.shows(needle, timeout):
            raise SystemExit(f"the app never showed {needle!r}; it showed: ...{self.text[-1500:]!r}")

    def shows(self, needle: str, timeout: float) -> bool:
        """Whether the app shows ``needle`` within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline or (self.proc is not None and self.proc.poll() is not None):
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._master >= 0:
            os.close(self._master)
            self._master = -1


def slide_lateness(app: AppInPty, schedule: dict[str, Any], start: float, end: float) -> dict[str, Any]:
    """Lateness (ms) of each slide due between ``start`` and ``end``, from its due time to its number on the host's terminal."""
    first = float(schedule["started_at"]) + float(schedule["countdown"])
    period = float(schedule["seconds"]) / int(schedule["slides"])
    late, missing = [], []
    for n in range(1, int(schedule["slides"]) + 1):
        due = first + (n - 1) * period
        if due < start:
            continue
        if due > end:
            break
        seen = app.slide_seen.get(n)
        if seen is None:
            missing.append(n)
        else:
            late.append((seen - due) * 1000)
    return {
        "n": len(late),
        "p50": pct(late, 0.5),
        "p99": pct(late, 0.99),
        "max": max(late, default=float("nan")),
        "missing": missing,
        "each_ms": [round(x, 1) for x in late],
    }


# --- the projector ----------------------------------------------------------------------------------


class Projector:
    """The room's screen: follows /events as ``battledecks screen`` does, noting each time it lost the show."""

    def __init__(self, port: int) -> None:
        from battledecks.room.follow import Follower

        self.state: dict[str, Any] = {}
        self.changes: list[tuple[float, bool]] = []
        """(monotonic time, connected) each time the follower got or lost the show."""
        self.follower = Follower(lambda: f"http://{HOST}:{port}/", self._take, self._status, retry=0.05)
        self.task = asyncio.ensure_future(self.follower.run())

    def _status(self, connected: bool) -> None:
        self.changes.append((time.monotonic(), connected))

    def _take(self, message: dict[str, Any]) -> None:
        self.state = message.get("state") or self.state

    def longest_gap(self, start: float, end: float) -> float:
        """The longest time (s) between ``start`` and ``end`` the projector was without the show."""
        connected, since, longest = False, start, 0.0
        for at, now_connected in self.changes:
            if at <= start:
                connected = now_connected
                continue
            if at >= end:
                break
            if connected and not now_connected:
                since = at
            elif not connected and now_connected:
                longest = max(longest, at - since)
            connected = now_connected
        if not connected:
            longest = max(longest, end - since)
        return longest

    async def until(self, test: Any, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not test(self.state):
            if time.monotonic() > deadline:
                raise SystemExit(f"the projector never saw {what}")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass


async def open_vote_and_start_talk(app: AppInPty, room: Projector) -> tuple[str, dict[str, Any]]:
    """The host's keys: Ada's scores, F2 (the vote), back, Brian's talk. The room code and the talk's schedule."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, app.wait_text, "Enter: put Brian on stage.")
    await room.until(lambda s: bool(s), "the show")
    await loop.run_in_executor(None, app.press, "up")
    await loop.run_in_executor(None, app.wait_text, "Enter: enter the scores for Ada.")
    await loop.run_in_executor(None, app.press, "enter")
    await loop.run_in_executor(None, app.wait_text, "F2 opens the phones' vote on Ada")
    await loop.run_in_executor(None, app.press, "f2")
    await room.until(lambda s: (s.get("vote") or {}).get("open"), "the vote open")
    code = room.state["vote"]["code"]
    await loop.run_in_executor(None, app.press, "escape")
    await asyncio.sleep(0.5)
    await loop.run_in_executor(None, app.press, "down")
    await loop.run_in_executor(None, app.wait_text, "Enter: put Brian on stage.")
    await loop.run_in_executor(None, app.press, "enter")
    await loop.run_in_executor(None, app.wait_text, "Start Brian's talk?")
    await loop.run_in_executor(None, app.press, "y")
    await room.until(lambda s: (s.get("talk") or {}).get("presenter") == "Brian", "Brian's talk")
    return code, room.state["talk"]["schedule"]


# --- phones -----------------------------------------------------------------------------------------


REQUEST_TIMEOUT = 30.0
"""Seconds a phone waits for an answer before it gives up on the request."""


@dataclass
class Phone:
    start: float
    """Seconds into the window when it loads the page."""
    value: int
    source: str | None = None
    """The loopback address it comes from (None: the system's choice)."""
    page_ms: float | None = None
    vote_ms: list[float] = field(default_factory=list)
    acked: list[tuple[int, float]] = field(default_factory=list)
    """(value, monotonic time) for each vote the server said was counted."""
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Why requests failed (the exception's name)."""


class _Connection(asyncio.Protocol):
    """One phone's kept-alive HTTP/1.1 connection, as a bare protocol."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._data = bytearray()
        self._answer: asyncio.Future[tuple[int, str, bytes]] | None = None
        self._ended = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._data += data
        self._check()

    def eof_received(self) -> bool | None:
        self._ended = True
        self._check()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended = True
        self._check()

    def _check(self) -> None:
        answer = self._answer
        if answer is None or answer.done():
            return
        end = self._data.find(b"\r\n\r\n")
        length = 0
        if end >= 0:
            head = self._data[:end].decode("latin-1")
            at = head.lower().find("\r\ncontent-length:")
            length = int(head[at + 17 :].split("\r\n", 1)[0]) if at >= 0 else 0
        if end < 0 or len(self._data) < end + 4 + length:
            if self._ended:
                answer.set_exception(asyncio.IncompleteReadError(bytes(self._data), None))
            return
        body = bytes(self._data[end + 4 : end + 4 + length])
        del self._data[: end + 4 + length]
        answer.set_result((int(head.split(" ", 2)[1]), head, body))

    async def request(self, data: bytes) -> tuple[int, str, bytes]:
        loop = asyncio.get_running_loop()
        answer = self._answer = loop.create_future()
        assert self.transport is not None
        self.transport.write(data)
        self._check()
        timer = loop.call_later(REQUEST_TIMEOUT, lambda: answer.done() or answer.set_exception(TimeoutError()))
        try:
            return await answer
        finally:
            timer.cancel()


_SET_COOKIE = "\r\nset-cookie: bdvote="


def cookie_in(head: str) -> str | None:
    at = head.lower().find(_SET_COOKIE)
    return head[at + len(_SET_COOKIE) :].split(";", 1)[0] if at >= 0 else None


def vote_request(port: int, code: str, cookie: str | None, value: int) -> bytes:
    """A vote as the page sends it (from its own origin)."""
    body = f"score={value}&code={code}".encode()
    return (
        f"POST /vote HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        + (f"Cookie: bdvote={cookie}\r\n" if cookie else "")
        + f"Origin: http://{HOST}:{port}\r\nAccept: application/json\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def phone_run(p: Phone, port: int, code: str, t0: float, tries: int = 2) -> None:
    """Load the page and vote at ``t0 + p.start``; after a failure, try once more."""
    await asyncio.sleep(max(0.0, t0 + p.start - time.monotonic()))
    loop = asyncio.get_running_loop()
    for _ in range(tries):
        transport: asyncio.Transport | None = None
        try:
            transport, conn = await loop.create_connection(
                _Connection, HOST, port, local_addr=(p.source, 0) if p.source else None
            )
            began = time.monotonic()
            _, head, _ = await conn.request(f"GET /vote?c={code} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            p.page_ms = (time.monotonic() - began) * 1000
            cookie = cookie_in(head)
            began = time.monotonic()
            _, head, data = await conn.request(vote_request(port, code, cookie, p.value))
            p.vote_ms.append((time.monotonic() - began) * 1000)
            answer = json.loads(data)
            if answer.get("ok"):
                p.acked.append((p.value, time.monotonic()))
            else:
                p.refused.append(str(answer.get("reason")))
            return
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
            p.errors.append(type(error).__name__)
        finally:
            if transport is not None:
                transport.close()
