"""The room server's parts that need no show: addresses, the address file, schedules, clock offsets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from battledecks.core.clock import TalkClock
from battledecks.core.commitment import short_fingerprint
from battledecks.core.show import Show
from battledecks.room.address import address_file, read_address, remove_address, write_address
from battledecks.room.follow import Follower
from battledecks.room.schedule import clock_from, schedule_of
from battledecks.room.server import DEFAULT_PORT, ServeError, listen, parse_address, url_of
from battledecks.room.view import RoomView
from tests.builders import present


def test_addresses_are_parsed_with_defaults() -> None:
    assert parse_address("127.0.0.1:9000") == ("127.0.0.1", 9000)
    assert parse_address(":9001") == ("127.0.0.1", 9001)
    assert parse_address("127.0.0.1") == ("127.0.0.1", DEFAULT_PORT)
    assert parse_address("[::1]:9002") == ("::1", 9002)
    # A bare number is a port on the default address, not a host named "19137".
    assert parse_address("19137") == ("127.0.0.1", 19137)
    assert parse_address(" 9003 ") == ("127.0.0.1", 9003)
    with pytest.raises(ServeError, match="between 0 and 65535"):
        parse_address("70000")
    with pytest.raises(ServeError, match="port must be a number"):
        parse_address("127.0.0.1:http")
    with pytest.raises(ServeError, match="between 0 and 65535"):
        parse_address("127.0.0.1:70000")


def test_a_busy_port_is_said_before_anything_starts() -> None:
    first = listen("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        assert url_of(first) == f"http://127.0.0.1:{port}/"
        with pytest.raises(ServeError, match=f"127.0.0.1:{port}: cannot listen there"):
            listen("127.0.0.1", port)
    finally:
        first.close()


def test_the_address_file_is_written_read_and_removed(tmp_path: Path) -> None:
    event = tmp_path / "night.yaml"
    assert read_address(event) is None
    path = write_address(event, "http://127.0.0.1:8750/")
    assert path == address_file(event) == tmp_path / ".night.audience.json"
    assert read_address(event) == "http://127.0.0.1:8750/"
    assert list(tmp_path.iterdir()) == [path], "no temporary file is left behind"
    remove_address(event)
    assert not path.exists()


def test_an_address_left_by_a_killed_app_is_ignored_and_not_removed_by_another(tmp_path: Path) -> None:
    event = tmp_path / "night.yaml"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    address_file(event).write_text(json.dumps({"url": "http://127.0.0.1:1/", "pid": int(dead.stdout)}))
    assert read_address(event) is None
    remove_address(event)  # not ours: left alone
    assert address_file(event).exists()
    address_file(event).write_text("not json")
    assert read_address(event) is None


def test_a_schedule_rebuilds_the_same_clock() -> None:
    host = TalkClock(12, 300, 3)
    host.start(100.0)
    host.pause(110.0)
    host.resume(114.5)
    host.skip_slide(130.0)
    host.pause(140.0)
    follower = clock_from(json.loads(json.dumps(schedule_of(host))))
    for now in (100.0, 102.9, 103.0, 120.0, 139.9, 141.0, 500.0):
        assert follower.state(now) == host.state(now)
    follower.resume(150.0)
    host.resume(150.0)
    for slide in range(13):
        assert follower.due_at(slide) == host.due_at(slide)
    assert follower.next_change(151.0) == host.next_change(151.0)
    with pytest.raises(ValueError, match="not a talk schedule"):
        clock_from({"slides": 12})


def test_the_clock_offset_is_zero_on_the_same_machine_and_estimated_elsewhere() -> None:
    local = [50.0]
    follower = Follower(lambda: None, lambda message: None, monotonic=lambda: local[0])
    boot = follower._boot
    if boot is not None:
        follower._clock({"now": 80.0, "boot": boot}, received=50.0)
        assert follower.offset == 0.0
    # Another machine: the sample with the least delay wins.
    follower._clock({"now": 1000.0, "boot": "elsewhere"}, received=50.0)
    follower._clock({"now": 1000.5, "boot": "elsewhere"}, received=50.6)  # 0.1 s slower to arrive
    follower._clock({"now": 1001.0, "boot": "elsewhere"}, received=51.002)
    assert follower.offset == pytest.approx(950.0)
    local[0] = 60.0
    assert follower.host_now() == pytest.approx(1010.0)


def test_a_message_a_screen_cannot_show_does_not_stop_it_following() -> None:
    shown: list[str] = []

    def show(message: dict) -> None:  # type: ignore[type-arg]
        if message["kind"] == "bad":
            raise KeyError("talk")
        shown.append(message["kind"])

    follower = Follower(lambda: None, show)
    follower._event("change", json.dumps({"kind": "bad", "now": 1.0}))
    follower._event("change", json.dumps({"kind": "draw", "now": 2.0}))
    assert shown == ["draw"] and follower.connected


def test_run_serve_says_a_bad_or_busy_address_before_anything_is_written(event_dir: Path, capsys) -> None:  # noqa: ANN001
    from battledecks.cli import main
    from tests.builders import build_event

    path = build_event(event_dir / "events", name="served")
    before = sorted(p.name for p in path.parent.iterdir())
    assert main(["run", str(path), "--serve", "127.0.0.1:port"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "battledecks: --serve 127.0.0.1:port: the port must be a number (like 127.0.0.1:8750)"
    )
    busy = listen("127.0.0.1", 0)
    try:
        port = busy.getsockname()[1]
        assert main(["run", str(path), "--serve", f"127.0.0.1:{port}"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"battledecks: --serve 127.0.0.1:{port}: cannot listen there") and "Traceback" not in err
    finally:
        busy.close()
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_the_room_learns_the_winner_only_when_it_is_revealed(room_show: Show) -> None:
    for n, name in enumerate(["Ada", "Brian", "Chen"]):
        room_show.draw_for(name)
        present(room_show, name, at=100.0 * n)
        room_show.score(name, "J1", "Style", float(9 - 2 * n))
    view = RoomView(room_show)
    seen = {}
    for stage in ("standings", "third", "second", "winner"):
        view.show_results(stage)
        assert view.standings is not None
        seen[stage] = view.standings
    for stage in ("standings", "third", "second"):
        assert seen[stage]["winners"] == [] and seen[stage]["runners_up"] == [], stage
    assert [r["presenter"] for r in seen["third"]["rows"]] == ["Chen"]
    assert [r["presenter"] for r in seen["second"]["rows"]] == ["Brian", "Chen"]
    assert seen["winner"]["winners"] == ["Ada"]
    assert len(seen["standings"]["rows"]) == 3


def test_the_room_sees_the_commitment_and_the_room_s_numbers_but_no_chain_value(room_show: Show) -> None:
    view = RoomView(room_show)
    assert view.state()["commitment"] == short_fingerprint(room_show.commitment.fingerprint)
    drawn = room_show.draw_for("Ada", room="5 5 2")
    entry = room_show.record.entries[-1]
    view.apply(
        "draw", "Ada", 1, {k: v for k, v in entry.items() if k not in ("kind", "at", "presenter")}, room_show.seq, 0.0
    )
    assert (
        view.state()["reveal"]["room"] == "5 5 2" and view.state()["reveal"]["title"] is None
    )  # not before the host's screen
    assert view.revealed("Ada", 0.0)
    state = view.state()
    assert state["reveal"]["room"] == "5 5 2" and state["reveal"]["title"] == drawn.deck.title
    said = json.dumps(state)
    assert entry["revealed"] not in said and entry["key"] not in said and "pool" not in said
