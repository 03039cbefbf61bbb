"""Phone votes through the room server on loopback: the stream carries the vote and its count, screens show the QR code."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import zxingcpp
from textual.widgets import ContentSwitcher

from battledecks.core.show import Show
from battledecks.room.server import RoomServer, listen
from battledecks.room.votes import attach
from battledecks.room.votes.link import phone_base
from battledecks.ui.audience.app import AudienceApp
from battledecks.ui.widgets.big_text import BigText
from battledecks.ui.widgets.vote_code import QrCode, VoteCode
from battledecks.ui.widgets.vote_spread import SpreadChart, VoteSpread
from tests.builders import build_event, present
from tests.piloting import photograph
from tests.scoring_builders import voting_show
from tests.waiting import until


def test_the_qr_code_names_an_address_phones_reach() -> None:
    assert phone_base("http://127.0.0.1:8750/") == "http://127.0.0.1:8750"
    lan = phone_base("http://0.0.0.0:8750/")
    assert lan.startswith("http://") and lan.endswith(":8750") and "0.0.0.0" not in lan


async def test_votes_through_the_room_server(event_dir: Path, seeds, wall, listeners) -> None:  # noqa: ANN001
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    app = types.SimpleNamespace(votes=None)
    desk = attach(server, show, app, processes=False)
    assert desk is not None and app.votes is desk
    await server.start()
    try:
        room = listeners(lambda: server.url)
        await until(lambda: room.messages, what="the first state")
        assert room.state["vote"]["open"] is False
        desk.open("Ada")
        message = await room.wait_kind("vote")
        vote = message["state"]["vote"]
        assert vote["open"] and vote["presenter"] == "Ada" and vote["count"] == 0
        assert vote["url"] == f"{server.url}vote?c={desk.store.code}"
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Origin": server.url.rstrip("/")}
        ) as phone:  # cookies from an IP address
            async with phone.get(vote["url"]) as r:
                assert r.status == 200 and "Vote for Ada" in await r.text()
            async with phone.post(
                server.url + "vote",
                data={"score": "9", "code": desk.store.code},
                headers={"Accept": "application/json"},
            ) as r:
                assert (await r.json())["ok"] is True
            counted = await room.wait_kind("votes")
            assert counted["state"]["vote"]["count"] == 1
            async with phone.get(server.url + "vote/qr.svg") as r:
                assert r.status == 200 and (await r.text()).startswith("<svg")
        desk.close()
        closed = await room.wait_kind("vote-close")
        assert closed["state"]["vote"]["open"] is False
        assert show.presenter("Ada").audience == 9
    finally:
        await server.stop()
        desk.store.close()


async def test_the_room_sees_how_the_votes_spread_only_once_the_vote_is_closed(
    event_dir: Path, seeds, wall, listeners
) -> None:  # noqa: ANN001
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    desk = attach(server, show, types.SimpleNamespace(votes=None), processes=False)
    assert desk is not None
    await server.start()
    given = [7, 8, 8, 9, 9, 9, 10, 3]

    async def snapshot() -> dict[str, Any]:
        async with aiohttp.ClientSession() as session, session.get(server.url + "snapshot") as response:
            return json.loads(await response.text())["state"]

    def mentions_spread(state: dict[str, Any]) -> bool:
        text = json.dumps(state)
        return state.get("voted") is not None or "bars" in text or "spread" in text

    try:
        room = listeners(lambda: server.url)
        await until(lambda: room.messages, what="the first state")
        desk.open("Ada")
        await room.wait_kind("vote")
        for i, value in enumerate(given):
            outcome = desk.store.cast(desk.store.token(), str(value), desk.store.code, client=f"10.0.0.{i + 1}")
            assert outcome.__class__.__name__ == "Accepted", outcome
        await until(lambda: room.state["vote"]["count"] == len(given), what="every vote counted on the stream")
        # While the vote is open the room has the count, never how the votes spread: not on the stream, not in a snapshot.
        open_state = await snapshot()
        assert open_state["stage"] == "vote" and open_state["vote"]["count"] == len(given)
        assert not mentions_spread(open_state)
        assert not any(mentions_spread(m["state"]) for m in room.messages)

        desk.close()
        closed = (await room.wait_kind("vote-close"))["state"]
        assert closed["stage"] == "voted"
        voted = closed["voted"]
        assert voted["presenter"] == "Ada" and voted["count"] == len(given)
        # A bar per score on the event's scale (1 to 10), with the phones that gave it.
        assert [bar["score"] for bar in voted["bars"]] == [str(n) for n in range(1, 11)]
        assert {bar["score"]: bar["count"] for bar in voted["bars"]} == {str(n): given.count(n) for n in range(1, 11)}
        assert voted["shown"] > 0 and isinstance(voted["at"], float)
        assert (await snapshot())["voted"] == voted
        # The record keeps the spread with the result.
        assert show.vote_rounds()[-1].spread == [(3.0, 1), (7.0, 1), (8.0, 2), (9.0, 3), (10.0, 1)]

        # The next vote opened: the spread goes, and the new one's stays hidden until it closes.
        present(show, "Brian")
        desk.open("Brian")
        reopened = (await room.wait_kind("vote", 2))["state"]
        assert reopened["stage"] == "vote" and not mentions_spread(reopened)
    finally:
        await server.stop()
        desk.store.close()


async def test_the_audience_screen_shows_a_code_that_scans(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    desk = attach(server, show, types.SimpleNamespace(votes=None), processes=False)
    await server.start()
    app = AudienceApp(lambda: server.url)
    try:
        async with app.run_test(size=(80, 24)):
            switcher = app.query_one(ContentSwitcher)
            await until(lambda: switcher.current == "idle", what="the between-talks view")
            desk.open("Ada")
            await until(lambda: switcher.current == "vote", what="the vote view")
            widget = app.query_one(QrCode)
            await until(lambda: widget.code is not None, what="the code drawn")
            lines = [widget.render_line(y) for y in range(widget.size.height)]
            # Every cell carries its colours: nothing is left to the terminal's own (black on white in xterm).
            assert all(
                seg.style and seg.style.color and seg.style.bgcolor
                for line in lines
                for seg in line
                if seg.text.strip()
            )
            assert all(seg.style and seg.style.bgcolor for line in lines for seg in line)
            picture = photograph(lines)
            found = zxingcpp.read_barcodes(picture)
            assert found and found[0].text == desk.phone_url
            view = app.query_one(VoteCode)
            assert "Vote for Ada" in str(view.query_one("#vote-for").render())
            assert view.query_one("#vote-room-code", BigText).text == desk.store.code
            assert view.query_one("#vote-room-code", BigText).is_big, "the room code is drawn big at 80x24"
            desk.close()
            await until(lambda: switcher.current != "vote", what="the code to go away")
    finally:
        await server.stop()
        desk.store.close()


async def test_the_audience_screen_shows_how_the_votes_spread_once_closed_then_who_is_next(
    event_dir: Path,
    seeds,
    wall,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    monkeypatch.setattr("battledecks.room.view.VOTED_SHOWN", 8.0)
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    desk = attach(server, show, types.SimpleNamespace(votes=None), processes=False)
    assert desk is not None
    await server.start()
    app = AudienceApp(lambda: server.url)
    given = [7, 8, 8, 9, 9, 9, 10, 3]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            switcher = app.query_one(ContentSwitcher)
            await until(lambda: switcher.current == "idle", what="the between-talks view")
            desk.open("Ada")
            await until(lambda: switcher.current == "vote", what="the vote view")
            for i, value in enumerate(given):
                desk.store.cast(desk.store.token(), str(value), desk.store.code, client=f"10.0.0.{i + 1}")
            await until(lambda: app.query_one(VoteCode).vote.get("count") == len(given), what="the count on screen")
            assert app.query_one(VoteSpread).voted == {}  # nothing of the spread while the vote is open
            desk.close()
            await until(lambda: switcher.current == "voted", what="the spread of the closed vote")
            await pilot.pause()
            chart = app.query_one(SpreadChart)
            assert chart.bars == [(str(n), given.count(n)) for n in range(1, 11)]
            lines = ["".join(piece.text for piece in line) for line in chart.lines()]
            assert lines and len(lines) == chart.size.height and all(len(line) <= chart.size.width for line in lines)
            assert lines[-1].split() == [str(n) for n in range(1, 11)]
            # The tallest bar (9: three votes) fills the chart below its count; each bar its share of it.
            tallest = sum("█" in line for line in lines)
            assert tallest == chart.size.height - 2
            head = app.query_one("#voted-head", BigText).text
            assert head == f"Ada · {len(given)} votes"
            # Then the room sees who is next.
            await until(lambda: switcher.current == "idle", what="the between-talks view again")
    finally:
        await server.stop()
        desk.store.close()


async def test_the_projector_follows_the_hosts_step_not_an_old_vote(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(
        event_dir / "events", name="votes", order="listed", scoring={"judges": ["J1"], "audience": {"vote": "phones"}}
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    present(show, "Ada")
    show.score("Ada", "J1", "Overall", 8)
    server = RoomServer(show, listen("127.0.0.1", 0), suspense=0.2)
    desk = attach(server, show, types.SimpleNamespace(votes=None), processes=False)
    await server.start()
    app = AudienceApp(lambda: server.url)
    try:
        async with app.run_test(size=(80, 24)):
            switcher = app.query_one(ContentSwitcher)
            await until(lambda: switcher.current == "idle", what="the between-talks view")
            desk.open("Ada")
            await until(lambda: switcher.current == "vote", what="the vote view")
            # The host shows the standings, then hides them: the vote is still open, so its code comes back.
            show.reveal("standings")
            await until(lambda: switcher.current == "standings", what="the standings over the vote")
            show.reveal("hidden")
            await until(lambda: switcher.current == "vote", what="the vote again")
            # The host moves the show on with the vote still open: the room sees the draw, not the old code.
            show.draw_for("Brian")
            await until(lambda: switcher.current == "reveal", what="the draw")
            server.reveal_now("Brian")  # the host's draw screen shows the title
            await until(lambda: app.query_one("#reveal-title").text == show.presenter("Brian").title, what="the title")
            assert server.view.state()["stage"] == "reveal"
    finally:
        await server.stop()
        desk.store.close()


def test_a_room_server_started_mid_vote_shows_the_vote(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    from battledecks.room.view import RoomView

    show = voting_show(event_dir, seeds, wall)
    show.open_vote("Ada")
    assert RoomView(show).stage == "vote"
    show.close_vote(0, None)
    assert RoomView(show).stage == "idle"
