"""`battledecks votes EVENT`: the rounds from the vote database, and --rebuild writes them to the record."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from battledecks.cli import main
from battledecks.core.show import Show
from battledecks.room.votes.desk import desk_for_show
from battledecks.room.votes.store import secret_path_for, votes_path_for
from tests.builders import build_event, present
from tests.scoring_builders import vote

PHONES = {"judges": ["J1"], "audience": {"vote": "phones"}}


@pytest.fixture
def voted(event_dir: Path, seeds, wall) -> Path:  # noqa: ANN001
    """An event where Ada's vote closed at 8.67 from 3 votes and Brian's is open with 2."""
    path = build_event(event_dir / "events", order="listed", scoring=PHONES)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    present(show, "Brian", at=400)
    desk = desk_for_show(show)
    assert desk is not None
    try:
        desk.open("Ada")
        vote(desk, "8", "9", "9")
        desk.close()
        desk.open("Brian")
        vote(desk, "4", "6")
    finally:
        desk.store.close()
    return path


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith("-shm")
    }


def test_it_prints_each_rounds_count_and_mean_and_changes_nothing(voted: Path, capsys) -> None:  # noqa: ANN001
    before = digests(voted.parent)
    assert main(["votes", str(voted)]) == 0
    out = capsys.readouterr().out
    assert "vote 1: Ada: 3 votes, mean 8.67, closed; the record: 3 votes, mean 8.67" in out
    assert "vote 2: Brian: 2 votes, mean 5.00, open; the record: open" in out
    assert "differ" not in out
    assert digests(voted.parent) == before
    assert main(["votes", str(voted), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["votes"], r["mean"], r["open"]) for r in data["rounds"]] == [
        (1, 3, 8.67, False),
        (2, 2, 5.0, True),
    ]


def test_rebuild_writes_the_databases_results_to_a_record_that_lost_them(
    voted: Path, tmp_path: Path, seeds, wall, capsys
) -> None:  # noqa: ANN001
    # The record as it was before Ada's vote closed (a backup restored), with the vote database of the night.
    record = voted.with_name("test.record.yaml")
    lines = record.read_text().splitlines(keepends=True)  # one entry a line
    cut = next(i for i, line in enumerate(lines) if '"vote-close"' in line)
    record.write_text("".join(lines[:cut]))  # Ada's vote open; its close, its score and Brian's vote gone
    show = Show.open(voted, seed_source=seeds, clock=wall, save=False)
    assert show.presenter("Ada").audience is None
    assert [(v.id, v.open) for v in show.vote_rounds()] == [(1, True)]

    assert main(["votes", str(voted)]) == 0
    out = capsys.readouterr().out
    assert "vote 1: Ada: 3 votes, mean 8.67, closed; the record: open" in out

    # The round is open in this record: the host (or the app) closes it; rebuilding closes nothing open.
    show = Show.open(voted, seed_source=seeds, clock=wall)
    show.close_vote(1, 2.0)  # a wrong result written by hand
    assert main(["votes", str(voted)]) == 0
    out = capsys.readouterr().out
    assert "the record: 1 vote, mean 2.00" in out and "1 closed round(s) differ" in out

    assert main(["votes", str(voted), "--rebuild"]) == 0
    out = capsys.readouterr().out
    assert "vote 1 on Ada: rebuilt, audience 8.67 from 3 votes" in out
    show = Show.open(voted, seed_source=seeds, clock=wall, save=False)
    assert show.presenter("Ada").audience == 8.67
    assert show.record.presenters["Ada"].main.audience_votes == 3
    assert "no such vote" in out  # Brian's round, which this record never opened, is reported, not invented

    # Once in step, a rebuild writes nothing.
    before = record.read_bytes()
    assert main(["votes", str(voted), "--rebuild"]) == 0
    assert record.read_bytes() == before


def test_a_missing_database_is_one_line_and_creates_nothing(event_dir: Path, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring=PHONES)
    before = sorted(p.name for p in path.parent.iterdir())
    assert main(["votes", str(path), "--rebuild"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "test.votes.sqlite: no vote database" in err[0]
    assert sorted(p.name for p in path.parent.iterdir()) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-tables"])
def test_a_corrupt_database_is_one_line_and_changes_no_file(voted: Path, damage: str, capsys) -> None:  # noqa: ANN001
    db = votes_path_for(voted)
    if damage == "garbage":
        db.write_bytes(b"this is not a database at all\n" * 200)
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:700])
    else:
        import sqlite3

        db.unlink()
        with sqlite3.connect(db) as other:
            other.execute("CREATE TABLE notes (x)")
        other.close()
    before = digests(voted.parent)
    assert main(["votes", str(voted), "--rebuild"]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "test.votes.sqlite" in err[0] and "Traceback" not in captured.err
    assert digests(voted.parent) == before


def test_a_missing_event_file_is_one_line(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["votes", str(tmp_path / "nope.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.yaml" in err[0]


def test_rebuild_refuses_while_the_app_has_the_event_open(voted: Path, capsys) -> None:  # noqa: ANN001
    lock = Show.lock_for(voted)
    lock.acquire("the app")
    try:
        record = voted.with_name("test.record.yaml")
        text = record.read_text()
        assert '"mean": 8.67' in text
        record.write_text(text.replace('"mean": 8.67', '"mean": 2.0'))  # the record differs: a rebuild is needed
        before = record.read_bytes()
        code = main(["votes", str(voted), "--rebuild"])
        assert code == 1
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert record.read_bytes() == before
    finally:
        lock.release()


def test_it_shows_the_phones_and_votes_of_each_network_address(event_dir: Path, seeds, wall, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring=PHONES)
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    desk = desk_for_show(show)
    assert desk is not None
    store = desk.store
    try:
        desk.open("Ada")
        kinds = [type(store.cast(store.token(), "7", store.code, "10.0.0.7")).__name__ for _ in range(6)]
        assert kinds == ["Accepted"] * 4 + ["Refused"] * 2  # a laptop dropping its cookie: four phones count
        assert type(store.cast(store.token(), "3", store.code, "10.0.0.9")).__name__ == "Accepted"
        desk.close()
    finally:
        store.close()
    assert main(["votes", str(path)]) == 0
    out = capsys.readouterr().out
    assert "vote 1: Ada: 5 votes, mean 6.20, closed" in out
    assert (
        "from 2 addresses: 10.0.0.7 4 phones, 4 votes (the limit of 4; 2 votes from more phones refused); "
        "10.0.0.9 1 phone, 1 vote"
    ) in out
    assert "crowded 2" in out
    assert main(["votes", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["phones_per_address"] == 4
    assert data["rounds"][0]["addresses"] == [
        {"address": "10.0.0.7", "phones": 4, "votes": 4, "refused": 2},
        {"address": "10.0.0.9", "phones": 1, "votes": 1, "refused": 0},
    ]


def test_set_aside_moves_a_damaged_database_and_its_log_aside_for_a_fresh_start(voted: Path, capsys) -> None:  # noqa: ANN001
    db = votes_path_for(voted)
    db.write_bytes(b"this is not a database at all\n" * 200)
    db.with_name(db.name + "-wal").write_bytes(b"the log of another life")
    damaged = db.read_bytes()
    assert main(["votes", str(voted)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1
        and "test.votes.sqlite" in err[0]
        and err[0].endswith(f"(`battledecks votes {voted} --set-aside` moves it aside, for a fresh one)")
    )
    lock = Show.lock_for(voted)
    lock.acquire("the app")
    try:
        assert main(["votes", str(voted), "--set-aside"]) == 1  # never under the running app
        assert db.read_bytes() == damaged
    finally:
        lock.release()
    capsys.readouterr()
    assert main(["votes", str(voted), "--set-aside"]) == 0
    out = capsys.readouterr().out
    aside = sorted(p.name for p in voted.parent.iterdir() if "-aside-" in p.name)
    assert aside[0].startswith("test.votes-aside-") and aside[0].endswith(".sqlite")
    assert aside == [aside[0], aside[0] + "-shm", aside[0] + "-wal"]  # named alike: SQLite opens it with its log
    assert (voted.parent / aside[0]).read_bytes() == damaged
    assert (voted.parent / aside[2]).read_bytes() == b"the log of another life"
    assert (
        f"Moved {db} aside to {voted.parent / aside[0]}." in out
        and f"Moved {db}-wal aside to {voted.parent / aside[2]}." in out
    )
    assert secret_path_for(voted).exists()  # a good key stays: the room code stays the same
    assert not [p for p in voted.parent.iterdir() if p.name.startswith("test.votes.sqlite")]
    # The next start makes a fresh database, in step with the record.
    show = Show.open(voted)
    desk = desk_for_show(show)
    assert desk is not None
    try:
        assert desk.store.open_round is not None and desk.store.open_round.presenter == "Brian"
        assert desk.store.tally() is not None and desk.store.tally().count == 0
    finally:
        desk.store.close()
    assert main(["votes", str(voted), "--set-aside"]) == 0  # the fresh one goes aside too


def test_set_aside_moves_a_damaged_vote_key_aside_too(voted: Path, capsys) -> None:  # noqa: ANN001
    key = secret_path_for(voted)
    key.write_bytes(b"short")
    assert main(["votes", str(voted), "--set-aside"]) == 0
    out = capsys.readouterr().out
    aside = [p for p in voted.parent.iterdir() if p.name.startswith("test.votes-aside-") and p.name.endswith(".key")]
    assert len(aside) == 1 and aside[0].read_bytes() == b"short" and not key.exists()
    assert f"Moved {key} aside to {aside[0]}." in out
