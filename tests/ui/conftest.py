"""Fixtures for driving the app with Pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from battledecks.core.show import Show
from battledecks.ui.app import BattledecksApp, create_app
from tests.builders import build_event
from tests.piloting import FakeClock


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def show_event(event_dir: Path) -> Path:
    """A 12-second, 12-slide event with two judges, two criteria and an audience score."""
    return build_event(
        event_dir / "events",
        name="night",
        seconds=12,
        countdown=3,
        order="listed",
        scoring={"judges": ["J1", "J2"], "criteria": ["Style", {"name": "Fit", "weight": 2}], "audience": True},
    )


@pytest.fixture
def make_app(seeds, wall, fake_clock: FakeClock) -> Callable[..., BattledecksApp]:  # noqa: ANN001
    def make(path: Path, **kw: object) -> BattledecksApp:
        show = Show.open(path, seed_source=seeds, clock=wall)
        return create_app(path, show=show, monotonic=kw.pop("monotonic", fake_clock), **kw)  # type: ignore[arg-type]

    return make
