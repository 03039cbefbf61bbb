"""Standings: the ranking as it stands, the final reveal, sudden death."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Static

from ...core.problems import BattledecksError
from ...core.scoring import Standings, format_score
from ..widgets.key_footer import KeyFooter


def names(items: tuple[str, ...] | list[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class StandingsScreen(Screen[None]):
    """The ranked table, with ties shown as ties."""

    DEFAULT_CSS = """
    StandingsScreen #table { height: 1fr; margin: 0 1; }
    StandingsScreen #note { height: auto; padding: 0 1; color: $text-muted; }
    StandingsScreen #sudden { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Lineup"),
        Binding("r", "reveal", "Reveal winner"),
        Binding("S", "sudden_death", "Sudden death", key_display="S"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True, icon="")
        yield Static("", id="sudden", classes="banner -hidden")
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="note")
        yield KeyFooter()

    def on_mount(self) -> None:
        scoring = self.app.show.event.scoring
        table = self.query_one(DataTable)
        table.add_column("Rank", key="rank")
        table.add_column("Presenter", key="name")
        table.add_column("Deck", key="deck")
        for judge in scoring.judges:
            table.add_column(judge, key=f"j:{judge}")
        if scoring.audience:
            table.add_column("Audience", key="audience")
        table.add_column("Total", key="total")
        self.refresh_standings()

    def on_screen_resume(self) -> None:
        self.refresh_standings()

    @property
    def standings(self) -> Standings:
        return Standings.from_record(self.app.show.record)

    def refresh_standings(self) -> None:
        standings = self.standings
        scoring = self.app.show.event.scoring
        table = self.query_one(DataTable)
        table.clear()
        for row in standings.rows:
            rank = "" if row.rank is None else f"{row.rank}{'=' if row.tied else ''}"
            cells: list[object] = [rank, row.presenter, row.display_deck]
            for judge in scoring.judges:
                total = row.judge_totals.get(judge)
                absent = row.total is not None and judge in row.absent_judges
                cells.append(format_score(total) if total is not None else ("absent" if absent else ""))
            if scoring.audience:
                cells.append(format_score(row.audience))
            cells.append(f"[b]{format_score(row.total)}[/b]" if row.total is not None else f"[dim]{row.status}[/dim]")
            table.add_row(*cells, key=row.presenter)
        banner = self.query_one("#sudden", Static)
        tied = standings.needs_sudden_death
        if tied:
            banner.update(f"Tie for first between {names(tied)}: press S to draw a sudden-death round.")
            banner.remove_class("-hidden")
        else:
            banner.add_class("-hidden")
        weights = ", ".join(f"{c.name} ×{c.weight:g}" for c in scoring.criteria)
        blend = (
            f"; total = judges + {scoring.audience_weight:g} × audience" if scoring.audience_weight > 0
            else ("; audience score decides the fan favourite" if scoring.audience and scoring.judges else "")
        )
        self.query_one("#note", Static).update(
            f"Judge columns: weighted sum ({weights}). Total: mean over the judges who scored{blend}. "
            "= marks a shared rank."
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reveal(self) -> None:
        standings = self.standings
        if not standings.ranked:
            self.notify("No talk has been scored yet.", severity="warning")
            return
        self.app.push_screen(RevealScreen(standings))

    def action_sudden_death(self) -> None:
        from .draw import DrawScreen

        standings = self.standings
        if standings.sudden_death is None:
            self.notify("No tie needs a sudden death.", severity="warning")
            return
        show = self.app.show
        round_ = standings.sudden_death.round
        results = []
        for name in standings.sudden_death.presenters:
            if show.record.presenters[name].turn(round_).deck is not None:
                continue
            try:
                results.append((name, show.draw_for(name, round_)))
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
        self.refresh_standings()


class RevealScreen(ModalScreen[None]):
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
