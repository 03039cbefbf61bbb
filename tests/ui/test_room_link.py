"""What the host's console says of the room: the projector's link (only when asked for), and what the
network reaches when the room is served beyond this machine."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from textual.widgets import Static

from battledecks.commands.run import wire_room
from battledecks.ui.screens.room import RoomLinkScreen

LINK = "http://0.0.0.0:8750/stage?k=the-events-screen-key-0001"


def served_on(url: str) -> SimpleNamespace:
    """What the app is told of a room server listening at ``url`` (nothing listens: the test needs no port)."""
    return SimpleNamespace(
        url=url,
        projector_url=f"{url}stage?k=the-events-screen-key-0001",
        reveal_now=lambda name: None,
        after_sent=lambda callback: callback(),
        on_clients=None,
    )


def summary(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#summary", Static).render())


async def test_serving_on_every_address_says_what_the_network_reaches(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    wire_room(app, served_on("http://0.0.0.0:8750/"))
    async with app.run_test(size=(120, 36)) as pilot:
        text = summary(app)
        assert "room: http://0.0.0.0:8750/stage" in text
        assert "Open to the network (every address of this machine, port 8750)" in text and "vote" in text
        assert "k=" not in text, "the projector's link stays off the lineup (the room may be looking at it)"
        await pilot.press("L")
        dialog = app.screen
        assert isinstance(dialog, RoomLinkScreen)
        shown = " ".join(str(s.render()) for s in dialog.query(Static))
        assert LINK in shown and "Open to the network" in shown and "No projector follows the show now." in shown
        app.projectors = 1
        await pilot.pause()
        assert "A projector follows the show now." in str(dialog.query_one("#projectors", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, RoomLinkScreen)


async def test_on_this_machine_only_nothing_to_warn_of(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    wire_room(app, served_on("http://127.0.0.1:8750/"))
    async with app.run_test(size=(120, 36)):
        text = summary(app)
        assert (
            "room: http://127.0.0.1:8750/stage (L: the projector's link)" in text and "Open to the network" not in text
        )


async def test_not_serving_no_link(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
        assert not isinstance(app.screen, RoomLinkScreen) and "room:" not in summary(app)


def test_the_console_never_suggests_every_interface_unasked() -> None:
    package = Path(__file__).resolve().parents[2] / "battledecks"
    offers = [
        f"{path.relative_to(package)}: {line.strip()}"
        for path in package.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"serve\s+0\.0\.0\.0|serve\s+\[?::\]?", line)
    ]
    assert offers == [], "the host gives the address they mean; battledecks does not propose every interface"
