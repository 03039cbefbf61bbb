"""No connection can stall the show, with the vote processes on the port: heads sent by halves are closed there,
never reach the host's app, and a crowd of them under a low open-file limit leaves the port to the phones."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import types
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from battledecks.room.gate import HEAD_TIMEOUT
from battledecks.room.server import RoomServer, listen
from battledecks.room.votes import attach
from tests.builders import build_deck, build_event
from tests.crowds import HOST, answer, closed_after, connect, get, stranger, voting_show
from tests.waiting import until

pytestmark = pytest.mark.system


@pytest.fixture
async def served(event_dir: Path, seeds, wall) -> AsyncIterator[RoomServer]:  # noqa: ANN001
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    desk = attach(server, show, types.SimpleNamespace(votes=None, after_first_frame=[], notify=print))
    assert desk is not None
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
        desk.store.close()


def port_of(server: RoomServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


async def test_heads_sent_by_halves_are_closed_by_the_vote_processes_and_never_reach_the_app(
    served: RoomServer,
) -> None:
    port = port_of(served)
    reader, writer = await connect(port, stranger(0))
    assert await answer(reader, writer, get("/snapshot")) == 200, "the room server's paths are handed over"
    writer.close()
    await until(lambda: served.gate is not None and served.gate.held == 0, what="the handed connection closed")

    slow = []
    for path in (b"GET /vote", b"GET /st", b"POST /vote?c=AB"):
        reader, writer = await connect(port, stranger(1))
        writer.write(path)
        slow.append((reader, writer))
    await asyncio.sleep(0.5)
    writer_lines = [w.write(b" HTTP/1.1\r\nX-Slow: 1\r\n") for _, w in slow]  # a line now, none again
    assert len(writer_lines) == 3
    began = time.monotonic()
    closed = await asyncio.gather(*(closed_after(r, 12) for r, _ in slow))
    assert all(c is not None for c in closed), f"half-sent heads kept open: {closed}"
    assert time.monotonic() - began < 10
    assert served.gate is not None and served.gate.held == 0 and served.gate.closed["head"] == 0, (
        "the half-sent /stage head never reached the host's app"
    )
    for _, writer in slow:
        writer.close()


async def test_a_kept_alive_vote_connection_left_idle_is_closed(served: RoomServer) -> None:
    reader, writer = await connect(port_of(served), stranger(2))
    assert await answer(reader, writer, get("/vote")) == 200
    closed = await closed_after(reader, 15)
    assert closed is not None and closed < 10
    writer.close()


def test_a_crowd_of_half_sent_vote_heads_under_a_low_limit_leaves_the_port_to_the_phones(tmp_path: Path) -> None:
    """600 heads sent by halves to /vote, half of them from one address, under an open-file limit of 256: the vote
    processes keep taking phones, the room server its paths, and the show its files."""
    for n in range(4):
        build_deck(tmp_path / "decks" / f"deck-{n}", slides=3)
    event = build_event(
        tmp_path / "events",
        name="crowd",
        presenters=["Ada", "Brian", "Chen"],
        slides=3,
        seconds=3,
        order="listed",
        scoring={"judges": ["J1"], "audience": {"vote": "phones"}},
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crowds", "serve", str(event), "256", "--votes"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.stdin is not None and child.stdout is not None

    def ask(command: str) -> dict:
        child.stdin.write(command + "\n")  # type: ignore[union-attr]
        child.stdin.flush()  # type: ignore[union-attr]
        return json.loads(child.stdout.readline())  # type: ignore[union-attr]

    async def crowd(port: int) -> None:
        readers, writers = [], []
        try:
            for n in range(600):
                try:
                    reader, writer = await connect(port, stranger(n) if n % 2 else stranger(10_000))
                except OSError:
                    continue
                writer.write(b"GET /vote")
                readers.append(reader)
                writers.append(writer)
            await asyncio.sleep(2 * 1.0)  # every vote process full, and its heads old enough to make way
            for path, want in (("/vote", 200), ("/snapshot", 200), ("/vote/state", 200)):
                began = time.monotonic()
                reader, writer = await connect(port, stranger(20_000))
                status = await answer(reader, writer, get(path), timeout=10)
                writer.close()
                assert status == want, f"{path} answered {status} with the crowd at the door"
                assert time.monotonic() - began < 3
            written = await asyncio.to_thread(ask, "write")
            assert written["ok"], written
            # Every head sent by halves is closed in time (or was turned away at the door).
            closed = await asyncio.gather(*(closed_after(r, HEAD_TIMEOUT + 5) for r in readers))
            assert all(c is not None for c in closed), f"{sum(c is None for c in closed)} half-sent heads still open"
        finally:
            for writer in writers:
                writer.close()

    try:
        started = json.loads(child.stdout.readline())
        asyncio.run(crowd(int(started["url"].rsplit(":", 1)[1].strip("/"))))
    finally:
        if child.poll() is None:
            try:
                child.stdin.write("quit\n")
                child.stdin.flush()
                child.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                child.kill()
                child.wait()


def test_the_app_raises_its_open_file_limit_and_says_when_it_stays_low(tmp_path: Path) -> None:
    from harness.phoning import AppInPty, build_voting_event, free_port

    event = build_voting_event(tmp_path, slides=3)
    app = AppInPty(event, free_port(), slides=3, open_files=(512, 1024)).start()
    try:
        app.wait_text("Open files")
        app.wait_text("1024")
        assert app.proc is not None
        limits = Path(f"/proc/{app.proc.pid}/limits").read_text()
        soft, hard = next(line for line in limits.splitlines() if line.startswith("Max open files")).split()[3:5]
        assert (soft, hard) == ("1024", "1024"), "the soft limit raised to the hard one"
    finally:
        app.stop()


async def test_streams_handed_over_beyond_an_addresss_share_are_refused_before_they_are_served(
    served: RoomServer,
) -> None:
    from battledecks.room.server import STREAMS_PER_ADDRESS

    port = port_of(served)
    writers = []
    try:
        for n in range(STREAMS_PER_ADDRESS + 1):
            reader, writer = await connect(port, stranger(3))
            writers.append(writer)
            status = await answer(reader, writer, get("/events"))
            assert status == (200 if n < STREAMS_PER_ADDRESS else 503)
        assert served.gate is not None and served.gate.held == STREAMS_PER_ADDRESS, (
            "the refused one never reached aiohttp"
        )
        reader, writer = await connect(port, stranger(4))
        writers.append(writer)
        assert await answer(reader, writer, get("/events")) == 200
    finally:
        for writer in writers:
            writer.close()


async def test_the_vote_processes_give_way_to_the_hosts_app_when_both_want_a_core(served: RoomServer) -> None:
    from battledecks.room.votes.intake import NICENESS

    vote_processes = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and _parent_of(entry) == os.getpid()
        and b"battledecks.room.votes.intake" in _read(entry / "cmdline")
    ]
    assert vote_processes, "the vote processes run"
    app = os.getpriority(os.PRIO_PROCESS, 0)
    assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in vote_processes] == [min(19, app + NICENESS)] * len(
        vote_processes
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _parent_of(entry: Path) -> int:
    fields = _read(entry / "stat").rsplit(b")", 1)[-1].split()
    return int(fields[1]) if len(fields) > 1 else -1
