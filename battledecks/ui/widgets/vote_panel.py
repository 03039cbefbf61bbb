"""The host's view of the room's vote after a talk: one line on the scores screen, and what F2 does there.

The vote at the end has its own panel on the lineup
(:mod:`.final_vote_panel`); the words both show are in
:mod:`battledecks.room.votes.host`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from battledecks.core.words import format_vote
from battledecks.room.votes.desk import VoteDesk
from battledecks.room.votes.host import closed_text, count_text, reach_text

if TYPE_CHECKING:
    from ..app import BattledecksApp


class VotePanel(Static):
    """One line: whether the room is voting on this presenter, how many phones have voted, and what F2 does."""

    DEFAULT_CSS = """
    VotePanel { height: auto; padding: 0 1; background: $boost; }
    VotePanel.-open { background: $success 30%; text-style: bold; }
    """

    if TYPE_CHECKING:
        # The running app is always a BattledecksApp: tell the type checker so.
        app: BattledecksApp

    def __init__(
        self,
        desk: VoteDesk,
        presenter: str,
        round: int = 1,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", markup=False, name=name, id=id, classes=classes)  # names show as they are
        self.desk = desk
        self.presenter = presenter
        self.round = round

    def on_mount(self) -> None:
        self.show_state()
        self.set_interval(0.5, self.show_state)

    def show_state(self) -> None:
        store = self.desk.store
        current = store.open_round
        tally = store.tally()
        code = f"room code {store.code}"
        show = self.app.show
        at_end = show.event.scoring.audience_when == "at-end"
        if current is not None and tally is not None:
            count = count_text(tally)
            if current.presenter == self.presenter and current.turn == self.round:
                text = f"Phones are voting on {self.presenter}: {count} · F2 closes the vote and saves the audience score · {code}"
            else:
                text = f"Phones are voting on {current.presenter} ({count}) · F2 closes that vote"
        else:
            last = next(
                (v for v in reversed(show.vote_rounds()) if v.presenter == self.presenter and v.round == self.round),
                None,
            )
            if last is not None and last.votes is not None:
                result = format_vote(last.mean, last.votes)
                text = f"Phone vote on {self.presenter} closed: {result} · F2 reopens it"
            elif at_end and show.talks_to_come(self.round):
                text = (
                    f"The room votes on every presenter at the end: F2 on the lineup once all talks are done ({code})"
                )
            else:
                text = f"F2 opens the phones' vote on {self.presenter} ({code})"
        self.set_class(current is not None, "-open")
        self.update(text + reach_text(self.desk))

    def toggle(self) -> str:
        """Open the vote on this presenter, or close the one open; what happened, for the host.

        Raises:
            BattledecksError: the show or the vote store refused.
        """
        if self.desk.store.open_round is not None:
            said = closed_text(self.desk.close())
            self.show_state()
            return said
        opened = self.desk.open(self.presenter, self.round)
        self.show_state()
        again = f" again ({opened.count} votes kept)" if opened.count else ""
        return f"Phones can vote on {self.presenter}{again}: the room code is {self.desk.store.code}."
