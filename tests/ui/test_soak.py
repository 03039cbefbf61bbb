"""Soak: whole 8-presenter events run one after another in one process, from the keyboard.

Each event (talks of 24 seconds on an injected clock) is driven by its keys:
draw, start the talk, the talk runs out, scores, standings, quit. From one
event to the next nothing may be left behind: no thread, no asyncio task or
timer, no app or widget beyond what the first event left (Textual keeps its
last app as the active one in the test's context), and the process's memory
(resident set) must not grow.

The first event is warm-up (Textual parses its CSS, the renderer and the slide
checks fill their bounded caches). After that the resident set may move by
what the allocator keeps or gives back of its arenas, a few megabytes; the
tolerance is 8 MB per event, less than one leaked event (an app with its
screens and eight talks' slides drawn) would add each time. The object counts
are exact, scroll bars aside (see harness/soaking.py). benchmarks/soak.py runs ten
events in a row and prints the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.soaking import soak

# The slow tier runs on one worker, one test at a time, started first (the largest group).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("slow")]

EVENTS = 2
TOLERANCE = 8_000_000
"""Bytes the resident set may grow per event after the first (see above)."""


# Two whole events are about 80 s of CPU: on a machine whose cores are both busy
# elsewhere that is several minutes, more than the suite's 300 s per test.
@pytest.mark.timeout(1200)
async def test_events_in_a_row_leave_nothing_behind(tmp_path: Path) -> None:
    result = await soak(tmp_path, EVENTS)
    print(
        f"resident set after each event (MB): {[round(r / 1e6, 1) for r in result.resident]}; "
        f"apps, widgets, timers: {result.alive}; seconds: {[round(s) for s in result.seconds]}"
    )
    assert result.threads == [0] * EVENTS, "threads left behind"
    assert result.tasks == [0] * EVENTS, "tasks or timers left behind"
    assert all(counts <= result.alive[0] for counts in result.alive), f"apps, widgets, timers pile up: {result.alive}"
    growth = result.resident[-1] - result.resident[0]
    assert growth <= TOLERANCE * (EVENTS - 1), f"memory grew {growth / 1e6:.1f} MB over {EVENTS - 1} events"
