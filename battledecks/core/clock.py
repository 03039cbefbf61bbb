"""The talk clock: where a talk is at any instant, from one start time.

The schedule is computed, never accumulated: slide ``k`` (0-based) is due at
``start + countdown + k * period + paused - skipped``. Time is always passed
in (monotonic seconds), so the clock is tested without waiting, and a stall
of any length lands the talk exactly where it should be: nothing depends on
how often the clock is asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum


class Phase(str, Enum):
    """Where a talk is."""

    READY = "ready"
    """Not started."""
    COUNTDOWN = "countdown"
    """The 3-2-1 before the first slide."""
    TALK = "talk"
    """Slides are showing."""
    TIME_UP = "time-up"
    """The last slide has run out."""
    ABORTED = "aborted"
    """Stopped by the host; the presenter starts again later."""


@dataclass(frozen=True)
class ClockState:
    """A talk at one instant."""

    phase: Phase
    slide: int
    """0-based slide showing (0 during the countdown, last slide at time up)."""
    slides: int
    countdown_remaining: float
    """Seconds of the 3-2-1 left (0 once slides show)."""
    slide_remaining: float
    """Seconds until the next slide (or the end, on the last slide)."""
    talk_remaining: float
    """Seconds of the talk left, countdown excluded."""
    elapsed: float
    """Seconds of talk shown so far, countdown and pauses excluded."""
    paused: bool

    @property
    def progress(self) -> float:
        """Fraction of the talk done, 0 to 1."""
        total = self.elapsed + self.talk_remaining
        return 1.0 if total <= 0 else min(1.0, self.elapsed / total)


@dataclass
class TalkClock:
    """The timing of one talk."""

    slides: int
    """Slides in the deck."""
    seconds: float
    """Length of the talk, countdown excluded."""
    countdown: float = 0.0
    """Seconds of 3-2-1 before the first slide."""
    started_at: float | None = None
    """Monotonic time the talk (its countdown) started."""
    paused_total: float = 0.0
    """Seconds spent paused in finished pauses."""
    paused_since: float | None = None
    """Monotonic time the current pause began."""
    skipped: float = 0.0
    """Seconds of slides skipped by the host."""
    aborted: bool = False
    pauses: list[tuple[float, float]] = field(default_factory=list)
    """Finished pauses as (start, end) monotonic times."""

    def __post_init__(self) -> None:
        if self.slides < 1:
            raise ValueError("a talk needs at least one slide")
        if self.seconds <= 0:
            raise ValueError("a talk needs a length above 0 seconds")
        if self.countdown < 0:
            raise ValueError("the countdown cannot be negative")

    @property
    def period(self) -> float:
        """Seconds each slide is shown."""
        return self.seconds / self.slides

    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    def start(self, now: float) -> None:
        """Start the talk (its countdown first)."""
        if self.started_at is not None:
            raise RuntimeError("the talk has already started")
        self.started_at = now

    def pause(self, now: float) -> bool:
        """Pause; returns False if there was nothing to pause."""
        phase = self.state(now).phase
        if self.paused or phase not in (Phase.COUNTDOWN, Phase.TALK):
            return False
        self.paused_since = now
        return True

    def resume(self, now: float) -> bool:
        """Resume exactly where the talk was paused; returns False if not paused."""
        if self.paused_since is None:
            return False
        now = max(now, self.paused_since)
        self.paused_total += now - self.paused_since
        self.pauses.append((self.paused_since, now))
        self.paused_since = None
        return True

    def toggle_pause(self, now: float) -> bool:
        """Pause or resume; returns True if now paused."""
        if self.paused:
            self.resume(now)
            return False
        return self.pause(now)

    def abort(self, now: float) -> None:
        """Stop the talk for good; the presenter starts again on a new clock."""
        if self.paused:
            self.resume(now)
        self.aborted = True

    def skip_slide(self, now: float) -> int | None:
        """Move straight to the next slide (a broken slide); the talk ends sooner.

        Returns:
            The 0-based slide skipped, or None if there was none to skip.
        """
        state = self.state(now)
        if state.phase is not Phase.TALK or state.paused:
            return None
        self.skipped += state.slide_remaining
        return state.slide

    def _elapsed(self, now: float) -> float:
        """Seconds of clock run since start: pauses excluded, skips included."""
        assert self.started_at is not None
        end = self.paused_since if self.paused_since is not None else now
        return max(0.0, end - self.started_at - self.paused_total) + self.skipped

    def _at(self, run: float) -> float:
        """Monotonic time at which ``run`` seconds of clock will have run."""
        assert self.started_at is not None
        return self.started_at + self.paused_total - self.skipped + run

    def state(self, now: float) -> ClockState:
        """Where the talk is at monotonic time ``now``."""
        last = self.slides - 1
        if self.started_at is None:
            return ClockState(Phase.READY, 0, self.slides, self.countdown, self.period, self.seconds, 0.0, False)
        run = self._elapsed(now)
        paused = self.paused
        if run < self.countdown:
            phase = Phase.ABORTED if self.aborted else Phase.COUNTDOWN
            return ClockState(phase, 0, self.slides, self.countdown - run, self.period, self.seconds, 0.0, paused)
        talk = run - self.countdown
        if talk >= self.seconds:
            phase = Phase.ABORTED if self.aborted else Phase.TIME_UP
            return ClockState(phase, last, self.slides, 0.0, 0.0, 0.0, self.seconds, False)
        slide = min(last, int(talk // self.period))
        slide_end = (slide + 1) * self.period
        # Float division can put a time a hair before a boundary on the
        # earlier slide; the boundary time itself belongs to the next slide.
        if math.isclose(talk, slide_end, abs_tol=1e-9) and slide < last:
            slide += 1
            slide_end += self.period
        phase = Phase.ABORTED if self.aborted else Phase.TALK
        return ClockState(phase, slide, self.slides, 0.0, slide_end - talk, self.seconds - talk, talk, paused)

    def due_at(self, slide: int) -> float:
        """Monotonic time slide ``slide`` (0-based) is due; ``slides`` gives the end.

        Pauses and skips so far are counted; a pause still running is not.
        """
        if self.started_at is None:
            raise RuntimeError("the talk has not started")
        return self._at(self.countdown + slide * self.period)

    def next_change(self, now: float) -> float | None:
        """Monotonic time the screen next changes: a slide, the end, or a whole second of a countdown.

        None while paused, not started, aborted or over.
        """
        if self.started_at is None or self.paused or self.aborted:
            return None
        run = self._elapsed(now)
        if run < self.countdown:
            remaining = self.countdown - run
            return self._at(self.countdown - (math.ceil(remaining) - 1))
        talk = run - self.countdown
        if talk >= self.seconds:
            return None
        state = self.state(now)
        remaining = self.seconds - talk
        next_second = self._at(self.countdown + self.seconds - (math.ceil(remaining - 1e-9) - 1))
        return min(self.due_at(state.slide + 1), next_second)
