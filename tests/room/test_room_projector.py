"""The room gets nothing before its moment, and only the host's projector counts as one (on loopback)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from battledecks.core.show import Show
from battledecks.room.server import SCREEN_COOKIE, RoomServer, listen
from tests.listening import Listener
from tests.waiting import until

KEY = "the-events-screen-key-0001"


class Clock:
    """The host's monotonic clock, moved by the test: what the server may serve depends on it alone."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def room(room_show: Show, clock: Clock) -> AsyncIterator[RoomServer]:
    server = RoomServer(room_show, listen("127.0.0.1", 0), monotonic=clock, suspense=0.2, screen_key=KEY)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def status_of(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url, allow_redirects=False) as response:
        await response.read()
        return response.status


async def test_during_a_talk_only_the_slide_showing_and_the_next_one(
    room: RoomServer, room_show: Show, clock: Clock
) -> None:
    deck = room_show.draw_for("Ada").deck
    other = next(d for d in room_show.decks.values() if d.id != deck.id)
    slide = room.url + "slides/{}/{}"

    async def served(deck_id: str = deck.id) -> list[int]:
        """The slides of ``deck_id`` the server gives now (1-based)."""
        return [n for n in range(1, 13) if await status_of(slide.format(deck_id, n)) == 200]

    assert await served() == [], "drawn but not on stage"
    start = clock.now
    host = room_show.start_talk("Ada", start)  # 0.3 s of 3-2-1, then 12 slides of 0.2 s
    await until(lambda: room.message("x")["state"]["stage"] == "talk", what="the talk to reach the server")
    assert await served() == [1], "during the 3-2-1: the first slide, to have it ready"
    clock.now = host.due_at(0) + 0.01
    assert await served() == [1, 2], "slide 1 showing: it and the next"
    clock.now = host.due_at(4) + 0.01
    assert await served() == [1, 2, 3, 4, 5, 6], "slide 5 showing: nothing after slide 6"
    assert await served(other.id) == []
    room_show.pause_talk(clock.now)
    clock.now += 60  # paused on slide 5 for a minute: still nothing after slide 6
    await until(lambda: room.message("x")["state"]["talk"]["schedule"]["paused_since"] is not None, what="the pause")
    assert await served() == [1, 2, 3, 4, 5, 6]
    room_show.abort_talk(clock.now, reason="test")
    await until(lambda: room.message("x")["state"]["talk"]["ended"] is not None, what="the abort")
    assert await served() == [], "the talk is over"


async def test_the_drawn_title_reaches_the_room_only_when_the_hosts_screen_reveals_it(
    room: RoomServer,
    room_show: Show,
    clock: Clock,
) -> None:
    follower = Listener(lambda: room.url).start()
    try:
        await follower.wait_kind("state")
        drawn = room_show.draw_for("Ada").deck
        draw = await follower.wait_kind("draw")
        clock.now += 30  # long past the planned suspense: still nothing until the host's screen shows it
        async with aiohttp.ClientSession() as session, session.get(room.url + "snapshot") as response:
            snapshot = await response.text()
        for text in (json.dumps(draw), snapshot):
            assert drawn.title not in text and drawn.id not in text
        assert draw["state"]["reveal"]["revealed"] is False
        room.reveal_now("Ada")  # the host's draw screen reveals it
        revealed = await follower.wait_kind("reveal-now")
        assert revealed["state"]["reveal"]["title"] == drawn.title and revealed["state"]["reveal"]["revealed"] is True
        assert [p["title"] for p in revealed["state"]["lineup"] if p["name"] == "Ada"] == [drawn.title]
        async with aiohttp.ClientSession() as session, session.get(room.url + "snapshot") as response:
            assert drawn.title in await response.text()
    finally:
        await follower.stop()


async def test_only_a_screen_with_the_key_is_the_projector(room: RoomServer) -> None:
    told: list[int] = []
    room.on_clients = told.append
    anonymous = [Listener(lambda: room.url).start() for _ in range(3)]
    wrong = Listener(lambda: room.url)
    wrong.follower.screen_key = lambda: "not-the-key-not-the-key-00"
    wrong.start()
    try:
        await until(lambda: room.clients == 4, what="four anonymous screens")
        await asyncio.sleep(0)  # a count the app would have been told comes on its loop's next turn
        assert room.projectors == 0 and told == [], "anonymous screens never reach the host's app"
        projector = Listener(lambda: room.url)
        projector.follower.screen_key = lambda: KEY
        projector.start()
        await until(lambda: told == [1], what="the projector to be counted")
        await projector.stop()
        await until(lambda: told == [1, 0], what="the projector to be gone")
    finally:
        for listener in (*anonymous, wrong):
            await listener.stop()


