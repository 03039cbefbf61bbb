"""The /stage page in headless Chromium (Debian's chromium, driven by Playwright), following a real talk."""

from __future__ import annotations

import shutil
import time
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from battledecks.core.commitment import short_fingerprint
from battledecks.core.decks import slide_files
from battledecks.core.show import Show
from battledecks.room.server import RoomServer
from battledecks.room.votes.link import vote_url

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (.ci/run installs it)"),
]

PHONE, PROJECTOR = (390, 844), (1920, 1080)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


async def open_page(browser: Any, size: tuple[int, int] = (1280, 720)) -> Any:
    # The page's own policy forbids eval; Playwright's waiting helpers need it.
    context = await browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    return await context.new_page()


@pytest.fixture
async def page(browser: Any) -> Any:
    return await open_page(browser)


async def test_the_stage_page_follows_a_talk(served: RoomServer, room_show: Show, page: Any, tmp_path: Path) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(served.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    assert await page.text_content("#next-name") == "Ada"
    assert await page.text_content("#event-name") == "Test Night"
    # The draw's commitment, for the room to note before the first draw.
    assert (
        await page.text_content("#commitment")
        == f"Draw commitment: {short_fingerprint(room_show.commitment.fingerprint)}"
    )

    drawn = room_show.draw_for("Ada").deck
    await page.wait_for_function("document.querySelector('#reveal.shown')")
    served.reveal_now("Ada")  # the host's draw screen shows the title
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
    candidates = [Image.open(files[s["slide"]]).convert("RGB").getpixel((5, 5)) for s in shown[before - 1 :]]
    middle = Image.open(shot).convert("RGB").getpixel((640, 300))
    assert any(max(abs(a - b) for a, b in zip(middle, colour)) <= 8 for colour in candidates), (middle, candidates)
    text = await page.text_content("#slide-no")
    assert text is not None and text.endswith("/12")
    # The next slide is already loaded.
    preloaded = await page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/slides/'))"
    )
    assert any(name.endswith(f"/{current + 2}") for name in preloaded) or current == 11

    await page.wait_for_function("document.querySelector('#curtain-text').textContent === 'Time!'", timeout=15000)
    assert await page.evaluate("window.battledecks.gongs") == 1
    assert not errors


