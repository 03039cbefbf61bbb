"""The lineup: who presents in what order, and where each presenter is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from rich.text import Text
from textual.widgets import DataTable, Header, Static

from ...core.changes import Change
from ...core.commitment import short_fingerprint
from ...core.problems import BattledecksError
from ...core.words import plural
from ...core.show import TALK_STEPS, DeckScan, Status
from ...render.detect import current_detection
from ...results.table import shorten
from ..format import duration, score_text
from ..widgets.key_footer import KeyFooter
from ..widgets.show_header import ShowHeader
from ..prepare import CANNOT_DRAW, Prepared, Progress
from .base import AppScreen
from .close_vote import close_vote_first
from .dialogs import AskScreen, ConfirmScreen

if TYPE_CHECKING:
    from ...room.votes import VoteDesk
    from ..widgets.open_vote import OpenVoteLine

STATUS_STYLE = {
    Status.WAITING: "dim",
    Status.DRAWN: "cyan",
    Status.PRESENTING: "bold yellow",
    Status.INTERRUPTED: "bold red",
    Status.PRESENTED: "yellow",
    Status.SCORED: "green",
}


FOLLOW = ("move", "draw", "veto")
"""Changes after which the cursor follows the presenter they are about (not an added wildcard: the
selection stays on whoever is next)."""

FOLLOW_NEXT = ("score", "correction")
"""Changes after which, back on the lineup, the selection moves on to whoever is next."""

FIXED = {"n": 3, "status": 11, "score": 7}
"""Widths of the columns that never give way: place, status and the score."""

PADDING = 2
"""Cells a DataTable column adds around its content."""


TITLE_FLOOR = {"deck": 12, "topic": 10}
"""Widths deck titles and topics give way to before names do."""


def column_widths(width: int, longest_name: int, topics: bool) -> dict[str, int]:
    """Widths of the lineup's columns in a table ``width`` cells wide.

    Place, status and score keep their width; deck titles (and topics) give way first, down to
    :data:`TITLE_FLOOR`; names keep their width until then: two Zoës must not both read "Zoë…".
    """
    columns = 4 + topics + 1
    free = max(0, width - sum(FIXED.values()) - PADDING * columns - 2)
    floor = TITLE_FLOOR["deck"] + (TITLE_FLOOR["topic"] if topics else 0)
    name = max(8, min(longest_name, free - floor))
    rest = max(floor, free - name)
    widths = dict(FIXED, name=name)
    if topics:
        widths["deck"] = max(TITLE_FLOOR["deck"], rest * 3 // 5)
        widths["topic"] = max(TITLE_FLOOR["topic"], rest - widths["deck"])
    else:
        widths["deck"] = rest
    return widths


class LineupScreen(AppScreen[None]):
    """The host's home screen: the lineup and what to do next."""

    DEFAULT_CSS = """
    LineupScreen #summary { height: auto; padding: 0 1; color: $text-muted; }
    LineupScreen #lineup { height: 1fr; margin: 0 1; }
    LineupScreen #hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "next_step", "Next step", priority=True),
        Binding("up", "select(-1)", "Select", key_display="↑↓", priority=True),
        Binding("down", "select(1)", "Select", key_display="↑↓", show=False, priority=True),
        Binding("t", "standings", "Standings"),
        Binding("v", "veto", "Veto"),
        Binding("a", "add", "Add"),
        Binding("x", "remove", "Remove"),
        Binding("shift+up", "move(-1)", "Move", key_display="⇧↑↓"),
        Binding("shift+down", "move(1)", "Move", key_display="⇧↑↓", show=False),
        Binding("z", "undo_move", "Undo"),
        Binding("q", "quit", "Quit"),
        Binding("f2", "final_vote", "Phone vote"),
        # Said on the lineup itself (the hint and the summary), so the footer still fits 80 columns.
        Binding("d", "draw_with_room", "Draw with the room's numbers", show=False),
        Binding("f", "commitment", "The draw's commitment", show=False),
        Binding("L", "room_link", "Projector link", key_display="L", show=False),
        Binding("f2", "close_vote", "Close vote"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers what works now for the selected presenter.
        if action == "undo_move":
            return bool(self._moves)
        if action == "final_vote":
            return self._final_desk() is not None
        if action == "commitment":
            return self.app.show.commitment is not None
        if action == "draw_with_room":
            name = self.selected if self.is_mounted else None
            return name is not None and self.app.show.has(name) and self.app.show.status(name) is Status.WAITING
        if action == "room_link":
            return self.app.audience_url is not None
        if action == "close_vote":
            desk = self.app.votes
            return desk is not None and self._final_desk() is None and desk.store.open_round is not None
        if action in ("veto", "remove"):
            name = self.selected if self.is_mounted else None
            if name is None or not self.app.show.has(name):
                return False
            show = self.app.show
            return (show.can_veto(name) if action == "veto" else show.can_remove(name)) is None
        return True

    def compose(self) -> ComposeResult:
        yield ShowHeader(show_clock=True, icon="")
        with Vertical():
            yield Static(id="summary")
            yield Static(id="shortfall", classes="banner -hidden", markup=False)
            if (desk := self.app.votes) is not None and self._final_desk() is None:
                from ..widgets.open_vote import OpenVoteLine  # the vote modules load only when the room votes

                yield OpenVoteLine(desk, " · F2 closes the vote and saves the audience score", id="open-vote")
            yield DataTable(id="lineup", cursor_type="row", zebra_stripes=True)
            yield Static(id="hint", markup=False)
            yield Static(id="preparing", classes="-hidden")
            if (desk := self._final_desk()) is not None:
                from ..widgets.final_vote_panel import FinalVotePanel  # the vote modules load only when the room votes

                yield FinalVotePanel(desk, id="final-vote")
        yield KeyFooter()

    def _final_desk(self) -> VoteDesk | None:
        """The phones' vote desk when the room votes on every presenter at the end, else None."""
        desk = self.app.votes
        return desk if desk is not None and self.app.show.event.scoring.audience_when == "at-end" else None

    def _open_vote_line(self) -> OpenVoteLine | None:
        """The line that shows a vote open after a talk (not with the vote at the end, which has its panel)."""
        if self.app.votes is None:
            return None  # and the vote modules stay unloaded
        from ..widgets.open_vote import OpenVoteLine

        return next(iter(self.query("#open-vote").results(OpenVoteLine)), None)

    def action_close_vote(self) -> None:
        """F2 while the phones vote on someone after their talk: close the vote and save the audience score."""
        from ...room.votes.host import closed_text

        desk = self.app.votes
        if desk is None or desk.store.open_round is None:
            return
        try:
            said = closed_text(desk.close())
        except BattledecksError as error:
            self._fail(error)
            return
        self.notify(said, title="Phone vote")

    def action_final_vote(self) -> None:
        from ...room.votes.host import step_final_vote
        from ..widgets.final_vote_panel import FinalVotePanel

        desk = self._final_desk()
        if desk is None:
            return
        try:
            said = step_final_vote(desk, self.app.show)
        except BattledecksError as error:
            self._fail(error)
            return
        self.notify(said, title="Phone vote")
        self.query_one(FinalVotePanel).show_state()

    def __init__(self) -> None:
        super().__init__()
        self._stale = False
        self._scored = False
        """A score changed while the lineup was covered: the selection moves on to whoever is next."""
        self._moves: list[tuple[str, int]] = []
        """Moves made here, last last: z takes the last one back."""
        self._widths: dict[str, int] = {}
        self._draw_waiting: str | None = None
        """A presenter whose draw waits for the check of the decks folder to end."""
        self._start_waiting: tuple[str, int] | None = None
        """A presenter (and round) whose talk starts as soon as their PDF deck's slides are drawn."""
        self._preparing: Progress | None = None
        """How far the drawing of a drawn PDF deck's pages has come, while it goes on."""

    def on_mount(self) -> None:
        self.app.changed.subscribe(self, self._on_change)
        self.app.decks_scanned.subscribe(self, self._on_scan)
        self.app.slides.progress.subscribe(self, self._on_slides)
        self.refresh_lineup()
        self.query_one(DataTable).focus()
        self.call_after_refresh(self._back_to_open_vote)

    def _back_to_open_vote(self) -> None:
        """When the event opens with a phones' vote open (the app stopped mid-vote), the host is taken back to it."""
        vote = self.app.show.current_vote
        desk = self.app.votes
        if vote is None or desk is None or not self.app.show.has(vote.presenter):
            return
        self.refresh_lineup(select=vote.presenter)
        tally = desk.store.tally()
        kept = f" ({plural(tally.count, 'vote')} kept)" if tally is not None and tally.count else ""
        if self._final_desk() is not None:
            self.notify(
                f"The phones' vote on {vote.presenter} is still open{kept}: F2 saves it and goes on.",
                title="Phone vote",
            )
            return
        from .scores import ScoresScreen

        self.app.push_screen(ScoresScreen(vote.presenter, vote.round))
        self.notify(
            f"The phones' vote on {vote.presenter} is still open{kept}: F2 closes it and saves the audience score.",
            title="Phone vote",
        )

    def on_resize(self) -> None:
        self.refresh_lineup()

    def _columns(self) -> None:
        """(Re)make the columns for the table's width: titles give way, place, status and score never do."""
        table = self.query_one(DataTable)
        topics = bool(self.app.show.event.topics)
        longest = max((len(self._label(p.name, p.wildcard)) for p in self.app.show.lineup()), default=9)
        widths = column_widths(table.size.width or self.size.width - 2, max(9, longest), topics)
        if widths == self._widths and table.columns:
            return
        self._widths = widths
        table.clear(columns=True)
        table.add_column("#", key="n", width=widths["n"])
        table.add_column("Presenter", key="name", width=widths["name"])
        table.add_column("Status", key="status", width=widths["status"])
        table.add_column("Deck", key="deck", width=widths["deck"])
        if topics:
            table.add_column("Topic", key="topic", width=widths["topic"])
        table.add_column("Score", key="score", width=widths["score"])

    @staticmethod
    def _label(name: str, wildcard: bool) -> str:
        return name + (" (wildcard)" if wildcard else "")

    def on_screen_suspend(self) -> None:
        # A question, the draw or the help is over the lineup, with keys of its own: Enter no longer does
        # what the hint says, so the hint goes until the lineup is back.
        self.query_one("#hint", Static).visible = False

    def on_screen_resume(self) -> None:
        if self._stale:
            nxt = self.app.show.next_up() if self._scored else None
            selected = self.selected  # as the lineup was drawn: they may have left it since
            if (
                selected is not None
                and self.app.show.has(selected)
                and self.app.show.status(selected) is not Status.SCORED
            ):
                nxt = None  # their scores are not complete: stay with them
            self._scored = False
            self.refresh_lineup(select=nxt)
        # Its text is kept current by every redraw of the lineup (a change that came while it was covered
        # redraws it now, or as soon as the change reaches it).
        self.query_one("#hint", Static).visible = True

    def _on_scan(self, scan: DeckScan) -> None:
        if self.app.screen is self:
            self.refresh_lineup()
        else:
            self._stale = True
        if scan.finished and self._draw_waiting is not None:
            name, self._draw_waiting = self._draw_waiting, None
            if self.app.screen is self and self.app.show.has(name):
                self._draw_when_checked(name)

    def _on_slides(self, progress: Progress) -> None:
        """The host's line about a drawn PDF deck's pages being drawn (never anything of the deck itself)."""
        self._preparing = None if progress.finished else progress
        self._show_preparing()
        if progress.finished and progress.error is not None and not progress.waited:
            # Said now, while there is time to veto the deck; a start would say it again.
            self.notify(
                f"{progress.error}. Veto the deck (v) to draw another.", title=CANNOT_DRAW, severity="error", timeout=20
            )

    def _show_preparing(self) -> None:
        line = self.query_one("#preparing", Static)
        progress = self._preparing
        if progress is None:
            line.add_class("-hidden")
            return
        whose = f"{progress.presenter}'s" if self.app.show.has(progress.presenter) else "the drawn"
        text = f"Preparing the slides of {whose} deck… {progress.done} of {progress.total}"
        if self._start_waiting is not None and self._start_waiting[0] == progress.presenter:
            text += "; the talk starts when they are ready."
        line.update(escape(text))
        line.remove_class("-hidden")

    def _on_change(self, change: Change) -> None:
        if change.kind in TALK_STEPS or change.kind == "catch-up":
            return  # the stage's business: nothing in the lineup moves
        if change.kind == "commit":
            self._extended(change)
        if self.app.screen is self:
            self.refresh_lineup(select=change.presenter if change.kind in FOLLOW else None)
        else:
            # Behind the stage or a dialog: redraw once, when the lineup shows again.
            self._stale = True
            self._scored = self._scored or change.kind in FOLLOW_NEXT

    def _extended(self, change: Change) -> None:
        """Tell the host when the draw's commitment had to be extended mid-show, and what that means."""
        from ...core.commitment import DECKS_ADDED, SECRET_MISSING

        content = change.data.get("content")
        cause = content.get("cause") if isinstance(content, dict) else None
        reason = str(content.get("reason") or "") if isinstance(content, dict) else ""
        if cause == SECRET_MISSING:
            self.notify(
                f"{reason}: a new chain was committed to go on. `battledecks verify` will say the draws from now on "
                "are not bound to the commitment made before the show.",
                title="The draw's secret is missing",
                severity="error",
                timeout=30,
            )
        elif cause == DECKS_ADDED:
            self.notify(
                f"{reason}; the commitment was extended with them (verify lists it).",
                title="Decks added to the draw",
                timeout=12,
            )

    # --- showing state ---------------------------------------------------

    @property
    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        return str(key.value)

    def refresh_lineup(self, select: str | None = None) -> None:
        self._stale = False
        show = self.app.show
        event = show.event
        table = self.query_one(DataTable)
        keep = select or self.selected
        self._columns()
        widths = self._widths
        table.clear()
        totals = score_text(show)
        lineup = show.lineup()
        names = [p.name for p in lineup]
        for index, presenter in enumerate(lineup, start=1):
            status = presenter.status
            deck = presenter.title or ("" if status is Status.WAITING else presenter.deck or "")
            row: list[object] = [
                str(index),
                Text(shorten(self._label(presenter.name, presenter.wildcard), widths["name"])),
                Text(status.value, style=STATUS_STYLE[status]),
                Text(shorten(deck, widths["deck"])),
            ]
            if event.topics:
                row.append(Text(shorten(presenter.topic or "", widths["topic"])))
            row.append(Text(totals.get(presenter.name, ""), justify="right"))
            table.add_row(*row, key=presenter.name)
        if keep and keep in names:
            table.move_cursor(row=names.index(keep))
        elif (nxt := show.next_up()) is not None:
            table.move_cursor(row=names.index(nxt))
        supply = show.supply()
        date = f" · {event.date.isoformat()}" if event.date else ""
        scanned = show.scan.finished
        commitment = show.commitment
        self.query_one("#summary", Static).update(
            f"[b]{escape(event.name)}[/b]{date} · {len(names)} presenters · "
            + (f"{plural(supply.decks, 'unseen deck')}" if scanned else escape(show.scan.describe()))
            + (f" · {plural(supply.topics, 'topic')} left" if event.topics else "")
            + f" · talks of {duration(event.seconds)}, {event.slides} slides of {event.period:g} s"
            + (f" · room: {escape(self.app.audience_url)} (L: the projector's link)" if self.app.audience_url else "")
            + (f" · draw commitment [b]{short_fingerprint(commitment.fingerprint)}[/b] (f)" if commitment else "")
            + (f"\n[b $warning]{escape(self.app.room_exposure)}[/]" if self.app.room_exposure else "")
            + "".join(f"\n{escape(line)}" for line in (current_detection().reason, current_detection().advice) if line)
        )
        banner = self.query_one("#shortfall", Static)
        if supply.enough or not scanned:
            banner.add_class("-hidden")
        else:
            banner.update(
                f"Not enough to draw for everyone: {supply.describe()}. Add decks to {event.decks} or remove a presenter."
            )
            banner.remove_class("-hidden")
        self.query_one("#hint", Static).update(self._hint())
        if (line := self._open_vote_line()) is not None:
            line.show_state()
        self.refresh_bindings()

    def _hint(self) -> str:
        name = self.selected
        if name is None:
            return "Press a to add a presenter."
        status = self.app.show.status(name)
        return {
            Status.WAITING: f"Enter: draw a deck for {name} (d: with numbers the room calls out).",
            Status.DRAWN: f"Enter: put {name} on stage.",
            Status.INTERRUPTED: f"Enter: restart {name}'s interrupted talk.",
            Status.PRESENTING: f"Enter: restart {name}'s talk.",
            Status.PRESENTED: f"Enter: enter the scores for {name}.",
            Status.SCORED: f"Enter: correct {name}'s scores. t: standings.",
        }[status]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.query_one("#hint", Static).update(self._hint())
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------

    def action_room_link(self) -> None:
        """What the room can reach, and the link that makes a browser the projector."""
        from .room import RoomLinkScreen

        if self.app.audience_url is not None:
            self.app.push_screen(RoomLinkScreen())

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
        name = self.selected
        if name is None:
            return
        if not close_vote_first(self.app, f"draw a deck for {name}", "draw", lambda: self._draw_when_checked(name)):
            self._draw_when_checked(name)

    def _draw_when_checked(self, name: str) -> None:
        if not self.app.show.has(name):
            return
        if not self.app.show.scan.finished:
            # A draw from the decks checked so far would favour those checked first: it waits for all.
            self._draw_waiting = name
            self.app.notify(
                f"Drawing for {name} as soon as every deck is checked ({self.app.show.scan.describe()}).",
                title="Checking the decks",
            )
            return
        self._draw(name)

    def _draw(self, name: str) -> None:
        from .draw import DrawScreen

        try:
            result = self.app.show.draw_for(name)
        except BattledecksError as error:
            self._fail(error)
            return
        self.app.push_screen(DrawScreen(name, result))

    def action_draw_with_room(self) -> None:
        """The draw screen, asking first for numbers the room calls out (mixed into the draw)."""
        from .draw import DrawScreen

        name = self.selected
        if name is None or self.app.show.status(name) is not Status.WAITING:
            return
        if not self.app.show.scan.finished:
            self._fail(f"The decks are still being checked ({self.app.show.scan.describe()}): draw when they are.")
            return
        reason = self.app.show.can_draw(name)
        if reason:
            self._fail(reason)
            return
        self.app.push_screen(DrawScreen(name))

    def action_commitment(self) -> None:
        from .commitment import CommitmentScreen

        if self.app.show.commitment is not None:
            self.app.push_screen(CommitmentScreen())

    def action_veto(self) -> None:
        name = self.selected
        if name is None:
            return
        why = self.app.show.can_veto(name, self.app.show.presenter(name).round)
        if why:
            self._fail(why)
            return
        if not close_vote_first(self.app, f"set aside {name}'s deck", "veto", lambda: self._veto(name)):
            self._veto(name)

    def _veto(self, name: str) -> None:
        from .draw import DrawScreen

        show = self.app.show
        if not show.has(name):
            return
        turn = show.presenter(name)

        def vetoed(reason: str | None) -> None:
            if reason is None:
                return
            try:
                result = show.veto(name, reason, turn.round)
            except BattledecksError as error:
                self._fail(error)
                return
            if result is None:
                self._fail(f"Deck set aside; no unseen deck is left for {name}.")
            else:
                self.app.push_screen(DrawScreen(name, result))

        self.app.push_screen(
            AskScreen(
                f"Set aside {turn.title or turn.deck} and draw again for {name}? Why?", "broken slide, unsuitable, ..."
            ),
            vetoed,
        )

    def action_start(self) -> None:
        from .stage import StageScreen

        name = self.selected
        if name is None:
            return
        show = self.app.show
        turn = show.presenter(name)
        status = turn.status
        reason = show.can_start(name, turn.round)
        if reason:
            self._fail(reason)
            return

        def after(result: str | None) -> None:
            if result == "ended":
                self.action_scores()

        def go(yes: bool | None) -> None:
            if not yes:
                return
            deck = show.deck_of(name, turn.round)
            if deck is not None and deck.pdf is not None:
                self._start_when_ready(name, turn.round, after)
                return
            # The drawn deck is decoded in full again, whatever the check cache says.
            broken = show.verify_deck(name, turn.round)
            if broken:
                self._fail(f"{broken[0]}. Veto the deck (v) to draw another.")
                return
            self.app.push_screen(StageScreen(name, turn.round), after)

        verb = "Restart" if status in (Status.INTERRUPTED, Status.PRESENTING) else "Start"
        # With the phones still voting on someone, closing that vote is the question (and its yes starts the talk).
        if close_vote_first(self.app, f"{verb.lower()} {name}'s talk", verb.lower(), lambda: go(True)):
            return
        self.app.push_screen(
            ConfirmScreen(f"{verb} {name}'s talk? The stage takes the whole screen.", yes=verb, default=True), go
        )

    def _open_vote_id(self) -> int | None:
        """The phones' vote open now (its round's id), if any."""
        desk = self.app.votes
        current = desk.store.open_round if desk is not None else None
        return current.id if current is not None else None

    def _start_when_ready(self, name: str, round: int, after: Callable[[str | None], None]) -> None:
        """Start a talk on a PDF deck once its pages are drawn: at once if they are, else when the worker is done.

        Meanwhile the lineup stays live and its status line counts the pages;
        the talk's clock starts only with every slide there.
        """
        from .stage import StageScreen, unshowable

        self._start_waiting = (name, round)
        kept_open = self._open_vote_id()  # a vote the host chose to keep open for this talk

        def ready(prepared: Prepared) -> None:
            if self._start_waiting != (name, round):
                return  # another start was asked for since
            self._start_waiting = None
            show = self.app.show
            if not show.has(name) or show.can_start(name, round):
                return
            if self.app.screen is not self or self._open_vote_id() not in (None, kept_open):
                # Elsewhere, or a vote was opened meanwhile (Enter asks to close it first).
                self.notify(
                    f"The slides of {name}'s deck are ready: press Enter to start the talk.", title="Slides ready"
                )
                return
            files = prepared.files
            if prepared.error is not None:
                # As with any slide that cannot be shown: the talk runs, each slide says so; the host may skip or abort.
                self.notify(prepared.error, title=CANNOT_DRAW, severity="error", timeout=30)
                files = unshowable(prepared.deck)
            elif prepared.problems:
                self._fail(f"{prepared.problems[0]}. Veto the deck (v) to draw another.")
                return
            self.app.push_screen(StageScreen(name, round, files=files), after)

        if not self.app.slides.when_ready(name, round, ready):
            self._show_preparing()
            self.notify(
                f"{name}'s talk starts as soon as the slides of the deck are drawn.", title="Preparing the slides"
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
        self.app.push_screen(ScoresScreen(name, self.app.show.presenter(name).round))

    def action_standings(self) -> None:
        from .standings import StandingsScreen

        self.app.push_screen(StandingsScreen())

    def action_add(self) -> None:
        def added(name: str | None) -> None:
            if not name:
                return
            try:
                name = self.app.show.add_presenter(name)
            except BattledecksError as error:
                self._fail(error)
                return
            self.notify(f"{name} joins the lineup.")

        self.app.push_screen(AskScreen("Add a presenter (wildcard) at the end of the lineup:", "Name"), added)

    def action_remove(self) -> None:
        name = self.selected
        if name is None:
            return
        why = self.app.show.can_remove(name)
        if why:
            self._fail(why)
            return
        turn = self.app.show.presenter(name, 1)

        def removed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.show.remove_presenter(name)
            except BattledecksError as error:
                self._fail(error)

        extra = f" Their deck ({turn.title}) stays out of the draw." if turn.deck else ""
        self.app.push_screen(ConfirmScreen(f"Remove {name} from the lineup?{extra}", yes="Remove"), removed)

    def action_select(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def action_move(self, delta: int) -> None:
        """Move the selected presenter in the running order (shift+arrows); z takes it back."""
        name = self.selected
        if name is None:
            return
        try:
            moved = self.app.show.move_presenter(name, delta)
        except BattledecksError as error:
            self._fail(error)
            return
        if moved:
            self._moves.append((name, delta))
            self.notify(f"{name} moved {'up' if delta < 0 else 'down'}. z takes it back.", timeout=4)
            self.refresh_bindings()

    def action_undo_move(self) -> None:
        if not self._moves:
            return
        name, delta = self._moves.pop()
        self.refresh_bindings()
        if not self.app.show.has(name):
            return
        try:
            self.app.show.move_presenter(name, -delta)
        except BattledecksError as error:
            self._fail(error)
            return
        self.notify(f"Move of {name} taken back.", timeout=4)

    def action_quit(self) -> None:
        self.app.action_ask_quit()
