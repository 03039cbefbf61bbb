"""The lineup: arrows select, reordering is deliberate and undoable, the selection follows the show, 80 columns."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from battledecks.core.show import Show
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from battledecks.ui.screens.scores import ScoresScreen
from tests.builders import build_deck, build_event, present
from tests.piloting import footer_text
from tests.waiting import wait_until


async def test_arrows_are_shown_and_reordering_is_deliberate_and_undoable(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(100, 30)) as pilot:
        lineup = app.screen
        assert isinstance(lineup, LineupScreen)
        footer = await wait_until(
            pilot, lambda: "⇧↑↓ Move" in footer_text(lineup) and footer_text(lineup), "the footer"
        )
        assert "↑↓ Select" in footer and "⇧↑↓ Move" in footer
        assert "Up" not in footer.split() and "Down" not in footer.split()
        # Veto and remove are offered only where they work: nobody has a deck to veto yet.
        assert "x Remove" in footer and "v Veto" not in footer
        await pilot.press("down")
        assert lineup.selected == "Brian"
        # The old one-letter keys move nobody any more.
        await pilot.press("u", "n")
        assert app.show.names() == ["Ada", "Brian", "Chen"]
        assert "z Undo" not in footer_text(lineup)
        await pilot.press("shift+up")
        assert app.show.names() == ["Brian", "Ada", "Chen"] and lineup.selected == "Brian"
        await wait_until(pilot, lambda: "z Undo" in footer_text(lineup), "z in the footer")
        await pilot.press("z")
        assert app.show.names() == ["Ada", "Brian", "Chen"]
        await pilot.press("z")  # nothing left to take back
        assert app.show.names() == ["Ada", "Brian", "Chen"]


async def test_selection_moves_on_after_scoring_and_stays_when_a_wildcard_joins(
    show_event: Path, seeds, wall, make_app
) -> None:  # noqa: ANN001
    show = Show.open(show_event, seed_source=seeds, clock=wall)
    show.draw_for("Ada")
    present(show, "Ada")
    app = make_app(show_event)
    async with app.run_test(size=(100, 30)) as pilot:
        lineup = app.screen
        lineup.query_one(DataTable).move_cursor(row=0)
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, ScoresScreen)
        for value in ("7", "8", "6", "9", "10"):
            await pilot.press(*value, "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is lineup and lineup.selected == "Brian"
        assert "Brian" in str(lineup.query_one("#hint").content)
        await pilot.press("a", *"Wanda", "enter")
        await pilot.pause()
        assert app.show.names()[-1] == "Wanda" and lineup.selected == "Brian"


async def test_at_80_columns_the_score_stays_and_titles_give_way(tmp_path: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    titles = [
        "Quarterly Synergy Review of Underwater Basket Weaving Initiatives",
        "Disrupting the Open-Plan Office, One Kubernetes Cluster at a Time",
        "Gamification of the Reference Interview: A Longitudinal Study",
    ]
    for i, title in enumerate(titles):
        build_deck(tmp_path / "decks" / f"deck-{i}", title=title)
    path = build_event(
        tmp_path / "events",
        name="night",
        order="listed",
        presenters=["Janie Hermann", "Angie Manfredi", "Toby Greenwalt"],
        topics=["Why our library needs a zeppelin fleet", "The future of the past", "Cats"],
        scoring={"judges": ["J1"]},
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    for name in show.names():
        show.draw_for(name)
    present(show, "Janie Hermann")
    show.score("Janie Hermann", "J1", "Overall", 7)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert [c.label.plain for c in table.columns.values()][-1] == "Score"
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.scrollable_content_region.width
        row = table.get_row("Janie Hermann")
        assert row[-1].plain == "7"
        deck = row[3].plain
        title = show.presenter("Janie Hermann").title
        assert title in titles and ((deck.endswith("…") and title.startswith(deck[:-1].strip())) or deck == title)
        assert any(str(cell).endswith("…") for name in show.names() for cell in table.get_row(name))
        # Cut between words, never inside one.
        for name in show.names():
            cell = table.get_row(name)[3].plain
            if cell.endswith("…"):
                words = cell[:-1].split()
                assert all(word in " ".join(titles).split() for word in words), cell


async def test_at_80_columns_names_keep_their_width_before_titles_do(tmp_path: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    for i in range(4):
        build_deck(tmp_path / "decks" / f"deck-{i}", title=f"The Scalable Centrifuge: Lessons From Year {i}")
    names = ["Zoë Okonkwo", "Brian Mbeki-Hart", "Zoë Fischer", "Chen Wei"]
    path = build_event(
        tmp_path / "events",
        name="night",
        order="listed",
        presenters=names,
        topics=["Why llamas make the best project managers", "Disrupting the disruptors", "Onboarding", "Synergy"],
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    for name in names:
        show.draw_for(name)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.scrollable_content_region.width
        # Two Zoës never look alike: every name is whole, the titles are what give way.
        assert [table.get_row(name)[1].plain for name in names] == names
        assert all(table.get_row(name)[3].plain.endswith("…") for name in names)


async def test_a_sudden_death_presenter_shows_that_rounds_score(event_dir: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    path = build_event(
        event_dir / "events", name="tie", order="listed", scoring={"judges": ["J1"], "tiebreak": "sudden-death"}
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    for name, score in (("Ada", 8), ("Brian", 8), ("Chen", 6)):
        show.draw_for(name)
        present(show, name)
        show.score(name, "J1", "Overall", score)
    show.sudden_death()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.get_row("Ada")[-1].plain == "" and table.get_row("Chen")[-1].plain == "6"
        present(app.show, "Ada", 2)
        app.show.score("Ada", "J1", "Overall", 5, round=2)
        await pilot.pause()
        assert table.get_row("Ada")[-1].plain == "5"


async def test_the_hint_goes_while_the_draw_is_over_the_lineup_and_comes_back_new(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        lineup = app.screen
        hint = lineup.query_one("#hint", Static)
        assert hint.visible and "Enter: draw a deck for Ada" in str(hint.render())
        await pilot.press("enter")
        assert isinstance(app.screen, DrawScreen)
        assert not hint.visible, "Enter means Done in the draw, not what the lineup's hint says"
        await pilot.press("space", "enter")
        await wait_until(pilot, lambda: app.screen is lineup, "the lineup after the draw")
        assert hint.visible and "Enter: put Ada on stage" in str(hint.render())


async def test_the_hint_after_a_dialog_never_names_a_presenter_who_left_meanwhile(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(80, 24)) as pilot:
        lineup = app.screen
        lineup.query_one(DataTable).move_cursor(row=2)
        await pilot.press("x")  # "Remove Chen?" is over the lineup ...
        assert app.screen is not lineup
        app.show.remove_presenter("Chen")  # ... and Chen leaves by another way meanwhile
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is lineup, "the lineup")
        await pilot.pause()
        hint = lineup.query_one("#hint", Static)
        assert hint.visible and "Chen" not in str(hint.render())
        assert [str(k.value) for k in lineup.query_one(DataTable).rows] == ["Ada", "Brian"]
