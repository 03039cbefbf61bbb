"""The lineup: who presents in what order, and where each presenter is."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ...core.problems import BattledecksError
from ...core.record import Status
from ..format import duration, score_text
from ..widgets.key_footer import KeyFooter
from .dialogs import AskScreen, ConfirmScreen

STATUS_STYLE = {
    Status.WAITING: "dim",
    Status.DRAWN: "cyan",
    Status.PRESENTING: "bold yellow",
    Status.INTERRUPTED: "bold red",
    Status.PRESENTED: "yellow",
    Status.SCORED: "green",
}


class LineupScreen(Screen[None]):
    """The host's home screen: the lineup and what to do next."""

    DEFAULT_CSS = """
    LineupScreen #summary { height: auto; padding: 0 1; color: $text-muted; }
    LineupScreen #lineup { height: 1fr; margin: 0 1; }
    LineupScreen #hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "next_step", "Next step", priority=True),
        Binding("t", "standings", "Standings"),
        Binding("v", "veto", "Veto"),
        Binding("a", "add", "Add"),
        Binding("x", "remove", "Remove"),
        Binding("u", "move(-1)", "Up"),
        Binding("n", "move(1)", "Down"),
        Binding("q", "quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True, icon="")
        with Vertical():
            yield Static(id="summary")
            yield Static(id="shortfall", classes="banner -hidden")
            yield DataTable(id="lineup", cursor_type="row", zebra_stripes=True)
            yield Static(id="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="n", width=3)
        table.add_column("Presenter", key="name")
        table.add_column("Status", key="status", width=12)
        table.add_column("Deck", key="deck")
        if self.app.show.event.topics:
            table.add_column("Topic", key="topic")
        table.add_column("Score", key="score", width=7)
        self.refresh_lineup()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_lineup()

    # --- showing state ---------------------------------------------------

    @property
    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        return str(key.value)

    def refresh_lineup(self, select: str | None = None) -> None:
        show = self.app.show
        event = show.event
        table = self.query_one(DataTable)
        keep = select or self.selected
        table.clear()
        totals = score_text(show)
        for index, presenter in enumerate(show.record.lineup(), start=1):
            status = show.status(presenter.name)
            turn = presenter.latest
            name = presenter.name + (" (wildcard)" if presenter.wildcard else "")
            row: list[object] = [
                str(index),
                name,
                f"[{STATUS_STYLE[status]}]{status.value}[/]",
                turn.deck_title or ("" if status is Status.WAITING else turn.deck or ""),
            ]
            if event.topics:
                row.append(turn.topic or "")
            row.append(totals.get(presenter.name, ""))
            table.add_row(*row, key=presenter.name)
        if keep and keep in show.record.presenters:
            table.move_cursor(row=show.record.order.index(keep))
        elif (nxt := show.next_up()) is not None:
            table.move_cursor(row=show.record.order.index(nxt))
        supply = show.supply()
        date = f" · {event.date.isoformat()}" if event.date else ""
        self.query_one("#summary", Static).update(
            f"[b]{event.name}[/b]{date} · {len(show.record.order)} presenters · "
            f"{supply.decks} unseen decks"
            + (f" · {supply.topics} topics left" if event.topics else "")
            + f" · talks of {duration(event.seconds)}, {event.slides} slides of {event.period:g} s"
        )
        banner = self.query_one("#shortfall", Static)
        if supply.enough:
            banner.add_class("-hidden")
        else:
            banner.update(f"Not enough to draw for everyone: {supply.describe()}. Add decks to {event.decks} or remove a presenter.")
            banner.remove_class("-hidden")
        self.query_one("#hint", Static).update(self._hint())

    def _hint(self) -> str:
        name = self.selected
        if name is None:
            return "Press a to add a presenter."
        status = self.app.show.status(name)
        return {
            Status.WAITING: f"Enter: draw a deck for {name}.",
            Status.DRAWN: f"Enter: put {name} on stage.",
            Status.INTERRUPTED: f"Enter: restart {name}'s interrupted talk.",
            Status.PRESENTING: f"Enter: restart {name}'s talk.",
            Status.PRESENTED: f"Enter: enter the scores for {name}.",
            Status.SCORED: f"Enter: correct {name}'s scores. t: standings.",
        }[status]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.query_one("#hint", Static).update(self._hint())

    # --- actions ---------------------------------------------------------

    def _fail(self, error: BattledecksError | str) -> None:
        self.notify(str(error), severity="error", timeout=8)

    def action_next_step(self) -> None:
        name = self.selected
        if name is None:
            return
        status = self.app.show.status(name)
        if status is Status.WAITING:
            self.action_draw()
        elif status in (Status.DRAWN, Status.INTERRUPTED, Status.PRESENTING):
            self.action_start()
        else:
            self.action_scores()

    def action_draw(self) -> None:
        from .draw import DrawScreen

        name = self.selected
        if name is None:
            return
        reason = self.app.show.can_draw(name)
        if reason:
            self._fail(reason)
            return
        try:
            result = self.app.show.draw_for(name)
        except BattledecksError as error:
            self._fail(error)
            return
        self.refresh_lineup(select=name)
        self.app.push_screen(DrawScreen(name, result))

    def action_veto(self) -> None:
        from .draw import DrawScreen

        name = self.selected
        if name is None:
            return
        turn = self.app.show.record.presenters[name].latest
        if turn.deck is None:
            self._fail(f"{name} has no deck to veto.")
            return
        if turn.talks_started:
            self._fail(f"{name} has already been on stage with this deck.")
            return

        def vetoed(reason: str | None) -> None:
            if reason is None:
                return
            try:
                result = self.app.show.veto(name, reason)
            except BattledecksError as error:
                self._fail(error)
                return
            self.refresh_lineup(select=name)
            if result is None:
                self._fail(f"Deck set aside; no unseen deck is left for {name}.")
            else:
                self.app.push_screen(DrawScreen(name, result))

        self.app.push_screen(
            AskScreen(f"Set aside {turn.deck_title or turn.deck} and draw again for {name}? Why?", "broken slide, unsuitable, ..."),
            vetoed,
        )

    def action_start(self) -> None:
        from .stage import StageScreen

        name = self.selected
        if name is None:
            return
        show = self.app.show
        turn = show.record.presenters[name].latest
        status = show.status(name)
        if status is Status.WAITING:
            self._fail(f"{name} has no deck yet: press d to draw.")
            return
        if status in (Status.PRESENTED, Status.SCORED):
            self._fail(f"{name} has already presented.")
            return
        if show.deck_of(name, turn.round) is None:
            self._fail(
                f"{turn.deck_title or turn.deck} is no longer in {show.event.decks}: press v to set it aside and draw another."
            )
            return

        def go(yes: bool | None) -> None:
            if not yes:
                return
            if turn.talk_open:
                show.abort_talk(name, turn.round, reason="restarted after interruption")
            def after(result: str | None) -> None:
                self.refresh_lineup(select=name)
                if result == "ended":
                    self.action_scores()

            self.app.push_screen(StageScreen(name, turn.round), after)

        verb = "Restart" if status in (Status.INTERRUPTED, Status.PRESENTING) else "Start"
        self.app.push_screen(
            ConfirmScreen(f"{verb} {name}'s talk? The stage takes the whole screen.", yes=verb), go
        )

    def action_scores(self) -> None:
        from .scores import ScoresScreen

        name = self.selected
        if name is None:
            return
        status = self.app.show.status(name)
        if status not in (Status.PRESENTED, Status.SCORED):
            self._fail(f"{name} has not presented yet.")
            return
        self.app.push_screen(ScoresScreen(name, self.app.show.record.presenters[name].latest.round))

    def action_standings(self) -> None:
        from .standings import StandingsScreen

        self.app.push_screen(StandingsScreen())

    def action_add(self) -> None:
        def added(name: str | None) -> None:
            if not name:
                return
            try:
                self.app.show.record.add_presenter(name)
            except BattledecksError as error:
                self._fail(error)
                return
            self.refresh_lineup(select=name)
            self.notify(f"{name} joins the lineup.")

        self.app.push_screen(AskScreen("Add a presenter (wildcard) at the end of the lineup:", "Name"), added)

    def action_remove(self) -> None:
        name = self.selected
        if name is None:
            return
        turn = self.app.show.record.presenters[name].main
        if turn.talks_started:
            self._fail(f"{name} has already been on stage and cannot be removed.")
            return

        def removed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.show.record.remove_presenter(name)
            except BattledecksError as error:
                self._fail(error)
                return
            self.refresh_lineup()

        extra = f" Their deck ({turn.deck_title}) stays out of the draw." if turn.deck else ""
        self.app.push_screen(ConfirmScreen(f"Remove {name} from the lineup?{extra}", yes="Remove"), removed)

    def action_move(self, delta: int) -> None:
        name = self.selected
        if name is None:
            return
        if self.app.show.record.move_presenter(name, delta):
            self.refresh_lineup(select=name)

    def action_quit(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(ConfirmScreen("Quit battledecks? Everything is saved; open the event again to go on.", yes="Quit"), answer)
