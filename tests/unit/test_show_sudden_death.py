"""Sudden death draws the whole round or nothing; every draw sees decks added to the folder meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from battledecks.core.record import RecordError, read_entries
from battledecks.core.show import Show
from tests.builders import build_deck, build_event, present


def tied(event_dir: Path, seeds, wall, **keys: object) -> tuple[Path, Show]:  # noqa: ANN001
    path = build_event(
        event_dir / "events",
        name="tie",
        order="listed",
        presenters=["Ann", "Bob", "Cy"],
        scoring={"judges": ["J1"], "tiebreak": "sudden-death"},
        **keys,
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    for name, score in (("Ann", 8), ("Bob", 8), ("Cy", 6)):
        show.draw_for(name)
        present(show, name)
        show.score(name, "J1", "Overall", score)
    return path, show


def test_sudden_death_with_one_topic_for_two_draws_nothing(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path, show = tied(event_dir, seeds, wall, topics=["Cats", "Dogs", "Owls", "Bats"])
    assert len(show.topic_pool()) == 1
    before = len(read_entries(path.with_name("tie.record.yaml")))
    with pytest.raises(RecordError, match="not enough topics left for the sudden death: 1 for 2"):
        show.sudden_death()
    assert len(read_entries(path.with_name("tie.record.yaml"))) == before
    assert show.presenter("Ann", 2).deck is None and show.presenter("Bob", 2).deck is None


def test_sudden_death_draws_for_both_when_there_is_enough(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    _, show = tied(event_dir, seeds, wall, topics=["Cats", "Dogs", "Owls", "Bats", "Eels"])
    round_, draws = show.sudden_death()
    assert round_ == 2 and [name for name, _ in draws] == ["Ann", "Bob"]
    assert all(d.topic for _, d in draws)


def test_a_deck_added_while_the_show_runs_is_drawn_without_a_restart(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="grow", order="listed", presenters=[f"P{i}" for i in range(7)])
    show = Show.open(path, seed_source=seeds, clock=wall)
    for i in range(6):
        show.draw_for(f"P{i}")
    with pytest.raises(RecordError, match="no unseen deck left for P6"):
        show.draw_for("P6")
    build_deck(event_dir / "decks" / "late-arrival", title="A Late Arrival")
    assert show.draw_for("P6").deck.id == "late-arrival"
