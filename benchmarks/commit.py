"""What committing the draw costs, with libraries of 8, 100 and 1,000 decks.

Run: python benchmarks/commit.py [--sizes 8,100,1000] [--runs 3]

Committing hashes every slide file of every deck that may be drawn. In the
app that happens on the worker that checks the decks folder, after the
lineup is on screen, and only the first time an event is opened; a draw
waits for it as it waits for the check. For each library (copies of the
sample decks, hard links, as benchmarks/startup.py makes them) this measures,
in one run and with the file system's cache warm:

* the check of the decks folder for an event already committed (the check
  cache warm): what every opening costs, the baseline;
* the same check for a new event, which also hashes the decks;
* the commitment written (the secret file and the record);
* one committed draw, and one draw of an older record (a seed, no chain);
* ``verify``: the record alone, and with every deck's files hashed again.

Each figure is the median of ``--runs`` and is printed with its ratio to the
baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.startup import PRESENTERS, build_library  # noqa: E402


def event_file(folder: Path, library: Path, name: str) -> Path:
    import yaml

    path = folder / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "name": f"Commit {name}",
                "decks": str(library),
                "presenters": PRESENTERS,
                "order": "listed",
            }
        ),
        encoding="utf-8",
    )
    return path


def timed(make: Callable[[], Callable[[], object]], runs: int) -> float:
    """Median seconds of ``runs`` calls, each of a fresh callable from ``make`` (set up outside the timing)."""
    times = []
    for _ in range(runs):
        call = make()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(root: Path, size: int, runs: int) -> list[tuple[str, float]]:
    from battledecks.core.record import read_entries
    from battledecks.core.show import Show
    from battledecks.core.verify import verify_entries

    library = build_library(root, size)
    events = root / f"events-{size}"
    events.mkdir()
    counter = iter(range(10**9))

    def fresh(name: str) -> Path:
        return event_file(events, library, f"{name}-{next(counter)}")

    committed = fresh("committed")
    Show.open(committed)  # warms the check cache, and commits this one

    def scan_committed() -> Callable[[], object]:
        show = Show.open(committed, scan=False)
        return show.scan_decks

    def scan_new() -> Callable[[], object]:
        path = fresh("new")
        show = Show.open(path, scan=False)
        show.ensure_order()
        return show.scan_decks

    def commit() -> Callable[[], object]:
        path = fresh("commit")
        show = Show.open(path, scan=False)
        show.ensure_order()
        show.scan_decks()
        return show.commit

    def committed_draw() -> Callable[[], object]:
        show = Show.open(fresh("draw"))
        return lambda: show.draw_for(PRESENTERS[0])

    def old_draw() -> Callable[[], object]:
        path = fresh("old")
        # A record from before commitments: an order and one draw with a seed.
        path.with_name(path.stem + ".record.yaml").write_text(
            "format: 1\nlog:\n"
            f'  - {{"at": "2010-04-13T19:00:00+00:00", "kind": "order", "presenters": {PRESENTERS!r}, "how": "listed"}}\n'.replace(
                "'", '"'
            )
            + '  - {"at": "2010-04-13T19:00:01+00:00", "kind": "veto", "presenter": "Ada Lovelace", "deck": "none"}\n'
        )
        show = Show.open(path)
        return lambda: show.draw_for(PRESENTERS[1])

    night = fresh("night")
    show = Show.open(night)
    show.draw_all()
    entries = read_entries(show.record.path)

    figures = [
        ("check, event already committed (baseline)", timed(scan_committed, runs)),
        ("check and hash, new event", timed(scan_new, runs)),
        ("commitment written", timed(commit, runs)),
        ("one committed draw", timed(committed_draw, runs)),
        ("one draw of an older record", timed(old_draw, runs)),
        ("verify, record alone", timed(lambda: lambda: verify_entries(entries), runs)),
        ("verify, every deck hashed again", timed(lambda: lambda: verify_entries(entries, decks_folder=library), runs)),
    ]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="battledecks-commit-") as folder:
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")  # a check cache of its own, removed with the folder
        for size in (int(s) for s in args.sizes.split(",")):
            figures = measure(Path(folder), size, args.runs)
            base = figures[0][1]
            print(f"{size} decks (load average {os.getloadavg()[0]:.2f}):")
            for name, seconds in figures:
                print(f"  {name:<42} {seconds * 1000:9.1f} ms  {seconds / base:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
