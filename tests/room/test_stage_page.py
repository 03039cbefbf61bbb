"""The /stage page in headless Chromium (Debian's chromium, driven by Playwright), following a real talk."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from battledecks.core.decks import slide_files
from battledecks.core.show import Show
from battledecks.room.server import RoomServer

pytestmark = pytest.mark.system  # the chromium fixture skips where Chromium is not installed


@pytest.fixture
async def page(chromium: Any) -> Any:
    # The page's own policy forbids eval; Playwright's waiting helpers need it.
    context = await chromium.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    return await context.new_page()


async def test_the_stage_page_follows_a_talk(served: RoomServer, room_show: Show, page: Any, tmp_path: Path) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(served.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    assert await page.text_content("#next-name") == "Ada"
    assert await page.text_content("#event-name") == "Test Night"

    drawn = room_show.draw_for("Ada").deck
    await page.wait_for_function("document.querySelector('#reveal.shown')")
    await page.wait_for_function(f"document.querySelector('#reveal-title').textContent === {drawn.title!r}")

    await page.click("body")  # one click allows the gong
    room_show.start_talk("Ada", time.monotonic())
    await page.wait_for_function("window.battledecks.shown.length >= 2")
    before = len(await page.evaluate("window.battledecks.shown"))
    shot = tmp_path / "stage-during-talk.png"
    await page.screenshot(path=str(shot))
    shown = await page.evaluate("window.battledecks.shown")
    current = shown[-1]["slide"]
    # The slide fills the page at full resolution: the screenshot's middle is the colour of
    # the slide showing (or of one that came while the screenshot was taken).
    files = slide_files(room_show.decks[drawn.id])
    candidates = [Image.open(files[s["slide"]]).convert("RGB").getpixel((5, 5)) for s in shown[before - 1:]]
    middle = Image.open(shot).convert("RGB").getpixel((640, 300))
    assert any(max(abs(a - b) for a, b in zip(middle, colour)) <= 8 for colour in candidates), (middle, candidates)
    text = await page.text_content("#slide-no")
    assert text is not None and text.endswith("/12")
    # The next slide is already loaded.
    preloaded = await page.evaluate("performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/slides/'))")
    assert any(name.endswith(f"/{current + 2}") for name in preloaded) or current == 11

    await page.wait_for_function("document.querySelector('#curtain-text').textContent === 'Time!'", timeout=15000)
    assert await page.evaluate("window.battledecks.gongs") == 1
    assert not errors


async def test_the_stage_page_waits_for_the_host_and_escapes_names(room_show: Show, served: RoomServer, page: Any) -> None:
    room_show.add_presenter("<img src=x onerror=alert(1)>", position=0)
    await page.goto(served.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    assert await page.text_content("#next-name") == "<img src=x onerror=alert(1)>"
    assert await page.query_selector("img[src=x]") is None
    await served.stop()
    await page.wait_for_function("document.querySelector('#waiting.shown')")
    assert "waiting for the host" in (await page.text_content("#waiting") or "")
