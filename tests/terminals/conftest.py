"""What the real-terminal tests share: one Xvfb for each test process, and the slides, drawn once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.terminals import ARTEFACTS, build_slides, missing_tools, virtual_display


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """An Xvfb display (":N", a number of its own: ``-displayfd``) for every real-terminal test of this process."""
    missing = missing_tools()
    assert not missing, f"install {', '.join(missing)} (.ci/run does) to run the real-terminal tests"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with virtual_display() as name:
        yield name


@pytest.fixture(scope="session")
def _detailed_slides(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_slides(tmp_path_factory.mktemp("slides"))


@pytest.fixture
def quarterly(tmp_path: Path, _detailed_slides: list[Path]) -> list[Path]:
    """The deck ``tmp_path/decks/quarterly``: twelve detailed slides (harness/terminals.py), drawn once per process."""
    deck = tmp_path / "decks" / "quarterly"
    deck.mkdir(parents=True)
    return [Path(shutil.copy(slide, deck)) for slide in _detailed_slides]
