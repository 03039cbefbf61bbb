"""What the host is told of the phones' vote, and F2 in the vote at the end.

With ``scoring.audience: {vote: phones, when: at-end}`` nothing is voted
after each talk. Once every talk is done, F2 on the lineup opens the vote on
the first presenter; each F2 then closes that vote (its mean becomes the
presenter's audience score, recorded like any score) and opens the next
presenter's, in lineup order, until every presenter has theirs. The host
steps through the presenters rather than the phones getting a list: the
projector shows whose talk is being voted on, so the room recalls it and
votes together, each phone makes one choice at a time on the same page as
after a talk, and every presenter gets a count of their own.

The panels that show these words on the host's console are
:mod:`battledecks.ui.widgets.vote_panel` and
:mod:`battledecks.ui.widgets.final_vote_panel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from battledecks.core.scoring import format_score
from battledecks.core.words import plural

from .desk import VoteDesk
from .store import Crowd, Result

if TYPE_CHECKING:
    from battledecks.core.show import Show


def count_text(tally: Result) -> str:
    """ "12 votes, mean 8.25"."""
    return plural(tally.count, "vote") + (f", mean {format_score(tally.mean)}" if tally.count else "")


def closed_text(result: Result) -> str:
    """What the host is told when a vote closes."""
    if not result.count:
        return f"Vote on {result.presenter} closed: no votes, the audience score is unchanged."
    return f"Vote on {result.presenter} closed: audience {result.describe()}, saved."


def crowd_text(crowd: Crowd, presenter: str | None = None) -> str:
    """What the host is told once the phones of one network address reach the limit in a vote."""
    on = f" on {presenter}" if presenter else ""
    return (
        f"{crowd.address} reached the limit of {plural(crowd.limit, 'phone')} in the vote{on}: "
        f"{plural(crowd.phones, 'phone')} (tokens) and {plural(crowd.votes, 'vote')} from it. Votes from more phones "
        "there are refused. If the room's phones share one address (NAT), raise scoring.audience.phones-per-address "
        "in the event file."
    )


def votes_off_text(error: object, event_path: object) -> str:
    """What the host is told when the vote database cannot be opened at start."""
    return (
        f"Phone voting is off: {error}. The show goes on: type the audience score on the scores screen. "
        f"To vote by phone again, quit, run `battledecks votes {event_path} --set-aside` (it moves the vote "
        "database aside and a fresh one is made) and start again."
    )


def reach_text(desk: VoteDesk) -> str:
    """A warning when the phones are sent to an address they cannot reach, else ""."""
    url = desk.phone_url or ""
    if "//127." in url or "//localhost" in url or "//[::1]" in url:
        return " · phones cannot reach 127.0.0.1: serve on this laptop's address on the room's network (--serve ADDRESS:8750)"
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
        said = closed_text(desk.close()) + " "
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
