"""The host's view of the vote at the end, on the lineup: where the vote on every presenter stands, and what F2 does.

F2 itself is :func:`battledecks.room.votes.host.step_final_vote`, which also
says how the vote at the end works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from battledecks.core.words import plural
from battledecks.room.votes.desk import VoteDesk
from battledecks.room.votes.host import count_text, final_round, reach_text

if TYPE_CHECKING:
    from ..app import BattledecksApp


class FinalVotePanel(Static):
    """On the lineup, with the vote at the end: where the vote on every presenter stands, and what F2 does."""

    DEFAULT_CSS = """
    FinalVotePanel { height: auto; padding: 0 1; background: $boost; }
    FinalVotePanel.-open { background: $success 30%; text-style: bold; }
    """

    if TYPE_CHECKING:
        # The running app is always a BattledecksApp: tell the type checker so.
        app: BattledecksApp

    def __init__(
        self, desk: VoteDesk, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__("", markup=False, name=name, id=id, classes=classes)  # names show as they are
        self.desk = desk

    def on_mount(self) -> None:
        self.show_state()
        self.set_interval(0.5, self.show_state)

    def show_state(self) -> None:
        show = self.app.show
        store = self.desk.store
        current, tally = store.open_round, store.tally()
        round = final_round(show)
        queue = show.vote_queue(round)
        code = f"room code {store.code}"
        if current is not None and tally is not None:
            step = f" ({self.desk.step[0]} of {self.desk.step[1]})" if self.desk.step else ""
            following = [n for n in queue if n != current.presenter]
            then = f"opens {following[0]}'s" if following else "ends the vote"
            text = (
                f"Phones are voting on {current.presenter}{step}: {count_text(tally)} · F2 saves it and {then} · {code}"
            )
        elif left := show.talks_to_come(round):
            text = f"The room votes on every presenter from their phones once all talks are done ({plural(len(left), 'talk')} to go)"
        elif queue:
            text = (
                f"All talks done: F2 opens the phones' vote, one presenter at a time, starting with {queue[0]} · {code}"
            )
        else:
            text = "Vote at the end done: every presenter has had their vote (their scores screen reopens it)"
        self.set_class(current is not None, "-open")
        self.update(text + reach_text(self.desk))
