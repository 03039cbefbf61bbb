"""The suite's tiers, kept true: a test that needs the system or runs long says so, or it fails.

``system``: the test needs tmux, Xvfb and a real terminal, Chromium, LibreOffice
or the vote processes. ``slow``: it runs for a minute or more on its own (the
soak, the kill harness). ``pytest -m "not system and not slow"`` is the
developer's loop (CONTRIBUTING.md).

A test that takes a fixture starting one of those programs is marked ``system``
here, at collection. Any other test that starts one (``subprocess.Popen``, seen
through an audit hook: tmux, Xvfb, xterm, kitty, xdotool, ImageMagick's import,
Chromium directly or through Playwright, LibreOffice, ``battledecks run --serve``
or a vote process) without the marker fails, as does one that runs the kill
harness or the soak (they announce themselves with :data:`SLOW_EVENT`) without
``slow``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import PurePath

import pytest

SYSTEM_FIXTURES = {
    "tmux": "tmux",
    "display": "Xvfb",
    "chromium": "Chromium",
}
"""Fixtures that start a system program: a test that takes one is in the system tier."""

SYSTEM_PROGRAMS = frozenset(
    {"tmux", "Xvfb", "xterm", "kitty", "xdotool", "import", "chromium", "soffice", "libreoffice"}
)
"""Programs of the system tier, by the name they are started with."""

SLOW_EVENT = "battledecks.tests.slow"
"""Audit event the kill harness and the soak raise as they start (``sys.audit(SLOW_EVENT, what)``)."""

_violations = pytest.StashKey[list[str]]()
_running: list[pytest.Item] = []


class UnmarkedTier(AssertionError):
    """A test started something of a tier it is not marked with."""


def system_part(argv: object) -> str | None:
    """What of the system tier a process started with ``argv`` is, or None."""
    if isinstance(argv, (str, bytes, os.PathLike)):
        words = [os.fsdecode(argv)]
    else:
        words = [os.fsdecode(word) for word in argv]  # type: ignore[union-attr]
    if not words:
        return None
    program = PurePath(words[0]).name
    # By its name on the PATH, or by the installed program's own path: a stand-in a test writes
    # (a fake soffice that fails at once) is not the system.
    if program in SYSTEM_PROGRAMS and (program == words[0] or shutil.which(program) == words[0]):
        return program
    if any("playwright" in word for word in words[:2]):
        return "Chromium (through Playwright)"
    # battledecks.room.votes_intake, or battledecks.room.votes.intake once the votes are a package of their own.
    if any(word.startswith("battledecks.room.votes") and word.endswith("intake") for word in words):
        return "a vote process"
    if "battledecks" in words and "--serve" in words:
        return "battledecks run --serve (the vote processes)"
    return None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if not _running or event not in ("subprocess.Popen", SLOW_EVENT):
        return
    item = _running[-1]
    if event == SLOW_EVENT:
        tier, what = "slow", str(args[0])
    else:
        tier, what = "system", system_part(args[1])  # type: ignore[assignment]
        if what is None:
            return
    if item.get_closest_marker(tier) is None:
        message = f"{item.nodeid} starts {what} but is not marked {tier}: add pytest.mark.{tier} (tests/tiers.py)"
        item.stash.setdefault(_violations, []).append(message)
        raise UnmarkedTier(message)


sys.addaudithook(_audit)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that take a system fixture (before ``-m`` selects)."""
    for item in items:
        if (
            SYSTEM_FIXTURES.keys() & set(getattr(item, "fixturenames", ()))
            and item.get_closest_marker("system") is None
        ):
            item.add_marker(pytest.mark.system)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.remove(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A test that started something of an unmarked tier fails, even if it caught the error."""
    report: pytest.TestReport = yield
    found = item.stash.get(_violations, [])
    if found and report.passed and call.when == "call":
        report.outcome = "failed"
        report.longrepr = "\n".join(found)
    return report
