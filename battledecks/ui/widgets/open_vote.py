"""One line while the phones vote: on whom, how many have voted, and what closes it; nothing otherwise.

The lineup shows it, so a vote left open behind the scores screen is never
forgotten, and so does the stage's console for the host (a vote still open
during a talk takes votes for someone else). The scores screen has its own
panel (:mod:`.vote_panel`), and the vote at the end its own on the lineup
(:mod:`.final_vote_panel`).
"""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from battledecks.room.votes.desk import VoteDesk
from battledecks.room.votes.host import count_text

REFRESH = 0.5
"""Seconds between looks at the count (as the scores screen's vote panel)."""


class OpenVoteLine(Static):
    """ "Phones are voting on Zoë: 12 votes, mean 8.2" and ``hint``, while a vote is open; hidden otherwise."""

    DEFAULT_CSS = """
    OpenVoteLine { height: auto; padding: 0 1; background: $success 30%; text-style: bold; }
    OpenVoteLine.-hidden { display: none; }
    """

    def __init__(self, desk: VoteDesk, hint: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.add_class("-hidden")
        self.desk = desk
        self.hint = hint
        """What closes it, after the count (" · F2 closes the vote and saves the audience score")."""
        self.text = ""
        """What the line says now ("" while no vote is open)."""

    def on_mount(self) -> None:
        self.show_state()
        self.set_interval(REFRESH, self.show_state)

    def show_state(self) -> None:
        store = self.desk.store
        current, tally = store.open_round, store.tally()
        text = (
            ""
            if current is None or tally is None
            else f"Phones are voting on {current.presenter}: {count_text(tally)}{self.hint}"
        )
        if text == self.text:
            return
        self.text = text
        self.set_class(not text, "-hidden")
        self.update(escape(text))
