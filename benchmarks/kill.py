"""Kill a scripted event thousands of times and count what was lost.

Runs the harness of harness/killing.py longer than the test does: a child
process plays an event through the core Show API (draw, talk with a pause,
scores, a correction, a late presenter) and is SIGKILLed at random instants
and at every step inside the record's atomic write; after each kill the record
must read, hold every entry the child acknowledged, and the event must resume.

As a baseline it runs the same harness against a writer that rewrites the
record in place (what atomic_write exists to avoid), to show the harness does
see a torn record when there is one.

    python benchmarks/kill.py                 # 2000 kills on disk (real fsync)
    python benchmarks/kill.py --kills 500 --memory --seed 7
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import battledecks.core.record as record_module  # noqa: E402
from harness.killing import run_kills  # noqa: E402


def _in_place(path: Path, data: bytes | str) -> None:
    """The baseline: truncate and rewrite the record where it is, in two halves."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with open(path, "wb") as handle:
        handle.write(raw[: len(raw) // 2])
        handle.flush()
        time.sleep(0.002)
        handle.write(raw[len(raw) // 2 :])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=2000, help="kill points to try (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill instants (default: random, printed)")
    parser.add_argument(
        "--memory", action="store_true", help="work in /dev/shm (fsync costs nothing) instead of on disk"
    )
    parser.add_argument("--baseline-kills", type=int, default=100, help="kills against the in-place writer (0: skip)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    where = "/dev/shm" if args.memory else None
    print(f"seed {seed}; working {'in memory' if args.memory else 'on disk'}")

    with tempfile.TemporaryDirectory(dir=where, prefix="battledecks-kill-") as workdir:
        started = time.perf_counter()
        report = run_kills(Path(workdir), args.kills, seed=seed, log=lambda line: print("LOST:", line))
        elapsed = time.perf_counter() - started
    print(f"atomic write:  {report.summary()} in {elapsed:.1f} s")

    baseline = None
    if args.baseline_kills:
        real = record_module.atomic_write
        record_module.atomic_write = _in_place
        try:
            with tempfile.TemporaryDirectory(dir=where, prefix="battledecks-kill-") as workdir:
                baseline = run_kills(Path(workdir), args.baseline_kills, seed=seed)
        finally:
            record_module.atomic_write = real
        print(f"in-place write (baseline): {baseline.summary()}")
    lost_rate = report.lost / max(report.tried, 1)
    line = f"lost: {report.lost}/{report.tried} ({lost_rate:.2%}) with the atomic write"
    if baseline is not None:
        line += f", {baseline.lost}/{baseline.tried} ({baseline.lost / max(baseline.tried, 1):.2%}) rewriting in place"
    print(line)
    return 0 if report.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
