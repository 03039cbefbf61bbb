"""No connection can stall the show: the room server's deadlines for heads, bodies and idle connections, and its
shares per address, on loopback, with connections from many addresses of 127.0.0.0/8 (see tests/crowds.py)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from battledecks.core.show import Show
from battledecks.room import gate as gate_module
from battledecks.room import server as server_module
from battledecks.room.gate import Gate, GateRules, low_limit_warning, raise_file_limit, reserve_for
from battledecks.room.server import RoomServer, listen
from tests.builders import build_event
from tests.crowds import HOST, answer, closed_after, connect, get, stranger, voting_show
from tests.waiting import until

SHORT = GateRules(head_timeout=0.5, body_timeout=0.5, keepalive=0.5)


def port_of(server: RoomServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


@pytest.fixture
async def short(room_show: Show) -> AsyncIterator[RoomServer]:
    """The room server with deadlines of half a second."""
    server = RoomServer(room_show, listen(HOST, 0), gate=SHORT)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_a_half_sent_head_is_closed_when_its_time_is_up(short: RoomServer) -> None:
    reader, writer = await connect(port_of(short), stranger(0))
    writer.write(b"GET /st")
    began = time.monotonic()

    async def trickle() -> None:  # a header line now and then, as a slow attacker keeps a head going
        for n in range(50):
            await asyncio.sleep(0.1)
            if writer.is_closing():
                return
            writer.write(f"X-{n}: y\r\n".encode())

    keep_going = asyncio.ensure_future(trickle())
    try:
        closed = await closed_after(reader, 10)
    finally:
        keep_going.cancel()
        writer.close()
    assert closed is not None, "a head sent a line at a time held the connection open"
    assert 0.4 <= time.monotonic() - began < 5, "closed when its half second was up, not at once"
    assert short.gate is not None and short.gate.closed["head"] == 1


async def test_a_connection_that_sends_nothing_is_closed_and_a_whole_head_is_answered(short: RoomServer) -> None:
    reader, writer = await connect(port_of(short), stranger(1))
    assert await closed_after(reader, 10) is not None
    writer.close()
    reader, writer = await connect(port_of(short), stranger(1))
    assert await answer(reader, writer, get("/snapshot")) == 200
    writer.close()


async def test_an_idle_kept_alive_connection_is_closed_and_so_is_a_second_head_sent_slowly(short: RoomServer) -> None:
    reader, writer = await connect(port_of(short), stranger(2))
    assert await answer(reader, writer, get("/favicon.ico")) == 204
    assert await closed_after(reader, 10) is not None, "idle after its answer, it was kept alive for long"
    writer.close()

    reader, writer = await connect(port_of(short), stranger(2))
    assert await answer(reader, writer, get("/favicon.ico")) == 204
    writer.write(b"GET /snapsh")  # the next request's head never ends
    assert await closed_after(reader, 10) is not None
    writer.close()


async def test_a_vote_whose_body_comes_too_slowly_is_refused_and_its_connection_closed(
    event_dir: Path, seeds, wall
) -> None:  # noqa: ANN001
    from battledecks.room.votes.desk import desk_for_show
    from battledecks.room.votes.routes import add_vote_routes

    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0), gate=SHORT)
    desk = desk_for_show(show)
    assert desk is not None
    server.routes.append(lambda app: add_vote_routes(app, desk))
    await server.start()
    try:
        desk.open("Ada")
        reader, writer = await connect(port_of(server), stranger(3))
        writer.write(
            b"POST /vote HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100\r\n\r\nscore="
        )
        began = time.monotonic()
        status = await answer(reader, writer, b"", timeout=10)
        assert status == 408
        assert await closed_after(reader, 10) is not None
        assert time.monotonic() - began < 5
        writer.close()
    finally:
        await server.stop()
        desk.store.close()


async def test_one_address_holds_its_share_of_connections_and_another_still_gets_in(room_show: Show) -> None:
    server = RoomServer(room_show, listen(HOST, 0), gate=GateRules(head_timeout=30, per_address=3))
    await server.start()
    port = port_of(server)
    held = []
    try:
        for _ in range(3):
            held.append(await connect(port, stranger(4)))
        await until(lambda: server.gate is not None and server.gate.held == 3, what="three connections held")
        reader, writer = await connect(port, stranger(4))
        assert await closed_after(reader, 10) is not None, "a fourth connection from the same address was kept"
        writer.close()
        assert server.gate is not None and server.gate.closed["address"] == 1
        reader, writer = await connect(port, stranger(5))
        assert await answer(reader, writer, get("/snapshot")) == 200
        writer.close()
        # The host's own machine (a connection from the address it reached) is nobody's share.
        for _ in range(4):
            reader, writer = await connect(port, HOST)
            held.append((reader, writer))
        assert await answer(reader, writer, get("/snapshot")) == 200
    finally:
        for _, writer in held:
            writer.close()
        await server.stop()


async def _stream(port: int, source: str, headers: str = "") -> tuple[int, asyncio.StreamWriter]:
    reader, writer = await connect(port, source)
    status = await answer(reader, writer, f"GET /events HTTP/1.1\r\nHost: {HOST}\r\n{headers}\r\n".encode())
    return status, writer


async def test_audience_streams_are_shared_per_address_and_the_projector_always_has_a_place(
    room_show: Show,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server_module, "STREAMS_PER_ADDRESS", 2)
    monkeypatch.setattr(server_module, "MAX_CLIENTS", 4)
    monkeypatch.setattr(server_module, "OWN_STREAMS", 1)
    server = RoomServer(room_show, listen(HOST, 0))
    server.is_projector = lambda request: request.headers.get("X-Projector") == "yes"
    await server.start()
    port = port_of(server)
    writers: list[asyncio.StreamWriter] = []

    async def stream(source: str, headers: str = "") -> int:
        status, writer = await _stream(port, source, headers)
        writers.append(writer)
        return status

    try:
        assert [await stream(stranger(6)) for _ in range(3)] == [200, 200, 503], "an address's share is two streams"
        assert await stream(stranger(7)) == 200
        assert await stream(stranger(8)) == 200
        assert await stream(stranger(9)) == 503, "the room's four streams are taken"
        assert await stream(HOST) == 200, "the host's own machine has a place of its own"
        assert await stream(HOST) == 503, "... one, here, when the room's are taken"
        assert await stream(stranger(9), "X-Projector: yes\r\n") == 200, (
            "the projector gets in when every place is taken"
        )
        assert await stream(stranger(6), "X-Projector: yes\r\n") == 200, "... from any address"
        await until(lambda: server.clients == 7, what="seven streams")
    finally:
        for writer in writers:
            writer.close()
        await server.stop()


async def test_a_projector_that_comes_back_takes_the_place_of_its_oldest_stream(room_show: Show) -> None:
    server = RoomServer(room_show, listen(HOST, 0))
    server.is_projector = lambda request: True
    await server.start()
    port = port_of(server)
    writers = []
    try:
        for _ in range(server_module.PROJECTOR_STREAMS + 2):
            status, writer = await _stream(port, stranger(10))
            assert status == 200
            writers.append(writer)
        await until(lambda: server.clients == server_module.PROJECTOR_STREAMS, what="the newest projector streams only")
    finally:
        for writer in writers:
            writer.close()
        await server.stop()


def test_when_descriptors_run_short_a_newcomer_takes_the_place_of_a_head_that_never_came() -> None:
    now = [0.0]
    gate = Gate(GateRules(reserve=10), limit=lambda: 100, count=lambda: 30 + len(gate._held), monotonic=lambda: now[0])

    class Porter:
        def __init__(self, address: str, own: bool = False) -> None:
            self.address, self.own, self.closed = address, own, False

        def close(self) -> None:
            self.closed = True

    room = gate.room_for()
    assert room == 100 - 10 - gate_module.OWN_ROOM - 30
    first = [Porter(stranger(n)) for n in range(room)]
    assert all(gate._admit(p) for p in first)  # type: ignore[arg-type]
    assert not gate._admit(Porter(stranger(999))), "full, and no head has had its second yet"  # type: ignore[arg-type]
    assert gate._admit(Porter(HOST, own=True)), "the host's own machine has room of its own"  # type: ignore[arg-type]
    now[0] += gate_module.EVICT_AFTER
    gate._refresh()
    gate.headed(first[0])  # type: ignore[arg-type]
    newcomer = Porter(stranger(1000))
    assert gate._admit(newcomer)  # type: ignore[arg-type]
    assert first[1].closed and not first[0].closed, "the oldest connection still waiting for its head made way"
    assert gate.closed == {"full": 1, "evicted": 1}


def test_the_reserve_and_the_console_warning_follow_the_open_file_limit() -> None:
    assert reserve_for(1024) == 128 and reserve_for(256) == 64 and reserve_for(1 << 20) == 1024
    warning = low_limit_warning(1024)
    assert warning is not None and "1024" in warning and "ulimit -n" in warning
    assert low_limit_warning(65536) is None


def test_the_soft_open_file_limit_is_raised_to_the_hard_one() -> None:
    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]));"
        "from battledecks.room.gate import raise_file_limit; import json; print(json.dumps(raise_file_limit()))"
    )
    soft, hard = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert soft == hard and hard > 256
    assert raise_file_limit()[0] >= 256


def test_the_room_is_not_given_the_descriptors_the_show_needs_for_its_files(tmp_path: Path) -> None:
    """Under an open-file limit of 256, strangers open 400 connections (streams and heads that never come): the room
    server stops at its share, and the show still writes its record and reads a slide."""
    from tests.builders import build_deck

    for n in range(4):
        build_deck(tmp_path / "decks" / f"deck-{n}", slides=3)
    event = build_event(tmp_path / "events", name="crowd", presenters=["Ada", "Brian", "Chen"], slides=3, seconds=3)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crowds", "serve", str(event), "256"],
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

    try:
        started = json.loads(child.stdout.readline())
        assert started["limit"] == 256
        port = int(started["url"].rsplit(":", 1)[1].strip("/"))
        assert ask("write")["ok"]

        async def crowd() -> list[asyncio.StreamWriter]:
            writers = []
            for n in range(400):
                try:
                    reader, writer = await connect(port, stranger(n))
                except OSError:
                    continue
                writer.write(get("/events") if n % 2 else b"GET /sta")
                writers.append(writer)
            await asyncio.sleep(1.5)  # what the room can take of it, it has taken
            return writers

        async def run() -> None:
            writers = await crowd()
            try:
                state = await asyncio.to_thread(ask, "state")
                assert state["closed"].get("full", 0) + state["closed"].get("evicted", 0) > 0, (
                    f"the room never filled: {state}"
                )
                assert state["fds"] <= 256 - reserve_for(256), state
                for _ in range(2):
                    written = await asyncio.to_thread(ask, "write")
                    assert written["ok"], f"the show could not use its own files: {written}"
            finally:
                for writer in writers:
                    writer.close()

        asyncio.run(run())
    finally:
        if child.poll() is None:
            try:
                child.stdin.write("quit\n")
                child.stdin.flush()
                child.wait(20)
            except (OSError, subprocess.TimeoutExpired):
                child.kill()
                child.wait()


async def test_a_room_that_keeps_connecting_does_not_keep_the_hosts_screen_busy(room_show: Show) -> None:
    server = RoomServer(room_show, listen(HOST, 0))
    counts: list[int] = []
    server.on_clients = counts.append
    await server.start()
    port = port_of(server)
    try:
        began = time.monotonic()
        for n in range(40):
            status, writer = await _stream(port, stranger(100 + n))
            assert status == 200
            writer.close()
        await until(lambda: server.clients == 0, what="the streams gone")
        # Anonymous streams are counted nowhere the host's app looks: however many come and go, no word of them.
        assert counts == [], f"the host's screen was told of {len(counts)} anonymous stream counts"
        assert time.monotonic() - began < 60
    finally:
        await server.stop()
