"""The app run for real in a terminal, and many phones voting against it.

:class:`AppInPty` starts ``battledecks run EVENT --serve`` in a pseudo-terminal
of its own (80x24, half-cell slides), presses the host's keys, reads every byte
the app writes to the terminal (time-stamped on arrival: when the host would
see it) and notes when each slide number first appears on the stage.

:func:`phone_run` is one phone: it opens a connection, loads /vote (getting
its cookie) and posts its vote(s) over the same connection, as the vote page
does (``Origin`` the page's own), in HTTP/1.1 over bare asyncio protocols so
thousands of them cost little CPU. Each phone may have a loopback address of
its own (:func:`loopback_source`), as phones in a room have each their own.

Used by ``tests/room/test_vote_crash.py`` and ``benchmarks/votes.py``.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
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
from typing import cast

from harness.building import build_decks, build_event

HOST = "127.0.0.1"
KEYS = {
    "enter": b"\r",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "f2": b"\x1bOQ",
    "escape": b"\x1b",
    "q": b"q",
    "y": b"y",
    "k": b"k",
}
_ESCAPE = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P.*?\x1b\\|[()][0-9A-Za-z]|[=>78DEHM])", re.S
)


def build_voting_event(
    folder: Path, *, slides: int = 12, period: float = 1.0, presenters: tuple[str, ...] = ("Ada", "Brian")
) -> Path:
    """An event voting by phone, with short talks (``period`` seconds a slide) and a deck each."""
    build_decks(folder / "decks", len(presenters) + 1, slides=slides, size=(32, 18))
    return build_event(
        folder / "events",
        "phones",
        title="Phones Night",
        presenters=list(presenters),
        order="listed",
        slides=slides,
        seconds=slides * period,
        countdown=2,
        scoring={"audience": {"vote": "phones"}},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


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
        self.slide_seen: dict[int, float] = {}
        """Slide number (1-based) -> monotonic time it first reached the terminal."""
        self.bytes = 0
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
        self.text, self.slide_seen, self.bytes = "", {}, 0
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()
        return self

    def _limit_open_files(self) -> None:
        import resource

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
            self.bytes += len(chunk)
            raw = carry + chunk
            text = _ESCAPE.sub(b" ", raw).decode("utf-8", "replace")
            for m in self._slide.finditer(text):
                if m.group(1) is None:
                    self.slide_seen.setdefault(int(m.group(2)), at)
            carry = raw[-48:]
            self.text = (self.text + _ESCAPE.sub(b"", chunk).decode("utf-8", "replace"))[-65536:]

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self._master, KEYS[key])
            time.sleep(0.15)  # the terminal reads an Escape alone only after a pause

    def wait_text(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline or (self.proc is not None and self.proc.poll() is not None):
                raise AssertionError(f"the app never showed {needle!r}; it showed: ...{self.text[-1500:]!r}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the app (this process only, by its id), as a crash would; returns once its vote
        processes, which notice and let go of the port, have ended too."""
        assert self.proc is not None
        helpers = children_of(self.proc.pid)
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._close()
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in helpers):
            if time.monotonic() > deadline:
                raise AssertionError(f"the vote processes {helpers} did not end after the app was killed")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def _close(self) -> None:
        if self._master >= 0:
            os.close(self._master)
            self._master = -1


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    """The processes ``pid`` started (the app's vote process), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def tree_cpu(pid: int) -> float:
    """CPU seconds process ``pid`` and the processes it started have used so far (those still running)."""
    total = 0.0
    for one in [pid, *children_of(pid)]:
        try:
            total += process_cpu(one)
        except OSError:
            pass
    return total


async def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on {HOST}:{port}") from None
            await asyncio.sleep(0.05)


# --- phones -------------------------------------------------------------------------------


REQUEST_TIMEOUT = 60.0
"""Seconds a phone waits for an answer before it gives up on the request."""


def loopback_source(n: int) -> str:
    """The ``n``-th of many distinct loopback addresses (127.0.0.0/8, from 127.1.0.1): one phone's own address."""
    block, last = divmod(n, 254)
    return f"127.{1 + block // 256}.{block % 256}.{last + 1}"


SAME_ORIGIN = "same"
"""``origin=`` for :func:`http`: a POST carries the Origin of the page it was sent to, as the vote page's own."""


