"""The room server on loopback: the stream, the snapshot, late joiners, restarts, and what it never gives away."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import aiohttp
import pytest

from battledecks.core.clock import Phase
from battledecks.core.show import Show
from battledecks.room import server as server_module
from battledecks.room.schedule import clock_from
from battledecks.room.server import RoomServer, listen
from tests.waiting import until


async def get(url: str, **kw: object) -> tuple[int, bytes, str]:
    async with aiohttp.ClientSession() as session, session.get(url, **kw) as response:  # type: ignore[arg-type]
        return response.status, await response.read(), response.content_type


async def test_the_stream_starts_with_the_state_and_follows_every_change(
    served: RoomServer, room_show: Show, listeners
) -> None:  # noqa: ANN001
    room = listeners(lambda: served.url)
    first = await room.wait_kind("state")
    assert first["state"]["event"] == "Test Night"
    assert first["state"]["stage"] == "idle"
    assert first["state"]["next"] == "Ada"
    assert [p["name"] for p in first["state"]["lineup"]] == ["Ada", "Brian", "Chen"]
    assert all(p["title"] is None for p in first["state"]["lineup"]), "no deck is drawn yet"

    drawn = room_show.draw_for("Ada")
    message = await room.wait_kind("draw")
    assert message["state"]["stage"] == "reveal"
    assert message["state"]["reveal"]["presenter"] == "Ada"
    assert message["state"]["reveal"]["title"] is None, "the title waits for the host's screen"
    assert message["state"]["seq"] == room_show.seq
    served.reveal_now("Ada")
    message = await room.wait_kind("reveal-now")
    assert message["state"]["reveal"]["title"] == drawn.deck.title
    # What the room sees of the draw is the deck and its title; never the pool or the seed.
    text = json.dumps(room.messages)
    assert '"pool"' not in text and '"seed"' not in text
    for deck in room_show.decks.values():
        if deck.id != drawn.deck.id:
            assert deck.id not in text and (deck.title is None or deck.title not in text)

    status, body, kind = await get(served.url + "snapshot")
    assert status == 200 and kind == "application/json"
    assert json.loads(body)["state"] == message["state"]


async def test_the_rooms_suspense_is_the_hosts_and_ends_when_the_host_reveals(room_show: Show, listeners) -> None:  # noqa: ANN001
    server = RoomServer(room_show, listen("127.0.0.1", 0), suspense=30.0)
    await server.start()
    try:
        room = listeners(lambda: server.url)
        await room.wait_kind("state")
        room_show.draw_for("Ada")
        reveal = (await room.wait_kind("draw"))["state"]["reveal"]
        assert reveal["suspense"] == 30.0, "the host's suspense, carried in the stream"
        server.reveal_now("Brian")  # not the draw on show: nothing changes
        server.reveal_now("Ada")
        message = await room.wait_kind("reveal-now")
        now = message["now"]
        ended = message["state"]["reveal"]
        assert ended["at"] + ended["suspense"] <= now, "the room reveals with the host"
        assert (
            ended["at"] == reveal["at"]
            and reveal["title"] is None
            and ended["title"] == room_show.presenter("Ada").title
        )
        server.reveal_now("Ada")  # revealed already: no second message
        room_show.draw_for("Brian")
        await room.wait_kind("draw", 2)
        assert [m["kind"] for m in room.messages].count("reveal-now") == 1
    finally:
        await server.stop()


async def test_a_late_joiner_gets_the_talk_schedule_and_runs_the_hosts_clock(
    served: RoomServer, room_show: Show, listeners
) -> None:  # noqa: ANN001
    room_show.draw_for("Ada")
    start = time.monotonic()
    host = room_show.start_talk("Ada", start)
    room_show.pause_talk(start + 0.5)
    room_show.resume_talk(start + 0.9)
    room_show.skip_slide(start + 1.1)
    room_show.pause_talk(start + 1.3)
    late = listeners(lambda: served.url)
    state = (await late.wait_kind("state"))["state"]
    assert state["stage"] == "talk"
    talk = state["talk"]
    assert talk["presenter"] == "Ada" and talk["ended"] is None
    follower = clock_from(talk["schedule"])
    for now in (start, start + 0.2, start + 0.6, start + 1.2, start + 1.4, start + 3.0):
        assert follower.state(now) == host.state(now)
    room_show.resume_talk(start + 2.0)
    message = await late.wait_kind("resume")
    follower = clock_from(message["state"]["talk"]["schedule"])
    for slide in range(host.slides + 1):
        assert abs(follower.due_at(slide) - host.due_at(slide)) < 0.005
    assert follower.next_change(start + 2.1) == host.next_change(start + 2.1)


@pytest.mark.parametrize("fan_out", [server_module.FAN_OUT, 2])
async def test_pause_resume_skip_and_abort_reach_every_follower(
    served: RoomServer,
    room_show: Show,
    listeners,
    monkeypatch,
    fan_out: int,  # noqa: ANN001
) -> None:
    # Written a few streams at a time (the loop runs in between), every change still reaches every follower, in order.
    monkeypatch.setattr(server_module, "FAN_OUT", fan_out)
    rooms = [listeners(lambda: served.url) for _ in range(5)]
    for room in rooms:
        await room.wait_kind("state")
    room_show.draw_for("Brian")
    now = time.monotonic()
    room_show.start_talk("Brian", now)
    room_show.pause_talk(now + 0.4)
    room_show.resume_talk(now + 0.6)
    room_show.skip_slide(now + 0.8)
    room_show.abort_talk(now + 1.0, reason="test")
    for room in rooms:
        final = await room.wait_kind("abort")
        kinds = [m["kind"] for m in room.messages]
        assert kinds[-6:] == ["draw", "talk-start", "pause", "resume", "skip", "abort"]
        talk = final["state"]["talk"]
        assert talk["ended"]["how"] == "aborted"
        assert clock_from(talk["schedule"]).state(now + 1.5).phase is Phase.ABORTED


async def test_a_follower_finds_the_host_again_after_a_restart(room_show: Show, listeners) -> None:  # noqa: ANN001
    server = RoomServer(room_show, listen("127.0.0.1", 0))
    port = server.sock.getsockname()[1]
    await server.start()
    room = listeners(lambda: f"http://127.0.0.1:{port}/")
    await room.wait_kind("state")
    assert room.statuses == [True]
    await server.stop()
    await until(lambda: room.statuses[-1] is False, what="the follower to notice the host is gone")
    room_show.draw_for("Chen")  # while nobody serves
    again = RoomServer(room_show, listen("127.0.0.1", port))
    await again.start()
    try:
        second = await room.wait_kind("state", count=2)
        assert room.statuses[-1] is True
        assert second["state"]["lineup"][2]["title"] == room_show.presenter("Chen").title
    finally:
        await again.stop()


async def test_slides_only_of_the_deck_on_stage_and_only_while_its_talk_runs(
    served: RoomServer, room_show: Show, listeners
) -> None:  # noqa: ANN001
    drawn = room_show.draw_for("Ada").deck
    other = next(d for d in room_show.decks.values() if d.id != drawn.id)
    url = served.url + "slides/{}/{}"
    assert (await get(url.format(drawn.id, 1)))[0] == 404, "drawn but not on stage"
    room = listeners(lambda: served.url)
    await room.wait_kind("state")
    now = time.monotonic()
    room_show.start_talk("Ada", now)
    await room.wait_kind("talk-start")
    status, body, kind = await get(url.format(drawn.id, 1))
    assert status == 200 and kind == "image/png"
    assert body == sorted(drawn.path.glob("*.png"), key=lambda p: int(p.stem[5:]))[0].read_bytes()
    for deck_id, number in ((other.id, 1), (drawn.id, 0), (drawn.id, 13), (drawn.id, "x"), ("..", 1), ("%2e%2e", 1)):
        assert (await get(url.format(deck_id, number)))[0] == 404, (deck_id, number)
    room_show.abort_talk(now + 0.1)
    await room.wait_kind("abort")
    assert (await get(url.format(drawn.id, 1)))[0] == 404, "the talk is over"


async def test_no_request_changes_the_show_and_requests_are_limited(
    served: RoomServer, room_show: Show, room_event
) -> None:  # noqa: ANN001
    room_show.draw_for("Ada")
    record = room_show.record.path.read_bytes()
    seq = room_show.seq
    async with aiohttp.ClientSession() as session:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            for path in ("", "stage", "events", "snapshot", "slides/x/1", "vote"):
                async with session.request(method, served.url + path, data=b"{}") as response:
                    assert response.status in (404, 405), (method, path, response.status)
        async with session.get(served.url + "snapshot", headers={"X-Big": "x" * 10_000}) as response:
            assert response.status in (400, 413, 431)
        async with session.get(served.url + "stage") as response:
            assert response.status == 200 and response.content_type == "text/html"
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            page = await response.text()
        assert "http://" not in page and "https://" not in page, "nothing from a CDN"
    assert room_show.seq == seq
    assert room_show.record.path.read_bytes() == record


async def test_standings_only_once_the_host_reveals_them(served: RoomServer, room_show: Show, listeners) -> None:  # noqa: ANN001
    room = listeners(lambda: served.url)
    assert (await room.wait_kind("state"))["state"]["standings"] is None
    room_show.reveal("standings")
    message = await room.wait_kind("reveal")
    assert message["state"]["stage"] == "standings"
    assert message["state"]["standings"]["show"] == "standings"
    room_show.reveal("hidden")
    message = await room.wait_kind("reveal", count=2)
    assert message["state"]["stage"] == "idle" and message["state"]["standings"] is None


async def test_the_server_stops_with_streams_open(room_show: Show, listeners) -> None:  # noqa: ANN001
    server = RoomServer(room_show, listen("127.0.0.1", 0))
    await server.start()
    rooms = [listeners(lambda: server.url) for _ in range(5)]
    for room in rooms:
        await room.wait_kind("state")
    assert server.clients == 5
    began = time.monotonic()
    await asyncio.wait_for(server.stop(), 5)
    assert time.monotonic() - began < 2.0
    assert server.clients == 0
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(server.url + "snapshot")


def raw_stream(url: str) -> socket.socket:
    """A stream of /events read by hand, so a test sees exactly what has been written to it."""
    host, port = url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.sendall(b"GET /events HTTP/1.1\r\nHost: room\r\n\r\n")
    sock.setblocking(False)
    return sock


def written_so_far(sock: socket.socket, got: bytearray) -> bytes:
    while True:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return bytes(got)
        if not chunk:
            return bytes(got)
        got += chunk


async def test_after_sent_waits_until_the_news_is_written_to_every_stream(
    served: RoomServer,
    room_show: Show,
    monkeypatch,  # noqa: ANN001
) -> None:
    # Written two streams at a time, the abort takes the server's loop several turns to write to all twelve.
    monkeypatch.setattr(server_module, "FAN_OUT", 2)
    socks = [raw_stream(served.url) for _ in range(12)]
    got = [bytearray() for _ in socks]
    try:
        await until(lambda: served.clients == len(socks), what="twelve streams")
        room_show.draw_for("Brian")
        now = time.monotonic()
        room_show.start_talk("Brian", now)
        room_show.abort_talk(now + 0.5, reason="test")
        seen: list[list[bool]] = []
        asked = time.monotonic()
        served.after_sent(
            lambda: seen.append([b'"kind":"abort"' in written_so_far(s, g) for s, g in zip(socks, got)]), grace=0.2
        )
        await until(lambda: seen, what="the callback")
        assert time.monotonic() - asked >= 0.2, "called back before its grace was over"
        assert seen == [[True] * len(socks)], "called back before every stream had the abort"
    finally:
        for sock in socks:
            sock.close()


async def test_after_sent_calls_back_at_once_when_not_serving_and_at_stop(room_show: Show) -> None:
    server = RoomServer(room_show, listen("127.0.0.1", 0))
    called: list[str] = []
    server.after_sent(lambda: called.append("not started"))
    assert called == ["not started"]
    await server.start()
    server.after_sent(lambda: called.append("started"), grace=60)
    await server.stop()
    assert called == ["not started", "started"], "a callback in its grace is called when the server stops"
    server.after_sent(lambda: called.append("stopped"))
    assert called[-1] == "stopped"
