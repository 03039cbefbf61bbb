"""A talk's schedule as plain data, so a follower runs the host's own clock.

The host sends the schedule (start, pauses, skips), not one message per
slide: a follower rebuilds the same :class:`~battledecks.core.clock.TalkClock`
and computes every slide change itself, in the host's monotonic time.
"""

from __future__ import annotations

from typing import Any

from ..core.clock import TalkClock


def schedule_of(clock: TalkClock) -> dict[str, Any]:
    """The clock's schedule as JSON-ready data."""
    return {
        "slides": clock.slides,
        "seconds": clock.seconds,
        "countdown": clock.countdown,
        "started_at": clock.started_at,
        "paused_total": clock.paused_total,
        "paused_since": clock.paused_since,
        "skipped": clock.skipped,
        "aborted": clock.aborted,
    }


def clock_from(schedule: dict[str, Any]) -> TalkClock:
    """The clock a schedule describes (raises ValueError on nonsense)."""
    try:
        clock = TalkClock(int(schedule["slides"]), float(schedule["seconds"]), float(schedule["countdown"]))
        started = schedule.get("started_at")
        clock.started_at = None if started is None else float(started)
        clock.paused_total = float(schedule.get("paused_total") or 0.0)
        since = schedule.get("paused_since")
        clock.paused_since = None if since is None else float(since)
        clock.skipped = float(schedule.get("skipped") or 0.0)
        clock.aborted = bool(schedule.get("aborted"))
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a talk schedule: {error}") from None
    return clock
