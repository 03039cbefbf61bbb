"""Soak: ten whole 8-presenter events in a row in one process, driven from the keyboard by Pilot.

Each event runs 24-second talks on an injected clock (draw, talk, scores,
standings, quit); after each the script prints the seconds it took, the
process's resident memory, the apps, widgets and timers still alive, and the
threads and asyncio tasks left behind. The target: after the first event
(warm-up: Textual's CSS, the renderer's bounded caches) memory does not grow
(at most 8 MB over the rest, allocator noise) and nothing is left behind (no
thread or task; no more apps, widgets or timers than the first event left).

    python benchmarks/soak.py            # ten events
    python benchmarks/soak.py --events 4
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.soaking import Soak, soak  # noqa: E402

TOLERANCE = 8_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10, help="events in a row (default 10)")
    args = parser.parse_args()

    def report(run: int, result: Soak) -> None:
        apps, widgets, timers = result.alive[-1]
        print(
            f"event {run + 1:2}: {result.seconds[-1]:6.1f} s, resident {result.resident[-1] / 1e6:7.1f} MB, "
            f"alive: {apps} apps, {widgets} widgets, {timers} timers; left: {result.threads[-1]} threads, "
            f"{result.tasks[-1]} tasks",
            flush=True,
        )

    with tempfile.TemporaryDirectory(prefix="battledecks-soak-") as folder:
        result = asyncio.run(soak(Path(folder), args.events, report))
    growth = result.resident[-1] - result.resident[0]
    # Textual may keep the last app it ran as the active one: what the first event left may stay, no more.
    left = any(result.threads) or any(result.tasks) or any(c > result.alive[0] for c in result.alive)
    print(
        f"growth after the first event: {growth / 1e6:+.1f} MB over {args.events - 1} events "
        f"(target at most {TOLERANCE / 1e6:.0f} MB); left behind: {'something' if left else 'nothing'}"
    )
    return 0 if growth <= TOLERANCE and not left else 1


if __name__ == "__main__":
    sys.exit(main())
