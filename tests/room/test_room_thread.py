"""The room server runs on a thread of its own: a burst of requests never makes the host's loop wait."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from typing import Any

from battledecks.core.show import Show
from battledecks.render.prerender import pause_gc, resume_gc
from battledecks.room.server import TALK_SWITCH_INTERVAL, RoomServer, listen
from tests.waiting import until

LOADER = r"""
import asyncio, sys, time

async def one(host, port, path, results):
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: room\r\nConnection: close\r\n\r\n".encode())
        data = await reader.read()
        writer.close()
        results.append(data.split(b" ", 2)[1] if data.startswith(b"HTTP/1.1 ") else b"?")
    except OSError:
        results.append(b"error")

async def main():
    host, port, total, at_once = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    results = []
    start = time.monotonic()
    paths = ["/snapshot", "/stage", "/static/stage.js"]
    for first in range(0, total, at_once):
        await asyncio.gather(*(one(host, port, paths[i % 3], results) for i in range(first, min(total, first + at_once))))
    print(sum(r == b"200" for r in results), len(results), round(time.monotonic() - start, 3), flush=True)

asyncio.run(main())
"""


class Ticker:
    """An interval timer on the loop it is started in, keeping its longest gap beyond the interval."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.worst = 0.0
        self.ticks = 0
        self.running = True

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.running:
            before = loop.time()
            await asyncio.sleep(self.interval)
            self.worst = max(self.worst, loop.time() - before - self.interval)
            self.ticks += 1


async def tick_for(seconds: float) -> float:
    ticker = Ticker()
    task = asyncio.get_running_loop().create_task(ticker.run())
    await asyncio.sleep(seconds)
    ticker.running = False
    await task
    return ticker.worst


def room_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "room-server"]


async def test_a_burst_of_requests_does_not_delay_the_hosts_loop(room_show: Show) -> None:
    switch_interval = sys.getswitchinterval()
    server = RoomServer(room_show, listen("127.0.0.1", 0), suspense=0.2)
    await server.start()
    pause_gc()  # as the host's stage does for the length of a talk
    try:
        assert server.loop is not None and server.loop is not asyncio.get_running_loop()
        idle = await tick_for(1.0)  # the host's loop with the server idle, on this machine now

        # The server's own loop, timed the same way, to show the burst did load it.
        on_server = Ticker()
        asyncio.run_coroutine_threadsafe(on_server.run(), server.loop)
        await until(lambda: on_server.ticks > 0, what="the server's loop to tick")
        on_server.worst = 0.0

        on_app = Ticker()
        ticking = asyncio.get_running_loop().create_task(on_app.run())
        port = server.sock.getsockname()[1]
        loader = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LOADER,
            "127.0.0.1",
            str(port),
            "4000",
            "1000",
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(loader.communicate(), 120)
        on_app.running = False
        on_server.running = False
        await ticking
        # Meanwhile the show went on: a change reaches the server's state at once.
        room_show.draw_for("Ada")
        room_show.start_talk("Ada", time.monotonic())
        await until(lambda: json.loads(server._public.state)["stage"] == "talk", what="the talk in the server's state")
        # While the talk runs the server's thread gives the GIL back to the host's sooner.
        assert sys.getswitchinterval() == min(switch_interval, TALK_SWITCH_INTERVAL)
    finally:
        resume_gc()
        await server.stop()

    assert sys.getswitchinterval() == switch_interval
    ok, total, seconds = out.split()
    assert int(total) == 4000 and int(ok) == 4000, f"{ok} of {total} requests answered 200"
    figures = (
        f"host's loop: worst gap {on_app.worst * 1000:.1f} ms during {float(seconds):.2f} s of requests "
        f"({idle * 1000:.1f} ms idle); the server's own loop: {on_server.worst * 1000:.1f} ms"
    )
    # Generous: a busy 2-core machine delays any loop now and then, but the host's
    # loop never waits behind the requests (in one loop they held it for seconds).
    assert on_app.worst < max(0.15, 3 * idle + 0.1), figures
    assert on_app.ticks > 0


async def test_the_server_thread_ends_with_stop_and_can_start_again(room_show: Show) -> None:
    before = len(room_threads())
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = RoomServer(room_show, sock, screen_key="the-projectors-key-000000")
    counts: list[int] = []
    server.on_clients = counts.append
    await server.start()
    assert len(room_threads()) == before + 1
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /events?k=the-projectors-key-000000 HTTP/1.1\r\nHost: room\r\n\r\n")
    await until(lambda: counts and counts[-1] == 1, what="the app's loop told of the projector")
    await asyncio.wait_for(server.stop(), 10)
    assert len(room_threads()) == before, "the server's thread is left behind"
    assert await asyncio.wait_for(reader.read(), 10) is not None  # the stream was closed by the server
    writer.close()
    sock.close()

    again = RoomServer(room_show, listen("127.0.0.1", port))
    await again.start()
    try:
        status: list[Any] = []
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /snapshot HTTP/1.1\r\nHost: room\r\nConnection: close\r\n\r\n")
        status.append((await asyncio.wait_for(reader.read(), 10)).split(b" ", 2)[1])
        writer.close()
        assert status == [b"200"]
    finally:
        await again.stop()
    assert len(room_threads()) == before
