"""The audience screen's climax, drawn at 80x24 and 160x45 and compared with its accepted picture: the reveal's
names, the standings and the vote's room code are drawn big for the back of the room.

The states are what the room server sends for a real show (its ``RoomView``); update the pictures with
``--snapshot-update`` and look at them before committing (see ``test_snapshots.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from battledecks.core.show import Show
from battledecks.room.view import RoomView
from battledecks.ui.audience.app import AudienceApp
from battledecks.ui.widgets.big_text import BigText
from tests.builders import build_event, present
from tests.waiting import wait_until

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]

PRESENTERS = ["Zoë Fairweather", "Brian Okafor", "Chen Wu", "Dana Price", "Eli Stone"]

VOTE = {
    "open": True,
    "presenter": "Zoë Fairweather",
    "round": 1,
    "url": "http://192.168.1.20:8750/vote?c=KMPW",
    "code": "KMPW",
    "count": 12,
    "step": "",
}


def scored_show(event_dir: Path, seeds, wall) -> Show:  # noqa: ANN001
    """Five talks scored, no two totals alike: Zoë first, then Brian, Chen, Dana, Eli."""
    path = build_event(
        event_dir / "events",
        name="night",
        order="listed",
        presenters=PRESENTERS,
        scoring={"judges": ["Ann"], "audience": {"vote": "phones"}},
        reuse=True,
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    for n, name in enumerate(PRESENTERS):
        show.draw_for(name)
        present(show, name, at=400.0 * n)
        show.score(name, "Ann", "Overall", 9 - n)
        show.score(name, None, None, 8 - n)
    return show


def room_states(event_dir: Path, seeds, wall) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    """What the room server sends at each step of the reveal, for the whole table, and for a vote."""
    show = scored_show(event_dir, seeds, wall)
    view = RoomView(show)
    states = {}
    for what in ("third", "second", "winner", "standings"):
        view.show_results(what)
        states[what] = view.state()
    view.show_results("hidden")
    show.open_vote("Zoë Fairweather")
    view.apply("vote-open", "Zoë Fairweather", 1, {}, show.seq, 0.0)
    view.vote_state = lambda: dict(VOTE)
    states["vote"] = view.state()
    return states


def showing(state: dict[str, Any], view: str):  # noqa: ANN201
    async def step(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, AudienceApp)
        app._message({"kind": "state", "state": state})
        await wait_until(pilot, lambda: app.view == view, f"the {view} view")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return step


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("what", ["third", "second", "winner", "standings", "vote"])
def test_the_climax_on_the_audience_screen(
    what: str, size: tuple[int, int], event_dir: Path, seeds, wall, snap_compare
) -> None:  # noqa: ANN001
    state = room_states(event_dir, seeds, wall)[what]
    app = AudienceApp(lambda: None)
    assert snap_compare(app, terminal_size=size, run_before=showing(state, "vote" if what == "vote" else "standings"))


@pytest.mark.parametrize("size", [(80, 24), (160, 45), (240, 67)])
async def test_the_reveals_names_are_big_from_80x24(size: tuple[int, int], event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    states = room_states(event_dir, seeds, wall)
    app = AudienceApp(lambda: None)
    async with app.run_test(size=size) as pilot:
        for what, names in (("third", "Chen Wu"), ("second", "Brian Okafor"), ("winner", "Zoë Fairweather")):
            await showing(states[what], "standings")(pilot)
            name = app.query_one("#standings-name", BigText)
            assert name.text == names and name.is_big, (what, size)
        head = app.query_one("#standings-head", BigText)
        assert head.text == "The winner is"
        rows = app.query_one("#standings-rows", BigText)
        assert rows.text.splitlines() == ["1  Zoë Fairweather  9", "2  Brian Okafor  8", "3  Chen Wu  7"]
        if size != (80, 24):
            assert rows.is_big and head.is_big


async def test_the_whole_standings_are_big_rows_when_they_fit(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    app = AudienceApp(lambda: None)
    async with app.run_test(size=(160, 45)) as pilot:
        await showing(room_states(event_dir, seeds, wall)["standings"], "standings")(pilot)
        rows = app.query_one("#standings-rows", BigText)
        assert len(rows.text.splitlines()) == 5 and rows.is_big
        assert not app.query_one("#standings-name", BigText).display
        # At 80x24 five rows are too many for big letters: they stay readable lines, one a row.
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: rows.region.width == 80, "the smaller screen")
        await pilot.pause()
        assert not rows.is_big and str(rows.render()).splitlines()[0] == "1 Zoë Fairweather 9"
