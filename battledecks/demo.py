"""Where the demo event lives.

In a clone the demo is ``events/demo.yaml`` with the sample decks in
``decks/``. An installed package carries the event file and builds the
sample decks with the generator (the same seeds as the clone's) into the
user's data folder the first time it runs, so bare ``battledecks`` works
anywhere.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import platformdirs

PACKAGE = Path(__file__).resolve().parent
CLONE_EVENT = PACKAGE.parent / "events" / "demo.yaml"
"""The demo event in a clone (next to ``decks/``)."""
PACKAGED_EVENT = PACKAGE / "data" / "demo.yaml"

SAMPLE_SEED = 2010
"""Seed of the sample decks shipped in ``decks/``."""
SAMPLE_COUNT = 8


def data_home() -> Path:
    """The user's data folder for battledecks (``$XDG_DATA_HOME/battledecks`` or ``~/.local/share/battledecks`` on Linux)."""
    return Path(platformdirs.user_data_dir("battledecks", appauthor=False))


def _clone_has_decks() -> bool:
    decks = CLONE_EVENT.parent.parent / "decks"
    return CLONE_EVENT.is_file() and decks.is_dir() and any(decks.iterdir())


def demo_event_path() -> Path:
    """The demo event file, built in the user's data folder if need be."""
    if _clone_has_decks():
        return CLONE_EVENT
    home = data_home() / "demo"
    event = home / "demo.yaml"
    if not (home / "decks").is_dir():
        build_demo(home)
    if not event.is_file():
        text = PACKAGED_EVENT.read_text(encoding="utf-8").replace("decks: ../decks", "decks: decks")
        event.write_text(text, encoding="utf-8")
    return event


def build_demo(home: Path) -> None:
    """Generate the sample decks into ``home/decks``, all or nothing."""
    from .generate import generate_decks

    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".decks-", dir=home))
    try:
        generate_decks(work, count=SAMPLE_COUNT, seed=SAMPLE_SEED)
        os.replace(work, home / "decks")
    finally:
        shutil.rmtree(work, ignore_errors=True)
