"""The host's vote desk, and the bridge between the show and the votes.

:class:`VoteDesk` runs the voting rounds: the host's commands open and close
them (through the show, which writes the record), the phones' pages read
what it says of the vote, and the audience screens are told when it
changes. It drives a :class:`VoteBackend`: the vote store in this process
(:class:`~.store.VoteStore`) or the vote processes
(:class:`~.worker.VoteWorker`). :func:`desk_for_show` and :func:`show_desk`
make a desk in step with the show's record.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .store import Crowd, Result, Round, Scale, VoteError, VoteStore

if TYPE_CHECKING:
    from battledecks.core.show import Show


class VoteBackend(Protocol):
    """What takes the votes behind a desk: the vote store in this process, or the vote processes.

    The desk sends it the host's commands and reads the open vote's count;
    the phones' votes reach it without the desk.
    """

    path: Path
    """The vote database."""
    scale: Scale
    listeners: list[Callable[[Result], None]]
    """Told the open vote's count as votes are committed (on a thread of the backend's)."""
    crowd_listeners: list[Callable[[Crowd], None]]
    """Told when the phones of one network address reach the limit in the open vote (on a thread of the backend's)."""

    @property
    def code(self) -> str:
        """The room code."""

    @property
    def open_round(self) -> Round | None:
        """The vote open now, if any."""

    def tally(self) -> Result | None:
        """The open vote's count, or None when no vote is open."""

    def open(self, round_id: int, presenter: str, turn: int = 1, step: tuple[int, int] | None = None) -> Result:
        """Open (or reopen, keeping its votes) round ``round_id``; ``step``: its place in the vote at the end."""

    def close_round(self) -> Result:
        """Close the open vote; its result has every vote acknowledged before."""

    def results(self) -> list[Result]:
        """Every round's result, from the vote database."""

    def close(self) -> None:
        """Commit what is taken and let go of the vote database."""


class VoteDesk:
    """What the phones see of voting, and the host's commands for it.

    ``opener`` and ``closer`` are the show's commands (they write the
    record); the desk keeps the store in step with them and wakes the
    phones waiting for a change. The host's commands (:meth:`open`,
    :meth:`close`) run on the app's thread; the pages, :meth:`wait` and the
    votes run on the room server's thread: a round's change is made whole
    before :attr:`version` goes up, and the phones waiting on the server's
    loop are woken through it (``call_soon_threadsafe``). The store decides
    which votes count: one acknowledged before a round closes is in its
    result, one arriving after is refused.
    """

    def __init__(
        self,
        store: VoteBackend,
        event_name: str,
        *,
        opener: Callable[[str, int], int] | None = None,
        closer: Callable[[Result], object] | None = None,
    ) -> None:
        self.store = store
        """What takes the votes: the store in this process or the vote processes."""
        self.event_name = event_name
        self.opener = opener
        """Record a round opening for (presenter, turn); returns the round's id."""
        self.closer = closer
        """Record a round's result."""
        self.version = 0
        """Goes up with every round opened or closed."""
        self._changed: asyncio.Event | None = None
        """Set when the version goes up; made and set on the loop the phones wait on."""
        self._waiting_loop: asyncio.AbstractEventLoop | None = None
        self.pages: dict[object, str] = {}
        """The page as most phones load it and the state as JSON, made once per version."""
        self.last: Result | None = None
        """The last round closed in this session."""
        self._next_id = max((r.id for r in store.results()), default=0) + 1
        self.phone_url: str | None = None
        """What the QR code says: this server's /vote with the room code, as phones reach it."""
        self.announce: Callable[[str], None] | None = None
        """Tells the audience screens the vote changed (the room server's ``publish``)."""
        self.step: tuple[int, int] | None = None
        """In the vote on every presenter at the end: the open vote's place (1 of 5)."""

    # --- the host's commands ----------------------------------------------------

    def open(
        self, presenter: str, turn: int = 1, round_id: int | None = None, step: tuple[int, int] | None = None
    ) -> Result:
        """Open a vote on ``presenter`` (or reopen ``round_id``); ``step``: its place in the vote on every presenter."""
        if self.store.open_round is not None:
            raise VoteError(f"voting on {self.store.open_round.presenter} is still open: close it first")
        if round_id is None:
            round_id = self.opener(presenter, turn) if self.opener else self._next_id
        result = self.store.open(round_id, presenter, turn, step)
        self._next_id = max(self._next_id, round_id + 1)
        self.step = step
        self._bump()
        if self.announce is not None:
            self.announce("vote")  # the record's vote-open went out before the store opened
        return result

    def close(self) -> Result:
        """Close the open vote; the record gets its result.

        Raises:
            VoteError: the vote could not be closed (it is still open everywhere: F2 again closes it).
        """
        result = self.store.close_round()
        self.mark_closed(result)
        if self.closer:
            self.closer(result)
        return result

    def mark_open(self, step: tuple[int, int] | None = None) -> None:
        """The store has opened a vote by another's command (a vote process taking up the round another opened):
        the phones are told."""
        self.step = step
        self._bump()

    def mark_closed(self, result: Result | None) -> None:
        """The store's open vote was closed (here, or by another vote process): the phones are told."""
        if result is not None:
            self.last = result
        self.step = None
        self._bump()

    def _bump(self) -> None:
        self.version += 1
        self.pages.clear()
        loop = self._waiting_loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake()
        else:
            try:
                loop.call_soon_threadsafe(self._wake)
            except RuntimeError:
                pass  # that loop has ended: nobody waits on it

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait(self, since: int, timeout: float) -> None:
        """Until the version is past ``since``, or ``timeout`` seconds."""
        self._waiting_loop = (
            asyncio.get_running_loop()
        )  # before the version is read: a bump from now on wakes this loop
        if self.version != since:
            return
        if self._changed is None:
            self._changed = asyncio.Event()
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass

    # --- what a phone sees ---------------------------------------------------------

    def public(self) -> dict[str, Any]:
        """What the audience screens show of the vote: the QR code's address, the room code, the count."""
        current = self.store.open_round
        tally = self.store.tally()
        return {
            "open": current is not None,
            "presenter": current.presenter if current else None,
            "round": current.turn if current else None,
            "url": self.phone_url,
            "code": self.store.code,
            "count": tally.count if tally else 0,
            "step": self._step_text(),
        }

    def _step_text(self) -> str:
        """ "2 of 5" during the vote on every presenter at the end, else ""."""
        return f"{self.step[0]} of {self.step[1]}" if self.step and self.store.open_round else ""

    def state_json(self) -> str:
        """:meth:`state` as JSON, made once per version."""
        cached = self.pages.get(("state", self.version))
        if cached is None:
            state = self.state()
            cached = self.pages[("state", state["version"])] = json.dumps(state)
        return cached

    def state(self) -> dict[str, Any]:
        current = self.store.open_round
        if current is not None:
            title = f"Vote for {current.presenter}" + (f" ({step})" if (step := self._step_text()) else "")
            closed_text = ""
        elif self.last is not None:
            title = f"Voting on {self.last.presenter} is closed"
            closed_text = "The host will open the next vote: keep this page open."
        else:
            title = "Voting is not open yet"
            closed_text = "The host opens voting after a talk: keep this page open."
        return {
            "version": self.version,
            "event": self.event_name,
            "open": current is not None,
            "presenter": current.presenter if current else None,
            "round": current.id if current else 0,
            "title": title,
            "closed_text": closed_text,
        }


@dataclass(frozen=True)
class RecordedVotes:
    """Where the record says the phones' votes stand: what a vote store follows when the event is opened again."""

    open_round: Round | None
    closed: list[int]
    """Every round the record has closed."""
    last: Result | None
    """The result of the last round closed (the phones are told it is closed)."""


def recorded_votes(show: Show) -> RecordedVotes:
    current = show.current_vote
    rounds = show.vote_rounds()
    counted = [v for v in rounds if not v.open and v.votes is not None]
    last = counted[-1] if counted else None
    return RecordedVotes(
        Round(current.id, current.presenter, current.round) if current else None,
        [v.id for v in rounds if not v.open],
        Result(last.id, last.presenter, last.round, last.votes or 0, last.mean) if last else None,
    )


def scale_of(show: Show) -> Scale:
    scoring = show.event.scoring
    return Scale(scoring.low, scoring.high, scoring.step)


def show_desk(show: Show, store: VoteBackend, last: Result | None) -> VoteDesk:
    """A desk on ``store`` whose commands go through the show: opening a vote writes
    ``vote-open``, closing writes the result (``vote-close`` with how the votes spread, and the audience score)."""

    def opener(presenter: str, turn: int) -> int:
        # The record may have this vote open already, the store not (opening it there failed): open it there again.
        current = show.current_vote
        if current is not None and (current.presenter, current.round) == (presenter, turn):
            return current.id
        return show.open_vote(presenter, turn).id

    desk = VoteDesk(
        store,
        show.event.name,
        opener=opener,
        closer=lambda result: show.close_vote(result.count, result.mean, result.spread),
    )
    desk.last = last
    return desk


def desk_for_show(show: Show) -> VoteDesk | None:
    """The vote desk of a show whose event votes by phone (None otherwise), in step with its record.

    When the event is opened again, an open vote is open again here with
    every vote it had.
    """
    if show.event.scoring.audience_vote != "phones":
        return None
    store = VoteStore.for_event(show.event.path, scale_of(show), per_address=show.event.scoring.phones_per_address)
    try:
        recorded = recorded_votes(show)
        store.sync(recorded.open_round, closed=recorded.closed)
    except BaseException:
        store.close()
        raise
    return show_desk(show, store, recorded.last)


__all__ = ["RecordedVotes", "VoteBackend", "VoteDesk", "desk_for_show", "recorded_votes", "scale_of", "show_desk"]
