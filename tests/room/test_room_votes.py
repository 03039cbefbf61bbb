"""Phone votes through the room server on loopback: the stream carries the vote and its count, screens show the QR code."""

from __future__ import annotations

import types
from pathlib import Path

import aiohttp
import pytest
import zxingcpp
from textual.widgets import ContentSwitcher

from battledecks.room.server import RoomServer, listen
from battledecks.room.votes_qr import VoteCode
from battledecks.room.votes_web import attach_votes, phone_base
from battledecks.ui.audience.app import AudienceApp
from tests.browser import have_chromium, launch_chromium
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
    desk = attach_votes(server, show, app)
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
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as phone:  # cookies from an IP address
            async with phone.get(vote["url"]) as r:
                assert r.status == 200 and "Vote for Ada" in await r.text()
            async with phone.post(server.url + "vote", data={"score": "9", "code": desk.store.code},
                                  headers={"Accept": "application/json"}) as r:
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


async def test_the_audience_screen_shows_a_code_that_scans(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    desk = attach_votes(server, show, types.SimpleNamespace(votes=None))
    await server.start()
    app = AudienceApp(lambda: server.url)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            switcher = app.query_one(ContentSwitcher)
            await until(lambda: switcher.current == "idle", what="the between-talks view")
            desk.open("Ada")
            await until(lambda: switcher.current == "vote", what="the vote view")
            widget = app.query_one(VoteCode)
            await pilot.pause()
            lines = [widget.render_line(y) for y in range(widget.size.height)]
            qr_rows = [s for s in lines if any(seg.style and seg.style.bgcolor for seg in s)]
            assert qr_rows, "the code is drawn"
            width = max(s.cell_length for s in qr_rows)
            picture = photograph([s for s in qr_rows if s.cell_length == width])
            found = zxingcpp.read_barcodes(picture)
            assert found and found[0].text == desk.phone_url
            text = "\n".join("".join(seg.text for seg in s) for s in lines)
            assert f"room code {desk.store.code}" in text and "Vote for Ada" in text
            desk.close()
            await until(lambda: switcher.current != "vote", what="the code to go away")
    finally:
        await server.stop()
        desk.store.close()


@pytest.mark.system
@pytest.mark.skipif(not have_chromium(), reason="chromium is not installed (.ci/run installs it)")
async def test_the_stage_page_shows_the_code(event_dir: Path, seeds, wall, tmp_path: Path) -> None:  # noqa: ANN001
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    desk = attach_votes(server, show, types.SimpleNamespace(votes=None))
    await server.start()
    try:
        async with launch_chromium() as browser:
            # The page's own policy forbids eval; Playwright's waiting helpers need it.
            context = await browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
            page = await context.new_page()
            await page.goto(server.url + "stage")
            await page.locator("#idle.shown").wait_for(timeout=10_000)
            desk.open("Ada")
            await page.locator("#vote.shown").wait_for(timeout=10_000)
            await page.wait_for_function("document.getElementById('vote-qr').naturalWidth > 0", timeout=10_000)
            assert await page.locator("#vote-url").text_content() == f"{desk.phone_url}   room code {desk.store.code}"
            shot = tmp_path / "stage-vote.png"
            await page.screenshot(path=str(shot))
            from PIL import Image

            found = zxingcpp.read_barcodes(Image.open(shot))
            assert found and found[0].text == desk.phone_url
    finally:
        await server.stop()
        desk.store.close()