async def http(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    method: str,
    path: str,
    cookie: str | None = None,
    body: bytes = b"",
    accept_json: bool = False,
    origin: str | None = SAME_ORIGIN,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on a kept-alive connection: status, headers (lower-case), body.

    A POST carries ``Origin``: the server's own by default (as the vote page sends it), ``origin`` if given, none
    if None.
    """
    return await asyncio.wait_for(
        _http(reader, writer, method, path, cookie, body, accept_json, origin), REQUEST_TIMEOUT
    )


async def _http(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    method: str,
    path: str,
    cookie: str | None,
    body: bytes,
    accept_json: bool,
    origin: str | None,
) -> tuple[int, dict[str, str], bytes]:
    host, port = writer.get_extra_info("peername")[:2]
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: phone"]
    if method == "POST" and origin is not None:
        lines.append(f"Origin: http://{host}:{port}" if origin == SAME_ORIGIN else f"Origin: {origin}")
    if cookie:
        lines.append(f"Cookie: bdvote={cookie}")
    if accept_json:
        lines.append("Accept: application/json")
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            k, v = line.split(":", 1)
            k = k.strip().lower()
            headers[k] = (headers[k] + "\n" + v.strip()) if k in headers else v.strip()
    data = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, data


def cookie_of(headers: dict[str, str]) -> str | None:
    for line in headers.get("set-cookie", "").split("\n"):
        if line.startswith("bdvote="):
            return line.split(";", 1)[0][len("bdvote=") :]
    return None


@dataclass
class Phone:
    start: float
    """Seconds into the window when it loads the page."""
    value: int
    second: int | None = None
    """A second vote (changing its mind), or None."""
    page_ms: float | None = None
    vote_ms: list[float] = field(default_factory=list)
    acked: list[tuple[int, float]] = field(default_factory=list)
    """(value, monotonic time) for each vote the server said was counted."""
    refused: list[str] = field(default_factory=list)
    failed: int = 0
    phone_id: str | None = None
    cookie: str | None = None
    errors: list[str] = field(default_factory=list)
    """Why requests failed (the exception's name)."""
    source: str | None = None
    """The phone's own loopback address (None: the system's choice, 127.0.0.1)."""


class _Connection(asyncio.Protocol):
    """One phone's kept-alive HTTP/1.1 connection, as a bare protocol: thousands of them cost little CPU."""

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
        """Send one request; its status, head and body."""
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


def _cookie_in(head: str) -> str | None:
    at = head.lower().find(_SET_COOKIE)
    return head[at + len(_SET_COOKIE) :].split(";", 1)[0] if at >= 0 else None


async def phone_run(
    p: Phone, port: int, code: str, t0: float, back: asyncio.Event | None = None, tries: int = 2
) -> None:
    """Load the page and vote; after a failure try again (once ``back`` is set, when given: the server is back)."""
    await asyncio.sleep(max(0.0, t0 + p.start - time.monotonic()))
    loop = asyncio.get_running_loop()
    votes = [p.value] + ([p.second] if p.second is not None else [])
    for attempt in range(tries):
        transport: asyncio.Transport | None = None
        try:
            transport, conn = await loop.create_connection(
                _Connection, HOST, port, local_addr=(p.source, 0) if p.source else None
            )
            began = time.monotonic()
            cookie = f"Cookie: bdvote={p.cookie}\r\n" if p.cookie else ""
            _, head, _ = await conn.request(
                f"GET /vote?c={code} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{cookie}\r\n".encode()
            )
            p.page_ms = (time.monotonic() - began) * 1000
            p.cookie = _cookie_in(head) or p.cookie
            if p.cookie:
                p.phone_id = p.cookie.split(".")[0]
            while votes:
                body = f"score={votes[0]}&code={code}".encode()
                began = time.monotonic()
                _, head, data = await conn.request(
                    f"POST /vote HTTP/1.1\r\nHost: {HOST}:{port}\r\nOrigin: http://{HOST}:{port}\r\nCookie: bdvote={p.cookie}\r\nAccept: application/json\r\n"
                    f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                p.vote_ms.append((time.monotonic() - began) * 1000)
                answer = json.loads(data)
                if answer["ok"]:
                    p.acked.append((votes[0], time.monotonic()))
                else:
                    p.refused.append(answer["reason"])
                votes.pop(0)
            return
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
            p.failed += 1
            p.errors.append(type(error).__name__)
            if back is not None and attempt + 1 < tries:
                await back.wait()
        finally:
            if transport is not None:
                transport.close()


def stored_votes(db: Path, round_id: int) -> dict[str, float]:
    """Phone -> value of the votes the vote database holds for ``round_id`` (read without writing)."""
    import sqlite3

    with sqlite3.connect(db.absolute().as_uri() + "?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT phone, value FROM votes WHERE round = ?", (round_id,)).fetchall()
    conn.close()
    return dict(rows)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
