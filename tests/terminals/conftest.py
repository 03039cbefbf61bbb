"""The virtual X display the real-terminal tests share: one Xvfb for each test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.terminals import ARTEFACTS, missing_tools, virtual_display


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """An Xvfb display (":N", a number of its own: ``-displayfd``) for every real-terminal test of this process."""
    missing = missing_tools()
    assert not missing, f"install {', '.join(missing)} (.ci/run does) to run the real-terminal tests"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with virtual_display() as name:
        yield name