async def test_the_stage_page_waits_for_the_host_and_escapes_names(
    room_show: Show, served: RoomServer, page: Any
) -> None:
    room_show.add_presenter("<img src=x onerror=alert(1)>", position=0)
    await page.goto(served.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    assert await page.text_content("#next-name") == "<img src=x onerror=alert(1)>"
    assert await page.query_selector("img[src=x]") is None
    await served.stop()
    await page.wait_for_function("document.querySelector('#waiting.shown')")
    assert "waiting for the host" in (await page.text_content("#waiting") or "")


COVERING = """() => {
  // Every element drawn over the slide's box (the slide and what holds it aside), and the points of the box
  // where something else is on top.
  const slide = document.getElementById("slide");
  const box = slide.getBoundingClientRect();
  const over = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el === slide || el.contains(slide)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const r = el.getBoundingClientRect();
    const w = Math.min(r.right, box.right) - Math.max(r.left, box.left);
    const h = Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top);
    if (r.width > 0 && r.height > 0 && w > 0.5 && h > 0.5) over.push(el.id || el.className || el.tagName);
  }
  const hidden = [];
  for (const fx of [0.002, 0.25, 0.5, 0.75, 0.998]) {
    for (const fy of [0.002, 0.25, 0.5, 0.75, 0.998]) {
      const x = box.left + fx * box.width, y = box.top + fy * box.height;
      const top = document.elementFromPoint(x, y);
      if (top !== slide) hidden.push([Math.round(x), Math.round(y), top ? top.id || top.tagName : null]);
    }
  }
  return {box: [box.left, box.top, box.width, box.height], over, hidden};
}"""


def shown(selector: str) -> str:
    """A condition for Playwright: ``selector`` matches an element that takes room on the page."""
    return (
        f"(() => {{ const el = document.querySelector({selector!r}); if (!el) return false;"
        " const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })()"
    )


@pytest.mark.parametrize("size", [PHONE, PROJECTOR], ids=["phone", "projector"])
async def test_nothing_covers_the_slide_during_a_talk(
    served: RoomServer, room_show: Show, browser: Any, size: tuple[int, int], tmp_path: Path
) -> None:
    page = await open_page(browser, size)
    await page.goto(served.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    # Between talks the gong's permission is a button for whoever sets up the projector; nobody clicks it here.
    assert await page.evaluate(shown("#sound"))

    room_show.draw_for("Ada")
    room_show.start_talk("Ada", time.monotonic())
    await page.wait_for_function("window.battledecks.shown.length >= 1 && document.querySelector('#curtain.hidden')")
    await page.screenshot(path=str(tmp_path / f"talk-{size[0]}x{size[1]}.png"))
    found = await page.evaluate(COVERING)
    box = found["box"]
    assert box[2] >= 0.9 * size[0] and box[3] >= 0.5 * size[1], found  # the slide's area: most of the screen
    assert found["over"] == [] and found["hidden"] == [], found
    assert not await page.evaluate(shown("#sound"))
    # The talk's bar, below the slide, says how to allow the gong (where the bar has room for it: not on a
    # phone); one click anywhere allows it, and the note goes.
    if size == PROJECTOR:
        assert await page.evaluate(shown("#sound-note"))
    await page.mouse.click(size[0] // 2, size[1] // 3)
    await page.wait_for_function("document.body.classList.contains('sound-on')")
    assert not await page.evaluate(shown("#sound-note"))
    assert (await page.evaluate(COVERING))["over"] == []


@pytest.fixture
async def voting(event_dir: Path, seeds, wall) -> AsyncIterator[Any]:  # noqa: ANN001
    """A show that votes by phone, served with its vote desk in this process; Ada has presented."""
    from battledecks.room.server import listen
    from battledecks.room.votes import attach
    from tests.scoring_builders import voting_show

    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen("127.0.0.1", 0))
    desk = attach(server, show, types.SimpleNamespace(votes=None), processes=False)
    assert desk is not None
    await server.start()
    try:
        yield types.SimpleNamespace(show=show, server=server, desk=desk)
    finally:
        await server.stop()
        desk.store.close()


@pytest.mark.parametrize("size", [PHONE, PROJECTOR], ids=["phone", "projector"])
async def test_the_vote_code_fits_the_screen_and_scans_with_the_address_and_room_code_apart(
    voting: Any,
    browser: Any,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    desk = voting.desk
    page = await open_page(browser, size)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(voting.server.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    width, height = size

    async def scanned(name: str) -> None:
        """The code on the page, whole on the screen, scans to the vote's address."""
        await page.wait_for_function(
            f"document.querySelector('#vote.shown') && document.getElementById('vote-qr').dataset.url === {desk.phone_url!r}"
            " && document.getElementById('vote-qr').complete && document.getElementById('vote-qr').naturalWidth > 0"
        )
        shot = tmp_path / f"{name}-{width}x{height}.png"
        await page.screenshot(path=str(shot))
        found = zxingcpp.read_barcodes(Image.open(shot))
        assert [code.text for code in found] == [desk.phone_url]
        box = await page.evaluate(
            "(() => { const r = document.getElementById('vote-qr').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()"
        )
        assert 0 <= box[0] and box[2] <= width and 0 <= box[1] and box[3] <= height, box

    desk.open("Ada")
    await scanned("vote")  # this machine's address: a short one, so big modules
    # An address as long as a laptop's name on the room's network makes it (what the code and the page show).
    desk.phone_url = vote_url("http://battledecks-laptop.local:8750", desk.store.code)
    voting.server.publish("votes")
    await scanned("vote-long-address")

    # The address on its own (whole, nothing else in it) and the room code on its own, big.
    assert await page.text_content("#vote-url") == desk.phone_url
    assert await page.text_content("#vote-code") == desk.store.code
    sizes = await page.evaluate(
        "['#vote-url', '#vote-code'].map(s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"
    )
    assert sizes[1] >= 0.09 * size[1] and sizes[1] >= 3 * sizes[0], sizes
    # Nothing of the vote screen is cut: the code, every line of the address and the room code are on screen.
    boxes = await page.evaluate("""() => {
      const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el); return [...r.getClientRects()]; };
      const url = document.getElementById('vote-url');
      return {
        url: lines(url).map(r => [r.left, r.top, r.right, r.bottom]),
        overflow: url.scrollWidth - url.clientWidth,
        others: ['vote-qr', 'vote-code', 'vote-for', 'vote-count'].map(id => {
          const r = document.getElementById(id).getBoundingClientRect(); return [id, r.left, r.top, r.right, r.bottom];
        }),
      };
    }""")
    assert boxes["url"] and boxes["overflow"] <= 0, boxes
    for left, top, right, bottom in boxes["url"] + [b[1:] for b in boxes["others"]]:
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, boxes
    # It wraps sensibly: only between its pieces ("http://battledecks-laptop", ".local", ":8750", "/vote?c=CODE"),
    # never inside one; on a phone the path goes on a line of its own.
    pieces = await page.evaluate("""() => [...document.querySelectorAll('#vote-url span')].filter(s => !s.querySelector('span'))
      .map(s => { const r = document.createRange(); r.selectNodeContents(s);
                  return [s.textContent, [...r.getClientRects()].map(b => [b.top, b.bottom])]; })""")
    assert "".join(text for text, _ in pieces) == desk.phone_url
    assert all(len(lines) == 1 for _, lines in pieces), pieces
    path = pieces[-1]
    assert path[0] == f"/vote?c={desk.store.code}"
    if size == PHONE:
        assert all(lines[0][1] <= path[1][0][0] + 0.5 for _, lines in pieces[:-1]), pieces
    assert not errors


@pytest.mark.parametrize("size", [PHONE, PROJECTOR], ids=["phone", "projector"])
async def test_once_the_vote_closes_the_stage_shows_how_the_votes_spread_for_a_while(
    voting: Any,
    browser: Any,
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("battledecks.room.view.VOTED_SHOWN", 8.0)
    desk = voting.desk
    page = await open_page(browser, size)
    await page.goto(voting.server.url + "stage")
    await page.wait_for_function("document.querySelector('#idle.shown')")
    desk.open("Ada")
    await page.wait_for_function("document.querySelector('#vote.shown')")
    given = [7, 8, 8, 9, 9, 9, 10, 3]
    for i, value in enumerate(given):
        desk.store.cast(desk.store.token(), str(value), desk.store.code, client=f"10.0.0.{i + 1}")
    await page.wait_for_function(f"document.getElementById('vote-count').textContent === '{len(given)} votes'")
    # While the vote is open, the page knows the count and nothing of how the votes spread.
    assert await page.evaluate("window.battledecks.state().voted") is None
    assert not await page.evaluate(shown("#voted"))

    desk.close()
    await page.wait_for_function("document.querySelector('#voted.shown')")
    await page.screenshot(path=str(tmp_path / f"voted-{size[0]}x{size[1]}.png"))
    assert await page.text_content("#voted-for") == "How the room voted for Ada"
    assert await page.text_content("#voted-count") == f"{len(given)} votes"
    bars = await page.evaluate("""() => [...document.querySelectorAll('#bars .bar')].map(bar => {
      const box = bar.getBoundingClientRect();
      return {score: bar.querySelector('.score').textContent, n: bar.querySelector('.n').textContent,
              fill: bar.querySelector('.fill').getBoundingClientRect().height,
              inside: box.left >= 0 && box.right <= innerWidth && box.top >= 0 && box.bottom <= innerHeight};
    })""")
    assert [b["score"] for b in bars] == [str(n) for n in range(1, 11)]
    assert [int(b["n"]) for b in bars] == [given.count(n) for n in range(1, 11)]
    assert all(b["inside"] for b in bars), bars
    # No two scores or counts run into each other.
    for kind in (".score", ".n"):
        spans = await page.evaluate(
            f"[...document.querySelectorAll('#bars {kind}')].filter(e => e.textContent)"
            ".map(e => { const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect();"
            " return [b.left, b.right]; })"
        )
        assert all(left[1] <= right[0] for left, right in zip(spans, spans[1:])), (kind, spans)
    # Each bar's height is its count's share of the tallest.
    tallest = max(b["fill"] for b in bars)
    for b in bars:
        assert b["fill"] == pytest.approx(tallest * int(b["n"]) / 3, abs=1.5), bars
    # Shown for a while, then the room sees who is next.
    await page.wait_for_function("document.querySelector('#idle.shown')", timeout=30_000)
