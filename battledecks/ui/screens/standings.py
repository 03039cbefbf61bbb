"""Standings: the ranking as it stands, the final reveal, sudden death."""

from __future__ import annotations

import io
from dataclasses import dataclass
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
from ..widgets.big_text import BigText
from ..widgets.key_footer import KeyFooter
from ..widgets.show_header import ShowHeader
from .base import AppScreen, AppModal


class StandingsScreen(AppScreen[None]):
    """The ranked table, with ties shown as ties, fitted to the terminal's width.

    Looking at the standings here puts nothing on the projector: ``p`` does
    (and takes them off again), and the reveal (``r``) shows each place there
    as the host reveals it.
    """

    DEFAULT_CSS = """
    StandingsScreen #scroll { height: 1fr; margin: 0 1; }
    StandingsScreen #table { width: 100%; height: auto; }
    StandingsScreen #sudden { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Lineup"),
        Binding("p", "projector(True)", "On projector", tooltip="Show the standings to the room"),
        Binding("p", "projector(False)", "Off projector", tooltip="Take the standings off the room's screen"),
        Binding("r", "reveal", "Reveal"),
        Binding("S", "sudden_death", "Sudden death", key_display="S"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.table_text = ""
        """The table as plain text, as wide as it is shown."""
        self.revealed = False
        """The winner has been revealed: the award lines may show."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sudden_death":
            return bool(self.is_mounted and self.standings.sudden_death is not None and self._to_draw())
        if action == "projector":
            return parameters != (self.on_projector,)
        return True

    @property
    def on_projector(self) -> bool:
        """Whether the room's screen shows the results now (the standings, or a place of the reveal)."""
        return (self.app.show.last_reveal() or "hidden") != "hidden"

    def _to_draw(self) -> list[str]:
        """Tied presenters still without a deck for the sudden-death round."""
        sudden = self.standings.sudden_death
        if sudden is None:
            return []
        show = self.app.show
        return [n for n in sudden.presenters if show.presenter(n, sudden.round).deck is None]

    def compose(self) -> ComposeResult:
        yield ShowHeader(show_clock=True, icon="")
        yield Static("", id="sudden", classes="banner -hidden", markup=False)
        with VerticalScroll(id="scroll"):
            yield Static("", id="table")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.app.changed.subscribe(self, self._on_change)
        self.refresh_standings()

    def on_screen_resume(self) -> None:
        self.refresh_standings()

    def _show_on_projector(self, stage: str) -> None:
        try:
            self.app.show.reveal(stage)
        except BattledecksError as error:
            self.notify(str(error), severity="warning")

    def _on_change(self, change: Change) -> None:
        if change.kind in ("score", "correction", "draw", "talk-end", "add", "remove", "move"):
            self.refresh_standings()
        elif change.kind == "reveal":
            self.refresh_bindings()

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
        # No winner, runners-up or fan favourite until the host reveals them (r): the room may be watching.
        awards = self.revealed or self.app.show.last_reveal() == "winner"
        self.query_one("#table", Static).update(results_table(standings, event, console, awards=awards))
        self.table_text = table_text(standings, event, width, awards=awards)
        banner = self.query_one("#sudden", Static)
        tied = standings.needs_sudden_death
        sudden = standings.sudden_death
        if tied and sudden is not None:
            if self._to_draw():
                banner.update(f"Tie for first between {names(tied)}: press S to draw a sudden-death round.")
            else:
                banner.update(
                    f"Sudden death, round {sudden.round}: {names(tied)} each present one more deck. "
                    "Run their talks from the lineup (Escape)."
                )
            banner.remove_class("-hidden")
        else:
            banner.add_class("-hidden")
        self.refresh_bindings()

    def action_close(self) -> None:
        self._show_on_projector("hidden")
        self.dismiss(None)

    def action_projector(self, on: bool) -> None:
        """Put the standings on the projector (as far as the reveal has gone), or take them off."""
        if not on:
            self._show_on_projector("hidden")
        else:
            winner = self.revealed or self.app.show.last_reveal() == "winner"
            self._show_on_projector("winner" if winner else "standings")
        self.refresh_bindings()

    def action_reveal(self) -> None:
        standings = self.standings
        if not standings.ranked:
            self.notify("No talk has been scored yet.", severity="warning")
            return

        def done(winner_shown: bool | None) -> None:
            if winner_shown:
                self.revealed = True
            self.refresh_standings()

        self.app.push_screen(RevealScreen(standings), done)

    def action_sudden_death(self) -> None:
        from .close_vote import close_vote_first

        if self.standings.sudden_death is None:
            self.notify("No tie needs a sudden death.", severity="warning")
            return
        if not close_vote_first(self.app, "draw the sudden-death round", "draw", self._sudden_death):
            self._sudden_death()

    def _sudden_death(self) -> None:
        from .draw import DrawScreen

        try:
            round_, results = self.app.show.sudden_death()
        except BattledecksError as error:
            self.notify(str(error), severity="error", timeout=8)
            return
        for name, result in reversed(results):
            self.app.push_screen(DrawScreen(name, result))
        self.refresh_standings()


