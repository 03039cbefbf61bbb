"""The draw reveal: help works, the footer follows the reveal, only the pool's titles flash, the box stays put."""

from __future__ import annotations

from pathlib import Path

from battledecks.core.show import Show
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.help import HelpScreen
from battledecks.ui.widgets.big_text import BigText
from tests.builders import build_deck, build_event
from tests.piloting import footer_text
from tests.waiting import wait_until


async def test_help_works_and_the_footer_drops_reveal_once_revealed(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    revealed: list[str] = []
    app.draw_revealed.append(revealed.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        draw = app.screen
        assert isinstance(draw, DrawScreen)
        await wait_until(pilot, lambda: "space Reveal now" in footer_text(draw), "Reveal now in the footer")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("space", "Reveal now") in app.screen.keys
        await pilot.press("escape")
        await pilot.press("space")
        await wait_until(pilot, lambda: "Reveal now" not in footer_text(draw), "Reveal now gone from the footer")
        assert draw.revealed and "Done" in footer_text(draw)
        assert revealed == ["Ada"], "the audience screens are told once, when the host reveals"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen) and "Reveal now" not in dict(app.screen.keys).values()


async def test_only_titles_in_the_pool_flash_and_the_box_stays_put(tmp_path: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    titles = [
        "Cats",
        "Quarterly Synergy Review of Underwater Basket Weaving Initiatives at Scale",
        "Owls",
        "Bats and Friends",
    ]
    for i, title in enumerate(titles):
        build_deck(tmp_path / "decks" / f"deck-{i}", title=title)
    path = build_event(tmp_path / "events", name="night", order="listed")
    show = Show.open(path, seed_source=seeds, clock=wall)
    taken = show.draw_for("Ada").deck
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("DataTable").move_cursor(row=1)
        await pilot.pause()
        await pilot.press("enter")
        draw = app.screen
        assert isinstance(draw, DrawScreen)
        assert set(draw._titles) <= set(titles) - {taken.title}
        box = draw.query_one("#deck", BigText)
        sizes = set()
        while not draw.revealed:
            await pilot.pause(0.01)
            sizes.add((box.region.y, box.size))
        await pilot.pause()
        sizes.add((box.region.y, box.size))
        assert len(sizes) == 1 and box.text == draw.result.deck.title and box.is_big
