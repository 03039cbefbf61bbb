"""The draw's commitment in the app: made once the decks are checked, shown on the lineup, in full and as a
QR code on f, and the room's numbers typed in the draw screen (d) before the draw."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, Static

from battledecks.core.commitment import normal_fingerprint, short_fingerprint
from battledecks.core.record import read_entries
from battledecks.core.show import Show
from battledecks.core.verify import verify_entries
from battledecks.ui.app import create_app
from battledecks.ui.screens.commitment import CommitmentScreen, QrCode
from battledecks.ui.screens.draw import DrawScreen
from battledecks.ui.screens.lineup import LineupScreen
from tests.piloting import decode, photograph
from tests.waiting import wait_until


async def test_the_app_commits_once_the_decks_are_checked_then_draws_from_it(
    show_event: Path, seeds, wall, fake_clock
) -> None:  # noqa: ANN001
    show = Show.open(show_event, seed_source=seeds, clock=wall, scan=False)  # as `battledecks run` opens it
    assert show.commitment is None
    app = create_app(show_event, show=show, monotonic=fake_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: show.commitment is not None, "the commitment")
        fingerprint = show.commitment.fingerprint
        summary = app.screen.query_one("#summary", Static)
        await wait_until(
            pilot, lambda: short_fingerprint(fingerprint) in str(summary.content), "the fingerprint on the lineup"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw")
        assert "chain value 1 " in str(app.screen.query_one("#audit", Label).content)
    entries = read_entries(show.record.path)
    assert [e["kind"] for e in entries] == ["order", "commit", "draw"] and entries[2]["chain"] == 1
    assert verify_entries(entries, decks_folder=show.event.decks).ok


async def test_f_shows_the_fingerprint_in_full_and_as_a_code_a_phone_reads(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, CommitmentScreen), "the commitment screen")
        await pilot.pause()
        fingerprint = app.show.commitment.fingerprint
        shown = str(app.screen.query_one("#fingerprint", Static).content)
        assert shown.replace(" ", "").replace("\n", "") == fingerprint
        qr = app.screen.query_one(QrCode)
        strips = [qr.render_line(y) for y in range(qr.size.height)]
        assert normal_fingerprint(decode(photograph(strips)) or "") == fingerprint
        await pilot.press("escape")
        assert isinstance(app.screen, LineupScreen)


async def test_the_room_s_numbers_are_typed_before_the_draw_and_mixed_in(show_event: Path, make_app) -> None:  # noqa: ANN001
    app = make_app(show_event)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw screen")
        draw = app.screen
        assert draw.result is None and app.show.presenter("Ada").deck is None  # nothing drawn yet
        await pilot.press(*"four", "enter")
        await pilot.pause()
        assert app.screen is draw and draw.result is None  # said, and asked again
        field = draw.query_one("#room", Input)
        field.value = ""
        await pilot.press(*"4, 2 6", "enter")
        await wait_until(pilot, lambda: draw.result is not None, "the draw")
        await pilot.press("space")
        await wait_until(pilot, lambda: draw.revealed, "the reveal")
        assert "room's numbers 4 2 6" in str(draw.query_one("#audit", Label).content)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LineupScreen), "the lineup")
        # Escape before Enter draws nothing.
        await pilot.press("down", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw screen again")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LineupScreen), "back on the lineup")
        assert app.show.presenter("Brian").deck is None
    draws = [e for e in app.show.record.entries if e["kind"] == "draw"]
    assert len(draws) == 1 and draws[0]["room"] == "4 2 6" and draws[0]["presenter"] == "Ada"
    assert verify_entries(app.show.record.entries).ok


async def test_the_host_is_told_at_once_when_the_draw_s_secret_is_missing(show_event: Path, make_app) -> None:  # noqa: ANN001
    from battledecks.core.commitment import secret_path_for

    Show.open(show_event)  # committed, its secret kept beside the record...
    secret_path_for(show_event).unlink()  # ...and lost before the show
    app = make_app(show_event)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen), "the draw")
        await wait_until(
            pilot, lambda: any(n.title == "The draw's secret is missing" for n in app._notifications), "the notice"
        )
