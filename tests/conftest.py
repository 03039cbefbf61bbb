"""Fixtures shared by every test: small decks and events in tmp_path, clocks, the app's own folders, tmux and Chromium."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import have_chromium, launch_chromium
from tests.builders import build_deck
from tests.tmux import Terminal, stop_server

# The system and slow tiers, and the checks that keep them true.
pytest_plugins = ["tests.tiers"]


@pytest.fixture
def seeds() -> Callable[[], int]:
    """A seed source that counts up from 1: draws are repeatable."""
    counter = itertools.count(1)
    return lambda: next(counter)


@pytest.fixture
def wall() -> Callable[[], dt.datetime]:
    """A wall clock that ticks one second per call."""
    start = dt.datetime(2010, 4, 13, 19, 0, tzinfo=dt.UTC)
    counter = itertools.count()
    return lambda: start + dt.timedelta(seconds=next(counter))


@pytest.fixture
def event_dir(tmp_path: Path) -> Path:
    """A folder with ``decks/`` (six 12-slide decks) and ``events/``."""
    for i in range(6):
        build_deck(tmp_path / "decks" / f"deck-{i}")
    (tmp_path / "events").mkdir()
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def _own_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The app's folders and sizes are the tests' own, one set for each test process (pytest-xdist's workers too).

    The check cache, the PDF page cache and the demo live apart from the user's and from the other
    workers'. COLUMNS and LINES, which pytest-xdist's workers carry, are dropped: every terminal the
    tests start would take them over its own size.
    """
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


@pytest.fixture
def bugs_expected() -> Callable[[], list[BaseException]]:
    """For a test that makes the app hit a bug on purpose: a function giving the errors reported since it began."""
    from battledecks.ui import survive

    start = len(survive.REPORTED)
    return lambda: survive.REPORTED[start:]


@pytest.fixture(autouse=True)
def no_unseen_bugs(request: pytest.FixtureRequest):  # noqa: ANN201
    """The app keeps going after its own bugs (logged and said to the host); in a test any such bug fails it."""
    import sys

    survive = sys.modules.get("battledecks.ui.survive")
    start = len(survive.REPORTED) if survive else 0
    yield
    survive = sys.modules.get("battledecks.ui.survive")
    if survive is None or "bugs_expected" in request.fixturenames:
        return
    new = survive.REPORTED[start:]
    assert not new, f"the app hit {len(new)} bug(s) it survived: {new[0]!r}"


@pytest.fixture(autouse=True)
def _graphics_not_yet_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process of the app would: no terminal asked yet (what an earlier test's detection
    found is process-wide, and the lineup says it)."""
    from battledecks.render import detect

    monkeypatch.setattr(detect, "_LAST", None)


@pytest.fixture(autouse=True)
def _check_cache_starts_clean(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts as a new process of the app would: nothing known of slides or deck files, an empty cache.

    So no test writes another's results, and none pays for the others: a process that kept every
    slide the suite had checked would stat all of them, and write them all to its cache file, each
    time a show opens (a test opening thirty took 30 s late in a run, 0.4 s alone).
    """
    from battledecks.core import decks
    from battledecks.core.checks import cache as check_cache
    from battledecks.core.checks import slides as check_slides

    monkeypatch.setattr(check_slides, "_slide_cache", {})
    monkeypatch.setattr(decks, "_deck_files", {})
    monkeypatch.setattr(check_cache, "_loaded", set())
    monkeypatch.setattr(check_cache, "_dirty", False)
    monkeypatch.setattr(check_cache, "_deck_files_read", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


# --- running in parallel (pytest -n auto) --------------------------------------------------


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: no error without it
def pytest_xdist_auto_num_workers() -> int:
    """``-n auto``: one worker more than the cores, as many tests spend their time waiting (on real terminals,
    the app's processes, timers) rather than computing."""
    return (os.cpu_count() or 1) + 1


# --- system fixtures (a test taking one is in the system tier: tests/tiers.py) ---------------


def pytest_sessionfinish() -> None:
    """The tests' own tmux server (tests/tmux.py) stops when they end (outside any test: not one test's doing)."""
    stop_server()


@pytest.fixture
def tmux() -> Iterator[Callable[[list[str], tuple[int, int]], Terminal]]:
    """Opens tmux sessions running a command, at a size (columns, rows); closes them after the test."""
    opened: list[Terminal] = []

    def open_(command: list[str], size: tuple[int, int]) -> Terminal:
        term = Terminal(command, size)
        opened.append(term)
        return term

    yield open_
    for term in opened:
        term.close()


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    """A headless Chromium (tests/browser.py), closed after the test; the test is skipped without one."""
    if not have_chromium():
        pytest.skip("chromium is not installed (.ci/run installs it)")
    async with launch_chromium() as browser:
        yield browser
