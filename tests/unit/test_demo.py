"""The demo event: in a clone, and wherever the package is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from battledecks import demo
from battledecks.core.checks import check_paths
from battledecks.core.event import load_event

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_demo_is_the_clone_demo() -> None:
    assert demo.PACKAGED_EVENT.read_text() == (ROOT / "events" / "demo.yaml").read_text()


def test_clone_demo_is_the_seed_event() -> None:
    assert demo.demo_event_path() == ROOT / "events" / "demo.yaml"
    event = load_event(demo.demo_event_path())
    assert event.name == "Battledecks! 2010"
    assert event.presenters == ("Janie Hermann", "Angie Manfredi", "Toby Greenwalt", "Michael Sauers")
    assert (event.slides, event.seconds) == (12, 300)
    assert len(event.scoring.judges) >= 2 and len(event.scoring.criteria) >= 2


def test_installed_package_builds_the_demo_in_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CLONE_EVENT", tmp_path / "nowhere" / "events" / "demo.yaml")
    monkeypatch.setattr(demo, "SAMPLE_COUNT", 4)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = demo.demo_event_path()
    assert path == tmp_path / "data" / "battledecks" / "demo" / "demo.yaml"
    event = load_event(path)
    assert event.decks == path.parent / "decks"
    assert len(list(event.decks.iterdir())) == 4
    report = check_paths([path])
    assert report.ok, [str(p) for p in report.problems]
    # A second call reuses what is there.
    before = sorted(p.stat().st_mtime_ns for p in event.decks.rglob("*"))
    assert demo.demo_event_path() == path
    assert sorted(p.stat().st_mtime_ns for p in event.decks.rglob("*")) == before


def test_a_killed_first_runs_work_folder_is_cleared_and_the_decks_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "CLONE_EVENT", tmp_path / "nowhere" / "events" / "demo.yaml")
    monkeypatch.setattr(demo, "SAMPLE_COUNT", 2)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    home = tmp_path / "data" / "battledecks" / "demo"
    # What a first run killed while painting leaves: its work folder with a deck and a half.
    left = home / ".decks-k1ll3d"
    (left / "half-a-deck").mkdir(parents=True)
    (left / "half-a-deck" / "slide01.png").write_bytes(b"\x89PNG")
    told: list[tuple[int, int]] = []
    path = demo.demo_event_path(lambda done, total: told.append((done, total)))
    assert told == [(0, 2), (1, 2), (2, 2)]
    assert sorted(p.name for p in home.iterdir() if p.name.startswith(".decks-")) == []
    assert len(list((home / "decks").iterdir())) == 2 and load_event(path).decks == home / "decks"
    # Nothing to paint the next time: nothing said.
    told.clear()
    assert demo.demo_event_path(lambda done, total: told.append((done, total))) == path and told == []
