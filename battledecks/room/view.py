"""What the room may see of a show, as one JSON-ready state.

The state is rebuilt from the show after each change and sent whole: a
follower never has to replay anything, and a late joiner gets the same
thing as everyone else. It holds only what the room has already seen:
the lineup, the titles of decks already drawn and revealed on the host's
screen (a title drawn now is held back until the host's draw screen shows
it), the talk on stage with its schedule, the standings once the host
has put them on the projector, the draw's commitment (its short
fingerprint, shown before the first draw so the room can note it) with the
numbers the room called out for a draw, and how the room's phones voted
once the host has closed the vote (while it is open, only the count).
Never a deck pool, a seed or chain value, an unseen title or a judge's
single score.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..core.clock import Phase, TalkClock
from ..core.commitment import short_fingerprint
from ..core.scoring import format_score
from .schedule import schedule_of

REVEAL_SUSPENSE = 2.5
"""Seconds of suspense the audience screens plan for a draw; the title itself comes only when the host's
screen reveals it (:meth:`RoomView.revealed`)."""

VOTED_SHOWN = 20.0
"""Seconds the audience screens show how a closed vote spread, before the room sees who is next."""

IDLE, REVEAL, TALK, STANDINGS, VOTE, VOTED = "idle", "reveal", "talk", "standings", "vote", "voted"
"""What the audience screens show: between talks, a draw, a talk, the standings, the phones' vote, the vote closed.

It is the host's latest step: a vote opened after a talk shows its QR code until the host closes it
or moves the show on (a draw, a talk, the standings); it never stays up behind the next draw. Closed
there, how the votes spread shows for :data:`VOTED_SHOWN` seconds (``voted``: each screen counts them
from ``at``), or until the show moves on."""


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
        self._held: dict[tuple[str, int], tuple[str | None, str | None]] = {}
        """Draws the host's screen has not revealed yet, by (presenter, round): their title and topic, held back."""
        self.vote_state: Callable[[], dict[str, Any] | None] | None = None
        """The room's vote from their phones, when the app takes one (see ``room/votes/wiring.py``)."""
        self.voted: dict[str, Any] | None = None
        """The vote the host just closed on the projector: whom it was for, the count, a bar per score."""
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
            # The title and topic wait for the host's screen (revealed()): not even the data a page gets holds them.
            self._held[(presenter, round)] = (data.get("title") or self._title(presenter, round), data.get("topic"))
            self.reveal = {
                "presenter": presenter,
                "round": round,
                "title": None,
                "topic": None,
                "revealed": False,
                "room": data.get("room"),
                "at": now,
                "suspense": self.suspense,
            }
        elif (
            kind == "veto"
            and presenter is not None
            and self.reveal is not None
            and self.reveal["presenter"] == presenter
        ):
            self.stage, self.reveal = IDLE, None
            self._held.pop((presenter, round), None)
        elif kind == "vote-open":
            self.stage, self.reveal, self.voted = VOTE, None, None
        elif kind == "vote-close":
            if self.stage == VOTE:
                self.voted = self._voted(presenter, round, data, now)
                self.stage = IDLE if self.voted is None else VOTED
        elif kind == "talk-start" and presenter is not None:
            clock = TalkClock(int(data["slides"]), float(data["seconds"]), float(data.get("countdown", 0.0)))
            clock.start(at)
            self.clock = clock
            self.stage, self.reveal, self.standings = TALK, None, None
            self._held.pop((presenter, round), None)  # on stage, its title is the room's
            self.talk = {
                "presenter": presenter,
                "round": round,
                "deck": data.get("deck"),
                "title": data.get("title"),
                "topic": self._topic(presenter, round),
                "ended": None,
            }
        elif (
            self.clock is not None
            and self.talk is not None
            and self.talk["ended"] is None
            and presenter == self.talk["presenter"]
        ):
            self._talk_change(kind, at)
        elif kind == "reveal":
            self.show_results(data.get("stage"))

    def revealed(self, presenter: str, now: float) -> bool:
        """The host's screen revealed ``presenter``'s draw at ``now``: its title (and topic) go to the room,
        and the suspense ends there; whether anything changed."""
        found = [key for key in self._held if key[0] == presenter]
        if not found:
            return False
        round = max(key[1] for key in found)
        title, topic = self._held.pop((presenter, round))
        for key in found:
            self._held.pop(key, None)
        reveal = self.reveal
        if reveal is not None and reveal["presenter"] == presenter and reveal["round"] == round:
            suspense = min(reveal["suspense"], max(0.0, now - reveal["at"]))
            reveal.update(title=title, topic=topic, revealed=True, suspense=suspense)
        else:
            # Several draws at once (a sudden death): the room sees the one the host's screen shows now.
            self.stage = REVEAL
            self.reveal = {
                "presenter": presenter,
                "round": round,
                "title": title,
                "topic": topic,
                "revealed": True,
                "at": now,
                "suspense": 0.0,
            }
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

    def _voted(self, presenter: str | None, turn: int, data: dict[str, Any], now: float) -> dict[str, Any] | None:
        """What the room sees of a vote just closed: whom it was for, the count, and a bar per score on the
        scale with the phones that gave it. None when the close says nothing of how the votes spread."""
        count = data.get("votes")
        spread = data.get("spread") or []
        if not isinstance(count, int) or (count and not spread):
            return None
        scoring = self.show.event.scoring
        given = [(float(score), int(times)) for score, times in spread]
        bars = []
        for i in range(round((scoring.high - scoring.low) / scoring.step) + 1):
            score = scoring.low + i * scoring.step
            times = sum(t for s, t in given if math.isclose(s, score, abs_tol=1e-9))
            bars.append({"score": format_score(score), "count": times})
        return {"presenter": presenter, "round": turn, "count": count, "bars": bars, "at": now, "shown": VOTED_SHOWN}

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
        rows = []
        for p in self.show.lineup():
            shown = p.deck is not None and (p.name, p.round) not in self._held
            rows.append(
                {
                    "name": p.name,
                    "status": p.status.value,
                    "title": p.title if shown else None,
                    "topic": p.topic if shown else None,
                }
            )
        return rows

    def _standings(self) -> dict[str, Any]:
        standings = self.show.standings()
        awards = standings.awards
        return {
            "rows": [
                {
                    "rank": r.rank,
                    "presenter": r.presenter,
                    "title": r.deck_title,
                    "total": format_score(r.total),
                    "tied": r.tied,
                }
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
            "voted": self.voted if self.stage == VOTED else None,
            "commitment": self._commitment(),
        }

    def _commitment(self) -> str | None:
        """The draw's commitment as the room sees it (``3f2a 91c0 b7e4``), once made."""
        commitment = getattr(self.show, "commitment", None)
        return None if commitment is None else short_fingerprint(commitment.fingerprint)