PLACE_WORDS = {3: "third", 2: "second"}


@dataclass(frozen=True)
class RevealStep:
    """One step of the reveal: a place and who holds it."""

    stage: str
    """What :meth:`Show.reveal` records, so the room's screen can follow."""
    heading: str
    names: str


def reveal_steps(standings: Standings) -> list[RevealStep]:
    """Third place, then second, then the winner (places nobody holds are left out; ties share one step)."""
    awards = standings.awards
    places: dict[int, list[str]] = {}
    for rank, name in awards.runners_up:
        places.setdefault(rank, []).append(name)
    steps = []
    for rank in sorted(places, reverse=True):
        held = places[rank]
        word = PLACE_WORDS.get(rank, f"place {rank}")
        heading = f"Joint {word}" if len(held) > 1 else f"{word.capitalize()} place"
        steps.append(RevealStep(PLACE_WORDS.get(rank, "second"), heading, names(held)))
    if awards.decided_by == "pending":
        heading = "Tied for first: sudden death decides!"
    elif len(awards.winners) > 1:
        heading = "Joint winners"
    else:
        heading = "The winner is"
    steps.append(RevealStep("winner", heading, names(awards.winners)))
    return steps


class RevealScreen(AppModal[bool]):
    """The reveal with a build-up: third place, second, then the winner, each name big.

    Enter (or space) goes on to the next place; each step is recorded with
    :meth:`Show.reveal`, so the room's screen follows. Dismisses with True once
    the winner has been shown.
    """

    DEFAULT_CSS = """
    RevealScreen { align: center middle; }
    RevealScreen > Vertical {
        width: 90%; height: auto; border: double $success; background: $surface; padding: 1 2;
    }
    RevealScreen Static { width: 100%; text-align: center; height: auto; }
    RevealScreen #heading { text-style: bold; color: $text-muted; }
    RevealScreen #name { width: 100%; height: 5; color: $text; background: $surface; }
    RevealScreen #name.-winner { color: $success; }
    RevealScreen #fan { color: $warning; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("enter,space", "next", "Next place"),
        Binding("enter,space", "close", "Close"),
        Binding("escape", "close", "Close"),
        Binding("c", "save_card", "Save results card"),
    ]

    def __init__(self, standings: Standings) -> None:
        super().__init__()
        self.standings = standings
        self.steps = reveal_steps(standings)
        self.step = -1
        """Index of the step showing."""

    @property
    def at_winner(self) -> bool:
        return self.step == len(self.steps) - 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return not self.at_winner
        return True

    def compose(self) -> ComposeResult:
        with Vertical():
            # Names and the event's name show as they are (never as markup).
            yield Static(self.app.show.event.name, id="event", markup=False)
            yield Static("", id="heading", markup=False)
            yield BigText("", max_lines=2, id="name")
            yield Static("", id="note", markup=False)
            yield Static("", id="fan", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.on_resize()
        self.action_next()

    def on_resize(self) -> None:
        # As big as the box allows, leaving room for the lines around it.
        height = self.size.height
        self.query_one("#name", BigText).styles.height = max(3, min(height - 10, height // 2))

    def action_next(self) -> None:
        if self.at_winner:
            return
        self.step += 1
        step = self.steps[self.step]
        try:
            self.app.show.reveal(step.stage)
        except BattledecksError as error:
            self.notify(str(error), severity="warning")
        self.query_one("#heading", Static).update(step.heading)
        name = self.query_one("#name", BigText)
        name.update(step.names)
        if self.at_winner:
            name.add_class("-winner")
            awards = self.standings.awards
            if awards.decided_by in ("audience", "sudden-death"):
                self.query_one("#note", Static).update(f"(the tie was broken by {awards.decided_by.replace('-', ' ')})")
            if awards.fan_favourites:
                self.query_one("#fan", Static).update(
                    f"Fan favourite: {names(awards.fan_favourites)} ({format_score(awards.fan_score)})"
                )
        self.refresh_bindings()

    def action_close(self) -> None:
        self.dismiss(self.at_winner)

    def action_save_card(self) -> None:
        from ...results.card import render_card

        event = self.app.show.event
        out = Path(event.path).with_name(f"{Path(event.path).stem}-results.png")
        try:
            render_card(self.standings, event, out)
        except OSError as error:
            self.notify(f"{out}: cannot save: {error.strerror or error}", severity="error")
            return
        except BattledecksError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"Results card saved to {out}", timeout=10)
