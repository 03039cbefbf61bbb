"""Killed at any instant, even inside the record's write, the event loses nothing acknowledged and resumes.

The harness is in harness/killing.py; benchmarks/kill.py runs it longer.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest

from harness.killing import run_kills

# The slow tier runs on one worker, one test at a time, started first (the largest group).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("slow")]

KILLS = 200


# 200 kills, each starting a fresh interpreter: minutes on a busy machine,
# more than the suite's 300 s per test.
@pytest.mark.timeout(1200)
def test_kill_anywhere_loses_nothing_acknowledged(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    # Memory-backed when there is such a folder: the kills test the writes, and fsync there costs nothing.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else tmp_path) as workdir:
        report = run_kills(Path(workdir), KILLS, seed=seed)
    print(f"seed {seed}: {report.summary()}")
    assert report.tried >= KILLS
    assert report.inside_writes >= KILLS // 2, report.summary()
    assert report.events >= 1, report.summary()  # the script was carried through to the end, kills and all
    assert report.lost == 0, f"seed {seed}: {report.summary()}\n" + "\n".join(report.failures[:10])
    # Kills inside the write leave temporary files; opening the event again removes every one.
    assert report.temps_found > 0, report.summary()
    assert report.temps_kept == 0, report.summary()