async def test_the_projectors_link_keeps_the_key_in_a_cookie_and_out_of_the_address_bar(room: RoomServer) -> None:
    assert room.projector_url == f"{room.url}stage?k={KEY}"
    told: list[int] = []
    room.on_clients = told.append
    async with aiohttp.ClientSession() as session:
        async with session.get(room.projector_url, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/stage"
            cookie = response.cookies[SCREEN_COOKIE]
            assert (
                cookie.value == KEY and cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
            )
        async with session.get(room.url + "stage?k=guessed-guessed-guessed-1", allow_redirects=False) as response:
            assert response.status == 303 and SCREEN_COOKIE not in response.cookies
    async with aiohttp.ClientSession(cookies={SCREEN_COOKIE: KEY}) as browser:
        async with browser.get(room.url + "stage") as response:
            assert response.status == 200 and "<html" in await response.text()
        async with browser.get(room.url + "events") as stream:
            await stream.content.readuntil(b"\n\n")
            await until(lambda: told == [1], what="the browser with the cookie to be the projector")
    await until(lambda: told == [1, 0], what="the projector's browser to be gone")


def test_the_screen_key_is_the_events_kept_private_and_survives_the_app(tmp_path: Path) -> None:
    from battledecks.room.address import (
        address_file,
        read_address,
        read_screen_key,
        remove_address,
        screen_key,
        write_address,
    )

    event = tmp_path / "night.yaml"
    key = screen_key(event)
    assert len(key) >= 24 and screen_key(event) == key == read_screen_key(event)
    assert address_file(event).stat().st_mode & 0o777 == 0o600
    write_address(event, "http://127.0.0.1:8750/", key)
    assert address_file(event).stat().st_mode & 0o777 == 0o600
    assert read_address(event) == "http://127.0.0.1:8750/"
    remove_address(event)
    assert read_address(event) is None and read_screen_key(event) == key, "the address goes, the key stays"
    assert address_file(event).stat().st_mode & 0o777 == 0o600


def test_the_console_says_what_the_network_reaches() -> None:
    from battledecks.room.address import network_reach

    for local in ("http://127.0.0.1:8750/", "http://127.0.0.2:8750/", "http://localhost:8750/", "http://[::1]:8750/"):
        assert network_reach(local) is None, local
    every = network_reach("http://0.0.0.0:8750/")
    assert every is not None and "every address of this machine" in every and "vote" in every
    lan = network_reach("http://192.168.1.20:8750/")
    assert lan is not None and "192.168.1.20:8750" in lan


def test_battledecks_screen_takes_the_projectors_link() -> None:
    from battledecks.commands.screen import _base_and_key

    assert _base_and_key(f"http://127.0.0.1:8750/stage?k={KEY}") == ("http://127.0.0.1:8750/", KEY)
    assert _base_and_key("http://127.0.0.1:8750") == ("http://127.0.0.1:8750/", None)
    assert _base_and_key("http://10.0.0.5:9000/") == ("http://10.0.0.5:9000/", None)


async def test_draws_made_at_once_are_revealed_one_by_one_as_the_host_shows_them(
    room: RoomServer, room_show: Show
) -> None:
    # A sudden death draws for every tied presenter at once; the host's screen reveals them one after the other.
    ada, brian = room_show.draw_for("Ada").deck, room_show.draw_for("Brian").deck

    def titles() -> dict[str, object]:
        state = room.message("x")["state"]
        return {p["name"]: p["title"] for p in state["lineup"]} | {"reveal": state["reveal"]["title"]}

    assert titles() == {"Ada": None, "Brian": None, "Chen": None, "reveal": None}
    room.reveal_now("Ada")
    assert titles() == {"Ada": ada.title, "Brian": None, "Chen": None, "reveal": ada.title}
    room.reveal_now("Brian")
    assert titles() == {"Ada": ada.title, "Brian": brian.title, "Chen": None, "reveal": brian.title}


async def test_a_full_room_leaves_the_projector_its_stream(room: RoomServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from battledecks.room import server as server_module

    monkeypatch.setattr(server_module, "MAX_CLIENTS", 2)
    monkeypatch.setattr(server_module, "OWN_STREAMS", 0)  # the crowd is on this machine: no places kept for it
    crowd = [Listener(lambda: room.url).start() for _ in range(2)]
    try:
        await until(lambda: room.clients == 2, what="the streams to fill")
        assert await status_of(room.url + "events") == 503
        async with aiohttp.ClientSession() as session, session.get(room.url + f"events?k={KEY}") as stream:
            assert stream.status == 200
            await stream.content.readuntil(b"\n\n")
            await until(lambda: room.projectors == 1, what="the projector")
    finally:
        for listener in crowd:
            await listener.stop()
