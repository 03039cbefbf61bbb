"""The draw and run commands from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from battledecks.cli import main
from battledecks.core.record import read_entries
from battledecks.core.show import Show
from tests.builders import build_event


def test_draw_draws_for_everyone_and_keeps_earlier_draws(event_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build_event(event_dir / "events", topics=["Cats", "Budgets", "Moon", "Mars"])
    assert main(["draw", str(path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["event"] == "Test Night"
    decks = [p["deck"] for p in first["presenters"]]
    topics = [p["topic"] for p in first["presenters"]]
    assert len(set(decks)) == 3 and None not in decks
    assert len(set(topics)) == 3 and None not in topics
    assert all(p["new"] for p in first["presenters"])
    assert main(["draw", str(path), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert [p["deck"] for p in second["presenters"]] == decks
    assert not any(p["new"] for p in second["presenters"])
    entries = read_entries(path.with_name("test.record.yaml"))
    assert [e["kind"] for e in entries] == ["order", "commit", "draw", "draw", "draw"]
    assert first["commitment"] == second["commitment"] == entries[1]["fingerprint"]


def test_draw_table_output(event_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build_event(event_dir / "events")
    assert main(["draw", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 drawn now; 3 unseen decks left" in out


def test_draw_through_a_pipe_prints_each_row_whole(tmp_path: Path) -> None:
    """`battledecks draw EVENT | cat` in an 80-column terminal: no title, topic or deck id split across lines."""
    import os
    import subprocess
    import sys

    from tests.builders import build_deck

    title = "Disrupting the Open-Plan Office, One Kubernetes Cluster at a Time"
    for i in range(3):
        build_deck(tmp_path / "decks" / f"disrupting-the-open-plan-office-{i}", title=f"{title} {i}")
    topic = "Why our library needs a zeppelin fleet before the next budget"
    path = build_event(tmp_path / "events", topics=[topic, topic + "!", topic + "?"])
    result = subprocess.run(
        [sys.executable, "-m", "battledecks", "draw", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "(disrupting-the-open-plan-office-" in line]
    assert len(rows) == 3, result.stdout
    assert all(title in row and topic in row for row in rows), result.stdout


def test_draw_with_too_few_decks_draws_nothing(event_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build_event(event_dir / "events", presenters=[f"P{i}" for i in range(9)])
    assert main(["draw", str(path)]) == 1
    err = capsys.readouterr().err
    assert "6 unseen decks for 9 presenters" in err and "Traceback" not in err
    assert all(e["kind"] != "draw" for e in read_entries(path.with_name("test.record.yaml")))


def test_draw_with_too_few_topics_draws_nothing(event_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build_event(event_dir / "events", topics=["Only one"])
    assert main(["draw", str(path)]) == 1
    assert "1 topic left" in capsys.readouterr().err


def test_commands_refuse_a_locked_event(event_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = build_event(event_dir / "events")
    lock = Show.lock_for(path)
    lock.acquire(str(path))
    try:
        for command in ("run", "draw"):
            assert main([command, str(path)]) == 1
            err = capsys.readouterr().err
            assert "already open in another battledecks" in err and err.count("\n") == 1
    finally:
        lock.release()
    assert not path.with_name("test.record.yaml").exists()


def test_broken_event_is_one_line_and_writes_nothing(event_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = event_dir / "events" / "bad.yaml"
    path.write_text("name: Bad\ndecks: ../decks\npresenters: [A]\nslides: 0\n")
    before = sorted(p.name for p in path.parent.iterdir())
    for command in ("run", "draw"):
        assert main([command, str(path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("battledecks: ") and "bad.yaml:4: slides: must be at least 1" in err
        assert err.count("\n") == 1
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "check", "draw", "results", "history"):
        assert command in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["draw"])
    assert exit_.value.code == 2


def test_run_on_an_event_with_several_errors_says_how_to_see_them_all(
    event_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = event_dir / "events" / "broken.yaml"
    path.write_text(
        "name: Broken\ndecks: ../decks\npresenters: [Ada, Ada]\nseconds: -5\nslides: zero\ngraphics: neon\n",
        encoding="utf-8",
    )
    for command in ("run", "draw", "results"):
        assert main([command, str(path)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err
        assert f"(and 3 more: `battledecks check {path}` lists all 4)" in err[0], err[0]
    # The command it names does list them all.
    assert main(["check", str(path)]) == 1
    assert (
        sum(line.startswith(f"{path}:") and ": error: " in line for line in capsys.readouterr().out.splitlines()) == 4
    )
    # One error alone is said as it is.
    path.write_text("name: Broken\ndecks: ../decks\npresenters: [Ada]\nseconds: -5\n", encoding="utf-8")
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "seconds" in err and "more" not in err and "check" not in err
