"""Running an event through Show: order, draws, vetoes, talks, scores, the record."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from battledecks.core.atomic import EventLockedError
from battledecks.core.problems import ProblemsError
from battledecks.core.record import EventRecord, RecordError, Status, read_entries
from battledecks.core.show import Show
from tests.builders import build_deck, build_event, present

SCORING = {"judges": ["J1", "J2"], "criteria": [{"name": "Style", "weight": 1}, {"name": "Fit", "weight": 2}]}


@pytest.fixture
def event_path(event_dir: Path) -> Path:
    return build_event(event_dir / "events", scoring=SCORING)


def open_show(path: Path, seeds, wall, **kw) -> Show:  # noqa: ANN001
    return Show.open(path, seed_source=seeds, clock=wall, **kw)


def test_random_order_is_drawn_once_and_recorded(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    order = show.record.order
    assert sorted(order) == ["Ada", "Brian", "Chen"]
    entry = read_entries(show.record.path)[0]
    assert entry["kind"] == "order" and entry["presenters"] == order and entry["seed"] == 1
    again = open_show(event_path, lambda: 999, wall)
    assert again.record.order == order
    # Opened again, nothing is drawn or committed again: the order, then the draw's commitment, once each.
    assert [e["kind"] for e in again.record.entries] == ["order", "commit"]


def test_listed_order_keeps_the_file_order(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", presenters=["Zed", "Amy", "Mo"])
    assert open_show(path, seeds, wall).record.order == ["Zed", "Amy", "Mo"]


def test_draws_are_unique_recorded_and_replayable(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    draws = show.draw_all()
    decks = [d.deck.id for d in draws]
    assert len(set(decks)) == 3
    reopened = open_show(event_path, seeds, wall)
    assert [reopened.record.presenters[n].main.deck for n in reopened.record.order] == decks
    assert reopened.audit() == []
    assert all(reopened.status(n) is Status.DRAWN for n in reopened.record.order)


def test_tampered_draw_fails_the_audit(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    result = show.draw_for(show.record.order[0])
    text = show.record.path.read_text()
    other = next(d for d in result.pool if d != result.deck.id)
    show.record.path.write_text(text.replace(f'"deck": "{result.deck.id}"', f'"deck": "{other}"'))
    assert len(open_show(event_path, seeds, wall).audit()) == 1


def test_second_draw_keeps_earlier_draws(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    first = show.draw_for("Ada")
    show.draw_all()
    assert show.record.presenters["Ada"].main.deck == first.deck.id
    assert show.draw_all() == []


def test_not_enough_decks_draws_nothing(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", presenters=[f"P{i}" for i in range(7)])
    show = open_show(path, seeds, wall)
    with pytest.raises(RecordError, match="6 unseen decks for 7 presenters"):
        show.draw_all()
    assert not any(e["kind"] == "draw" for e in show.record.entries)


def test_authors_never_get_their_own_deck(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    build_deck(event_dir / "decks" / "adas-deck", authors=["Ada"])
    path = build_event(event_dir / "events", presenters=["Ada"])
    for _ in range(30):
        show = open_show(path, seeds, wall, save=False)
        show.ensure_order()
        assert show.draw_for("Ada").deck.id != "adas-deck"


def test_decks_shown_at_earlier_events_are_not_drawn(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    earlier = build_event(event_dir / "events", name="earlier", presenters=["Old"])
    show = open_show(earlier, seeds, wall)
    show.draw_for("Old")
    show.start_talk("Old", 0.0)
    shown = show.record.presenters["Old"].main.deck
    later = build_event(event_dir / "events", name="later", presenters=["New"])
    later_show = open_show(later, seeds, wall)
    assert shown in later_show.shown_before
    assert shown not in {d.id for d in later_show.pool("New")}
    reuse = build_event(event_dir / "events", name="reuse", presenters=["New"], reuse=True)
    assert shown in {d.id for d in open_show(reuse, seeds, wall).pool("New")}


def test_drawn_but_not_shown_decks_stay_available_to_later_events(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    earlier = build_event(event_dir / "events", name="earlier", presenters=["Old"])
    open_show(earlier, seeds, wall).draw_for("Old")
    later = open_show(build_event(event_dir / "events", name="later"), seeds, wall)
    assert later.shown_before == set()


def test_veto_sets_aside_and_draws_again(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    first = show.draw_for("Ada")
    second = show.veto("Ada", "slide 4 is blank")
    assert second is not None and second.deck.id != first.deck.id
    reopened = open_show(event_path, seeds, wall)
    turn = reopened.record.presenters["Ada"].main
    assert turn.vetoed == [first.deck.id] and turn.deck == second.deck.id
    assert first.deck.id not in {d.id for d in reopened.pool("Brian")}


def test_veto_after_the_talk_is_refused(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    show.draw_for("Ada")
    show.start_talk("Ada", 0.0)
    with pytest.raises(RecordError):
        show.veto("Ada")


def test_talk_lifecycle_and_statuses(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    assert show.status("Ada") is Status.WAITING
    with pytest.raises(RecordError):
        show.start_talk("Ada", 0.0)
    show.draw_for("Ada")
    show.start_talk("Ada", 0.0)
    assert show.status("Ada") is Status.PRESENTING
    with pytest.raises(RecordError, match="not over yet"):
        show.end_talk(10.0)
    show.abort_talk(1.0)
    assert show.status("Ada") is Status.DRAWN
    with pytest.raises(RecordError, match="no talk is on stage"):
        show.abort_talk(2.0)
    with pytest.raises(RecordError, match="not presented yet"):
        show.score("Ada", "J1", "Style", 7)
    present(show, "Ada", at=10.0)
    assert show.status("Ada") is Status.PRESENTED
    for judge in ("J1", "J2"):
        for crit in ("Style", "Fit"):
            show.score("Ada", judge, crit, 7)
    assert show.status("Ada") is Status.PRESENTED  # the audience score is missing
    show.score("Ada", None, None, 9)
    assert show.status("Ada") is Status.SCORED
    with pytest.raises(RecordError):
        show.start_talk("Ada", 20.0)


def test_corrections_keep_the_old_value(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    show.draw_for("Ada")
    present(show, "Ada")
    show.score("Ada", "J1", "Style", 6)
    show.score("Ada", "J1", "Style", 6)  # unchanged: nothing recorded
    show.score("Ada", "J1", "Style", 8)
    reopened = open_show(event_path, seeds, wall)
    assert reopened.record.presenters["Ada"].main.scores[("J1", "Style")] == 8
    (correction,) = reopened.record.corrections()
    assert correction["previous"] == 6 and correction["value"] == 8


def test_interrupted_talk_is_marked_and_can_restart(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    show.draw_for("Ada")
    show.start_talk("Ada", 0.0)
    reopened = open_show(event_path, seeds, wall)
    assert reopened.mark_interrupted() == ["Ada"]
    assert reopened.status("Ada") is Status.INTERRUPTED
    assert reopened.mark_interrupted() == ["Ada"]
    assert sum(e["kind"] == "talk-interrupted" for e in reopened.record.entries) == 1
    present(reopened, "Ada", at=5.0)
    assert [e["kind"] for e in reopened.record.entries[-3:]] == ["abort", "talk-start", "talk-end"]
    assert reopened.status("Ada") is Status.PRESENTED


def test_lineup_changes(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    record = show.record
    show.add_presenter("Wanda")
    assert record.order[-1] == "Wanda" and show.presenter("Wanda").wildcard
    with pytest.raises(RecordError):
        show.add_presenter("wanda")
    show.move_presenter("Wanda", -10)
    assert record.order[0] == "Wanda"
    assert not show.move_presenter("Wanda", -1)
    show.remove_presenter("Wanda")
    assert "Wanda" not in record.order
    first = record.order[0]
    show.draw_for(first)
    show.start_talk(first, 0.0)
    with pytest.raises(RecordError):
        show.remove_presenter(first)
    assert open_show(event_path, seeds, wall).record.order == record.order


def test_record_is_readable_yaml_with_one_entry_per_line(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    show.draw_all()
    data = yaml.safe_load(show.record.path.read_text())
    assert data["format"] == 1 and data["event"] == "Test Night"
    lines = [l for l in show.record.path.read_text().splitlines() if l.startswith("  - {")]
    assert len(lines) == len(data["log"]) == 5  # the order, the draw's commitment, three draws


def test_a_broken_record_is_one_clear_error(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    record = event_path.with_name("test.record.yaml")
    record.write_text("format: 1\nlog:\n  - {kind: dance, presenter: Ada}\n")
    with pytest.raises(ProblemsError, match="test.record.yaml.*unknown log entry kind 'dance'"):
        open_show(event_path, seeds, wall)
    record.write_text("not: a record\n")
    before = record.read_bytes()
    with pytest.raises(ProblemsError, match="is not a battledecks record"):
        open_show(event_path, seeds, wall)
    assert record.read_bytes() == before


def test_read_only_show_writes_nothing(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    Show.open(event_path, save=False, seed_source=seeds, clock=wall)
    assert not event_path.with_name("test.record.yaml").exists()


def test_lock_refuses_a_second_app(event_path: Path) -> None:
    first = Show.lock_for(event_path)
    first.acquire(str(event_path))
    try:
        with pytest.raises(EventLockedError, match="already open in another battledecks"):
            Show.lock_for(event_path).acquire(str(event_path))
    finally:
        first.release()
    again = Show.lock_for(event_path)
    again.acquire(str(event_path))
    again.release()


def test_record_survives_kill_at_any_instant(event_path: Path, tmp_path: Path) -> None:
    """Kill a process that keeps changing the record; the file always reads back whole."""
    script = textwrap.dedent(
        f"""
        import itertools
        from pathlib import Path
        from battledecks.core.show import Show
        from tests.builders import present
        show = Show.open(Path({str(event_path)!r}))
        show.draw_all()
        name = show.record.order[0]
        if show.status(name).value == "drawn":
            present(show, name)
        print("ready", flush=True)
        for i in itertools.count():
            show.score(name, "J1", "Style", 1 + i % 10)
        """
    )
    for delay in (0.05, 0.13, 0.21, 0.34):
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parents[2],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        entries = read_entries(event_path.with_name("test.record.yaml"))
        assert entries[0]["kind"] == "order"
        assert any(e["kind"] == "score" for e in entries)
    leftovers = [p for p in event_path.parent.iterdir() if p.name.endswith(".tmp")]
    # A kill between mkstemp and rename may leave a temporary file; never a broken record.
    assert all(p.name.startswith(".test.record.yaml.") for p in leftovers)
