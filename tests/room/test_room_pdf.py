"""The audience screen's slides of a PDF deck: drawn off the server's loop, once for all the requests of a talk."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import aiohttp
import pytest

from battledecks.core.show import Show
from battledecks.room import server as server_module
from battledecks.room.server import RoomServer, listen
from tests.builders import build_event
from tests.pdf_builders import make_heavy_pdf


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A page cache of this test's own: the deck's pages are not drawn yet when its talk starts."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


async def test_a_talk_on_a_pdf_deck_has_its_pages_drawn_once_off_the_loop(
    tmp_path: Path,
    seeds,
    wall,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    make_heavy_pdf(tmp_path / "decks" / "heavy.pdf", size=(1600, 900))
    event = build_event(tmp_path / "events", name="room", seconds=60, countdown=0, order="listed")
    show = Show.open(event, seed_source=seeds, clock=wall)
    loop_thread = threading.get_ident()
    lookups: list[int] = []
    real = server_module.slide_files

    def watched(deck):  # noqa: ANN001, ANN202
        lookups.append(threading.get_ident())
        return real(deck)

    monkeypatch.setattr(server_module, "slide_files", watched)
    server = RoomServer(show, listen("127.0.0.1", 0), suspense=0.2)
    await server.start()
    try:
        deck = show.draw_for("Ada").deck
        show.start_talk("Ada", time.monotonic())
        ticks = [time.monotonic()]
        stop = asyncio.Event()

        async def tick() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.02)
                ticks.append(time.monotonic())

        ticker = asyncio.ensure_future(tick())

        async def one(session: aiohttp.ClientSession, number: int) -> tuple[int, str]:
            async with session.get(f"{server.url}slides/{deck.id}/{number}") as response:
                await response.read()
                return response.status, response.content_type

        # What six audience screens do at a talk's start: the slides they may have (the first two), at once.
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            answers = await asyncio.gather(*(one(session, 1 + n % 2) for n in range(12)))
        stop.set()
        await ticker
    finally:
        await server.stop()
    assert answers == [(200, "image/jpeg")] * 12
    assert len(lookups) == 1, "the twelve requests share one lookup"
    assert loop_thread not in lookups, "the pages were drawn on the server's loop"
    longest = max(b - a for a, b in zip(ticks, ticks[1:]))
    assert longest < 3.0, f"the server's loop stalled for {longest:.2f} s"
