"""Before a draw or a talk while the phones still vote: close that vote first.

A vote left open would take the room's votes for the last presenter during
the next one's talk. So a draw or a talk asked for while a vote is open asks
first: ``c`` (or Enter) closes the vote, saving its mean as the presenter's
audience score as F2 would, and goes on with what was asked; ``k`` goes on
and keeps the vote open, on purpose (late voters; the lineup and the stage's
console keep saying so, and the projector shows the draw or the talk); ``v``
goes back to the vote (the scores screen of its presenter); Escape does none
of these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from ...core.problems import BattledecksError
from ..widgets.key_footer import KeyFooter
from .base import AppModal

if TYPE_CHECKING:
    from ..app import BattledecksApp

CLOSE, KEEP, BACK = "close", "keep", "back"
"""The answers: close the vote and go on, go on with the vote open, or go back to the vote (None: none of these)."""


class CloseVoteScreen(AppModal[str | None]):
    """ "Phones are still voting on Zoë (12 votes): close the vote, then draw for Brian?"

    Dismisses with :data:`CLOSE`, :data:`KEEP`, :data:`BACK` or None.
    """

    DEFAULT_CSS = """
    CloseVoteScreen { align: center middle; }
    CloseVoteScreen > Vertical {
        width: 76; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    CloseVoteScreen Label { width: 100%; margin-bottom: 1; }
    CloseVoteScreen Horizontal { height: auto; align-horizontal: right; }
    CloseVoteScreen Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("c", "answer('close')", "Close vote and go on"),
        Binding("k", "answer('keep')", "Keep it open and go on"),
        Binding("v", "answer('back')", "Back to the vote"),
        Binding("escape", "answer('')", "Not now"),
    ]

    def __init__(self, question: str, go_on: str, *, back: bool = True) -> None:
        """``go_on``: what goes on ("draw"); ``back``: offer going back to the vote."""
        super().__init__()
        self.question = question
        self.go_on = go_on
        self.back = back

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == (BACK,):
            return self.back
        return True

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(escape(self.question))
            with Horizontal():
                if self.back:
                    yield Button("Back to it (v)", id=BACK)
                yield Button(f"Keep it open, {self.go_on} (k)", id=KEEP)
                yield Button(f"Close it, {self.go_on} (c)", id=CLOSE, variant="success")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(f"#{CLOSE}", Button).focus()  # Enter closes the vote and goes on

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id or "")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer if answer in (CLOSE, KEEP, BACK) else None)


def close_vote_first(app: BattledecksApp, doing: str, go_on: str, then: Callable[[], object]) -> bool:
    """Ask to close the open phones' vote before ``doing`` ("draw a deck for Brian"); False (nothing asked) if none is open.

    When the host says close, the vote is closed through the desk (the show
    records its result and the audience score) and ``then`` is called; when
    the host says keep it open, ``then`` is called with the vote still open.

    Args:
        go_on: what goes on, for the buttons ("draw", "start").
    """
    desk = app.votes
    current = desk.store.open_round if desk is not None else None
    if desk is None or current is None:
        return False
    from ...room.votes.host import closed_text, count_text  # the vote modules load only when the room votes

    tally = desk.store.tally()
    count = f" ({count_text(tally)})" if tally is not None else ""
    at_end = app.show.event.scoring.audience_when == "at-end"
    question = (
        f"Phones are still voting on {current.presenter}{count}. Close the vote and save the audience score, "
        f"then {doing}?"
    )

    def answer(choice: str | None) -> None:
        if choice == CLOSE:
            try:
                result = desk.close()
            except BattledecksError as error:
                app.notify(str(error), title="Phone vote", severity="error", timeout=8)
                return
            app.notify(closed_text(result), title="Phone vote")
            then()
        elif choice == KEEP:
            then()
        elif choice == BACK:
            from .scores import ScoresScreen

            app.push_screen(ScoresScreen(current.presenter, current.turn))

    # With the vote at the end, the vote is on the lineup itself: nothing to go back to.
    app.push_screen(CloseVoteScreen(question, go_on, back=not at_end), answer)
    return True
