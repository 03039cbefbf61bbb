"""The host's view of the room's vote on the scores screen: open it, watch the count, close it."""

from __future__ import annotations

from textual.widgets import Static

from battledecks.core.scoring import format_score
from battledecks.core.words import plural

from .votes_web import VoteDesk

KEY = "f2"
"""The key that opens and closes the vote (letters would be typed into the score fields)."""


class VotePanel(Static):
    """One line: whether the room is voting on this presenter, how many phones have voted, and what F2 does."""

    DEFAULT_CSS = """
    VotePanel { height: auto; padding: 0 1; background: $boost; }
    VotePanel.-open { background: $success 30%; text-style: bold; }
    """

    def __init__(self, desk: VoteDesk, presenter: str, round: int = 1, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
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
        if current is not None and tally is not None:
            count = plural(tally.count, 'vote')
            if tally.count:
                count += f", mean {format_score(tally.mean, 1)}"
            if current.presenter == self.presenter and current.turn == self.round:
                text = f"Phones are voting on {self.presenter}: {count} · F2 closes the vote and saves the audience score · {code}"
            else:
                text = f"Phones are voting on {current.presenter} ({count}) · F2 closes that vote"
        else:
            last = next(
                (v for v in reversed(self.app.show.vote_rounds()) if v.presenter == self.presenter and v.round == self.round),  # type: ignore[attr-defined]
                None,
            )
            if last is not None and last.votes is not None:
                result = f"{format_score(last.mean, 1)} from {last.votes} votes" if last.votes else "no votes"
                text = f"Phone vote on {self.presenter} closed: {result} · F2 reopens it"
            else:
                text = f"F2 opens the phones' vote on {self.presenter} ({code})"
        url = self.desk.phone_url or ""
        if "//127." in url or "//localhost" in url or "//[::1]" in url:
            text += " · phones cannot reach 127.0.0.1: serve on the room's network (--serve 0.0.0.0:8750)"
        self.set_class(current is not None, "-open")
        self.update(text)

    def toggle(self) -> str:
        """Open the vote on this presenter, or close the one open; what happened, for the host.

        Raises:
            BattledecksError: the show or the vote store refused.
        """
        if self.desk.store.open_round is not None:
            result = self.desk.close()
            self.show_state()
            if not result.count:
                return f"Vote on {result.presenter} closed: no votes, the audience score is unchanged."
            return f"Vote on {result.presenter} closed: audience {result.describe()}, saved."
        opened = self.desk.open(self.presenter, self.round)
        self.show_state()
        again = f" again ({opened.count} votes kept)" if opened.count else ""
        return f"Phones can vote on {self.presenter}{again}: the room code is {self.desk.store.code}."
