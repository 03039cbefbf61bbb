"""The app is killed while phones vote: no acknowledged vote is lost and the restarted app carries on with the count."""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from battledecks.core.show import Show
from battledecks.room.votes.desk import desk_for_show
from battledecks.room.votes.store import votes_path_for
from harness.phoning import (
    AppInPty,
    Phone,
    build_voting_event,
    free_port,
    loopback_source,
    phone_run,
    stored_votes,
    wait_port,
)
from tests.builders import present

pytestmark = pytest.mark.system  # the app with its vote processes, in a terminal of its own

PHONES = 200


async def first_state(port: int) -> dict:
    """The whole state a newly connected audience screen gets first."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/events") as response:
            async for raw in response.content:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    return json.loads(line[5:])["state"]
    raise AssertionError("no state")


async def test_a_kill_during_the_vote_loses_no_acknowledged_vote(tmp_path: Path) -> None:
    event = build_voting_event(tmp_path, slides=4)
    show = Show.open(event)
    show.draw_all()
    present(show, "Ada")
    desk = desk_for_show(show)  # the host opened the vote on Ada before the app was stopped
    desk.open("Ada")
    code = desk.store.code
    desk.store.close()

    port = free_port()
    app = AppInPty(event, port).start()
    try:
        await wait_port(port)
        rng = random.Random(7)
        phones = [
            Phone(
                rng.uniform(0, 3),
                rng.randint(1, 10),
                rng.randint(1, 10) if i % 5 == 0 else None,
                source=loopback_source(i),
            )
            for i in range(PHONES)
        ]
        back = asyncio.Event()
        t0 = time.monotonic()
        tasks = [asyncio.ensure_future(phone_run(p, port, code, t0, back, tries=3)) for p in phones]
        deadline = time.monotonic() + 120
        while sum(1 for p in phones if p.acked) < PHONES // 4:
            assert time.monotonic() < deadline, "the phones' votes were never acknowledged"
            await asyncio.sleep(0.01)

        app.kill()  # SIGKILL, in the middle of the votes
        acked = {p.phone_id: p.acked[-1][0] for p in phones if p.acked}
        assert len(acked) < PHONES, "the kill came after every vote"
        at_kill = stored_votes(votes_path_for(event), 1)
        assert [pid for pid in acked if pid not in at_kill] == []

        app = AppInPty(event, port).start()
        await wait_port(port)
        state = await first_state(port)
        assert state["vote"]["open"] and state["vote"]["presenter"] == "Ada"
        # The open vote's count is back: every vote committed before the kill (phones arriving since may add more).
        assert len(at_kill) <= state["vote"]["count"] <= len(stored_votes(votes_path_for(event), 1))
        back.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 120)

        stored = stored_votes(votes_path_for(event), 1)
        last = {p.phone_id: p.acked[-1][0] for p in phones if p.acked}
        assert len(last) == PHONES, f"{PHONES - len(last)} phones never had a vote counted"
        assert {pid: stored.get(pid) for pid in last} == last
    finally:
        app.stop()


def test_a_corrupt_vote_database_at_start_turns_phone_voting_off_and_the_show_goes_on(tmp_path: Path) -> None:
    event = build_voting_event(tmp_path, slides=4)
    db = votes_path_for(event)
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    port = free_port()
    app = AppInPty(event, port).start()
    try:
        app.wait_text("Phone voting is off")
        app.wait_text("set-aside")
        app.wait_text("Enter: draw a deck for Ada")  # the lineup: the show goes on
        assert app.proc is not None and app.proc.poll() is None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/snapshot", timeout=10) as answer:
            assert json.loads(answer.read())["state"]["vote"] is None
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/vote", timeout=10)
        assert refused.value.code == 503 and b"Voting by phone is off" in refused.value.read()
    finally:
        app.stop()
    assert db.read_bytes().startswith(b"SQLite format 3\x00\xff")  # left as it was, for --set-aside
