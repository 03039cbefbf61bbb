"""Where the demo event lives.

In a clone the demo is ``events/demo.yaml`` with the sample decks in
``decks/``. An installed package carries the event file and builds the
sample decks with the generator (the same seeds as the clone's) into the
user's data folder the first time it runs, so bare ``battledecks`` works
anywhere.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs

PACKAGE = Path(__file__).resolve().parent
CLONE_EVENT = PACKAGE.parent / "events" / "demo.yaml"
"""The demo event in a clone (next to ``decks/``)."""
PACKAGED_EVENT = PACKAGE / "data" / "demo.yaml"

SAMPLE_SEED = 2010
"""Seed of the sample decks shipped in ``decks/``."""
SAMPLE_COUNT = 8

WORK_PREFIX = ".decks-"
"""The hidden folder the sample decks are painted in before they move to ``decks/``."""

Progress = Callable[[int, int], None]
"""Told (decks painted, decks) while the sample decks are painted."""


def data_home() -> Path:
    """The user's data folder for battledecks (``$XDG_DATA_HOME/battledecks`` or ``~/.local/share/battledecks`` on Linux)."""
    return Path(platformdirs.user_data_dir("battledecks", appauthor=False))


def _clone_has_decks() -> bool:
    decks = CLONE_EVENT.parent.parent / "decks"
    return CLONE_EVENT.is_file() and decks.is_dir() and any(decks.iterdir())


def demo_event_path(progress: Progress | None = None) -> Path:
    """The demo event file, built in the user's data folder if need be.

    Args:
        progress: told (decks painted, decks) while a first run paints the sample decks, from
            (0, decks) on, before anything slow: the host sees at once why they wait.
    """
    if _clone_has_decks():
        return CLONE_EVENT
    home = data_home() / "demo"
    event = home / "demo.yaml"
    if not (home / "decks").is_dir():
        build_demo(home, progress)
    if not event.is_file():
        from .core.atomic import atomic_write

        text = PACKAGED_EVENT.read_text(encoding="utf-8").replace("decks: ../decks", "decks: decks")
        atomic_write(event, text)
    return event


def build_demo(home: Path, progress: Progress | None = None) -> None:
    """Generate the sample decks into ``home/decks``, all or nothing, and nothing left behind.

    The decks are painted in a hidden ``.decks-XXXX`` folder and moved in place when all are done.
    One battledecks paints at a time (a lock on ``home``, which the kernel drops if the process is
    killed); the one holding it first removes what killed runs left, so none piles up.
    """
    home.mkdir(parents=True, exist_ok=True)
    with _holding(home):
        if (home / "decks").is_dir():
            return  # painted meanwhile by another battledecks
        for stale in home.glob(f"{WORK_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)
        if progress is not None:
            progress(0, SAMPLE_COUNT)
        from .generate import generate_decks

        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=home))
        try:
            generate_decks(work, count=SAMPLE_COUNT, seed=SAMPLE_SEED, progress=progress)
            os.replace(work, home / "decks")
        finally:
            shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _holding(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` while the block runs: a second battledecks waits its turn."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock
