"""Standings: the ranking as it stands, the final reveal, sudden death."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...core.changes import Change
from ...core.problems import BattledecksError
from ...core.scoring import Standings, format_score
from ...results._words import names
from ...results.table import results_table, table_text
from ..widgets.key_footer import KeyFooter
from .base import AppScreen, AppModal


class StandingsScreen(AppScreen[None]):
    """The ranked table, with ties shown as ties, fitted to the terminal's width."""

    DEFAULT_CSS = """
    StandingsScreen #scroll { height: 1fr; margin: 0 1; }
    StandingsScreen #table { width: 100%; height: auto; }
    StandingsScreen #sudden { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Lineup"),
        Binding("r", "reveal", "Reveal winner"),
        Binding("S", "sudden_death", "Sudden death", key_display="S"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.table_text = ""
        """The table as plain text, as wide as it is shown."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True, icon="")
        yield Static("", id="sudden", classes="banner -hidden")
        with VerticalScroll(id="scroll"):
            yield Static("", id="table")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.app.changed.subscribe(self, self._on_change)
        self.refresh_standings()

    def on_screen_resume(self) -> None:
        self._show_on_projector("standings")

    def _show_on_projector(self, stage: str) -> None:
        try:
            self.app.show.reveal(stage)
        except BattledecksError as error:
            self.notify(str(error), severity="warning")

    def _on_change(self, change: Change) -> None:
        if change.kind in ("score", "correction", "draw", "talk-end", "add", "remove", "move"):
            self.refresh_standings()

    def on_resize(self) -> None:
        self.refresh_standings()

    @property
    def standings(self) -> Standings:
        return self.app.show.standings()

    def refresh_standings(self) -> None:
        standings = self.standings
        event = self.app.show.event
        width = max(40, self.size.width - 4)
        # The same table as `battledecks results`: it drops detail to fit the width.
        console = Console(file=io.StringIO(), width=width)
        self.query_one("#table", Static).update(results_table(standings, event, console))
        self.table_text = table_text(standings, event, width)
        banner = self.query_one("#sudden", Static)
        tied = standings.needs_sudden_death
        if tied:
            banner.update(f"Tie for first between {names(tied)}: press S to draw a sudden-death round.")
            banner.remove_class("-hidden")
        else:
            banner.add_class("-hidden")

    def action_close(self) -> None:
        self._show_on_projector("hidden")
        self.dismiss(None)

    def action_reveal(self) -> None:
        standings = self.standings
        if not standings.ranked:
            self.notify("No talk has been scored yet.", severity="warning")
            return
        self._show_on_projector("winner")
        self.app.push_screen(RevealScreen(standings))

    def action_sudden_death(self) -> None:
        from .draw import DrawScreen

        standings = self.standings
        if standings.sudden_death is None:
            self.notify("No tie needs a sudden death.", severity="warning")
            return
        try:
            round_, results = self.app.show.sudden_death()
        except BattledecksError as error:
            self.notify(str(error), severity="error", timeout=8)
            return
        for name, result in reversed(results):
            self.app.push_screen(DrawScreen(name, result))
        self.notify(
            f"Sudden death, round {round_}: {names(list(standings.sudden_death.presenters))} present again. "
            "Run their talks from the lineup.",
            timeout=10,
        )


class RevealScreen(AppModal[None]):
    """The final reveal: winner, runners-up and fan favourite, big."""

    DEFAULT_CSS = """
    RevealScreen { align: center middle; background: $background 90%; }
    RevealScreen > Vertical {
        width: 80%; height: auto; border: double $success; background: $surface; padding: 1 2;
    }
    RevealScreen Static { width: 100%; text-align: center; height: auto; }
    RevealScreen #winner { text-style: bold; color: $success; padding: 1 0; }
    RevealScreen #fan { color: $warning; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Close"),
        Binding("c", "save_card", "Save results card"),
    ]

    def __init__(self, standings: Standings) -> None:
        super().__init__()
        self.standings = standings

    def compose(self) -> ComposeResult:
        awards = self.standings.awards
        event = self.app.show.event
        with Vertical():
            yield Static(f"{event.name}")
            if awards.decided_by == "pending":
                headline = f"Tie for first: {names(awards.winners)}. Sudden death decides!"
            elif len(awards.winners) > 1:
                headline = f"Joint winners: {names(awards.winners)}"
            else:
                headline = f"The winner is {names(awards.winners)}!"
            yield Static(headline, id="winner")
            if awards.decided_by in ("audience", "sudden-death"):
                yield Static(f"(the tie was broken by {awards.decided_by.replace('-', ' ')})")
            for rank, name in awards.runners_up:
                yield Static(f"{rank}. {name}")
            if awards.fan_favourites:
                yield Static(
                    f"Fan favourite: {names(awards.fan_favourites)} ({format_score(awards.fan_score)})", id="fan"
                )
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save_card(self) -> None:
        from ...results.card import render_card

        event = self.app.show.event
        out = Path(event.path).with_name(f"{Path(event.path).stem}-results.png")
        try:
            render_card(self.standings, event, out)
        except OSError as error:
            self.notify(f"{out}: cannot save: {error.strerror or error}", severity="error")
            return
        self.notify(f"Results card saved to {out}", timeout=10)
