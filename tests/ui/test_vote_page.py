"""The /vote page in headless Chromium at a phone's size (390x844), with and without JavaScript."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from battledecks.room.votes.store import RateLimit, Scale, VoteStore
from battledecks.room.votes.desk import VoteDesk
from battledecks.room.votes.routes import add_vote_routes

pytestmark = pytest.mark.system  # the chromium fixture skips where Chromium is not installed
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("BATTLEDECKS_SHOTS", "")) if os.environ.get("BATTLEDECKS_SHOTS") else None
"""Set to a folder to keep the screenshots and look at them."""


@pytest.fixture
async def room(tmp_path: Path):
    store = VoteStore.for_event(tmp_path / "night.yaml", Scale(1, 10), rate=RateLimit(rate=100, burst=100))
    desk = VoteDesk(store, "Battledecks! 2010")
    app = web.Application()
    add_vote_routes(app, desk)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server, desk, store
    await server.close()
    store.close()


@pytest.fixture
def browser(chromium):  # noqa: ANN001, ANN201
    return chromium


def votes_in_db(store: VoteStore) -> list[float]:
    with sqlite3.connect(store.path) as db:
        return [r[0] for r in db.execute("SELECT value FROM votes")]


async def shot(page, tmp_path: Path, name: str) -> Path:
    folder = SHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"vote-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    return path


async def test_a_phone_votes_with_javascript_and_follows_the_rounds(room, browser, tmp_path: Path) -> None:
    server, desk, store = room
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(str(server.make_url(f"/vote?c={store.code}")))
    await page.get_by_text("Voting is not open yet").first.wait_for()
    assert not await page.locator("form#vote").is_visible()
    await shot(page, tmp_path, "waiting")

    desk.open("Angie Manfredi")  # the page is told by its long poll, no reload
    await page.get_by_role("heading", name="Vote for Angie Manfredi").wait_for(timeout=10_000)
    await page.locator("label", has_text="8").first.click()
    await page.get_by_role("button", name="Vote").click()
    await page.get_by_text("Your vote counted: 8 for Angie Manfredi.").wait_for(timeout=10_000)
    assert votes_in_db(store) == [8.0]
    # Every score button is inside the phone's width.
    for box in [await label.bounding_box() for label in await page.locator(".scale label").all()]:
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    await shot(page, tmp_path, "counted")

    desk.close()
    await page.get_by_text("Voting on Angie Manfredi is closed").first.wait_for(timeout=10_000)
    assert not await page.locator("form#vote").is_visible()
    await shot(page, tmp_path, "closed")
    await context.close()


async def test_a_phone_without_javascript_votes_with_the_form(room, browser, tmp_path: Path) -> None:
    server, desk, store = room
    desk.open("Janie <Hermann>")
    context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = await context.new_page()
    await page.goto(str(server.make_url("/vote")))
    await page.get_by_role("heading", name="Vote for Janie <Hermann>").wait_for()
    await page.locator("label", has_text="10").click()
    await page.get_by_label("Room code (on the screen)").fill(store.code.lower())
    await page.get_by_role("button", name="Vote").click()
    await page.get_by_text("Your vote counted: 10 for Janie <Hermann>.").wait_for(timeout=10_000)
    assert votes_in_db(store) == [10.0]
    await shot(page, tmp_path, "nojs-counted")
    # Voting closes while the phone shows the form: its vote is refused with the reason.
    desk.close()
    await page.locator("label", has_text="3").click()
    await page.get_by_role("button", name="Vote").click()
    await page.get_by_text("Voting is not open right now").wait_for(timeout=10_000)
    assert votes_in_db(store) == [10.0]
    await context.close()


async def test_a_phone_follows_the_vote_at_the_end_from_presenter_to_presenter(room, browser, tmp_path: Path) -> None:
    server, desk, store = room
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(str(server.make_url(f"/vote?c={store.code}")))
    await page.get_by_text("Voting is not open yet").first.wait_for()
    desk.open("Ada", step=(1, 2))  # what F2 on the lineup does in the vote at the end
    await page.get_by_role("heading", name="Vote for Ada (1 of 2)").wait_for(timeout=10_000)
    await page.locator("label", has_text="6").first.click()
    await page.get_by_role("button", name="Vote").click()
    await page.get_by_text("Your vote counted: 6 for Ada.").wait_for(timeout=10_000)
    desk.close()
    desk.open("Brian", step=(2, 2))  # the next F2: no reload, the page follows with a token for Brian's vote
    await page.get_by_role("heading", name="Vote for Brian (2 of 2)").wait_for(timeout=10_000)
    await page.locator("label", has_text="9").first.click()
    await page.get_by_role("button", name="Vote").click()
    await page.get_by_text("Your vote counted: 9 for Brian.").wait_for(timeout=10_000)
    await shot(page, tmp_path, "at-end-second")
    assert sorted(votes_in_db(store)) == [6.0, 9.0]
    await context.close()


async def test_a_page_on_another_port_can_neither_vote_for_a_phone_nor_frame_the_vote(
    room, browser, tmp_path: Path
) -> None:
    """The attack as a browser makes it: the phone voted 9; a page served from another port of the same laptop
    (the same site for cookies) posts a 1 in its name, and frames /vote."""
    server, desk, store = room
    desk.open("Ada")
    target = str(server.make_url("/vote"))
    evil_page = (
        f'<html><body><form id="f" method="post" action="{target}"><input name="score" value="1">'
        f'<input name="code" value="{store.code}"></form><iframe id="frame" src="{target}"></iframe>'
        '<script>document.getElementById("f").submit()</script></body></html>'
    )

    async def evil(request: web.Request) -> web.Response:
        return web.Response(text=evil_page, content_type="text/html")

    other = web.Application()
    other.router.add_get("/", evil)
    evil_server = TestServer(other, host="127.0.0.1")
    await evil_server.start_server()
    context = await browser.new_context(viewport=PHONE)
    try:
        page = await context.new_page()
        await page.goto(f"{target}?c={store.code}")
        await page.locator("label", has_text="9").first.click()
        await page.get_by_role("button", name="Vote").click()
        await page.get_by_text("Your vote counted: 9 for Ada.").wait_for(timeout=10_000)
        # The framing first: a page elsewhere shows /vote in a frame of its own.
        framed = await context.new_page()
        await framed.set_content(f'<iframe src="{target}" width="300" height="300"></iframe>')
        await framed.wait_for_timeout(500)  # the frame is refused, not loaded: nothing to wait for
        child = framed.frames[1] if len(framed.frames) > 1 else None
        assert child is None or "Vote for Ada" not in await child.content()
        # The forged form, sent with the phone's cookie (another port is the same site).
        await page.goto(str(evil_server.make_url("/")))  # the form sends itself
        await page.get_by_text("did not come from the vote page").wait_for(timeout=10_000)
        assert votes_in_db(store) == [9.0]
        assert store.refusals().get("cross-site") == 1
    finally:
        await context.close()
        await evil_server.close()
