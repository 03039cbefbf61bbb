"""The host's view of the room's vote: on the scores screen after each talk, on the lineup for the vote at the end.

With ``scoring.audience: {vote: phones, when: at-end}`` nothing is voted
after each talk. Once every talk is done, F2 on the lineup opens the vote on
the first presenter; each F2 then closes that vote (its mean becomes the
presenter's audience score, recorded like any score) and opens the next
presenter's, in lineup order, until every presenter has theirs. The host
steps through the presenters rather than the phones getting a list: the
projector shows whose talk is being voted on, so the room recalls it and
votes together, each phone makes one choice at a time on the same page as
after a talk, and every presenter gets a count of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from battledecks.core.scoring import format_score
from battledecks.core.words import format_vote, plural

from .votes import Result
from .votes_web import VoteDesk

if TYPE_CHECKING:
    from battledecks.core.show import Show

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
        at_end = self.app.show.event.scoring.audience_when == "at-end"  # type: ignore[attr-defined]
        if current is not None and tally is not None:
            count = _count(tally)
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
                result = format_vote(last.mean, last.votes)
                text = f"Phone vote on {self.presenter} closed: {result} · F2 reopens it"
            elif at_end and self.app.show.talks_to_come(self.round):  # type: ignore[attr-defined]
                text = f"The room votes on every presenter at the end: F2 on the lineup once all talks are done ({code})"
            else:
                text = f"F2 opens the phones' vote on {self.presenter} ({code})"
        self.set_class(current is not None, "-open")
        self.update(text + _reach(self.desk))

    def toggle(self) -> str:
        """Open the vote on this presenter, or close the one open; what happened, for the host.

        Raises:
            BattledecksError: the show or the vote store refused.
        """
        if self.desk.store.open_round is not None:
            said = _closed(self.desk.close())
            self.show_state()
            return said
        opened = self.desk.open(self.presenter, self.round)
        self.show_state()
        again = f" again ({opened.count} votes kept)" if opened.count else ""
        return f"Phones can vote on {self.presenter}{again}: the room code is {self.desk.store.code}."


def _count(tally: Result) -> str:
    """"12 votes, mean 8.2"."""
    return plural(tally.count, "vote") + (f", mean {format_score(tally.mean)}" if tally.count else "")


def _closed(result: Result) -> str:
    if not result.count:
        return f"Vote on {result.presenter} closed: no votes, the audience score is unchanged."
    return f"Vote on {result.presenter} closed: audience {result.describe()}, saved."


def _reach(desk: VoteDesk) -> str:
    url = desk.phone_url or ""
    if "//127." in url or "//localhost" in url or "//[::1]" in url:
        return " · phones cannot reach 127.0.0.1: serve on the room's network (--serve 0.0.0.0:8750)"
    return ""


def final_round(show: Show) -> int:
    """The round the vote at the end is on: the first whose votes are still to hold, else the latest."""
    rounds = sorted({r for p in show.record.lineup() for r in p.turns} or {1})
    return next((r for r in rounds if show.vote_queue(r)), rounds[-1])


def step_final_vote(desk: VoteDesk, show: Show) -> str:
    """F2 on the lineup in the vote at the end: close the open vote and open the next presenter's; what happened.

    Raises:
        BattledecksError: the show or the vote store refused (talks still to come, say).
    """
    said = ""
    if desk.store.open_round is not None:
        said = _closed(desk.close()) + " "
    round = final_round(show)
    queue = show.vote_queue(round)
    if not queue:
        return said + "The vote at the end is done: every presenter has had their vote."
    reason = show.can_open_vote(queue[0], round)
    if reason is not None and said:
        return said + reason[0].upper() + reason[1:] + "."
    done = sum(1 for p in show.record.lineup() if round in p.turns and p.turns[round].presented)
    place = done - len(queue) + 1
    desk.open(queue[0], round, step=(place, done))
    return said + f"Phones can vote on {queue[0]} ({place} of {done}): the room code is {desk.store.code}."


class FinalVotePanel(Static):
    """On the lineup, with the vote at the end: where the vote on every presenter stands, and what F2 does."""

    DEFAULT_CSS = """
    FinalVotePanel { height: auto; padding: 0 1; background: $boost; }
    FinalVotePanel.-open { background: $success 30%; text-style: bold; }
    """

    def __init__(self, desk: VoteDesk, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.desk = desk

    def on_mount(self) -> None:
        self.show_state()
        self.set_interval(0.5, self.show_state)

    def show_state(self) -> None:
        show = self.app.show  # type: ignore[attr-defined]
        store = self.desk.store
        current, tally = store.open_round, store.tally()
        round = final_round(show)
        queue = show.vote_queue(round)
        code = f"room code {store.code}"
        if current is not None and tally is not None:
            step = f" ({self.desk.step[0]} of {self.desk.step[1]})" if self.desk.step else ""
            following = [n for n in queue if n != current.presenter]
            then = f"opens {following[0]}'s" if following else "ends the vote"
            text = f"Phones are voting on {current.presenter}{step}: {_count(tally)} · F2 saves it and {then} · {code}"
        elif left := show.talks_to_come(round):
            text = f"The room votes on every presenter from their phones once all talks are done ({plural(len(left), 'talk')} to go)"
        elif queue:
            text = f"All talks done: F2 opens the phones' vote, one presenter at a time, starting with {queue[0]} · {code}"
        else:
            text = "Vote at the end done: every presenter has had their vote (their scores screen reopens it)"
        self.set_class(current is not None, "-open")
        self.update(text + _reach(self.desk))
