"""What the room may see of a show, as one JSON-ready state.

The state is rebuilt from the show after each change and sent whole: a
follower never has to replay anything, and a late joiner gets the same
thing as everyone else. It holds only what the room has already seen:
the lineup, the titles of decks already drawn (the draw is their reveal),
the talk on stage with its schedule, and the standings once the host has
revealed them. Never a deck pool, a seed, an unseen title or a judge's
single score.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.clock import Phase, TalkClock
from ..core.scoring import format_score
from .schedule import schedule_of

REVEAL_SUSPENSE = 2.5
"""Seconds of suspense before a drawn title shows on the audience screens, unless the host's app says its own."""

IDLE, REVEAL, TALK, STANDINGS, VOTE = "idle", "reveal", "talk", "standings", "vote"
"""What the audience screens show: between talks, a draw, a talk, the standings, the phones' vote.

It is the host's latest step: a vote opened after a talk shows its QR code until the host closes it
or moves the show on (a draw, a talk, the standings); it never stays up behind the next draw."""


class RoomView:
    """The public state of one show, kept up to date from its changes."""

    def __init__(self, show: Any, *, suspense: float = REVEAL_SUSPENSE) -> None:
        self.show = show
        self.suspense = suspense
        self.seq: int = show.seq
        self.stage = IDLE
        self.reveal: dict[str, Any] | None = None
        self.talk: dict[str, Any] | None = None
        """The talk on stage (or just finished): presenter, deck, schedule."""
        self.clock: TalkClock | None = None
        self.standings: dict[str, Any] | None = None
        self.vote_state: Callable[[], dict[str, Any] | None] | None = None
        """The room's vote from their phones, when the app takes one (see ``room/votes/wiring.py``)."""
        self.show_results(show.last_reveal())
        if self._vote_open():
            self.stage = VOTE  # opened again after a restart: the host is taken back to it

    # --- changes -----------------------------------------------------------

    def apply(self, kind: str, presenter: str | None, round: int, data: dict[str, Any], seq: int, now: float) -> None:
        """Follow one change of the show; ``now`` is the host's monotonic time."""
        self.seq = seq
        mono = data.get("mono")
        at = float(mono) if isinstance(mono, (int, float)) else now
        if kind == "draw" and presenter is not None:
            self.stage = REVEAL
            self.reveal = {
                "presenter": presenter,
                "round": round,
                "title": data.get("title") or self._title(presenter, round),
                "topic": data.get("topic"),
                "at": now,
                "suspense": self.suspense,
            }
        elif kind == "veto" and self.reveal is not None and self.reveal["presenter"] == presenter:
            self.stage, self.reveal = IDLE, None
        elif kind == "vote-open":
            self.stage, self.reveal = VOTE, None
        elif kind == "vote-close":
            if self.stage == VOTE:
                self.stage = IDLE
        elif kind == "talk-start" and presenter is not None:
            clock = TalkClock(int(data["slides"]), float(data["seconds"]), float(data.get("countdown", 0.0)))
            clock.start(at)
            self.clock = clock
            self.stage, self.reveal, self.standings = TALK, None, None
            self.talk = {
                "presenter": presenter,
                "round": round,
                "deck": data.get("deck"),
                "title": data.get("title"),
                "topic": self._topic(presenter, round),
                "ended": None,
            }
        elif self.clock is not None and self.talk is not None and self.talk["ended"] is None and presenter == self.talk["presenter"]:
            self._talk_change(kind, at)
        elif kind == "reveal":
            self.show_results(data.get("stage"))

    def revealed(self, presenter: str, now: float) -> bool:
        """The host revealed ``presenter``'s draw at ``now``: the suspense ends there if it had not yet; whether it changed."""
        reveal = self.reveal
        if reveal is None or reveal["presenter"] != presenter or now >= reveal["at"] + reveal["suspense"]:
            return False
        reveal["suspense"] = max(0.0, now - reveal["at"])
        return True

    def show_results(self, stage: object) -> None:
        """What the host shows of the results: "standings", the build-up ("third", "second"), "winner" or "hidden".

        Until the winner is revealed nothing names a winner, runner-up or fan
        favourite (not even in the data a page receives); during the build-up
        only the places revealed so far are sent.
        """
        if stage in ("standings", "third", "second", "winner"):
            self.stage = STANDINGS
            data = self._standings()
            if stage != "winner":
                data.update(winners=[], runners_up=[], fan_favourites=[], sudden_death=[])
            if stage in ("third", "second"):
                floor = 3 if stage == "third" else 2
                data["rows"] = [r for r in data["rows"] if isinstance(r["rank"], int) and floor <= r["rank"] <= 3]
            self.standings = {**data, "show": stage}
        else:
            self.standings = None
            if self.stage == STANDINGS:
                self.stage = VOTE if self._vote_open() else IDLE

    def _vote_open(self) -> bool:
        """Whether the record has a phones' vote open."""
        return self.show.current_vote is not None

    def _talk_change(self, kind: str, at: float) -> None:
        clock = self.clock
        assert clock is not None and self.talk is not None
        if kind == "pause":
            clock.pause(at)
        elif kind == "resume":
            clock.resume(at)
        elif kind == "skip":
            clock.skip_slide(at)
        elif kind == "abort":
            clock.abort(at)
            self.talk["ended"] = {"how": "aborted", "at": at}
        elif kind == "talk-end":
            self.talk["ended"] = {"how": "time", "at": at}
        elif kind == "talk-interrupted":
            self.talk["ended"] = {"how": "interrupted", "at": at}

    # --- reading -------------------------------------------------------------

    def on_stage(self) -> str | None:
        """The deck whose slides may be served now: only during its talk."""
        if self.talk is None or self.talk["ended"] is not None or self.clock is None:
            return None
        return self.talk["deck"]

    def talk_phase(self, now: float) -> Phase | None:
        return None if self.clock is None else self.clock.state(now).phase

    def _turn(self, presenter: str, round: int) -> Any:
        return self.show.presenter(presenter, round) if self.show.has(presenter) else None

    def _title(self, presenter: str, round: int) -> str | None:
        turn = self._turn(presenter, round)
        return turn.title if turn else None

    def _topic(self, presenter: str, round: int) -> str | None:
        turn = self._turn(presenter, round)
        return turn.topic if turn else None

    def _lineup(self) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "status": p.status.value,
                "title": p.title if p.deck else None,
                "topic": p.topic if p.deck else None,
            }
            for p in self.show.lineup()
        ]

    def _standings(self) -> dict[str, Any]:
        standings = self.show.standings()
        awards = standings.awards
        return {
            "rows": [
                {"rank": r.rank, "presenter": r.presenter, "title": r.deck_title, "total": format_score(r.total), "tied": r.tied}
                for r in standings.ranked
            ],
            "winners": list(awards.winners),
            "decided_by": awards.decided_by,
            "runners_up": [[rank, name] for rank, name in awards.runners_up],
            "fan_favourites": list(awards.fan_favourites) if standings.fan_favourite_award else [],
            "sudden_death": list(standings.needs_sudden_death),
        }

    def state(self) -> dict[str, Any]:
        """Everything the room may see now."""
        talk = None
        if self.talk is not None and self.clock is not None:
            talk = {**self.talk, "schedule": schedule_of(self.clock)}
        return {
            "event": self.show.event.name,
            "seq": self.seq,
            "stage": self.stage,
            "lineup": self._lineup(),
            "next": self.show.next_up(),
            "reveal": self.reveal,
            "talk": talk,
            "standings": self.standings,
            "vote": self.vote_state() if self.vote_state is not None else None,
        }
